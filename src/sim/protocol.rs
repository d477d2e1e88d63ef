//! What a protocol is: pure handlers over its own state that emit effects as data.
//!
//! The engine owns time, the network, clocks and the log; a protocol only sees one node's
//! state and a [`Ctx`] to which it hands its sends, timers, notes and marks. That keeps
//! every protocol a sans-IO state machine the engine can step, checkpoint, replay and
//! explore. Everything a protocol shows (node pictures, charts, overlays, metrics) is
//! data too, computed from its state and from statistics it keeps incrementally.

use std::fmt::Debug;
use std::hash::Hash;

use super::counters::Counters;
use super::monitor::Monitor;
use super::params::{ParamSpec, Params};
use super::rng::SimRng;
use super::topology::{Graph, Topology, TopologyKind};
use super::trace::{Event, Mark, Trace};
use super::view::{Chart, Group, NodeView, Overlay, Placement};
use super::{NodeId, Time};
use crate::words::{Text, Words};

// Protocols import everything through `protocol::*`; the breach they return is one of them.
pub use super::breach::Breach;
pub use super::named::NoTimer;

/// Everything the engine, the page and the command line know about one algorithm,
/// independent of any run: nothing outside the protocol's file knows it by its id. The
/// display words come from `words` by convention (`name`, `summary`, `param.NAME`,
/// `input.ID`, `scenario.ID`...; see [`crate::words`]), then from the family's words.
///
/// Build one with [`ProtocolInfo::new`] and the setters below; everything not set has the
/// default most protocols want. A description made at runtime (from a file, a script)
/// is built the same way from owned text, see [`super::symbols`].
#[derive(Clone, Debug)]
pub struct ProtocolInfo {
    /// Stable name used in URLs and on the command line.
    pub id: &'static str,
    /// The catalogue section it belongs to: its id, its words, what it compares.
    pub family: &'static Family,
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
    /// The shared workload, if the protocol can be driven by one.
    pub workload: Option<WorkloadSpec>,
    /// Ready-made scenarios: the headline behaviour and the classic failure.
    pub scenarios: &'static [ReadyScenario],
    /// What the page should put first.
    pub show: Show,
    /// The failures the algorithm is designed to survive, for fault campaigns; None
    /// keeps the protocol out of them.
    pub faults: Option<FaultModel>,
    /// Both languages, side by side.
    pub words: Words,
}

impl ProtocolInfo {
    /// A protocol of `family` for `min..=max` nodes (`default` to start with), on the
    /// complete graph, with the default network, no parameters, inputs, workload or
    /// scenarios, no words, and the picture first.
    pub fn new(id: &'static str, family: &'static Family, (min, max, default): (usize, usize, usize)) -> ProtocolInfo {
        ProtocolInfo {
            id,
            family,
            nodes: NodeRange { min, max, default },
            topologies: &[TopologyKind::Complete],
            network: super::network::NetworkConfig::default(),
            params: Vec::new(),
            inputs: &[],
            workload: None,
            scenarios: &[],
            show: Show::default(),
            faults: None,
            words: &[],
        }
    }
    pub fn on(self, topologies: &'static [TopologyKind]) -> Self {
        ProtocolInfo { topologies, ..self }
    }
    pub fn network(self, network: super::network::NetworkConfig) -> Self {
        ProtocolInfo { network, ..self }
    }
    pub fn params(self, params: Vec<ParamSpec>) -> Self {
        ProtocolInfo { params, ..self }
    }
    pub fn inputs(self, inputs: &'static [InputSpec]) -> Self {
        ProtocolInfo { inputs, ..self }
    }
    pub fn workload(self, workload: WorkloadSpec) -> Self {
        ProtocolInfo { workload: Some(workload), ..self }
    }
    pub fn scenarios(self, scenarios: &'static [ReadyScenario]) -> Self {
        ProtocolInfo { scenarios, ..self }
    }
    pub fn show(self, show: Show) -> Self {
        ProtocolInfo { show, ..self }
    }
    /// The time-space diagram is the lesson (see [`Show::diagram_first`]).
    pub fn diagram_first(self) -> Self {
        ProtocolInfo { show: Show { diagram_first: true, ..self.show }, ..self }
    }
    pub fn faults(self, faults: FaultModel) -> Self {
        ProtocolInfo { faults: Some(faults), ..self }
    }
    pub fn words(self, words: Words) -> Self {
        ProtocolInfo { words, ..self }
    }

