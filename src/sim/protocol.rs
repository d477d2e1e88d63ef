//! What a protocol is: pure handlers over its own state that emit effects as data.
//!
//! The engine owns time, the network, clocks and the log; a protocol only sees one node's
//! state and a [`Ctx`] to which it hands its sends, timers and notes. That keeps every
//! protocol a sans-IO state machine the engine can step, checkpoint, replay and explore.

use std::fmt::Debug;

use super::params::{ParamSpec, Params};
use super::rng::SimRng;
use super::topology::{Graph, Topology, TopologyKind};
use super::{NodeId, Time};

/// Everything the engine needs to know about one algorithm, independent of any run.
#[derive(Clone, Debug)]
pub struct ProtocolInfo {
    /// Stable name used in URLs and on the command line.
    pub id: &'static str,
    pub name: &'static str,
    /// Catalogue family, e.g. "Mutual exclusion".
    pub family: &'static str,
    /// One paragraph shown beside the run.
    pub summary: &'static str,
    pub nodes: NodeRange,
    /// Kinds of topology the algorithm makes sense on (listing `Tree` accepts every
    /// `tree:D`); the first kind's default ([`TopologyKind::default_topology`]) is the
    /// default topology, so it should not be `Edges`.
    pub topologies: &'static [TopologyKind],
    /// Defaults for the network panel (e.g. FIFO links where the algorithm assumes them).
    pub network: super::network::NetworkConfig,
    pub params: Vec<ParamSpec>,
    /// What a user can ask of a node (e.g. "request the critical section").
    pub inputs: &'static [InputSpec],
    /// Ready-made scenarios: the headline behaviour and the classic failure.
    pub scenarios: &'static [ReadyScenario],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeRange {
    pub min: usize,
    pub max: usize,
    pub default: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputSpec {
    /// Stable name used in URLs.
    pub id: &'static str,
    /// Button text in the node menu.
    pub label: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyScenario {
    pub title: &'static str,
    /// Shown beside the run: what to watch for.
    pub explanation: &'static str,
    /// The URL fragment (without '#') that reproduces it.
    pub fragment: &'static str,
}

/// What a protocol is built from: the validated scenario settings it may depend on.
#[derive(Clone, Debug)]
pub struct Setup {
    pub n: usize,
    pub topology: Topology,
    /// The topology built for this run (edges, neighbours, tree parents, ring successors).
    pub graph: Graph,
    pub params: Params,
    /// The run's seed (what a random topology was drawn from).
    pub seed: u64,
}

impl Setup {
    /// Build the graph for `topology`; the error is [`Graph::build`]'s.
    pub fn new(n: usize, topology: Topology, params: Params, seed: u64) -> Result<Setup, String> {
        let graph = Graph::build(&topology, n, seed)?;
        Ok(Setup { n, topology, graph, params, seed })
    }
}

/// A user input delivered to one node (by click, or from a scenario URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub id: String,
}

/// Colour family of a node or role; the UI maps tones to its palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    Idle,
    Waiting,
    Active,
    Leader,
    Done,
    Alert,
}

/// Protocol-agnostic picture of one node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Role name shown in the legend and on the node ("held", "wants CS", "leader").
    pub role: &'static str,
    pub tone: Tone,
    /// Short key state printed under the node (e.g. "id 7", "waiting since 120").
    pub badge: String,
    /// The token rests here.
    pub holds_token: bool,
    /// Inspector rows: (what, value).
    pub details: Vec<(String, String)>,
}

/// How a message is drawn: its kind, its key fields, whether it is the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgLabel {
    pub kind: &'static str,
    pub text: String,
    pub token: bool,
}

/// A broken invariant, as data: who is involved and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    pub nodes: Vec<NodeId>,
    pub detail: String,
}

/// A read-only view of the whole system handed to invariant checks.
pub struct Snapshot<'a, P: Protocol> {
    pub now: Time,
    pub states: &'a [P::State],
    pub up: &'a [bool],
    /// Messages in flight that will still arrive (not dropped), with their payloads.
    pub in_flight: Vec<(NodeId, NodeId, &'a P::Msg)>,
    /// Nothing is left to happen: no message in flight and no timer armed.
    pub quiescent: bool,
    /// The log so far, for properties about history (who waited since when, what was
    /// delivered in which order) rather than about the present state.
    pub trace: &'a super::trace::Trace,
}

/// A safety or progress property checked after every event.
pub struct Invariant<P: Protocol> {
    pub name: &'static str,
    pub description: &'static str,
    pub check: fn(&P, &Snapshot<P>) -> Result<(), Breach>,
}

