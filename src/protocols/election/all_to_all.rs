//! # Fully distributed election (all to all)
//!
//! Every node can talk to every other directly (a complete graph), so there is no need to
//! relay anything: each node simply tells all the others its identifier, and the node with
//! the largest one wins. This is the "fully distributed" election of the course notes.
//!
//! A node that has not yet taken part starts either by itself (an initiator) or when the
//! first `Election{id}` reaches it. Either way it *joins*: it sends `Election{its id}` to
//! all N-1 others, once. It stays a *candidate* only while it has seen no id larger than
//! its own; a larger id makes it drop out, a smaller one is noted and dropped (never
//! forwarded: everyone hears every id first hand).
//!
//! **Joining sends the node's own id even when the id that woke it is larger.** The notes
//! say every process starts by sending its id to all the others, and that the largest id
//! ends up receiving every election message. That is also the only way the winner can
//! *know* it has won in an asynchronous system: the node with the largest id declares
//! itself coordinator (mark `elected`) at the moment it has heard from all N-1 others and
//! none was larger, and then sends `Coordinator{id}` to all. A node that stayed silent
//! after seeing a larger id would leave the winner waiting for ever.
//!
//! Costs. Every node sends its id exactly once to every other, whoever starts: N(N-1)
//! `Election` messages, plus N-1 `Coordinator`, so N²-1 in all (63 for N = 8): the
//! textbook's O(N²). With everyone starting at time 0, every id travels in parallel (one
//! transit) and the announcement is a second one: a turnaround of exactly 2 transits,
//! O(1) rounds. With one starter, its id wakes the others (1), their ids reach the winner
//! (2), the announcement follows (3): 3 transits when delays are equal (2 when N = 2 and
//! the other node is the larger: it has heard from everyone the moment it wakes). Unequal
//! delays can chain wake-ups (node a woken by the starter wakes b before the starter's own
//! message gets there...), up to N+1 transits: this is where the notes' O(N) time comes
//! from.
//!
//! Only the largest id can hear N-1 smaller ids, so two coordinators cannot happen. The
//! algorithm assumes nodes do not crash during the election: a node that is down never
//! sends its id, so the node with the largest live id waits for ever and nobody is elected;
//! the agreement monitor names every live node when the run comes to rest. A recovered
//! node remembers nothing and starts only when clicked; the others have already sent
//! their ids and do not answer, so it too stays without a coordinator (the notes assume a
//! crashed process does not come back).
//!
//! Messages: `Election{id}`, `Coordinator{id}`. No timers.
//! Invariants: one coordinator; agreement at rest on the live node with the largest id.

use std::collections::BTreeSet;

use super::shared::{self, exact, Elector, OneCoordinator, Rounds};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::Monitor;
use crate::sim::protocol::*;
use crate::sim::view::{Glyph, NodeView, Tone};
use crate::sim::{NodeId, ParamSpec};
use crate::words::{w, Text, Words};

/// Who starts at time 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Initiators {
    All,
    One,
    /// Nobody: nodes start when clicked.
    Clicks,
}

pub struct AllToAll {
    n: usize,
    /// Identifier of each node, by index.
    ids: Vec<u32>,
    initiators: Initiators,
    starter: NodeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub id: u32,
    /// Has sent its id to all the others.
    pub joined: bool,
    /// Has seen no id larger than its own (meaningful once joined).
    pub candidate: bool,
    /// The largest id seen, its own included.
    pub largest: u32,
    /// The nodes whose id has arrived here.
    pub heard: BTreeSet<NodeId>,
    pub leader: Option<u32>,
    pub involved: bool,
}

impl Node {
    fn fresh(id: u32) -> Node {
        Node { id, joined: false, candidate: true, largest: id, heard: BTreeSet::new(), leader: None, involved: false }
    }
}

impl Elector for Node {
    fn standing(&self) -> (u32, Option<u32>, bool) {
        (self.id, self.leader, self.involved)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Election { id: u32 },
    Coordinator { id: u32 },
}


const START: InputSpec = InputSpec::plain("start");
const INITIATORS: &[&str] = &["all", "one", "none"];

impl AllToAll {
    /// Send this node's id to everyone (once).
    fn join(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        s.joined = true;
        s.involved = true;
        ctx.broadcast(Msg::Election { id: s.id });
    }

