//! The log of a run: every event and every message, append-only. Views and metrics are
//! derived from it; nothing is re-executed to draw.
//!
//! There is one log per run, with a cursor. Stepping back moves the cursor (nothing is
//! copied or cut); stepping forward again replays and writes the same records over
//! themselves; only a fork (acting in the past) cuts what lies beyond the cursor. What is
//! behind the cursor is "the log" ([`Trace::events`]); the whole stored run, which the
//! diagram shows faded ahead of the cursor, is [`Trace::known_events`].
//!
//! Records are kept small so a million events fit in memory: notes and marks live in side
//! tables (most events have none) keyed by 32-bit event ids, each distinct note text is
//! stored once while it recurs (most notes are the same few phrases), and vector clocks
//! live in one flat arena (n entries per event).

use serde::Serialize;

use super::network::LossReason;
use super::{EventId, MsgId, NodeId, Time};
use crate::words::Text;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The node started (step 0).
    Start,
    Send { msg: MsgId },
    Receive { msg: MsgId },
    /// A message reached a crashed node and was discarded.
    Discard { msg: MsgId },
    /// A message died in the network. Not on any node's line: the diagram draws the
    /// message line from its send to the point of death and ends it with a cross.
    /// `progress` is how far along its path it got, in thousandths.
    Lost { msg: MsgId, reason: LossReason, progress: u32 },
    /// A timer fired; the id names it (`timer.ID` in the words).
    Timer { timer: &'static str },
    /// A user input (`input.ID`), with its argument if it takes one; `workload` when the
    /// shared workload rather than a person asked.
    Input { input: &'static str, arg: Option<Box<str>>, workload: bool },
    Crash,
    Recover,
    /// A node that started outside the system joins it.
    Join,
    /// A change to the network itself (partition, cut, settings); not on a node line.
    Network { what: Box<Text> },
    /// The user acted on a message in flight (delay, duplicate).
    Tamper { msg: MsgId, what: Box<Text> },
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
    /// Longest chain of message transits leading to this event (turnaround time).
    pub hops: u32,
    /// For a receive: the send event.
    pub cause: Option<EventId>,
}

impl Event {
    /// Whether the time-space diagram draws it on a node's line.
    pub fn on_node_line(&self) -> bool {
        self.node.is_some()
    }

    /// Whether the event ticks its node's clocks (a crash or a discard does not).
    pub fn ticks(&self) -> bool {
        self.node.is_some() && !matches!(self.kind, EventKind::Crash | EventKind::Discard { .. })
    }
}

/// A named milestone a handler recorded on its event (`ctx.mark`), with an optional key
/// (a request number, a multicast's id) so metrics and monitors can pair marks up without
/// reading any text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mark {
    pub tag: &'static str,
    pub key: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageRecord {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    /// Key fields in language-neutral notation ("id=7", "[1,0,2]").
    pub text: Box<str>,
    pub token: bool,
    pub sent_at: Time,
    pub send_event: EventId,
    /// This message is the network's duplicate of another.
    pub copy_of: Option<MsgId>,
    /// The event that ended it (receive, discard or loss); read it through
    /// [`Trace::end_of`], which hides ends that lie beyond the cursor.
    end: Option<EventId>,
}

impl MessageRecord {
    #[allow(clippy::too_many_arguments)]
    pub fn new(id: MsgId, from: NodeId, to: NodeId, kind: &'static str, text: Box<str>, token: bool, sent_at: Time, send_event: EventId, copy_of: Option<MsgId>) -> Self {
        MessageRecord { id, from, to, kind, text, token, sent_at, send_event, copy_of, end: None }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    /// The invariant's or monitor's id.
    pub invariant: &'static str,
    pub event: EventId,
    pub step: u64,
    pub time: Time,
    pub nodes: Vec<NodeId>,
    pub detail: Text,
}

/// A node went back to a checkpoint ([`crate::sim::protocol::Ctx::rollback_to`]). What
/// it did on its line after event `kept` and before event `at` is undone; the handler
/// that rolled back (from `at` to `handler_end`, its sends telling the others) is
/// recovery and is never undone, even by a later rollback further back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rollback {
    pub node: NodeId,
    /// The protocol's key of the checkpoint.
    pub checkpoint: u64,
    /// The last event the checkpoint covers (the end of the handler that took it).
    pub kept: EventId,
    pub at: EventId,
    pub handler_end: EventId,
    /// Messages the node sent or received between `kept` and `at`: the only ones this
    /// rollback can make lost or orphaned.
    pub touched: Vec<MsgId>,
}

/// What a rollback made of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageFate {
    /// Sent by a node that kept the send, received in a stretch that was rolled back:
    /// the receiver no longer has it and the sender will not send it again.
    Lost,
    /// Received by a node that kept the receipt, sent in a stretch that was rolled back:
    /// the receiver depends on a send that, as far as the sender knows, never happened.
    Orphaned,
}

