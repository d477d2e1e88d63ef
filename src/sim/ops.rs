//! Client operations on a key/value store, as a history: each operation's call and reply,
//! with its key and value, so checkers can judge the whole history against a consistency
//! model (see [`super::consistency`]).
//!
//! Operations are recorded in the log as keyed marks, so the log needs no new record kind
//! and time travel, forks and anchored interventions treat them like any other milestone.
//! One mark key carries the client (16 bits), the key (16 bits) and a value (32 bits):
//! - on the client's call: `op_read`, `op_write` (the value written) or `op_cas` (the new
//!   value) with `op_expect` (the expected value) on the same event;
//! - on the reply: `op_ok` (the value read; 1 or 0 for a compare-and-swap that did or did
//!   not swap; nothing for a write) or `op_refused` (the store said no and did nothing: a
//!   CP system during a partition). A call that never gets a reply (the client crashed
//!   or gave up) may or may not have taken effect; the checkers allow both;
//! - on a replica whenever its copy of a key changes: `op_apply` (key and new value), and
//!   `op_forget` when a replica loses its copy of everything (a crash without stable
//!   storage); the convergence monitor reads these.
//!
//! A client has at most one operation open at a time: a reply answers the client's latest
//! call, and a new call leaves an unanswered earlier one open for ever.

use std::collections::BTreeMap;

use super::protocol::{Ctx, Protocol};
use super::trace::{Event, Trace};
use super::{EventId, NodeId, Time};
use crate::words::Text;

/// A key of the store (read as "k3").
pub type Key = u16;
/// A value; values written to one key should be distinct, so a read names its write.
pub type Value = u32;
/// What every key holds before anyone writes it.
pub const INITIAL: Value = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Call {
    Read,
    Write(Value),
    /// Compare-and-swap: if the key holds `expect`, it becomes `new`.
    Cas { expect: Value, new: Value },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reply {
    /// A write was done.
    Done,
    /// What a read returned.
    Value(Value),
    /// Whether a compare-and-swap swapped.
    Swapped(bool),
    /// The store refused: the operation took no effect.
    Refused,
}

/// One operation of a history. Its call and reply are instants on one clock, where one
/// operation precedes another only if its reply instant is strictly smaller than the
/// other's call instant; from a log the instants are event ids (every event has its own),
/// in a hand-built history any numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Op {
    /// The client (a node, when read from a log).
    pub client: NodeId,
    pub key: Key,
    pub call: Call,
    /// None: no reply (yet, or ever).
    pub reply: Option<Reply>,
    pub start: u64,
    pub end: Option<u64>,
    /// Simulated times of the call and the reply, for the page (0 in hand-built histories).
    pub called_at: Time,
    pub replied_at: Option<Time>,
}

impl Op {
    /// A completed operation of a hand-built history.
    pub fn new(client: NodeId, key: Key, call: Call, reply: Reply, (start, end): (u64, u64)) -> Op {
        Op { client, key, call, reply: Some(reply), start, end: Some(end), called_at: 0, replied_at: None }
    }
    pub fn write(client: NodeId, key: Key, value: Value, span: (u64, u64)) -> Op {
        Op::new(client, key, Call::Write(value), Reply::Done, span)
    }
    pub fn read(client: NodeId, key: Key, value: Value, span: (u64, u64)) -> Op {
        Op::new(client, key, Call::Read, Reply::Value(value), span)
    }
    /// An operation called at `start` that never got a reply.
    pub fn open(client: NodeId, key: Key, call: Call, start: u64) -> Op {
        Op { client, key, call, reply: None, start, end: None, called_at: 0, replied_at: None }
    }

    /// `self` replied before `other` was called.
    pub fn precedes(&self, other: &Op) -> bool {
        self.end.is_some_and(|e| e < other.start)
    }

    /// The value this operation put in its key, if it surely did (a refused or open write
    /// did not surely).
    pub fn written(&self) -> Option<Value> {
        match (self.call, self.reply) {
            (Call::Write(v), Some(Reply::Done)) | (Call::Cas { new: v, .. }, Some(Reply::Swapped(true))) => Some(v),
            _ => None,
        }
    }

    /// The value this operation may have put in its key (a write not refused).
    pub fn may_write(&self) -> Option<Value> {
        match (self.call, self.reply) {
            (_, Some(Reply::Refused)) => None,
            (Call::Write(v), _) => Some(v),
            (Call::Cas { new, .. }, Some(Reply::Swapped(true)) | None) => Some(new),
            _ => None,
        }
    }

    /// Language-neutral notation: `n3:W(k1,5)`, `n3:R(k1)→5`, `n3:CAS(k1,0→5)→ok`, with
    /// `→?` for no reply and `→no` for a refusal.
    pub fn text(&self) -> Text {
        Text::plain(self.notation())
    }

    fn notation(&self) -> String {
        let call = match self.call {
            Call::Read => format!("R(k{})", self.key),
            Call::Write(v) => format!("W(k{},{v})", self.key),
            Call::Cas { expect, new } => format!("CAS(k{},{expect}→{new})", self.key),
        };
        let reply = match self.reply {
            None => "→?".to_string(),
            Some(Reply::Done) => String::new(),
            Some(Reply::Value(v)) => format!("→{v}"),
            Some(Reply::Swapped(s)) => (if s { "→ok" } else { "→fail" }).to_string(),
            Some(Reply::Refused) => "→no".to_string(),
        };
        format!("n{}:{call}{reply}", self.client)
    }
}

