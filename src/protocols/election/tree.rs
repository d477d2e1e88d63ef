//! # Election on a spanning tree
//!
//! The nodes are joined by a spanning tree rooted at node 0, and every node talks only
//! to its parent and its children. Each node carries an *identifier*, unrelated to its
//! place in the tree; the goal, as for the whole family, is that everyone agrees on the
//! node with the largest identifier as coordinator. This is the classic "convergecast,
//! then broadcast" wave (a saturation or echo algorithm, see Lynch, *Distributed
//! Algorithms*, §4.2, and Tel, *Introduction to Distributed Algorithms*, §6.2 and §7.3):
//!
//! - **Reports go up.** A leaf sends `Report{its id}` to its parent. An inner node waits
//!   until every one of its children has reported, then sends `Report{m}` to its own
//!   parent, where m is the largest of its own id and the ids its children reported: the
//!   largest id anywhere in its subtree.
//! - **The root decides.** When all the root's children have reported, the root holds the
//!   largest id in the whole tree. Nothing larger can be hiding anywhere: every subtree
//!   has answered. It names that id coordinator.
//! - **The decision goes down.** The root sends `Coordinator{id}` to its children, every
//!   node records it and passes it to its own children, and the leaves keep it.
//!
//! Where the coordinator *declares* itself (the `elected` mark the family's monitor
//! reads) depends on where the largest id sits: if the root owns it, the root declares
//! itself at the moment it decides; otherwise the root only announces someone else, and
//! the winner declares itself when `Coordinator{its own id}` reaches it.
//!
//! **Costs.** Every tree edge carries exactly one `Report` (child to parent) and one
//! `Coordinator` (parent to child): 2(N-1) messages, whatever the ids and whatever the
//! delays. The turnaround, the longest chain of transits one after another, is 2×depth,
//! where depth is the height of the tree: the deepest leaf's report needs depth transits
//! to reach the root, the root cannot decide before it arrives, and the announcement needs
//! depth more to come back down to that leaf. Reports from different subtrees travel side
//! by side, so a bushy tree (depth about log N) is fast and a path (depth N-1) is as slow
//! as the ring, for the same 2(N-1) messages.
//!
//! **Ids.** The layout does not change either cost, unlike on the ring. The default is
//! `ascending` (node i has id i+1) because in heap order the last node is a leaf on the
//! deepest level: the winning id has to climb the whole height, every inner node on the
//! way forwards it because it beats its own, and the root ends up announcing somebody
//! else, whose declaration comes last of all, at the far end of the tree.
//!
//! **Who starts.** With `initiators=leaves` (the default, the textbook setting) every
//! node knows an election is on at time 0 and every leaf reports at once. With `none`,
//! everyone sleeps until a `start` click. A node that wakes (by a click, or because a
//! message reaches it) sends `Wake` to each child that has not reported yet; a leaf that
//! wakes reports. A report reaching a sleeping node wakes it too, so one click anywhere
//! wakes the whole tree: a click at a leaf climbs to the root as reports while each
//! ancestor wakes its other subtrees; a click at an inner node (the root included)
//! sweeps `Wake` down its subtree first. Each parent wakes its children at most once, so
//! the cost is 2(N-1) plus at most N-1 `Wake`s: exactly 3(N-1) and 3×depth transits for
//! one click at the root, 3(N-1)-d messages for one click at a leaf of depth d. The
//! default is untouched: with `leaves` everyone is awake from the start and no `Wake` is
//! ever sent.
//!
//! **Failures.** The algorithm assumes nothing fails. A crashed inner node swallows the
//! reports of its subtree, so its parent, and every ancestor up to the root, waits for
//! ever: nothing is decided, nobody learns a coordinator, and the agreement monitor names
//! every live node when the run comes to rest. The root cannot decide without the missing
//! subtree, since it might hold the largest id. A recovered node remembers nothing and
//! does not rejoin; there is one election per run.
//!
//! Messages: `Report{id}`, `Coordinator{id}`, and `Wake` (only with `initiators=none`).
//! No timers. Invariants: one coordinator; agreement at rest on the largest live id.

use super::shared::{self, exact, Elector, OneCoordinator, Rounds};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::Monitor;
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::view::{Cell, CellRow, Glyph, NodeView, Tone};
use crate::sim::{NodeId, ParamSpec};
use crate::words::{w, Text, Words};

/// Who starts the election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Initiators {
    /// Every leaf reports at time 0; every node knows an election is on.
    Leaves,
    /// Nobody: a `start` click wakes a node, which wakes the rest.
    Clicks,
}

pub struct TreeElection {
    n: usize,
    /// Identifier of each node, by index.
    ids: Vec<u32>,
    parent: Vec<Option<NodeId>>,
    children: Vec<Vec<NodeId>>,
    depth: Vec<usize>,
    /// The height of the tree: the largest depth.
    height: usize,
    initiators: Initiators,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub id: u32,
    /// Knows an election is on (from the start, by a click, or by a message).
    pub awake: bool,
    /// What each child reported, in the order of `children`; None: not yet.
    pub reports: Vec<Option<u32>>,
    /// The largest id seen so far: its own and its children's reports.
    pub largest: u32,
    /// Has sent its report to its parent (the root: has decided).
    pub reported: bool,
    /// The coordinator this node knows of (its id).
    pub leader: Option<u32>,
    pub involved: bool,
}

impl Node {
    fn fresh(id: u32, children: usize) -> Node {
        Node { id, awake: false, reports: vec![None; children], largest: id, reported: false, leader: None, involved: false }
    }

