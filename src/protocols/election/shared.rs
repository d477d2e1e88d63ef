//! What every election algorithm is judged by, and the pieces they share.
//!
//! **Identifiers.** A node's id is its election key and has nothing to do with its place
//! in the topology, so the cases the textbook compares (the largest id first or last) are
//! a matter of how ids are laid out: ascending or descending in node order, a permutation
//! drawn from the seed, or typed in (`order`).
//!
//! **Properties.** At most one node declares itself coordinator in one election (a
//! monitor over the `elected` marks, since "one election" is a stretch of history, not a
//! state), and when the run is at rest every live node names the same coordinator: the
//! live node with the largest id (an invariant over the states).
//!
//! **Costs.** [`Rounds`] cuts the log into elections and measures each as it comes in:
//! messages by kind, the turnaround (longest chain of sequential transits), collisions.
//! An election starts with the first send while none is under way and ends when, after
//! someone has declared itself, the last of the election's messages arrives or dies.

use std::collections::{BTreeMap, BTreeSet};

use crate::phrase;
use crate::sim::monitor::{Moment, Monitor};
use crate::sim::protocol::{Breach, Invariant, Metric, Observe, Protocol, Setup, Snapshot, Textbook};
use crate::sim::rng::SimRng;
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::waves::Waves;
use crate::sim::{MsgId, NodeId, ParamSpec, ParamValue};
use crate::words::{nodes, Text};

/// What the family's monitors read from a node's state.
pub trait Elector {
    /// The node's id (its election key), the coordinator it names (by id), and whether it
    /// has taken part in an election since it (re)started: agreement is asked only once
    /// some node has.
    fn standing(&self) -> (u32, Option<u32>, bool);
    /// The largest id this node has heard of in the election under way, for its badge.
    fn largest_seen(&self) -> Option<u32> {
        None
    }

    fn key(&self) -> u32 {
        self.standing().0
    }
    fn coordinator(&self) -> Option<u32> {
        self.standing().1
    }
    fn involved(&self) -> bool {
        self.standing().2
    }
    fn is_leader(&self) -> bool {
        self.coordinator() == Some(self.key())
    }
}

/// Id layouts in node order (the ring has its own, relative to the starter).
pub const ID_LAYOUTS: &[&str] = &["ascending", "descending", "random"];

/// The `ids` layout (with its default) and the `order` typed in.
pub fn id_params(default: &'static str) -> Vec<ParamSpec> {
    vec![ParamSpec::choice("ids", ID_LAYOUTS, default).short("ids", "标识布局"), ParamSpec::id_list("order").short("order", "标识顺序")]
}

/// A permutation of 1..=n drawn from `rng`.
pub fn shuffled(n: usize, rng: &mut SimRng) -> Vec<u32> {
    let mut ids: Vec<u32> = (1..=n as u32).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        ids.swap(i, j);
    }
    ids
}

/// The ids typed in (`order`), checked against N; `None` when none were.
pub fn typed_ids(setup: &Setup) -> Result<Option<Vec<u32>>, String> {
    let n = setup.n;
    match setup.params.id_list("order") {
        [] => Ok(None),
        order if order.len() != n => Err(format!("order gives {} ids for {n} nodes; give one id per node, or none", order.len())),
        order if order.iter().any(|&id| id == 0 || order.iter().filter(|&&x| x == id).count() > 1) => {
            Err(format!("order {} repeats an id or uses 0; give {n} distinct positive ids", ParamValue::IdList(order.to_vec())))
        }
        order => Ok(Some(order.to_vec())),
    }
}

/// Each node's id: typed in, else the `ids` layout (node i gets i+1 when ascending).
pub fn ids(setup: &Setup) -> Result<Vec<u32>, String> {
    if let Some(typed) = typed_ids(setup)? {
        return Ok(typed);
    }
    let n = setup.n as u32;
    Ok(match setup.params.choice("ids") {
        "descending" => (0..n).map(|i| n - i).collect(),
        "random" => shuffled(setup.n, &mut setup.rng()),
        _ => (1..=n).collect(),
    })
}

/// "id 8 (node 7)", or "id 8" when no node has it; `ids` holds each node's id.
pub fn leader_text(ids: &[u32], id: u32) -> Text {
    match ids.iter().position(|&x| x == id) {
        Some(node) => phrase!("leader_at", id, node),
        None => phrase!("leader_id", id),
    }
}

