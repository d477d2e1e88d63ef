//! # Ring election (Chang & Roberts)
//!
//! The nodes sit on a logical ring and every node may talk only to the next one, in one
//! direction. Each node carries an *identifier*, a number that has nothing to do with its
//! place on the ring; the goal is for everyone to agree that the node with the largest
//! identifier is the coordinator. This is the algorithm of Chang and Roberts ("An improved
//! algorithm for decentralized extrema-finding in circular configurations of processes",
//! CACM 22(5), 1979), with the participant marking used in Coulouris et al.
//!
//! A node is either a *non-participant* or a *participant*. Any non-participant may start
//! an election: it becomes a participant and sends `Election{its id}` to its successor. A
//! node receiving `Election{id}` compares it with its own identifier:
//! - a larger id is passed on unchanged, and the node becomes a participant;
//! - a smaller id is replaced by the node's own id if the node was a non-participant
//!   (which makes it a participant); if it already is one, its own larger id is already
//!   travelling, so the smaller one is swallowed;
//! - its own id has been all the way round without meeting anything larger: the node is
//!   the coordinator. It becomes a non-participant again and sends `Elected{id}`.
//!
//! Every other node records the coordinator named in `Elected`, becomes a non-participant
//! and passes it on; when it comes back to the coordinator, the election is over.
//!
//! Costs with one initiator. Nothing is ever swallowed (only nodes the single wave has
//! already passed are participants, and the wave meets them again only when it carries
//! the largest id), so the count is exactly d + N + N, where d is the number of transits
//! from the initiator to the node with the largest id: the wave needs d hops to wake that
//! node, its id then needs N hops to come home, and `Elected` needs N more. Every message
//! follows the previous one, so the turnaround (longest chain of sequential transits) is
//! the same number. The worst case puts the largest id just *before* the initiator, so
//! d = N-1 and the cost is 3N-1; the best case lets the largest id start, d = 0 and the
//! cost is 2N. The `ids=worst` layout does the first (ids also decrease along the ring,
//! so the wave is forwarded unchanged), `ids=best` the second.
//!
//! With every node starting at once, all are participants before anything arrives, so
//! each id travels exactly as far as the first larger id downstream and dies there. When
//! ids decrease along the ring (the `worst` layout) the id k travels k hops: N(N+1)/2
//! `Election` messages plus N `Elected`, the O(N²) worst case. When they increase (the
//! `best` layout) every smaller id dies after one hop: 3N-1 in all. A random order costs
//! about N·ln N on average. The turnaround is 2N, since the largest id starts at once.
//!
//! Only the node with the largest id can ever see its own id come back (it never forwards
//! a smaller one), so two coordinators cannot happen here; the monitor is kept because the
//! catalogue's election invariants are shared. The algorithm assumes no node fails: the
//! ring has no way round a crashed node, so a crash stalls the election and the agreement
//! monitor says so when the run comes to rest. Worse, only `Elected` clears a participant
//! mark: if the node with the largest id was left marked, it swallows every later (smaller)
//! id and no election can ever finish, even after the crashed node recovers. The basic
//! algorithm has no timeout to undo this. Links that are not FIFO let an `Elected`
//! overtake a late `Election`, which then reopens the election: more messages, same winner.
//! A recovered node remembers nothing and does not start an election by itself.
//!
//! Messages: `Election{id}`, `Elected{id}`. No timers.
//! Invariants: one coordinator; agreement at rest on the live node with the largest id.

use super::shared::{self, exact, Elector, OneCoordinator, Rounds};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::rng::SimRng;
use crate::sim::topology::TopologyKind;
use crate::sim::monitor::Monitor;
use crate::sim::view::{Glyph, NodeView, Tone};
use crate::sim::{NodeId, ParamSpec};
use crate::words::{w, Text, Words};

/// How identifiers are laid out on the ring, relative to the starter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Largest id just before the starter, ids decreasing along the ring.
    Worst,
    /// Largest id at the starter, ids increasing along the ring after it.
    Best,
    /// Ids 1..N in node order, so they increase along the ring (the largest is node N-1).
    Ascending,
    /// Ids N..1 in node order, decreasing along the ring (the largest is node 0).
    Descending,
    /// A permutation drawn from the run's seed (its build stream), or ids typed in.
    Random,
}

/// Who starts an election at step 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Initiators {
    One,
    All,
    /// Nobody: elections start from clicks.
    Clicks,
}

pub struct ChangRoberts {
    n: usize,
    /// Each node's successor on the ring (from the run's graph).
    next: Vec<NodeId>,
    /// Identifier of each node, by index: a permutation of 1..=N, or the distinct
    /// positive ids typed in (`order`).
    ids: Vec<u32>,
    layout: Layout,
    initiators: Initiators,
    starter: NodeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub id: u32,
    pub participant: bool,
    /// The coordinator this node knows of (its id).
    pub leader: Option<u32>,
    /// This node won and its `Elected` has not come back yet.
    pub announcing: bool,
    /// Elections this node started.
    pub started: u32,
    /// Times this node was elected.
    pub wins: u32,
    /// This node has taken part in some election since it (re)started.
    pub involved: bool,
    /// The largest id that has passed through this node.
    pub largest: u32,
}

impl Node {
    fn fresh(id: u32) -> Node {
        Node { id, participant: false, leader: None, announcing: false, started: 0, wins: 0, involved: false, largest: id }
    }

}

