//! Chains of transits: how many message hops, one after another along causality, lead
//! from an origin event to each node. The textbooks count delays this way (the enter delay
//! of a mutual-exclusion request, the turnaround of an election), and so does the product.

use std::collections::BTreeMap;

use super::trace::{Event, EventKind};
use super::{MsgId, NodeId};

/// Longest chains of transits from chosen origin events, followed as messages carry them.
#[derive(Clone, Debug, Default)]
pub struct Waves {
    /// Per wave: the chain length reached at each node (absent: not reached yet).
    depth: BTreeMap<u64, BTreeMap<NodeId, u32>>,
    /// Per message in flight: the waves it carries and their length when it was sent.
    carried: BTreeMap<MsgId, Vec<(u64, u32)>>,
}

impl Waves {
    /// A new wave starts at `node` (replacing one with the same id).
    pub fn start(&mut self, wave: u64, node: NodeId) {
        self.depth.insert(wave, BTreeMap::from([(node, 0)]));
    }
    /// `node` becomes one more origin of the wave (several nodes may start one election),
    /// unless the wave has already reached it.
    pub fn also_from(&mut self, wave: u64, node: NodeId) {
        self.depth.entry(wave).or_default().entry(node).or_insert(0);
    }
    pub fn end(&mut self, wave: u64) {
        self.depth.remove(&wave);
    }
    /// The longest chain from the wave's origin to `node` so far.
    pub fn depth(&self, wave: u64, node: NodeId) -> Option<u32> {
        self.depth.get(&wave).and_then(|d| d.get(&node)).copied()
    }
    /// Take in one event: sends carry the waves their node has been reached by, receives
    /// extend them by one transit.
    pub fn observe(&mut self, e: &Event) {
        match e.kind {
            EventKind::Send { msg } => {
                let Some(node) = e.node else { return };
                let carried: Vec<(u64, u32)> = self.depth.iter().filter_map(|(w, d)| d.get(&node).map(|&x| (*w, x))).collect();
                if !carried.is_empty() {
                    self.carried.insert(msg, carried);
                }
            }
            EventKind::Receive { msg } => {
                let (Some(node), Some(carried)) = (e.node, self.carried.remove(&msg)) else { return };
                for (w, x) in carried {
                    if let Some(d) = self.depth.get_mut(&w) {
                        let slot = d.entry(node).or_insert(x + 1);
                        *slot = (*slot).max(x + 1);
                    }
                }
            }
            EventKind::Lost { msg, .. } | EventKind::Discard { msg } => {
                self.carried.remove(&msg);
            }
            _ => {}
        }
    }
}