    fn heard(&self) -> usize {
        self.reports.iter().filter(|r| r.is_some()).count()
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
    /// Child to parent: the largest id in the child's subtree.
    Report { id: u32 },
    /// Parent to child: the coordinator the root decided on.
    Coordinator { id: u32 },
    /// Parent to child: an election is on (only with `initiators=none`).
    Wake,
}


const START: InputSpec = InputSpec::plain("start");
const INITIATORS: &[&str] = &["leaves", "none"];
/// Node range (node masks and the drawing stay readable up to here).
const NODES: NodeRange = NodeRange { min: 2, max: 63, default: 15 };

impl TreeElection {
    fn is_leaf(&self, me: NodeId) -> bool {
        self.children[me].is_empty()
    }

    /// The node learns an election is on: a leaf reports, an inner node wakes the
    /// children that have not reported yet (but not `except`, the child whose report woke
    /// it). With `initiators=leaves` every node is awake from the start, so this does
    /// nothing and no `Wake` is ever sent.
    fn wake(&self, me: NodeId, s: &mut Node, except: Option<NodeId>, ctx: &mut Ctx<Self>) {
        if s.awake {
            return;
        }
        s.awake = true;
        s.involved = true;
        if self.is_leaf(me) {
            self.report_up(me, s, ctx);
            return;
        }
        let sleepers: Vec<NodeId> =
            self.children[me].iter().zip(&s.reports).filter(|&(&c, r)| r.is_none() && Some(c) != except).map(|(&c, _)| c).collect();
        if !sleepers.is_empty() {
            ctx.note(phrase!("note.wakes", crate::words::nodes(&sleepers)));
        }
        for c in sleepers {
            ctx.send(c, Msg::Wake);
        }
    }

    /// Send the largest id of the subtree to the parent (the root decides instead).
    fn report_up(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        if s.reported {
            return;
        }
        s.reported = true;
        match self.parent[me] {
            Some(p) if self.is_leaf(me) => {
                ctx.note(phrase!("note.leaf_reports", s.id, p));
                ctx.send(p, Msg::Report { id: s.id });
            }
            Some(p) => {
                ctx.note(phrase!("note.forwards", s.reports.len(), s.largest, p));
                ctx.send(p, Msg::Report { id: s.largest });
            }
            None => self.decide(me, s, ctx),
        }
    }

    /// The root has heard every subtree: the largest id it has seen is the largest.
    fn decide(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        let winner = s.largest;
        s.leader = Some(winner);
        ctx.mark("decided");
        if winner == s.id {
            ctx.mark("elected");
            ctx.note(phrase!("note.root_wins", winner));
        } else {
            ctx.note(phrase!("note.decides", shared::leader_text(&self.ids, winner)));
        }
        for &c in &self.children[me] {
            ctx.send(c, Msg::Coordinator { id: winner });
        }
    }

    fn costs(&self) -> [(Textbook, Text); 2] {
        let n = self.n as f64;
        let h = self.height as f64;
        match self.initiators {
            Initiators::Leaves => {
                [exact(2.0 * (n - 1.0), "2(N-1)"), (Textbook::Exact(2.0 * h), phrase!("formula.two_depth", self.height))]
            }
            Initiators::Clicks => [
                (Textbook::Range(2.0 * (n - 1.0), 3.0 * (n - 1.0)), Text::key("formula.clicks_messages")),
                (Textbook::Unbounded, phrase!("formula.clicks_time", self.height)),
            ],
        }
    }
}

impl Protocol for TreeElection {
    type State = Node;
    type Msg = Msg;
    type Timer = NoTimer;
    type Stats = Rounds;