impl Elector for Node {
    fn standing(&self) -> (u32, Option<u32>, bool) {
        (self.id, self.leader, self.involved)
    }
    fn largest_seen(&self) -> Option<u32> {
        Some(self.largest)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Election { id: u32 },
    Elected { id: u32 },
}


const START: InputSpec = InputSpec::plain("start");

const IDS: &[&str] = &["worst", "best", "ascending", "descending", "random"];
const INITIATORS: &[&str] = &["one", "all", "none"];

/// The identifiers of `n` nodes for a layout anchored at `starter`.
fn layout_ids(n: usize, layout: Layout, starter: NodeId, rng: &mut SimRng) -> Vec<u32> {
    let n32 = n as u32;
    match layout {
        // r = 0 is the starter's predecessor (id N), r = 1 the starter (N-1), and so on down.
        Layout::Worst => (0..n).map(|i| n32 - ((i + n + 1 - starter) % n) as u32).collect(),
        // k = 0 is the starter (id N); after it 1, 2, ..., N-1 up to its predecessor.
        Layout::Best => (0..n).map(|i| match ((i + n - starter) % n) as u32 { 0 => n32, k => k }).collect(),
        Layout::Ascending => (1..=n32).collect(),
        Layout::Descending => (1..=n32).rev().collect(),
        Layout::Random => shared::shuffled(n, rng),
    }
}

/// Textbook figures for one election under these settings.
struct Costs {
    messages: (Textbook, Text),
    election: (Textbook, Text),
    turnaround: (Textbook, Text),
}

impl ChangRoberts {
    fn next(&self, me: NodeId) -> NodeId {
        self.next[me]
    }

    fn initiate(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        if s.participant {
            return;
        }
        s.participant = true;
        s.involved = true;
        s.started += 1;
        ctx.mark("start");
        ctx.note(phrase!("note.starts", s.id));
        ctx.send(self.next(me), Msg::Election { id: s.id });
    }

    /// Hops along the ring from the starter to the node with the largest id.
    fn hops_to_largest(&self) -> usize {
        let top = self.ids.iter().enumerate().max_by_key(|&(_, id)| id).map_or(0, |(i, _)| i);
        let mut at = self.starter;
        let mut d = 0;
        while at != top && d < self.n {
            at = self.next(at);
            d += 1;
        }
        d
    }