    /// Whether the page offers to run the family's comparison from this protocol: it
    /// takes the shared workload and its family compares something.
    pub fn compared(&self) -> bool {
        self.workload.is_some() && !self.family.compare.is_empty()
    }
}

/// A section of the catalogue: the words its protocols share (its own name under
/// `family`, the roles and notes several of its protocols use), and the metrics that
/// `dsviz compare` and the page's comparison put side by side for its protocols.
#[derive(Debug)]
pub struct Family {
    /// Stable id (`family.ID` in `words`).
    pub id: &'static str,
    /// Looked up after the protocol's own words, before the core's.
    pub words: Words,
    /// Metric ids compared side by side under one workload; empty: no comparison.
    pub compare: &'static [&'static str],
}

/// Hints for the page, so it never has to know a protocol by its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Show {
    /// The time-space diagram is the lesson: give it the larger share of the stage.
    pub diagram_first: bool,
    /// Vector stamps are on by default up to this many nodes.
    pub vectors_up_to: usize,
    /// What the diagram lets a user draw and point out.
    pub diagram: DiagramTools,
}

impl Show {
    /// The picture first, vector stamps up to 4 nodes, no diagram tools.
    pub const DEFAULT: Show = Show { diagram_first: false, vectors_up_to: 4, diagram: DiagramTools::NONE };
}

impl Default for Show {
    fn default() -> Self {
        Show::DEFAULT
    }
}

/// Tools of the time-space diagram that only some protocols offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiagramTools {
    /// The input a click on a process line gives that node: a local event.
    pub local_input: Option<&'static str>,
    /// The input a drag from one process line to another gives the first node, with the
    /// second as its argument: a message drawn by hand.
    pub send_input: Option<&'static str>,
    /// Offer to point out a pair of concurrent events whose Lamport stamps are ordered
    /// anyway (the converse of the clock condition fails).
    pub converse_pair: bool,
}

impl DiagramTools {
    pub const NONE: DiagramTools = DiagramTools { local_input: None, send_input: None, converse_pair: false };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeRange {
    pub min: usize,
    pub max: usize,
    pub default: usize,
}

/// What an input's argument may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A whole number in a range (a command value).
    Int { min: i64, max: i64 },
    /// Another node (the receiver of a message drawn by hand).
    Node,
    /// A short word of letters, digits, '.', '-' and '_' (a key, "k=v").
    Word,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputSpec {
    /// Stable name used in URLs; `input.ID` in the words.
    pub id: &'static str,
    pub arg: Option<ArgKind>,
}

impl InputSpec {
    pub const fn plain(id: &'static str) -> InputSpec {
        InputSpec { id, arg: None }
    }
    pub const fn with(id: &'static str, arg: ArgKind) -> InputSpec {
        InputSpec { id, arg: Some(arg) }
    }

    /// Check an argument against this input's kind. `n` bounds node arguments.
    pub fn check(&self, arg: Option<&str>, n: usize) -> Result<(), Text> {
        match (self.arg, arg) {
            (None, None) => Ok(()),
            (None, Some(a)) => Err(crate::phrase!("err.input_no_arg", self.id, a.to_string())),
            (Some(_), None) => Err(crate::phrase!("err.input_needs_arg", self.id)),
            (Some(ArgKind::Int { min, max }), Some(a)) => match a.parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => Ok(()),
                _ => Err(crate::phrase!("err.input_int", self.id, a.to_string(), min, max)),
            },
            (Some(ArgKind::Node), Some(a)) => match a.parse::<usize>() {
                Ok(v) if v < n => Ok(()),
                _ => Err(crate::phrase!("err.input_node", self.id, a.to_string(), n.saturating_sub(1))),
            },
            (Some(ArgKind::Word), Some(a)) => {
                if !a.is_empty() && a.len() <= 32 && a.chars().all(|c| c.is_ascii_alphanumeric() || "._-=".contains(c)) {
                    Ok(())
                } else {
                    Err(crate::phrase!("err.input_word", self.id, a.to_string()))
                }
            }
        }
    }
}

