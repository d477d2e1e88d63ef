//! # Token-ring mutual exclusion
//!
//! The nodes are arranged in a logical ring and a single token travels around it, always
//! to the next node. Only the node holding the token may enter the critical section (CS).
//! A node that wants the CS waits for the token, keeps it while inside, and forwards it on
//! leaving; a node that does not want the CS forwards the token as soon as it arrives.
//!
//! Safety is structural: there is one token, so at most one node is inside. The price is
//! paid in messages and waiting: the token moves even when nobody wants it (the cost per
//! entry is unbounded when the system is idle, one message when every node is waiting), a
//! requester waits between 0 and N token transits, and the gap between one holder leaving
//! and the next entering (the synchronisation delay) is 1 to N transits.
//!
//! The algorithm assumes the token is never lost and no node crashes. Drop the token
//! message, or crash the node it is heading for, and the ring stalls: every request waits
//! forever. Duplicate it and two tokens circulate, and two nodes can be inside at once.
//!
//! Messages: `Token`. Timers: `Leave` (end of the CS), `Want` (a random request).
//! Invariants: ME1 (at most one node in the CS), one token, and a stall monitor.

use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::EventKind;
use crate::sim::{NetworkConfig, NodeId, ParamSpec, Time};

pub struct TokenRing {
    /// Each node's successor on the ring (from the run's graph).
    next: Vec<NodeId>,
    /// Ticks a node stays in the CS.
    cs_time: Time,
    /// Mean ticks between a node's random requests; 0 = only clicks request.
    request_every: Time,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Tokens held here: 0 or 1 while the algorithm's assumption holds; more after the
    /// network duplicated the token (each is passed on in its own message).
    pub tokens: u32,
    pub in_cs: bool,
    /// Since when this node has wanted the CS.
    pub wanting_since: Option<Time>,
    pub entries: u32,
    /// Token passes this node has seen (the token's counter when it last held it).
    pub last_pass: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The token; `pass` counts its hops since the start.
    Token { pass: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    Leave,
    Want,
}

const REQUEST: InputSpec = InputSpec { id: "request", label: "Request the critical section" };

impl TokenRing {
    fn next(&self, me: NodeId) -> NodeId {
        self.next[me]
    }

    /// Pass on every token held (one, unless a duplicate made more).
    fn pass_tokens(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        for _ in 0..s.tokens {
            s.last_pass += 1;
            ctx.send(self.next(me), Msg::Token { pass: s.last_pass });
        }
        s.tokens = 0;
    }

    fn want(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        if s.wanting_since.is_none() && !s.in_cs {
            s.wanting_since = Some(ctx.now());
            ctx.mark("request");
            ctx.note("wants the critical section");
        }
    }

    fn arm_random_request(&self, ctx: &mut Ctx<Self>) {
        if self.request_every > 0 {
            let after = ctx.random_between(1, 2 * self.request_every);
            ctx.set_timer(after, Timer::Want);
        }
    }
}

/// Token receptions after event `from` up to and including event `to` (an entry is
/// itself the receipt of the token): the transits waited for.
fn token_transits_between(run: &RunView<TokenRing>, from: usize, to: usize) -> usize {
    run.trace.events[from + 1..=to]
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Receive { msg } if run.trace.messages[msg].token))
        .count()
}

impl Protocol for TokenRing {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;