    fn costs(&self) -> Costs {
        let n = self.n as f64;
        let quad = n * (n + 3.0) / 2.0;
        let exact = |v: f64, f: &'static str| (Textbook::Exact(v), formula(f));
        let range = |a: f64, b: f64, f: &'static str| (Textbook::Range(a, b), formula(f));
        // One initiator costs exactly 2N + d, d the hops from it to the largest id (see
        // the essay; a test checks every order up to N = 6), whatever the layout.
        let d = self.hops_to_largest() as f64;
        match (self.initiators, self.layout) {
            (Initiators::One, _) if d == n - 1.0 => Costs {
                messages: exact(3.0 * n - 1.0, "3N-1"),
                election: exact(2.0 * n - 1.0, "2N-1"),
                turnaround: exact(3.0 * n - 1.0, "3N-1"),
            },
            (Initiators::One, _) if d == 0.0 => {
                Costs { messages: exact(2.0 * n, "2N"), election: exact(n, "N"), turnaround: exact(2.0 * n, "2N") }
            }
            (Initiators::One, _) => {
                let with_d = |v: f64, key: &'static str| (Textbook::Exact(v), phrase!(key, d as u64));
                Costs { messages: with_d(2.0 * n + d, "formula.one_d"), election: with_d(n + d, "formula.one_d_election"), turnaround: with_d(2.0 * n + d, "formula.one_d") }
            }
            (Initiators::All, Layout::Worst | Layout::Descending) => Costs {
                messages: exact(quad, "N(N+3)/2, i.e. O(N²)"),
                election: exact(quad - n, "N(N+1)/2"),
                turnaround: exact(2.0 * n, "2N"),
            },
            (Initiators::All, Layout::Best | Layout::Ascending) => {
                Costs { messages: exact(3.0 * n - 1.0, "3N-1"), election: exact(2.0 * n - 1.0, "2N-1"), turnaround: exact(2.0 * n, "2N") }
            }
            (Initiators::All, Layout::Random) => Costs {
                messages: range(3.0 * n - 1.0, quad, "3N-1 .. N(N+3)/2, O(N log N) on average"),
                election: range(2.0 * n - 1.0, quad - n, "2N-1 .. N(N+1)/2"),
                turnaround: exact(2.0 * n, "2N"),
            },
            (Initiators::Clicks, _) => Costs {
                messages: range(2.0 * n, quad, "2N (one start, at the largest) .. N(N+3)/2 (all, worst order)"),
                election: range(n, quad - n, "N .. N(N+1)/2"),
                turnaround: range(2.0 * n, 3.0 * n - 1.0, "2N .. 3N-1"),
            },
        }
    }
}

/// A formula for the metrics table: algebra stays as written, the words are translated.
fn formula(f: &'static str) -> Text {
    match f {
        "N(N+3)/2, i.e. O(N²)" => Text::key("formula.all_worst"),
        "3N-1 .. N(N+3)/2, O(N log N) on average" => Text::key("formula.all_random"),
        "2N (one start, at the largest) .. N(N+3)/2 (all, worst order)" => Text::key("formula.clicks"),
        algebra => Text::plain(algebra),
    }
}

impl Protocol for ChangRoberts {
    type State = Node;
    type Msg = Msg;
    type Timer = NoTimer;
    type Stats = Rounds;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("election-ring", &super::FAMILY, (2, 64, 8))
            .on(&[TopologyKind::Ring])
            .params(vec![
                ParamSpec::choice("ids", IDS, "worst").short("ids", "标识布局"),
                ParamSpec::choice("initiators", INITIATORS, "one").short("initiators", "发起方"),
                ParamSpec::node("starter", 0).short("starter", "发起节点"),
                ParamSpec::id_list("order").short("order", "标识顺序"),
            ])
            .inputs(&[START])
            .scenarios(&[
                ReadyScenario { id: "worst", fragment: "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0" },
                ReadyScenario { id: "best", fragment: "v=1&proto=election-ring&n=8&seed=1&p.ids=best&p.initiators=one&p.starter=0" },
                ReadyScenario { id: "all-start", fragment: "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=all" },
                ReadyScenario { id: "two-starters", fragment: "v=1&proto=election-ring&n=8&seed=1&p.ids=ascending&p.initiators=none&act=0:input:1:start,0:input:5:start" },
                ReadyScenario { id: "crash", fragment: "v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0&act=0:crash:3" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let n = setup.n;
        let starter = setup.params.node("starter");
        if starter >= n {
            return Err(format!("starter node {starter} does not exist with {n} nodes; pick 0 to {}", n - 1));
        }
        let layout = match setup.params.choice("ids") {
            "best" => Layout::Best,
            "ascending" => Layout::Ascending,
            "descending" => Layout::Descending,
            "random" => Layout::Random,
            _ => Layout::Worst,
        };
        let initiators = match setup.params.choice("initiators") {
            "all" => Initiators::All,
            "none" => Initiators::Clicks,
            _ => Initiators::One,
        };
        // Ids typed in replace the layout; the costs are then those of a random order.
        let (ids, layout) = match shared::typed_ids(setup)? {
            Some(typed) => (typed, Layout::Random),
            None => (layout_ids(n, layout, starter, &mut setup.rng()), layout),
        };
        let next = setup.graph.ring_successors("Chang-Roberts")?;
        Ok(ChangRoberts { n, next, ids, layout, initiators, starter })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh(self.ids[me]);
        let starts = match self.initiators {
            Initiators::One => me == self.starter,
            Initiators::All => true,
            Initiators::Clicks => false,
        };
        if starts {
            self.initiate(me, &mut s, ctx);
        }
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, _from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        s.involved = true;
        if let Msg::Election { id } = m {
            s.largest = s.largest.max(id);
        }
        match m {
            Msg::Election { id } if id > s.id => {
                s.participant = true;
                ctx.note(phrase!("note.passes", id, s.id));
                ctx.send(self.next(me), Msg::Election { id });
            }
            Msg::Election { id } if id < s.id => {
                if s.participant {
                    ctx.note(phrase!("note.swallows", id, s.id));
                } else {
                    s.participant = true;
                    ctx.note(phrase!("note.replaces", id, s.id));
                    ctx.send(self.next(me), Msg::Election { id: s.id });
                }
            }
            Msg::Election { id } => {
                s.participant = false;
                s.leader = Some(id);
                s.announcing = true;
                s.wins += 1;
                ctx.mark("elected");
                ctx.note(phrase!("note.won", id));
                ctx.send(self.next(me), Msg::Elected { id });
            }
            Msg::Elected { id } => {
                s.participant = false;
                s.leader = Some(id);
                if id == s.id {
                    s.announcing = false;
                    ctx.mark("done");
                    ctx.note(Text::key("note.done"));
                } else {
                    ctx.note(phrase!("note.records", shared::leader_text(&self.ids, id)));
                    ctx.send(self.next(me), Msg::Elected { id });
                }
            }
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == START.id {
            self.initiate(me, s, ctx);
        }
    }

    /// A node that comes back remembers nothing and waits to be told (or clicked).
    fn on_recover(&self, me: NodeId, _old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh(self.ids[me])
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Election { id } => MsgLabel::new("election", format!("id={id}")),
            Msg::Elected { id } => MsgLabel::new("elected", format!("id={id}")),
        }
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = if s.participant {
            ("participant", Tone::Waiting)
        } else if s.is_leader() {
            ("leader", Tone::Leader)
        } else if s.leader.is_some() {
            ("knows_leader", Tone::Done)
        } else {
            ("non_participant", Tone::Idle)
        };
        let lap = if s.announcing {
            Text::key("lap.under_way")
        } else if s.is_leader() {
            Text::key("lap.complete")
        } else {
            Text::plain("-")
        };
        NodeView::new(role, tone)
            .badge(shared::badge(s))
            .glyph_if(s.is_leader(), Glyph::Crown)
            .detail("identifier", s.id)
            .detail("marking", Text::Id("role", if s.participant { "participant" } else { "non_participant" }))
            .detail("largest", s.largest)
            .detail("coordinator", shared::coordinator_detail(&self.ids, s))
            .detail("lap", lap)
            .detail("started", s.started)
            .detail("wins", s.wins)
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.participant {
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

    /// Costs of the latest election (the one under way, else the last one finished), so
    /// the counts climb while it runs and settle on the textbook figure when it ends.
    fn metrics(&self, stats: &Rounds, run: &RunView<Self>) -> Vec<Metric> {
        let costs = self.costs();
        let mut metrics = stats.metrics(costs.messages, costs.turnaround);
        metrics.insert(2, stats.kind_metric("election_messages", "election", costs.election));
        metrics.insert(3, stats.kind_metric("elected_messages", "elected", exact(run.setup.n as f64, "N")));
        metrics
    }
}

const WORDS: Words = &[
    w("name", "Ring election (Chang-Roberts)", "环选举（Chang-Roberts）"),
    w(
        "summary",
        "Ids travel one way round a ring; each node passes on larger ids, swaps in its own for smaller ones, and swallows smaller ones once it has sent its own. The id that comes home is the largest: its owner announces itself with an Elected message. One initiator costs 2N to 3N-1 messages.",
        "标识符沿环单向传递：每个节点转发更大的标识符，用自己的标识符替换更小的，并在已经发出自己的标识符后吞掉更小的。绕回起点的标识符就是最大的，它的主人用 Elected 消息宣布自己当选。单个发起者需要 2N 到 3N-1 条消息。",
    ),
    w("param.ids", "Identifier layout: worst (largest id just before the starter, decreasing along the ring), best (largest id at the starter, increasing after it), ascending or descending in node order, random (a permutation drawn from the run's seed)", "标识符布局：worst（最大标识符恰在发起者之前，沿环递减），best（最大标识符在发起者处，其后递增），按节点顺序 ascending（递增）或 descending（递减），random（由本次运行的种子生成的随机排列）"),
    w("param.initiators", "Who starts an election at time 0: the starter, every node at once, or none (click a node)", "时刻 0 由谁发起选举：发起者、所有节点同时，或无人（点击节点发起）"),
    w("param.starter", "The node that starts when initiators=one; the worst and best layouts are placed around it", "initiators=one 时发起选举的节点；worst 与 best 布局都围绕它摆放"),
    w("scenario.worst", "Worst case: 3N-1 messages", "最坏情况：3N-1 条消息"),
    w(
        "scenario.worst.about",
        "Node 0 starts, and the largest id (8) sits on node 7, just behind it. The wave needs 7 hops to reach node 7, id 8 then needs 8 hops to come home, and Elected 8 more: 23 messages, each waiting for the one before, so the turnaround is 23 transits too. Compare both with 3N-1.",
        "节点 0 发起选举，最大标识符 8 在它身后的节点 7。选举消息需要 7 跳到达节点 7，标识符 8 再走 8 跳回到自己，Elected 再走 8 跳：共 23 条消息，每条都要等前一条，所以周转时间也是 23 次传输。把两者都与 3N-1 比较。",
    ),
    w("scenario.best", "Best case: 2N messages", "最好情况：2N 条消息"),
    w(
        "scenario.best.about",
        "This time the node with the largest id starts. Every other node only passes its id along, so after one lap it comes home, and Elected makes one more: 16 messages for 8 nodes.",
        "这次由标识符最大的节点发起。其他节点只是转发它的标识符，一圈之后回到起点，Elected 再走一圈：8 个节点共 16 条消息。",
    ),
    w("scenario.all-start", "Everyone starts at once", "所有节点同时发起"),
    w(
        "scenario.all-start.about",
        "All eight nodes start together and ids decrease along the ring, so each id runs on until it meets a larger one: 7+6+...+1 hops for the small ids, 8 for the largest, 8 for Elected, 44 messages in all, the quadratic worst case. Watch the participant nodes swallow the smaller ids; still exactly one coordinator comes out.",
        "八个节点同时发起，标识符沿环递减，于是每个标识符一直前进直到遇到更大的：较小标识符共走 7+6+…+1 跳，最大的走 8 跳，Elected 再走 8 跳，共 44 条消息，即二次方的最坏情况。注意参与者节点如何吞掉较小的标识符；最终仍恰好选出一个协调者。",
    ),
    w("scenario.two-starters", "Two initiators at once", "两个节点同时发起"),
    w(
        "scenario.two-starters.about",
        "Nodes 1 and 5 start at the same moment; ids ascend round the ring, so the largest, 8, sits on node 7. Node 1's wave grows id by id (2, 3, 4, 5) until node 5, already a participant with its own larger id out, swallows it: 4 messages wasted. Node 5's wave reaches node 7 in two hops, id 8 goes once round (8 hops) and Elected once more (8): 22 messages, the 4 wasted ones more than node 5 alone would need (18); the turnaround is 18 transits either way, because the two waves travel side by side. Still exactly one coordinator.",
        "节点 1 和节点 5 同时发起；标识符沿环递增，最大的 8 在节点 7。节点 1 的选举消息逐个换成更大的标识符（2、3、4、5），直到节点 5：它已是参与者、自己更大的标识符已经发出，于是吞掉它，白白花了 4 条消息。节点 5 的消息两跳到达节点 7，标识符 8 绕环一圈（8 跳），Elected 再绕一圈（8 跳）：共 22 条消息，比节点 5 单独发起（18 条）多出那 4 条白费的；而两股消息并行前进，周转时间仍是 18 次传输。最终仍恰好一个协调者。",
    ),
    w("scenario.crash", "A crash stalls the election", "崩溃使选举停滞"),
    w(
        "scenario.crash.about",
        "Node 0 starts an election, but node 3 has crashed. The ring cannot route around it, so the Election message dies there and nodes 4 to 7 never hear of it. When nothing is left to happen, the agreement monitor names every node that does not know the coordinator. Starting again elsewhere does not help while node 3 is down.",
        "节点 0 发起选举，但节点 3 已经崩溃。环无法绕过它，选举消息在那里消失，节点 4 到 7 永远听不到。当再无事件可发生时，一致性监视器列出所有不知道协调者的节点。节点 3 宕机期间，从别处重新发起也无济于事。",
    ),
    w("lap.under_way", "under way", "进行中"),
    w("lap.complete", "complete", "已完成"),
    w("detail.marking", "marking", "标记"),
    w("detail.lap", "Elected lap", "Elected 的一圈"),
    w("detail.wins", "times elected", "当选次数"),
    w("mark.done", "done", "结束"),
    w("msg.elected", "elected", "当选"),
    w("note.starts", "starts an election: sends its own id {0}", "发起选举：发出自己的标识符 {0}"),
    w("note.passes", "passes on id {0}, larger than its own {1}", "转发标识符 {0}，它大于自己的 {1}"),
    w("note.swallows", "swallows id {0}: it is a participant and its own larger id {1} is already out", "吞掉标识符 {0}：它已是参与者，自己更大的标识符 {1} 已经发出"),
    w("note.replaces", "replaces id {0} with its own larger id {1}", "用自己更大的标识符 {1} 替换 {0}"),
    w("note.won", "its own id {0} came all the way round: it is the coordinator", "自己的标识符 {0} 绕了一整圈回来：它就是协调者"),
    w("note.done", "Elected came back: every node knows the coordinator; the election is over", "Elected 回到起点：所有节点都知道了协调者，选举结束"),
    w("note.records", "records {0} as coordinator and passes Elected on", "记下 {0} 为协调者，并转发 Elected"),
    w("metric.elected_messages", "Elected messages", "Elected 消息数"),
    w("formula.one_d", "2N+d, d = {0} hops from the starter to the largest id", "2N+d，d = {0}：从发起者到最大标识符的跳数"),
    w("formula.one_d_election", "N+d, d = {0}", "N+d，d = {0}"),
    w("formula.all_worst", "N(N+3)/2, i.e. O(N²)", "N(N+3)/2，即 O(N²)"),
    w("formula.all_random", "3N-1 .. N(N+3)/2, O(N log N) on average", "3N-1 .. N(N+3)/2，平均 O(N log N)"),
    w("formula.clicks", "2N (one start, at the largest) .. N(N+3)/2 (all, worst order)", "2N（由最大者单独发起）.. N(N+3)/2（全部发起，最坏顺序）"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured, reading, run_out, REST};
    use crate::sim::scenario::Scenario;
    use crate::sim::{Act, Engine, EventKind, NetworkConfig};

    /// An engine over hand-picked ids (for the exhaustive checks).
    fn engine_over(ids: Vec<u32>, initiators: Initiators, starter: NodeId, seed: u64) -> Engine<ChangRoberts> {
        let n = ids.len();
        let setup = kit::setup::<ChangRoberts>(n, "ids=random&initiators=one&starter=0", seed);
        let next = (0..n).map(|i| setup.graph.ring_next(i).unwrap()).collect();
        let proto = ChangRoberts { n, next, ids, layout: Layout::Random, initiators, starter };
        Engine::new(proto, setup, kit::delays(1, 100), seed)
    }

    fn everyone_names(e: &Engine<ChangRoberts>, id: u32) -> bool {
        e.world.states.iter().zip(&e.world.up).all(|(s, &up)| !up || s.leader == Some(id))
    }

    #[test]
    fn layouts_put_the_largest_id_where_the_cases_need_it() {
        for n in 2..=12 {
            for starter in 0..n {
                let pred = (starter + n - 1) % n;
                let worst = layout_ids(n, Layout::Worst, starter, &mut SimRng::new(0));
                let best = layout_ids(n, Layout::Best, starter, &mut SimRng::new(0));
                let random = layout_ids(n, Layout::Random, starter, &mut SimRng::new(starter as u64));
                for ids in [&worst, &best, &random] {
                    let mut sorted = ids.clone();
                    sorted.sort_unstable();
                    assert_eq!(sorted, (1..=n as u32).collect::<Vec<_>>(), "a permutation of 1..=N");
                }
                assert_eq!(worst[pred], n as u32);
                assert_eq!(best[starter], n as u32);
                for i in 0..n {
                    let next = (i + 1) % n;
                    if next != pred {
                        assert!(worst[next] < worst[i], "worst: decreasing along the ring from the largest");
                    }
                    if next != starter {
                        assert!(best[next] > best[i] || i == starter, "best: increasing after the starter");
                    }
                }
            }
        }
    }

    #[test]
    fn worst_layout_costs_3n_minus_1_messages_and_transits() {
        for n in [2, 3, 4, 5, 8, 16, 32] {
            for starter in [0, n / 2, n - 1] {
                let mut e = kit::engine::<ChangRoberts>(n, &format!("ids=worst&initiators=one&starter={starter}"), n as u64);
                run_out(&mut e);
                let want = (3 * n - 1) as f64;
                assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n}");
                assert_eq!(reading(&e, "turnaround"), (Some(want), Textbook::Exact(want)), "N={n}");
                assert_eq!(measured(&e, "election_messages"), Some((2 * n - 1) as f64));
                assert_eq!(measured(&e, "elected_messages"), Some(n as f64));
                assert_eq!(e.world.counters.sent, 3 * n as u64 - 1);
                assert_eq!(e.world.counters.by_kind["election"] + e.world.counters.by_kind["elected"], 3 * n as u64 - 1);
                // The round's own chain agrees with the engine's hops for an election begun at step 0.
                let done = e.trace.marked("done").next().expect("the election ends").0;
                assert_eq!(done.hops as f64, want);
                assert_eq!(done.node, Some((starter + n - 1) % n), "the largest id sits just before the starter");
                assert!(everyone_names(&e, n as u32));
                assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            }
        }
    }

    #[test]
    fn best_layout_costs_2n_messages_and_transits() {
        for n in [2, 3, 4, 5, 8, 16, 32] {
            let starter = n / 3;
            let mut e = kit::engine::<ChangRoberts>(n, &format!("ids=best&initiators=one&starter={starter}"), 7);
            run_out(&mut e);
            let want = (2 * n) as f64;
            assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n}");
            assert_eq!(reading(&e, "turnaround"), (Some(want), Textbook::Exact(want)), "N={n}");
            assert_eq!(measured(&e, "election_messages"), Some(n as f64));
            assert_eq!(e.trace.marked("done").next().unwrap().0.hops as f64, want);
            assert!(everyone_names(&e, n as u32));
            assert!(e.trace.violations().is_empty());
        }
    }

    /// One initiator's textbook figure is exact for every layout: 2N + d.
    #[test]
    fn one_initiator_costs_2n_plus_d_in_every_layout() {
        for n in [3, 5, 8] {
            for ids in ["ascending", "descending", "random"] {
                for starter in 0..n {
                    let mut e = kit::engine::<ChangRoberts>(n, &format!("ids={ids}&initiators=one&starter={starter}"), 11 + starter as u64);
                    let top = e.proto.ids.iter().position(|&x| x == n as u32).unwrap();
                    let d = ((top + n - starter) % n) as f64;
                    run_out(&mut e);
                    let want = 2.0 * n as f64 + d;
                    assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n} {ids} starter {starter}");
                    assert_eq!(reading(&e, "election_messages"), (Some(want - n as f64), Textbook::Exact(want - n as f64)));
                }
            }
        }
        // Everyone starting: ascending ids are the cheap order, descending the dear one.
        for (ids, want) in [("ascending", 3 * 8 - 1), ("descending", 8 * 11 / 2)] {
            let mut e = kit::engine::<ChangRoberts>(8, &format!("ids={ids}&initiators=all&starter=0"), 1);
            run_out(&mut e);
            assert_eq!(reading(&e, "messages"), (Some(want as f64), Textbook::Exact(want as f64)), "{ids}");
        }
    }

    #[test]
    fn concurrent_starts_cost_between_3n_minus_1_and_n_n_plus_3_over_2() {
        for n in [2, 3, 4, 5, 8, 16, 32] {
            let quad = (n * (n + 3) / 2) as f64;
            for (ids, want) in [("worst", quad), ("best", (3 * n - 1) as f64)] {
                let mut e = kit::engine_with::<ChangRoberts>(n, &format!("ids={ids}&initiators=all&starter=0"), 3, kit::delays(1, 100));
                run_out(&mut e);
                assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n} {ids}");
                assert_eq!(reading(&e, "turnaround"), (Some((2 * n) as f64), Textbook::Exact((2 * n) as f64)), "N={n} {ids}");
                assert_eq!(e.trace.marked("elected").count(), 1);
                assert!(everyone_names(&e, n as u32));
                assert!(e.trace.violations().is_empty());
            }
        }
    }