    fn initiate(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        if s.joined {
            return;
        }
        ctx.mark("start");
        ctx.note(phrase!("note.starts", s.id, self.n - 1));
        self.join(s, ctx);
    }

    /// Turnaround as the textbook counts it for these initiators.
    fn turnaround(&self) -> (Textbook, Text) {
        let n = self.n as f64;
        match self.initiators {
            Initiators::All => exact(2.0, "2"),
            Initiators::One => {
                let lo = if self.n == 2 { 2.0 } else { 3.0 };
                (Textbook::Range(lo, n + 1.0), Text::key("formula.one_turnaround"))
            }
            Initiators::Clicks => (Textbook::Range(2.0, n + 1.0), Text::plain("2 .. N+1")),
        }
    }
}

impl Protocol for AllToAll {
    type State = Node;
    type Msg = Msg;
    type Timer = NoTimer;
    type Stats = Rounds;

    fn info() -> ProtocolInfo {
        let mut params = shared::id_params("ascending");
        params.push(ParamSpec::choice("initiators", INITIATORS, "all").short("initiators", "发起方"));
        params.push(ParamSpec::node("starter", 0).short("starter", "发起节点"));
        ProtocolInfo::new("election-all-to-all", &super::FAMILY, (2, 32, 8))
            .params(params)
            .inputs(&[START])
            .scenarios(&[
                ReadyScenario { id: "everyone", fragment: "v=1&proto=election-all-to-all&n=8&seed=1&p.initiators=all" },
                ReadyScenario { id: "one-starter", fragment: "v=1&proto=election-all-to-all&n=8&seed=1&p.initiators=one&p.starter=2" },
                ReadyScenario { id: "crash", fragment: "v=1&proto=election-all-to-all&n=8&seed=1&p.initiators=one&p.starter=0&act=0:crash:7" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let n = setup.n;
        let starter = setup.params.node("starter");
        if starter >= n {
            return Err(format!("starter node {starter} does not exist with {n} nodes; pick 0 to {}", n - 1));
        }
        let initiators = match setup.params.choice("initiators") {
            "one" => Initiators::One,
            "none" => Initiators::Clicks,
            _ => Initiators::All,
        };
        Ok(AllToAll { n, ids: shared::ids(setup)?, initiators, starter })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh(self.ids[me]);
        let starts = match self.initiators {
            Initiators::All => true,
            Initiators::One => me == self.starter,
            Initiators::Clicks => false,
        };
        if starts {
            self.initiate(&mut s, ctx);
        }
        s
    }

    fn on_message(&self, _me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        s.involved = true;
        match m {
            Msg::Election { id } => {
                s.heard.insert(from);
                s.largest = s.largest.max(id);
                let was = s.candidate;
                s.candidate = s.largest == s.id;
                if !s.joined {
                    let key = if s.candidate { "note.joins" } else { "note.joins_beaten" };
                    ctx.note(phrase!(key, id, s.id));
                    self.join(s, ctx);
                } else if was && !s.candidate {
                    ctx.note(phrase!("note.drops", id, s.id));
                } else {
                    ctx.note(phrase!("note.hears", id, s.heard.len(), self.n - 1));
                }
                if s.candidate && s.leader.is_none() && s.heard.len() == self.n - 1 {
                    s.leader = Some(s.id);
                    ctx.mark("elected");
                    ctx.note(phrase!("note.won", self.n - 1, s.id));
                    ctx.broadcast(Msg::Coordinator { id: s.id });
                }
            }
            Msg::Coordinator { id } => {
                s.leader = Some(id);
                s.candidate = false;
                ctx.note(phrase!("note.records", shared::leader_text(&self.ids, id)));
            }
        }
    }

    fn on_input(&self, _me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == START.id {
            self.initiate(s, ctx);
        }
    }

    /// A node that comes back remembers nothing and waits to be clicked.
    fn on_recover(&self, me: NodeId, _old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh(self.ids[me])
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Election { id } => MsgLabel::new("election", format!("id={id}")),
            Msg::Coordinator { id } => MsgLabel::new("coordinator", format!("id={id}")),
        }
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = if s.is_leader() {
            ("leader", Tone::Leader)
        } else if s.leader.is_some() {
            ("knows_leader", Tone::Done)
        } else if !s.joined {
            ("non_participant", Tone::Idle)
        } else if s.candidate {
            ("candidate", Tone::Waiting)
        } else {
            ("beaten", Tone::Active)
        };
        let yes_no = |b: bool| Text::key(if b { "yes" } else { "no" });
        NodeView::new(role, tone)
            .badge(shared::badge(s))
            .glyph_if(s.is_leader(), Glyph::Crown)
            .detail("identifier", s.id)
            .detail("coordinator", shared::coordinator_detail(&self.ids, s))
            .detail("joined", yes_no(s.joined))
            .detail("candidate", yes_no(s.joined && s.candidate))
            .detail("largest", s.largest)
            .detail("heard", format!("{}/{}", s.heard.len(), self.n - 1))
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.joined {
            vec![]
        } else {
            vec![START]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![shared::agreement()]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![Box::new(OneCoordinator::default())]
    }

    fn metrics(&self, stats: &Rounds, _run: &RunView<Self>) -> Vec<Metric> {
        let n = self.n as f64;
        let messages = (Textbook::Exact(n * n - 1.0), Text::plain("N(N-1) + N-1 = N²-1, O(N²)"));
        let mut metrics = stats.metrics(messages, self.turnaround());
        metrics.insert(2, stats.kind_metric("election_messages", "election", exact(n * (n - 1.0), "N(N-1)")));
        metrics.insert(3, stats.kind_metric("coordinator_messages", "coordinator", exact(n - 1.0, "N-1")));
        metrics
    }
}

const WORDS: Words = &[
    w("name", "Fully distributed election (all to all)", "完全分布式选举（全互连）"),
    w(
        "summary",
        "On a complete graph every node sends its id to all the others, once. A node stays a candidate until it sees a larger id; the node with the largest id wins when it has heard from all N-1 others, and tells everyone. N²-1 messages, a constant number of transits.",
        "在完全图上，每个节点把自己的标识符发给其他所有节点，且只发一次。节点在见到更大的标识符之前一直是候选者；标识符最大的节点在收到其余 N-1 个节点的消息后当选，并通知所有节点。共 N²-1 条消息，传输轮数为常数。",
    ),
    w("param.initiators", "Who starts at time 0: every node (all), the starter (one), or nobody (none: click a node)", "时刻 0 由谁发起：所有节点（all）、发起者（one），或无人（none：点击节点发起）"),
    w("param.starter", "The node that starts when initiators=one", "initiators=one 时发起选举的节点"),
    w("role.beaten", "out of the race", "已出局"),
    w("detail.joined", "sent its id", "已发出标识符"),
    w("detail.candidate", "still a candidate", "仍是候选者"),
    w("detail.heard", "ids heard", "已收到的标识符"),
    w("note.starts", "starts: sends its id {0} to all {1} others", "发起选举：把标识符 {0} 发给其余 {1} 个节点"),
    w("note.joins", "woken by id {0}, smaller than its own: sends its id {1} to all others and stays a candidate", "被较小的标识符 {0} 唤醒：把自己的标识符 {1} 发给所有节点，仍是候选者"),
    w("note.joins_beaten", "woken by the larger id {0}: out of the race, but still sends its id {1} to all so the winner can count it", "被更大的标识符 {0} 唤醒：已出局，但仍把自己的标识符 {1} 发给所有节点，好让胜者点数"),
    w("note.drops", "hears the larger id {0}: its own {1} is out of the race", "收到更大的标识符 {0}：自己的 {1} 出局"),
    w("note.hears", "hears id {0} ({1} of {2} ids heard)", "收到标识符 {0}（已收到 {2} 个中的 {1} 个）"),
    w("note.won", "has heard all {0} other ids and none beats its {1}: it is the coordinator and tells everyone", "已收到其余全部 {0} 个标识符，没有一个大于自己的 {1}：它就是协调者，并通知所有节点"),
    w("note.records", "records {0} as coordinator", "记下 {0} 为协调者"),
    w("formula.one_turnaround", "3 with equal delays (2 if N=2 and the other is larger); chained wake-ups: up to N+1", "延迟相同时为 3（N=2 且另一节点更大时为 2）；唤醒连成链时最多 N+1"),
    w("scenario.everyone", "Everyone starts: N²-1 messages", "所有节点同时发起：N²-1 条消息"),
    w(
        "scenario.everyone.about",
        "All eight nodes send their id to the seven others at once: 56 Election messages cross the graph in a single transit. Node 7 (id 8) is the only one that hears seven ids and none larger; it declares itself and sends 7 Coordinator messages. 63 messages in all, the quadratic cost, but only 2 transits from start to finish.",
        "八个节点同时把标识符发给其余七个节点：56 条 Election 消息在一次传输内穿过整个图。只有节点 7（标识 8）收到七个标识符且没有更大的；它宣布自己当选，并发出 7 条 Coordinator 消息。共 63 条消息，代价是二次方的，但从开始到结束只需 2 次传输。",
    ),
    w("scenario.one-starter", "One node starts and wakes the others", "一个节点发起并唤醒其他节点"),
    w(
        "scenario.one-starter.about",
        "Only node 2 starts. Its id wakes the other seven, and each of them sends its own id to everyone, even those that already know a larger one, because the winner counts ids. The count is the same 63 messages as when everyone starts; the turnaround is 3 transits here, one more for the wake-up.",
        "只有节点 2 发起。它的标识符唤醒其余七个节点，每个节点都把自己的标识符发给所有节点，即使已经知道有更大的，因为胜者要清点标识符。消息数与所有节点同时发起时一样，仍是 63 条；这里周转时间为 3 次传输，多出的一次用于唤醒。",
    ),
    w("scenario.crash", "A crashed node stalls the election", "崩溃的节点使选举停滞"),
    w(
        "scenario.crash.about",
        "Node 7, which holds the largest id, crashed before node 0 started. Node 6 (id 7) now has the largest live id, but it waits for an id from all seven others and node 7 never sends one, so nobody is ever elected. The algorithm assumes no node fails during an election; when nothing is left to happen, the agreement monitor names all seven live nodes.",
        "持有最大标识符的节点 7 在节点 0 发起之前已经崩溃。节点 6（标识 7）现在是存活节点中标识符最大的，但它要等其余七个节点的标识符，而节点 7 永远不会发送，于是谁也不会当选。该算法假设选举期间没有节点失效；当再无事件可发生时，一致性监视器列出全部七个存活节点。",
    ),
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sim::kit::{self, measured, metric, reading, run_out};
    use crate::sim::scenario::Scenario;
    use crate::sim::{Act, Engine};

    /// Every live node names `id`, and exactly the live node holding it is leader.
    pub(crate) fn everyone_names<P: Protocol>(e: &Engine<P>, id: u32) -> bool
    where
        P::State: Elector,
    {
        e.world.states.iter().zip(&e.world.up).all(|(s, &up)| !up || (s.coordinator() == Some(id) && s.is_leader() == (s.key() == id)))
    }

    #[test]
    fn everyone_starting_costs_n_squared_minus_1_messages_and_2_transits() {
        for n in [2, 4, 8, 16] {
            for seed in 0..5 {
                let mut e = kit::engine_with::<AllToAll>(n, "initiators=all&ids=random", seed, kit::delays(1, 100));
                run_out(&mut e);
                let want = (n * n - 1) as f64;
                assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n}");
                assert_eq!(measured(&e, "election_messages"), Some((n * (n - 1)) as f64));
                assert_eq!(measured(&e, "coordinator_messages"), Some((n - 1) as f64));
                assert_eq!(reading(&e, "turnaround"), (Some(2.0), Textbook::Exact(2.0)), "N={n}");
                assert_eq!(measured(&e, "finished"), Some(1.0));
                assert_eq!(e.world.counters.sent, (n * n - 1) as u64);
                assert_eq!(e.trace.marked("elected").count(), 1);
                assert!(everyone_names(&e, n as u32));
                assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            }
        }
    }

    #[test]
    fn one_starter_costs_the_same_messages_and_3_transits_with_equal_delays() {
        let equal = kit::delays(50, 50);
        for n in [2, 4, 8, 16] {
            for starter in 0..n {
                for ids in ["ascending", "descending"] {
                    let set = format!("initiators=one&starter={starter}&ids={ids}");
                    let mut e = kit::engine_with::<AllToAll>(n, &set, 3, equal.clone());
                    run_out(&mut e);
                    let want = (n * n - 1) as f64;
                    assert_eq!(measured(&e, "messages"), Some(want), "N={n}");
                    // N = 2: the other node, if larger, has heard from everyone as it wakes.
                    let starter_is_top = e.proto.ids[starter] == n as u32;
                    let turns = if n == 2 && !starter_is_top { 2.0 } else { 3.0 };
                    assert_eq!(measured(&e, "turnaround"), Some(turns), "N={n} starter {starter} {ids}");
                    let lo = if n == 2 { 2.0 } else { 3.0 };
                    assert_eq!(metric(&e, "turnaround").textbook, Textbook::Range(lo, n as f64 + 1.0));
                    assert_eq!(e.trace.marked("start").count(), 1);
                    assert!(everyone_names(&e, n as u32));
                    assert!(e.trace.violations().is_empty());
                }
            }
        }
    }

    #[test]
    fn unequal_delays_chain_wake_ups_beyond_3_transits_but_never_past_n_plus_1() {
        let mut longest = 0.0f64;
        for seed in 0..300 {
            let n = 4 + (seed % 5) as usize;
            let mut e = kit::engine_with::<AllToAll>(n, "initiators=one&ids=random&starter=1", seed, kit::delays(1, 100));
            run_out(&mut e);
            let t = measured(&e, "turnaround").unwrap();
            assert!((3.0..=n as f64 + 1.0).contains(&t), "seed {seed}: {t}");
            longest = longest.max(t);
        }
        assert!(longest > 3.0, "no chain of wake-ups in 300 seeds");
    }

    #[test]
    fn invariants_hold_over_a_thousand_seeds_of_random_ids_starters_and_delays() {
        for seed in 0..1000u64 {
            let n = 2 + (seed % 15) as usize;
            let initiators = ["all", "one", "none"][(seed % 3) as usize];
            let starter = (seed / 3) as usize % n;
            let set = format!("initiators={initiators}&starter={starter}&ids=random");
            let mut e = kit::engine_with::<AllToAll>(n, &set, seed, kit::delays(1, 100));
            if initiators == "none" {
                // A few clicks, some of them at nodes that have already joined.
                for k in 0..3 {
                    let node = (starter + k * 5) % n;
                    e.apply(&Act::Input(node, "start".into(), None)).unwrap();
                    for _ in 0..(seed % 7) {
                        e.step();
                    }
                }
            }
            run_out(&mut e);
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            assert!(everyone_names(&e, n as u32), "seed {seed}: {:?}", e.world.states);
            assert_eq!(e.trace.marked("elected").count(), 1);
            assert_eq!(e.world.counters.sent, (n * n - 1) as u64, "seed {seed}");
            let t = measured(&e, "turnaround").unwrap();
            assert!((2.0..=n as f64 + 1.0).contains(&t), "seed {seed}: {t}");
        }
    }

    #[test]
    fn clicks_start_and_joined_nodes_offer_no_start() {
        let mut e = kit::engine::<AllToAll>(4, "initiators=none", 1);
        assert!(!e.step(), "nothing happens until someone clicks");
        assert!(e.trace.violations().is_empty());
        e.apply(&Act::Input(1, "start".into(), None)).unwrap();
        assert!(e.proto.inputs_for(1, &e.world.states[1]).is_empty());
        e.apply(&Act::Input(1, "start".into(), None)).unwrap();
        assert_eq!(e.world.counters.sent, 3, "a second click sends nothing");
        run_out(&mut e);
        assert!(everyone_names(&e, 4));
        let views: Vec<NodeView> = (0..4).map(|i| e.proto.view(i, &e.world.states[i])).collect();
        assert_eq!(views[3].role, "leader");
        assert!(views[..3].iter().all(|v| v.role == "knows_leader"));
        assert_eq!(views[0].badge.en(WORDS), "id 1 · leader 4");
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let everyone = kit::ready::<AllToAll>("everyone");
        assert_eq!(measured(&everyone, "messages"), Some(63.0));
        assert_eq!(measured(&everyone, "election_messages"), Some(56.0));
        assert_eq!(measured(&everyone, "coordinator_messages"), Some(7.0));
        assert_eq!(measured(&everyone, "turnaround"), Some(2.0));
        assert!(everyone.sim().trace().violations().is_empty());
        let elected: Vec<_> = everyone.sim().trace().marked("elected").map(|(e, _)| e.node).collect();
        assert_eq!(elected, vec![Some(7)]);

        let one = kit::ready::<AllToAll>("one-starter");
        assert_eq!(measured(&one, "messages"), Some(63.0));
        assert_eq!(measured(&one, "turnaround"), Some(3.0));
        let starts: Vec<_> = one.sim().trace().marked("start").map(|(e, _)| e.node).collect();
        assert_eq!(starts, vec![Some(2)]);
        assert!(one.sim().trace().violations().is_empty());

        let crash = kit::ready::<AllToAll>("crash");
        assert_eq!(measured(&crash, "finished"), Some(0.0));
        assert_eq!(crash.sim().trace().marked("elected").count(), 0);
        let v = crash.sim().trace().violations();
        let stall = v.iter().find(|v| v.invariant == "agreement").unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(stall.nodes, (0..7).collect::<Vec<_>>());
        assert!(stall.detail.en(WORDS).contains("id 7 (node 6)"), "{}", stall.detail.en(WORDS));
    }

    #[test]
    fn the_largest_live_node_waits_for_a_crashed_nodes_id() {
        // Node 3 (not the largest) crashed: node 7 has heard 6 of 7 ids and waits.
        let mut e = kit::engine::<AllToAll>(8, "initiators=one", 1);
        e.apply(&Act::Crash(3)).unwrap();
        run_out(&mut e);
        assert!(e.world.states[7].candidate && e.world.states[7].heard.len() == 6);
        assert!(e.world.states.iter().all(|s| s.leader.is_none()));
        assert!(e.broken().contains(&"agreement"));
    }

    #[test]
    fn bad_parameters_are_refused() {
        let setup = kit::setup::<AllToAll>(4, "starter=6", 1);
        let err = AllToAll::build(&setup).err().unwrap();
        assert!(err.contains("starter node 6") && err.contains("0 to 3"), "{err}");
        let setup = kit::setup::<AllToAll>(4, "order=3.1.4", 1);
        assert!(AllToAll::build(&setup).err().unwrap().contains("3 ids for 4 nodes"));
        let order = AllToAll::info().params.into_iter().find(|s| s.name == "order").unwrap();
        assert!(order.parse("3.3.1").is_err(), "a repeated id is refused as it is typed");
        let registry = crate::protocols::REGISTRY;
        assert!(Scenario::parse_strict("v=1&proto=election-all-to-all&p.initiators=some", registry).is_err());
        assert!(Scenario::parse_strict("v=1&proto=election-all-to-all&topo=ring", registry).is_err());
        assert!(Scenario::parse_strict("v=1&proto=election-all-to-all&n=33", registry).is_err());
    }

    #[test]
    fn typed_ids_decide_the_winner() {
        let mut e = kit::engine_with::<AllToAll>(5, "order=10.30.20.5.7", 2, kit::delays(1, 100));
        run_out(&mut e);
        assert!(everyone_names(&e, 30) && e.world.states[1].is_leader());
        assert!(e.trace.violations().is_empty());
    }
}
