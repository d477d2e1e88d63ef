//! # What the two clock lessons share: the driving
//!
//! The Lamport and vector clock lessons run the same processes and differ only in the
//! clock each process keeps. Here each process acts on its own at random moments (timer
//! `Act`) or when clicked: a local event or a send to a random neighbour, up to
//! `actions` actions, so the run comes to rest. Every event of its own ticks the clock
//! and marks the event with the Lamport stamp; a receive merges the message's clock
//! first. The concurrent pairs are counted by [`Concurrency`] for both.
//!
//! Each lesson is a [`Clock`]: what a process keeps, how it ticks, what a message
//! carries, how a receive merges it, and how it is shown and checked.

use std::fmt::Debug;
use std::hash::Hash;

use super::concurrency::Concurrency;
use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::topology::{Graph, TopologyKind};
use crate::sim::view::{NodeView, Overlay, Tone};
use crate::sim::{NetworkConfig, NodeId, ParamSpec, Time};
use crate::words::{w, Text, Word, Words};

/// One clock: what a process keeps and does at each of its events.
pub trait Clock: Sized + Send + Sync + 'static {
    /// The protocol's id in links and the registry.
    const ID: &'static str;
    /// Its name, summary, scenarios and every word its pictures use.
    const WORDS: Words;
    const SCENARIOS: &'static [ReadyScenario];
    const SHOW: Show;
    /// What a process keeps (the node state).
    type State: Clone + Debug + PartialEq + Eq + Hash;
    /// What a message carries.
    type Msg: Clone + Debug + PartialEq + Eq + Hash;

    /// The clock's settings for this run.
    fn build(setup: &Setup) -> Self;
    /// A process before its first event, with `actions` spontaneous actions ahead.
    fn start(&self, actions: u32) -> Self::State;
    /// The rule for any event of its own.
    fn tick(&self, me: NodeId, s: &mut Self::State);
    /// The process's Lamport clock, which marks each of its events.
    fn lamport(s: &Self::State) -> u64;
    /// How many events the process has had.
    fn events(s: &Self::State) -> u32;
    fn actions_left(s: &Self::State) -> u32;
    fn actions_left_mut(s: &mut Self::State) -> &mut u32;
    // (`process_fields!(State)` writes these four for a state with those fields.)
    /// The note on a local event, after its tick.
    fn local_note(&self, s: &Self::State) -> Text;
    /// What a send carries, after its tick.
    fn message(&self, s: &Self::State) -> Self::Msg;
    /// A receive: merge the message's clock into the process's, tick, and say how.
    fn receive(&self, me: NodeId, s: &mut Self::State, m: &Self::Msg) -> Text;
    /// The text beside a message in flight.
    fn label(&self, m: &Self::Msg) -> String;
    /// The clock's badge, rows and details (the driver adds events and actions left).
    fn view(&self, me: NodeId, s: &Self::State, view: NodeView) -> NodeView;
    fn invariants() -> Vec<Invariant<Clocks<Self>>>;
    /// Metrics beyond events, messages, concurrent and ordered pairs.
    fn more_metrics(_stats: &Concurrency) -> Vec<Metric> {
        Vec::new()
    }
    fn overlays(_stats: &Concurrency) -> Vec<Overlay> {
        Vec::new()
    }
}

/// Inside `impl Clock`: the accessors of a state `$state` with the fields `lamport`,
/// `events` and `actions_left`.
macro_rules! process_fields {
    ($state:ty) => {
        fn lamport(s: &$state) -> u64 {
            s.lamport
        }
        fn events(s: &$state) -> u32 {
            s.events
        }
        fn actions_left(s: &$state) -> u32 {
            s.actions_left
        }
        fn actions_left_mut(s: &mut $state) -> &mut u32 {
            &mut s.actions_left
        }
    };
}
pub(crate) use process_fields;

/// Processes that act at random or on a click, keeping the clock `K`.
pub struct Clocks<K: Clock> {
    clock: K,
    /// The run's topology: spontaneous sends go to a random neighbour in it.
    graph: Graph,
    /// Spontaneous actions per process before it stops acting on its own.
    actions: u32,
    /// Mean ticks between a process's actions; 0 = only clicks.
    every: Time,
    /// Chance (percent) that an action is a send rather than a local event.
    send_percent: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Act,
}