/// An append-only column with a cursor: items before `len` are the log, items after it
/// are the known run ahead (identical on replay, because runs are deterministic).
#[derive(Clone, Debug)]
struct Column<T> {
    items: Vec<T>,
    len: usize,
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Column { items: Vec::new(), len: 0 }
    }
}

impl<T> Column<T> {
    fn push(&mut self, item: T) {
        if self.len < self.items.len() {
            self.items[self.len] = item;
        } else {
            self.items.push(item);
        }
        self.len += 1;
    }
    fn visible(&self) -> &[T] {
        &self.items[..self.len]
    }
    fn cut(&mut self) {
        self.items.truncate(self.len);
    }
}

#[derive(Clone, Debug, Default)]
pub struct Trace {
    events: Column<Event>,
    messages: Column<MessageRecord>,
    violations: Column<Violation>,
    /// (event, index into `note_texts`), in event order.
    notes: Column<(u32, u32)>,
    /// The texts of the notes; a text that recurs among the last few stored is not
    /// stored again (a token ring's million notes are four phrases).
    note_texts: Vec<Text>,
    /// Indices in `note_texts` of the most recently stored distinct texts, and where the
    /// next one goes (a ring of [`RECENT_NOTES`]).
    recent_notes: Vec<u32>,
    recent_at: usize,
    /// The events of the marks and the marks, in event order (two columns of one length,
    /// so a mark costs 28 bytes rather than 32).
    mark_events: Column<u32>,
    marks: Column<Mark>,
    /// Crashes, recoveries and joins (event ids), for drawing down stretches without
    /// walking the whole log.
    lifecycle: Column<EventId>,
    /// Rollbacks, in the order they happened (few: a protocol's recoveries).
    rollbacks: Column<Rollback>,
    /// Vector clocks, `width` entries per event (zeros for events off the node lines).
    vectors: Vec<u32>,
    width: usize,
    /// The longest time any message spent in flight so far (for finding the messages
    /// that cross a window of time without scanning them all).
    pub longest_transit: Time,
}

/// How many distinct recent note texts a new note is compared with before it is stored.
const RECENT_NOTES: usize = 8;

/// An event id in a side table (a log of 4 billion events would not fit in memory).
fn id32(id: EventId) -> u32 {
    u32::try_from(id).expect("event ids fit in 32 bits")
}

/// Lengths of the log at some point, to move the cursor back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TraceMark {
    events: usize,
    messages: usize,
    violations: usize,
    notes: usize,
    marks: usize,
    lifecycle: usize,
    rollbacks: usize,
}

impl Trace {
    /// A log whose events carry vector clocks of `width` entries (0: none).
    pub fn new(width: usize) -> Trace {
        Trace { width, ..Trace::default() }
    }

    pub fn mark(&self) -> TraceMark {
        TraceMark {
            events: self.events.len,
            messages: self.messages.len,
            violations: self.violations.len,
            notes: self.notes.len,
            marks: self.marks.len,
            lifecycle: self.lifecycle.len,
            rollbacks: self.rollbacks.len,
        }
    }

    /// Move the cursor to `mark` (back, or forward along the known run). Nothing is copied.
    pub fn seek(&mut self, mark: TraceMark) {
        debug_assert!(mark.events <= self.events.items.len(), "a mark beyond the known run");
        self.events.len = mark.events;
        self.messages.len = mark.messages;
        self.violations.len = mark.violations;
        self.notes.len = mark.notes;
        self.marks.len = mark.marks;
        self.mark_events.len = mark.marks;
        self.lifecycle.len = mark.lifecycle;
        self.rollbacks.len = mark.rollbacks;
    }

    /// Forget the known run beyond the cursor (a fork).
    pub fn cut(&mut self) {
        self.events.cut();
        self.messages.cut();
        self.violations.cut();
        self.notes.cut();
        // Forget the texts only the cut notes used (indices are handed out in order).
        let used = self.notes.items.iter().map(|&(_, i)| i as usize + 1).max().unwrap_or(0);
        self.note_texts.truncate(used);
        self.recent_notes.retain(|&i| (i as usize) < used);
        self.recent_at = 0;
        self.marks.cut();
        self.mark_events.cut();
        self.lifecycle.cut();
        self.rollbacks.cut();
        self.vectors.truncate(self.events.len * self.width);
        for m in &mut self.messages.items {
            if m.end.is_some_and(|e| e >= self.events.len) {
                m.end = None;
            }
        }
    }

