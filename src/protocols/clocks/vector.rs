//! # Vector clocks
//!
//! Processes do three kinds of things: something local, sending a message, receiving
//! one. Lamport (1978) defined *happened-before* on these events: a→b when a comes
//! before b on the same process, when a sends the message b receives, or through a chain
//! of both. His scalar clock gives a→b ⇒ L(a) < L(b), but not the converse: two
//! concurrent events can carry ordered stamps, and the stamps cannot tell.
//!
//! Vector clocks (Fidge 1988, Mattern 1988) fix that. Process i keeps a vector V_i with
//! one entry per process. Before each of its events it adds one to its own entry; a
//! message carries the sender's vector; on receipt the receiver first takes the
//! element-wise maximum of its vector and the message's, then counts the receive. Then
//! a→b ⇔ V(a) < V(b) (every entry ≤, at least one <): the *strong* clock condition.
//! V_i[j] is exactly the number of j's events that i has heard of.
//!
//! Here each process acts on its own at random moments (or when clicked): a local event
//! or a send to a random neighbour in the topology (everyone, on the complete graph), up to a set number of actions, so the run comes
//! to rest and the whole time-space diagram can be read. Each process keeps its own
//! Lamport and vector clocks by the textbook rules, and the engine stamps every event
//! independently; the tests check that the two agree and that the strong clock condition
//! holds over every pair of events. Select an event on the diagram to see its causal
//! past and future; everything left plain is concurrent with it.
//!
//! Messages: `Msg{lamport, vector}`. Timers: `Act` (the next spontaneous action).
//! Invariants: own entry counts own events; nobody knows more of j than j has done;
//! Lamport ≥ own vector entry.

use super::driver::{process_fields, with_driver_words, Clock, Clocks, DRIVER_WORDS};
use crate::phrase;
use crate::sim::protocol::*;
use crate::sim::trace::Trace;
use crate::sim::view::NodeView;
use crate::sim::NodeId;
use crate::words::{vector as vector_text, w, Text, Words};

/// Lamport's counter and a vector with one entry per process.
pub struct Vector {
    n: usize,
}
pub type VectorClocks = Clocks<Vector>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub lamport: u64,
    pub vector: Vec<u32>,
    /// Events this process has had (its own entry should always equal this).
    pub events: u32,
    pub actions_left: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Msg {
    pub lamport: u64,
    pub vector: Vec<u32>,
}

