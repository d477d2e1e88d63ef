//! # Lamport's mutual exclusion (1978)
//!
//! Every node keeps a Lamport clock and a copy of one request queue, ordered by
//! (timestamp, id), a total order every node agrees on. To ask for the critical section
//! (CS) a node stamps a `Request` with its clock, puts it in its own queue and sends it to
//! all others. A node that receives a request queues it and answers with a timestamped
//! `Reply`. A node enters when its own request heads its queue *and* it has received, from
//! every other node, a message stamped later than its request: that message proves no
//! earlier request from that node is still on its way. On leaving, it removes its request
//! and sends `Release` to all; a release removes the sender's request everywhere.
//!
//! The proof leans on FIFO links: "a later message from j" only rules out an earlier
//! request from j if j's messages arrive in the order j sent them. Switch FIFO off and a
//! reply can overtake the request sent before it; the node that receives it believes
//! nobody asked before it, and two nodes can be inside at once.
//!
//! Costs, as taught: 3(N-1) messages per CS use (requests, replies, releases), an enter
//! delay of 2 transits (request, reply) and a synchronisation delay of 1 (the release).
//! Entries follow the queue's order, which extends happened-before: ME3 holds.
//!
//! Messages: `Request`, `Reply`, `Release`, each with the sender's clock. Timers: `Leave`
//! (end of the CS). Requests come from clicks and from the shared workload. Invariants:
//! ME1; monitors: ME2 (progress) and ME3 (happened-before order). A crashed node never
//! replies or releases, and everybody waits: the progress monitor says so.

use crate::phrase;
use super::costs::{self, exact, MutexCosts, MutexTextbook, REQUEST};
use crate::sim::engine::RunView;
use crate::sim::monitor::{Monitor, Progress, RequestOrder};
use crate::sim::protocol::*;
use crate::sim::view::{Cell, CellRow, NodeView};
use crate::sim::{NodeId, Time};
use crate::words::{w, Text, Words};

pub struct Lamport {
    n: usize,
    /// Ticks a node stays in the CS.
    cs_time: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub mode: Cs,
    /// The Lamport clock.
    pub clock: u64,
    /// Requests known here, ordered by (timestamp, id).
    pub queue: Vec<(u64, NodeId)>,
    /// The timestamp of this node's pending request.
    pub asked: Option<u64>,
    /// Per node: the latest timestamp received from it (None: nothing yet).
    pub latest: Vec<Option<u64>>,
    /// Replies to the pending request.
    pub replies: u32,
    pub entries: u32,
}

impl Node {
    fn fresh(n: usize) -> Node {
        Node { mode: Cs::Released, clock: 0, queue: Vec::new(), asked: None, latest: vec![None; n], replies: 0, entries: 0 }
    }

    fn enqueue(&mut self, ts: u64, id: NodeId) {
        let at = self.queue.partition_point(|&r| r < (ts, id));
        self.queue.insert(at, (ts, id));
    }

    /// A message stamped `ts` arrives from `from`: the receive rule, and what it proves.
    fn hear(&mut self, from: NodeId, ts: u64) {
        self.clock = self.clock.max(ts) + 1;
        let seen = &mut self.latest[from];
        *seen = Some(seen.map_or(ts, |s| s.max(ts)));
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Request { ts: u64 },
    Reply { ts: u64 },
    Release { ts: u64 },
}

pub use super::costs::{Cs, Timer};

impl Lamport {
    /// Enter if the own request heads the queue and every other node has sent something
    /// later than it (in the (timestamp, id) order).
    fn try_enter(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        let Some(ts) = s.asked else { return };
        if s.mode != Cs::Wanted || s.queue.first() != Some(&(ts, me)) {
            return;
        }
        let heard = (0..self.n).filter(|&j| j != me).all(|j| s.latest[j].is_some_and(|t| (t, j) > (ts, me)));
        if heard {
            s.mode = Cs::Held;
            s.entries += 1;
            costs::enter(self.cs_time, ctx);
        }
    }
}

impl Protocol for Lamport {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = MutexCosts;

