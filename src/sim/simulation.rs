//! The protocol-agnostic face of a run. The UI, the history and the command-line runner
//! hold a `Box<dyn Simulation>` and never name a protocol's types; the registry makes
//! one from a protocol id.

use std::any::Any;

use super::act::Act;
use super::engine::{Counters, Engine, World};
use super::network::{LossReason, Network, NetworkConfig};
use super::protocol::{InputSpec, Metric, NodeView, Protocol, ProtocolInfo, Setup};
use super::trace::Trace;
use super::{MsgId, NodeId, Time};

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
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantStatus {
    pub name: &'static str,
    pub description: &'static str,
    /// None while it holds; what is wrong otherwise.
    pub breach: Option<String>,
    pub nodes: Vec<NodeId>,
}

/// An opaque saved world; only the simulation that made it can restore it.
pub struct Checkpoint(Box<dyn Any>);

pub trait Simulation {
    fn info(&self) -> ProtocolInfo;
    fn setup(&self) -> &Setup;
    /// One step; false when nothing is left to happen.
    fn step(&mut self) -> bool;
    fn steps(&self) -> u64;
    fn now(&self) -> Time;
    fn next_due(&self) -> Option<Time>;
    fn quiescent(&self) -> bool;
    fn advance_to(&mut self, time: Time);
    fn apply(&mut self, act: &Act) -> Result<(), String>;
    fn trace(&self) -> &Trace;
    fn counters(&self) -> &Counters;
    fn network(&self) -> &Network;
    fn up(&self) -> &[bool];
    fn node_views(&self) -> Vec<NodeView>;
    fn inputs_for(&self, node: NodeId) -> Vec<InputSpec>;
    fn flights(&self) -> Vec<FlightView>;
    fn timers(&self) -> Vec<TimerView>;
    fn invariants(&self) -> Vec<InvariantStatus>;
    fn metrics(&self) -> Vec<Metric>;
    fn checkpoint(&self) -> Checkpoint;
    /// Back to a checkpoint; `known` is the longer log when jumping forward to one.
    fn restore(&mut self, checkpoint: &Checkpoint, known: Option<&Trace>);
}

impl<P: Protocol> Simulation for Engine<P> {
    fn info(&self) -> ProtocolInfo {
        P::info()
    }
    fn setup(&self) -> &Setup {
        &self.setup
    }
    fn step(&mut self) -> bool {
        Engine::step(self)
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
    fn apply(&mut self, act: &Act) -> Result<(), String> {
        Engine::apply(self, act)
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
    fn node_views(&self) -> Vec<NodeView> {
        self.world.states.iter().enumerate().map(|(i, s)| self.proto.view(i, s)).collect()
    }
    fn inputs_for(&self, node: NodeId) -> Vec<InputSpec> {
        self.world.states.get(node).map(|s| self.proto.inputs_for(node, s)).unwrap_or_default()
    }
    fn flights(&self) -> Vec<FlightView> {
        Engine::flights(self)
            .map(|(id, from, to, sent_at, due, arrive, lost)| {
                let m = &self.trace.messages[id];
                FlightView { id, from, to, sent_at, due, arrive, lost, kind: m.kind, text: m.text.clone(), token: m.token }
            })
            .collect()
    }
    fn timers(&self) -> Vec<TimerView> {
        self.armed_timers().into_iter().map(|(node, set_at, due, label)| TimerView { node, set_at, due, label }).collect()
    }
    fn invariants(&self) -> Vec<InvariantStatus> {
        let snapshot = self.snapshot();
        self.proto
            .invariants()
            .into_iter()
            .map(|inv| {
                let result = (inv.check)(&self.proto, &snapshot);
                let (breach, nodes) = match result {
                    Ok(()) => (None, vec![]),
                    Err(b) => (Some(b.detail), b.nodes),
                };
                InvariantStatus { name: inv.name, description: inv.description, breach, nodes }
            })
            .collect()
    }
    fn metrics(&self) -> Vec<Metric> {
        self.proto.metrics(&self.run_view())
    }
    fn checkpoint(&self) -> Checkpoint {
        Checkpoint(Box::new(Engine::checkpoint(self)))
    }
    fn restore(&mut self, checkpoint: &Checkpoint, known: Option<&Trace>) {
        let world = checkpoint.0.downcast_ref::<World<P>>().expect("checkpoint made by this simulation");
        Engine::restore(self, world, known)
    }
}

/// Starts a run of one protocol: settings, network, seed.
pub type Starter = fn(Setup, NetworkConfig, u64) -> Result<Box<dyn Simulation>, String>;

/// One registry line: how to describe and start a protocol without naming its types.
#[derive(Clone, Copy)]
pub struct ProtocolEntry {
    pub info: fn() -> ProtocolInfo,
    pub start: Starter,
}

pub const fn entry<P: Protocol>() -> ProtocolEntry {
    ProtocolEntry { info: P::info, start: start::<P> }
}

fn start<P: Protocol>(setup: Setup, network: NetworkConfig, seed: u64) -> Result<Box<dyn Simulation>, String> {
    let proto = P::build(&setup)?;
    Ok(Box::new(Engine::new(proto, setup, network, seed)))
}