impl Clock for Vector {
    const ID: &'static str = "clocks-vector";
    const WORDS: Words = &with_driver_words::<{ OWN.len() + DRIVER_WORDS.len() }>(OWN);
    const SCENARIOS: &'static [ReadyScenario] = &[
        ReadyScenario { id: "classic", fragment: "v=1&proto=clocks-vector&n=3&seed=4&p.actions=4&p.every=250&p.send=60" },
        ReadyScenario { id: "lamport-orders", fragment: "v=1&proto=clocks-vector&n=4&seed=2&p.actions=5&p.every=150&p.send=30" },
        ReadyScenario { id: "duplicates", fragment: "v=1&proto=clocks-vector&n=3&seed=11&dup=25&p.actions=4&p.every=120&p.send=80" },
    ];
    const SHOW: Show = Show { diagram_first: true, vectors_up_to: 6, ..Show::DEFAULT };
    type State = Node;
    type Msg = Msg;

    fn build(setup: &Setup) -> Vector {
        Vector { n: setup.n }
    }

    fn start(&self, actions: u32) -> Node {
        Node { lamport: 0, vector: vec![0; self.n], events: 0, actions_left: actions }
    }

    /// The clock rule for any event of our own: tick both clocks.
    fn tick(&self, me: NodeId, s: &mut Node) {
        s.lamport += 1;
        s.vector[me] += 1;
        s.events += 1;
    }

    process_fields!(Node);

    fn local_note(&self, s: &Node) -> Text {
        phrase!("note.local", s.lamport, vector_text(&s.vector))
    }

    fn message(&self, s: &Node) -> Msg {
        Msg { lamport: s.lamport, vector: s.vector.clone() }
    }

    fn receive(&self, me: NodeId, s: &mut Node, m: &Msg) -> Text {
        s.lamport = s.lamport.max(m.lamport);
        for (mine, theirs) in s.vector.iter_mut().zip(&m.vector) {
            *mine = (*mine).max(*theirs);
        }
        self.tick(me, s);
        phrase!("note.now", s.lamport, vector_text(&s.vector))
    }

    fn label(&self, m: &Msg) -> String {
        // Past five processes the vector no longer fits beside a moving arrow.
        if self.n <= 5 {
            vector_text(&m.vector)
        } else {
            format!("L={}", m.lamport)
        }
    }

    fn view(&self, _me: NodeId, s: &Node, view: NodeView) -> NodeView {
        // A long vector would run into the neighbours' labels; the inspector has it.
        let badge = if self.n <= 5 { format!("{} L={}", vector_text(&s.vector), s.lamport) } else { format!("L={}", s.lamport) };
        view.badge(badge).detail("vector", vector_text(&s.vector)).detail("lamport", s.lamport)
    }

    fn invariants() -> Vec<Invariant<VectorClocks>> {
        vec![
            Invariant {
                id: "own_entry",
                check: |_, snap| {
                    let bad: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].vector[i] != snap.states[i].events).collect();
                    Breach::unless_empty(bad, |bad| phrase!("breach.own_entry", crate::words::nodes(bad)))
                },
            },
            Invariant {
                id: "no_future",
                check: |_, snap| {
                    for (i, si) in snap.states.iter().enumerate() {
                        for (j, sj) in snap.states.iter().enumerate() {
                            if si.vector[j] > sj.vector[j] {
                                return Err(Breach { nodes: vec![i, j], detail: phrase!("breach.no_future", i, si.vector[j], j, sj.vector[j]) });
                            }
                        }
                    }
                    Ok(())
                },
            },
            Invariant {
                id: "lamport_count",
                check: |_, snap| {
                    let bad: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].lamport < snap.states[i].vector[i] as u64).collect();
                    Breach::unless_empty(bad, |bad| phrase!("breach.lamport_count", crate::words::nodes(bad)))
                },
            },
        ]
    }
}

/// Every pair of events on node lines, checked against both clock conditions:
/// a→b ⇔ V(a) < V(b), and a→b ⇒ L(a) < L(b). Returns the first pair that fails.
/// Happened-before is computed from the log (lines and messages), not from the stamps.
pub fn clock_conditions_hold(trace: &Trace) -> Result<(), String> {
    let events: Vec<_> = trace.events().iter().filter(|e| e.ticks() && trace.vector(e.id).is_some()).collect();
    for a in &events {
        let future = crate::sim::trace::causal_future(trace, a.id);
        let va = trace.vector(a.id).expect("filtered");
        for b in &events {
            if a.id == b.id {
                continue;
            }
            let vb = trace.vector(b.id).expect("filtered");
            let before = future.contains(&b.id);
            let vector_less = va != vb && va.iter().zip(vb).all(|(x, y)| x <= y);
            if before != vector_less {
                return Err(format!("events {} and {}: happened-before is {before} but V {:?} < V {:?} is {vector_less}", a.id, b.id, va, vb));
            }
            if before && a.lamport >= b.lamport {
                return Err(format!("events {} → {} but L {} ≥ L {}", a.id, b.id, a.lamport, b.lamport));
            }
        }
    }
    Ok(())
}