/// The badge every election node wears: its id, and whom it names (or, while it names
/// nobody, the largest id it has heard of, when larger than its own).
pub fn badge(s: &impl Elector) -> Text {
    match (s.coordinator(), s.largest_seen()) {
        (Some(l), _) if l == s.key() => phrase!("badge.leader_self", s.key()),
        (Some(l), _) => phrase!("badge.leader", s.key(), l),
        (None, Some(seen)) if seen > s.key() => phrase!("badge.seen", s.key(), seen),
        (None, _) => phrase!("badge.id", s.key()),
    }
}

/// Whom a node names, for its details ("this node", "id 8 (node 7)", "unknown").
pub fn coordinator_detail(ids: &[u32], s: &impl Elector) -> Text {
    match s.coordinator() {
        Some(l) if l == s.key() => Text::key("this_node"),
        Some(l) => leader_text(ids, l),
        None => Text::key("unknown"),
    }
}

/// At rest, every live node names the live node with the largest id.
pub fn agreement<P: Protocol>() -> Invariant<P>
where
    P::State: Elector,
{
    Invariant { id: "agreement", check: agreement_check::<P> }
}

fn agreement_check<P: Protocol>(_: &P, snap: &Snapshot<P>) -> Result<(), Breach>
where
    P::State: Elector,
{
    let live = snap.live_where(|_| true);
    if !snap.quiescent || !live.iter().any(|&i| snap.states[i].involved()) {
        return Ok(());
    }
    let Some(&top) = live.iter().max_by_key(|&&i| snap.states[i].key()) else { return Ok(()) };
    let want = snap.states[top].key();
    let wrong: Vec<NodeId> = live.iter().copied().filter(|&i| snap.states[i].coordinator() != Some(want)).collect();
    if wrong.is_empty() {
        return Ok(());
    }
    // One clause per node, joined with "; " (the same in both languages).
    let mut list = Text::empty();
    for &i in &wrong {
        let clause = match snap.states[i].coordinator() {
            None => phrase!("clause.knows_none", i),
            Some(l) => {
                let ids: Vec<u32> = snap.states.iter().map(|s| s.key()).collect();
                phrase!("clause.names", i, leader_text(&ids, l))
            }
        };
        list = if list.is_empty() { clause } else { phrase!("list", list, clause) };
    }
    Err(Breach { detail: phrase!("breach.disagree", want, top, list), nodes: wrong })
}

/// At most one node declares itself coordinator in one election. A protocol marks
/// `elected` where a node declares itself; the declarations of one election are those
/// since the run was last at rest, by nodes still up (a coordinator that crashed is
/// legitimately replaced). A recovered node that bullies its way in after the run came to
/// rest starts a new election and is not a second coordinator.
#[derive(Clone, Debug, Default)]
pub struct OneCoordinator {
    declared: BTreeSet<NodeId>,
}

impl Monitor for OneCoordinator {
    fn id(&self) -> &'static str {
        "one_coordinator"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            if log.marks_of(e.id).any(|m| m.tag == "elected") {
                self.declared.insert(node);
            }
        }
        self.declared.retain(|&n| moment.up.get(n).copied().unwrap_or(false));
        let verdict = if self.declared.len() > 1 {
            let both: Vec<NodeId> = self.declared.iter().copied().collect();
            Err(Breach { detail: phrase!("breach.two_leaders", nodes(&both)), nodes: both })
        } else {
            Ok(())
        };
        if moment.quiescent {
            self.declared.clear();
        }
        verdict
    }
}

/// What one election cost, counted as it runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Messages between distinct nodes, by kind.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Longest chain of sequential transits from the election's start.
    pub turnaround: u32,
    /// `collision` marks (two candidates heard of each other too late).
    pub collisions: u32,
}

impl Round {
    pub fn messages(&self) -> u64 {
        self.by_kind.values().sum()
    }
    pub fn of_kind(&self, kind: &str) -> u64 {
        self.by_kind.get(kind).copied().unwrap_or(0)
    }
}

/// The log cut into elections, each measured as its events come in. Chains are counted
/// from the election's own starts, not the engine's `hops` (which count from step 0 and
/// so include earlier elections).
#[derive(Clone, Debug, Default)]
pub struct Rounds {
    round: Round,
    waves: Waves,
    in_flight: BTreeSet<MsgId>,
    declared: bool,
    active: bool,
    last_finished: Option<Round>,
    finished: u32,
}