/// The shared, seeded workload: each node asks for `input` at random, on average every
/// `every` ticks (uniform in 1..2·every), as long as the protocol offers that input then.
/// `every_param` and `hold_param` name the protocol parameters that set the mean gap and
/// how long a node holds what it asked for (the protocol reads the hold itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkloadSpec {
    pub input: &'static str,
    pub every_param: &'static str,
    pub hold_param: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyScenario {
    /// Stable id; `scenario.ID` and `scenario.ID.about` in the words.
    pub id: &'static str,
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
    /// The run's seed, for random layouts decided at build time (drawn from their own
    /// stream, so they never shift the network's draws) and random topologies.
    pub seed: u64,
    /// The network's spikes and long tail from the scenario (`spike=`, `tail=`), read
    /// by the engine when it starts the run: a protocol has no business with them.
    pub delays: super::network::DelayShape,
}

impl Setup {
    /// Build the graph for `topology`; the error is [`Graph::build`]'s.
    pub fn new(n: usize, topology: Topology, params: Params, seed: u64) -> Result<Setup, crate::words::Text> {
        let graph = Graph::build(&topology, n, seed)?;
        Ok(Setup { n, topology, graph, params, seed, delays: super::network::DelayShape::NONE })
    }
}

impl Setup {
    /// A generator for build-time choices (random ids, random trees), separate from the
    /// run's network, workload and protocol streams.
    pub fn rng(&self) -> SimRng {
        SimRng::stream(self.seed, super::rng::Stream::Build)
    }
}

/// A user input delivered to one node (by click, from a scenario URL, or the workload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub id: &'static str,
    pub arg: Option<String>,
}

impl Input {
    pub fn arg_int(&self) -> Option<i64> {
        self.arg.as_deref().and_then(|a| a.parse().ok())
    }
    pub fn arg_node(&self) -> Option<NodeId> {
        self.arg.as_deref().and_then(|a| a.parse().ok())
    }
}

/// How a message is drawn: its kind (`msg.KIND` in the words), its key fields in
/// language-neutral notation, whether it is the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgLabel {
    pub kind: &'static str,
    pub text: String,
    pub token: bool,
}

impl MsgLabel {
    pub fn new(kind: &'static str, text: impl Into<String>) -> MsgLabel {
        MsgLabel { kind, text: text.into(), token: false }
    }
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
}

impl<P: Protocol> Snapshot<'_, P> {
    /// Live nodes whose state satisfies `pred`, in id order.
    pub fn live_where(&self, pred: impl Fn(&P::State) -> bool) -> Vec<NodeId> {
        (0..self.states.len()).filter(|&i| self.up[i] && pred(&self.states[i])).collect()
    }
}

/// A safety property of the present state, checked after every step (`inv.ID` words).
pub struct Invariant<P: Protocol> {
    pub id: &'static str,
    pub check: fn(&P, &Snapshot<P>) -> Result<(), Breach>,
}

/// A cost counted from the run, shown beside its textbook value.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Stable id (`metric.ID` in the words; the CLI's JSON key).
    pub id: &'static str,
    /// None until the run has produced something to measure.
    pub measured: Option<f64>,
    pub textbook: Textbook,
    /// The formula as taught: algebra ("3N-1") is plain, words are phrases.
    pub formula: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Textbook {
    Exact(f64),
    Range(f64, f64),
    /// The textbook gives only an order (e.g. O(N²)); nothing to compare numerically.
    Unbounded,
}

/// A running mean and maximum, for metrics kept incrementally.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub count: u64,
    pub sum: f64,
    pub max: Option<f64>,
}