    /// The log up to the cursor.
    pub fn events(&self) -> &[Event] {
        self.events.visible()
    }
    pub fn messages(&self) -> &[MessageRecord] {
        self.messages.visible()
    }
    pub fn violations(&self) -> &[Violation] {
        self.violations.visible()
    }
    /// The whole known run, including what lies ahead of the cursor after stepping back.
    pub fn known_events(&self) -> &[Event] {
        &self.events.items
    }
    pub fn known_messages(&self) -> &[MessageRecord] {
        &self.messages.items
    }
    pub fn known_violations(&self) -> &[Violation] {
        &self.violations.items
    }
    pub fn event(&self, id: EventId) -> &Event {
        &self.events.items[id]
    }
    pub fn message(&self, id: MsgId) -> &MessageRecord {
        &self.messages.items[id]
    }

    /// The event that ended message `id`, if it has happened by the cursor.
    pub fn end_of(&self, id: MsgId) -> Option<EventId> {
        self.messages.items[id].end.filter(|&e| e < self.events.len)
    }
    /// The event that ends message `id` anywhere on the known run.
    pub fn known_end_of(&self, id: MsgId) -> Option<EventId> {
        self.messages.items[id].end
    }

    /// The vector clock after event `id`, if the run keeps them and the event is on a line.
    pub fn vector(&self, id: EventId) -> Option<&[u32]> {
        let e = self.events.items.get(id)?;
        (self.width > 0 && e.node.is_some()).then(|| &self.vectors[id * self.width..(id + 1) * self.width])
    }

    /// For tests that forge a wrong stamp.
    #[cfg(test)]
    pub(crate) fn vector_mut(&mut self, id: EventId) -> &mut [u32] {
        &mut self.vectors[id * self.width..(id + 1) * self.width]
    }

    pub fn notes_of(&self, id: EventId) -> impl Iterator<Item = &Text> {
        let all = &self.notes.items;
        let (start, id) = match u32::try_from(id) {
            Ok(id) => (lower_bound(all, |&(e, _)| e, id, self.notes.len), id),
            Err(_) => (all.len(), 0),
        };
        all[start..].iter().take_while(move |(e, _)| *e == id).map(|&(_, t)| &self.note_texts[t as usize])
    }
    pub fn marks_of(&self, id: EventId) -> impl Iterator<Item = &Mark> {
        let events = &self.mark_events.items;
        let (start, id) = match u32::try_from(id) {
            Ok(id) => (lower_bound(events, |&e| e, id, self.mark_events.len), id),
            Err(_) => (events.len(), 0),
        };
        let count = events[start..].iter().take_while(|e| **e == id).count();
        self.marks.items[start..start + count].iter()
    }
    pub fn has_marks(&self, id: EventId) -> bool {
        self.marks_of(id).next().is_some()
    }

