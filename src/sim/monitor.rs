//! Monitors: properties of the history rather than of the present state, checked
//! incrementally. Each monitor sees every new event once, keeps only what it needs
//! (bounded by N and by what is in flight, never by the length of the run), and lives in
//! the engine's world, so checkpoints carry it and time travel needs no rescan.
//!
//! Protocols name the milestones monitors read with marks (`ctx.mark_with`):
//! - `request` / `served` (keyed by the node's request number) for the progress monitor;
//! - `multicast` (on the sender's event) and `deliver` (on the receiver's), keyed by
//!   [`multicast_id`], for the FIFO, causal and total order monitors. As in the textbook
//!   definitions, the sender is a member of the group and delivers its own multicast too
//!   (mark `deliver` on the sender as well); a protocol that does not would be reported
//!   by the causal and total monitors.

use std::collections::BTreeMap;
use std::fmt::Debug;

use super::breach::Breach;
use super::trace::{Event, EventKind, Mark, Trace};
use super::{EventId, NodeId, Time};
use crate::phrase;
use crate::words::{nodes, Text};

/// What a monitor may know about the moment besides the events.
pub struct Moment<'a> {
    pub now: Time,
    /// Nothing is left to happen.
    pub quiescent: bool,
    pub up: &'a [bool],
    /// The protocol's explanation of why waiting nodes cannot proceed (lost token,
    /// crashed server, deadlock cycle), computed only when asked.
    pub why_stalled: &'a dyn Fn() -> Text,
}

/// A property over the history, fed every event once, in order.
pub trait Monitor: Debug + CloneMonitor {
    /// Stable id (`inv.ID` in the words).
    fn id(&self) -> &'static str;
    /// Take in the events the last step logged; say whether the property holds now.
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach>;
}

/// Checkpoints copy a run's monitors; any `Clone` monitor can be copied behind a box.
pub trait CloneMonitor {
    fn clone_box(&self) -> Box<dyn Monitor>;
}

impl<T: Monitor + Clone + 'static> CloneMonitor for T {
    fn clone_box(&self) -> Box<dyn Monitor> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Monitor> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// The key of one multicast: its origin and the origin's sequence number (from 1).
pub fn multicast_id(origin: NodeId, seq: u64) -> u64 {
    ((origin as u64) << 32) | (seq & 0xffff_ffff)
}

pub fn multicast_origin(id: u64) -> (NodeId, u64) {
    ((id >> 32) as NodeId, id & 0xffff_ffff)
}

fn text_of(id: u64) -> Text {
    let (origin, seq) = multicast_origin(id);
    Text::plain(format!("m{origin}.{seq}"))
}

/// ME2 and its kin: every request is eventually served. A node's `request` mark opens a
/// wait, its `served` mark closes it, a crash forgets it. The property breaks when nodes
/// wait and either nothing is left to happen, or nobody has been served for `patience`
/// ticks (protocols with periodic timers never go quiet, so rest alone would never tell).
#[derive(Clone, Debug)]
pub struct Progress {
    pub patience: Time,
    open: BTreeMap<NodeId, Time>,
    last_progress: Time,
}

impl Progress {
    pub fn new(patience: Time) -> Progress {
        Progress { patience, open: BTreeMap::new(), last_progress: 0 }
    }
}

impl Monitor for Progress {
    fn id(&self) -> &'static str {
        "progress"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            if matches!(e.kind, EventKind::Crash) {
                self.open.remove(&node);
                continue;
            }
            for m in log.marks_of(e.id) {
                match m.tag {
                    "request" => {
                        self.open.entry(node).or_insert(e.time);
                    }
                    "served" => {
                        self.open.remove(&node);
                        self.last_progress = e.time;
                    }
                    _ => {}
                }
            }
        }
        let waiting: Vec<NodeId> = self.open.keys().copied().filter(|&n| moment.up.get(n).copied().unwrap_or(false)).collect();
        let Some(since) = waiting.iter().map(|n| self.open[n]).min() else { return Ok(()) };
        let stuck_for = moment.now.saturating_sub(since.max(self.last_progress));
        if moment.quiescent {
            Err(Breach { detail: phrase!("breach.stalled_at_rest", nodes(&waiting), (moment.why_stalled)()), nodes: waiting })
        } else if stuck_for >= self.patience {
            Err(Breach { detail: phrase!("breach.stalled", stuck_for, nodes(&waiting), (moment.why_stalled)()), nodes: waiting })
        } else {
            Ok(())
        }
    }
}