    /// Heap's algorithm: every permutation of 1..=n.
    fn permutations(n: usize) -> Vec<Vec<u32>> {
        fn go(k: usize, a: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
            if k <= 1 {
                out.push(a.clone());
                return;
            }
            for i in 0..k {
                go(k - 1, a, out);
                let j = if k.is_multiple_of(2) { i } else { 0 };
                a.swap(j, k - 1);
            }
        }
        let mut out = Vec::new();
        go(n, &mut (1..=n as u32).collect(), &mut out);
        out
    }

    /// The proof by exhaustion behind the layouts: over every id order and every starter,
    /// one initiator costs exactly d + 2N (d = hops from the starter to the largest id),
    /// so 2N..3N-1 with the ends exactly where `best` and `worst` put them; everyone
    /// starting costs 3N-1..N(N+3)/2, the ends being increasing and decreasing order.
    #[test]
    fn exhaustively_one_start_costs_d_plus_2n_and_all_starts_stay_in_bounds() {
        for n in 2..=6 {
            let mut seen_all = (u64::MAX, 0);
            for (k, ids) in permutations(n).into_iter().enumerate() {
                let top = ids.iter().position(|&x| x == n as u32).unwrap();
                for starter in 0..n {
                    let mut e = engine_over(ids.clone(), Initiators::One, starter, k as u64);
                    run_out(&mut e);
                    let d = ((top + n - starter) % n) as u64;
                    let sent = e.world.counters.sent;
                    assert_eq!(sent, d + 2 * n as u64, "ids {ids:?} starter {starter}");
                    assert_eq!(measured(&e, "turnaround"), Some(sent as f64));
                    assert!(everyone_names(&e, n as u32) && e.trace.violations().is_empty());
                }
                let mut e = engine_over(ids.clone(), Initiators::All, 0, k as u64);
                run_out(&mut e);
                let sent = e.world.counters.sent;
                seen_all = (seen_all.0.min(sent), seen_all.1.max(sent));
                assert!(everyone_names(&e, n as u32) && e.trace.violations().is_empty());
            }
            assert_eq!(seen_all, (3 * n as u64 - 1, (n * (n + 3) / 2) as u64), "N={n}");
        }
    }