    fn info() -> ProtocolInfo {
        costs::described("mutex-lamport", (2, 16, 4))
            .scenarios(&[
                ReadyScenario { id: "contention", fragment: "v=1&proto=mutex-lamport&n=3&seed=1&p.requests=0&act=0:input:2:request,0:input:1:request,0:input:0:request" },
                ReadyScenario { id: "no-fifo", fragment: NO_FIFO },
            ])
            .show(Show { diagram_first: true, vectors_up_to: 4, ..Show::default() })
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Lamport { n: setup.n, cs_time: setup.params.int("cs") as Time })
    }

    fn init(&self, _me: NodeId, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh(self.n)
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        match m {
            Msg::Request { ts } => {
                s.hear(from, ts);
                s.enqueue(ts, from);
                s.clock += 1;
                ctx.send(from, Msg::Reply { ts: s.clock });
            }
            Msg::Reply { ts } => {
                s.hear(from, ts);
                if s.mode == Cs::Wanted {
                    s.replies += 1;
                }
            }
            Msg::Release { ts } => {
                s.hear(from, ts);
                // The sender's oldest request: the one it has just released.
                if let Some(at) = s.queue.iter().position(|&(_, id)| id == from) {
                    s.queue.remove(at);
                }
            }
        }
        self.try_enter(me, s, ctx);
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Leave => {
                s.queue.retain(|&(_, id)| id != me);
                s.mode = Cs::Released;
                s.asked = None;
                s.replies = 0;
                s.clock += 1;
                ctx.mark("exit_cs");
                ctx.note(Text::key("note.leaves"));
                ctx.broadcast(Msg::Release { ts: s.clock });
            }
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == REQUEST.id && s.mode == Cs::Released {
            s.clock += 1;
            let ts = s.clock;
            s.asked = Some(ts);
            s.mode = Cs::Wanted;
            s.replies = 0;
            s.enqueue(ts, me);
            ctx.mark("request");
            ctx.note(phrase!("note.asks", ts));
            ctx.broadcast(Msg::Request { ts });
            self.try_enter(me, s, ctx);
        }
    }

    /// A node that comes back remembers nothing: its clock restarts and its queue is empty.
    fn on_recover(&self, _me: NodeId, _old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh(self.n)
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Request { ts } => MsgLabel::new("request", format!("ts={ts}")),
            Msg::Reply { ts } => MsgLabel::new("reply", format!("ts={ts}")),
            Msg::Release { ts } => MsgLabel::new("release", format!("ts={ts}")),
        }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = s.mode.look();
        let cells = s.queue.iter().map(|&(ts, id)| Cell { text: format!("{ts}.{id}"), shade: id as u32 }).collect();
        NodeView::new(role, tone)
            .badge(Text::plain(format!("L={}", s.clock)))
            .row(CellRow { label: "queue", cells, marked_upto: None })
            .detail("clock", s.clock)
            .detail("asked", s.asked.map_or(Text::plain("-"), Text::from))
            .detail("replies", Text::plain(format!("{}/{}", s.replies, self.n - 1)))
            .detail("entries", s.entries)
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.mode == Cs::Released {
            vec![REQUEST]
        } else {
            vec![]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "me1", check: |_, snap| costs::me1(snap.live_where(|s| s.mode == Cs::Held)) }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        // A request waits at most for the N-1 requests ahead of it: each a stay in the CS
        // and a release, then its own replies. Twice that with the slowest default delay.
        let patience = 2 * self.n as Time * (self.cs_time + 2 * 200);
        vec![Box::new(Progress::new(patience)), Box::new(RequestOrder::default())]
    }

    fn why_stalled(&self, snap: &Snapshot<Self>) -> Text {
        if let Some(down) = (0..snap.states.len()).find(|&i| !snap.up[i]) {
            return phrase!("why.crashed", down);
        }
        if !snap.in_flight.is_empty() {
            return Text::key("why.in_flight");
        }
        Text::key("why.unknown")
    }

    fn metrics(&self, stats: &MutexCosts, run: &RunView<Self>) -> Vec<Metric> {
        let n = run.setup.n as f64;
        stats.metrics(run, MutexTextbook { messages: exact(3.0 * (n - 1.0), "3(N-1)"), enter: exact(2.0, "2"), sync: exact(1.0, "1") })
    }
}