    /// Marks up to the cursor with `tag`, in order, with their events.
    pub fn marked<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = (&'a Event, Mark)> + 'a {
        let events = self.mark_events.visible().iter();
        events.zip(self.marks.visible()).filter(move |(_, m)| m.tag == tag).map(|(&e, m)| (&self.events.items[e as usize], *m))
    }

    /// Crash, recover and join events up to `limit` events (the known run when limit is
    /// its length), in order.
    pub fn lifecycle(&self, known: bool) -> impl Iterator<Item = &Event> {
        let ids = if known { &self.lifecycle.items[..] } else { self.lifecycle.visible() };
        ids.iter().map(|&e| &self.events.items[e])
    }

    /// Events on `node`'s line, in order (walks the log: for tests and tools, not frames).
    pub fn node_events(&self, node: NodeId) -> impl Iterator<Item = &Event> {
        self.events().iter().filter(move |e| e.node == Some(node))
    }

    // Writing: only the engine appends.

    pub(crate) fn push_event(&mut self, event: Event, vector: Option<&[u32]>) {
        debug_assert_eq!(event.id, self.events.len);
        if matches!(event.kind, EventKind::Crash | EventKind::Recover | EventKind::Join) {
            self.lifecycle.push(event.id);
        }
        if self.width > 0 {
            let at = event.id * self.width;
            if self.vectors.len() < at + self.width {
                self.vectors.resize(at + self.width, 0);
            }
            match vector {
                Some(v) => self.vectors[at..at + self.width].copy_from_slice(v),
                None => self.vectors[at..at + self.width].fill(0),
            }
        }
        self.events.push(event);
    }

    pub(crate) fn push_message(&mut self, record: MessageRecord) {
        debug_assert_eq!(record.id, self.messages.len);
        // On replay the record is already there, with its end (which lies ahead) filled in.
        if self.messages.len < self.messages.items.len() {
            let end = self.messages.items[self.messages.len].end;
            self.messages.push(MessageRecord { end, ..record });
        } else {
            self.messages.push(record);
        }
    }

    pub(crate) fn end_message(&mut self, id: MsgId, end: EventId) {
        let m = &mut self.messages.items[id];
        m.end = Some(end);
        let sent_at = m.sent_at;
        let at = self.events.items[end].time;
        self.longest_transit = self.longest_transit.max(at.saturating_sub(sent_at));
    }

    pub(crate) fn push_note(&mut self, event: EventId, note: Text) {
        let event = id32(event);
        // On replay the same note is already there: keep its text.
        if let Some(&(e, i)) = self.notes.items.get(self.notes.len) {
            if e == event && self.note_texts[i as usize] == note {
                self.notes.push((e, i));
                return;
            }
        }
        let i = match self.recent_notes.iter().find(|&&i| self.note_texts[i as usize] == note) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.note_texts.len()).expect("note texts fit in 32 bits");
                self.note_texts.push(note);
                if self.recent_notes.len() < RECENT_NOTES {
                    self.recent_notes.push(i);
                } else {
                    self.recent_notes[self.recent_at] = i;
                    self.recent_at = (self.recent_at + 1) % RECENT_NOTES;
                }
                i
            }
        };
        self.notes.push((event, i));
    }

    pub(crate) fn push_mark(&mut self, event: EventId, mark: Mark) {
        self.mark_events.push(id32(event));
        self.marks.push(mark);
    }

    pub(crate) fn push_violation(&mut self, v: Violation) {
        self.violations.push(v);
    }

    pub(crate) fn push_rollback(&mut self, r: Rollback) {
        self.rollbacks.push(r);
    }

    /// A stable 64-bit digest of everything observable in the log up to the cursor
    /// (FNV-1a over a canonical text form): equal runs give equal hashes on every
    /// platform, in every language (notes are hashed as keys and arguments).
    ///
    /// The text is formatted straight into the digest (no string per record); the bytes
    /// are those `format!` would make, so the digests are unchanged.
    pub fn hash(&self) -> u64 {
        use std::fmt::Write;
        let mut h = Fnv::default();
        // The side tables are in event order: walk them alongside the events (what
        // `notes_of` and `marks_of` would find, without a search per event).
        let (mut next_note, mut next_mark) = (0, 0);
        for e in self.events() {
            let id = id32(e.id);
            let notes = run_of(&self.notes.items, &mut next_note, |&(e, _)| e, id);
            let marks = run_of(&self.mark_events.items, &mut next_mark, |&e| e, id);
            let notes = List(|| self.notes.items[notes.clone()].iter().map(|&(_, t)| &self.note_texts[t as usize]));
            let marks = List(|| self.marks.items[marks.clone()].iter());
            let _ = writeln!(h, "{}|{}|{}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}", e.id, e.step, e.time, e.node, e.kind, e.lamport, self.vector(e.id), e.hops, e.cause, notes, marks);
        }
        for m in self.messages() {
            let _ = writeln!(h, "{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}", m.id, m.from, m.to, m.kind, m.text, m.sent_at, m.send_event, m.copy_of, self.end_of(m.id));
        }
        for v in self.violations() {
            let _ = writeln!(h, "{}|{}|{:?}|{:?}", v.invariant, v.event, v.nodes, v.detail);
        }
        // Runs without rollbacks write nothing here, so their digests stay as they were.
        for r in self.rollbacks() {
            let _ = writeln!(h, "rollback|{}|{}|{}|{}|{}|{:?}", r.node, r.checkpoint, r.kept, r.at, r.handler_end, r.touched);
        }
        h.0
    }

    /// Bytes held by the log (for the memory benchmark).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.events.items.capacity() * size_of::<Event>()
            + self.messages.items.capacity() * size_of::<MessageRecord>()
            + self.messages.items.iter().map(|m| m.text.len()).sum::<usize>()
            + self.notes.items.capacity() * size_of::<(u32, u32)>()
            + self.note_texts.capacity() * size_of::<Text>()
            + self.mark_events.items.capacity() * size_of::<u32>()
            + self.marks.items.capacity() * size_of::<Mark>()
            + self.vectors.capacity() * 4
            + self.violations.items.capacity() * size_of::<Violation>()
    }
}