    fn info() -> ProtocolInfo {
        ProtocolInfo {
            id: "mutex-token-ring",
            name: "Token ring",
            family: "Mutual exclusion",
            summary: "One token circulates around a logical ring; only its holder may enter the critical section. \
                      Safe by construction, but the token costs messages even when nobody wants it, and losing it stalls everyone.",
            nodes: NodeRange { min: 2, max: 32, default: 6 },
            topologies: &[TopologyKind::Ring],
            network: NetworkConfig::default(),
            params: vec![
                ParamSpec::int("cs", "Ticks a node spends in the critical section", 1, 10_000, 120),
                ParamSpec::int("requests", "Mean ticks between a node's random requests (0: only clicks request)", 0, 100_000, 600),
            ],
            inputs: &[REQUEST],
            scenarios: &[
                ReadyScenario {
                    title: "Requests served in ring order",
                    explanation: "Six nodes ask for the critical section at random. Watch the token: it only stops at nodes that want it, \
                                  and each waits at most one lap. Compare the measured enter delay with 0..N transits.",
                    fragment: "v=1&proto=mutex-token-ring&n=6&seed=7&p.cs=120&p.requests=400",
                },
                ReadyScenario {
                    title: "A lost token stalls the ring",
                    explanation: "Requests come only from clicks. Node 3 asks for the CS, but the network drops the token on its way. \
                                  Nobody can ever enter again: the stall monitor names the waiting nodes.",
                    fragment: "v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0&act=0:input:3:request,1:drop:1",
                },
                ReadyScenario {
                    title: "A crashed node swallows the token",
                    explanation: "Node 3 crashes at the start. The token reaches it on its first lap and is discarded with the node's state; \
                                  from then on every request waits forever. Nothing in the algorithm notices: the stall monitor does.",
                    fragment: "v=1&proto=mutex-token-ring&n=6&seed=2&p.requests=300&act=0:crash:3",
                },
                ReadyScenario {
                    title: "A duplicated token breaks mutual exclusion",
                    explanation: "The token is copied on its first hop and one copy is held up, so two tokens circulate half a lap apart. \
                                  Each lets a waiting node in, and soon two nodes are inside at once: the ME1 monitor names them.",
                    fragment: "v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=150&act=0:dup:0,0:delay:1:150",
                },
            ],
        }
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let next = (0..setup.n).map(|i| setup.graph.ring_next(i)).collect::<Option<Vec<_>>>();
        let next = next.ok_or_else(|| format!("the token ring needs topology ring, not {}", setup.topology))?;
        Ok(TokenRing { next, cs_time: setup.params.int("cs") as Time, request_every: setup.params.int("requests") as Time })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node { tokens: 0, in_cs: false, wanting_since: None, entries: 0, last_pass: 0 };
        if me == 0 {
            s.tokens = 1;
            ctx.note("starts with the token");
            self.pass_tokens(me, &mut s, ctx);
        }
        self.arm_random_request(ctx);
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, _from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        let Msg::Token { pass } = m;
        s.tokens += 1;
        s.last_pass = s.last_pass.max(pass);
        if s.wanting_since.is_some() && !s.in_cs {
            s.in_cs = true;
            s.entries += 1;
            ctx.mark("enter_cs");
            ctx.note("enters the critical section");
            ctx.set_timer(self.cs_time, Timer::Leave);
        } else if !s.in_cs {
            self.pass_tokens(me, s, ctx);
        }
        // A second token arriving while inside (after a duplicate) waits for the exit.
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Leave => {
                s.in_cs = false;
                s.wanting_since = None;
                ctx.mark("exit_cs");
                ctx.note("leaves the critical section");
                self.pass_tokens(me, s, ctx);
                self.arm_random_request(ctx);
            }
            Timer::Want => {
                if s.wanting_since.is_none() && !s.in_cs {
                    self.want(s, ctx);
                } else {
                    self.arm_random_request(ctx);
                }
            }
        }
    }

    fn on_input(&self, _me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == REQUEST.id {
            self.want(s, ctx);
        }
    }

    /// A node that comes back remembers nothing, and in particular has no token: the
    /// algorithm has no way to regenerate one, which is the lesson.
    fn on_recover(&self, _me: NodeId, _old: &Node, ctx: &mut Ctx<Self>) -> Node {
        self.arm_random_request(ctx);
        Node { tokens: 0, in_cs: false, wanting_since: None, entries: 0, last_pass: 0 }
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        let Msg::Token { pass } = m;
        MsgLabel { kind: "token", text: format!("pass {pass}"), token: true }
    }

    fn timer_label(&self, t: &Timer) -> String {
        match t {
            Timer::Leave => "leave CS".into(),
            Timer::Want => "random request".into(),
        }
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = match (s.in_cs, s.wanting_since.is_some(), s.tokens > 0) {
            (true, _, _) => ("in CS", Tone::Active),
            (false, true, _) => ("wants CS", Tone::Waiting),
            (false, false, true) => ("holds token", Tone::Leader),
            _ => ("idle", Tone::Idle),
        };
        NodeView {
            role,
            tone,
            badge: match s.wanting_since {
                Some(t) if !s.in_cs => format!("since t={t}"),
                _ => format!("entries {}", s.entries),
            },
            holds_token: s.tokens > 0,
            details: vec![
                ("tokens here".into(), s.tokens.to_string()),
                ("in critical section".into(), s.in_cs.to_string()),
                ("wants since".into(), s.wanting_since.map_or("-".into(), |t| t.to_string())),
                ("CS entries".into(), s.entries.to_string()),
                ("last token pass seen".into(), s.last_pass.to_string()),
            ],
        }
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.wanting_since.is_none() && !s.in_cs {
            vec![REQUEST]
        } else {
            vec![]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![
            Invariant {
                name: "ME1 mutual exclusion",
                description: "At most one node is in the critical section.",
                check: |_, snap| {
                    let inside: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.up[i] && snap.states[i].in_cs).collect();
                    if inside.len() <= 1 {
                        Ok(())
                    } else {
                        Err(Breach { detail: format!("nodes {inside:?} are in the critical section together"), nodes: inside })
                    }
                },
            },
            Invariant {
                name: "one token",
                description: "Exactly one token exists, held by a live node or in flight.",
                check: |_, snap| {
                    let holders: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.up[i] && snap.states[i].tokens > 0).collect();
                    let held: usize = holders.iter().map(|&i| snap.states[i].tokens as usize).sum();
                    let flying = snap.in_flight.len();
                    match held + flying {
                        1 => Ok(()),
                        0 => Err(Breach { nodes: vec![], detail: "the token is lost: no node holds it and none is in flight".into() }),
                        k => Err(Breach { nodes: holders, detail: format!("{k} tokens exist ({flying} in flight)") }),
                    }
                },
            },
            Invariant {
                name: "ME2 no stall",
                description: "While a node waits for the CS, the token still exists to reach it.",
                check: |_, snap| {
                    let alive = (0..snap.states.len()).any(|i| snap.up[i] && snap.states[i].tokens > 0) || !snap.in_flight.is_empty();
                    let waiting: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.up[i] && snap.states[i].wanting_since.is_some()).collect();
                    if alive || waiting.is_empty() {
                        Ok(())
                    } else {
                        Err(Breach { detail: format!("the ring has stalled: nodes {waiting:?} wait for a token that no longer exists"), nodes: waiting })
                    }
                },
            },
        ]
    }

    fn metrics(&self, run: &RunView<Self>) -> Vec<Metric> {
        let n = run.setup.n as f64;
        let trace = run.trace;
        let entries: Vec<_> = trace.marked("enter_cs").collect();
        // Enter delay: token transits between a node's request and its entry.
        let mut waits = Vec::new();
        for e in &entries {
            let request = trace.events[..e.id].iter().rev().filter(|r| r.node == e.node).find(|r| r.marks.contains(&"request"));
            if let Some(r) = request {
                waits.push(token_transits_between(run, r.id, e.id) as f64);
            }
        }
        // Synchronisation delay: token transits from one exit to the next entry anywhere.
        let mut syncs = Vec::new();
        for x in trace.marked("exit_cs") {
            if let Some(next) = entries.iter().find(|e| e.id > x.id) {
                syncs.push(token_transits_between(run, x.id, next.id) as f64);
            }
        }
        let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
        let max = |v: &[f64]| v.iter().cloned().fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        vec![
            Metric {
                name: "messages per CS entry",
                measured: (!entries.is_empty()).then(|| run.counters.sent as f64 / entries.len() as f64),
                textbook: Textbook::Unbounded,
                formula: "1 (all waiting) to unbounded (idle ring)",
            },
            Metric { name: "enter delay, mean (transits)", measured: mean(&waits), textbook: Textbook::Range(0.0, n), formula: "0..N" },
            Metric { name: "enter delay, worst (transits)", measured: max(&waits), textbook: Textbook::Range(0.0, n), formula: "0..N" },
            Metric { name: "sync delay, mean (transits)", measured: mean(&syncs), textbook: Textbook::Range(1.0, n), formula: "1..N" },
            Metric { name: "CS entries", measured: Some(entries.len() as f64), textbook: Textbook::Unbounded, formula: "counted" },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;
    use crate::sim::{Engine, History, Params, Topology};

    fn engine(n: usize, seed: u64, requests: i64) -> Engine<TokenRing> {
        let mut params = Params::defaults(&TokenRing::info().params);
        params.0.insert("requests", crate::sim::ParamValue::Int(requests));
        let setup = Setup::new(n, Topology::Ring, params, seed).unwrap();
        Engine::new(TokenRing::build(&setup).unwrap(), setup, NetworkConfig::default(), seed)
    }

    #[test]
    fn every_requester_enters_and_waits_at_most_a_lap() {
        for seed in 0..50 {
            let mut e = engine(5, seed, 300);
            for _ in 0..3000 {
                e.step();
            }
            assert!(e.trace.violations.is_empty(), "seed {seed}: {:?}", e.trace.violations);
            let metrics = e.proto.metrics(&e.run_view());
            let worst = metrics.iter().find(|m| m.name.starts_with("enter delay, worst")).unwrap().measured.unwrap();
            assert!(worst <= 5.0, "seed {seed}: waited {worst} transits");
            let sync = metrics.iter().find(|m| m.name.starts_with("sync delay")).unwrap().measured.unwrap();
            assert!((1.0..=5.0).contains(&sync), "seed {seed}: sync delay {sync} outside 1..N");
            assert!(e.world.states.iter().all(|s| s.entries > 0), "seed {seed}: someone starved");
        }
    }

    #[test]
    fn an_idle_ring_passes_the_token_without_entries() {
        let mut e = engine(4, 1, 0);
        for _ in 0..40 {
            e.step();
        }
        assert_eq!(e.world.counters.by_kind["token"], e.world.counters.sent);
        assert!(e.world.counters.sent >= 40);
        assert!(e.trace.marked("enter_cs").next().is_none());
    }

    #[test]
    fn the_lost_token_scenario_stalls_and_says_who_waits() {
        let registry = crate::protocols::REGISTRY;
        let ready = TokenRing::info().scenarios[1];
        let scenario = Scenario::parse_strict(ready.fragment, registry).unwrap();
        let mut h = History::new(scenario.start(registry).unwrap(), scenario.acts.clone());
        while h.forward() {}
        assert!(h.problems().is_empty(), "{:?}", h.problems());
        let v = &h.sim().trace().violations;
        assert!(v.iter().any(|v| v.invariant == "ME2 no stall" && v.nodes == vec![3]), "{v:?}");
    }

    #[test]
    fn the_ready_failures_show_what_they_promise() {
        let registry = crate::protocols::REGISTRY;
        let run = |i: usize| {
            let s = Scenario::parse_strict(TokenRing::info().scenarios[i].fragment, registry).unwrap();
            let mut h = History::new(s.start(registry).unwrap(), s.acts.clone());
            while h.step() < 2_000 && h.forward() {}
            assert!(h.problems().is_empty(), "{:?}", h.problems());
            h.sim().trace().violations.iter().map(|v| v.invariant).collect::<Vec<_>>()
        };
        assert!(run(2).contains(&"ME2 no stall"), "a crash stalls the ring");
        assert!(run(3).contains(&"ME1 mutual exclusion"), "two tokens let two nodes in");
    }

    #[test]
    fn a_duplicated_token_breaks_mutual_exclusion() {
        let mut caught = 0;
        for seed in 0..20 {
            let mut e = engine(4, seed, 50);
            e.step();
            let token = e.flights().next().unwrap().0;
            e.apply(&crate::sim::Act::Duplicate(token)).unwrap();
            for _ in 0..3000 {
                e.step();
            }
            assert!(e.trace.violations.iter().any(|v| v.invariant == "one token"));
            caught += e.trace.violations.iter().any(|v| v.invariant == "ME1 mutual exclusion") as usize;
        }
        assert!(caught > 0, "two tokens never met in the CS over 20 seeds");
    }
}
