//! # Lamport clocks
//!
//! A process does three kinds of things: something local, sending a message, receiving
//! one. Lamport (1978) orders them by *happened-before*: a→b when a comes before b on the
//! same process, when a sends the message b receives, or through a chain of both. Events
//! that neither precede nor follow each other are *concurrent* (a∥b).
//!
//! Each process keeps one counter L. Before each of its events it adds one; a message
//! carries the sender's L; on receipt the receiver first takes the larger of its L and
//! the message's, then adds one. That gives the *clock condition*: a→b ⇒ L(a) < L(b),
//! since every step along a chain of lines and messages raises the count.
//!
//! The converse fails. Two concurrent events usually carry different stamps, so the
//! stamps seem to order them although neither could have influenced the other. The
//! metrics count such pairs, and the diagram rings one of them, joined by a dashed line
//! (the consistent cut through both, a global state in which both have happened and
//! neither knows of the other, is kept for the tests). Equal stamps, on the other hand, always mean concurrency; ordering events by
//! (L, process id), ties broken by the id, gives a *total order* that respects
//! happened-before, the order Lamport's mutual exclusion and totally ordered multicast use.
//!
//! The driving is that of the vector clock lesson: each process acts on its own at random
//! moments (or when clicked), a local event or a send to a random neighbour, up to a set
//! number of actions, so the run comes to rest. The engine stamps every event with its
//! own Lamport clock; the process keeps its own by the textbook rule and the tests check
//! that the two agree.
//!
//! Messages: `Msg{lamport}`. Timers: `Act`. Monitor: the clock condition on the process's
//! own clock. Invariant: the clock is at least the number of own events.

use super::concurrency::Concurrency;
use super::driver::{process_fields, with_driver_words, Clock, Clocks, DRIVER_WORDS};
use crate::phrase;
use crate::sim::protocol::*;
use crate::sim::view::{Cell, CellRow, NodeView, Overlay};
use crate::sim::NodeId;
use crate::words::{w, Text, Words};

/// How many of its latest stamps a process shows beside itself.
const SHOWN: usize = 8;

/// The scalar clock: one counter per process.
pub struct Lamport;
pub type LamportClocks = Clocks<Lamport>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub lamport: u64,
    /// Events this process has had.
    pub events: u32,
    pub actions_left: u32,
    /// The stamps of its latest events (at most [`SHOWN`]), oldest first.
    pub recent: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Msg {
    pub lamport: u64,
}