pub(crate) struct Fnv(pub(crate) u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

/// The first index of `items` (sorted by key) whose key is not below `id`. The search
/// gallops back from `hint` (the cursor, where the engine's lookups of new events land),
/// so a lookup costs the log of its distance from the cursor, not of the log's length.
fn lower_bound<T>(items: &[T], key: impl Fn(&T) -> u32, id: u32, hint: usize) -> usize {
    let hint = hint.min(items.len());
    if hint == 0 || key(&items[hint - 1]) < id {
        return hint + items[hint..].partition_point(|t| key(t) < id);
    }
    // Invariant: key(items[hi]) >= id.
    let (mut hi, mut step) = (hint - 1, 1);
    loop {
        if hi < step {
            return items[..hi].partition_point(|t| key(t) < id);
        }
        let lo = hi - step;
        if key(&items[lo]) < id {
            return lo + 1 + items[lo + 1..hi].partition_point(|t| key(t) < id);
        }
        hi = lo;
        step *= 2;
    }
}

/// The range of `items` (sorted by event) whose event is `id`, searching from `*from`
/// (which it moves past the range) for a walk in event order.
fn run_of<T>(items: &[T], from: &mut usize, event: impl Fn(&T) -> u32, id: u32) -> std::ops::Range<usize> {
    while items.get(*from).is_some_and(|t| event(t) < id) {
        *from += 1;
    }
    let start = *from;
    while items.get(*from).is_some_and(|t| event(t) == id) {
        *from += 1;
    }
    start..*from
}

/// Formats what an iterator yields as `{:?}` formats a `Vec` of it, without the `Vec`.
struct List<F>(F);

impl<F: Fn() -> I, I: Iterator<Item = T>, T: std::fmt::Debug> std::fmt::Debug for List<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries((self.0)()).finish()
    }
}

impl Fnv {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// What a cut says about the run: a frontier across the process lines (per node, the
/// last instant inside the cut; events at that instant are inside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CutVerdict {
    /// No message is received inside the cut but sent outside it; `in_transit` lists the
    /// messages sent inside and not received inside (the channels' state at the cut).
    Consistent { in_transit: Vec<MsgId> },
    /// These messages cross the cut backwards: received inside, sent outside.
    Inconsistent { crossing: Vec<MsgId> },
}

impl CutVerdict {
    pub fn consistent(&self) -> bool {
        matches!(self, CutVerdict::Consistent { .. })
    }
}

impl Trace {
    /// Judge the cut `frontier` (one instant per node; missing nodes count as before the
    /// start) against the log up to the cursor. Only messages sent by the cut's latest
    /// instant can matter (a receive never precedes its send), found by binary search.
    pub fn cut_verdict(&self, frontier: &[Time]) -> CutVerdict {
        let inside = |node: NodeId, t: Time| frontier.get(node).is_some_and(|&c| t <= c);
        let latest = frontier.iter().copied().max().unwrap_or(0);
        let all = self.messages();
        let upto = all.partition_point(|m| m.sent_at <= latest);
        let (mut crossing, mut in_transit) = (Vec::new(), Vec::new());
        for m in &all[..upto] {
            let sent_inside = inside(m.from, self.event(m.send_event).time);
            let end = self.end_of(m.id).map(|e| self.event(e));
            let received_inside = end.is_some_and(|r| matches!(r.kind, EventKind::Receive { .. }) && r.node.is_some_and(|k| inside(k, r.time)));
            // A message that died in the network or at a crashed node is in no channel.
            let died = end.is_some_and(|r| !matches!(r.kind, EventKind::Receive { .. }) && r.node.is_none_or(|k| inside(k, r.time)) && r.time <= latest);
            if received_inside && !sent_inside {
                crossing.push(m.id);
            } else if sent_inside && !received_inside && !died {
                in_transit.push(m.id);
            }
        }
        if crossing.is_empty() {
            CutVerdict::Consistent { in_transit }
        } else {
            CutVerdict::Inconsistent { crossing }
        }
    }
}

impl Trace {
    /// Rollbacks up to the cursor, in order.
    pub fn rollbacks(&self) -> &[Rollback] {
        self.rollbacks.visible()
    }

