//! The engine: owns time, the network, the clocks and the log, and drives one protocol.
//!
//! A run is a sequence of *steps*; each step takes the earliest pending happening from a
//! queue ordered by `(time, seq)` (a delivery, a loss, a timer) and applies it. Every
//! event is stamped with the engine's own Lamport and vector clocks, whatever the
//! protocol, and logged; the protocol's invariants are checked after every step and every
//! intervention, and breaches are recorded as data.
//!
//! All mutable run state lives in [`World`], which is `Clone`: a checkpoint is a clone, so
//! time travel is "restore the nearest checkpoint, replay the rest".

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::act::Act;
use super::network::{link_key, LossReason, Network, NetworkConfig};
use super::protocol::{Ctx, Effects, Input, Protocol, Setup, Snapshot};
use super::rng::SimRng;
use super::trace::{Event, EventKind, MessageRecord, Trace, TraceMark, Violation};
use super::{EventId, MsgId, NodeId, Time, VECTOR_CLOCK_LIMIT};

/// Something the queue will make happen at its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Deliver(MsgId),
    Lose(MsgId),
    Fire(u64),
}

/// A message on its way, with the sender's clocks at sending (the receiver merges them).
#[derive(Clone, Debug)]
struct Flight<M> {
    from: NodeId,
    to: NodeId,
    payload: M,
    sent_at: Time,
    /// Arrival, or death if lost.
    due: Time,
    /// Arrival if nothing stops it: the pace of the arrow.
    arrive: Time,
    lost: Option<LossReason>,
    key: (Time, u64),
    lamport: u64,
    vector: Option<Vec<u32>>,
    hops: u32,
    send_event: EventId,
}

#[derive(Clone, Debug)]
struct ArmedTimer<T> {
    node: NodeId,
    timer: T,
    set_at: Time,
    due: Time,
    key: (Time, u64),
}

/// Message counts, as the command-line runner reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Messages handed to the network by protocols (duplicates not included).
    pub sent: u64,
    pub delivered: u64,
    /// Lost to the drop rate, a cut, a partition or a user's click.
    pub dropped: u64,
    /// Extra copies made by the network or the user.
    pub duplicated: u64,
    /// Sends per message kind.
    pub by_kind: BTreeMap<&'static str, u64>,
}

/// Everything that changes during a run. Cloning it is a checkpoint.
#[derive(Debug)]
pub struct World<P: Protocol> {
    pub states: Vec<P::State>,
    pub up: Vec<bool>,
    lamport: Vec<u64>,
    /// Empty above [`VECTOR_CLOCK_LIMIT`] nodes.
    vector: Vec<Vec<u32>>,
    hops: Vec<u32>,
    queue: BTreeMap<(Time, u64), Pending>,
    flights: BTreeMap<MsgId, Flight<P::Msg>>,
    timers: BTreeMap<u64, ArmedTimer<P::Timer>>,
    pub network: Network,
    rng: SimRng,
    pub now: Time,
    /// Steps taken; 0 is the state right after every node's `init`.
    pub step: u64,
    seq: u64,
    next_timer: u64,
    pub counters: Counters,
    /// Invariants broken after the last check (a breach is recorded when it starts).
    broken: BTreeSet<&'static str>,
    trace_mark: TraceMark,
}

// Written out because a derive would demand `P: Clone`; only the state types need it.
impl<P: Protocol> Clone for World<P> {
    fn clone(&self) -> Self {
        World {
            states: self.states.clone(),
            up: self.up.clone(),
            lamport: self.lamport.clone(),
            vector: self.vector.clone(),
            hops: self.hops.clone(),
            queue: self.queue.clone(),
            flights: self.flights.clone(),
            timers: self.timers.clone(),
            network: self.network.clone(),
            rng: self.rng.clone(),
            now: self.now,
            step: self.step,
            seq: self.seq,
            next_timer: self.next_timer,
            counters: self.counters.clone(),
            broken: self.broken.clone(),
            trace_mark: self.trace_mark,
        }
    }
}

