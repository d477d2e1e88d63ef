//! The protocol-agnostic face of a run. The UI, the history and the command-line runner
//! hold a `Box<dyn Simulation>` and never name a protocol's types; the registry makes
//! one from a protocol id.

use std::any::Any;
use std::rc::Rc;

use super::act::{Act, AnchoredAct};
use super::engine::{Counters, Engine, World};
use super::network::{LossReason, Network, NetworkConfig};
use super::protocol::{InputSpec, Metric, Protocol, ProtocolInfo, Setup};
use super::trace::Trace;
use super::view::{Chart, Group, NodeView, Overlay, Placement};
use super::{MsgId, NodeId, Time};
use crate::words::Text;

/// A message in flight as the picture needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct FlightView {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Time,
    /// Arrival, or death if `lost`.
    pub due: Time,
    /// Arrival if nothing stops it; the arrow moves at this pace.
    pub arrive: Time,
    pub lost: Option<LossReason>,
    pub kind: &'static str,
    pub text: String,
    pub token: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerView {
    pub node: NodeId,
    pub set_at: Time,
    pub due: Time,
    /// `timer.ID` in the words.
    pub timer: &'static str,
    /// Drawn as a countdown ring, around `about`.
    pub countdown: bool,
    /// The node the timer watches: its owner, or the peer a failure detector's timeout
    /// is about ([`Protocol::watches`]).
    pub about: NodeId,
}

/// An invariant's or monitor's verdict after the last step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantStatus {
    /// `inv.ID` and `inv.ID.about` in the words.
    pub id: &'static str,
    /// None while it holds; what is wrong otherwise.
    pub breach: Option<Text>,
    pub nodes: Vec<NodeId>,
    /// The protocol promises it (else it is watched to show it breaking).
    pub promised: bool,
}

/// An opaque saved world; only the simulation that made it can restore it.
pub struct Checkpoint(Box<dyn Any>);