    fn info() -> ProtocolInfo {
        let mut params = shared::id_params("ascending");
        params.push(ParamSpec::choice("initiators", INITIATORS, "leaves").short("initiators", "发起方"));
        ProtocolInfo::new("election-tree", &super::FAMILY, (NODES.min, NODES.max, NODES.default))
            .on(&[TopologyKind::Tree, TopologyKind::RandomTree, TopologyKind::Star, TopologyKind::Edges])
            .params(params)
            .inputs(&[START])
            .scenarios(&[
                ReadyScenario { id: "balanced-15", fragment: "v=1&proto=election-tree&n=15&seed=1&topo=tree&p.ids=ascending&p.initiators=leaves" },
                ReadyScenario {
                    id: "deep",
                    fragment: "v=1&proto=election-tree&n=15&seed=1&topo=edges:0-1.1-2.2-3.3-4.4-5.5-6.6-7.7-8.8-9.9-10.10-11.11-12.12-13.13-14&p.ids=ascending&p.initiators=leaves",
                },
                ReadyScenario { id: "random-tree", fragment: "v=1&proto=election-tree&n=20&seed=3&topo=random-tree&p.ids=random&p.initiators=leaves" },
                ReadyScenario { id: "crash", fragment: "v=1&proto=election-tree&n=15&seed=1&topo=tree&p.ids=ascending&p.initiators=leaves&act=0:crash:1" },
                ReadyScenario { id: "click-root", fragment: "v=1&proto=election-tree&n=15&seed=1&topo=tree&p.ids=ascending&p.initiators=none&act=0:input:0:start" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let n = setup.n;
        if !(NODES.min..=NODES.max).contains(&n) {
            return Err(format!("election-tree runs on {} to {} nodes, not {n}", NODES.min, NODES.max));
        }
        let g = &setup.graph;
        if !g.is_tree() || g.n() != n {
            return Err(format!(
                "election-tree needs a spanning tree, and topology {} on {n} nodes is not one (it has a cycle or leaves a node unconnected); use tree, tree:D, random-tree, star, or an edge list of N-1 edges joining all N nodes",
                setup.topology
            ));
        }
        let initiators = match setup.params.choice("initiators") {
            "none" => Initiators::Clicks,
            _ => Initiators::Leaves,
        };
        let ids = shared::ids(setup)?;
        Ok(TreeElection {
            n,
            ids,
            parent: (0..n).map(|i| g.parent(i)).collect(),
            children: (0..n).map(|i| g.children(i).to_vec()).collect(),
            depth: (0..n).map(|i| g.depth(i)).collect(),
            height: g.height(),
            initiators,
        })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh(self.ids[me], self.children[me].len());
        if self.initiators == Initiators::Leaves {
            s.awake = true;
            s.involved = true;
            if self.is_leaf(me) {
                ctx.mark("start");
                self.report_up(me, &mut s, ctx);
            }
        }
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        s.involved = true;
        match m {
            Msg::Wake => {
                if s.awake {
                    ctx.note(Text::key("note.already_awake"));
                } else {
                    ctx.note(Text::key("note.woken"));
                    self.wake(me, s, None, ctx);
                }
            }
            Msg::Report { id } => {
                let Some(slot) = self.children[me].iter().position(|&c| c == from) else { return };
                if !s.awake {
                    ctx.note(Text::key("note.woken_by_report"));
                    self.wake(me, s, Some(from), ctx);
                }
                if s.reports[slot].is_some() {
                    // A duplicate (the network may copy messages): nothing new.
                    ctx.note(phrase!("note.duplicate", from));
                    return;
                }
                s.reports[slot] = Some(id);
                s.largest = s.largest.max(id);
                let (k, c) = (s.heard(), s.reports.len());
                ctx.note(phrase!("note.heard", id, from, k, c, s.largest));
                if k == c {
                    self.report_up(me, s, ctx);
                }
            }
            Msg::Coordinator { id } => {
                if s.leader == Some(id) {
                    ctx.note(phrase!("note.duplicate", from));
                    return;
                }
                s.leader = Some(id);
                // The announcement is also news that an election happened.
                s.awake = true;
                if id == s.id {
                    ctx.mark("elected");
                    ctx.note(phrase!("note.elected", id));
                } else if self.is_leaf(me) {
                    ctx.note(phrase!("note.records_leaf", shared::leader_text(&self.ids, id)));
                } else {
                    ctx.note(phrase!("note.records", shared::leader_text(&self.ids, id)));
                }
                for &c in &self.children[me] {
                    ctx.send(c, Msg::Coordinator { id });
                }
            }
        }
    }

    /// A click wakes a sleeping node: a leaf reports, an inner node wakes its subtree.
    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == START.id && !s.awake {
            ctx.mark("start");
            ctx.note(Text::key(if self.is_leaf(me) { "note.start_leaf" } else { "note.start_inner" }));
            self.wake(me, s, None, ctx);
        }
    }

    /// A node that comes back remembers nothing and does not rejoin the election.
    fn on_recover(&self, me: NodeId, _old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh(self.ids[me], self.children[me].len())
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Report { id } => MsgLabel::new("report", format!("id={id}")),
            Msg::Coordinator { id } => MsgLabel::new("coordinator", format!("id={id}")),
            Msg::Wake => MsgLabel::new("wake", ""),
        }
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        let root = self.parent[me].is_none();
        let (role, tone) = if s.is_leader() {
            ("leader", Tone::Leader)
        } else if s.leader.is_some() {
            ("knows_leader", Tone::Done)
        } else if !s.awake {
            ("non_participant", Tone::Idle)
        } else if s.reported {
            ("reported", Tone::Active)
        } else if root {
            ("root_waiting", Tone::Waiting)
        } else {
            ("waiting", Tone::Waiting)
        };
        let position = if root {
            "root"
        } else if self.is_leaf(me) {
            "leaf"
        } else {
            "inner"
        };
        let parent = self.parent[me].map_or_else(|| Text::plain("-"), Text::from);
        let mut v = NodeView::new(role, tone)
            .badge(shared::badge(s))
            .glyph_if(s.is_leader(), Glyph::Crown)
            .detail("identifier", s.id)
            .detail("position", phrase!("position.at_depth", Text::Id("position", position), self.depth[me]))
            .detail("parent", parent);
        if !self.is_leaf(me) {
            v = v.detail("reports", phrase!("reports.count", s.heard(), s.reports.len()));
            let cells = s.reports.iter().map(|r| match r {
                Some(id) => Cell { text: id.to_string(), shade: 1 },
                None => Cell { text: "?".into(), shade: 0 },
            });
            v = v.row(CellRow { label: "reports", cells: cells.collect(), marked_upto: None });
        }
        v.detail("largest", s.largest)
            .detail("sent_up", Text::key(if !s.reported { "sent.no" } else if root { "sent.decided" } else { "sent.yes" }))
            .detail("coordinator", shared::coordinator_detail(&self.ids, s))
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.awake {
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

    /// Costs of the election under way (else the last one finished) beside the textbook.
    fn metrics(&self, stats: &Rounds, _run: &RunView<Self>) -> Vec<Metric> {
        let [messages, turnaround] = self.costs();
        let mut metrics = stats.metrics(messages, turnaround);
        metrics.insert(2, stats.kind_metric("report_messages", "report", exact((self.n - 1) as f64, "N-1")));
        metrics.insert(3, stats.kind_metric("coordinator_messages", "coordinator", exact((self.n - 1) as f64, "N-1")));
        if self.initiators == Initiators::Clicks {
            let wakes = (Textbook::Range(0.0, (self.n - 1) as f64), Text::plain("0 .. N-1"));
            metrics.insert(4, stats.kind_metric("wake_messages", "wake", wakes));
        }
        metrics
    }
}

const WORDS: Words = &[
    w("name", "Tree election", "树上选举"),
    w(
        "summary",
        "Leaves report up a spanning tree; every inner node waits for all its children and forwards the largest id it has seen; the root then knows the largest id and announces it down the tree. Exactly 2(N-1) messages, and 2×depth transits of turnaround.",
        "叶子沿生成树向上报告；每个内部节点等齐所有孩子后，把见过的最大标识符转发给父节点；根节点由此得知最大标识符，再沿树向下宣布。恰好 2(N-1) 条消息，周转时间为 2×深度 次传输。",
    ),
    w("param.initiators", "Who starts: leaves (every leaf reports at time 0, the textbook setting) or none (everyone sleeps until a click; a click anywhere wakes the whole tree)", "由谁发起：leaves（所有叶子在时刻 0 报告，即教科书设定）或 none（所有节点休眠直到被点击；点击任一节点都会唤醒整棵树）"),
    w("role.waiting", "waiting for reports", "等待报告"),
    w("role.root_waiting", "root, waiting for reports", "根，等待报告"),
    w("role.reported", "reported", "已上报"),
    w("position.root", "root", "根"),
    w("position.inner", "inner node", "内部节点"),
    w("position.leaf", "leaf", "叶子"),
    w("position.at_depth", "{0}, depth {1}", "{0}，深度 {1}"),
    w("reports.count", "{0} of {1} children", "{1} 个孩子中的 {0} 个"),
    w("detail.position", "place in the tree", "在树中的位置"),
    w("detail.parent", "parent", "父节点"),
    w("detail.reports", "reports received", "已收到的报告"),
    w("detail.sent_up", "reported to parent", "已向父节点报告"),
    w("sent.no", "no", "否"),
    w("sent.yes", "yes", "是"),
    w("sent.decided", "the root: decided", "根：已决定"),
    w("msg.report", "report", "报告"),
    w("msg.wake", "wake", "唤醒"),
    w("note.leaf_reports", "a leaf: reports its own id {0} to its parent, node {1}", "叶子：把自己的标识符 {0} 报告给父节点 {1}"),
    w("note.heard", "heard id {0} from child node {1}: {2} of {3} reports in, largest so far {4}", "从孩子节点 {1} 收到标识符 {0}：已收到 {3} 份报告中的 {2} 份，目前最大为 {4}"),
    w("note.forwards", "all {0} children have reported: sends the largest id of its subtree, {1}, up to node {2}", "{0} 个孩子都已报告：把子树中最大的标识符 {1} 发给父节点 {2}"),
    w("note.decides", "the root has heard every subtree: the largest id belongs to {0}; it announces that coordinator down the tree", "根已收到每棵子树的报告：最大标识符属于 {0}；它沿树向下宣布这个协调者"),
    w("note.root_wins", "the root has heard every subtree and its own id {0} is the largest: it is the coordinator and tells its children", "根已收到每棵子树的报告，而自己的标识符 {0} 最大：它就是协调者，并告诉它的孩子"),
    w("note.elected", "the announcement names its own id {0}: it learns it is the coordinator and passes the news on", "宣布的正是自己的标识符 {0}：它得知自己是协调者，并继续向下传达"),
    w("note.records", "records {0} as coordinator and passes it to its children", "记下 {0} 为协调者，并转告它的孩子"),
    w("note.records_leaf", "records {0} as coordinator; a leaf, so the announcement stops here", "记下 {0} 为协调者；它是叶子，宣布到此为止"),
    w("note.duplicate", "a copy of a message from node {0} it already has: ignored", "来自节点 {0} 的重复消息，已收到过：忽略"),
    w("note.wakes", "tells its children {0} that an election is on", "告诉孩子 {0}：选举开始了"),
    w("note.woken", "woken by its parent: an election is on", "被父节点唤醒：选举开始了"),
    w("note.already_awake", "already knows an election is on: the wake changes nothing", "已经知道选举开始了：唤醒消息无影响"),
    w("note.woken_by_report", "a report from a child tells it an election is on", "孩子的报告让它得知选举开始了"),
    w("note.start_leaf", "starts an election: as a leaf, it reports straight away", "发起选举：作为叶子，它立即报告"),
    w("note.start_inner", "starts an election: its subtree must be woken before anyone can report", "发起选举：必须先唤醒它的子树，才会有人报告"),
    w("metric.report_messages", "Report messages", "Report 消息数"),
    w("metric.wake_messages", "Wake messages", "Wake 消息数"),
    w("formula.two_depth", "2×depth (depth {0})", "2×深度（深度 {0}）"),
    w("formula.clicks_messages", "2(N-1), plus one Wake per node woken: at most 3(N-1)", "2(N-1)，外加每个被唤醒节点一条 Wake：至多 3(N-1)"),
    w("formula.clicks_time", "at least 2×depth (depth {0}); 3×depth for one click at the root", "至少 2×深度（深度 {0}）；只点击根时为 3×深度"),
    w("scenario.balanced-15", "Balanced binary tree: 28 messages, turnaround 6", "平衡二叉树：28 条消息，周转时间 6"),
    w(
        "scenario.balanced-15.about",
        "Fifteen nodes in a balanced binary tree with ascending ids, so the largest, 15, sits on node 14, the last leaf on the deepest level. All eight leaves report at once; each inner node waits for both children and passes up the larger id, so 15 climbs through nodes 6 and 2 to the root in 3 transits. Having heard both halves, the root announces 15 down, and 3 transits later node 14 learns that it is the coordinator. 14 reports and 14 announcements make 28 messages, 2(N-1); the turnaround is 6 transits, 2×depth, because the two halves of the tree work side by side.",
        "十五个节点组成平衡二叉树，标识符递增，因此最大的 15 位于节点 14，即最深一层的最后一片叶子。八片叶子同时报告；每个内部节点等两个孩子都报告后，把较大的标识符向上传，于是 15 经过节点 6 和 2，用 3 次传输到达根。根收齐两半的报告后向下宣布 15，再过 3 次传输，节点 14 才得知自己是协调者。14 条报告加 14 条宣布，共 28 条消息，即 2(N-1)；周转时间是 6 次传输，即 2×深度，因为树的两半是并行工作的。",
    ),
    w("scenario.deep", "A path: same messages, much longer time", "一条路径：消息数相同，时间长得多"),
    w(
        "scenario.deep.about",
        "The same 15 nodes strung along a path (edges 0-1, 1-2, ..., 13-14) and rooted at node 0, so the tree is 14 deep and node 14 is its only leaf. There is still one Report and one Coordinator per edge: 28 messages, exactly as in the balanced tree. But nothing happens side by side: each report waits for the one below it, and the announcement walks back down one node at a time, so the turnaround is 28 transits instead of 6. The message count depends only on N; the time depends on the depth.",
        "同样的 15 个节点串成一条路径（边 0-1、1-2、…、13-14），以节点 0 为根，于是树深 14，节点 14 是唯一的叶子。每条边仍然恰好承载一条 Report 和一条 Coordinator：28 条消息，与平衡树完全相同。但这里没有任何并行：每份报告都要等下面那份，宣布也只能一个节点一个节点地往下走，所以周转时间是 28 次传输，而不是 6。消息数只取决于 N，时间取决于深度。",
    ),
    w("scenario.random-tree", "A random tree of 20 nodes", "20 个节点的随机树"),
    w(
        "scenario.random-tree.about",
        "Twenty nodes joined by a tree drawn from the seed (each node picks its parent among the nodes before it), with random ids. This tree is 5 deep, and the largest id, 20, sits on node 11 at depth 4. As on any tree: 38 messages, 2(N-1), and a turnaround of 10 transits, 2×depth. Try other seeds: the shape, and with it the time, changes; the message count never does.",
        "二十个节点由按种子随机生成的树连接（每个节点在编号比它小的节点中选一个父节点），标识符也随机。这棵树深 5，最大标识符 20 位于深度 4 的节点 11。和任何树一样：38 条消息，即 2(N-1)，周转时间 10 次传输，即 2×深度。换几个种子试试：树的形状以及时间都会变，消息数却始终不变。",
    ),
    w("scenario.crash", "A crashed inner node stalls its subtree", "内部节点崩溃使其子树停滞"),
    w(
        "scenario.crash.about",
        "The balanced tree of 15 nodes again, but inner node 1 has crashed. Leaves 7 to 10 report to nodes 3 and 4, which pass their reports on to node 1, where they die. The root hears from node 2, whose side even holds the largest id, 15, yet it cannot decide: the silent subtree might hold something larger. After 13 messages nothing more happens, no coordinator is ever named, and at rest the agreement monitor lists all 14 live nodes as knowing none.",
        "还是 15 个节点的平衡树，但内部节点 1 已经崩溃。叶子 7 到 10 向节点 3 和 4 报告，它们再把报告发给节点 1，报告就在那里消失了。根收到了节点 2 的报告，那一侧甚至含有最大标识符 15，但根仍无法决定：沉默的子树里可能有更大的标识符。13 条消息之后再无事件发生，始终没有选出协调者；静止时，一致性监视器列出全部 14 个存活节点都不知道协调者。",
    ),
    w("scenario.click-root", "Nobody starts until a click at the root", "无人发起，直到点击根"),
    w(
        "scenario.click-root.about",
        "With initiators=none nobody starts on its own; here the root is clicked. It has nothing to decide until its subtree has reported, so it first sends Wake to its children, which wake theirs, down to the leaves. Then the usual reports go up and the announcement comes down: 14 Wake, 14 Report and 14 Coordinator messages, 42 in all, 3(N-1), and a turnaround of 9 transits, 3×depth. Clicking a leaf instead is cheaper: its report wakes each ancestor on the way up.",
        "当 initiators=none 时没有节点会自行发起；这里点击的是根。子树报告之前它无从决定，所以它先向孩子发送 Wake，孩子再唤醒自己的孩子，一直到叶子。然后照常向上报告、向下宣布：14 条 Wake、14 条 Report 和 14 条 Coordinator，共 42 条消息，即 3(N-1)，周转时间 9 次传输，即 3×深度。改为点击一片叶子会更省：它的报告在上行途中顺便唤醒每个祖先。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured, metric, reading, run_out};
    use crate::sim::scenario::Scenario;
    use crate::sim::{Act, Engine, NetworkConfig};

    /// Every live node names the largest live id, whose owner is the only leader.
    fn settled_on_the_largest(e: &Engine<TreeElection>) -> bool {
        let live: Vec<usize> = (0..e.world.states.len()).filter(|&i| e.world.up[i]).collect();
        let top = live.iter().map(|&i| e.world.states[i].id).max().unwrap();
        live.iter().all(|&i| e.world.states[i].leader == Some(top))
            && live.iter().filter(|&&i| e.world.states[i].is_leader()).count() == 1
    }

    fn path(n: usize) -> String {
        format!("edges:{}", (1..n).map(|i| format!("{}-{i}", i - 1)).collect::<Vec<_>>().join("."))
    }

    /// The (topology, N, seed) cases the exact costs are checked on.
    fn trees() -> Vec<(String, usize, u64)> {
        let mut cases = Vec::new();
        for n in [2, 3, 4, 7, 8, 15, 16, 31, 63] {
            cases.push(("tree".to_string(), n, 1));
            cases.push(("tree:3".to_string(), n, 1));
            cases.push(("star".to_string(), n, 1));
            cases.push((path(n), n, 1));
        }
        for n in [2, 5, 8, 20, 40, 63] {
            for seed in 0..6 {
                cases.push(("random-tree".to_string(), n, seed));
            }
        }
        cases.push(("tree:8".to_string(), 63, 2));
        cases
    }

    #[test]
    fn exactly_2n_minus_2_messages_and_2_depth_transits_on_every_tree() {
        for (topo, n, seed) in trees() {
            for (ids, net) in [("ascending", NetworkConfig::default()), ("random", kit::delays(1, 100)), ("descending", kit::delays(1, 100))] {
                let mut e = kit::engine_on::<TreeElection>(n, &topo, &format!("ids={ids}&initiators=leaves"), seed, net);
                let h = e.run_view().setup.graph.height();
                run_out(&mut e);
                let (m, t) = ((2 * (n - 1)) as f64, (2 * h) as f64);
                assert_eq!(reading(&e, "messages"), (Some(m), Textbook::Exact(m)), "{topo} N={n} seed {seed} {ids}");
                assert_eq!(reading(&e, "turnaround"), (Some(t), Textbook::Exact(t)), "{topo} N={n} seed {seed} {ids}");
                assert_eq!(measured(&e, "report_messages"), Some((n - 1) as f64));
                assert_eq!(measured(&e, "coordinator_messages"), Some((n - 1) as f64));
                assert_eq!(measured(&e, "finished"), Some(1.0));
                assert_eq!(e.world.counters.sent, 2 * (n as u64 - 1));
                assert!(settled_on_the_largest(&e), "{topo} N={n}");
                assert!(e.trace.violations().is_empty(), "{topo} N={n}: {:?}", e.trace.violations());
                assert_eq!(e.trace.marked("elected").count(), 1);
            }
        }
    }

    #[test]
    fn balanced_trees_are_shallow_and_paths_are_deep() {
        let cost = |n: usize, topo: &str| {
            let mut e = kit::engine_on::<TreeElection>(n, topo, "ids=ascending&initiators=leaves", 1, NetworkConfig::default());
            run_out(&mut e);
            (measured(&e, "messages").unwrap(), measured(&e, "turnaround").unwrap())
        };
        assert_eq!(cost(8, "tree"), (14.0, 6.0), "N=8: depth 3");
        assert_eq!(cost(8, "tree:3"), (14.0, 4.0));
        assert_eq!(cost(8, "star"), (14.0, 2.0));
        assert_eq!(cost(8, &path(8)), (14.0, 14.0), "a path: every message waits for the one before");
        assert_eq!(cost(15, "tree"), (28.0, 6.0));
        assert_eq!(cost(15, &path(15)), (28.0, 28.0));
        assert_eq!(cost(63, "tree"), (124.0, 10.0));
    }

    #[test]
    fn the_winner_declares_itself_where_it_learns_it() {
        // Ascending: the largest id sits on the last leaf; the root announces someone else
        // and the declaration is the last leaf's receipt of Coordinator{15}.
        let mut e = kit::engine_on::<TreeElection>(15, "tree", "ids=ascending&initiators=leaves", 1, NetworkConfig::default());
        run_out(&mut e);
        let decided: Vec<_> = e.trace.marked("decided").map(|(ev, _)| ev.node).collect();
        let elected: Vec<_> = e.trace.marked("elected").map(|(ev, _)| (ev.node, ev.hops)).collect();
        assert_eq!(decided, vec![Some(0)]);
        assert_eq!(elected, vec![(Some(14), 6)], "the last leaf, 3 transits up and 3 down");
        assert!(e.world.states[14].is_leader() && !e.world.states[0].is_leader());
        // Descending: the root owns the largest id and declares itself as it decides.
        let mut e = kit::engine_on::<TreeElection>(15, "tree", "ids=descending&initiators=leaves", 1, NetworkConfig::default());
        run_out(&mut e);
        let elected: Vec<_> = e.trace.marked("elected").map(|(ev, _)| (ev.node, ev.hops)).collect();
        assert_eq!(elected, vec![(Some(0), 3)]);
        assert_eq!(measured(&e, "messages"), Some(28.0));
        assert_eq!(measured(&e, "turnaround"), Some(6.0), "the layout changes neither cost");
    }

    #[test]
    fn invariants_hold_over_a_thousand_seeds_of_random_trees_ids_and_delays() {
        for seed in 0..1000u64 {
            let n = 2 + (seed % 62) as usize;
            let clicks = seed % 4 == 3;
            let mut e = kit::engine_on::<TreeElection>(n, "random-tree", &format!("ids=random&initiators={}", if clicks { "none" } else { "leaves" }), seed, kit::delays(1, 100));
            if clicks {
                // One to three clicks at random nodes, at random moments.
                for k in 0..1 + seed % 3 {
                    let at = (seed * 7 + k * 13) as usize % n;
                    for _ in 0..(seed + k) % 5 {
                        e.step();
                    }
                    if !e.world.states[at].awake {
                        e.apply(&Act::Input(at, "start".into(), None)).unwrap();
                    }
                }
            }
            run_out(&mut e);
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            assert!(e.broken().is_empty(), "seed {seed}");
            assert!(settled_on_the_largest(&e), "seed {seed}: {:?}", e.world.states);
            let winner = e.world.states.iter().position(|s| s.is_leader()).unwrap();
            assert_eq!(e.world.states[winner].id, n as u32);
            assert_eq!(e.trace.marked("elected").map(|(ev, _)| ev.node).collect::<Vec<_>>(), vec![Some(winner)]);
            let sent = e.world.counters.sent;
            if clicks {
                assert!((2 * (n as u64 - 1)..=3 * (n as u64 - 1)).contains(&sent), "seed {seed}: {sent}");
            } else {
                assert_eq!(sent, 2 * (n as u64 - 1), "seed {seed}");
            }
        }
    }

    #[test]
    fn one_click_wakes_the_whole_tree() {
        for (topo, n) in [("tree", 15), ("tree:3", 13), ("random-tree", 20)] {
            // At the root: Wake sweeps down first, so 3(N-1) messages and 3×depth transits.
            let mut e = kit::engine_on::<TreeElection>(n, topo, "ids=random&initiators=none", 4, kit::delays(1, 100));
            let g = e.run_view().setup.graph.clone();
            assert!(!e.step(), "nothing happens until someone clicks");
            assert!(e.trace.violations().is_empty());
            e.apply(&Act::Input(0, "start".into(), None)).unwrap();
            run_out(&mut e);
            let (m, t) = (3.0 * (n - 1) as f64, 3.0 * g.height() as f64);
            assert_eq!(measured(&e, "messages"), Some(m), "{topo}");
            assert_eq!(metric(&e, "messages").textbook, Textbook::Range(2.0 * (n - 1) as f64, m));
            assert_eq!(measured(&e, "turnaround"), Some(t), "{topo}");
            assert_eq!(measured(&e, "wake_messages"), Some((n - 1) as f64));
            assert!(settled_on_the_largest(&e) && e.trace.violations().is_empty());
            // At a leaf: its ancestors are woken by reports, not by Wake.
            for leaf in (0..n).filter(|&i| g.children(i).is_empty()) {
                let mut e = kit::engine_on::<TreeElection>(n, topo, "ids=random&initiators=none", 4, kit::delays(1, 100));
                e.apply(&Act::Input(leaf, "start".into(), None)).unwrap();
                assert!(e.proto.inputs_for(leaf, &e.world.states[leaf]).is_empty(), "an awake node offers no start");
                run_out(&mut e);
                assert_eq!(e.world.counters.sent as usize, 3 * (n - 1) - g.depth(leaf), "{topo} leaf {leaf}");
                assert!(settled_on_the_largest(&e) && e.trace.violations().is_empty());
            }
        }
    }

    #[test]
    fn with_leaves_starting_nobody_is_offered_a_start_and_no_wake_is_sent() {
        let mut e = kit::engine_on::<TreeElection>(15, "tree", "ids=ascending&initiators=leaves", 1, NetworkConfig::default());
        assert!((0..15).all(|i| e.proto.inputs_for(i, &e.world.states[i]).is_empty()));
        e.apply(&Act::Input(3, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert_eq!(e.world.counters.by_kind.get("wake"), None);
        assert!(e.proto.metrics(&e.world.stats, &e.run_view()).iter().all(|m| m.id != "wake_messages"));
    }

    #[test]
    fn the_view_counts_reports_and_shows_them_as_cells() {
        let mut e = kit::engine_on::<TreeElection>(7, "tree", "ids=ascending&initiators=leaves", 1, kit::delays(10, 10));
        let v = e.proto.view(1, &e.world.states[1]);
        assert_eq!(v.role, "waiting");
        assert_eq!(v.rows[0].cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), vec!["?", "?"]);
        assert_eq!(e.proto.view(0, &e.world.states[0]).role, "root_waiting");
        assert_eq!(e.proto.view(3, &e.world.states[3]).role, "reported");
        // Node 1 hears from leaves 3 and 4 (ids 4 and 5).
        while e.world.states[1].heard() < 2 {
            e.step();
        }
        let v = e.proto.view(1, &e.world.states[1]);
        assert_eq!(v.role, "reported");
        assert_eq!(v.rows[0].cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), vec!["4", "5"]);
        let detail = |v: &NodeView, k: &str| v.details.iter().find(|d| d.0 == k).unwrap().1.en(WORDS);
        assert_eq!(detail(&v, "reports"), "2 of 2 children");
        assert_eq!(detail(&v, "largest"), "5");
        assert_eq!(detail(&v, "position"), "inner node, depth 1");
        run_out(&mut e);
        let views: Vec<NodeView> = (0..7).map(|i| e.proto.view(i, &e.world.states[i])).collect();
        assert_eq!(views[6].role, "leader");
        assert!(views[6].holds(Glyph::Crown));
        for (i, v) in views[..6].iter().enumerate() {
            assert_eq!((v.role, v.badge.en(WORDS)), ("knows_leader", format!("id {} · leader 7", i + 1)));
        }
        assert_eq!(detail(&views[0], "sent_up"), "the root: decided");
    }

    #[test]
    fn build_refuses_graphs_that_are_not_spanning_trees() {
        let try_build = |n: usize, topo: &str| {
            let s = kit::setup_on::<TreeElection>(n, topo, "ids=ascending&initiators=leaves&order=", 1);
            TreeElection::build(&s).err()
        };
        for (n, topo) in [(4, "edges:0-1.1-2.0-2"), (5, "edges:0-1.2-3"), (4, "edges:0-1.1-2.2-3.3-0"), (4, "ring"), (4, "complete"), (9, "grid")] {
            let err = try_build(n, topo).unwrap_or_else(|| panic!("{topo} accepted"));
            assert!(err.contains("needs a spanning tree") && err.contains(topo.split(':').next().unwrap()) && err.contains("tree:D"), "{err}");
        }
        assert!(try_build(4, "edges:0-1.1-2.1-3").is_none(), "a spanning tree given as edges is fine");
        // The URL refuses kinds the protocol does not list, naming those it does.
        let registry = crate::protocols::REGISTRY;
        let errors = Scenario::parse("v=1&proto=election-tree&n=4&topo=ring", registry).1;
        assert!(errors.iter().any(|e| e.key == "topo" && e.message.en(WORDS).contains("random-tree")), "{errors:?}");
        // A cyclic edge list is a well-formed topology of a listed kind; build() refuses it.
        let s = Scenario::parse_strict("v=1&proto=election-tree&n=4&topo=edges:0-1.1-2.0-2", registry).unwrap();
        let err = s.start(registry).err().expect("a cyclic edge list must not run");
        assert!(err.message.en(WORDS).contains("needs a spanning tree"), "{err:?}");
        // Typed ids are checked against N; N is bounded.
        let s = kit::setup_on::<TreeElection>(4, "tree:2", "ids=ascending&initiators=leaves&order=3.1.4", 1);
        assert!(TreeElection::build(&s).err().unwrap().contains("3 ids for 4 nodes"));
        let s = kit::setup_on::<TreeElection>(64, "tree:2", "ids=ascending&initiators=leaves&order=", 1);
        assert!(TreeElection::build(&s).err().unwrap().contains("2 to 63 nodes, not 64"));
    }

    #[test]
    fn typed_ids_go_on_nodes_in_order() {
        let mut e = kit::engine_on::<TreeElection>(4, "tree:2", "ids=ascending&initiators=leaves&order=30.10.2.7", 1, kit::delays(1, 100));
        run_out(&mut e);
        assert!(e.world.states[0].is_leader() && settled_on_the_largest(&e));
        assert_eq!(e.proto.view(3, &e.world.states[3]).badge.en(WORDS), "id 7 · leader 30");
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let ids: Vec<&str> = TreeElection::info().scenarios.iter().map(|s| s.id).collect();
        assert_eq!(ids, vec!["balanced-15", "deep", "random-tree", "crash", "click-root"]);
        // (messages, turnaround) of the runs that finish.
        for (i, want) in [(0, (28.0, 6.0)), (1, (28.0, 28.0)), (2, (38.0, RANDOM_TREE_TURNAROUND)), (4, (42.0, 9.0))] {
            let h = kit::ready::<TreeElection>(ids[i]);
            assert!(h.problems().is_empty(), "{}: {:?}", ids[i], h.problems());
            assert!(h.sim().trace().violations().is_empty(), "{}", ids[i]);
            assert_eq!((measured(&h, "messages"), measured(&h, "turnaround")), (Some(want.0), Some(want.1)), "{}", ids[i]);
            assert_eq!(measured(&h, "finished"), Some(1.0));
        }
    }

    /// Seed 3's random tree of 20 nodes has depth 5 (measured, quoted in the paragraph).
    const RANDOM_TREE_TURNAROUND: f64 = 10.0;

    #[test]
    fn a_crashed_inner_node_stalls_its_subtree_and_nothing_is_decided() {
        let h = kit::ready::<TreeElection>("crash");
        assert_eq!(measured(&h, "finished"), Some(0.0));
        assert_eq!((measured(&h, "messages"), measured(&h, "coordinator_messages")), (Some(13.0), Some(0.0)));
        let v = h.sim().trace().violations();
        let stall = v.iter().find(|v| v.invariant == "agreement").unwrap_or_else(|| panic!("{v:?}"));
        let live: Vec<usize> = (0..15).filter(|&i| i != 1).collect();
        assert_eq!(stall.nodes, live, "every live node is stuck");
        assert!(stall.detail.en(WORDS).contains("id 15 (node 14)"), "{}", stall.detail.en(WORDS));
        assert_eq!(h.sim().trace().marked("decided").count(), 0);
        let views = h.sim().node_views();
        assert_eq!(views[0].role, "root_waiting");
        assert_eq!(views[0].rows[0].cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), vec!["?", "15"]);
        // Nodes 3 and 4 reported to the dead node 1; the right-hand subtree reported in full.
        assert!([2, 3, 4].iter().all(|&i| views[i].role == "reported"));
    }
}