impl Tally {
    pub fn add(&mut self, x: f64) {
        self.count += 1;
        self.sum += x;
        self.max = Some(self.max.map_or(x, |m| m.max(x)));
    }
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// Effects a handler emits. The engine applies them after the handler returns.
pub(crate) struct Effects<P: Protocol> {
    pub sends: Vec<(NodeId, P::Msg)>,
    pub timers: Vec<(Time, P::Timer)>,
    pub cancels: Vec<P::Timer>,
    pub notes: Vec<Text>,
    pub marks: Vec<Mark>,
    /// The timer or input is not an event of its own: only its sends are.
    pub silent: bool,
    /// Keys of checkpoints to take of the state this handler leaves.
    pub checkpoints: Vec<u64>,
    /// The key of a checkpoint to roll back to.
    pub rollback: Option<u64>,
}

impl<P: Protocol> Default for Effects<P> {
    fn default() -> Self {
        Effects { sends: Vec::new(), timers: Vec::new(), cancels: Vec::new(), notes: Vec::new(), marks: Vec::new(), silent: false, checkpoints: Vec::new(), rollback: None }
    }
}

/// The handle a handler gets: the time, the node count, the run's random draws (the
/// protocol's own stream), the groups, and a place to put its effects.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) me: NodeId,
    pub(crate) now: Time,
    pub(crate) n: usize,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) groups: &'a [Group],
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
    /// Send to every other member of a group the protocol declared, in id order.
    pub fn send_group(&mut self, group: &str, msg: P::Msg) {
        let members: Vec<NodeId> = self.groups.iter().filter(|g| g.id == group).flat_map(|g| g.members.iter().copied()).collect();
        debug_assert!(!members.is_empty() || self.groups.iter().any(|g| g.id == group), "protocol bug: no group '{group}'");
        for to in members.into_iter().filter(|&to| to != self.me) {
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
    /// A line for the event log, as words (see [`crate::phrase!`]).
    pub fn note(&mut self, text: Text) {
        self.out.notes.push(text);
    }
    /// In a timer or input handler that only sends: do not log the firing as an event
    /// of its own, so "decide to send, then send" is one send event on the diagram, as
    /// textbooks draw it. Ignored when nothing is sent, and in message handlers.
    pub fn silent(&mut self) {
        self.out.silent = true;
    }
    /// A named milestone (e.g. "enter_cs") that metrics, monitors, anchored
    /// interventions and the diagram can find.
    pub fn mark(&mut self, tag: &'static str) {
        self.out.marks.push(Mark { tag, key: 0 });
    }
    /// A milestone with a key: a request's number, a multicast's id.
    pub fn mark_with(&mut self, tag: &'static str, key: u64) {
        self.out.marks.push(Mark { tag, key });
    }
    /// Uniform in `lo..=hi`, from the protocol's seeded stream.
    pub fn random_between(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.between(lo, hi)
    }
    pub fn random_chance(&mut self, ppm: super::rng::Ppm) -> bool {
        self.rng.chance(ppm)
    }
    /// Take a checkpoint under the protocol's own `key` (its checkpoint's number): the
    /// engine saves the state this handler leaves, after its sends, so a later
    /// [`Ctx::rollback_to`] undoes exactly what came after. Taking a key again replaces it.
    pub fn checkpoint(&mut self, key: u64) {
        self.out.checkpoints.push(key);
    }
    /// Roll this node back to its checkpoint `key`: when the handler returns, its state
    /// becomes the saved one (through [`Protocol::restored`]), its armed timers are
    /// cancelled (the handler may set new ones), its later checkpoints are forgotten,
    /// and the log marks what it did since as rolled back ([`super::trace::Trace::rolled_back`]).
    /// The handler's own sends (telling the others) are recovery, never rolled back.
    /// Rolling back to a key never taken is a protocol bug.
    pub fn rollback_to(&mut self, key: u64) {
        self.out.rollback = Some(key);
    }
}

/// What a protocol counts from its run, fed event by event in order (on replay too), so
/// metrics cost the same at step ten and at step a million.
pub trait Observe: Clone + Debug + Default {
    /// Take in one new event.
    fn observe(&mut self, _event: &Event, _log: &Trace) {}
    /// All the events of one step (or intervention) have been observed: the moment to
    /// draw conclusions that a single event cannot (a handler's receive is followed by
    /// its sends, so the network is never really empty between the two).
    fn step_observed(&mut self) {}
}

/// Protocols that count nothing of their own.
impl Observe for () {}

/// One algorithm. Implement this in one file under `protocols/` and add one registry line.
pub trait Protocol: Sized + 'static {
    type State: Clone + Debug + Hash;
    type Msg: Clone + Debug + Hash;
    type Timer: Clone + Debug + PartialEq + Hash;
    /// What the metrics and charts count, updated once per event (see [`Observe`]).
    /// It lives in the world, so checkpoints carry it: keep it bounded (sums, counts,
    /// bounded series), never a copy of the log.
    type Stats: Observe;

    fn info() -> ProtocolInfo;
    /// This instance's description. A compiled protocol is described by its type
    /// ([`Protocol::info`]); a protocol described at runtime (one Rust type serving many
    /// descriptions, e.g. a script interpreter) returns the one it was built from.
    fn describe(&self) -> ProtocolInfo {
        Self::info()
    }
    /// Build from validated settings; may still refuse combinations the params cannot say.
    fn build(setup: &Setup) -> Result<Self, String>;

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Self::State;
    fn on_message(&self, me: NodeId, s: &mut Self::State, from: NodeId, m: Self::Msg, ctx: &mut Ctx<Self>);
    fn on_timer(&self, _me: NodeId, _s: &mut Self::State, _t: Self::Timer, _ctx: &mut Ctx<Self>) {}
    fn on_input(&self, _me: NodeId, _s: &mut Self::State, _i: &Input, _ctx: &mut Ctx<Self>) {}
    /// A crashed node comes back (or a node that started outside joins). By default it
    /// starts afresh; protocols with stable storage keep what survives a crash from `old`.
    fn on_recover(&self, me: NodeId, _old: &Self::State, ctx: &mut Ctx<Self>) -> Self::State {
        self.init(me, ctx)
    }
    /// The state a node rolls back to ([`Ctx::rollback_to`]): by default what it saved;
    /// a protocol may carry over what a rollback does not undo (its stable storage, an
    /// incarnation number) from `now`.
    fn restored(&self, _me: NodeId, saved: &Self::State, _now: &Self::State) -> Self::State {
        saved.clone()
    }
    /// Nodes that start outside the system and join later (a server added to a hash ring).
    fn joins_later(&self, _me: NodeId) -> bool {
        false
    }
    /// Nodes that fail together (a client and its stub on one machine): crashing any
    /// member, by click, by a scenario's act or in a fault campaign, crashes every member
    /// that is up; recovering one recovers every member that is down. A node belongs to
    /// at most one group; nodes in none fail alone.
    fn fate_groups(&self) -> Vec<Vec<NodeId>> {
        Vec::new()
    }

    /// The groups nodes belong to (acceptors, participants...), for `send_group` and layout.
    fn groups(&self) -> Vec<Group> {
        Vec::new()
    }
    fn placement(&self) -> Placement {
        Placement::Topology
    }
    /// Where the nodes go given the run so far, for a picture that changes as it runs (a
    /// hash ring whose servers join and leave and whose keys change owner). By default
    /// [`Protocol::placement`], which most protocols decide once.
    fn placement_now(&self, _run: &RunView<Self>) -> Placement {
        self.placement()
    }

    /// How a message is drawn; by default its kind is its variant's name in snake case
    /// (`msg.KIND` in the words) and it shows no fields.
    fn label(&self, m: &Self::Msg) -> MsgLabel {
        MsgLabel::new(super::named::variant_name(m), "")
    }
    /// The timer's id (`timer.ID` in the words); by default its variant's name in snake case.
    fn timer_name(&self, t: &Self::Timer) -> &'static str {
        super::named::variant_name(t)
    }
    /// The layer a message kind belongs to, when the protocol runs over another
    /// ([`super::layered::Layered`]): the picture tells layers apart by it.
    fn layer(&self, _kind: &'static str) -> Option<&'static str> {
        None
    }
    /// Draw this timer as a countdown ring around its node (an election timeout).
    fn countdown(&self, _t: &Self::Timer) -> bool {
        false
    }
    /// The node a timer watches, when it is not its owner's (a failure detector's
    /// timeout on a peer): its countdown is drawn around that node. None: its owner.
    fn watches(&self, _t: &Self::Timer) -> Option<NodeId> {
        None
    }
    fn view(&self, me: NodeId, s: &Self::State) -> NodeView;
    /// Every node's picture at once, at `now`, for protocols that draw a node as another
    /// node sees it (a monitored node in the colour of the detector's verdict on it, with
    /// a suspicion level that grows with the time since its last heartbeat). By default
    /// each node's own [`Protocol::view`].
    fn views(&self, states: &[Self::State], _now: Time) -> Vec<NodeView> {
        states.iter().enumerate().map(|(i, s)| self.view(i, s)).collect()
    }
    /// Inputs that make sense for this node now (the node menu shows these).
    fn inputs_for(&self, _me: NodeId, _s: &Self::State) -> Vec<InputSpec> {
        self.describe().inputs.to_vec()
    }
    fn invariants(&self) -> Vec<Invariant<Self>>;
    /// Properties of the history, checked incrementally (see [`super::monitor`]).
    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        Vec::new()
    }
    /// Whether this protocol, as configured, promises the property `id` (an invariant's
    /// or a monitor's). Some are watched to be seen breaking: FIFO multicast does not
    /// promise causal order, Maekawa's basic algorithm does not promise progress. Their
    /// breaches are lessons, not bugs; checks and the page tell the two apart.
    fn promises(&self, _id: &str) -> bool {
        true
    }
    /// Why waiting nodes cannot proceed, for the progress monitor's message.
    fn why_stalled(&self, _snap: &Snapshot<Self>) -> Text {
        Text::key("why.unknown")
    }

    /// Take in one new event. The stats count for themselves ([`Observe::observe`]);
    /// override only when the counting needs the protocol's own settings.
    fn observe(&self, stats: &mut Self::Stats, event: &Event, log: &Trace) {
        stats.observe(event, log);
    }
    fn step_observed(&self, stats: &mut Self::Stats) {
        stats.step_observed();
    }
    fn metrics(&self, stats: &Self::Stats, run: &RunView<Self>) -> Vec<Metric>;
    fn charts(&self, _stats: &Self::Stats, _run: &RunView<Self>) -> Vec<Chart> {
        Vec::new()
    }
    /// Drawn over the topology, given what the user selected.
    fn overlays(&self, _run: &RunView<Self>, _selected: Option<NodeId>) -> Vec<Overlay> {
        Vec::new()
    }
}