/// What metrics see: the run so far, read-only.
pub struct RunView<'a, P: Protocol> {
    pub setup: &'a Setup,
    pub states: &'a [P::State],
    pub up: &'a [bool],
    pub trace: &'a Trace,
    pub counters: &'a Counters,
    pub now: Time,
    pub quiescent: bool,
}

/// A protocol and its run.
pub struct Engine<P: Protocol> {
    pub proto: P,
    pub setup: Setup,
    pub world: World<P>,
    pub trace: Trace,
}

/// One of the things that could happen next, for a search over orderings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Choice {
    pub due: Time,
    seq: u64,
}

impl<P: Protocol> Engine<P> {
    /// Start a run: every node runs `init` at time 0 (step 0).
    pub fn new(proto: P, setup: Setup, network: NetworkConfig, seed: u64) -> Self {
        let n = setup.n;
        let vectors = n <= VECTOR_CLOCK_LIMIT;
        let world = World {
            states: Vec::with_capacity(n),
            up: vec![true; n],
            lamport: vec![0; n],
            vector: if vectors { vec![vec![0; n]; n] } else { Vec::new() },
            hops: vec![0; n],
            queue: BTreeMap::new(),
            flights: BTreeMap::new(),
            timers: BTreeMap::new(),
            network: Network::new(network),
            rng: SimRng::new(seed),
            now: 0,
            step: 0,
            seq: 0,
            next_timer: 0,
            counters: Counters::default(),
            broken: BTreeSet::new(),
            trace_mark: Trace::default().mark(),
        };
        let mut engine = Engine { proto, setup, world, trace: Trace::default() };
        for me in 0..n {
            let event = engine.local_event(me, EventKind::Start, None);
            let mut ctx = Ctx { me, now: 0, n, rng: &mut engine.world.rng, out: Effects::default() };
            let state = engine.proto.init(me, &mut ctx);
            let out = ctx.out;
            engine.world.states.push(state);
            engine.apply_effects(me, Some(event), out);
        }
        engine.check_invariants();
        engine
    }

    pub fn n(&self) -> usize {
        self.setup.n
    }

    /// Run one handler on `me`'s state and return what it asked for.
    fn run(&mut self, me: NodeId, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) -> Effects<P> {
        let world = &mut self.world;
        let mut ctx = Ctx { me, now: world.now, n: self.setup.n, rng: &mut world.rng, out: Effects::default() };
        handler(&self.proto, &mut world.states[me], &mut ctx);
        ctx.out
    }

    /// Run one handler on `me`'s state, then apply its effects to `event`.
    fn handle(&mut self, me: NodeId, event: EventId, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) {
        let out = self.run(me, handler);
        self.apply_effects(me, Some(event), out);
    }

    /// Run a timer or input handler; its firing is logged as `kind` (ticking the clocks
    /// before any send, as if logged first) unless it asked to be silent and sent
    /// something. Returns the logged event, if any.
    fn handle_spontaneous(&mut self, me: NodeId, kind: EventKind, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) -> Option<EventId> {
        let out = self.run(me, handler);
        let logged = !out.silent || out.sends.is_empty();
        let event = logged.then(|| self.local_event(me, kind, None));
        self.apply_effects(me, event, out);
        event
    }

    fn next_key(&mut self, due: Time) -> (Time, u64) {
        self.world.seq += 1;
        (due, self.world.seq)
    }

    /// Nothing left to happen: no message in flight and no timer armed.
    pub fn quiescent(&self) -> bool {
        self.world.queue.is_empty()
    }