/// A cost counted from the run, shown beside its textbook value.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub name: &'static str,
    /// None until the run has produced something to measure.
    pub measured: Option<f64>,
    pub textbook: Textbook,
    /// The formula as taught, e.g. "3N-1".
    pub formula: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Textbook {
    Exact(f64),
    Range(f64, f64),
    /// The textbook gives only an order (e.g. O(N²)); nothing to compare numerically.
    Unbounded,
}

/// Effects a handler emits. The engine applies them after the handler returns.
pub(crate) struct Effects<P: Protocol> {
    pub sends: Vec<(NodeId, P::Msg)>,
    pub timers: Vec<(Time, P::Timer)>,
    pub cancels: Vec<P::Timer>,
    pub notes: Vec<String>,
    pub marks: Vec<&'static str>,
    /// The timer or input is not an event of its own: only its sends are.
    pub silent: bool,
}

impl<P: Protocol> Default for Effects<P> {
    fn default() -> Self {
        Effects { sends: Vec::new(), timers: Vec::new(), cancels: Vec::new(), notes: Vec::new(), marks: Vec::new(), silent: false }
    }
}

/// The handle a handler gets: the time, the node count, the run's random draws, and a
/// place to put its effects.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) me: NodeId,
    pub(crate) now: Time,
    pub(crate) n: usize,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) out: Effects<P>,
}

impl<'a, P: Protocol> Ctx<'a, P> {
    pub fn me(&self) -> NodeId {
        self.me
    }
    pub fn now(&self) -> Time {
        self.now
    }
    pub fn n(&self) -> usize {
        self.n
    }
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.out.sends.push((to, msg));
    }
    /// Send to every other node, in id order.
    pub fn broadcast(&mut self, msg: P::Msg) {
        for to in (0..self.n).filter(|&to| to != self.me) {
            self.out.sends.push((to, msg.clone()));
        }
    }
    pub fn set_timer(&mut self, after: Time, timer: P::Timer) {
        self.out.timers.push((after, timer));
    }
    /// Cancels every armed timer of this node equal to `timer`.
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.out.cancels.push(timer);
    }
    /// A line for the event log.
    pub fn note(&mut self, text: impl Into<String>) {
        self.out.notes.push(text.into());
    }
    /// In a timer or input handler that only sends: do not log the firing as an event
    /// of its own, so "decide to send, then send" is one send event on the diagram, as
    /// textbooks draw it. Ignored when nothing is sent, and in message handlers.
    pub fn silent(&mut self) {
        self.out.silent = true;
    }
    /// A named milestone (e.g. "enter_cs") that metrics and the diagram can find.
    pub fn mark(&mut self, tag: &'static str) {
        self.out.marks.push(tag);
    }
    /// Uniform in `lo..=hi`, from the run's seeded generator.
    pub fn random_between(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.between(lo, hi)
    }
    pub fn random_chance(&mut self, ppm: super::rng::Ppm) -> bool {
        self.rng.chance(ppm)
    }
}

/// One algorithm. Implement this in one file under `protocols/` and add one registry line.
pub trait Protocol: Sized + 'static {
    type State: Clone + Debug;
    type Msg: Clone + Debug;
    type Timer: Clone + Debug + PartialEq;

    fn info() -> ProtocolInfo;
    /// Build from validated settings; may still refuse combinations the params cannot say.
    fn build(setup: &Setup) -> Result<Self, String>;

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Self::State;
    fn on_message(&self, me: NodeId, s: &mut Self::State, from: NodeId, m: Self::Msg, ctx: &mut Ctx<Self>);
    fn on_timer(&self, _me: NodeId, _s: &mut Self::State, _t: Self::Timer, _ctx: &mut Ctx<Self>) {}
    fn on_input(&self, _me: NodeId, _s: &mut Self::State, _i: &Input, _ctx: &mut Ctx<Self>) {}
    /// A crashed node comes back. By default it starts afresh; protocols with stable
    /// storage keep what survives a crash from `old`.
    fn on_recover(&self, me: NodeId, _old: &Self::State, ctx: &mut Ctx<Self>) -> Self::State {
        self.init(me, ctx)
    }

    fn label(&self, m: &Self::Msg) -> MsgLabel;
    fn timer_label(&self, t: &Self::Timer) -> String {
        format!("{t:?}")
    }
    fn view(&self, me: NodeId, s: &Self::State) -> NodeView;
    /// Inputs that make sense for this node now (the node menu shows these).
    fn inputs_for(&self, _me: NodeId, _s: &Self::State) -> Vec<InputSpec> {
        Self::info().inputs.to_vec()
    }
    fn invariants(&self) -> Vec<Invariant<Self>>;
    fn metrics(&self, run: &super::engine::RunView<Self>) -> Vec<Metric>;
}
