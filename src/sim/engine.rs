//! The engine: owns time, the network, the clocks and the log, and drives one protocol.
//!
//! A run is a sequence of *steps*; each step takes the earliest pending happening from a
//! queue ordered by `(time, seq)` (a delivery, a loss, a timer, a workload request) and
//! applies it. Every event is stamped with the engine's own Lamport and vector clocks,
//! whatever the protocol, and logged. After every step and every intervention the new
//! events are fed once to the protocol's statistics and history monitors, and the
//! invariants are checked against the present state; their verdicts are kept, so the page
//! reads them instead of recomputing them every frame.
//!
//! All mutable run state lives in [`World`], which is `Clone`: a checkpoint is a clone, so
//! time travel is "restore the nearest checkpoint, replay the rest". Keep the world small:
//! it is cloned every [`super::history::CHECKPOINT_EVERY`] steps.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use super::act::{Act, Anchor, AnchoredAct};
use super::breach::Breach;
use super::fingerprint::Fingerprinter;
use super::monitor::{Moment, Monitor};
use super::network::{link_key, LossReason, Network, NetworkConfig};
use super::protocol::{Ctx, Effects, Input, Invariant, Protocol, Setup, Snapshot};
use super::rng::{SimRng, Stream};
use super::trace::{Event, EventKind, Mark, MessageRecord, Trace, TraceMark, Violation};
use super::view::Group;
use super::{EventId, MsgId, NodeId, Time, VECTOR_CLOCK_LIMIT};
use crate::phrase;
use crate::words::Text;

// Where protocols and the page have always found them.
pub use super::counters::Counters;
pub use super::protocol::RunView;

/// Something the queue will make happen at its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Deliver(MsgId),
    Lose(MsgId),
    Fire(u64),
    /// The shared workload asks this node for its input.
    Workload(NodeId),
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

/// An intervention waiting for its milestone.
#[derive(Clone, Debug)]
struct Armed {
    anchored: AnchoredAct,
    seen: u32,
    done: bool,
}

/// Everything that changes during a run. Cloning it is a checkpoint.
#[derive(Debug)]
pub struct World<P: Protocol> {
    pub states: Vec<P::State>,
    pub up: Vec<bool>,
    /// Nodes that have not joined yet (they started outside the system).
    pub absent: Vec<bool>,
    lamport: Vec<u64>,
    /// Empty above [`VECTOR_CLOCK_LIMIT`] nodes.
    vector: Vec<Vec<u32>>,
    hops: Vec<u32>,
    queue: BTreeMap<(Time, u64), Pending>,
    flights: BTreeMap<MsgId, Flight<P::Msg>>,
    timers: BTreeMap<u64, ArmedTimer<P::Timer>>,
    pub network: Network,
    /// Separate streams, so a change to one kind of randomness leaves the others alone.
    net_rng: SimRng,
    proto_rng: SimRng,
    load_rng: SimRng,
    pub now: Time,
    /// Steps taken; 0 is the state right after every node's `init`.
    pub step: u64,
    seq: u64,
    next_timer: u64,
    pub counters: Counters,
    /// The verdict of each invariant, then each monitor, after the last check.
    verdicts: Vec<Option<Breach>>,
    monitors: Vec<Box<dyn Monitor>>,
    pub stats: P::Stats,
    /// Events already fed to the statistics and monitors.
    observed: usize,
    armed: Vec<Armed>,
    trace_mark: TraceMark,
}

// Written out because a derive would demand `P: Clone`; only the state types need it.
impl<P: Protocol> Clone for World<P> {
    fn clone(&self) -> Self {
        World {
            states: self.states.clone(),
            up: self.up.clone(),
            absent: self.absent.clone(),
            lamport: self.lamport.clone(),
            vector: self.vector.clone(),
            hops: self.hops.clone(),
            queue: self.queue.clone(),
            flights: self.flights.clone(),
            timers: self.timers.clone(),
            network: self.network.clone(),
            net_rng: self.net_rng.clone(),
            proto_rng: self.proto_rng.clone(),
            load_rng: self.load_rng.clone(),
            now: self.now,
            step: self.step,
            seq: self.seq,
            next_timer: self.next_timer,
            counters: self.counters.clone(),
            verdicts: self.verdicts.clone(),
            monitors: self.monitors.clone(),
            stats: self.stats.clone(),
            observed: self.observed,
            armed: self.armed.clone(),
            trace_mark: self.trace_mark,
        }
    }
}

/// The shared workload of this run, resolved from the protocol's declaration.
#[derive(Clone, Copy, Debug)]
struct Workload {
    input: &'static str,
    every: Time,
}

/// A protocol and its run.
pub struct Engine<P: Protocol> {
    pub proto: P,
    pub setup: Setup,
    pub world: World<P>,
    pub trace: Trace,
    invariants: Vec<Invariant<P>>,
    groups: Vec<Group>,
    workload: Option<Workload>,
}

/// One of the things that could happen next, for a search over orderings: a pending
/// happening (a delivery, a doomed message dying, a timer) identified by its queue key,
/// or, when `lose` is set, the network losing the message that key would deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Choice {
    /// When it is due (for a loss: when the message would have arrived).
    pub due: Time,
    seq: u64,
    /// Lose the message instead of delivering it.
    pub lose: bool,
}

