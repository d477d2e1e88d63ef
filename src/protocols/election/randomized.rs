//! # Randomized election
//!
//! Every node can talk to every other (a complete graph). Instead of comparing everyone's
//! id, each node draws a random waiting time and the first to finish waiting claims the
//! post: it sends `Claim{its id}` to all the others. A node still waiting when a claim
//! reaches it gives up: it cancels its timer and becomes a non-participant, naming the
//! claimant. If the draws are spread out, one claim of N-1 messages settles everything:
//! the expected cost is O(N), against the O(N²) of the all-to-all election. This is the
//! randomized election of the course notes; the winner is whoever drew the shortest wait,
//! not the largest id.
//!
//! **Collisions.** A claim needs a transit to arrive, so a second node may finish waiting
//! before the first claim reaches it: both claim, and the claims cross. Ties are broken
//! by id: a claimant hearing a larger claim yields (it becomes a non-participant and names
//! the larger claimant), one hearing a smaller claim keeps its own. Each collision is
//! counted once, where a claimant yields (mark `collision`), so k crossing claims make
//! k-1 collisions.
//!
//! **Declaring.** The claim doubles as the announcement (the others name the largest claim
//! they have heard), but the claimant itself declares itself coordinator (mark `elected`)
//! only after a confirmation window (`confirm` ticks) in which no larger claim arrived.
//! Every claim is made before the first claim has reached everyone, so within one maximum
//! delay of it, and reaches any other claimant within another: a window of at least twice
//! the network's maximum delay guarantees one coordinator. A shorter window lets a smaller
//! claimant declare before the larger claim arrives; it then steps down, but for a while
//! two nodes declared themselves in the same election and the one-coordinator monitor
//! says so (scenario `short-window`). A declared coordinator that hears a larger claim
//! steps down and counts a collision too.
//!
//! **Agreement** here is not "the largest id": at rest every live node must name the same
//! live node, one that has declared itself. That is this file's own invariant, since the
//! family's `agreement` asks for the largest id, which this algorithm does not promise.
//! The notes assume crashed processes do not recover; a recovered node remembers nothing
//! and does not claim, so it names nobody and the invariant says so.
//!
//! Costs: N-1 messages per claim, so N-1 with one claim and at most N(N-1) if every timer
//! fires before any claim lands; the turnaround is 1 transit (every claim is sent by a
//! node no message has reached), but the time to the decision is the shortest draw plus
//! the window, about wait/(N+1) + confirm on average.
//!
//! Messages: `Claim{id}`. Timers: `wait` (the random draw), `confirm` (the window), both
//! drawn as countdown rings.

use super::shared::{self, Elector, OneCoordinator, Rounds};
use crate::phrase;
use crate::sim::protocol::*;
use crate::sim::{engine::RunView, monitor::Monitor};
use crate::sim::{view::Glyph, view::NodeView, view::Tone};
use crate::sim::{NodeId, ParamSpec, Time};
use crate::words::{w, Text, Words};

pub struct Randomized {
    n: usize,
    ids: Vec<u32>,
    /// Waits are drawn uniformly in 1..=wait ticks.
    wait: Time,
    /// The confirmation window, in ticks.
    confirm: Time,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// The wait timer is running.
    Waiting,
    /// Claimed; the confirmation window is running.
    Claimed,
    /// Declared itself coordinator.
    Declared,
    /// Heard a claim first, or yielded to a larger one.
    Out,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub id: u32,
    pub phase: Phase,
    /// The wait this node drew (0 for a node that came back and draws none).
    pub wait: Time,
    /// Whom it names: itself once declared, else the largest claim heard.
    pub leader: Option<u32>,
    /// Claims heard.
    pub heard: u32,
}