    #[test]
    fn invariants_hold_over_a_thousand_seeds_of_random_ids_and_delays() {
        for fifo in [true, false] {
            let mut reopened = 0;
            for seed in 0..1000u64 {
                let n = 2 + (seed % 11) as usize;
                let net = NetworkConfig { delay_min: 1, delay_max: 100, fifo, ..Default::default() };
                let mut e = kit::engine_with::<ChangRoberts>(n, "ids=random&initiators=all&starter=0", seed, net);
                run_out(&mut e);
                assert!(e.trace.violations().is_empty(), "fifo {fifo} seed {seed}: {:?}", e.trace.violations());
                assert!(e.broken().is_empty());
                assert!(everyone_names(&e, n as u32), "fifo {fifo} seed {seed}: {:?}", e.world.states);
                let leaders: Vec<_> = e.world.states.iter().filter(|s| s.is_leader()).collect();
                assert_eq!(leaders.len(), 1);
                assert_eq!(leaders[0].id, n as u32, "the coordinator has the largest id");
                assert!(e.world.states.iter().all(|s| !s.participant && !s.announcing));
                let elected = e.trace.marked("elected").count();
                if fifo {
                    assert_eq!(elected, 1, "seed {seed}");
                } else if elected > 1 {
                    reopened += 1;
                }
            }
            if !fifo {
                // Not an assertion of correctness, just that the lesson exists: late
                // Election messages overtaken by Elected do reopen elections.
                assert!(reopened > 0, "non-FIFO links never reopened an election in 1,000 seeds");
            }
        }
    }

