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
    Lost { msg: MsgId, reason: LossReason },
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

/// Every event in the causal past of `target` (including itself), by walking back along
/// node lines and message edges.
pub fn causal_past(trace: &Trace, target: EventId) -> std::collections::BTreeSet<EventId> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![target];
    // Index of the previous event on each event's node line.
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let e = &trace.events[id];
        if let Some(c) = e.cause {
            stack.push(c);
        }
        if let Some(node) = e.node {
            if let Some(prev) = trace.events[..id].iter().rev().find(|p| p.node == Some(node)) {
                stack.push(prev.id);
            }
        }
    }
    seen
}