const LOCAL: InputSpec = InputSpec::plain("local");
/// A click on a process line is a local event, a drag to another line a message, and the
/// diagram can point out the pair of concurrent events whose stamps are ordered anyway.
const TOOLS: DiagramTools = DiagramTools { local_input: Some(LOCAL.id), send_input: Some(SEND_TO.id), converse_pair: true };
const SEND: InputSpec = InputSpec::plain("send");
/// A message drawn by hand on the diagram: from the clicked node to the argument.
const SEND_TO: InputSpec = InputSpec::with("send_to", ArgKind::Node);

impl<K: Clock> Clocks<K> {
    /// Any event of our own: tick, and mark the event with the Lamport stamp.
    fn tick(&self, me: NodeId, s: &mut K::State, ctx: &mut Ctx<Self>) {
        self.clock.tick(me, s);
        ctx.mark_with("clock", K::lamport(s));
    }

    fn local(&self, me: NodeId, s: &mut K::State, ctx: &mut Ctx<Self>) {
        // The engine logs the handler's event (timer or input) as the local event.
        self.tick(me, s, ctx);
        ctx.note(self.clock.local_note(s));
    }

    fn send_to(&self, me: NodeId, to: NodeId, s: &mut K::State, ctx: &mut Ctx<Self>) {
        // Deciding to send is not an event of its own: the send is the one event.
        ctx.silent();
        self.tick(me, s, ctx);
        ctx.send(to, self.clock.message(s));
    }

    fn act(&self, me: NodeId, s: &mut K::State, send: bool, ctx: &mut Ctx<Self>) {
        let neighbours = self.graph.neighbours(me);
        // A node without links (possible in an explicit edge list) only acts locally.
        if send && !neighbours.is_empty() {
            let to = neighbours[ctx.random_between(0, neighbours.len() as u64 - 1) as usize];
            self.send_to(me, to, s, ctx);
        } else {
            self.local(me, s, ctx);
        }
    }

    fn arm(&self, s: &K::State, ctx: &mut Ctx<Self>) {
        if self.every > 0 && K::actions_left(s) > 0 {
            let after = ctx.random_between(1, 2 * self.every);
            ctx.set_timer(after, Timer::Act);
        }
    }
}

impl<K: Clock> Protocol for Clocks<K> {
    type State = K::State;
    type Msg = K::Msg;
    type Timer = Timer;
    type Stats = Concurrency;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new(K::ID, &super::FAMILY, (2, 12, 3))
            .on(&[
                TopologyKind::Complete,
                TopologyKind::Ring,
                TopologyKind::Star,
                TopologyKind::Tree,
                TopologyKind::RandomTree,
                TopologyKind::Grid,
                TopologyKind::Edges,
            ])
            .network(NetworkConfig { delay_min: 60, delay_max: 160, fifo: false, ..NetworkConfig::default() })
            .params(vec![ParamSpec::int("actions", 0, 1_000, 4).short("actions", "动作数"), ParamSpec::int("every", 0, 100_000, 120).short("every", "间隔"), ParamSpec::int("send", 0, 100, 60).short("send %", "发送比例")])
            .inputs(&[LOCAL, SEND, SEND_TO])
            .scenarios(K::SCENARIOS)
            .show(Show { diagram: TOOLS, ..K::SHOW })
            .words(K::WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Clocks {
            clock: K::build(setup),
            graph: setup.graph.clone(),
            actions: setup.params.int("actions") as u32,
            every: setup.params.int("every") as Time,
            send_percent: setup.params.int("send") as u32,
        })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> K::State {
        // The engine counts the start as each process's first event.
        let mut s = self.clock.start(self.actions);
        self.tick(me, &mut s, ctx);
        self.arm(&s, ctx);
        s
    }

    fn on_message(&self, me: NodeId, s: &mut K::State, _from: NodeId, m: K::Msg, ctx: &mut Ctx<Self>) {
        let note = self.clock.receive(me, s, &m);
        ctx.mark_with("clock", K::lamport(s));
        ctx.note(note);
    }

    fn on_timer(&self, me: NodeId, s: &mut K::State, _t: Timer, ctx: &mut Ctx<Self>) {
        if K::actions_left(s) == 0 {
            return self.local(me, s, ctx);
        }
        *K::actions_left_mut(s) -= 1;
        let send = ctx.random_chance(self.send_percent * 10_000);
        self.act(me, s, send, ctx);
        self.arm(s, ctx);
    }

    fn on_input(&self, me: NodeId, s: &mut K::State, i: &Input, ctx: &mut Ctx<Self>) {
        match (i.id, i.arg_node()) {
            ("send_to", Some(to)) if to != me => self.send_to(me, to, s, ctx),
            (id, _) => self.act(me, s, id == SEND.id, ctx),
        }
    }

