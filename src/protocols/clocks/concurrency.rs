//! Concurrent events, counted as the run goes from the engine's stamps; shared by the
//! Lamport and vector clock protocols (the first shows that ordered Lamport stamps do not
//! mean happened-before, the second that vector stamps tell).
//!
//! For a new event e, every earlier event is either in e's causal past or concurrent
//! with it (nothing earlier lies in its future). Its past holds Σ_j V(e)[j] events
//! (itself included), so the earlier concurrent ones number `earlier - (ΣV - 1)`; those
//! sharing e's Lamport stamp cannot be in its past, so they are exactly the concurrent
//! pairs the scalar clock leaves unordered.
//!
//! Besides the counts it keeps one *witness*: a pair of concurrent events whose Lamport
//! stamps differ, with the consistent cut through both (the union of their causal pasts,
//! whose frontier is exactly the two events): a global state in which both have happened
//! and neither knows of the other. Start events are left out (every process starts at
//! L=1), and a pair whose stamps differ by two or more is preferred: the first found is
//! kept until such a pair turns up, then that one for good (two searches at most).

use std::collections::BTreeMap;

use crate::sim::protocol::Observe;
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::{EventId, NodeId, Time};

/// A pair of concurrent events with ordered Lamport stamps, and a cut through both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    /// (event, node, Lamport stamp), the smaller stamp first.
    pub low: (EventId, NodeId, u64),
    pub high: (EventId, NodeId, u64),
    /// Per node, the time of the last event of the cut past(low) ∪ past(high).
    pub cut: Vec<Time>,
}

#[derive(Clone, Debug, Default)]
pub struct Concurrency {
    events: u64,
    concurrent: u64,
    unordered: u64,
    /// How many events carry each Lamport stamp (stamps below every node's clock can no
    /// longer be matched and are forgotten, so this stays small).
    by_lamport: BTreeMap<u64, u64>,
    lowest_clock: BTreeMap<NodeId, u64>,
    /// Per node: how many ticking events it has had, its latest (event, stamp), and
    /// whether that event is its start.
    count: BTreeMap<NodeId, (u32, EventId, u64, bool)>,
    witness: Option<Witness>,
}

impl Observe for Concurrency {
    /// Take in one new event (only ticking events with vector stamps count).
    fn observe(&mut self, e: &Event, log: &Trace) {
        let Some(v) = log.vector(e.id).filter(|_| e.ticks()) else { return };
        let past: u64 = v.iter().map(|&x| x as u64).sum::<u64>() - 1;
        let earlier = self.events;
        let concurrent = earlier.saturating_sub(past);
        let same_stamp = self.by_lamport.get(&e.lamport).copied().unwrap_or(0);
        self.concurrent += concurrent;
        self.unordered += same_stamp;
        self.events += 1;
        *self.by_lamport.entry(e.lamport).or_insert(0) += 1;
        let node = e.node.expect("ticking events are on a line");
        self.lowest_clock.insert(node, e.lamport);
        // Every later event has a stamp above some node's current clock.
        if let Some(&floor) = self.lowest_clock.values().min().filter(|_| self.lowest_clock.len() == v.len()) {
            self.by_lamport = self.by_lamport.split_off(&(floor + 1));
        }
        let start = matches!(e.kind, EventKind::Start);
        if concurrent > 0 && !start && self.witness.as_ref().is_none_or(|w| w.high.2 - w.low.2 < 2) {
            self.find_witness(e, node, v, log);
        }
        let c = self.count.entry(node).or_insert((0, 0, 0, false));
        *c = (c.0 + 1, e.id, e.lamport, start);
    }
}