impl<P: Protocol> Engine<P> {
    /// Start a run: every node runs `init` at time 0 (step 0).
    pub fn new(proto: P, setup: Setup, network: NetworkConfig, seed: u64) -> Self {
        Self::with_anchors(proto, setup, network, seed, Vec::new())
    }

    /// Start a run with interventions that wait for protocol milestones.
    pub fn with_anchors(proto: P, setup: Setup, network: NetworkConfig, seed: u64, anchored: Vec<AnchoredAct>) -> Self {
        let n = setup.n;
        let vectors = n <= VECTOR_CLOCK_LIMIT;
        let invariants = proto.invariants();
        let monitors = proto.monitors();
        let info = P::info();
        let workload = info.workload.and_then(|w| {
            let every = setup.params.0.get(w.every_param).and_then(|v| if let super::params::ParamValue::Int(i) = v { Some(*i) } else { None }).unwrap_or(0);
            (every > 0).then_some(Workload { input: w.input, every: every as Time })
        });
        let world = World {
            states: Vec::with_capacity(n),
            up: vec![true; n],
            absent: vec![false; n],
            lamport: vec![0; n],
            vector: if vectors { vec![vec![0; n]; n] } else { Vec::new() },
            hops: vec![0; n],
            queue: BTreeMap::new(),
            flights: BTreeMap::new(),
            timers: BTreeMap::new(),
            network: Network::new(network),
            net_rng: SimRng::stream(seed, Stream::Network),
            proto_rng: SimRng::stream(seed, Stream::Protocol),
            load_rng: SimRng::stream(seed, Stream::Workload),
            now: 0,
            step: 0,
            seq: 0,
            next_timer: 0,
            counters: Counters::default(),
            verdicts: vec![None; invariants.len() + monitors.len()],
            monitors,
            stats: P::Stats::default(),
            observed: 0,
            armed: anchored.into_iter().map(|anchored| Armed { anchored, seen: 0, done: false }).collect(),
            trace_mark: TraceMark::default(),
        };
        let groups = proto.groups();
        let mut engine = Engine { proto, setup, world, trace: Trace::new(if vectors { n } else { 0 }), invariants, groups, workload };
        for me in 0..n {
            let absent = engine.proto.joins_later(me);
            // A node that joins later exists from the start (its slot needs a state) but
            // takes no part: no event, no effects, until it joins.
            let event = (!absent).then(|| engine.local_event(me, EventKind::Start, None));
            let mut ctx = Ctx { me, now: 0, n, rng: &mut engine.world.proto_rng, groups: &engine.groups, out: Effects::default() };
            let state = engine.proto.init(me, &mut ctx);
            let out = ctx.out;
            engine.world.states.push(state);
            if absent {
                engine.world.up[me] = false;
                engine.world.absent[me] = true;
            } else {
                engine.apply_effects(me, event, out);
            }
        }
        if let Some(w) = engine.workload {
            for me in 0..n {
                engine.schedule_workload(me, w.every);
            }
        }
        engine.settle();
        engine
    }