    #[test]
    fn a_second_election_is_measured_on_its_own() {
        let n = 8;
        let mut e = kit::engine::<ChangRoberts>(n, "ids=worst&initiators=one&starter=0", 5);
        run_out(&mut e);
        // Now the node with the largest id (node 7) starts again: the best case.
        e.apply(&Act::Input(7, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert_eq!(measured(&e, "messages"), Some(2.0 * n as f64));
        assert_eq!(measured(&e, "turnaround"), Some(2.0 * n as f64));
        assert_eq!(measured(&e, "finished"), Some(2.0));
        // The engine's hops count from step 0, so they include the first election.
        assert_eq!(e.trace.marked("done").last().unwrap().0.hops as usize, (3 * n - 1) + 2 * n);
        assert!(e.trace.violations().is_empty());
    }

    #[test]
    fn clicks_start_elections_and_participants_offer_no_start() {
        let mut e = kit::engine::<ChangRoberts>(5, "ids=random&initiators=none&starter=0", 2);
        assert!(!e.step(), "nothing happens until someone clicks");
        assert!(e.trace.violations().is_empty(), "agreement is not asked before any election");
        assert_eq!(measured(&e, "messages"), None);
        e.apply(&Act::Input(2, "start".into(), None)).unwrap();
        assert!(e.proto.inputs_for(2, &e.world.states[2]).is_empty());
        // A second click at the participant is refused politely and sends nothing.
        e.apply(&Act::Input(2, "start".into(), None)).unwrap();
        assert_eq!(e.world.counters.sent, 1);
        run_out(&mut e);
        assert!(everyone_names(&e, 5) && e.trace.violations().is_empty());
        let views: Vec<NodeView> = (0..5).map(|i| e.proto.view(i, &e.world.states[i])).collect();
        assert_eq!(views.iter().filter(|v| v.role == "leader").count(), 1);
        assert!(views.iter().all(|v| v.role == "leader" || v.role == "knows_leader"));
        assert!(views.iter().all(|v| v.badge.en(WORDS).starts_with("id ") && v.badge.en(WORDS).contains("leader")));
    }

    #[test]
    fn build_refuses_a_starter_that_is_not_a_node() {
        let setup = kit::setup::<ChangRoberts>(4, "ids=worst&initiators=one&starter=6", 1);
        let err = ChangRoberts::build(&setup).err().unwrap();
        assert!(err.contains("starter node 6") && err.contains("0 to 3"), "{err}");
    }

    #[test]
    fn ready_scenarios_parse_and_run() {
        let scenarios = ChangRoberts::info().scenarios;
        let expect = [Some(23.0), Some(16.0), Some(44.0), Some(22.0), None];
        for (ready, want) in scenarios.iter().zip(expect) {
            let h = kit::ready::<ChangRoberts>(ready.id);
            let messages = measured(&h, "messages");
            let finished = measured(&h, "finished");
            match want {
                Some(w) => {
                    assert_eq!(messages, Some(w), "{}", ready.id);
                    assert_eq!(finished, Some(1.0));
                    assert!(h.sim().trace().violations().is_empty(), "{}", ready.id);
                }
                None => assert_eq!(finished, Some(0.0)),
            }
        }
    }

    #[test]
    fn a_crash_stalls_the_election_and_the_monitor_names_who_does_not_know() {
        let h = kit::ready::<ChangRoberts>("crash");
        let v = &h.sim().trace().violations();
        let stall = v.iter().find(|v| v.invariant == "agreement").unwrap_or_else(|| panic!("{v:?}"));
        // Node 7 (id 8) is the largest live node; nobody has been told anything.
        assert_eq!(stall.nodes, vec![0, 1, 2, 4, 5, 6, 7]);
        assert!(stall.detail.en(WORDS).contains("id 8 (node 7)"), "{}", stall.detail.en(WORDS));
        assert!(h.sim().trace().events().iter().any(|e| matches!(e.kind, EventKind::Discard { .. }) && e.node == Some(3)));
        // Starting again past the crash does not help, and nothing panics on the way.
        let mut e = kit::engine::<ChangRoberts>(8, "ids=worst&initiators=one&starter=0", 1);
        e.apply(&Act::Crash(3)).unwrap();
        run_out(&mut e);
        e.apply(&Act::Input(5, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert!(e.world.states.iter().all(|s| s.leader.is_none()));
        // Even with node 3 back, the nodes left marked participant swallow every smaller
        // id, node 7 (id 8) among them, and nothing ever clears the mark: still stuck.
        e.apply(&Act::Recover(3)).unwrap();
        e.apply(&Act::Input(3, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert!(e.world.states[7].participant && e.proto.inputs_for(7, &e.world.states[7]).is_empty());
        assert!(e.world.states.iter().all(|s| s.leader.is_none()));
        assert!(e.broken().contains(&"agreement"));
    }

    #[test]
    fn the_leaders_crash_leaves_a_stale_coordinator_at_rest() {
        let mut e = kit::engine::<ChangRoberts>(6, "ids=best&initiators=one&starter=2", 4);
        run_out(&mut e);
        assert!(e.broken().is_empty());
        e.apply(&Act::Crash(2)).unwrap();
        let v = e.trace.violations().last().unwrap();
        assert_eq!(v.invariant, "agreement");
        assert!(v.detail.en(WORDS).contains("names id 6 (node 2)"), "{}", v.detail.en(WORDS));
        // Any live node may start a new election, but node 2's corpse blocks the ring.
        e.apply(&Act::Input(4, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert!(e.broken().contains(&"agreement"));
    }

    fn with_order(n: usize, order: &str, initiators: &str) -> Result<Engine<ChangRoberts>, String> {
        let setup = kit::setup::<ChangRoberts>(n, &format!("ids=worst&initiators={initiators}&starter=0&order={order}"), 1);
        Ok(Engine::new(ChangRoberts::build(&setup)?, setup, NetworkConfig::default(), 1))
    }

    #[test]
    fn typed_in_ids_go_on_nodes_in_order_and_the_largest_wins() {
        let mut e = with_order(4, "3.1.4.2", "all").unwrap();
        assert_eq!(e.proto.ids, vec![3, 1, 4, 2]);
        assert_eq!(e.world.states.iter().map(|s| s.id).collect::<Vec<_>>(), vec![3, 1, 4, 2]);
        run_out(&mut e);
        assert!(everyone_names(&e, 4) && e.world.states[2].is_leader());
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
        // Ids need not be 1..N.
        let mut e = with_order(5, "10.30.20.5.7", "one").unwrap();
        run_out(&mut e);
        assert!(everyone_names(&e, 30) && e.world.states[1].is_leader());
        assert_eq!(e.proto.view(0, &e.world.states[0]).badge.en(WORDS), "id 10 · leader 30");
        // Empty keeps the layout; a list of the wrong length is refused.
        assert_eq!(with_order(4, "", "one").unwrap().proto.ids, layout_ids(4, Layout::Worst, 0, &mut SimRng::new(1)));
        assert!(with_order(4, "3.1.4", "one").err().unwrap().contains("3 ids for 4 nodes"));
    }

    #[test]
    fn typed_in_ids_travel_in_the_url() {
        let registry = crate::protocols::REGISTRY;
        let text = "v=1&proto=election-ring&n=4&seed=2&p.order=3.1.4.2&p.initiators=all";
        let s = Scenario::parse_strict(text, registry).unwrap();
        assert!(s.to_fragment().contains("p.order=3.1.4.2"), "{}", s.to_fragment());
        assert_eq!(Scenario::parse_strict(&s.to_fragment(), registry).unwrap(), s);
        let h = kit::run(text, REST);
        let badges: Vec<String> = h.sim().node_views().iter().map(|v| v.badge.en(WORDS)).collect();
        assert_eq!(badges, vec!["id 3 · leader 4", "id 1 · leader 4", "id 4 · leader", "id 2 · leader 4"]);
        let errors = Scenario::parse("v=1&proto=election-ring&n=5&p.order=3.1.4.2", registry).1;
        assert!(errors.iter().any(|e| e.key == "p.order" && e.message.en(WORDS).contains("5 distinct")), "{errors:?}");
    }

    #[test]
    fn random_ids_follow_the_runs_seed() {
        let ids = |seed: u64| kit::engine::<ChangRoberts>(8, "ids=random&initiators=none&starter=0", seed).proto.ids;
        assert_eq!(ids(5), vec![2, 6, 3, 4, 8, 7, 5, 1], "seed 5 always lays out the same ids");
        let layouts: std::collections::BTreeSet<Vec<u32>> = (0..20).map(ids).collect();
        assert!(layouts.len() > 15, "seeds give different layouts: {}", layouts.len());
        // The layout has its own stream: the first message's delay is the same under
        // every layout (only the order of ids changed).
        let first_due = |seed: u64, layout: &str| {
            let mut e = kit::engine_with::<ChangRoberts>(8, &format!("ids={layout}&initiators=one&starter=0"), seed, kit::delays(1, 500));
            e.step();
            e.trace.events().last().map(|ev| ev.time)
        };
        assert_eq!(first_due(9, "random"), first_due(9, "worst"));
    }
}