pub trait Simulation {
    fn info(&self) -> ProtocolInfo;
    fn setup(&self) -> &Setup;
    /// One step; false when nothing is left to happen.
    fn step(&mut self) -> bool;
    /// One step if something is due at or before `limit`.
    fn step_before(&mut self, limit: Time) -> bool;
    fn steps(&self) -> u64;
    fn now(&self) -> Time;
    fn next_due(&self) -> Option<Time>;
    fn quiescent(&self) -> bool;
    fn advance_to(&mut self, time: Time);
    /// Why the intervention would be refused now, if it would.
    fn validate(&self, act: &Act) -> Result<(), Text>;
    /// Apply an intervention at `at` (between this step and the next). A refused one
    /// changes nothing, not even the clock.
    fn apply_at(&mut self, act: &Act, at: Option<Time>) -> Result<(), Text>;
    fn trace(&self) -> &Trace;
    fn counters(&self) -> &Counters;
    fn network(&self) -> &Network;
    fn up(&self) -> &[bool];
    /// Nodes that have not joined yet.
    fn absent(&self) -> &[bool];
    fn node_views(&self) -> Vec<NodeView>;
    fn inputs_for(&self, node: NodeId) -> Vec<InputSpec>;
    fn flights(&self) -> Vec<FlightView>;
    fn timers(&self) -> Vec<TimerView>;
    /// Verdicts kept from the last step (nothing is recomputed).
    fn invariants(&self) -> Vec<InvariantStatus>;
    fn metrics(&self) -> Vec<Metric>;
    fn charts(&self) -> Vec<Chart>;
    fn overlays(&self, selected: Option<NodeId>) -> Vec<Overlay>;
    fn groups(&self) -> &[Group];
    /// The nodes that crash and recover with `node` (itself included, in id order).
    fn fate_group(&self, node: NodeId) -> Vec<NodeId>;
    /// The layer a message kind belongs to, when the protocol runs over another.
    fn message_layer(&self, kind: &'static str) -> Option<&'static str>;
    /// Where the nodes go now ([`Protocol::placement_now`]).
    fn placement(&self) -> Placement;
    fn checkpoint(&self) -> Checkpoint;
    /// Back (or forward along the known run) to a checkpoint.
    fn restore(&mut self, checkpoint: &Checkpoint);
    /// Forget the known run beyond the cursor.
    fn fork(&mut self);
}

impl<P: Protocol> Simulation for Engine<P> {
    fn info(&self) -> ProtocolInfo {
        self.proto.describe()
    }
    fn setup(&self) -> &Setup {
        &self.setup
    }
    fn step(&mut self) -> bool {
        Engine::step(self)
    }
    fn step_before(&mut self, limit: Time) -> bool {
        Engine::step_before(self, limit)
    }
    fn steps(&self) -> u64 {
        self.world.step
    }
    fn now(&self) -> Time {
        self.world.now
    }
    fn next_due(&self) -> Option<Time> {
        Engine::next_due(self)
    }
    fn quiescent(&self) -> bool {
        Engine::quiescent(self)
    }
    fn advance_to(&mut self, time: Time) {
        Engine::advance_to(self, time)
    }
    fn validate(&self, act: &Act) -> Result<(), Text> {
        Engine::validate(self, act)
    }
    fn apply_at(&mut self, act: &Act, at: Option<Time>) -> Result<(), Text> {
        Engine::apply_at(self, act, at)
    }
    fn trace(&self) -> &Trace {
        &self.trace
    }
    fn counters(&self) -> &Counters {
        &self.world.counters
    }
    fn network(&self) -> &Network {
        &self.world.network
    }
    fn up(&self) -> &[bool] {
        &self.world.up
    }
    fn absent(&self) -> &[bool] {
        &self.world.absent
    }
    fn node_views(&self) -> Vec<NodeView> {
        self.proto.views(&self.world.states, self.world.now)
    }
    fn inputs_for(&self, node: NodeId) -> Vec<InputSpec> {
        self.world.states.get(node).map(|s| self.proto.inputs_for(node, s)).unwrap_or_default()
    }
    fn flights(&self) -> Vec<FlightView> {
        Engine::flights(self)
            .map(|(id, from, to, sent_at, due, arrive, lost)| {
                let m = self.trace.message(id);
                FlightView { id, from, to, sent_at, due, arrive, lost, kind: m.kind, text: m.text.to_string(), token: m.token }
            })
            .collect()
    }
    fn timers(&self) -> Vec<TimerView> {
        self.armed_timers()
            .into_iter()
            .map(|(node, set_at, due, t)| TimerView { node, set_at, due, timer: self.proto.timer_name(t), countdown: self.proto.countdown(t), about: self.proto.watches(t).unwrap_or(node) })
            .collect()
    }
    fn invariants(&self) -> Vec<InvariantStatus> {
        self.verdicts()
            .map(|(id, v)| InvariantStatus { id, breach: v.map(|b| b.detail.clone()), nodes: v.map(|b| b.nodes.clone()).unwrap_or_default(), promised: self.proto.promises(id) })
            .collect()
    }
    fn metrics(&self) -> Vec<Metric> {
        self.proto.metrics(&self.world.stats, &self.run_view())
    }
    fn charts(&self) -> Vec<Chart> {
        self.proto.charts(&self.world.stats, &self.run_view())
    }
    fn overlays(&self, selected: Option<NodeId>) -> Vec<Overlay> {
        self.proto.overlays(&self.run_view(), selected)
    }
    fn groups(&self) -> &[Group] {
        Engine::groups(self)
    }
    fn fate_group(&self, node: NodeId) -> Vec<NodeId> {
        Engine::fate_group(self, node)
    }
    fn message_layer(&self, kind: &'static str) -> Option<&'static str> {
        self.proto.layer(kind)
    }
    fn placement(&self) -> Placement {
        self.proto.placement_now(&self.run_view())
    }
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint(Box::new(Engine::checkpoint(self)))
    }
    fn restore(&mut self, checkpoint: &Checkpoint) {
        let world = checkpoint.0.downcast_ref::<World<P>>().expect("checkpoint made by this simulation");
        Engine::restore(self, world)
    }
    fn fork(&mut self) {
        Engine::fork(self)
    }
}

/// Starts a run of one protocol: settings, network, seed, milestone-anchored interventions.
pub type Starter = fn(Setup, NetworkConfig, u64, Vec<AnchoredAct>) -> Result<Box<dyn Simulation>, String>;

/// How an entry made at runtime starts a run (it may hold the description it was made from).
pub type RuntimeStarter = dyn Fn(Setup, NetworkConfig, u64, Vec<AnchoredAct>) -> Result<Box<dyn Simulation>, String>;

/// One line of the list the page and the command line read: how to describe and start a
/// protocol without naming its types. Compiled protocols are `const` lines
/// ([`entry`]); a protocol described at runtime is an entry like any other
/// ([`ProtocolEntry::runtime`]), so scenarios, links and reports find it the same way.
#[derive(Clone)]
pub struct ProtocolEntry {
    describe: Describe,
    start: Start,
}

#[derive(Clone)]
enum Describe {
    Compiled(fn() -> ProtocolInfo),
    Runtime(Rc<ProtocolInfo>),
}

#[derive(Clone)]
enum Start {
    Compiled(Starter),
    Runtime(Rc<RuntimeStarter>),
}

impl ProtocolEntry {
    /// An entry for a description made at runtime and the function that starts its runs.
    pub fn runtime(info: ProtocolInfo, start: impl Fn(Setup, NetworkConfig, u64, Vec<AnchoredAct>) -> Result<Box<dyn Simulation>, String> + 'static) -> ProtocolEntry {
        ProtocolEntry { describe: Describe::Runtime(Rc::new(info)), start: Start::Runtime(Rc::new(start)) }
    }

    pub fn info(&self) -> ProtocolInfo {
        match &self.describe {
            Describe::Compiled(info) => info(),
            Describe::Runtime(info) => ProtocolInfo::clone(info),
        }
    }

    pub fn start(&self, setup: Setup, network: NetworkConfig, seed: u64, anchored: Vec<AnchoredAct>) -> Result<Box<dyn Simulation>, String> {
        match &self.start {
            Start::Compiled(start) => start(setup, network, seed, anchored),
            Start::Runtime(start) => start(setup, network, seed, anchored),
        }
    }
}

pub const fn entry<P: Protocol>() -> ProtocolEntry {
    ProtocolEntry { describe: Describe::Compiled(P::info), start: Start::Compiled(start::<P>) }
}

fn start<P: Protocol>(setup: Setup, network: NetworkConfig, seed: u64, anchored: Vec<AnchoredAct>) -> Result<Box<dyn Simulation>, String> {
    let proto = P::build(&setup)?;
    Ok(Box::new(Engine::with_anchors(proto, setup, network, seed, anchored)))
}