/// A property of the history judged one mark at a time: the monitor feeds `see` every
/// mark tagged [`MarkRule::TAG`] with the node that made it, and keeps the first breach
/// `see` reports, since a history once broken stays broken. Most safety properties of
/// the catalogue read this way ("at most one leader per term", "one value chosen").
pub trait MarkRule: Clone + Debug + 'static {
    /// Stable id (`inv.ID` in the words).
    const ID: &'static str;
    /// The marks it reads.
    const TAG: &'static str;
    /// One mark, in log order; a breach when the property breaks at it.
    fn see(&mut self, node: NodeId, mark: &Mark) -> Option<Breach>;
}

/// The monitor of a [`MarkRule`].
#[derive(Clone, Debug, Default)]
pub struct ByMarks<R> {
    rule: R,
    broken: Option<Breach>,
}

impl<R: MarkRule> ByMarks<R> {
    pub fn boxed(rule: R) -> Box<dyn Monitor> {
        Box::new(ByMarks { rule, broken: None })
    }
}

impl<R: MarkRule> Monitor for ByMarks<R> {
    fn id(&self) -> &'static str {
        R::ID
    }
    fn check(&mut self, events: &[Event], log: &Trace, _: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            for m in log.marks_of(e.id).filter(|m| m.tag == R::TAG) {
                if let Some(breach) = self.rule.see(node, m) {
                    self.broken.get_or_insert(breach);
                }
            }
        }
        self.broken.clone().map_or(Ok(()), Err)
    }
}

/// Who first claimed each key, for rules of the form "every claim on a key agrees with the
/// first" (one leader per term, one command per log index). Keeps the latest `keep` keys,
/// so the state stays bounded however long the run.
#[derive(Clone, Debug, Default)]
pub struct FirstClaims<V> {
    first: BTreeMap<u64, (V, NodeId)>,
}

impl<V: Copy + PartialEq> FirstClaims<V> {
    /// Record `node`'s claim of `value` on `key`; the first claim when it differs.
    pub fn claim(&mut self, key: u64, value: V, node: NodeId, keep: usize) -> Option<(V, NodeId)> {
        match self.first.get(&key) {
            Some(&(first, by)) => (first != value).then_some((first, by)),
            None => {
                self.first.insert(key, (value, node));
                if self.first.len() > keep {
                    self.first.pop_first();
                }
                None
            }
        }
    }
}

/// Deliveries of one sender's multicasts happen in its sending order at every node.
#[derive(Clone, Debug, Default)]
pub struct FifoOrder {
    /// (receiver, origin) → the highest sequence number delivered.
    last: BTreeMap<(NodeId, NodeId), u64>,
}

impl MarkRule for FifoOrder {
    const ID: &'static str = "fifo";
    const TAG: &'static str = "deliver";
    fn see(&mut self, node: NodeId, m: &Mark) -> Option<Breach> {
        let (origin, seq) = multicast_origin(m.key);
        let last = self.last.entry((node, origin)).or_insert(0);
        let broken = (seq < *last).then(|| Breach { nodes: vec![node, origin], detail: phrase!("breach.fifo", node, *last, origin, seq) });
        *last = (*last).max(seq);
        broken
    }
}

/// A multicast is delivered only after every multicast that happened before it. As in
/// the textbook definition of causal delivery, the order is the one the application
/// sees: a node's causal past grows when it multicasts or *delivers* a multicast (taking
/// in what that multicast's sender knew), not when a message merely arrives and waits in
/// a hold-back queue, nor through a protocol's own traffic (a submission to a sequencer).
/// Judged on arrivals instead, no hold-back scheme could keep the promise: a member that
/// has received, but not yet delivered, a message and then multicasts would be charged
/// with a dependency its application never saw.
#[derive(Clone, Debug)]
pub struct CausalOrder {
    /// Per node: multicasts of each origin in its causal past.
    known: Vec<Vec<u64>>,
    /// Per multicast (until every node has delivered it): what its send knew.
    deps: BTreeMap<u64, Vec<u64>>,
    /// Per node: how many of each origin's multicasts it has delivered (max seq).
    delivered: Vec<Vec<u64>>,
    broken: Option<Breach>,
}

impl CausalOrder {
    pub fn new(n: usize) -> CausalOrder {
        CausalOrder { known: vec![vec![0; n]; n], deps: BTreeMap::new(), delivered: vec![vec![0; n]; n], broken: None }
    }
}

