//! # Ricart–Agrawala mutual exclusion
//!
//! No server and no token: a node that wants the critical section (CS) asks everybody.
//! Each node keeps a Lamport clock. To enter, a node stamps a `Request` with its clock and
//! its id and sends it to all N-1 others, then waits for N-1 `Reply` messages. A node
//! receiving a request replies at once unless it is inside the CS (HELD), or it wants the
//! CS itself (WANTED) and its own request is older — the smaller (timestamp, id) pair.
//! Then it defers the reply, and sends every deferred reply when it leaves the CS.
//!
//! Safety: two nodes that want the CS at the same time compare the same two pairs and
//! agree which is smaller, so one of them withholds its reply until it has been inside;
//! ties in the timestamp are broken by the id. Requests are served in timestamp order,
//! which extends happened-before (ME3).
//!
//! Costs, as taught: 2(N-1) messages per use of the CS (N-1 requests, N-1 replies); the
//! enter delay is 2 transits (request, reply) and the synchronisation delay only 1 (the
//! deferred reply goes straight to the next node). The price is that every node is now a
//! point of failure: one crashed node, or one lost reply, and a requester waits forever.
//!
//! Messages: `Request(ts, id)`, `Reply`. Timers: `Leave` (end of the CS, drawn as a
//! countdown). Requests come from clicks and from the shared workload. Invariants: ME1;
//! the progress monitor (ME2) names who waits and why.

use std::collections::BTreeSet;

use super::costs::{self, exact, MutexCosts, MutexTextbook, REQUEST};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{Monitor, Progress, RequestOrder};
use crate::sim::protocol::*;
use crate::sim::view::{Cell, CellRow, Glyph, NodeView};
use crate::sim::{NodeId, Time};
use crate::words::{w, Text, Words};

pub struct RicartAgrawala {
    n: usize,
    /// Ticks a node stays in the CS.
    cs_time: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub cs: Cs,
    /// The Lamport clock.
    pub clock: u64,
    /// The timestamp of this node's current request (while WANTED or HELD).
    pub request_ts: Option<u64>,
    /// Who has replied to the current request (a set, so a duplicated reply counts once).
    pub replied: BTreeSet<NodeId>,
    /// Requests answered only on leaving the CS, in arrival order.
    pub deferred: Vec<NodeId>,
    pub wanting_since: Option<Time>,
    pub entries: u32,
}