impl Elector for Node {
    fn standing(&self) -> (u32, Option<u32>, bool) {
        (self.id, self.leader, true)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Claim { id: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Wait,
    Confirm,
}

/// At rest, every live node names the same live node, and that node has declared itself.
fn settled_check(_: &Randomized, snap: &Snapshot<Randomized>) -> Result<(), Breach> {
    if !snap.quiescent {
        return Ok(());
    }
    let live = snap.live_where(|_| true);
    let ids: Vec<u32> = snap.states.iter().map(|s| s.id).collect();
    let declared = live.iter().find(|&&i| snap.states[i].phase == Phase::Declared).map(|&i| snap.states[i].id);
    let wrong: Vec<NodeId> = live.iter().copied().filter(|&i| declared.is_none() || snap.states[i].leader != declared).collect();
    let mut list = Text::empty();
    for &i in &wrong {
        let clause = match snap.states[i].leader {
            None => phrase!("clause.knows_none", i),
            Some(l) => phrase!("clause.names", i, shared::leader_text(&ids, l)),
        };
        list = if list.is_empty() { clause } else { phrase!("list", list, clause) };
    }
    Breach::unless_empty(wrong, |_| phrase!("breach.unsettled", list))
}

impl Randomized {
    /// Names the larger of what it knew and `id`.
    fn hear(&self, s: &mut Node, id: u32) {
        s.heard += 1;
        s.leader = Some(s.leader.map_or(id, |l| l.max(id)));
    }
}

impl Protocol for Randomized {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Rounds;

    fn info() -> ProtocolInfo {
        let mut params = shared::id_params("ascending");
        params.push(ParamSpec::int("wait", 1, 100_000, 400).short("wait", "最长等待"));
        params.push(ParamSpec::int("confirm", 1, 1_000_000, 200).short("confirm", "确认窗口"));
        ProtocolInfo::new("election-randomized", &super::FAMILY, (2, 32, 8))
            .params(params)
            .scenarios(&[
                ReadyScenario { id: "calm", fragment: "v=1&proto=election-randomized&n=8&seed=18" },
                ReadyScenario { id: "collision", fragment: "v=1&proto=election-randomized&n=8&seed=1" },
                ReadyScenario { id: "short-window", fragment: "v=1&proto=election-randomized&n=8&seed=1&p.confirm=20" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let (wait, confirm) = (setup.params.int("wait"), setup.params.int("confirm"));
        if wait < 1 {
            return Err(format!("wait {wait} is not accepted; give the longest random wait in ticks, 1 or more"));
        }
        if confirm < 1 {
            return Err(format!("confirm {confirm} is not accepted; give the confirmation window in ticks, 1 or more"));
        }
        Ok(Randomized { n: setup.n, ids: shared::ids(setup)?, wait: wait as Time, confirm: confirm as Time })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let wait = ctx.random_between(1, self.wait);
        ctx.set_timer(wait, Timer::Wait);
        Node { id: self.ids[me], phase: Phase::Waiting, wait, leader: None, heard: 0 }
    }

    fn on_timer(&self, _me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match (t, s.phase) {
            (Timer::Wait, Phase::Waiting) => {
                s.phase = Phase::Claimed;
                ctx.mark("start");
                ctx.note(phrase!("note.claims", s.wait, s.id));
                ctx.broadcast(Msg::Claim { id: s.id });
                ctx.set_timer(self.confirm, Timer::Confirm);
            }
            (Timer::Confirm, Phase::Claimed) => {
                s.phase = Phase::Declared;
                s.leader = Some(s.id);
                ctx.mark("elected");
                ctx.note(phrase!("note.declares", self.confirm));
            }
            _ => {}
        }
    }

    fn on_message(&self, _me: NodeId, s: &mut Node, _from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        let Msg::Claim { id } = m;
        match s.phase {
            Phase::Waiting => {
                ctx.cancel_timer(Timer::Wait);
                s.phase = Phase::Out;
                self.hear(s, id);
                ctx.note(phrase!("note.gives_up", id));
            }
            Phase::Out => {
                self.hear(s, id);
                ctx.note(phrase!("note.names", id, shared::leader_text(&self.ids, s.leader.unwrap_or(id))));
            }
            Phase::Claimed | Phase::Declared if id > s.id => {
                let key = if s.phase == Phase::Declared { "note.steps_down" } else { "note.yields" };
                ctx.cancel_timer(Timer::Confirm);
                s.phase = Phase::Out;
                s.leader = None;
                self.hear(s, id);
                ctx.mark("collision");
                ctx.note(phrase!(key, id, s.id));
            }
            Phase::Claimed | Phase::Declared => {
                s.heard += 1;
                ctx.note(phrase!("note.keeps", id, s.id));
            }
        }
    }

    /// A node that comes back remembers nothing and does not claim.
    fn on_recover(&self, me: NodeId, _old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        Node { id: self.ids[me], phase: Phase::Out, wait: 0, leader: None, heard: 0 }
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        let Msg::Claim { id } = m;
        MsgLabel::new("claim", format!("id={id}"))
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = match s.phase {
            Phase::Declared => ("leader", Tone::Leader),
            Phase::Claimed => ("claimant", Tone::Active),
            Phase::Waiting => ("waiting", Tone::Waiting),
            Phase::Out if s.leader.is_some() => ("knows_leader", Tone::Done),
            Phase::Out => ("non_participant", Tone::Idle),
        };
        let phase = match s.phase {
            Phase::Waiting => "waiting",
            Phase::Claimed => "claimant",
            Phase::Declared => "leader",
            Phase::Out => "non_participant",
        };
        NodeView::new(role, tone)
            .badge(shared::badge(s))
            .glyph_if(s.phase == Phase::Declared, Glyph::Crown)
            .detail("identifier", s.id)
            .detail("coordinator", shared::coordinator_detail(&self.ids, s))
            .detail("phase", Text::Id("role", phase))
            .detail("wait", s.wait)
            .detail("claims_heard", s.heard)
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "settled", check: settled_check }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![Box::new(OneCoordinator::default())]
    }

    fn metrics(&self, stats: &Rounds, run: &RunView<Self>) -> Vec<Metric> {
        let n = self.n as f64;
        let messages = (Textbook::Range(n - 1.0, n * (n - 1.0)), Text::key("formula.per_claim"));
        let turnaround = (Textbook::Exact(1.0), Text::plain("1"));
        let mut metrics = stats.metrics(messages, turnaround);
        let latest = stats.latest();
        let claims = latest.map(|r| (r.messages() / (self.n as u64 - 1)) as f64);
        let collisions = latest.map(|r| r.collisions as f64);
        let shortest = run.states.iter().filter(|s| s.wait > 0).map(|s| s.wait).min().map(|w| w as f64);
        metrics.insert(2, Metric { id: "claims", measured: claims, textbook: Textbook::Range(1.0, n), formula: Text::plain("1 .. N") });
        metrics.insert(3, Metric { id: "collisions", measured: collisions, textbook: Textbook::Range(0.0, n - 1.0), formula: Text::plain("claims - 1") });
        metrics.push(Metric {
            id: "shortest_wait",
            measured: shortest,
            textbook: Textbook::Range(1.0, self.wait as f64),
            formula: Text::key("formula.shortest_wait"),
        });
        metrics
    }
}

const WORDS: Words = &[
    w("name", "Randomized election", "随机化选举"),
    w(
        "summary",
        "Each node waits a random time, then claims the post by telling everyone. A node that hears a claim while still waiting gives up. Claims that cross are collisions, settled by id, and a claimant declares itself only after a quiet confirmation window. One claim costs N-1 messages: expected O(N).",
        "每个节点等待一段随机时间，然后向所有节点宣称自己当选。仍在等待时收到宣称的节点放弃竞选。交错的宣称是冲突，按标识符裁决；宣称者要在一段平静的确认窗口之后才宣布自己当选。一次宣称花费 N-1 条消息：期望 O(N)。",
    ),
    w("param.wait", "Longest random wait in ticks: each node draws its wait uniformly from 1 to this", "最长随机等待（时间单位）：每个节点从 1 到该值中均匀抽取自己的等待时间"),
    w("param.confirm", "Confirmation window in ticks: a claimant declares itself only if no larger claim arrives within it; safe from twice the network's largest delay", "确认窗口（时间单位）：宣称者只有在窗口内没有收到更大的宣称时才宣布当选；不小于网络最大延迟的两倍时是安全的"),
    w("role.waiting", "waiting", "等待中"),
    w("role.claimant", "claimant", "宣称者"),
    w("detail.wait", "wait drawn (ticks)", "抽到的等待时间"),
    w("detail.claims_heard", "claims heard", "收到的宣称"),
    w("timer.wait", "random wait", "随机等待"),
    w("timer.confirm", "confirmation window", "确认窗口"),
    w("msg.claim", "claim", "宣称"),
    w("mark.collision", "collision", "冲突"),
    w("note.claims", "its wait of {0} is over and no claim came: claims the post with id {1}", "{0} 的等待结束，且未收到任何宣称：以标识符 {1} 宣称当选"),
    w("note.declares", "no larger claim within the {0}-tick window: declares itself coordinator", "{0} 的确认窗口内没有更大的宣称：宣布自己为协调者"),
    w("note.gives_up", "hears the claim of id {0} while still waiting: gives up and names it", "仍在等待时收到标识符 {0} 的宣称：放弃竞选，并认定它"),
    w("note.names", "hears the claim of id {0}: names {1}", "收到标识符 {0} 的宣称：认定 {1}"),
    w("note.yields", "collision: the larger claim {0} crossed its own {1}; it yields", "冲突：更大的宣称 {0} 与自己的 {1} 交错；它让步"),
    w("note.steps_down", "the larger claim {0} came after it had declared with {1}: it steps down (the window was too short)", "在它以 {1} 宣布当选之后才收到更大的宣称 {0}：它退位（确认窗口太短）"),
    w("note.keeps", "the smaller claim {0} crossed its own {1}: it keeps its claim", "较小的宣称 {0} 与自己的 {1} 交错：它坚持自己的宣称"),
    w("inv.settled", "agreement at rest", "静止时一致"),
    w(
        "inv.settled.about",
        "Once nothing is left to happen, every live node names the same coordinator, a live node that has declared itself (here the winner is the first claimant, not the largest id).",
        "再无事件可发生时，所有存活节点都认定同一个协调者，且它是已宣布当选的存活节点（这里胜者是最先宣称者，而不是标识符最大者）。",
    ),
    w("breach.unsettled", "at rest, but the live nodes do not all name one live declared coordinator: {0}", "已静止，但存活节点并未都认定同一个已宣布当选的存活协调者：{0}"),
    w("metric.claims", "claims", "宣称次数"),
    w("metric.shortest_wait", "shortest wait drawn (ticks)", "抽到的最短等待时间"),
    w("formula.per_claim", "N-1 per claim: N-1 .. N(N-1), expected O(N)", "每次宣称 N-1 条：N-1 .. N(N-1)，期望 O(N)"),
    w("formula.shortest_wait", "1 .. wait, about wait/(N+1) on average", "1 .. wait，平均约 wait/(N+1)"),
    w("scenario.calm", "Calm: one claim, N-1 messages", "平静：一次宣称，N-1 条消息"),
    w(
        "scenario.calm.about",
        "Node 4 (id 5) drew the shortest wait, 27 ticks; the next shortest is node 3's 95, and the claim gets there first. Every node gives up as the claim lands: one claim, 7 messages, no collision, a single transit. Node 4 declares itself at time 227, after its 200-tick window. The winner is the quickest draw, not the largest id.",
        "节点 4（标识 5）抽到最短的等待时间 27；次短的是节点 3 的 95，而宣称先到达了那里。每个节点在收到宣称时放弃：一次宣称、7 条消息、没有冲突、仅一次传输。节点 4 在 200 的确认窗口之后于时刻 227 宣布当选。胜者是抽得最快的节点，而不是标识符最大的节点。",
    ),
    w("scenario.collision", "Two claims cross", "两个宣称交错"),
    w(
        "scenario.collision.about",
        "Node 6 (id 7) claims at time 5, but its claim is still on the way to node 7 (id 8) when node 7's own wait ends at 58, so both claim: 14 messages. The claims cross; node 6 hears the larger one and yields (the one collision, counted where it yields), node 7 keeps its claim and declares itself at 258 when its window closes. The larger id wins though it claimed later.",
        "节点 6（标识 7）在时刻 5 宣称，但当节点 7（标识 8）的等待在 58 结束时，这条宣称还在路上，于是两者都宣称：共 14 条消息。两个宣称交错；节点 6 收到更大的宣称后让步（唯一的一次冲突，在让步处计数），节点 7 坚持宣称，并在窗口结束时于 258 宣布当选。标识符较大者获胜，尽管它宣称得更晚。",
    ),
    w("scenario.short-window", "Window too short: two coordinators", "窗口太短：两个协调者"),
    w(
        "scenario.short-window.about",
        "The same draws with a confirmation window of 20 ticks, shorter than any delay (40 to 80). Node 6 declares itself at 25, before node 7 has even claimed; node 7 declares at 78, and the one-coordinator monitor names nodes 6 and 7. When the larger claim reaches node 6 it steps down, so the run ends in agreement, but for a while there were two coordinators. A window of at least twice the largest delay (160 here; the default is 200) prevents it.",
        "同样的随机抽取，但确认窗口只有 20，比任何延迟（40 到 80）都短。节点 6 在 25 宣布当选，那时节点 7 还没有宣称；节点 7 在 78 宣布当选，唯一协调者监视器列出节点 6 和 7。更大的宣称到达节点 6 后它退位，所以运行结束时各节点一致，但曾有一段时间存在两个协调者。窗口不小于最大延迟的两倍（这里是 160；默认值为 200）就能避免。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::election::all_to_all::tests::everyone_names;
    use crate::sim::kit::{self, measured, reading, run_out};
    use crate::sim::{Engine, Topology};

    /// Claims made, in order: (time, node).
    fn claims(e: &Engine<Randomized>) -> Vec<(Time, NodeId)> {
        e.trace.marked("start").map(|(ev, _)| (ev.time, ev.node.unwrap())).collect()
    }

    /// The first seed from 1 on whose default run (N = 8) satisfies `want`.
    fn first_seed(extra: &str, want: impl Fn(&Engine<Randomized>) -> bool) -> u64 {
        (1..10_000)
            .find(|&seed| {
                let mut e = kit::engine::<Randomized>(8, extra, seed);
                run_out(&mut e);
                want(&e)
            })
            .expect("a seed within 10,000")
    }

    #[test]
    fn the_ready_seeds_are_the_first_that_show_their_case() {
        // calm: one claim; collision: two claims, the later one larger (it wins anyway);
        // short-window: two declarations with a 20-tick window.
        assert_eq!(first_seed("", |e| claims(e).len() == 1), 18);
        let crossing = |e: &Engine<Randomized>| {
            let c = claims(e);
            c.len() == 2 && e.proto.ids[c[1].1] > e.proto.ids[c[0].1]
        };
        assert_eq!(first_seed("", crossing), 1);
        assert_eq!(first_seed("confirm=20", |e| e.trace.marked("elected").count() == 2), 1);
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let elected = |h: &crate::sim::History| -> Vec<(Time, Option<NodeId>)> {
            h.sim().trace().marked("elected").map(|(e, _)| (e.time, e.node)).collect()
        };
        let claimed = |h: &crate::sim::History| -> Vec<(Time, Option<NodeId>)> {
            h.sim().trace().marked("start").map(|(e, _)| (e.time, e.node)).collect()
        };

        let calm = kit::ready::<Randomized>("calm");
        assert_eq!(claimed(&calm), vec![(27, Some(4))]);
        assert_eq!(elected(&calm), vec![(227, Some(4))]);
        assert_eq!(measured(&calm, "messages"), Some(7.0));
        assert_eq!(measured(&calm, "claims"), Some(1.0));
        assert_eq!(measured(&calm, "collisions"), Some(0.0));
        assert_eq!(measured(&calm, "turnaround"), Some(1.0));
        assert_eq!(measured(&calm, "shortest_wait"), Some(27.0));
        assert!(calm.sim().trace().violations().is_empty());

        let collision = kit::ready::<Randomized>("collision");
        assert_eq!(claimed(&collision), vec![(5, Some(6)), (58, Some(7))]);
        assert_eq!(elected(&collision), vec![(258, Some(7))], "the larger id wins though it claimed later");
        let yielded: Vec<_> = collision.sim().trace().marked("collision").map(|(e, _)| e.node).collect();
        assert_eq!(yielded, vec![Some(6)], "counted once, where the smaller claimant yields");
        assert_eq!(measured(&collision, "messages"), Some(14.0));
        assert_eq!(measured(&collision, "claims"), Some(2.0));
        assert_eq!(measured(&collision, "collisions"), Some(1.0));
        assert!(collision.sim().trace().violations().is_empty());

        let short = kit::ready::<Randomized>("short-window");
        assert_eq!(elected(&short), vec![(25, Some(6)), (78, Some(7))]);
        let v = short.sim().trace().violations();
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!((v[0].invariant, v[0].time, v[0].nodes.clone()), ("one_coordinator", 78, vec![6, 7]));
        // Node 6 then hears the larger claim and steps down: the run ends agreeing on node 7.
        assert!(short.sim().node_views()[6].role == "knows_leader" && short.sim().node_views()[7].role == "leader");
        assert_eq!(measured(&short, "collisions"), Some(1.0));
    }

    #[test]
    fn one_claim_costs_n_minus_1_messages_and_one_transit() {
        for n in [2, 4, 8, 16] {
            let mut found = 0;
            for seed in 0..40 {
                let mut e = kit::engine::<Randomized>(n, "wait=100000", seed);
                run_out(&mut e);
                if claims(&e).len() != 1 {
                    continue;
                }
                found += 1;
                let want = (n - 1) as f64;
                assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Range(want, (n * (n - 1)) as f64)), "N={n}");
                assert_eq!(measured(&e, "claims"), Some(1.0));
                assert_eq!(measured(&e, "collisions"), Some(0.0));
                assert_eq!(reading(&e, "turnaround"), (Some(1.0), Textbook::Exact(1.0)));
                assert_eq!(measured(&e, "finished"), Some(1.0));
                let winner = claims(&e)[0].1;
                assert!(everyone_names(&e, e.proto.ids[winner]));
                assert!(e.trace.violations().is_empty());
            }
            assert!(found > 30, "N={n}: only {found} calm runs with long waits");
        }
    }

    #[test]
    fn invariants_hold_over_a_thousand_seeds_with_a_window_above_twice_the_delay() {
        let net = kit::delays(1, 100);
        let mut collided = 0;
        for seed in 0..1000u64 {
            let n = 2 + (seed % 15) as usize;
            let wait = [20, 100, 400, 2000][(seed % 4) as usize];
            let set = format!("ids=random&wait={wait}&confirm=201");
            let mut e = kit::engine_with::<Randomized>(n, &set, seed, net.clone());
            run_out(&mut e);
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            let c = claims(&e);
            // The coordinator is the largest id among the claimants, and everyone names it.
            let top = c.iter().map(|&(_, node)| e.proto.ids[node]).max().unwrap();
            let elected: Vec<_> = e.trace.marked("elected").map(|(ev, _)| ev.node.unwrap()).collect();
            assert_eq!(elected.len(), 1, "seed {seed}");
            assert_eq!(e.proto.ids[elected[0]], top, "seed {seed}");
            assert!(everyone_names(&e, top), "seed {seed}: {:?}", e.world.states);
            // Every claim reaches the N-1 others; k crossing claims are k-1 collisions.
            assert_eq!(e.world.counters.sent, (c.len() * (n - 1)) as u64);
            assert_eq!(measured(&e, "claims"), Some(c.len() as f64));
            assert_eq!(measured(&e, "collisions"), Some((c.len() - 1) as f64));
            assert_eq!(measured(&e, "turnaround"), Some(1.0));
            collided += usize::from(c.len() > 1);
        }
        assert!(collided > 50, "collisions are part of the lesson: {collided}");
    }

    #[test]
    fn a_window_shorter_than_the_delay_can_crown_two_and_the_monitor_says_so() {
        let mut twice = 0;
        for seed in 0..300 {
            let mut e = kit::engine::<Randomized>(8, "confirm=20", seed);
            run_out(&mut e);
            let declared = e.trace.marked("elected").count();
            let caught = e.trace.violations().iter().any(|v| v.invariant == "one_coordinator");
            assert_eq!(caught, declared > 1, "seed {seed}");
            twice += usize::from(declared > 1);
            // Whoever stepped down, the run ends agreeing.
            assert!(!e.broken().contains(&"settled"), "seed {seed}");
        }
        assert!(twice > 10, "{twice}");
    }

    #[test]
    fn a_claimant_that_crashes_before_declaring_leaves_nobody_in_charge() {
        let mut e = kit::engine::<Randomized>(8, "", 18);
        while claims(&e).is_empty() {
            e.step();
        }
        e.apply(&crate::sim::Act::Crash(4)).unwrap();
        run_out(&mut e);
        assert_eq!(e.trace.marked("elected").count(), 0);
        let v = e.trace.violations().iter().find(|v| v.invariant == "settled").expect("a breach at rest");
        assert_eq!(v.nodes, vec![0, 1, 2, 3, 5, 6, 7]);
        assert!(v.detail.en(WORDS).contains("names id 5 (node 4)"), "{}", v.detail.en(WORDS));
    }

    #[test]
    fn views_show_the_phases() {
        let mut e = kit::engine::<Randomized>(4, "", 2);
        assert!((0..4).all(|i| e.proto.view(i, &e.world.states[i]).role == "waiting"));
        assert_eq!(e.armed_timers().len(), 4);
        assert!(e.armed_timers().iter().all(|t| e.proto.countdown(t.3)));
        run_out(&mut e);
        let views: Vec<NodeView> = (0..4).map(|i| e.proto.view(i, &e.world.states[i])).collect();
        assert_eq!(views.iter().filter(|v| v.role == "leader").count(), 1);
        assert_eq!(views.iter().filter(|v| v.holds(Glyph::Crown)).count(), 1);
        assert!(views.iter().all(|v| v.role == "leader" || v.role == "knows_leader"));
    }

    #[test]
    fn bad_parameters_are_refused() {
        let registry = crate::protocols::REGISTRY;
        assert!(crate::sim::scenario::Scenario::parse_strict("v=1&proto=election-randomized&p.wait=0", registry).is_err());
        assert!(crate::sim::scenario::Scenario::parse_strict("v=1&proto=election-randomized&p.confirm=-5", registry).is_err());
        assert!(crate::sim::scenario::Scenario::parse_strict("v=1&proto=election-randomized&topo=ring", registry).is_err());
        let mut p = kit::params::<Randomized>("");
        p.0.insert("wait", crate::sim::ParamValue::Int(0));
        let err = Randomized::build(&Setup::new(4, Topology::Complete, p, 1).unwrap()).err().unwrap();
        assert!(err.contains("wait 0") && err.contains("1 or more"), "{err}");
        let mut p = kit::params::<Randomized>("");
        p.0.insert("confirm", crate::sim::ParamValue::Int(0));
        let err = Randomized::build(&Setup::new(4, Topology::Complete, p, 1).unwrap()).err().unwrap();
        assert!(err.contains("confirm 0"), "{err}");
        assert!(Randomized::build(&kit::setup::<Randomized>(4, "order=3.1.4", 1)).err().unwrap().contains("3 ids for 4 nodes"));
    }
}