/// Its own words; the driver adds those of its params, inputs, roles and shared metrics.
const OWN: Words = &[
    w("name", "Vector clocks", "向量时钟"),
    w(
        "summary",
        "Processes act locally and send messages at random. Every event carries a Lamport stamp and a vector stamp: click one on the time-space diagram to light its causal past and future. Events left plain are concurrent, even when their Lamport stamps look ordered.",
        "进程随机地执行本地事件和发送消息。每个事件都带有 Lamport 时间戳和向量时间戳：在时空图上点击一个事件，它的因果过去和因果未来会被点亮。保持原样的事件与它并发，即使它们的 Lamport 时间戳看起来有先后。",
    ),
    w(
        "scenario.classic.about",
        "Three processes each act four times, mostly sending. Click any event: blue events happened before it, orange ones after, and the plain ones are concurrent. Compare the vector stamps: an event is in another's past exactly when its vector is smaller in every entry.",
        "三个进程各动作四次，多数是发送。点击任一事件：蓝色事件发生在它之前，橙色在它之后，保持原样的与它并发。比较向量时间戳：一个事件在另一个的过去中，当且仅当它的向量每一项都不大于后者。",
    ),
    w("scenario.lamport-orders", "Lamport stamps order concurrent events", "Lamport 时间戳给并发事件排了序"),
    w(
        "scenario.lamport-orders.about",
        "Four processes, rarely talking. Many pairs of events are concurrent, yet their Lamport stamps differ, so the scalar clock seems to order them. The metrics count such pairs; the vector stamps show they are unrelated.",
        "四个进程很少通信。许多事件对是并发的，但它们的 Lamport 时间戳不同，标量时钟看上去给它们排了序。指标统计了这样的事件对；向量时间戳表明它们并无因果关系。",
    ),
    w("scenario.duplicates", "A duplicated message is just another receive", "重复的消息只是又一次接收"),
    w(
        "scenario.duplicates.about",
        "The network duplicates a quarter of the messages. A duplicate is received twice and counted twice, but it carries the same vector, so the second copy adds nothing to what the receiver knows.",
        "网络复制了四分之一的消息。重复的消息被接收两次、计数两次，但它带着同样的向量，所以第二份副本不会让接收者知道更多。",
    ),
    w("detail.vector", "vector clock", "向量时钟"),
    w("note.local", "local event, now L={0} V={1}", "本地事件，现在 L={0} V={1}"),
    w("note.now", "now L={0} V={1}", "现在 L={0} V={1}"),
    w("inv.own_entry", "own entry counts own events", "自身分量计数自身事件"),
    w("inv.own_entry.about", "V_i[i] is the number of events process i has had.", "V_i[i] 等于进程 i 已发生的事件数。"),
    w("inv.no_future", "nobody knows the future", "没人知道未来"),
    w("inv.no_future.about", "V_i[j] ≤ V_j[j]: no process has heard of more of j's events than j has had.", "V_i[j] ≤ V_j[j]：没有进程知道的 j 的事件比 j 自己发生的还多。"),
    w("inv.lamport_count", "Lamport ≥ own count", "Lamport ≥ 自身计数"),
    w("inv.lamport_count.about", "L_i ≥ V_i[i]: the scalar clock is at least the number of own events.", "L_i ≥ V_i[i]：标量时钟不小于自身事件数。"),
    w("breach.own_entry", "processes {0} miscount their own events", "进程 {0} 自身事件计数错误"),
    w("breach.no_future", "process {0} knows {1} events of {2}, which has had {3}", "进程 {0} 知道 {2} 的 {1} 个事件，而 {2} 只发生了 {3} 个"),
    w("breach.lamport_count", "processes {0} have a Lamport clock below their own event count", "进程 {0} 的 Lamport 时钟小于自身事件数"),
    w("metric.ordered", "concurrent pairs with ordered Lamport stamps", "Lamport 时间戳有先后的并发事件对"),
    w("formula.concurrent", "neither V(a) ≤ V(b) nor V(b) ≤ V(a)", "既非 V(a) ≤ V(b)，也非 V(b) ≤ V(a)"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clocks::driver::testing::{engine, wild};
    use crate::sim::kit;
    use crate::sim::scenario::Scenario;
    use crate::sim::trace::EventKind;
    use crate::sim::NetworkConfig;

    #[test]
    fn sends_follow_the_new_topologies() {
        for topo in ["tree:3", "random-tree", "grid", "edges:0-1.1-2"] {
            for seed in 0..30 {
                let text = format!("v=1&proto=clocks-vector&n=5&seed={seed}&topo={topo}&p.send=90");
                let s = Scenario::parse_strict(&text, crate::protocols::REGISTRY).unwrap();
                let mut e = kit::engine_of::<VectorClocks>(&s);
                while e.step() {}
                assert!(e.trace.violations().is_empty(), "{text}: {:?}", e.trace.violations());
                clock_conditions_hold(&e.trace).unwrap_or_else(|why| panic!("{text}: {why}"));
                let graph = &e.setup.graph;
                for m in e.trace.messages() {
                    assert!(graph.neighbours(m.from).contains(&m.to), "{text}: {} -> {} is not a link", m.from, m.to);
                }
            }
        }
    }

    #[test]
    fn the_processes_clocks_match_the_engines_stamps() {
        for seed in 0..100 {
            let mut e = engine::<Vector>(4, seed, wild());
            while e.step() {
                // After every step, each process's clocks equal the engine's stamps on its
                // latest event: both follow the same rules, event for event.
                for (i, s) in e.world.states.iter().enumerate() {
                    let last = e.trace.node_events(i).last().unwrap();
                    assert_eq!(s.lamport, last.lamport, "seed {seed} node {i} Lamport");
                    assert_eq!(Some(&s.vector[..]), e.trace.vector(last.id), "seed {seed} node {i} vector");
                }
            }
            // A spontaneous send is one event: no timer event logged in the same step.
            for send in e.trace.events().iter().filter(|ev| matches!(ev.kind, EventKind::Send { .. })) {
                assert!(!e.trace.events().iter().any(|ev| ev.step == send.step && ev.node == send.node && matches!(ev.kind, EventKind::Timer { .. })), "seed {seed}");
            }
        }
    }

    #[test]
    fn strong_clock_condition_over_a_thousand_seeds() {
        for seed in 0..1_000 {
            let mut e = engine::<Vector>(3 + (seed % 3) as usize, seed, wild());
            while e.step() {}
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            clock_conditions_hold(&e.trace).unwrap_or_else(|why| panic!("seed {seed}: {why}"));
            assert!(e.quiescent(), "seed {seed}: runs come to rest once actions run out");
        }
    }

    #[test]
    fn lamport_orders_some_concurrent_pairs() {
        let mut e = kit::engine_of::<VectorClocks>(&kit::scenario::<VectorClocks>("lamport-orders"));
        while e.step() {}
        let (concurrent, ordered) = super::super::concurrency::brute_force(&e.trace);
        assert!(concurrent > 0 && ordered > 0, "{concurrent} concurrent, {ordered} ordered by Lamport");
    }

    #[test]
    fn a_miscounting_clock_would_be_caught() {
        let mut e = engine::<Vector>(3, 1, NetworkConfig::default());
        while !e.trace.events().iter().any(|ev| matches!(ev.kind, EventKind::Send { .. })) {
            assert!(e.step());
        }
        e.world.states[1].vector[2] = 99;
        let broken: Vec<_> = e.proto.invariants().iter().filter(|i| (i.check)(&e.proto, &e.snapshot()).is_err()).map(|i| i.id).collect();
        assert_eq!(broken, vec!["no_future"]);
        let mut trace = e.trace.clone();
        let send = trace.events().iter().position(|ev| matches!(ev.kind, EventKind::Send { .. })).unwrap();
        trace.vector_mut(send).copy_from_slice(&[0, 0, 0]);
        assert!(clock_conditions_hold(&trace).is_err(), "a wrong stamp breaks the strong clock condition");
    }

    #[test]
    fn ready_scenarios_come_to_rest_clean_and_replay_from_checkpoints() {
        for ready in VectorClocks::info().scenarios {
            let mut e = kit::engine_of::<VectorClocks>(&kit::scenario::<VectorClocks>(ready.id));
            let start = e.checkpoint();
            let mut middle = None;
            while e.step() {
                if e.world.step == 20 {
                    middle = Some(e.checkpoint());
                }
            }
            assert!(e.trace.violations().is_empty(), "{}: {:?}", ready.id, e.trace.violations());
            let straight = e.trace.hash();
            // Back to the start and to step 20, then on again: the same run both times.
            for cp in [Some(start), middle].into_iter().flatten() {
                e.restore(&cp);
                while e.step() {}
                assert_eq!(e.trace.hash(), straight, "{}", ready.id);
            }
        }
    }
}
