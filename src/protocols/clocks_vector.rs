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

use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::topology::{Graph, TopologyKind};
use crate::sim::trace::Trace;
use crate::sim::{NetworkConfig, NodeId, ParamSpec, Time};

pub struct VectorClocks {
    n: usize,
    /// The run's topology: spontaneous sends go to a random neighbour in it.
    graph: Graph,
    /// Spontaneous actions per process before it stops acting on its own.
    actions: u32,
    /// Mean ticks between a process's actions; 0 = only clicks.
    every: Time,
    /// Chance (percent) that an action is a send rather than a local event.
    send_percent: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub lamport: u64,
    pub vector: Vec<u32>,
    /// Events this process has had (its own entry should always equal this).
    pub events: u32,
    pub actions_left: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub lamport: u64,
    pub vector: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    Act,
}

const LOCAL: InputSpec = InputSpec { id: "local", label: "Local event" };
const SEND: InputSpec = InputSpec { id: "send", label: "Send to a random neighbour" };

fn vector_text(v: &[u32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", parts.join(","))
}

impl VectorClocks {
    /// The clock rule for any event of our own: tick both clocks.
    fn tick(&self, me: NodeId, s: &mut Node) {
        s.lamport += 1;
        s.vector[me] += 1;
        s.events += 1;
    }

    fn local(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        // The engine logs the handler's event (timer or input) as the local event.
        self.tick(me, s);
        ctx.note(format!("local event, now L={} V={}", s.lamport, vector_text(&s.vector)));
    }

    fn send_random(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        let neighbours = self.graph.neighbours(me);
        let to = neighbours[ctx.random_between(0, neighbours.len() as u64 - 1) as usize];
        // Deciding to send is not an event of its own: the send is the one event.
        ctx.silent();
        self.tick(me, s);
        ctx.send(to, Msg { lamport: s.lamport, vector: s.vector.clone() });
    }

    fn act(&self, me: NodeId, s: &mut Node, send: bool, ctx: &mut Ctx<Self>) {
        // A node without links (possible in an explicit edge list) only acts locally.
        if send && !self.graph.neighbours(me).is_empty() {
            self.send_random(me, s, ctx);
        } else {
            self.local(me, s, ctx);
        }
    }

    fn arm(&self, s: &Node, ctx: &mut Ctx<Self>) {
        if self.every > 0 && s.actions_left > 0 {
            let after = ctx.random_between(1, 2 * self.every);
            ctx.set_timer(after, Timer::Act);
        }
    }
}

/// Every pair of events on node lines, checked against both clock conditions:
/// a→b ⇔ V(a) < V(b), and a→b ⇒ L(a) < L(b). Returns the first pair that fails.
/// Happened-before is computed from the log (lines and messages), not from the stamps.
pub fn clock_conditions_hold(trace: &Trace) -> Result<(), String> {
    let events: Vec<_> = trace.events.iter().filter(|e| e.node.is_some() && e.vector.is_some()).collect();
    for a in &events {
        let future = crate::sim::trace::causal_future(trace, a.id);
        let va = a.vector.as_ref().expect("filtered");
        for b in &events {
            if a.id == b.id {
                continue;
            }
            let vb = b.vector.as_ref().expect("filtered");
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

/// Pairs of concurrent events, and how many of them Lamport stamps nonetheless order.
fn concurrency(trace: &Trace) -> (usize, usize) {
    let events: Vec<_> = trace.events.iter().filter(|e| e.node.is_some() && e.vector.is_some()).collect();
    let (mut concurrent, mut ordered) = (0, 0);
    for (i, a) in events.iter().enumerate() {
        let va = a.vector.as_ref().expect("filtered");
        for b in &events[i + 1..] {
            let vb = b.vector.as_ref().expect("filtered");
            let le = va.iter().zip(vb).all(|(x, y)| x <= y);
            let ge = va.iter().zip(vb).all(|(x, y)| x >= y);
            if !le && !ge {
                concurrent += 1;
                if a.lamport != b.lamport {
                    ordered += 1;
                }
            }
        }
    }
    (concurrent, ordered)
}

impl Protocol for VectorClocks {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;

    fn info() -> ProtocolInfo {
        ProtocolInfo {
            id: "clocks-vector",
            name: "Vector clocks",
            family: "Clocks",
            summary: "Processes act locally and send messages at random. Every event carries a Lamport stamp and a vector stamp: \
                      click one on the time-space diagram to light its causal past and future. Events left plain are concurrent, \
                      even when their Lamport stamps look ordered.",
            nodes: NodeRange { min: 2, max: 12, default: 3 },
            topologies: &[
                TopologyKind::Complete,
                TopologyKind::Ring,
                TopologyKind::Star,
                TopologyKind::Tree,
                TopologyKind::RandomTree,
                TopologyKind::Grid,
                TopologyKind::Edges,
            ],
            network: NetworkConfig { delay_min: 60, delay_max: 160, fifo: false, ..NetworkConfig::default() },
            params: vec![
                ParamSpec::int("actions", "Spontaneous actions per process before it rests", 0, 1_000, 4),
                ParamSpec::int("every", "Mean ticks between a process's actions (0: only clicks act)", 0, 100_000, 120),
                ParamSpec::int("send", "Percent of actions that send a message (the rest are local events)", 0, 100, 60),
            ],
            inputs: &[LOCAL, SEND],
            scenarios: &[
                ReadyScenario {
                    title: "Three processes, the classic picture",
                    explanation: "Three processes each act four times, mostly sending. Click any event: blue events happened before it, \
                                  orange ones after, and the plain ones are concurrent. Compare the vector stamps: an event is in another's \
                                  past exactly when its vector is smaller in every entry.",
                    fragment: "v=1&proto=clocks-vector&n=3&seed=4&p.actions=4&p.every=250&p.send=60",
                },
                ReadyScenario {
                    title: "Lamport stamps order concurrent events",
                    explanation: "Four processes, rarely talking. Many pairs of events are concurrent, yet their Lamport stamps differ, \
                                  so the scalar clock seems to order them. The metrics count such pairs; the vector stamps show they are \
                                  unrelated.",
                    fragment: "v=1&proto=clocks-vector&n=4&seed=2&p.actions=5&p.every=150&p.send=30",
                },
                ReadyScenario {
                    title: "A duplicated message is just another receive",
                    explanation: "The network duplicates a quarter of the messages. A duplicate is received twice and counted twice, but it \
                                  carries the same vector, so the second copy adds nothing to what the receiver knows.",
                    fragment: "v=1&proto=clocks-vector&n=3&seed=11&dup=25&p.actions=4&p.every=120&p.send=80",
                },
            ],
        }
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(VectorClocks {
            n: setup.n,
            graph: setup.graph.clone(),
            actions: setup.params.int("actions") as u32,
            every: setup.params.int("every") as Time,
            send_percent: setup.params.int("send") as u32,
        })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        // The engine counts the start as each process's first event.
        let mut s = Node { lamport: 0, vector: vec![0; self.n], events: 0, actions_left: self.actions };
        self.tick(me, &mut s);
        self.arm(&s, ctx);
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, _from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        s.lamport = s.lamport.max(m.lamport);
        for (mine, theirs) in s.vector.iter_mut().zip(&m.vector) {
            *mine = (*mine).max(*theirs);
        }
        self.tick(me, s);
        ctx.note(format!("now L={} V={}", s.lamport, vector_text(&s.vector)));
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, _t: Timer, ctx: &mut Ctx<Self>) {
        if s.actions_left == 0 {
            return self.local(me, s, ctx);
        }
        s.actions_left -= 1;
        let send = ctx.random_chance(self.send_percent * 10_000);
        self.act(me, s, send, ctx);
        self.arm(s, ctx);
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        self.act(me, s, i.id == SEND.id, ctx);
    }

    /// Clocks are kept on stable storage: a process that comes back continues counting
    /// (its recovery is one more event).
    fn on_recover(&self, me: NodeId, old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        let mut s = old.clone();
        s.actions_left = 0;
        self.tick(me, &mut s);
        s
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        // Past five processes the vector no longer fits beside a moving arrow.
        let text = if self.n <= 5 { vector_text(&m.vector) } else { format!("L={}", m.lamport) };
        MsgLabel { kind: "msg", text, token: false }
    }

    fn timer_label(&self, _t: &Timer) -> String {
        "act".into()
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        NodeView {
            role: if s.actions_left > 0 && self.every > 0 { "acting" } else { "resting" },
            tone: if s.actions_left > 0 && self.every > 0 { Tone::Waiting } else { Tone::Idle },
            // A long vector would run into the neighbours' labels; the inspector has it.
            badge: if self.n <= 5 { format!("{} L={}", vector_text(&s.vector), s.lamport) } else { format!("L={}", s.lamport) },
            holds_token: false,
            details: vec![
                ("vector clock".into(), vector_text(&s.vector)),
                ("Lamport clock".into(), s.lamport.to_string()),
                ("own events".into(), s.events.to_string()),
                ("actions left".into(), s.actions_left.to_string()),
            ],
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant {
                name: "own entry counts own events",
                description: "V_i[i] is the number of events process i has had.",
                check: |_, snap| {
                    let bad: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].vector[i] != snap.states[i].events).collect();
                    if bad.is_empty() {
                        Ok(())
                    } else {
                        Err(Breach { detail: format!("processes {bad:?} miscount their own events"), nodes: bad })
                    }
                },
            },
            Invariant {
                name: "nobody knows the future",
                description: "V_i[j] ≤ V_j[j]: no process has heard of more of j's events than j has had.",
                check: |_, snap| {
                    for (i, si) in snap.states.iter().enumerate() {
                        for (j, sj) in snap.states.iter().enumerate() {
                            if si.vector[j] > sj.vector[j] {
                                return Err(Breach { nodes: vec![i, j], detail: format!("process {i} knows {} events of {j}, which has had {}", si.vector[j], sj.vector[j]) });
                            }
                        }
                    }
                    Ok(())
                },
            },
            Invariant {
                name: "Lamport ≥ own count",
                description: "L_i ≥ V_i[i]: the scalar clock is at least the number of own events.",
                check: |_, snap| {
                    let bad: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].lamport < snap.states[i].vector[i] as u64).collect();
                    if bad.is_empty() {
                        Ok(())
                    } else {
                        Err(Breach { detail: format!("processes {bad:?} have a Lamport clock below their own event count"), nodes: bad })
                    }
                },
            },
        ]
    }

    fn metrics(&self, run: &RunView<Self>) -> Vec<Metric> {
        let trace = run.trace;
        let events = trace.events.iter().filter(|e| e.node.is_some()).count();
        let (concurrent, ordered) = concurrency(trace);
        vec![
            Metric { name: "events", measured: Some(events as f64), textbook: Textbook::Unbounded, formula: "counted" },
            Metric { name: "messages", measured: Some(run.counters.sent as f64), textbook: Textbook::Unbounded, formula: "counted" },
            Metric { name: "concurrent pairs", measured: Some(concurrent as f64), textbook: Textbook::Unbounded, formula: "neither V(a) ≤ V(b) nor V(b) ≤ V(a)" },
            Metric {
                name: "concurrent pairs with ordered Lamport stamps",
                measured: Some(ordered as f64),
                textbook: Textbook::Unbounded,
                formula: "L(a) < L(b) does not imply a → b",
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::Engine;
    use crate::sim::scenario::Scenario;
    use crate::sim::trace::EventKind;
    use crate::sim::{Params, Topology};

    fn engine(n: usize, seed: u64, network: NetworkConfig) -> Engine<VectorClocks> {
        let topology = [Topology::Complete, Topology::Ring, Topology::Tree(2)][n % 3].clone();
        let setup = Setup::new(n, topology, Params::defaults(&VectorClocks::info().params), seed).unwrap();
        Engine::new(VectorClocks::build(&setup).unwrap(), setup, network, seed)
    }

    fn engine_for(s: &Scenario) -> Engine<VectorClocks> {
        let setup = s.setup().unwrap();
        Engine::new(VectorClocks::build(&setup).unwrap(), setup, s.network.clone(), s.seed)
    }

    #[test]
    fn sends_follow_the_new_topologies() {
        for topo in ["tree:3", "random-tree", "grid", "edges:0-1.1-2"] {
            for seed in 0..30 {
                let text = format!("v=1&proto=clocks-vector&n=5&seed={seed}&topo={topo}&p.send=90");
                let s = Scenario::parse_strict(&text, crate::protocols::REGISTRY).unwrap();
                let mut e = engine_for(&s);
                while e.step() {}
                assert!(e.trace.violations.is_empty(), "{text}: {:?}", e.trace.violations);
                clock_conditions_hold(&e.trace).unwrap_or_else(|why| panic!("{text}: {why}"));
                let graph = &e.setup.graph;
                for m in &e.trace.messages {
                    assert!(graph.neighbours(m.from).contains(&m.to), "{text}: {} -> {} is not a link", m.from, m.to);
                }
            }
        }
    }

    fn wild() -> NetworkConfig {
        NetworkConfig { delay_min: 1, delay_max: 300, fifo: false, duplicate: 100_000, ..NetworkConfig::default() }
    }

    #[test]
    fn the_processes_clocks_match_the_engines_stamps() {
        for seed in 0..100 {
            let mut e = engine(4, seed, wild());
            while e.step() {
                // After every step, each process's clocks equal the engine's stamps on its
                // latest event: both follow the same rules, event for event.
                for (i, s) in e.world.states.iter().enumerate() {
                    let last = e.trace.node_events(i).last().unwrap();
                    assert_eq!(s.lamport, last.lamport, "seed {seed} node {i} Lamport");
                    assert_eq!(Some(&s.vector), last.vector.as_ref(), "seed {seed} node {i} vector");
                }
            }
            // A spontaneous send is one event: no timer event logged in the same step.
            for send in e.trace.events.iter().filter(|ev| matches!(ev.kind, EventKind::Send { .. })) {
                assert!(!e.trace.events.iter().any(|ev| ev.step == send.step && ev.node == send.node && matches!(ev.kind, EventKind::Timer { .. })), "seed {seed}");
            }
        }
    }

    #[test]
    fn strong_clock_condition_over_a_thousand_seeds() {
        for seed in 0..1_000 {
            let mut e = engine(3 + (seed % 3) as usize, seed, wild());
            while e.step() {}
            assert!(e.trace.violations.is_empty(), "seed {seed}: {:?}", e.trace.violations);
            clock_conditions_hold(&e.trace).unwrap_or_else(|why| panic!("seed {seed}: {why}"));
            assert!(e.quiescent(), "seed {seed}: runs come to rest once actions run out");
        }
    }

    #[test]
    fn lamport_orders_some_concurrent_pairs() {
        let ready = VectorClocks::info().scenarios[1];
        let s = Scenario::parse_strict(ready.fragment, crate::protocols::REGISTRY).unwrap();
        let mut e = engine_for(&s);
        while e.step() {}
        let (concurrent, ordered) = concurrency(&e.trace);
        assert!(concurrent > 0 && ordered > 0, "{concurrent} concurrent, {ordered} ordered by Lamport");
    }

    #[test]
    fn a_miscounting_clock_would_be_caught() {
        let mut e = engine(3, 1, NetworkConfig::default());
        while !e.trace.events.iter().any(|ev| matches!(ev.kind, EventKind::Send { .. })) {
            assert!(e.step());
        }
        e.world.states[1].vector[2] = 99;
        let broken: Vec<_> = e.proto.invariants().iter().filter(|i| (i.check)(&e.proto, &e.snapshot()).is_err()).map(|i| i.name).collect();
        assert_eq!(broken, vec!["nobody knows the future"]);
        let mut trace = e.trace.clone();
        let send = trace.events.iter().position(|ev| matches!(ev.kind, EventKind::Send { .. })).unwrap();
        trace.events[send].vector = Some(vec![0, 0, 0]);
        assert!(clock_conditions_hold(&trace).is_err(), "a wrong stamp breaks the strong clock condition");
    }

    #[test]
    fn ready_scenarios_parse_and_are_deterministic() {
        for ready in VectorClocks::info().scenarios {
            let s = Scenario::parse_strict(ready.fragment, crate::protocols::REGISTRY).unwrap();
            let hash = |s: &Scenario| {
                let mut e = engine_for(s);
                while e.step() {}
                e.trace.hash()
            };
            assert_eq!(hash(&s), hash(&s));
        }
    }
}