    /// Whether event `id` was undone by a rollback up to the cursor (the diagram strikes
    /// it through). Costs the number of rollbacks, never the log's length.
    pub fn rolled_back(&self, id: EventId) -> bool {
        let Some(node) = self.events.items.get(id).and_then(|e| e.node) else { return false };
        let mine = || self.rollbacks().iter().filter(move |r| r.node == node);
        mine().any(|r| r.kept < id && id < r.at) && !mine().any(|r| r.at <= id && id <= r.handler_end)
    }

    /// The messages the rollbacks so far have made lost or orphaned, by id. A message
    /// both sent and received in undone stretches is neither (the domino effect clears
    /// an orphan that way); one whose undone send has not arrived yet is not judged yet.
    /// Looks only at the messages the rollbacks touched.
    pub fn message_fates(&self) -> Vec<(MsgId, MessageFate)> {
        let touched: std::collections::BTreeSet<MsgId> = self.rollbacks().iter().flat_map(|r| r.touched.iter().copied()).collect();
        touched
            .into_iter()
            .filter_map(|m| {
                let sent_undone = self.rolled_back(self.messages.items[m].send_event);
                let receipt = self.end_of(m).filter(|&e| matches!(self.event(e).kind, EventKind::Receive { .. }))?;
                match (sent_undone, self.rolled_back(receipt)) {
                    (false, true) => Some((m, MessageFate::Lost)),
                    (true, false) => Some((m, MessageFate::Orphaned)),
                    _ => None,
                }
            })
            .collect()
    }

    /// The messages sent or received on `node`'s line strictly between events `after`
    /// and `before` (a copy the network made counts with its original), and how many of
    /// the node's events lie there outside earlier rollbacks' recovery handlers.
    pub(crate) fn stretch(&self, node: NodeId, after: EventId, before: EventId) -> (Vec<MsgId>, usize) {
        let (mut touched, mut count) = (Vec::new(), 0);
        let recovery = |id: EventId| self.rollbacks().iter().any(|r| r.node == node && r.at <= id && id <= r.handler_end);
        for e in self.events()[after + 1..before].iter().filter(|e| e.node == Some(node)) {
            if !recovery(e.id) {
                count += 1;
            }
            match e.kind {
                EventKind::Send { msg } => {
                    let copies = self.messages()[msg..].iter().take_while(|m| m.send_event == e.id);
                    touched.extend(copies.map(|m| m.id));
                }
                EventKind::Receive { msg } => touched.push(msg),
                _ => {}
            }
        }
        (touched, count)
    }
}

/// Does event `a` happen before event `b`? Compares vector clocks when present, else
/// walks the log. Events on the same node are ordered by position.
pub fn happened_before(trace: &Trace, a: EventId, b: EventId) -> bool {
    match (trace.vector(a), trace.vector(b)) {
        (Some(va), Some(vb)) if trace.event(a).ticks() && trace.event(b).ticks() => va != vb && va.iter().zip(vb).all(|(x, y)| x <= y),
        _ => a != b && causal_past(trace, b).contains(&a),
    }
}