impl Monitor for CausalOrder {
    fn id(&self) -> &'static str {
        "causal"
    }
    fn check(&mut self, events: &[Event], log: &Trace, _: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            for m in log.marks_of(e.id) {
                let (origin, seq) = multicast_origin(m.key);
                if origin >= self.known.len() {
                    continue;
                }
                match m.tag {
                    "multicast" => {
                        self.deps.insert(m.key, self.known[node].clone());
                        self.known[node][origin] = self.known[node][origin].max(seq);
                    }
                    "deliver" => {
                        if let Some(deps) = self.deps.get(&m.key) {
                            let missing = deps.iter().enumerate().find(|&(k, &need)| self.delivered[node][k] < need);
                            if let (Some((k, &need)), None) = (missing, &self.broken) {
                                let before = text_of(multicast_id(k, need));
                                self.broken = Some(Breach { nodes: vec![node], detail: phrase!("breach.causal", node, text_of(m.key), before) });
                            }
                            // Delivering is learning: the receiver's past now holds the
                            // message and everything its sender knew.
                            for (k, &x) in self.known[node].iter_mut().zip(deps) {
                                *k = (*k).max(x);
                            }
                        }
                        let d = &mut self.delivered[node][origin];
                        *d = (*d).max(seq);
                        self.known[node][origin] = self.known[node][origin].max(seq);
                    }
                    _ => {}
                }
            }
        }
        // Forget multicasts every node has delivered (keeps the state bounded).
        let delivered = &self.delivered;
        self.deps.retain(|id, _| {
            let (origin, seq) = multicast_origin(*id);
            delivered.iter().any(|d| d.get(origin).is_some_and(|&x| x < seq))
        });
        self.broken.clone().map_or(Ok(()), Err)
    }
}

/// Every two nodes deliver the messages they both deliver in the same order. The first
/// node to deliver its k-th message fixes position k; everyone else must agree. Positions
/// every live node has passed are forgotten.
#[derive(Clone, Debug)]
pub struct TotalOrder {
    /// Agreed sequence, starting at position `offset`.
    agreed: Vec<(u64, NodeId)>,
    offset: usize,
    /// Per node: how many it has delivered.
    count: Vec<usize>,
    broken: Option<Breach>,
}

impl TotalOrder {
    pub fn new(n: usize) -> TotalOrder {
        TotalOrder { agreed: Vec::new(), offset: 0, count: vec![0; n], broken: None }
    }
}

impl Monitor for TotalOrder {
    fn id(&self) -> &'static str {
        "total"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            for m in log.marks_of(e.id).filter(|m| m.tag == "deliver") {
                let k = self.count[node];
                self.count[node] += 1;
                if k < self.offset {
                    continue;
                }
                match self.agreed.get(k - self.offset) {
                    None => self.agreed.push((m.key, node)),
                    Some(&(first, by)) if first != m.key && self.broken.is_none() => {
                        self.broken = Some(Breach { nodes: vec![by, node], detail: phrase!("breach.total", by, node, text_of(first), text_of(m.key)) });
                    }
                    _ => {}
                }
            }
        }
        let slowest = (0..self.count.len()).filter(|&i| moment.up.get(i).copied().unwrap_or(false)).map(|i| self.count[i]).min().unwrap_or(0);
        if slowest > self.offset {
            let drop = (slowest - self.offset).min(self.agreed.len());
            self.agreed.drain(..drop);
            self.offset += drop;
        }
        self.broken.clone().map_or(Ok(()), Err)
    }
}

/// Lamport's clock condition, a → b ⇒ C(a) < C(b), on the protocol's own clock as it
/// reports it with `clock` marks (key = the clock after the event). Checking each line and
/// each message is enough: happened-before is their transitive closure.
#[derive(Clone, Debug, Default)]
pub struct ClockCondition {
    /// Per node: (event, clock) of its latest event.
    last: BTreeMap<NodeId, (EventId, u64)>,
    /// Per message in flight: (send event, clock at sending).
    sent: BTreeMap<usize, (EventId, u64)>,
    broken: Option<Breach>,
}

impl Monitor for ClockCondition {
    fn id(&self) -> &'static str {
        "clock_condition"
    }
    fn check(&mut self, events: &[Event], log: &Trace, _: &Moment) -> Result<(), Breach> {
        for e in events {
            if let EventKind::Lost { msg, .. } | EventKind::Discard { msg } = e.kind {
                self.sent.remove(&msg);
            }
            let Some(node) = e.node else { continue };
            let Some(clock) = log.marks_of(e.id).find(|m| m.tag == "clock").map(|m| m.key) else { continue };
            let mut before = self.last.get(&node).copied();
            if let EventKind::Receive { msg } = e.kind {
                if let Some(s) = self.sent.remove(&msg) {
                    if before.is_none_or(|b| s.1 >= b.1) {
                        before = Some(s);
                    }
                }
            }
            if let (Some((a, ca)), None) = (before, &self.broken) {
                if ca >= clock {
                    self.broken = Some(Breach { nodes: vec![node], detail: phrase!("breach.clock", a, e.id, ca, clock) });
                }
            }
            self.last.insert(node, (e.id, clock));
            if let EventKind::Send { msg } = e.kind {
                self.sent.insert(msg, (e.id, clock));
            }
        }
        self.broken.clone().map_or(Ok(()), Err)
    }
}