    pub fn n(&self) -> usize {
        self.setup.n
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    fn schedule_workload(&mut self, me: NodeId, every: Time) {
        let after = self.world.load_rng.between(1, 2 * every);
        let key = self.next_key(self.world.now + after);
        self.world.queue.insert(key, Pending::Workload(me));
    }

    /// An independent copy of this run, to explore from without touching it. The world
    /// and the log are cloned; the protocol, which need not be `Clone`, is built afresh
    /// from the same setup. That is sound because a protocol is immutable configuration
    /// made only from its [`Setup`] (handlers take `&self`), which is what lets a scenario
    /// be replayed at all.
    pub fn duplicate(&self) -> Result<Engine<P>, String> {
        let proto = P::build(&self.setup)?;
        let invariants = proto.invariants();
        Ok(Engine { proto, setup: self.setup.clone(), world: self.world.clone(), trace: self.trace.clone(), invariants, groups: self.groups.clone(), workload: self.workload })
    }

    /// Run one handler on `me`'s state and return what it asked for.
    fn run(&mut self, me: NodeId, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) -> Effects<P> {
        let world = &mut self.world;
        let mut ctx = Ctx { me, now: world.now, n: self.setup.n, rng: &mut world.proto_rng, groups: &self.groups, out: Effects::default() };
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

    /// Nothing left to happen: no message in flight, no timer armed, and no workload
    /// request any node could take (a stalled ring with every node waiting is at rest).
    pub fn quiescent(&self) -> bool {
        self.world.queue.values().all(|p| self.idle(p))
    }

    /// Time of the next happening that can change something, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.world.queue.iter().find(|(_, p)| !self.idle(p)).map(|(k, _)| k.0)
    }

    /// A workload request its node cannot take now: it changes nothing until something
    /// else happens first.
    fn idle(&self, pending: &Pending) -> bool {
        matches!(pending, Pending::Workload(me) if !self.wants_request(*me))
    }

    /// Take one step: the earliest pending happening. Returns false when quiescent.
    pub fn step(&mut self) -> bool {
        self.step_before(Time::MAX)
    }

    /// Take one step if something is due at or before `limit`. A workload request the
    /// node cannot take now (it is down, or already asked) is not a step of its own: it
    /// is passed over, rescheduled, and the next happening is taken instead, so every
    /// step shows something.
    pub fn step_before(&mut self, limit: Time) -> bool {
        if self.quiescent() {
            return false;
        }
        loop {
            let Some((&key, &pending)) = self.world.queue.iter().next() else { return false };
            if key.0 > limit {
                return false;
            }
            match pending {
                Pending::Workload(me) if !self.wants_request(me) => {
                    self.world.queue.remove(&key);
                    self.world.now = self.world.now.max(key.0);
                    let every = self.workload.map_or(1, |w| w.every);
                    self.schedule_workload(me, every);
                }
                _ => {
                    self.run_pending(key);
                    return true;
                }
            }
        }
    }

    /// Whether node `me` can take the workload's input now.
    fn wants_request(&self, me: NodeId) -> bool {
        self.workload.is_some_and(|w| self.world.up[me] && self.proto.inputs_for(me, &self.world.states[me]).iter().any(|i| i.id == w.input))
    }

    /// Everything that could happen next; a search may run any of them with
    /// [`Engine::step_choice`] instead of the earliest.
    pub fn choices(&self) -> Vec<Choice> {
        self.world.queue.keys().map(|&(due, seq)| Choice { due, seq, lose: false }).collect()
    }

    /// [`Engine::choices`], then one "lose it" choice per message in flight that would
    /// still arrive (not one already doomed), in queue order: the network may lose any
    /// message, so a search over faults branches on it.
    pub fn choices_with_loss(&self) -> Vec<Choice> {
        let mut all = self.choices();
        let losses = self.world.queue.iter().filter(|(_, p)| matches!(p, Pending::Deliver(_)));
        all.extend(losses.map(|(&(due, seq), _)| Choice { due, seq, lose: true }));
        all
    }

    /// Run one of [`Engine::choices`] (or [`Engine::choices_with_loss`]) as the next
    /// step. False, with nothing changed, if it is not pending any more. A loss happens
    /// now (the clock does not move): the message dies as if the network dropped it,
    /// counted in `counters.dropped` and logged as lost.
    pub fn step_choice(&mut self, choice: Choice) -> bool {
        let key = (choice.due, choice.seq);
        match (self.world.queue.get(&key), choice.lose) {
            (None, _) => false,
            (Some(_), false) => {
                self.run_pending(key);
                true
            }
            (Some(&Pending::Deliver(id)), true) => {
                self.world.queue.remove(&key);
                self.world.step += 1;
                self.world.flights.get_mut(&id).expect("a queued delivery is in flight").lost = Some(LossReason::Random);
                self.lose(id);
                self.settle();
                true
            }
            (Some(_), true) => false,
        }
    }

    /// A canonical hash of what the future depends on: every node's state and whether it
    /// is up, the armed timers (node, timer, ticks until due) and the messages in flight
    /// (from, to, payload, doomed or not, ticks until due). Timers and messages are
    /// hashed as multisets, so the order they were made in, their ids and sequence
    /// numbers do not matter; nor do absolute time, the log, the counters, the step, the
    /// engine's clocks, the network settings or the random generator. Worlds reached by
    /// different interleavings that are the same state get the same fingerprint.
    ///
    /// "Ticks until due" is clamped at zero: a search may run a late happening first,
    /// and then everything already overdue behaves alike (it runs at the current time).
    pub fn fingerprint(&self) -> u64 {
        let w = &self.world;
        let now = w.now;
        let mut h = Fingerprinter::new();
        w.states.hash(&mut h);
        w.up.hash(&mut h);
        let mut timers: Vec<u64> = w
            .timers
            .values()
            .map(|t| {
                let mut th = Fingerprinter::new();
                (t.node, &t.timer, t.due.saturating_sub(now)).hash(&mut th);
                th.finish()
            })
            .collect();
        timers.sort_unstable();
        timers.hash(&mut h);
        let mut flights: Vec<u64> = w
            .flights
            .values()
            .map(|f| {
                let mut fh = Fingerprinter::new();
                (f.from, f.to, &f.payload, f.lost.is_some(), f.due.saturating_sub(now)).hash(&mut fh);
                fh.finish()
            })
            .collect();
        flights.sort_unstable();
        flights.hash(&mut h);
        // The workload's next requests, per node (they shape the future like timers).
        let mut requests: Vec<(NodeId, Time)> = w.queue.iter().filter_map(|(k, p)| if let Pending::Workload(n) = p { Some((*n, k.0.saturating_sub(now))) } else { None }).collect();
        requests.sort_unstable();
        requests.hash(&mut h);
        w.absent.hash(&mut h);
        h.finish()
    }

    fn run_pending(&mut self, key: (Time, u64)) {
        let pending = self.world.queue.remove(&key).expect("key taken from the queue");
        self.world.step += 1;
        self.world.now = self.world.now.max(key.0);
        match pending {
            Pending::Deliver(id) => self.deliver(id),
            Pending::Lose(id) => self.lose(id),
            Pending::Fire(id) => self.fire(id),
            Pending::Workload(me) => self.workload(me),
        }
        self.settle();
    }

    /// Move the clock forward to `time` without anything happening (so an intervention
    /// lands exactly where the user clicked). Never past the next happening.
    pub fn advance_to(&mut self, time: Time) {
        let limit = self.next_due().unwrap_or(Time::MAX);
        self.world.now = self.world.now.max(time.min(limit));
    }

    fn push_event(&mut self, node: Option<NodeId>, kind: EventKind, cause: Option<EventId>) -> EventId {
        let id = self.trace.events().len();
        let (lamport, hops) = match node {
            Some(n) => (self.world.lamport[n], self.world.hops[n]),
            None => (0, 0),
        };
        let vector = node.and_then(|n| self.world.vector.get(n)).map(|v| v.as_slice());
        self.trace.push_event(Event { id, step: self.world.step, time: self.world.now, node, kind, lamport, hops, cause }, vector);
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
            self.trace.push_note(e, phrase!("note.down_discard", to));
            self.trace.end_message(id, e);
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
        self.trace.end_message(id, event);
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
        self.trace.end_message(id, e);
    }

    fn fire(&mut self, timer_id: u64) {
        let Some(armed) = self.world.timers.remove(&timer_id) else { return };
        let me = armed.node;
        let timer = self.proto.timer_name(&armed.timer);
        self.handle_spontaneous(me, EventKind::Timer { timer }, |p, s, ctx| p.on_timer(me, s, armed.timer, ctx));
    }

    /// The workload asks `me` for its input (when the node is up and the protocol offers
    /// the input now), then schedules the next request.
    fn workload(&mut self, me: NodeId) {
        let Some(w) = self.workload else { return };
        if self.wants_request(me) {
            let input = Input { id: w.input, arg: None };
            self.handle_spontaneous(me, EventKind::Input { input: w.input, arg: None, workload: true }, |p, s, ctx| p.on_input(me, s, &input, ctx));
        }
        self.schedule_workload(me, w.every);
    }

    /// Apply what a handler asked for, in a fixed order: cancels, timers, notes and marks
    /// (on the handler's event, or on its first send when it is silent), then each send
    /// as its own event (a send is an event in Lamport's sense, so it ticks the clock).
    /// A milestone-anchored crash of `me` stops the remaining sends.
    fn apply_effects(&mut self, me: NodeId, event: Option<EventId>, out: Effects<P>) {
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
        let mut words = Some((out.notes, out.marks));
        if let Some(event) = event {
            self.attach(me, event, words.take().expect("not taken yet"));
        }
        for (to, msg) in out.sends {
            if !self.world.up[me] {
                break;
            }
            let send_event = self.send(me, to, msg);
            if let Some(w) = words.take() {
                self.attach(me, send_event, w);
            }
        }
    }

    /// Put a handler's notes and marks on its event; milestones may set off interventions.
    fn attach(&mut self, me: NodeId, event: EventId, (notes, marks): (Vec<Text>, Vec<Mark>)) {
        for note in notes {
            self.trace.push_note(event, note);
        }
        for mark in marks {
            self.trace.push_mark(event, mark);
            self.fire_anchors(|a| matches!(a, Anchor::Mark { tag, by, .. } if tag == mark.tag && by.is_none_or(|b| b == me)));
        }
    }

    /// Count the milestone for every armed intervention it matches; apply those whose
    /// count is reached.
    fn fire_anchors(&mut self, matches: impl Fn(&Anchor) -> bool) {
        for i in 0..self.world.armed.len() {
            let a = &mut self.world.armed[i];
            if a.done || !matches(&a.anchored.anchor) {
                continue;
            }
            a.seen += 1;
            let nth = match &a.anchored.anchor {
                Anchor::Send { nth, .. } | Anchor::Mark { nth, .. } => *nth,
            };
            if a.seen == nth {
                a.done = true;
                let act = a.anchored.act.clone();
                if let Err(why) = self.apply(&act) {
                    let last = self.trace.events().len().saturating_sub(1);
                    self.trace.push_note(last, phrase!("note.anchor_skipped", self.world.armed[i].anchored.encode(), why));
                }
            }
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, payload: P::Msg) -> EventId {
        assert!(to < self.setup.n, "protocol bug: node {from} sent to node {to} of {}", self.setup.n);
        let kind = self.proto.label(&payload).kind;
        let send_event = self.local_event(from, EventKind::Send { msg: self.trace.messages().len() }, None);
        if from != to {
            self.world.counters.sent += 1;
            *self.world.counters.by_kind.entry(kind).or_insert(0) += 1;
        }
        let duplicate = self.world.network.duplicates(&mut self.world.net_rng, from, to);
        let id = self.launch(from, to, payload.clone(), send_event, None);
        if duplicate {
            self.world.counters.duplicated += 1;
            self.launch(from, to, payload, send_event, Some(id));
        }
        if !self.world.armed.is_empty() {
            self.fire_anchors(|a| matches!(a, Anchor::Send { kind: k, by, .. } if k == kind && by.is_none_or(|b| b == from)));
        }
        send_event
    }

    /// Put one copy of a message on the wire; its delay and fate are decided now.
    fn launch(&mut self, from: NodeId, to: NodeId, payload: P::Msg, send_event: EventId, copy_of: Option<MsgId>) -> MsgId {
        let now = self.world.now;
        let transit = self.world.network.transit(&mut self.world.net_rng, from, to, now);
        let label = self.proto.label(&payload);
        let id = self.trace.messages().len();
        self.trace.push_message(MessageRecord::new(id, from, to, label.kind, label.text.into_boxed_str(), label.token, now, send_event, copy_of));
        let key = self.next_key(transit.due);
        self.world.queue.insert(key, if transit.lost.is_some() { Pending::Lose(id) } else { Pending::Deliver(id) });
        let sender = self.trace.event(send_event);
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
            vector: self.trace.vector(send_event).map(|v| v.to_vec()),
            hops: sender.hops,
            send_event,
        };
        self.world.flights.insert(id, flight);
        id
    }

    /// Why `act` cannot be applied now, if it cannot; nothing changes either way.
    pub fn validate(&self, act: &Act) -> Result<(), Text> {
        let n = self.setup.n;
        if let Some(bad) = act.nodes().into_iter().find(|&x| x >= n) {
            return Err(phrase!("err.no_node", bad, n - 1));
        }
        match act {
            Act::Crash(node) if !self.world.up[*node] => Err(phrase!("err.already_down", *node)),
            Act::Recover(node) if self.world.up[*node] => Err(phrase!("err.not_down", *node)),
            Act::Input(node, name, arg) => {
                if !self.world.up[*node] {
                    return Err(phrase!("err.input_down", *node));
                }
                let info = P::info();
                let Some(spec) = info.inputs.iter().find(|i| i.id == name) else {
                    let names: Vec<&str> = info.inputs.iter().map(|i| i.id).collect();
                    return Err(phrase!("err.no_input", name.clone(), if names.is_empty() { "-".into() } else { names.join(", ") }));
                };
                spec.check(arg.as_deref(), n)
            }
            Act::Drop(id) | Act::Delay(id, _) | Act::Duplicate(id) => self.live_flight(*id).map(|_| ()),
            Act::Cut(a, b) | Act::Link(a, b, ..) if a == b => Err(phrase!("err.self_link", *a)),
            Act::Partition(groups) => {
                let mut seen = vec![false; n];
                for &m in groups.iter().flatten() {
                    if std::mem::replace(&mut seen[m], true) {
                        return Err(phrase!("err.two_groups", m));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Apply an intervention at `at` (a moment between this step and the next). A refused
    /// intervention changes nothing, not even the clock.
    pub fn apply_at(&mut self, act: &Act, at: Option<Time>) -> Result<(), Text> {
        self.validate(act)?;
        if let Some(t) = at {
            self.advance_to(t);
        }
        self.apply(act)
    }

    /// Apply an intervention now. Errors name what cannot be done (e.g. the message has
    /// already arrived); the run is unchanged then.
    pub fn apply(&mut self, act: &Act) -> Result<(), Text> {
        self.validate(act)?;
        let n = self.setup.n;
        match act {
            Act::Crash(node) => {
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
                self.world.up[me] = true;
                let kind = if std::mem::replace(&mut self.world.absent[me], false) { EventKind::Join } else { EventKind::Recover };
                let event = self.local_event(me, kind, None);
                self.handle(me, event, |p, s, ctx| *s = p.on_recover(me, s, ctx));
            }
            Act::Input(node, name, arg) => {
                let me = *node;
                let spec = *P::info().inputs.iter().find(|i| i.id == name).expect("validated");
                let offered = self.proto.inputs_for(me, &self.world.states[me]).iter().any(|i| i.id == spec.id);
                let input = Input { id: spec.id, arg: arg.clone() };
                let kind = EventKind::Input { input: spec.id, arg: arg.as_deref().map(Box::from), workload: false };
                let event = self.handle_spontaneous(me, kind, |p, s, ctx| p.on_input(me, s, &input, ctx));
                if let Some(event) = event.filter(|_| !offered) {
                    self.trace.push_note(event, phrase!("note.input_ignored", me, Text::Id("input", spec.id)));
                }
            }
            Act::Drop(id) => {
                let key = self.live_flight(*id)?.key;
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
                let kind = self.trace.message(*id).kind;
                let what = phrase!("net.held", kind_text(kind), from, to, *extra);
                self.push_event(None, EventKind::Tamper { msg: *id, what: Box::new(what) }, None);
            }
            Act::Duplicate(id) => {
                let flight = self.live_flight(*id)?.clone();
                self.world.counters.duplicated += 1;
                let copy = self.launch(flight.from, flight.to, flight.payload, flight.send_event, Some(*id));
                let kind = self.trace.message(*id).kind;
                let what = phrase!("net.duplicated", kind_text(kind), flight.from, flight.to, copy);
                self.push_event(None, EventKind::Tamper { msg: *id, what: Box::new(what) }, None);
            }
            Act::Cut(a, b) => {
                self.world.network.links.entry(link_key(*a, *b)).or_default().cut = true;
                self.network_event(phrase!("net.cut", *a, *b));
                self.kill_disconnected();
            }
            Act::Restore(a, b) => {
                self.world.network.links.remove(&link_key(*a, *b));
                self.network_event(phrase!("net.restored", *a, *b));
            }
            Act::Link(a, b, range, drop) => {
                let rule = self.world.network.links.entry(link_key(*a, *b)).or_default();
                rule.delay = Some(*range);
                rule.drop = Some(*drop);
                self.network_event(phrase!("net.link_rule", *a, *b, format!("{}-{}", range.0, range.1), crate::sim::network::format_percent(*drop)));
            }
            Act::Partition(groups) => {
                let mut group_of = vec![u32::MAX; n];
                for (g, members) in groups.iter().enumerate() {
                    for &m in members {
                        group_of[m] = g as u32;
                    }
                }
                // Nodes not named form one more group of their own.
                for g in group_of.iter_mut().filter(|g| **g == u32::MAX) {
                    *g = groups.len() as u32;
                }
                self.world.network.groups = Some(group_of);
                self.network_event(phrase!("net.partition", act.encode().trim_start_matches("partition:").to_string()));
                self.kill_disconnected();
            }
            Act::Heal => {
                self.world.network.groups = None;
                for rule in self.world.network.links.values_mut() {
                    rule.cut = false;
                }
                self.network_event(Text::key("net.healed"));
            }
            Act::Network(config) => {
                self.world.network.config = config.clone();
                self.network_event(phrase!("net.settings", act.encode().trim_start_matches("net:").to_string()));
            }
        }
        self.settle();
        Ok(())
    }

    fn network_event(&mut self, what: Text) {
        self.push_event(None, EventKind::Network { what: Box::new(what) }, None);
    }

    fn live_flight(&self, id: MsgId) -> Result<&Flight<P::Msg>, Text> {
        match self.world.flights.get(&id) {
            Some(f) if f.lost.is_none() => Ok(f),
            Some(_) => Err(phrase!("err.being_lost", id)),
            None if id < self.trace.messages().len() => Err(phrase!("err.arrived", id)),
            None => Err(phrase!("err.no_message", id)),
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
        }
    }

    /// After a step or an intervention: feed the new events to the statistics and the
    /// monitors, check the invariants, and record a violation for each property that has
    /// just gone from holding to broken. Costs the new events plus one pass over the
    /// present state, never the length of the log.
    fn settle(&mut self) {
        let Some(last) = self.trace.events().len().checked_sub(1) else { return };
        let from = self.world.observed.min(self.trace.events().len());
        for e in &self.trace.events()[from..] {
            self.proto.observe(&mut self.world.stats, e, &self.trace);
        }
        if from < self.trace.events().len() {
            self.proto.step_observed(&mut self.world.stats);
        }
        let mut verdicts: Vec<Option<Breach>> = Vec::with_capacity(self.world.verdicts.len());
        let mut monitors = std::mem::take(&mut self.world.monitors);
        {
            let snapshot = self.snapshot();
            for inv in &self.invariants {
                verdicts.push((inv.check)(&self.proto, &snapshot).err());
            }
            let why = || self.proto.why_stalled(&snapshot);
            let moment = Moment { now: self.world.now, quiescent: snapshot.quiescent, up: &self.world.up, why_stalled: &why };
            for m in &mut monitors {
                verdicts.push(m.check(&self.trace.events()[from..], &self.trace, &moment).err());
            }
        }
        self.world.monitors = monitors;
        // Verdicts come invariants first, then monitors; an id is looked up only for a
        // breach that has just begun (rare), never on every step.
        let id_of = |i: usize| self.invariants.get(i).map(|inv| inv.id).unwrap_or_else(|| self.world.monitors[i - self.invariants.len()].id());
        let mut begun = Vec::new();
        for (i, verdict) in verdicts.iter().enumerate() {
            if let (Some(breach), None) = (verdict, &self.world.verdicts[i]) {
                begun.push((id_of(i), breach.clone()));
            }
        }
        for (invariant, breach) in begun {
            self.trace.push_violation(Violation { invariant, event: last, step: self.world.step, time: self.world.now, nodes: breach.nodes, detail: breach.detail });
        }
        self.world.verdicts = verdicts;
        self.world.observed = self.trace.events().len();
    }

    /// Every invariant's and monitor's id with its verdict after the last step.
    pub fn verdicts(&self) -> impl Iterator<Item = (&'static str, Option<&Breach>)> + '_ {
        let ids = self.invariants.iter().map(|i| i.id).chain(self.world.monitors.iter().map(|m| m.id()));
        ids.zip(self.world.verdicts.iter().map(|v| v.as_ref()))
    }

    /// Ids of the properties broken right now.
    pub fn broken(&self) -> Vec<&'static str> {
        self.verdicts().filter(|(_, v)| v.is_some()).map(|(id, _)| id).collect()
    }

    pub fn run_view(&self) -> RunView<'_, P> {
        RunView {
            setup: &self.setup,
            states: &self.world.states,
            up: &self.world.up,
            in_flight: self.world.flights.values().filter(|f| f.lost.is_none()).map(|f| (f.from, f.to, &f.payload)).collect(),
            trace: &self.trace,
            counters: &self.world.counters,
            stats: &self.world.stats,
            now: self.world.now,
            quiescent: self.quiescent(),
        }
    }

    /// Messages in flight (including ones doomed to be lost), in id order:
    /// (id, from, to, sent_at, due, arrive, lost).
    pub fn flights(&self) -> impl Iterator<Item = (MsgId, NodeId, NodeId, Time, Time, Time, Option<LossReason>)> + '_ {
        self.world.flights.iter().map(|(id, f)| (*id, f.from, f.to, f.sent_at, f.due, f.arrive, f.lost))
    }

    /// Armed timers: (node, set_at, due, timer), in due order.
    pub fn armed_timers(&self) -> Vec<(NodeId, Time, Time, &P::Timer)> {
        let mut v: Vec<_> = self.world.timers.values().map(|t| (t.key, t.node, t.set_at, t.due, &t.timer)).collect();
        v.sort_by_key(|x| x.0);
        v.into_iter().map(|(_, n, s, d, t)| (n, s, d, t)).collect()
    }

    /// A clone of the world plus the log's length: enough to come back here.
    pub fn checkpoint(&self) -> World<P> {
        let mut w = self.world.clone();
        w.trace_mark = self.trace.mark();
        w
    }

    /// Go back (or forward, along the known run) to a checkpoint: the world is restored
    /// and the log's cursor moved; nothing in the log is copied.
    pub fn restore(&mut self, world: &World<P>) {
        self.world = World::clone(world);
        self.trace.seek(world.trace_mark);
    }

    /// Forget the known run beyond the cursor: the next intervention starts a new future.
    pub fn fork(&mut self) {
        self.trace.cut();
    }
}

/// The words of a message kind.
pub fn kind_text(kind: &'static str) -> Text {
    Text::Id("msg", kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testkit::{ping_pong, PingPong};
    use crate::words::Words;

    const NO_WORDS: Words = &[];

    fn engine(seed: u64, config: NetworkConfig) -> Engine<PingPong> {
        ping_pong(3, seed, config)
    }

    #[test]
    fn clocks_follow_lamports_rules() {
        let mut e = engine(1, NetworkConfig::default());
        while e.step() {}
        assert_eq!(e.world.counters.sent, 4);
        assert_eq!(e.world.counters.delivered, 4);
        for ev in e.trace.events() {
            if let (EventKind::Receive { msg }, Some(cause)) = (&ev.kind, ev.cause) {
                let send = e.trace.event(cause);
                assert!(ev.lamport > send.lamport, "receive after send");
                assert!(crate::sim::trace::happened_before(&e.trace, cause, ev.id));
                assert_eq!(e.trace.end_of(*msg), Some(ev.id));
            }
        }
        // The timer fires last, after both pongs.
        assert!(matches!(e.trace.events().last().unwrap().kind, EventKind::Timer { .. }));
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
        for ev in e.trace.events() {
            if let (EventKind::Receive { .. }, Some(cause)) = (&ev.kind, ev.cause) {
                assert!(e.trace.event(cause).lamport < ev.lamport);
            }
        }
        assert_eq!(e.world.counters.delivered, 4);
        assert!(!e.step_choice(Choice { due: 0, seq: 0, lose: false }), "a choice that is not pending is refused");
    }

    /// After both pings: the two pongs in flight, in queue order (the timer is due last).
    fn both_pings_delivered() -> (Engine<PingPong>, Choice, Choice) {
        let mut e = engine(5, NetworkConfig::default());
        let pings = e.choices();
        assert_eq!(pings.len(), 3, "two pings and the timer");
        assert!(e.step_choice(pings[0]) && e.step_choice(pings[1]));
        let pongs = e.choices();
        assert_eq!(pongs.len(), 3, "two pongs and the timer");
        assert!(pongs[2].due == 1000 && pongs[1].due < 1000);
        (e, pongs[0], pongs[1])
    }

    #[test]
    fn interleavings_that_reach_the_same_state_share_a_fingerprint() {
        let (mut a, first, second) = both_pings_delivered();
        let mut b = a.duplicate().unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert!(a.step_choice(first) && a.step_choice(second));
        assert!(b.step_choice(second) && b.step_choice(first));
        assert_ne!(a.trace.hash(), b.trace.hash(), "the logs tell the two orders apart");
        assert_eq!(a.fingerprint(), b.fingerprint());
        // The pings, too, in either order: message ids, sequence numbers and send order differ.
        let mut c = engine(5, NetworkConfig { delay_min: 50, delay_max: 50, ..Default::default() });
        let mut d = c.duplicate().unwrap();
        let (p, q) = (c.choices()[0], c.choices()[1]);
        assert!(c.step_choice(p) && c.step_choice(q));
        assert!(d.step_choice(q) && d.step_choice(p));
        assert_eq!(c.fingerprint(), d.fingerprint());
        while let Some(&next) = c.choices().first() {
            c.step_choice(next);
        }
        while let Some(&last) = d.choices().get(1).or(d.choices().first()) {
            d.step_choice(last);
        }
        assert_eq!(c.fingerprint(), d.fingerprint());
    }

    #[test]
    fn different_states_fingerprint_differently() {
        let (e, first, second) = both_pings_delivered();
        let mut prints = vec![e.fingerprint()];
        let after = |c: &[Choice]| {
            let mut x = e.duplicate().unwrap();
            for &c in c {
                assert!(x.step_choice(c));
            }
            x
        };
        // One pong in: from node 1 or node 2 (the same count at node 0, a different pong left).
        prints.push(after(&[first]).fingerprint());
        prints.push(after(&[second]).fingerprint());
        prints.push(after(&[first, second]).fingerprint());
        // A pong lost rather than delivered; a node down; a message doomed to be lost.
        prints.push(after(&[Choice { lose: true, ..first }]).fingerprint());
        let mut crashed = e.duplicate().unwrap();
        crashed.apply(&Act::Crash(1)).unwrap();
        prints.push(crashed.fingerprint());
        let mut doomed = e.duplicate().unwrap();
        doomed.world.flights.values_mut().next().unwrap().lost = Some(LossReason::Random);
        prints.push(doomed.fingerprint());
        // The same state later on the clock is not the same: the timer is nearer.
        let mut later = e.duplicate().unwrap();
        later.advance_to(later.next_due().unwrap());
        prints.push(later.fingerprint());
        let distinct: std::collections::BTreeSet<u64> = prints.iter().copied().collect();
        assert_eq!(distinct.len(), prints.len(), "{prints:x?}");
    }

    #[test]
    fn the_network_can_be_chosen_to_lose_any_live_message() {
        let mut e = engine(3, NetworkConfig::default());
        assert_eq!(e.choices().len(), 3);
        let all = e.choices_with_loss();
        assert_eq!(all.len(), 5, "two pings, the timer, and losing either ping: {all:?}");
        let lose_first = all[3];
        assert!(lose_first.lose && lose_first.due == e.choices()[0].due);
        assert!(!e.step_choice(Choice { lose: true, ..all[2] }), "a timer cannot be lost");
        assert!(e.step_choice(lose_first));
        assert_eq!((e.world.step, e.world.now, e.world.counters.dropped), (1, 0, 1));
        assert!(matches!(e.trace.events().last().unwrap().kind, EventKind::Lost { msg: 0, reason: LossReason::Random, .. }));
        assert_eq!(e.trace.end_of(0), Some(e.trace.events().len() - 1));
        assert!(!e.step_choice(lose_first), "gone already");
        assert_eq!(e.choices_with_loss().len(), 3);
        while e.step() {}
        assert_eq!(e.world.counters.delivered, 2, "the other ping and its pong");
        // A message already doomed by the network is not offered again as a loss.
        let doomed = engine(3, NetworkConfig { drop: 1_000_000, ..Default::default() });
        assert_eq!(doomed.choices_with_loss().len(), doomed.choices().len());
    }

    /// Every path of the execution tree up to `depth` choices, counted without merging
    /// states: what a search that did not fingerprint would walk.
    fn paths(e: &Engine<PingPong>, depth: usize, with_loss: bool) -> usize {
        let choices = if with_loss { e.choices_with_loss() } else { e.choices() };
        if depth == 0 || choices.is_empty() {
            return 1;
        }
        1 + choices
            .into_iter()
            .map(|c| {
                let mut next = e.duplicate().unwrap();
                assert!(next.step_choice(c));
                paths(&next, depth - 1, with_loss)
            })
            .sum::<usize>()
    }

    #[test]
    fn search_merges_interleavings_and_branches_on_loss() {
        let start = engine(5, NetworkConfig::default());
        let plain = crate::sim::search::explore(&start, 20, 100_000, false);
        // Two pings, two pongs and a timer: every run is over within 5 steps.
        assert_eq!(plain.max_depth_reached, 5, "{plain:?}");
        let tree = paths(&start, 20, false);
        assert!(plain.states < tree, "{} states, {tree} prefixes of paths", plain.states);
        assert!(plain.transitions < tree);
        assert!(plain.violations.is_empty());
        let lossy = crate::sim::search::explore(&start, 20, 100_000, true);
        assert!(lossy.states > plain.states, "{} with loss, {} without", lossy.states, plain.states);
        assert!(lossy.states < paths(&start, 20, true));
        assert!(lossy.violations.is_empty(), "losing pongs never makes too many");
        // The same search twice gives the same answer.
        assert_eq!(crate::sim::search::explore(&start, 20, 100_000, true), lossy);
    }

    #[test]
    fn checkpoint_restore_replays_identically() {
        let mut a = engine(7, NetworkConfig { delay_min: 1, delay_max: 100, duplicate: 300_000, ..Default::default() });
        a.step();
        let cp = a.checkpoint();
        while a.step() {}
        let full = a.trace.hash();
        let known = a.trace.known_events().len();
        a.restore(&cp);
        assert!(a.trace.events().len() < known, "the cursor moved back");
        assert_eq!(a.trace.known_events().len(), known, "and nothing was cut");
        while a.step() {}
        assert_eq!(a.trace.hash(), full);
    }

    #[test]
    fn dropping_and_duplicating_are_counted_and_checked() {
        let mut e = engine(3, NetworkConfig::default());
        // Messages 0 and 1 are the pings.
        e.apply(&Act::Duplicate(0)).unwrap();
        e.apply(&Act::Drop(1)).unwrap();
        assert!(e.apply(&Act::Drop(1)).unwrap_err().en(NO_WORDS).contains("no longer in flight"));
        assert!(e.apply(&Act::Crash(9)).unwrap_err().en(NO_WORDS).contains("nodes are 0 to 2"));
        while e.step() {}
        assert_eq!((e.world.counters.dropped, e.world.counters.duplicated), (1, 1));
        // Node 1 answered twice, so node 0 saw 2 pongs: still within the invariant.
        assert!(e.trace.violations().is_empty());
    }

    #[test]
    fn a_refused_intervention_leaves_the_clock_alone() {
        let mut e = engine(3, NetworkConfig::default());
        let before = e.world.now;
        assert!(e.apply_at(&Act::Drop(99), Some(before + 30)).is_err());
        assert_eq!(e.world.now, before, "the clock did not move");
        assert!(e.apply_at(&Act::Crash(2), Some(before + 30)).is_ok());
        assert_eq!(e.world.now, before + 30);
    }

    #[test]
    fn partitions_kill_crossing_messages_and_crashes_discard() {
        let mut e = engine(3, NetworkConfig::default());
        e.apply(&Act::Partition(vec![vec![0], vec![1, 2]])).unwrap();
        assert_eq!(e.world.counters.dropped, 2);
        let mut e = engine(3, NetworkConfig::default());
        e.apply(&Act::Crash(2)).unwrap();
        while e.step() {}
        assert!(e.trace.events().iter().any(|ev| matches!(ev.kind, EventKind::Discard { .. }) && ev.node == Some(2)));
    }
}