impl Concurrency {
    /// Another node's latest event that e has not heard of is concurrent with e.
    fn find_witness(&mut self, e: &Event, node: NodeId, v: &[u32], log: &Trace) {
        let gap = |lf: u64| lf.abs_diff(e.lamport);
        let wanted = if self.witness.is_some() { 2 } else { 1 };
        let candidates = self.count.iter().filter(|&(&j, &(c, _, lf, start))| j != node && j < v.len() && c > v[j] && !start && gap(lf) >= wanted);
        let Some((&other, &(_, f, lf, _))) = candidates.max_by_key(|(_, c)| gap(c.2)) else { return };
        let vf = log.vector(f).expect("counted events have vectors");
        let need: Vec<u32> = v.iter().zip(vf).map(|(a, b)| (*a).max(*b).max(1)).collect();
        // The frontier of the union of both pasts: the need[k]-th event of each node k.
        // Walk back from e once (the witness is found once per run): node k has had
        // `count[k]` events so far, so its need[k]-th lies count[k] - need[k] events back.
        let mut left: Vec<u32> = (0..v.len()).map(|k| self.count.get(&k).map_or(0, |c| c.0) + u32::from(k == node)).collect();
        let mut cut: Vec<Option<Time>> = vec![None; v.len()];
        let mut open = v.len();
        for ev in log.events()[..=e.id].iter().rev() {
            let Some(k) = ev.node.filter(|&k| k < v.len() && ev.ticks()) else { continue };
            if cut[k].is_none() && left[k] == need[k] {
                cut[k] = Some(ev.time);
                open -= 1;
                if open == 0 {
                    break;
                }
            }
            left[k] = left[k].saturating_sub(1);
        }
        let (a, b) = ((e.id, node, e.lamport), (f, other, lf));
        let (low, high) = if lf < e.lamport { (b, a) } else { (a, b) };
        self.witness = Some(Witness { low, high, cut: cut.into_iter().map(|t| t.unwrap_or(0)).collect() });
    }

    pub fn events(&self) -> u64 {
        self.events
    }
    /// Pairs of concurrent events so far.
    pub fn concurrent(&self) -> u64 {
        self.concurrent
    }
    /// Pairs of events with equal Lamport stamps (all of them concurrent).
    pub fn ties(&self) -> u64 {
        self.unordered
    }
    /// Concurrent pairs whose Lamport stamps nonetheless differ.
    pub fn ordered(&self) -> u64 {
        self.concurrent - self.unordered
    }
    pub fn witness(&self) -> Option<&Witness> {
        self.witness.as_ref()
    }
}

/// Pairs of concurrent events, and how many of them Lamport stamps nonetheless order,
/// by brute force over the log (the tests check the incremental count against it).
#[cfg(test)]
pub fn brute_force(trace: &Trace) -> (usize, usize) {
    let events: Vec<_> = trace.events().iter().filter(|e| e.ticks() && trace.vector(e.id).is_some()).collect();
    let (mut concurrent, mut ordered) = (0, 0);
    for (i, a) in events.iter().enumerate() {
        let va = trace.vector(a.id).expect("filtered");
        for b in &events[i + 1..] {
            let vb = trace.vector(b.id).expect("filtered");
            let le = va.iter().zip(vb).all(|(x, y)| x <= y);
            let ge = va.iter().zip(vb).all(|(x, y)| x >= y);
            if !le && !ge {
                concurrent += 1;
                if a.lamport != b.lamport {
                    ordered += 1;
                }
            }
        }
    }
    (concurrent, ordered)
}

/// Is the cut (per node, the time its part ends, that instant included) consistent: no
/// message received inside it was sent outside it? Brute force over the log, for tests.
#[cfg(test)]
pub fn cut_is_consistent(trace: &Trace, cut: &[Time]) -> bool {
    let inside = |t: Time, c: Time| t <= c;
    trace.messages().iter().all(|m| {
        let Some(end) = trace.end_of(m.id) else { return true };
        let r = trace.event(end);
        let received_inside = r.node.is_some_and(|k| inside(r.time, cut[k]));
        let sent_inside = inside(trace.event(m.send_event).time, cut[m.from]);
        !received_inside || sent_inside
    })
}