    /// Time of the next happening, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.world.queue.keys().next().map(|k| k.0)
    }

    /// Take one step: the earliest pending happening. Returns false when quiescent.
    pub fn step(&mut self) -> bool {
        match self.world.queue.keys().next().copied() {
            Some(key) => {
                self.run_pending(key);
                true
            }
            None => false,
        }
    }

    /// Everything that could happen next; a search may run any of them with
    /// [`Engine::step_choice`] instead of the earliest.
    pub fn choices(&self) -> Vec<Choice> {
        self.world.queue.keys().map(|&(due, seq)| Choice { due, seq }).collect()
    }

    pub fn step_choice(&mut self, choice: Choice) -> bool {
        let key = (choice.due, choice.seq);
        if !self.world.queue.contains_key(&key) {
            return false;
        }
        self.run_pending(key);
        true
    }

    fn run_pending(&mut self, key: (Time, u64)) {
        let pending = self.world.queue.remove(&key).expect("key taken from the queue");
        self.world.step += 1;
        self.world.now = self.world.now.max(key.0);
        match pending {
            Pending::Deliver(id) => self.deliver(id),
            Pending::Lose(id) => self.lose(id),
            Pending::Fire(id) => self.fire(id),
        }
        self.check_invariants();
    }

    /// Move the clock forward to `time` without anything happening (so an intervention
    /// lands exactly where the user clicked). Never past the next happening.
    pub fn advance_to(&mut self, time: Time) {
        let limit = self.next_due().unwrap_or(Time::MAX);
        self.world.now = self.world.now.max(time.min(limit));
    }

    fn push_event(&mut self, node: Option<NodeId>, kind: EventKind, cause: Option<EventId>) -> EventId {
        let id = self.trace.events.len();
        let (lamport, vector, hops) = match node {
            Some(n) => (self.world.lamport[n], self.world.vector.get(n).cloned(), self.world.hops[n]),
            None => (0, None, 0),
        };
        self.trace.events.push(Event {
            id,
            step: self.world.step,
            time: self.world.now,
            node,
            kind,
            lamport,
            vector,
            hops,
            cause,
            notes: Vec::new(),
            marks: Vec::new(),
        });
        id
    }

    /// An event on `me`'s line that ticks its clocks.
    fn local_event(&mut self, me: NodeId, kind: EventKind, cause: Option<EventId>) -> EventId {
        self.world.lamport[me] += 1;
        if let Some(v) = self.world.vector.get_mut(me) {
            v[me] += 1;
        }
        self.push_event(Some(me), kind, cause)
    }

    fn deliver(&mut self, id: MsgId) {
        let flight = self.world.flights.remove(&id).expect("delivered message is in flight");
        let to = flight.to;
        if !self.world.up[to] {
            let e = self.push_event(Some(to), EventKind::Discard { msg: id }, Some(flight.send_event));
            self.trace.events[e].notes.push(format!("node {to} is down; message discarded"));
            self.trace.messages[id].end = Some(e);
            return;
        }
        // Receive rule: merge the sender's clocks, then tick.
        let w = &mut self.world;
        w.lamport[to] = w.lamport[to].max(flight.lamport);
        if let (Some(mine), Some(theirs)) = (w.vector.get_mut(to), flight.vector.as_ref()) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a = (*a).max(*b);
            }
        }
        w.hops[to] = w.hops[to].max(flight.hops + 1);
        if flight.from != to {
            w.counters.delivered += 1;
        }
        let event = self.local_event(to, EventKind::Receive { msg: id }, Some(flight.send_event));
        self.trace.messages[id].end = Some(event);
        let (from, payload) = (flight.from, flight.payload);
        self.handle(to, event, |p, s, ctx| p.on_message(to, s, from, payload, ctx));
    }

    fn lose(&mut self, id: MsgId) {
        let flight = self.world.flights.remove(&id).expect("lost message is in flight");
        let reason = flight.lost.expect("a Lose is only queued for a lost message");
        self.world.counters.dropped += 1;
        let span = flight.arrive.saturating_sub(flight.sent_at).max(1);
        let progress = (self.world.now.saturating_sub(flight.sent_at) * 1000 / span).min(1000) as u32;
        let e = self.push_event(None, EventKind::Lost { msg: id, reason, progress }, Some(flight.send_event));
        self.trace.events[e].notes.push(format!("{} {}→{} {}", self.trace.messages[id].kind, flight.from, flight.to, reason.describe()));
        self.trace.messages[id].end = Some(e);
    }

    fn fire(&mut self, timer_id: u64) {
        let Some(armed) = self.world.timers.remove(&timer_id) else { return };
        let me = armed.node;
        let label = self.proto.timer_label(&armed.timer);
        self.handle_spontaneous(me, EventKind::Timer { label }, |p, s, ctx| p.on_timer(me, s, armed.timer, ctx));
    }

    /// Apply what a handler asked for, in a fixed order: cancels, timers, then each send
    /// as its own event (a send is an event in Lamport's sense, so it ticks the clock).
    /// Notes and marks go on the handler's event, or on its first send when it is silent.
    fn apply_effects(&mut self, me: NodeId, event: Option<EventId>, out: Effects<P>) {
        let first_send = self.trace.events.len();
        for cancel in &out.cancels {
            let ids: Vec<u64> = self.world.timers.iter().filter(|(_, t)| t.node == me && &t.timer == cancel).map(|(id, _)| *id).collect();
            for id in ids {
                let t = self.world.timers.remove(&id).expect("listed above");
                self.world.queue.remove(&t.key);
            }
        }
        for (after, timer) in out.timers {
            let due = self.world.now + after;
            let key = self.next_key(due);
            self.world.next_timer += 1;
            let id = self.world.next_timer;
            self.world.queue.insert(key, Pending::Fire(id));
            self.world.timers.insert(id, ArmedTimer { node: me, timer, set_at: self.world.now, due, key });
        }
        for (to, msg) in out.sends {
            self.send(me, to, msg);
        }
        if let Some(target) = self.trace.events.get_mut(event.unwrap_or(first_send)) {
            target.notes.extend(out.notes);
            target.marks.extend(out.marks);
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, payload: P::Msg) {
        assert!(to < self.setup.n, "protocol bug: node {from} sent to node {to} of {}", self.setup.n);
        let label = self.proto.label(&payload);
        let send_event = self.local_event(from, EventKind::Send { msg: self.trace.messages.len() }, None);
        if from != to {
            self.world.counters.sent += 1;
            *self.world.counters.by_kind.entry(label.kind).or_insert(0) += 1;
        }
        let duplicate = self.world.network.duplicates(&mut self.world.rng, from, to);
        let id = self.launch(from, to, payload.clone(), send_event, None);
        if duplicate {
            self.world.counters.duplicated += 1;
            self.launch(from, to, payload, send_event, Some(id));
        }
    }

    /// Put one copy of a message on the wire; its delay and fate are decided now.
    fn launch(&mut self, from: NodeId, to: NodeId, payload: P::Msg, send_event: EventId, copy_of: Option<MsgId>) -> MsgId {
        let now = self.world.now;
        let transit = self.world.network.transit(&mut self.world.rng, from, to, now);
        let label = self.proto.label(&payload);
        let id = self.trace.messages.len();
        self.trace.messages.push(MessageRecord {
            id,
            from,
            to,
            kind: label.kind,
            text: label.text,
            token: label.token,
            sent_at: now,
            send_event,
            copy_of,
            end: None,
        });
        let key = self.next_key(transit.due);
        self.world.queue.insert(key, if transit.lost.is_some() { Pending::Lose(id) } else { Pending::Deliver(id) });
        let sender = &self.trace.events[send_event];
        let flight = Flight {
            from,
            to,
            payload,
            sent_at: now,
            due: transit.due,
            arrive: transit.arrive,
            lost: transit.lost,
            key,
            lamport: sender.lamport,
            vector: sender.vector.clone(),
            hops: sender.hops,
            send_event,
        };
        self.world.flights.insert(id, flight);
        id
    }

    /// Apply an intervention now. Errors name what cannot be done (e.g. the message has
    /// already arrived); the run is unchanged then.
    pub fn apply(&mut self, act: &Act) -> Result<(), String> {
        let n = self.setup.n;
        if let Some(bad) = act.nodes().into_iter().find(|&x| x >= n) {
            return Err(format!("node {bad} does not exist; nodes are 0 to {}", n - 1));
        }
        match act {
            Act::Crash(node) => {
                if !self.world.up[*node] {
                    return Err(format!("node {node} is already down"));
                }
                self.world.up[*node] = false;
                // A crashed node's timers die with it.
                let ids: Vec<u64> = self.world.timers.iter().filter(|(_, t)| t.node == *node).map(|(id, _)| *id).collect();
                for id in ids {
                    let t = self.world.timers.remove(&id).expect("listed above");
                    self.world.queue.remove(&t.key);
                }
                self.push_event(Some(*node), EventKind::Crash, None);
            }
            Act::Recover(node) => {
                let me = *node;
                if self.world.up[me] {
                    return Err(format!("node {me} is not down"));
                }
                self.world.up[me] = true;
                let event = self.local_event(me, EventKind::Recover, None);
                self.handle(me, event, |p, s, ctx| *s = p.on_recover(me, s, ctx));
            }
            Act::Input(node, name) => {
                let me = *node;
                if !self.world.up[me] {
                    return Err(format!("node {me} is down; recover it first"));
                }
                let offered = self.proto.inputs_for(me, &self.world.states[me]);
                if !P::info().inputs.iter().any(|i| i.id == name) {
                    let names: Vec<&str> = P::info().inputs.iter().map(|i| i.id).collect();
                    return Err(format!("'{name}' is not an input of this protocol; accepted: {}", if names.is_empty() { "none".into() } else { names.join(", ") }));
                }
                let input = Input { id: name.clone() };
                let event = self.handle_spontaneous(me, EventKind::Input { input: name.clone() }, |p, s, ctx| p.on_input(me, s, &input, ctx));
                if let Some(event) = event.filter(|_| !offered.iter().any(|i| i.id == name)) {
                    self.trace.events[event].notes.push(format!("node {me} ignores '{name}' in its current state"));
                }
            }
            Act::Drop(id) => {
                let flight = self.live_flight(*id)?;
                let key = flight.key;
                self.world.queue.remove(&key);
                self.world.flights.get_mut(id).expect("checked").lost = Some(LossReason::User);
                self.lose(*id);
            }
            Act::Delay(id, extra) => {
                let flight = self.live_flight(*id)?;
                let (old_key, from, to, due) = (flight.key, flight.from, flight.to, flight.due + extra);
                self.reschedule(*id, old_key, due);
                if self.world.network.config.fifo {
                    // Later messages on a FIFO link may not overtake the held one.
                    let behind: Vec<MsgId> = self
                        .world
                        .flights
                        .iter()
                        .filter(|(m, f)| **m != *id && f.from == from && f.to == to && f.lost.is_none() && f.key > old_key && f.due < due)
                        .map(|(m, _)| *m)
                        .collect();
                    for m in behind {
                        let key = self.world.flights[&m].key;
                        self.reschedule(m, key, due);
                    }
                    self.world.network.hold_fifo(from, to, due);
                }
                let kind = self.trace.messages[*id].kind;
                self.push_event(None, EventKind::Tamper { msg: *id, what: format!("{kind} {from}→{to} held {extra} longer") }, None);
            }
            Act::Duplicate(id) => {
                let flight = self.live_flight(*id)?.clone();
                self.world.counters.duplicated += 1;
                let copy = self.launch(flight.from, flight.to, flight.payload, flight.send_event, Some(*id));
                let kind = self.trace.messages[*id].kind;
                self.push_event(None, EventKind::Tamper { msg: *id, what: format!("{kind} {}→{} duplicated as message {copy}", flight.from, flight.to) }, None);
            }
            Act::Cut(a, b) => {
                if a == b {
                    return Err(format!("a link joins two different nodes; got {a}-{b}"));
                }
                self.world.network.links.entry(link_key(*a, *b)).or_default().cut = true;
                self.push_event(None, EventKind::Network { what: format!("link {a}-{b} cut") }, None);
                self.kill_disconnected();
            }
            Act::Restore(a, b) => {
                self.world.network.links.remove(&link_key(*a, *b));
                self.push_event(None, EventKind::Network { what: format!("link {a}-{b} restored") }, None);
            }
            Act::Link(a, b, range, drop) => {
                if a == b {
                    return Err(format!("a link joins two different nodes; got {a}-{b}"));
                }
                let rule = self.world.network.links.entry(link_key(*a, *b)).or_default();
                rule.delay = Some(*range);
                rule.drop = Some(*drop);
                let what = format!("link {a}-{b}: delay {}-{}, drop {}%", range.0, range.1, crate::sim::network::format_percent(*drop));
                self.push_event(None, EventKind::Network { what }, None);
            }
            Act::Partition(groups) => {
                let mut group_of = vec![u32::MAX; n];
                for (g, members) in groups.iter().enumerate() {
                    for &m in members {
                        if group_of[m] != u32::MAX {
                            return Err(format!("node {m} is in two groups of the partition"));
                        }
                        group_of[m] = g as u32;
                    }
                }
                // Nodes not named form one more group of their own.
                for g in group_of.iter_mut().filter(|g| **g == u32::MAX) {
                    *g = groups.len() as u32;
                }
                self.world.network.groups = Some(group_of);
                self.push_event(None, EventKind::Network { what: format!("partition {}", act.encode().trim_start_matches("partition:")) }, None);
                self.kill_disconnected();
            }
            Act::Heal => {
                self.world.network.groups = None;
                for rule in self.world.network.links.values_mut() {
                    rule.cut = false;
                }
                self.push_event(None, EventKind::Network { what: "network healed".into() }, None);
            }
            Act::Network(config) => {
                self.world.network.config = config.clone();
                self.push_event(None, EventKind::Network { what: format!("network settings {}", act.encode().trim_start_matches("net:")) }, None);
            }
        }
        self.check_invariants();
        Ok(())
    }

    fn live_flight(&self, id: MsgId) -> Result<&Flight<P::Msg>, String> {
        match self.world.flights.get(&id) {
            Some(f) if f.lost.is_none() => Ok(f),
            Some(_) => Err(format!("message {id} is already being lost")),
            None if id < self.trace.messages.len() => Err(format!("message {id} is no longer in flight")),
            None => Err(format!("message {id} does not exist")),
        }
    }

    fn reschedule(&mut self, id: MsgId, old_key: (Time, u64), due: Time) {
        self.world.queue.remove(&old_key);
        let key = self.next_key(due);
        self.world.queue.insert(key, Pending::Deliver(id));
        let f = self.world.flights.get_mut(&id).expect("rescheduled message is in flight");
        f.key = key;
        f.due = due;
        f.arrive = due;
    }

    /// Messages crossing a link that just went down are lost at once.
    fn kill_disconnected(&mut self) {
        let doomed: Vec<MsgId> = self
            .world
            .flights
            .iter()
            .filter(|(_, f)| f.lost.is_none() && !self.world.network.connected(f.from, f.to))
            .map(|(id, _)| *id)
            .collect();
        for id in doomed {
            let key = self.world.flights[&id].key;
            self.world.queue.remove(&key);
            self.world.flights.get_mut(&id).expect("listed above").lost = Some(LossReason::Cut);
            self.lose(id);
        }
    }

    pub fn snapshot(&self) -> Snapshot<'_, P> {
        Snapshot {
            now: self.world.now,
            states: &self.world.states,
            up: &self.world.up,
            in_flight: self.world.flights.values().filter(|f| f.lost.is_none()).map(|f| (f.from, f.to, &f.payload)).collect(),
            quiescent: self.quiescent(),
            trace: &self.trace,
        }
    }

    /// Check every invariant; record a violation when one goes from holding to broken.
    fn check_invariants(&mut self) {
        let Some(last) = self.trace.events.len().checked_sub(1) else { return };
        let snapshot = self.snapshot();
        let mut newly = Vec::new();
        let mut broken = BTreeSet::new();
        for inv in self.proto.invariants() {
            if let Err(breach) = (inv.check)(&self.proto, &snapshot) {
                broken.insert(inv.name);
                if !self.world.broken.contains(inv.name) {
                    newly.push((inv.name, breach));
                }
            }
        }
        for (invariant, breach) in newly {
            self.trace.violations.push(Violation {
                invariant,
                event: last,
                step: self.world.step,
                time: self.world.now,
                nodes: breach.nodes,
                detail: breach.detail,
            });
        }
        self.world.broken = broken;
    }

    /// Names of the invariants broken right now.
    pub fn broken(&self) -> &BTreeSet<&'static str> {
        &self.world.broken
    }

    pub fn run_view(&self) -> RunView<'_, P> {
        RunView {
            setup: &self.setup,
            states: &self.world.states,
            up: &self.world.up,
            trace: &self.trace,
            counters: &self.world.counters,
            now: self.world.now,
            quiescent: self.quiescent(),
        }
    }

    /// Messages in flight (including ones doomed to be lost), in id order:
    /// (id, from, to, sent_at, due, arrive, lost).
    pub fn flights(&self) -> impl Iterator<Item = (MsgId, NodeId, NodeId, Time, Time, Time, Option<LossReason>)> + '_ {
        self.world.flights.iter().map(|(id, f)| (*id, f.from, f.to, f.sent_at, f.due, f.arrive, f.lost))
    }

    /// Armed timers: (node, set_at, due, label), in due order.
    pub fn armed_timers(&self) -> Vec<(NodeId, Time, Time, String)> {
        let mut v: Vec<_> = self.world.timers.values().map(|t| (t.key, t.node, t.set_at, t.due, self.proto.timer_label(&t.timer))).collect();
        v.sort_by_key(|x| x.0);
        v.into_iter().map(|(_, n, s, d, l)| (n, s, d, l)).collect()
    }

    /// A clone of the world plus the trace length: enough to come back here.
    pub fn checkpoint(&self) -> World<P> {
        let mut w = self.world.clone();
        w.trace_mark = self.trace.mark();
        w
    }

    /// Go back to a checkpoint. To jump *forward* to one, pass the longer log it lies on
    /// (`known`): the log is then rebuilt from it rather than truncated.
    pub fn restore(&mut self, world: &World<P>, known: Option<&Trace>) {
        self.world = World::clone(world);
        match known {
            Some(log) => self.trace = log.prefix(world.trace_mark),
            None => self.trace.truncate(world.trace_mark),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::params::Params;
    use crate::sim::protocol::{Invariant, Metric, MsgLabel, NodeRange, NodeView, ProtocolInfo, Tone};
    use crate::sim::topology::{Topology, TopologyKind};

    /// Node 0 pings everyone once; everyone pongs back. Enough to exercise the engine.
    struct PingPong;

    #[derive(Clone, Debug)]
    enum Msg {
        Ping,
        Pong,
    }

    impl Protocol for PingPong {
        type State = u32;
        type Msg = Msg;
        type Timer = ();
        fn info() -> ProtocolInfo {
            ProtocolInfo {
                id: "ping-pong",
                name: "Ping pong",
                family: "Test",
                summary: "",
                nodes: NodeRange { min: 2, max: 10, default: 3 },
                topologies: &[TopologyKind::Complete],
                network: NetworkConfig::default(),
                params: vec![],
                inputs: &[],
                scenarios: &[],
            }
        }
        fn build(_: &Setup) -> Result<Self, String> {
            Ok(PingPong)
        }
        fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> u32 {
            if me == 0 {
                ctx.broadcast(Msg::Ping);
                ctx.set_timer(1000, ());
            }
            0
        }
        fn on_message(&self, _: NodeId, s: &mut u32, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
            *s += 1;
            if let Msg::Ping = m {
                ctx.send(from, Msg::Pong);
            }
        }
        fn label(&self, m: &Msg) -> MsgLabel {
            MsgLabel { kind: if matches!(m, Msg::Ping) { "ping" } else { "pong" }, text: String::new(), token: false }
        }
        fn view(&self, _: NodeId, s: &u32) -> NodeView {
            NodeView { role: "node", tone: Tone::Idle, badge: s.to_string(), holds_token: false, details: vec![] }
        }
        fn invariants(&self) -> Vec<Invariant<Self>> {
            vec![Invariant {
                name: "at most one pong per node",
                description: "",
                check: |_, snap| if snap.states[0] <= 2 { Ok(()) } else { Err(crate::sim::protocol::Breach { nodes: vec![0], detail: "too many".into() }) },
            }]
        }
        fn metrics(&self, _: &RunView<Self>) -> Vec<Metric> {
            vec![]
        }
    }

    fn engine(seed: u64, config: NetworkConfig) -> Engine<PingPong> {
        let setup = Setup::new(3, Topology::Complete, Params::default(), seed).unwrap();
        Engine::new(PingPong, setup, config, seed)
    }

    #[test]
    fn clocks_follow_lamports_rules() {
        let mut e = engine(1, NetworkConfig::default());
        while e.step() {}
        assert_eq!(e.world.counters.sent, 4);
        assert_eq!(e.world.counters.delivered, 4);
        for ev in &e.trace.events {
            if let (EventKind::Receive { msg }, Some(cause)) = (&ev.kind, ev.cause) {
                let send = &e.trace.events[cause];
                assert!(ev.lamport > send.lamport, "receive after send");
                assert!(crate::sim::trace::happened_before(&e.trace, cause, ev.id));
                assert_eq!(e.trace.messages[*msg].end, Some(ev.id));
            }
        }
        // The timer fires last, after both pongs.
        assert!(matches!(e.trace.events.last().unwrap().kind, EventKind::Timer { .. }));
    }

    #[test]
    fn any_pending_happening_can_be_chosen_and_clocks_stay_sound() {
        // Run the latest-due happening each time: an order the delays would not produce,
        // but one an asynchronous network allows (what a search over orderings explores).
        let mut e = engine(1, NetworkConfig::default());
        let mut last_due = None;
        while let Some(&latest) = e.choices().last() {
            assert!(e.step_choice(latest));
            last_due = Some(latest.due);
        }
        assert!(e.quiescent() && last_due.is_some());
        for ev in &e.trace.events {
            if let (EventKind::Receive { .. }, Some(cause)) = (&ev.kind, ev.cause) {
                assert!(e.trace.events[cause].lamport < ev.lamport);
            }
        }
        assert_eq!(e.world.counters.delivered, 4);
        assert!(!e.step_choice(Choice { due: 0, seq: 0 }), "a choice that is not pending is refused");
    }

    #[test]
    fn checkpoint_restore_replays_identically() {
        let mut a = engine(7, NetworkConfig { delay_min: 1, delay_max: 100, duplicate: 300_000, ..Default::default() });
        a.step();
        let cp = a.checkpoint();
        while a.step() {}
        let full = a.trace.hash();
        a.restore(&cp, None);
        while a.step() {}
        assert_eq!(a.trace.hash(), full);
    }

    #[test]
    fn dropping_and_duplicating_are_counted_and_checked() {
        let mut e = engine(3, NetworkConfig::default());
        // Messages 0 and 1 are the pings.
        e.apply(&Act::Duplicate(0)).unwrap();
        e.apply(&Act::Drop(1)).unwrap();
        assert!(e.apply(&Act::Drop(1)).unwrap_err().contains("no longer in flight"));
        assert!(e.apply(&Act::Crash(9)).unwrap_err().contains("nodes are 0 to 2"));
        while e.step() {}
        assert_eq!((e.world.counters.dropped, e.world.counters.duplicated), (1, 1));
        // Node 1 answered twice, so node 0 saw... 2 pongs (ok): no violation.
        assert!(e.trace.violations.is_empty());
    }

    #[test]
    fn partitions_kill_crossing_messages_and_crashes_discard() {
        let mut e = engine(3, NetworkConfig::default());
        e.apply(&Act::Partition(vec![vec![0], vec![1, 2]])).unwrap();
        assert_eq!(e.world.counters.dropped, 2);
        let mut e = engine(3, NetworkConfig::default());
        e.apply(&Act::Crash(2)).unwrap();
        while e.step() {}
        assert!(e.trace.events.iter().any(|ev| matches!(ev.kind, EventKind::Discard { .. }) && ev.node == Some(2)));
    }
}

