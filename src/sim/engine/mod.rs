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
//!
//! The engine's work is split by job, each an `impl Engine` of its own: [`step`] runs
//! happenings and applies handlers' effects, [`interventions`] checks and applies acts
//! from outside, [`explore`] offers and runs alternative next steps for a search. This
//! file holds the run's state, its start, the checks after each change, and what reads it.

use std::collections::BTreeMap;

use super::act::AnchoredAct;
use super::breach::Breach;
use super::monitor::{Moment, Monitor};
use super::network::{LossReason, Network, NetworkConfig};
use super::protocol::{Ctx, Effects, Invariant, Protocol, Setup, Snapshot};
use super::rng::{SimRng, Stream};
use super::trace::{EventKind, Trace, TraceMark, Violation};
use super::view::Group;
use super::{EventId, MsgId, NodeId, Time, VECTOR_CLOCK_LIMIT};
use crate::words::Text;

mod explore;
mod interventions;
mod step;

pub use explore::Choice;

// Where protocols and the page have always found them.
pub use super::counters::Counters;
pub use super::protocol::RunView;

/// Something the queue will make happen at its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Deliver(MsgId),
    Lose(MsgId),
    Fire(TimerId),
    /// The shared workload asks this node for its input.
    Workload(NodeId),
}

/// A timer's node and its number (numbers count up over the whole run).
type TimerId = (NodeId, u64);

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

/// A checkpoint a node took ([`Ctx::checkpoint`]): its state, and the last event it covers.
#[derive(Clone, Debug)]
struct Saved<S> {
    kept: EventId,
    state: S,
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
    /// By node first, so a node's timers are found without looking at anyone else's.
    timers: BTreeMap<TimerId, ArmedTimer<P::Timer>>,
    pub network: Network,
    /// Separate streams, so a change to one kind of randomness leaves the others alone.
    net_rng: SimRng,
    delay_rng: SimRng,
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
    /// Checkpoints protocols took, by (node, the protocol's key). Empty unless a
    /// protocol checkpoints; it is cloned with the world, so keep them few.
    saved: BTreeMap<(NodeId, u64), Saved<P::State>>,
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
            delay_rng: self.delay_rng.clone(),
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
            saved: self.saved.clone(),
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
    /// Nodes that fail together ([`Protocol::fate_groups`]), and each node's group
    /// (empty when the protocol declares none).
    fate: Vec<Vec<NodeId>>,
    fate_of: Vec<Option<u32>>,
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
        let info = proto.describe();
        let workload = info.workload.and_then(|w| {
            let every = setup.params.0.get(w.every_param).and_then(|v| if let super::params::ParamValue::Int(i) = v { Some(*i) } else { None }).unwrap_or(0);
            (every > 0).then_some(Workload { input: w.input, every: every as Time })
        });
        let mut network = Network::new(network);
        network.shape = setup.delays;
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
            network,
            net_rng: SimRng::stream(seed, Stream::Network),
            delay_rng: SimRng::stream(seed, Stream::Delays),
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
            saved: BTreeMap::new(),
            trace_mark: TraceMark::default(),
        };
        let groups = proto.groups();
        let (fate, fate_of) = fate_table(proto.fate_groups(), n);
        let mut engine = Engine { proto, setup, world, trace: Trace::new(if vectors { n } else { 0 }), invariants, groups, workload, fate, fate_of };
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

    /// The nodes that fail together with `node`, itself included, in id order; just
    /// `[node]` when it shares no machine.
    pub fn fate_group(&self, node: NodeId) -> Vec<NodeId> {
        match self.fate_of.get(node).copied().flatten() {
            Some(g) => self.fate[g as usize].clone(),
            None => vec![node],
        }
    }

    /// An independent copy of this run, to explore from without touching it. The world
    /// and the log are cloned; the protocol, which need not be `Clone`, is built afresh
    /// from the same setup. That is sound because a protocol is immutable configuration
    /// made only from its [`Setup`] (handlers take `&self`), which is what lets a scenario
    /// be replayed at all.
    pub fn duplicate(&self) -> Result<Engine<P>, String> {
        let proto = P::build(&self.setup)?;
        let invariants = proto.invariants();
        let (fate, fate_of) = (self.fate.clone(), self.fate_of.clone());
        Ok(Engine { proto, setup: self.setup.clone(), world: self.world.clone(), trace: self.trace.clone(), invariants, groups: self.groups.clone(), workload: self.workload, fate, fate_of })
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
        if self.world.verdicts.is_empty() {
            // Nothing to check: skip the snapshot, which lists every message in flight.
            self.world.observed = self.trace.events().len();
            return;
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

/// The declared fate-sharing groups, each sorted, and the group of each node. A node named
/// twice is a protocol bug: it would make two machines one.
fn fate_table(groups: Vec<Vec<NodeId>>, n: usize) -> (Vec<Vec<NodeId>>, Vec<Option<u32>>) {
    if groups.is_empty() {
        return (groups, Vec::new());
    }
    let mut of = vec![None; n];
    let mut fate = Vec::with_capacity(groups.len());
    for (g, mut members) in groups.into_iter().enumerate() {
        members.sort_unstable();
        for &m in &members {
            assert!(m < n && of[m].replace(g as u32).is_none(), "protocol bug: node {m} is in two fate groups, or out of range");
        }
        fate.push(members);
    }
    (fate, of)
}

/// The words of a message kind.
pub fn kind_text(kind: &'static str) -> Text {
    Text::Id("msg", kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testkit::{ping_pong, PingPong};

    pub(super) fn engine(seed: u64, config: NetworkConfig) -> Engine<PingPong> {
        ping_pong(3, seed, config)
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
}