/// Two requests at once on links that may reorder: a reply overtakes the request sent
/// before it on the same link (found by `search_no_fifo` below, then pinned).
const NO_FIFO: &str = "v=1&proto=mutex-lamport&n=3&seed=16&delay=1-600&fifo=0&p.requests=0&act=0:input:0:request,0:input:1:request";

const WORDS: Words = &[
    w("name", "Lamport's algorithm", "Lamport 算法"),
    w(
        "summary",
        "Every node keeps a Lamport clock and a request queue ordered by (timestamp, id). A request goes to all, every node replies, and a node enters when its request heads its queue and it has heard something later from everyone: 3(N-1) messages per entry, and it needs FIFO links.",
        "每个节点维护一个 Lamport 时钟和按（时间戳, 编号）排序的请求队列。请求发给所有节点，每个节点都回复；当自己的请求位于队首、且已从其他每个节点收到时间戳更晚的消息时，节点进入临界区。每次进入需要 3(N-1) 条消息，并依赖 FIFO 链路。",
    ),
    w("scenario.contention", "Three requests at once, ordered by (timestamp, id)", "三个同时发出的请求按（时间戳, 编号）排序"),
    w(
        "scenario.contention.about",
        "Nodes 2, 1 and 0 ask at the same instant, each with clock 1. Every queue ends up holding 1.0, 1.1, 1.2: equal timestamps are ordered by id, and every node agrees. Node 0 enters first, then 1, then 2, each as soon as the release before it arrives (one transit).",
        "节点 2、1、0 在同一时刻发出请求，时钟都为 1。每个队列最终都是 1.0、1.1、1.2：时间戳相同时按编号排序，所有节点看法一致。节点 0 先进入，然后是 1、2，每个都在前一个的释放消息到达后立即进入（一次传输）。",
    ),
    w("scenario.no-fifo", "Without FIFO links, two nodes enter together", "没有 FIFO 链路，两个节点同时进入"),
    w(
        "scenario.no-fifo.about",
        "FIFO is switched off and delays are wide. Nodes 0 and 1 ask at once. Node 0's request to node 1 is slow, and node 0's reply to node 1's request overtakes it: node 1 hears something later from 0 while 0's earlier request is still on its way, so it believes nobody asked before it and enters. Node 0, whose request heads its own queue, enters too. The ME1 monitor names them.",
        "FIFO 被关闭，延迟范围很宽。节点 0 和 1 同时请求。节点 0 发给节点 1 的请求走得很慢，而节点 0 对节点 1 请求的回复超过了它：节点 1 已收到来自 0 的更晚的消息，而 0 更早的请求仍在途中，于是它以为没有更早的请求而进入临界区。节点 0 的请求在自己的队首，它也进入了。ME1 监视器指出这两个节点。",
    ),
    w("detail.asked", "own request's timestamp", "自己请求的时间戳"),
    w("detail.replies", "replies", "已收到的回复"),
    w("detail.queue", "request queue (ts.id)", "请求队列（时间戳.编号）"),
    w("msg.reply", "reply", "回复"),
    w("note.asks", "asks for the critical section at ts={0}", "在 ts={0} 请求进入临界区"),
    w("note.enters", "its request heads the queue and everyone has answered later: enters", "它的请求位于队首，且所有节点都发来了更晚的消息：进入临界区"),
    w("note.leaves", "leaves the critical section and releases", "离开临界区并发送释放消息"),
    w("why.crashed", "node {0} has crashed: its reply or release never comes", "节点 {0} 已崩溃：它的回复或释放永远不会到来"),
    w("why.in_flight", "the messages they need are still on their way", "它们需要的消息仍在途中"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::mutex::costs::testing::{safe_and_live, uncontended};
    use crate::sim::kit::{self, measured};
    use crate::sim::trace::EventKind;
    use crate::sim::Act;

    #[test]
    fn mutual_exclusion_holds_and_every_request_is_served_over_a_thousand_seeds() {
        safe_and_live::<Lamport>(4, |_, s| Some(s.entries));
    }

    #[test]
    fn uncontended_use_costs_the_textbook() {
        for n in [3, 5, 8] {
            let e = uncontended::<Lamport>(n, 7, (0..2 * n).map(|round| round % n));
            let per_entry = measured(&e, "messages_per_entry").unwrap();
            assert_eq!(per_entry, 3.0 * (n as f64 - 1.0), "n={n}");
            assert_eq!(measured(&e, "enter_mean"), Some(2.0), "n={n}: request, reply");
            assert_eq!(measured(&e, "entries"), Some(2.0 * n as f64));
            assert!(e.world.states.iter().all(|s| s.queue.is_empty()), "every request was released");
        }
    }

    #[test]
    fn contention_is_resolved_by_timestamp_then_id() {
        let h = kit::ready_for::<Lamport>("contention", 3_000);
        let order: Vec<NodeId> = h.sim().trace().marked("enter_cs").map(|(e, _)| e.node.unwrap()).collect();
        assert_eq!(order, vec![0, 1, 2]);
        // Under contention each waiter enters one transit after the exit before it.
        let sync = measured(&h, "sync_mean");
        assert_eq!(sync, Some(1.0));
        assert!(h.sim().trace().violations().is_empty(), "{:?}", h.sim().trace().violations());
    }

    #[test]
    fn without_fifo_two_nodes_enter_together() {
        let h = kit::ready_for::<Lamport>("no-fifo", 3_000);
        let v = h.sim().trace().violations();
        assert!(v.iter().any(|v| v.invariant == "me1" && v.nodes == vec![0, 1]), "{v:?}");
        // As the lesson says: the first message node 1 hears from node 0 is a reply.
        let log = h.sim().trace();
        let first = log.events().iter().find_map(|e| match e.kind {
            EventKind::Receive { msg } if e.node == Some(1) && log.message(msg).from == 0 => Some(log.message(msg).kind),
            _ => None,
        });
        assert_eq!(first, Some("reply"));
    }

    #[test]
    fn a_crashed_node_stalls_the_others() {
        let mut e = kit::engine::<Lamport>(3, "requests=0", 1);
        e.apply(&Act::Crash(2)).unwrap();
        e.apply(&Act::Input(0, "request".into(), None)).unwrap();
        while e.step() {}
        let v = e.trace.violations();
        assert!(v.iter().any(|v| v.invariant == "progress" && v.nodes == vec![0]), "{v:?}");
        assert!(v.iter().any(|v| v.detail.en(WORDS).contains("node 2 has crashed")), "{v:?}");
    }

    #[test]
    fn the_node_shows_its_state_clock_queue_and_replies() {
        let mut e = kit::engine::<Lamport>(3, "requests=0", 1);
        e.apply(&Act::Input(1, "request".into(), None)).unwrap();
        let view = e.proto.view(1, &e.world.states[1]);
        assert_eq!((view.role, view.badge.clone()), ("wanted", Text::plain("L=1")));
        assert_eq!(view.rows[0].cells[0].text, "1.1");
        assert!(view.details.contains(&("replies", Text::plain("0/2"))));
        while e.step() {}
        assert_eq!(e.proto.view(1, &e.world.states[1]).role, "released");
    }

    /// Finds seeds for the non-FIFO lesson: `cargo test search_no_fifo -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn search_no_fifo() {
        for seed in 0..200 {
            let fragment = NO_FIFO.replace("seed=16", &format!("seed={seed}"));
            let h = kit::run(&fragment, 3_000);
            let v = h.sim().trace().violations();
            if v.iter().any(|v| v.invariant == "me1") {
                println!("seed {seed}: {:?}", v.iter().map(|v| (v.invariant, v.nodes.clone())).collect::<Vec<_>>());
            }
        }
    }
}