/// What metrics, charts and overlays see: the run so far, read-only.
pub struct RunView<'a, P: Protocol> {
    pub setup: &'a Setup,
    pub states: &'a [P::State],
    pub up: &'a [bool],
    /// Messages on their way that will arrive: (from, to, payload).
    pub in_flight: Vec<(NodeId, NodeId, &'a P::Msg)>,
    pub trace: &'a Trace,
    pub counters: &'a Counters,
    /// What the protocol has counted so far ([`Protocol::observe`]), so overlays can draw
    /// what the stats found (a pair of events, a recorded cut) without reading the log.
    pub stats: &'a P::Stats,
    pub now: Time,
    pub quiescent: bool,
}

/// The failures an algorithm is designed to survive, for fault campaigns (`dsviz check
/// --faults`): a campaign adds, per seed, only the faults listed here, and counts as a
/// violation only a breach of `safety`. Other properties (progress, non-blocking) may
/// fail under faults the algorithm survives safely; those are reported apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultModel {
    /// Nodes may crash: at most `max_down` of them are down at once.
    pub crash: bool,
    /// Crashed nodes come back (with what their protocol keeps on stable storage); false
    /// means fail-stop.
    pub recover: bool,
    pub max_down: MaxDown,
    /// The network loses messages (a drop rate drawn per seed).
    pub drop: bool,
    /// The network splits in two and heals.
    pub partition: bool,
    /// Transit times may grow beyond the default range (asynchrony); false for algorithms
    /// whose timeouts assume bounded delays.
    pub slow: bool,
    /// The properties promised under these faults: the safety properties.
    pub safety: &'static [&'static str],
    /// Faults are placed in the first this many ticks of the run.
    pub window: Time,
}

/// How many nodes may be down at once in a fault campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxDown {
    /// Fewer than half: a majority stays up.
    Minority,
    /// Any number but one: someone is always up.
    AllButOne,
}

impl MaxDown {
    pub fn of(self, n: usize) -> usize {
        match self {
            MaxDown::Minority => (n - 1) / 2,
            MaxDown::AllButOne => n - 1,
        }
    }
}