/// Several operations, in the order given: "n1:W(k0,1), n2:R(k0)→0".
pub fn ops_text(ops: &[Op], which: &[usize]) -> Text {
    Text::plain(which.iter().map(|&i| ops[i].notation()).collect::<Vec<_>>().join(", "))
}

fn pack(client: NodeId, key: Key, value: Value) -> u64 {
    debug_assert!(client <= 0xffff, "client ids fit in 16 bits");
    ((client as u64 & 0xffff) << 48) | ((key as u64) << 32) | value as u64
}

fn unpack(k: u64) -> (NodeId, Key, Value) {
    ((k >> 48) as NodeId, (k >> 32) as Key, k as Value)
}

/// Record the call of an operation by `client` (the node itself, or a client a replica
/// acts for) on `key`.
pub fn call<P: Protocol>(ctx: &mut Ctx<P>, client: NodeId, key: Key, call: Call) {
    let (tag, value) = match call {
        Call::Read => ("op_read", 0),
        Call::Write(v) => ("op_write", v),
        Call::Cas { new, .. } => ("op_cas", new),
    };
    ctx.mark_with(tag, pack(client, key, value));
    if let Call::Cas { expect, .. } = call {
        ctx.mark_with("op_expect", pack(client, key, expect));
    }
}

/// Record the reply to `client`'s open operation on `key`.
pub fn reply<P: Protocol>(ctx: &mut Ctx<P>, client: NodeId, key: Key, reply: Reply) {
    let (tag, value) = match reply {
        Reply::Done => ("op_ok", 0),
        Reply::Value(v) => ("op_ok", v),
        Reply::Swapped(s) => ("op_ok", s as Value),
        Reply::Refused => ("op_refused", 0),
    };
    ctx.mark_with(tag, pack(client, key, value));
}

/// Record that this replica's copy of `key` now holds `value`.
pub fn applied<P: Protocol>(ctx: &mut Ctx<P>, key: Key, value: Value) {
    ctx.mark_with("op_apply", pack(0, key, value));
}

/// Record that this replica lost its copy of every key.
pub fn forgot<P: Protocol>(ctx: &mut Ctx<P>) {
    ctx.mark("op_forget");
}

/// What one event did to the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpStep {
    /// Operation `i` of the history was called.
    Call(usize),
    /// Operation `i` got its reply.
    Reply(usize),
    /// A replica's copy of a key changed (None: it forgot everything).
    Apply { replica: NodeId, change: Option<(Key, Value)> },
}

/// Reads operations out of the log, event by event: the history so far and, per client,
/// its open operation.
#[derive(Clone, Debug, Default)]
pub struct OpReader {
    pub ops: Vec<Op>,
    open: BTreeMap<NodeId, usize>,
}

impl OpReader {
    /// Take in one event's marks; returns what they did, in mark order.
    pub fn read(&mut self, e: &Event, log: &Trace) -> Vec<OpStep> {
        let mut out = Vec::new();
        let marks: Vec<_> = log.marks_of(e.id).copied().filter(|m| m.tag.starts_with("op_")).collect();
        for (j, m) in marks.iter().enumerate() {
            let (client, key, value) = unpack(m.key);
            let call = match m.tag {
                "op_read" => Some(Call::Read),
                "op_write" => Some(Call::Write(value)),
                "op_cas" => {
                    let expect = marks[j + 1..].iter().find(|x| x.tag == "op_expect" && unpack(x.key).0 == client).map_or(INITIAL, |x| unpack(x.key).2);
                    Some(Call::Cas { expect, new: value })
                }
                _ => None,
            };
            if let Some(call) = call {
                self.ops.push(Op { client, key, call, reply: None, start: e.id as u64, end: None, called_at: e.time, replied_at: None });
                self.open.insert(client, self.ops.len() - 1);
                out.push(OpStep::Call(self.ops.len() - 1));
                continue;
            }
            match m.tag {
                "op_ok" | "op_refused" => {
                    let Some(i) = self.open.remove(&client) else { continue };
                    let op = &mut self.ops[i];
                    op.reply = Some(match (m.tag, op.call) {
                        ("op_refused", _) => Reply::Refused,
                        (_, Call::Read) => Reply::Value(value),
                        (_, Call::Write(_)) => Reply::Done,
                        (_, Call::Cas { .. }) => Reply::Swapped(value != 0),
                    });
                    op.end = Some(e.id as u64);
                    op.replied_at = Some(e.time);
                    out.push(OpStep::Reply(i));
                }
                "op_apply" => out.extend(e.node.map(|replica| OpStep::Apply { replica, change: Some((key, value)) })),
                "op_forget" => out.extend(e.node.map(|replica| OpStep::Apply { replica, change: None })),
                _ => {}
            }
        }
        out
    }
}

/// The whole history of a log up to its cursor.
pub fn history(log: &Trace) -> Vec<Op> {
    let mut reader = OpReader::default();
    for e in log.events() {
        reader.read(e, log);
    }
    reader.ops
}

/// The event ids of an operation read from a log (its call, and its reply if any).
pub fn events_of(op: &Op) -> (EventId, Option<EventId>) {
    (op.start as EventId, op.end.map(|e| e as EventId))
}