    /// The clock is kept on stable storage: a process that comes back continues counting
    /// (its recovery is one more event).
    fn on_recover(&self, me: NodeId, old: &K::State, ctx: &mut Ctx<Self>) -> K::State {
        let mut s = old.clone();
        *K::actions_left_mut(&mut s) = 0;
        self.tick(me, &mut s, ctx);
        s
    }

    fn label(&self, m: &K::Msg) -> MsgLabel {
        MsgLabel::new("msg", self.clock.label(m))
    }

    fn view(&self, me: NodeId, s: &K::State) -> NodeView {
        let acting = K::actions_left(s) > 0 && self.every > 0;
        let (role, tone) = if acting { ("acting", Tone::Waiting) } else { ("resting", Tone::Idle) };
        self.clock.view(me, s, NodeView::new(role, tone)).detail("events", K::events(s)).detail("actions_left", K::actions_left(s))
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        K::invariants()
    }

    fn monitors(&self) -> Vec<Box<dyn crate::sim::monitor::Monitor>> {
        vec![Box::new(crate::sim::monitor::ClockCondition::default())]
    }

    fn metrics(&self, stats: &Concurrency, run: &RunView<Self>) -> Vec<Metric> {
        let counted = || Text::key("formula.counted");
        let mut metrics = vec![
            Metric { id: "events", measured: Some(stats.events() as f64), textbook: Textbook::Unbounded, formula: counted() },
            Metric { id: "messages", measured: Some(run.counters.sent as f64), textbook: Textbook::Unbounded, formula: counted() },
            Metric { id: "concurrent", measured: Some(stats.concurrent() as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.concurrent") },
            Metric { id: "ordered", measured: Some(stats.ordered() as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.ordered") },
        ];
        metrics.extend(K::more_metrics(stats));
        metrics
    }

    fn overlays(&self, run: &RunView<Self>, _selected: Option<NodeId>) -> Vec<Overlay> {
        K::overlays(run.stats)
    }
}

/// The words of what the driver itself shows: its params, inputs, roles, timer, message
/// and the metrics every clock counts.
pub const DRIVER_WORDS: Words = &[
    w("param.actions", "Spontaneous actions per process before it rests", "每个进程在停下之前自发执行的动作数"),
    w("param.every", "Mean ticks between a process's actions (0: only clicks act)", "进程两次动作之间的平均间隔（0：仅由点击触发）"),
    w("param.send", "Percent of actions that send a message (the rest are local events)", "动作中发送消息所占的百分比（其余为本地事件）"),
    w("input.local", "Local event", "本地事件"),
    w("input.send", "Send to a random neighbour", "发送给随机邻居"),
    w("input.send_to", "Send to node…", "发送给节点…"),
    w("role.acting", "acting", "活动中"),
    w("role.resting", "resting", "已停止"),
    w("detail.events", "own events", "自身事件数"),
    w("detail.actions_left", "actions left", "剩余动作"),
    w("msg.msg", "msg", "消息"),
    w("timer.act", "act", "动作"),
    w("metric.events", "events", "事件数"),
    w("metric.messages", "messages", "消息数"),
    w("metric.concurrent", "concurrent pairs", "并发事件对"),
];

/// A clock's own words followed by [`DRIVER_WORDS`], as one table (`N` is the sum of
/// the two lengths).
pub const fn with_driver_words<const N: usize>(own: Words) -> [Word; N] {
    assert!(N == own.len() + DRIVER_WORDS.len(), "N is the two tables' lengths");
    let mut table = [Word { key: "", en: "", zh: "" }; N];
    let mut i = 0;
    while i < N {
        table[i] = if i < own.len() { own[i] } else { DRIVER_WORDS[i - own.len()] };
        i += 1;
    }
    table
}

/// What the two lessons' tests build their runs with.
#[cfg(test)]
pub mod testing {
    use super::{Clock, Clocks};
    use crate::sim::engine::Engine;
    use crate::sim::{kit, NetworkConfig};

    /// `n` processes on a complete graph, a ring or a binary tree (by `n`), default params.
    pub fn engine<K: Clock>(n: usize, seed: u64, network: NetworkConfig) -> Engine<Clocks<K>> {
        kit::engine_on::<Clocks<K>>(n, ["complete", "ring", "tree:2"][n % 3], "", seed, network)
    }

    /// Links that delay anything from 1 to 300 ticks, reorder and duplicate a tenth.
    pub fn wild() -> NetworkConfig {
        NetworkConfig { delay_min: 1, delay_max: 300, fifo: false, duplicate: 100_000, ..NetworkConfig::default() }
    }
}