impl Node {
    fn fresh() -> Node {
        Node { cs: Cs::Released, clock: 0, request_ts: None, replied: BTreeSet::new(), deferred: Vec::new(), wanting_since: None, entries: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Request { ts: u64, id: NodeId },
    Reply,
}

pub use super::costs::{Cs, Timer};

impl RicartAgrawala {
    /// All N-1 replies are in: enter.
    fn maybe_enter(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        if s.cs == Cs::Wanted && s.replied.len() + 1 >= self.n {
            s.cs = Cs::Held;
            s.entries += 1;
            costs::enter(self.cs_time, ctx);
        }
    }
}

impl Protocol for RicartAgrawala {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = MutexCosts;

    fn info() -> ProtocolInfo {
        costs::described("mutex-ricart-agrawala", (2, 16, 5))
            .scenarios(&[
                ReadyScenario { id: "deferred-replies", fragment: "v=1&proto=mutex-ricart-agrawala&n=4&seed=3&p.requests=0&act=0:input:0:request,0:input:1:request,0:input:2:request" },
                ReadyScenario { id: "lost-reply", fragment: "v=1&proto=mutex-ricart-agrawala&n=4&seed=1&p.requests=0&act=0:input:2:request,1:drop:3" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(RicartAgrawala { n: setup.n, cs_time: setup.params.int("cs") as Time })
    }

    fn init(&self, _me: NodeId, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh()
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        match m {
            Msg::Request { ts, id } => {
                s.clock = s.clock.max(ts) + 1;
                let mine_first = match (s.cs, s.request_ts) {
                    (Cs::Held, _) => true,
                    (Cs::Wanted, Some(my)) => (my, me) < (ts, id),
                    _ => false,
                };
                if mine_first {
                    if !s.deferred.contains(&from) {
                        s.deferred.push(from);
                    }
                    ctx.note(phrase!("note.defers", from, ts));
                } else {
                    s.clock += 1;
                    ctx.send(from, Msg::Reply);
                }
            }
            Msg::Reply => {
                if s.cs == Cs::Wanted {
                    s.replied.insert(from);
                    self.maybe_enter(s, ctx);
                }
            }
        }
    }

    fn on_timer(&self, _me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Leave => {
                s.cs = Cs::Released;
                s.request_ts = None;
                s.wanting_since = None;
                s.replied.clear();
                ctx.mark("exit_cs");
                ctx.note(Text::key("note.leaves"));
                for to in std::mem::take(&mut s.deferred) {
                    s.clock += 1;
                    ctx.send(to, Msg::Reply);
                }
            }
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == REQUEST.id && s.cs == Cs::Released {
            s.clock += 1;
            s.cs = Cs::Wanted;
            s.request_ts = Some(s.clock);
            s.replied.clear();
            s.wanting_since = Some(ctx.now());
            ctx.mark("request");
            ctx.note(phrase!("note.asks", s.clock));
            ctx.silent();
            ctx.broadcast(Msg::Request { ts: s.clock, id: me });
            self.maybe_enter(s, ctx);
        }
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Request { ts, .. } => MsgLabel::new("request", format!("ts={ts}")),
            Msg::Reply => MsgLabel::new("reply", ""),
        }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = s.cs.look();
        let badge = match s.cs {
            Cs::Wanted => Text::plain(format!("{}/{}", s.replied.len(), self.n - 1)),
            _ => Text::plain(format!("L={}", s.clock)),
        };
        let cells = s.deferred.iter().map(|&d| Cell { text: format!("n{d}"), shade: d as u32 }).collect();
        NodeView::new(role, tone)
            .badge(badge)
            .glyph_if(s.cs == Cs::Held, Glyph::Lock)
            .row(CellRow { label: "deferred", cells, marked_upto: None })
            .detail("clock", s.clock)
            .detail("request_ts", s.request_ts.map_or(Text::plain("-"), Text::from))
            .detail("replies", format!("{}/{}", s.replied.len(), self.n - 1))
            .detail("wants_since", s.wanting_since.map_or(Text::plain("-"), costs::since))
            .detail("entries", s.entries)
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.cs == Cs::Released {
            vec![REQUEST]
        } else {
            vec![]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "me1", check: |_, snap| costs::me1(snap.live_where(|s| s.cs == Cs::Held)) }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        // A request waits at most for the N-1 others, each a stay in the CS and a transit.
        // Twice that with the slowest default delay, and it has stalled.
        // Requests are served in (timestamp, id) order, which extends happened-before: ME3.
        vec![Box::new(Progress::new(2 * self.n as Time * (200 + self.cs_time))), Box::new(RequestOrder::default())]
    }

    fn why_stalled(&self, snap: &Snapshot<Self>) -> Text {
        if let Some(down) = (0..snap.states.len()).find(|&i| !snap.up[i]) {
            return phrase!("why.node_crashed", down);
        }
        if snap.in_flight.is_empty() {
            // Everyone is up, nothing moves, and some requester still misses a reply that
            // nobody has deferred: it was lost on the way.
            let missing = (0..snap.states.len()).any(|i| {
                let s = &snap.states[i];
                s.cs == Cs::Wanted && (0..snap.states.len()).any(|j| j != i && !s.replied.contains(&j) && !snap.states[j].deferred.contains(&i))
            });
            if missing {
                return Text::key("why.reply_lost");
            }
        }
        Text::key("why.unknown")
    }

    fn metrics(&self, costs: &MutexCosts, run: &RunView<Self>) -> Vec<Metric> {
        let n = run.setup.n as f64;
        costs.metrics(run, MutexTextbook { messages: exact(2.0 * (n - 1.0), "2(N-1)"), enter: exact(2.0, "2"), sync: exact(1.0, "1") })
    }
}

const WORDS: Words = &[
    w("name", "Ricart–Agrawala", "Ricart–Agrawala 算法"),
    w(
        "summary",
        "A node that wants the critical section asks all others with a Lamport-timestamped request and enters once all N-1 have replied; a node that is inside, or asked earlier, defers its reply until it leaves. 2(N-1) messages per use, no server, but every node can stall the others.",
        "想进入临界区的节点向所有其他节点发送带 Lamport 时间戳的请求，收齐 N-1 个答复后进入；在临界区内或请求更早的节点会推迟答复，直到自己离开。每次使用 2(N-1) 条消息，无需服务器，但任何一个节点都可能让其他节点停滞。",
    ),
    w("scenario.deferred-replies", "Deferred replies under contention", "竞争下的推迟答复"),
    w(
        "scenario.deferred-replies.about",
        "Nodes 0, 1 and 2 ask for the critical section at the same moment, each with timestamp 1. The ties are broken by id: node 0's request is the smallest, so nodes 1 and 2 reply to it, while node 0 defers its replies to them. Watch the deferred lists fill, then empty one exit at a time: each exit sends just one message to the next node, which is why the synchronisation delay is a single transit.",
        "节点 0、1、2 在同一时刻请求临界区，时间戳都是 1。平局按编号打破：节点 0 的请求最小，所以节点 1 和 2 答复它，而节点 0 推迟对它们的答复。观察推迟列表先被填满，再随着每次退出逐个清空：每次退出只需向下一个节点发送一条消息，这就是同步延迟只有一次传输的原因。",
    ),
    w("scenario.lost-reply", "A lost reply stalls a requester forever", "丢失的答复让请求者永远等待"),
    w(
        "scenario.lost-reply.about",
        "Node 2 asks for the critical section and the network drops the first reply on its way back. Node 2 now holds N-2 replies and waits for the last one, which nobody will ever send again: the algorithm assumes reliable channels and has no retry. The progress monitor names the waiting node and the reason.",
        "节点 2 请求临界区，而网络丢弃了返回途中的第一个答复。节点 2 只收到 N-2 个答复，一直等待最后一个，而再也没有节点会发送它：该算法假设信道可靠，没有重传。进展监视器指出正在等待的节点及其原因。",
    ),
    w("detail.deferred", "deferred replies", "推迟的答复"),
    w("detail.request_ts", "own request's timestamp", "自身请求的时间戳"),
    w("detail.replies", "replies received", "已收到的答复"),
    w("msg.reply", "reply", "答复"),
    w("note.asks", "asks everyone for the critical section with timestamp {0}", "以时间戳 {0} 向所有节点请求临界区"),
    w("note.defers", "defers its reply to node {0} (request ts={1})", "推迟对节点 {0} 的答复（请求 ts={1}）"),
    w("note.leaves", "leaves the critical section and sends its deferred replies", "离开临界区并发送推迟的答复"),
    w("why.reply_lost", "a reply was lost", "有一个答复丢失了"),
    w("why.node_crashed", "node {0} has crashed and will never reply", "节点 {0} 已崩溃，永远不会答复"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::mutex::costs::testing::{safe_and_live, uncontended};
    use crate::sim::kit::{self, measured};
    use crate::sim::Act;

    #[test]
    fn mutual_exclusion_holds_and_every_request_is_served_over_a_thousand_seeds() {
        safe_and_live::<RicartAgrawala>(4, |_, s| Some(s.entries));
    }

    #[test]
    fn uncontended_costs_are_the_textbooks() {
        for n in [3, 5, 8] {
            let e = uncontended::<RicartAgrawala>(n, 1, 0..n);
            assert_eq!(measured(&e, "entries"), Some(n as f64));
            assert_eq!(measured(&e, "messages_per_entry"), Some(2.0 * (n as f64 - 1.0)), "N={n}");
            assert_eq!(measured(&e, "enter_mean"), Some(2.0), "N={n}");
            assert_eq!(measured(&e, "sync_mean"), Some(1.0), "N={n}");
        }
    }

    #[test]
    fn contention_defers_replies_and_serves_in_timestamp_order() {
        let h = kit::ready_for::<RicartAgrawala>("deferred-replies", 3_000);
        let trace = h.sim().trace();
        assert!(trace.violations().is_empty(), "{:?}", trace.violations());
        let order: Vec<NodeId> = trace.marked("enter_cs").map(|(e, _)| e.node.unwrap()).collect();
        assert_eq!(order, vec![0, 1, 2], "equal timestamps: the smaller id goes first");
        // Deferred replies on the way: node 0 deferred both others while it waited.
        let mut e = kit::engine::<RicartAgrawala>(4, "requests=0", 3);
        for i in 0..3 {
            e.apply(&Act::Input(i, "request".into(), None)).unwrap();
        }
        while e.world.states[0].cs != Cs::Held {
            assert!(e.step());
        }
        while e.world.states[0].deferred.len() < 2 {
            assert!(e.step());
        }
        let v = e.proto.view(0, &e.world.states[0]);
        let mut cells: Vec<&str> = v.rows[0].cells.iter().map(|c| c.text.as_str()).collect();
        cells.sort_unstable();
        assert_eq!(cells, vec!["n1", "n2"], "in arrival order");
        assert!(v.holds(Glyph::Lock));
    }

    #[test]
    fn a_lost_reply_stalls_the_requester_and_the_monitor_says_why() {
        let h = kit::ready_for::<RicartAgrawala>("lost-reply", 3_000);
        let v = h.sim().trace().violations();
        let stall = v.iter().find(|v| v.invariant == "progress").unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(stall.nodes, vec![2]);
        assert_eq!(stall.detail.en(WORDS), "nothing is left to happen, yet nodes 2 wait: a reply was lost");
        let s = &h.sim().node_views()[2];
        assert_eq!(s.badge, Text::plain("2/3"), "one reply short");
    }
}