/// ME3: entries in happened-before order. A node's `request` mark records the vector clock
/// of that event; when a node enters (`enter_cs`), no node still waiting may hold a request
/// that happened before its own (V(req_j) ≤ V(req_i), not equal). Entering or crashing
/// forgets a node's request, so the state is one vector per node at most. Without vector
/// clocks in the log (too many nodes) the monitor has nothing to judge and holds.
#[derive(Clone, Debug, Default)]
pub struct RequestOrder {
    /// Per waiting node: the vector clock of its request.
    waiting: BTreeMap<NodeId, Vec<u32>>,
    broken: Option<Breach>,
}

/// `a` happened before `b`, read from their vector clocks.
fn vector_before(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a != b && a.iter().zip(b).all(|(x, y)| x <= y)
}

impl Monitor for RequestOrder {
    fn id(&self) -> &'static str {
        "me3"
    }
    fn check(&mut self, events: &[Event], log: &Trace, _: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            if matches!(e.kind, EventKind::Crash) {
                self.waiting.remove(&node);
                continue;
            }
            for m in log.marks_of(e.id) {
                match m.tag {
                    "request" => {
                        if let Some(v) = log.vector(e.id) {
                            self.waiting.insert(node, v.to_vec());
                        }
                    }
                    "enter_cs" => {
                        if let Some(mine) = self.waiting.remove(&node) {
                            let earlier = self.waiting.iter().find(|(_, v)| vector_before(v, &mine)).map(|(&j, _)| j);
                            if let (Some(j), None) = (earlier, &self.broken) {
                                self.broken = Some(Breach { nodes: vec![node, j], detail: phrase!("breach.me3", node, j) });
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        self.broken.clone().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: EventId, node: NodeId, time: Time) -> Event {
        Event { id, step: id as u64, time, node: Some(node), kind: EventKind::Start, lamport: 1, hops: 0, cause: None }
    }

    /// A log written by hand: deliveries with the keys the monitors read.
    fn deliveries(order: &[(NodeId, u64)]) -> Trace {
        let mut log = Trace::new(0);
        for (i, &(node, key)) in order.iter().enumerate() {
            log.push_event(event(i, node, 10 * i as Time), None);
            log.push_mark(i, Mark { tag: "deliver", key });
        }
        log
    }

    fn check_all(m: &mut dyn Monitor, log: &Trace) -> Result<(), Breach> {
        let why = || Text::key("why.unknown");
        let up = [true; 3];
        m.check(log.events(), log, &Moment { now: 1_000, quiescent: false, up: &up, why_stalled: &why })
    }

    #[test]
    fn order_monitors_read_a_hand_built_log() {
        let (a1, a2, b1) = (multicast_id(0, 1), multicast_id(0, 2), multicast_id(1, 1));
        // Clean: both nodes deliver a1, a2, b1 in that order.
        let clean = deliveries(&[(1, a1), (2, a1), (1, a2), (2, a2), (1, b1), (2, b1)]);
        assert!(check_all(&mut *ByMarks::boxed(FifoOrder::default()), &clean).is_ok());
        assert!(check_all(&mut TotalOrder::new(3), &clean).is_ok());
        // Node 2 delivers node 0's second multicast before its first: FIFO breaks.
        let unfifo = deliveries(&[(1, a1), (2, a2), (2, a1)]);
        let b = check_all(&mut *ByMarks::boxed(FifoOrder::default()), &unfifo).unwrap_err();
        assert_eq!((b.nodes.clone(), b.detail.en(&[])), (vec![2, 0], "node 2 delivered message 2 of node 0 before message 1".to_string()));
        // Nodes 1 and 2 deliver a1 and b1 in different orders: total order breaks, FIFO holds.
        let untotal = deliveries(&[(1, a1), (2, b1), (1, b1), (2, a1)]);
        assert!(check_all(&mut *ByMarks::boxed(FifoOrder::default()), &untotal).is_ok());
        let b = check_all(&mut TotalOrder::new(3), &untotal).unwrap_err();
        assert_eq!(b.nodes, vec![1, 2]);
        assert!(b.detail.en(&[]).contains("m0.1") && b.detail.en(&[]).contains("m1.1"), "{}", b.detail.en(&[]));
    }

    /// A run that never goes quiet (periodic timers) still stalls: the patience decides.
    #[test]
    fn progress_fires_after_its_patience_even_when_the_run_goes_on() {
        let mut log = Trace::new(0);
        log.push_event(event(0, 1, 100), None);
        log.push_mark(0, Mark { tag: "request", key: 0 });
        let mut p = Progress::new(500);
        let why = || Text::key("why.unknown");
        let up = [true, true, true];
        let at = |now| Moment { now, quiescent: false, up: &up, why_stalled: &why };
        assert!(p.check(&log.events()[0..1], &log, &at(100)).is_ok(), "asking is not stalling");
        assert!(p.check(&[], &log, &at(599)).is_ok(), "within the patience");
        let breach = p.check(&[], &log, &at(600)).unwrap_err();
        assert_eq!(breach.nodes, vec![1]);
        assert_eq!(breach.detail.en(&[]), "no progress for 500 ticks while nodes 1 wait: nothing in flight can serve them");
        // Served: the wait is over.
        log.push_event(event(1, 1, 650), None);
        log.push_mark(1, Mark { tag: "served", key: 0 });
        assert!(p.check(&log.events()[1..2], &log, &at(650)).is_ok());
        // A crashed waiter is no longer waiting.
        log.push_event(event(2, 2, 700), None);
        log.push_mark(2, Mark { tag: "request", key: 0 });
        log.push_event(Event { kind: EventKind::Crash, ..event(3, 2, 710) }, None);
        assert!(p.check(&log.events()[2..4], &log, &at(5_000)).is_ok());
    }

    /// ME3 on a hand-built log of three nodes with their vector clocks: 0 asks, its
    /// request reaches 1, then 1 asks (0's request happened before 1's), 2 asks
    /// concurrently with both.
    fn requests(first_in: NodeId) -> Trace {
        let mut log = Trace::new(3);
        let mut push = |id: EventId, node: NodeId, kind: EventKind, v: [u32; 3], tag: Option<&'static str>| {
            log.push_event(Event { kind, ..event(id, node, 10 * id as Time) }, Some(&v));
            if let Some(tag) = tag {
                log.push_mark(id, Mark { tag, key: 0 });
            }
        };
        push(0, 0, EventKind::Input { input: "request", arg: None, workload: false }, [1, 0, 0], Some("request"));
        push(1, 0, EventKind::Send { msg: 0 }, [2, 0, 0], None);
        push(2, 1, EventKind::Receive { msg: 0 }, [2, 1, 0], None);
        push(3, 1, EventKind::Input { input: "request", arg: None, workload: false }, [2, 2, 0], Some("request"));
        push(4, 2, EventKind::Input { input: "request", arg: None, workload: false }, [0, 0, 1], Some("request"));
        // 2 enters first (concurrent with both: allowed), then `first_in`.
        push(5, 2, EventKind::Start, [0, 0, 2], Some("enter_cs"));
        push(6, first_in, EventKind::Start, if first_in == 0 { [3, 0, 0] } else { [2, 3, 0] }, Some("enter_cs"));
        log
    }

    #[test]
    fn request_order_reads_vector_clocks() {
        assert!(check_all(&mut RequestOrder::default(), &requests(0)).is_ok(), "0 asked first and enters first");
        let b = check_all(&mut RequestOrder::default(), &requests(1)).unwrap_err();
        assert_eq!(b.nodes, vec![1, 0]);
        assert_eq!(b.detail.en(&[]), "node 1 entered the critical section while node 0, whose request happened before its own, still waits");
        // A crashed waiter is forgotten: after 0 crashes, 1 may enter.
        let src = requests(1);
        let mut clean = Trace::new(3);
        for e in &src.events()[..5] {
            clean.push_event(e.clone(), src.vector(e.id));
            for m in src.marks_of(e.id) {
                clean.push_mark(e.id, *m);
            }
        }
        clean.push_event(Event { kind: EventKind::Crash, ..event(5, 0, 50) }, Some(&[2, 0, 0]));
        clean.push_event(event(6, 1, 60), Some(&[2, 3, 0]));
        clean.push_mark(6, Mark { tag: "enter_cs", key: 0 });
        assert!(check_all(&mut RequestOrder::default(), &clean).is_ok());
    }
}
