//! The log of a run: every event and every message, append-only. Views and metrics are
//! derived from it; nothing is re-executed to draw. Seeking back truncates it to a mark.

use serde::Serialize;

use super::network::LossReason;
use super::{EventId, MsgId, NodeId, Time};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The node started (step 0) or came back after a crash.
    Start,
    Send { msg: MsgId },
    Receive { msg: MsgId },
    /// A message reached a crashed node and was discarded.
    Discard { msg: MsgId },
    /// A message died in the network. Not on any node's line: the diagram draws the
    /// message line from its send to the point of death and ends it with a cross.
    /// `progress` is how far along its path it got, in thousandths, so the picture
    /// can draw it dying where it died.
    Lost { msg: MsgId, reason: LossReason, progress: u32 },
    Timer { label: String },
    Input { input: String },
    Crash,
    Recover,
    /// A change to the network itself (partition, cut, settings); not on a node line.
    Network { what: String },
    /// The user acted on a message in flight (delay, duplicate).
    Tamper { msg: MsgId, what: String },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub id: EventId,
    /// Engine step during which it happened (0 = start-up; interventions carry the step
    /// they follow).
    pub step: u64,
    pub time: Time,
    pub node: Option<NodeId>,
    pub kind: EventKind,
    /// Lamport clock of the node after this event.
    pub lamport: u64,
    /// Vector clock after this event; None above [`super::VECTOR_CLOCK_LIMIT`] nodes.
    pub vector: Option<Vec<u32>>,
    /// Longest chain of message transits leading to this event (turnaround time).
    pub hops: u32,
    /// For a receive: the send event.
    pub cause: Option<EventId>,
    pub notes: Vec<String>,
    pub marks: Vec<&'static str>,
}

impl Event {
    /// Whether the time-space diagram draws it on a node's line.
    pub fn on_node_line(&self) -> bool {
        self.node.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageRecord {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub text: String,
    pub token: bool,
    pub sent_at: Time,
    pub send_event: EventId,
    /// This message is the network's duplicate of another.
    pub copy_of: Option<MsgId>,
    /// The event that ended it (receive, discard or loss), once it has happened.
    pub end: Option<EventId>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub event: EventId,
    pub step: u64,
    pub time: Time,
    pub nodes: Vec<NodeId>,
    pub detail: String,
}

#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub events: Vec<Event>,
    pub messages: Vec<MessageRecord>,
    pub violations: Vec<Violation>,
}

/// Lengths of the trace at some point, to truncate back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceMark {
    events: usize,
    messages: usize,
    violations: usize,
}

impl Trace {
    pub fn mark(&self) -> TraceMark {
        TraceMark { events: self.events.len(), messages: self.messages.len(), violations: self.violations.len() }
    }

    pub fn truncate(&mut self, mark: TraceMark) {
        self.events.truncate(mark.events);
        self.messages.truncate(mark.messages);
        self.violations.truncate(mark.violations);
        for m in &mut self.messages {
            if m.end.is_some_and(|e| e >= mark.events) {
                m.end = None;
            }
        }
    }

    /// A copy of the log as it was at `mark` (for jumping forward to a checkpoint while
    /// the longer log ahead is known).
    pub fn prefix(&self, mark: TraceMark) -> Trace {
        let mut t = Trace {
            events: self.events[..mark.events.min(self.events.len())].to_vec(),
            messages: self.messages[..mark.messages.min(self.messages.len())].to_vec(),
            violations: self.violations[..mark.violations.min(self.violations.len())].to_vec(),
        };
        t.truncate(mark);
        t
    }

    /// Events on `node`'s line, in order.
    pub fn node_events(&self, node: NodeId) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.node == Some(node))
    }

    /// Events carrying the milestone `tag`, in order.
    pub fn marked<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
        self.events.iter().filter(move |e| e.marks.contains(&tag))
    }

    /// A stable 64-bit digest of everything observable in the log (FNV-1a over a
    /// canonical text form): equal runs give equal hashes on every platform.
    pub fn hash(&self) -> u64 {
        let mut h = Fnv::default();
        for e in &self.events {
            h.write(format!("{}|{}|{}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}\n", e.id, e.step, e.time, e.node, e.kind, e.lamport, e.vector, e.hops, e.cause, e.notes, e.marks).as_bytes());
        }
        for m in &self.messages {
            h.write(format!("{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}\n", m.id, m.from, m.to, m.kind, m.text, m.sent_at, m.send_event, m.copy_of, m.end).as_bytes());
        }
        for v in &self.violations {
            h.write(format!("{}|{}|{:?}|{}\n", v.invariant, v.event, v.nodes, v.detail).as_bytes());
        }
        h.0
    }
}

struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Does event `a` happen before event `b`? Compares vector clocks when present, else
/// walks the log. Events on the same node are ordered by position.
pub fn happened_before(trace: &Trace, a: EventId, b: EventId) -> bool {
    let (ea, eb) = (&trace.events[a], &trace.events[b]);
    match (&ea.vector, &eb.vector) {
        (Some(va), Some(vb)) => va != vb && va.iter().zip(vb).all(|(x, y)| x <= y),
        _ => causal_past(trace, b).contains(&a) && a != b,
    }
}

/// Every event in the causal past of `target` (including itself): earlier events on the
/// lines it reaches and the sends of every message received on the way.
pub fn causal_past(trace: &Trace, target: EventId) -> std::collections::BTreeSet<EventId> {
    let mut seen = std::collections::BTreeSet::new();
    let mut reached_nodes = std::collections::BTreeSet::new();
    let mut wanted = std::collections::BTreeSet::new();
    // One backward pass suffices: causes always precede their effects in the log.
    for e in trace.events[..=target].iter().rev() {
        let include = e.id == target || e.node.is_some_and(|n| reached_nodes.contains(&n)) || wanted.contains(&e.id);
        if include {
            seen.insert(e.id);
            if let Some(n) = e.node {
                reached_nodes.insert(n);
            }
            if let Some(c) = e.cause {
                wanted.insert(c);
            }
        }
    }
    seen
}

/// Every event in the causal future of `source` (including itself): later events on its
/// node's line and everything reached through messages sent from the set.
pub fn causal_future(trace: &Trace, source: EventId) -> std::collections::BTreeSet<EventId> {
    let mut seen = std::collections::BTreeSet::new();
    seen.insert(source);
    // One pass in log order suffices: causes always precede their effects in the log.
    let mut reached_nodes = std::collections::BTreeSet::new();
    if let Some(n) = trace.events[source].node {
        reached_nodes.insert(n);
    }
    for e in &trace.events[source + 1..] {
        let by_line = e.node.is_some_and(|n| reached_nodes.contains(&n));
        let by_message = e.cause.is_some_and(|c| seen.contains(&c));
        if by_line || by_message {
            seen.insert(e.id);
            if let Some(n) = e.node {
                reached_nodes.insert(n);
            }
        }
    }
    seen
}