/// Every event in the causal past of `target` (including itself): earlier events on the
/// lines it reaches and the sends of every message received on the way. Walks the known
/// run backwards from `target`.
pub fn causal_past(trace: &Trace, target: EventId) -> std::collections::BTreeSet<EventId> {
    let mut seen = std::collections::BTreeSet::new();
    let mut reached_nodes = std::collections::BTreeSet::new();
    let mut wanted = std::collections::BTreeSet::new();
    // One backward pass suffices: causes always precede their effects in the log.
    for e in trace.known_events()[..=target].iter().rev() {
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

/// Every event in the causal future of `source` (including itself), on the known run.
pub fn causal_future(trace: &Trace, source: EventId) -> std::collections::BTreeSet<EventId> {
    let mut seen = std::collections::BTreeSet::new();
    seen.insert(source);
    let mut reached_nodes = std::collections::BTreeSet::new();
    if let Some(n) = trace.event(source).node {
        reached_nodes.insert(n);
    }
    for e in &trace.known_events()[source + 1..] {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: EventId, node: Option<NodeId>) -> Event {
        Event { id, step: id as u64, time: id as Time, node, kind: EventKind::Start, lamport: 1, hops: 0, cause: None }
    }

    #[test]
    fn the_cursor_moves_without_copying_and_a_fork_cuts() {
        let mut t = Trace::new(2);
        for i in 0..4 {
            t.push_event(event(i, Some(i % 2)), Some(&[i as u32, 0]));
            t.push_note(i, Text::plain(format!("note {i}")));
        }
        let at_two = TraceMark { events: 2, notes: 2, ..TraceMark::default() };
        let all = t.mark();
        t.seek(at_two);
        assert_eq!(t.events().len(), 2);
        assert_eq!(t.known_events().len(), 4, "the run ahead is kept");
        assert_eq!(t.vector(3), Some(&[3, 0][..]), "and its stamps");
        t.seek(all);
        assert_eq!(t.notes_of(3).next(), Some(&Text::plain("note 3")));
        t.seek(at_two);
        t.cut();
        assert_eq!(t.known_events().len(), 2, "a fork forgets what lay ahead");
        t.push_event(event(2, None), None);
        assert_eq!(t.vector(2), None, "an event off the lines has no vector");
        assert_eq!(t.notes_of(2).count(), 0);
    }

    #[test]
    fn lookups_from_the_cursor_agree_with_a_binary_search() {
        let keys: Vec<u32> = vec![0, 0, 1, 3, 3, 3, 4, 7, 7, 9];
        for hint in 0..=keys.len() + 1 {
            for id in 0..11 {
                assert_eq!(lower_bound(&keys, |&k| k, id, hint), keys.partition_point(|&k| k < id), "id {id} hint {hint}");
            }
        }
    }

    #[test]
    fn recurring_notes_are_stored_once_and_a_fork_forgets_unused_texts() {
        let mut t = Trace::new(0);
        for i in 0..6 {
            t.push_event(event(i, Some(0)), None);
            t.push_note(i, Text::key(if i % 2 == 0 { "note.even" } else { "note.odd" }));
        }
        assert_eq!(t.note_texts.len(), 2);
        let at_three = TraceMark { events: 3, notes: 3, ..TraceMark::default() };
        t.seek(at_three);
        // Replaying writes the same notes over themselves.
        for i in 3..6 {
            t.push_event(event(i, Some(0)), None);
            t.push_note(i, Text::key(if i % 2 == 0 { "note.even" } else { "note.odd" }));
        }
        assert_eq!(t.note_texts.len(), 2);
        assert_eq!(t.notes_of(5).collect::<Vec<_>>(), vec![&Text::key("note.odd")]);
        t.seek(TraceMark { events: 1, notes: 1, ..TraceMark::default() });
        t.cut();
        assert_eq!(t.note_texts.len(), 1, "only note.even is still used");
        t.push_event(event(1, Some(0)), None);
        t.push_note(1, Text::plain("new"));
        assert_eq!(t.notes_of(1).collect::<Vec<_>>(), vec![&Text::plain("new")]);
        assert_eq!(t.notes_of(0).collect::<Vec<_>>(), vec![&Text::key("note.even")]);
    }

    /// A hand-built diagram: `events` are (node, time), `messages` are (send index,
    /// receive index) into them; sends and receives are stamped as such.
    fn diagram(n: usize, events: &[(NodeId, Time)], messages: &[(usize, usize)]) -> Trace {
        let mut t = Trace::new(n);
        let mut order: Vec<usize> = (0..events.len()).collect();
        order.sort_by_key(|&i| (events[i].1, i));
        let mut id_of = vec![0; events.len()];
        for (id, &i) in order.iter().enumerate() {
            id_of[i] = id;
        }
        for (id, &i) in order.iter().enumerate() {
            let (node, time) = events[i];
            let kind = if let Some(m) = messages.iter().position(|&(s, _)| s == i) {
                EventKind::Send { msg: m }
            } else if let Some(m) = messages.iter().position(|&(_, r)| r == i) {
                EventKind::Receive { msg: m }
            } else {
                EventKind::Timer { timer: "local" }
            };
            let cause = messages.iter().find(|&&(_, r)| r == i).map(|&(s, _)| id_of[s]);
            t.push_event(Event { id, step: id as u64, time, node: Some(node), kind, lamport: 0, hops: 0, cause }, Some(&vec![0; n]));
        }
        let mut sends: Vec<usize> = (0..messages.len()).collect();
        sends.sort_by_key(|&m| events[messages[m].0].1);
        assert!(sends.iter().enumerate().all(|(k, &m)| k == m), "messages are listed in order of sending");
        for (m, &(s, r)) in messages.iter().enumerate() {
            let (from, at) = events[s];
            t.push_message(MessageRecord::new(m, from, events[r].0, "m", "".into(), false, at, id_of[s], None));
        }
        for (m, &(_, r)) in messages.iter().enumerate() {
            t.end_message(m, id_of[r]);
        }
        t
    }

    #[test]
    fn the_textbook_cuts_are_judged_right() {
        // Three processes (Coulouris's figure of cuts): p0 sends m0 to p1 at 10 (received
        // at 30) and p1 sends m1 to p2 at 40 (received at 60); p2 sends m2 to p0 at 70,
        // received at 90.
        let events = [(0, 0), (1, 0), (2, 0), (0, 10), (1, 30), (1, 40), (2, 60), (2, 70), (0, 90)];
        let t = diagram(3, &events, &[(3, 4), (5, 6), (7, 8)]);
        // Before anything was sent: consistent, nothing in transit.
        assert_eq!(t.cut_verdict(&[5, 5, 5]), CutVerdict::Consistent { in_transit: vec![] });
        // After the send of m0, before its receipt: consistent, m0 in the channel.
        assert_eq!(t.cut_verdict(&[20, 20, 20]), CutVerdict::Consistent { in_transit: vec![0] });
        // p1's receipt of m0 inside, p0's send outside: m0 crosses backwards.
        assert_eq!(t.cut_verdict(&[5, 35, 0]), CutVerdict::Inconsistent { crossing: vec![0] });
        // A zig-zag frontier can still be consistent: p2 far ahead, p1 before m1's send.
        assert_eq!(t.cut_verdict(&[10, 35, 50]), CutVerdict::Consistent { in_transit: vec![] });
        // ...but not once p2 has received m1 while p1 has not sent it.
        assert_eq!(t.cut_verdict(&[10, 35, 65]), CutVerdict::Inconsistent { crossing: vec![1] });
        // Two messages cross at once; both are named.
        assert_eq!(t.cut_verdict(&[5, 35, 95]), CutVerdict::Inconsistent { crossing: vec![0, 1] });
        // Events at the cut's instant are inside it.
        assert_eq!(t.cut_verdict(&[10, 30, 0]), CutVerdict::Consistent { in_transit: vec![] });
        assert_eq!(t.cut_verdict(&[10, 29, 0]), CutVerdict::Consistent { in_transit: vec![0] });
        // The whole run: consistent, nothing left in transit.
        assert_eq!(t.cut_verdict(&[100, 100, 100]), CutVerdict::Consistent { in_transit: vec![] });
        assert!(!t.cut_verdict(&[0, 30]).consistent(), "a missing node counts as before its start");
    }

    #[test]
    fn a_cut_agrees_with_brute_force_on_a_random_diagram() {
        // A random diagram, every cut judged by the definition: the cut is consistent iff
        // it is closed under happened-before along messages.
        let mut events = vec![(0, 0), (1, 0), (2, 0)];
        let mut messages = Vec::new();
        let mut x: u64 = 7;
        for k in 0..12u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let (a, b) = ((x >> 33) as usize % 3, (x >> 40) as usize % 3);
            let at = 10 + k * 10;
            events.push((a, at));
            if a != b {
                events.push((b, at + 5 + (x >> 50) % 30));
                messages.push((events.len() - 2, events.len() - 1));
            }
        }
        let t = diagram(3, &events, &messages);
        for a in (0..200).step_by(15) {
            for b in (0..200).step_by(15) {
                for c in (0..200).step_by(15) {
                    let cut = [a, b, c];
                    let bad: Vec<MsgId> = t.messages().iter().filter(|m| {
                        let r = t.event(t.end_of(m.id).unwrap());
                        r.time <= cut[m.to] && t.event(m.send_event).time > cut[m.from]
                    }).map(|m| m.id).collect();
                    match t.cut_verdict(&cut) {
                        CutVerdict::Inconsistent { crossing } => assert_eq!(crossing, bad, "{cut:?}"),
                        CutVerdict::Consistent { in_transit } => {
                            assert!(bad.is_empty(), "{cut:?}");
                            for m in t.messages() {
                                let sent = t.event(m.send_event).time <= cut[m.from];
                                let got = t.event(t.end_of(m.id).unwrap()).time <= cut[m.to];
                                assert_eq!(in_transit.contains(&m.id), sent && !got, "{cut:?} m{}", m.id);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_replayed_message_keeps_its_known_end() {
        let mut t = Trace::new(0);
        t.push_event(event(0, Some(0)), None);
        let m = MessageRecord::new(0, 0, 1, "m", "".into(), false, 0, 0, None);
        t.push_message(m.clone());
        t.push_event(event(1, Some(1)), None);
        t.end_message(0, 1);
        let start = TraceMark { events: 1, messages: 0, ..TraceMark::default() };
        t.seek(start);
        t.push_message(m);
        assert_eq!(t.end_of(0), None, "its end lies ahead of the cursor");
        assert_eq!(t.known_end_of(0), Some(1));
    }
}