/// The one wave the rounds follow (cleared at each election's end).
const ELECTION: u64 = 0;

impl Observe for Rounds {
    fn observe(&mut self, e: &Event, log: &Trace) {
        if let (EventKind::Send { msg }, Some(node)) = (&e.kind, e.node) {
            // A node that sends without being reached in this election starts a chain:
            // an initiator, or one woken by a message left over from the last election.
            self.waves.also_from(ELECTION, node);
            let m = log.message(*msg);
            if m.from != m.to {
                *self.round.by_kind.entry(m.kind).or_insert(0) += 1;
            }
            self.in_flight.insert(*msg);
            self.active = true;
        }
        self.waves.observe(e);
        match e.kind {
            EventKind::Receive { msg } => {
                self.in_flight.remove(&msg);
                if let Some(d) = e.node.and_then(|n| self.waves.depth(ELECTION, n)) {
                    self.round.turnaround = self.round.turnaround.max(d);
                }
            }
            EventKind::Discard { msg } | EventKind::Lost { msg, .. } => {
                self.in_flight.remove(&msg);
            }
            _ => {}
        }
        for m in log.marks_of(e.id) {
            match m.tag {
                // A declaration is an election even if it costs no message (N = 2, the
                // second-highest noticing the highest gone).
                "elected" => {
                    self.declared = true;
                    self.active = true;
                }
                "collision" => self.round.collisions += 1,
                _ => {}
            }
        }
    }

    /// After each step: the election is over once someone has declared itself and the
    /// last of its messages has arrived (or died).
    fn step_observed(&mut self) {
        if self.active && self.declared && self.in_flight.is_empty() {
            self.last_finished = Some(std::mem::take(&mut self.round));
            self.finished += 1;
            self.waves.end(ELECTION);
            self.active = false;
            self.declared = false;
        }
    }
}

impl Rounds {
    /// The election under way, else the last one finished.
    pub fn latest(&self) -> Option<&Round> {
        if self.active {
            Some(&self.round)
        } else {
            self.last_finished.as_ref()
        }
    }

    pub fn finished(&self) -> u32 {
        self.finished
    }

    /// The family's metrics for the latest election: messages and turnaround beside their
    /// textbook values, and the count of elections finished. Protocols add their own.
    pub fn metrics(&self, messages: (Textbook, Text), turnaround: (Textbook, Text)) -> Vec<Metric> {
        let latest = self.latest();
        vec![
            Metric { id: "messages", measured: latest.map(|r| r.messages() as f64), textbook: messages.0, formula: messages.1 },
            Metric { id: "turnaround", measured: latest.map(|r| r.turnaround as f64), textbook: turnaround.0, formula: turnaround.1 },
            Metric { id: "finished", measured: Some(self.finished as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
        ]
    }

    /// Messages of one kind in the latest election, as a metric.
    pub fn kind_metric(&self, id: &'static str, kind: &str, textbook: (Textbook, Text)) -> Metric {
        Metric { id, measured: self.latest().map(|r| r.of_kind(kind) as f64), textbook: textbook.0, formula: textbook.1 }
    }
}

/// A textbook figure that is exact, with its formula written as taught.
pub fn exact(value: f64, formula: &'static str) -> (Textbook, Text) {
    (Textbook::Exact(value), Text::plain(formula))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit;
    use crate::sim::Topology;

    fn setup(n: usize, ids: &str, order: &str) -> Setup {
        let p = kit::params_from(&id_params("ascending"), &format!("ids={ids}&order={order}"));
        Setup::new(n, Topology::Complete, p, 3).unwrap()
    }

    #[test]
    fn layouts_and_typed_ids() {
        assert_eq!(ids(&setup(4, "ascending", "")).unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(ids(&setup(4, "descending", "")).unwrap(), vec![4, 3, 2, 1]);
        let mut r = ids(&setup(6, "random", "")).unwrap();
        assert_eq!(r, ids(&setup(6, "random", "")).unwrap(), "the seed fixes the permutation");
        r.sort_unstable();
        assert_eq!(r, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(ids(&setup(3, "descending", "7.30.2")).unwrap(), vec![7, 30, 2], "typed ids win");
        assert!(ids(&setup(4, "ascending", "7.30.2")).unwrap_err().contains("3 ids for 4 nodes"));
    }
}