impl Clock for Lamport {
    const ID: &'static str = "clocks-lamport";
    const WORDS: Words = &with_driver_words::<{ OWN.len() + DRIVER_WORDS.len() }>(OWN);
    const SCENARIOS: &'static [ReadyScenario] = &[
        ReadyScenario { id: "classic", fragment: "v=1&proto=clocks-lamport&n=3&seed=4&p.actions=4&p.every=250&p.send=60" },
        ReadyScenario { id: "converse-fails", fragment: "v=1&proto=clocks-lamport&n=3&seed=2&p.actions=5&p.every=150&p.send=30" },
        ReadyScenario { id: "total-order", fragment: "v=1&proto=clocks-lamport&n=3&seed=7&p.actions=4&p.every=200&p.send=40" },
    ];
    const SHOW: Show = Show { diagram_first: true, vectors_up_to: 0, ..Show::DEFAULT };
    type State = Node;
    type Msg = Msg;

    fn build(_setup: &Setup) -> Lamport {
        Lamport
    }

    fn start(&self, actions: u32) -> Node {
        Node { lamport: 0, events: 0, actions_left: actions, recent: Vec::new() }
    }

    /// The rule for any event of our own: add one.
    fn tick(&self, _me: NodeId, s: &mut Node) {
        s.lamport += 1;
        s.events += 1;
        if s.recent.len() == SHOWN {
            s.recent.remove(0);
        }
        s.recent.push(s.lamport);
    }

    process_fields!(Node);

    fn local_note(&self, s: &Node) -> Text {
        phrase!("note.local", s.lamport)
    }

    fn message(&self, s: &Node) -> Msg {
        Msg { lamport: s.lamport }
    }

    fn receive(&self, me: NodeId, s: &mut Node, m: &Msg) -> Text {
        let before = s.lamport;
        s.lamport = s.lamport.max(m.lamport);
        self.tick(me, s);
        phrase!("note.receive", m.lamport, before, s.lamport)
    }

    fn label(&self, m: &Msg) -> String {
        format!("L={}", m.lamport)
    }

    fn view(&self, me: NodeId, s: &Node, view: NodeView) -> NodeView {
        // Stamps as the total order reads them, (L, process); equal L share a colour.
        let cells = s.recent.iter().map(|&l| Cell { text: format!("({l},{me})"), shade: l as u32 }).collect();
        view.badge(format!("L={}", s.lamport)).row(CellRow { label: "stamps", cells, marked_upto: None }).detail("lamport", s.lamport)
    }

    fn invariants() -> Vec<Invariant<LamportClocks>> {
        vec![Invariant {
            id: "lamport_count",
            check: |_, snap| {
                let bad: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].lamport < snap.states[i].events as u64).collect();
                Breach::unless_empty(bad, |bad| phrase!("breach.lamport_count", crate::words::nodes(bad)))
            },
        }]
    }

    fn more_metrics(stats: &Concurrency) -> Vec<Metric> {
        vec![Metric { id: "ties", measured: Some(stats.ties() as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.ties") }]
    }

    /// One pair of concurrent events whose stamps look ordered, ringed and joined by a
    /// dashed line: neither knows of the other.
    fn overlays(stats: &Concurrency) -> Vec<Overlay> {
        let Some(wit) = stats.witness() else { return Vec::new() };
        let label = phrase!("overlay.converse", wit.low.0, wit.low.2, wit.high.0, wit.high.2);
        vec![Overlay::Events { label, events: vec![wit.low.0, wit.high.0], alarm: false }]
    }
}

/// Its own words; the driver adds those of its params, inputs, roles and shared metrics.
const OWN: Words = &[
    w("name", "Lamport clocks", "Lamport 逻辑时钟"),
    w(
        "summary",
        "Processes act locally and send messages at random, each keeping one counter: add one before every event, and on a receive first jump to the message's stamp if it is larger. If a happened before b, then L(a) < L(b); the two ringed events joined by a dashed line have stamps that look ordered although neither happened before the other.",
        "进程随机地执行本地事件和发送消息，每个进程维护一个计数器：每个事件之前加一；接收消息时，若消息的时间戳更大，先跳到它再加一。若 a 发生在 b 之前，则 L(a) < L(b)；用虚线相连、圈出的两个事件，时间戳看似有先后，但谁也不在谁之前发生。",
    ),
    w(
        "scenario.classic.about",
        "Three processes act four times each: 21 events and 6 messages. Every dot carries its stamp; follow a message and its receive is stamped above both the send and the receiver's previous event. Yet 49 of the 60 concurrent pairs carry different stamps: the two ringed events joined by a dashed line are one of them, L=4 on process 1 and L=6 on process 2: neither knows of the other.",
        "三个进程各动作四次：共 21 个事件、6 条消息。每个点上都标着时间戳；沿任一条消息看，接收事件的时间戳既大于发送事件，也大于接收者的上一个事件。但 60 对并发事件中有 49 对时间戳不同：用虚线相连、圈出的两个事件就是其中一对：进程 1 上的 L=4 和进程 2 上的 L=6，谁也不知道对方。",
    ),
    w("scenario.converse-fails", "Ordered stamps, concurrent events", "时间戳有先后，事件却并发"),
    w(
        "scenario.converse-fails.about",
        "Three processes that rarely talk: 22 events, only 4 messages. 102 pairs of events are concurrent, and 85 of them carry different stamps, so the stamps alone would put one before the other. The ringed pair joined by a dashed line, L=2 on process 1 and L=4 on process 2, is such a pair: a consistent global state contains both, so neither could have influenced the other. The stamps cannot tell; vector clocks can.",
        "三个很少通信的进程：22 个事件，只有 4 条消息。有 102 对事件是并发的，其中 85 对时间戳不同，单看时间戳会以为一个在另一个之前。用虚线相连、圈出的一对：进程 1 上的 L=2 和进程 2 上的 L=4。一个一致的全局状态同时包含两者，所以谁也不可能影响对方。时间戳分辨不出来；向量时钟可以。",
    ),
    w("scenario.total-order", "A total order: (L, process)", "全序：(L, 进程号)"),
    w(
        "scenario.total-order.about",
        "20 events, 5 messages. Beside each process are its latest stamps written (L, process). Read all of them in order of L, and among equal L in order of process id: that is a total order every process can compute alone, and it respects happened-before, because related events never share a stamp. Here 14 pairs of events share a stamp (cells of one colour); the process id decides between them. Lamport's mutual exclusion and totally ordered multicast use exactly this order.",
        "共 20 个事件、5 条消息。每个进程旁列出它最近的时间戳，写作 (L, 进程号)。按 L 排序、L 相同时按进程号排序，就得到一个每个进程都能独立算出的全序；它遵守发生在先关系，因为有因果关系的事件时间戳绝不相等。本次有 14 对事件时间戳相同（颜色相同的格子），由进程号决定先后。Lamport 互斥算法和全序组播用的正是这个顺序。",
    ),
    w("detail.stamps", "latest stamps (L, process)", "最近的时间戳 (L, 进程号)"),
    w("note.local", "local event, now L={0}", "本地事件，现在 L={0}"),
    w("note.receive", "receives L={0}: max({1}, {0}) + 1 = {2}", "收到 L={0}：max({1}, {0}) + 1 = {2}"),
    w("overlay.converse", "event {0} (L={1}) ∥ event {2} (L={3})", "事件 {0}（L={1}）∥ 事件 {2}（L={3}）"),
    w("inv.lamport_count", "clock ≥ own events", "时钟 ≥ 自身事件数"),
    w("inv.lamport_count.about", "L_i is at least the number of events process i has had: every event adds one.", "L_i 不小于进程 i 已发生的事件数：每个事件都加一。"),
    w("breach.lamport_count", "processes {0} have a clock below their own event count", "进程 {0} 的时钟小于自身事件数"),
    w("metric.ordered", "concurrent pairs with ordered stamps", "时间戳有先后的并发事件对"),
    w("metric.ties", "pairs with equal stamps (broken by process id)", "时间戳相等的事件对（按进程号排序）"),
    w("formula.concurrent", "neither a → b nor b → a", "既非 a → b，也非 b → a"),
    w("formula.ties", "L(a) = L(b) implies a ∥ b", "L(a) = L(b) 意味着 a ∥ b"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clocks::concurrency::{brute_force, cut_is_consistent};
    use crate::protocols::clocks::driver::testing::{engine, wild};
    use crate::sim::kit;
    use crate::sim::trace::EventKind;
    use crate::sim::NetworkConfig;

    #[test]
    fn the_processes_clocks_match_the_engines_stamps() {
        for seed in 0..100 {
            let mut e = engine::<Lamport>(3 + (seed % 3) as usize, seed, wild());
            while e.step() {
                for (i, s) in e.world.states.iter().enumerate() {
                    let last = e.trace.node_events(i).last().unwrap();
                    assert_eq!(s.lamport, last.lamport, "seed {seed} node {i}");
                }
            }
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            assert!(e.quiescent(), "seed {seed}: runs come to rest once actions run out");
        }
    }

    #[test]
    fn the_counts_and_the_witness_agree_with_brute_force() {
        let mut found = 0;
        for seed in 0..200 {
            let mut e = engine::<Lamport>(2 + (seed % 4) as usize, seed, wild());
            while e.step() {}
            let (concurrent, ordered) = brute_force(&e.trace);
            let stats = &e.world.stats;
            assert_eq!((stats.concurrent(), stats.ordered()), (concurrent as u64, ordered as u64), "seed {seed}");
            if let Some(wit) = stats.witness() {
                found += 1;
                let (a, b) = (wit.low.0, wit.high.0);
                assert!(!crate::sim::trace::happened_before(&e.trace, a, b) && !crate::sim::trace::happened_before(&e.trace, b, a), "seed {seed}");
                assert!(wit.low.2 < wit.high.2, "seed {seed}");
                assert_eq!((wit.cut[wit.low.1], wit.cut[wit.high.1]), (e.trace.event(a).time, e.trace.event(b).time), "seed {seed}: the cut passes through both");
                assert!(cut_is_consistent(&e.trace, &wit.cut), "seed {seed}: {:?}", wit.cut);
            }
        }
        assert!(found > 150, "{found}");
    }

    #[test]
    fn a_clock_that_skips_the_max_breaks_the_clock_condition() {
        let mut e = engine::<Lamport>(3, 1, NetworkConfig::default());
        while !e.trace.events().iter().any(|ev| matches!(ev.kind, EventKind::Receive { .. })) {
            assert!(e.step());
        }
        // Every process forgets its clock: its next event is stamped below its last one.
        for s in e.world.states.iter_mut() {
            s.lamport = 0;
        }
        while e.step() {}
        assert!(e.trace.violations().iter().any(|v| v.invariant == "clock_condition" || v.invariant == "lamport_count"), "{:?}", e.trace.violations());
    }

    #[test]
    fn ready_scenarios_say_what_their_paragraphs_say() {
        for r in LamportClocks::info().scenarios {
            let mut e = kit::engine_of::<LamportClocks>(&kit::scenario::<LamportClocks>(r.id));
            while e.step() {}
            let st = &e.world.stats;
            assert!(e.trace.violations().is_empty(), "{}", r.id);
            let wit = st.witness().expect("every lesson draws a pair");
            let seen = (st.events(), e.world.counters.sent, st.concurrent(), st.ordered(), st.ties(), (wit.low.1, wit.low.2, wit.high.1, wit.high.2));
            let quoted = match r.id {
                "classic" => (21, 6, 60, 49, 11, (1, 4, 2, 6)),
                "converse-fails" => (22, 4, 102, 85, 17, (1, 2, 2, 4)),
                _ => (20, 5, 80, 66, 14, (2, 2, 1, 4)),
            };
            assert_eq!(seen, quoted, "{}: the paragraph quotes these", r.id);
            // The pair is ringed on the diagram: the core's overlay for marking events.
            let drawn = crate::sim::simulation::Simulation::overlays(&e, None);
            assert!(matches!(drawn.as_slice(), [Overlay::Events { events, alarm: false, .. }] if *events == vec![wit.low.0, wit.high.0]), "{}: {drawn:?}", r.id);
        }
    }
}
