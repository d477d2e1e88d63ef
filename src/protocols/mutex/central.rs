//! # Central-server mutual exclusion
//!
//! The simplest way to share a critical section (CS): ask someone. One node, the server
//! (node 0, drawn in the centre of a star), holds the permission to enter and a FIFO queue
//! of the clients waiting for it. A client that wants the CS sends `Request` to the server;
//! the server answers `Grant` at once if nobody holds the permission, and otherwise puts
//! the client at the back of its queue. A client leaving the CS sends `Release`, and the
//! server grants the permission to the head of its queue.
//!
//! Safety rests on the server: it hands out one permission at a time, so at most one
//! client is inside (ME1). Requests are served in the order the server received them,
//! so nobody starves (ME2) — but that order need not be the order the requests were
//! made in (ME3 fails: a request sent earlier may arrive later).
//!
//! Costs, as taught: 3 messages per use of the CS (Request, Grant, Release); the enter
//! delay is 2 transits (Request, Grant) and the synchronisation delay 2 transits
//! (Release, then Grant to the next client). The server is a bottleneck and a single
//! point of failure: crash it and every client that asks waits forever, and a client that
//! crashes while holding the permission takes it to its grave.
//!
//! Messages: `Request`, `Grant`, `Release`. Timers: `Leave` (end of the CS, drawn as a
//! countdown). Requests come from clicks and from the shared workload; the server never
//! asks. Invariants: ME1; the progress monitor (ME2) names who waits and why.

use std::collections::VecDeque;

use super::costs::{self, exact, MutexCosts, MutexTextbook, REQUEST};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{Monitor, Progress};
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::view::{Cell, CellRow, Glyph, NodeView, Tone};
use crate::sim::{NodeId, Time};
use crate::words::{w, Text, Words};

/// The node that holds the permission and the queue.
pub const SERVER: NodeId = 0;

pub struct Central {
    n: usize,
    /// Ticks a client stays in the CS.
    cs_time: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    /// Client side.
    pub cs: Cs,
    pub wanting_since: Option<Time>,
    pub entries: u32,
    /// Server side: who holds the permission, who waits for it (in arrival order).
    pub holder: Option<NodeId>,
    pub queue: VecDeque<NodeId>,
    pub grants: u32,
}

impl Node {
    fn fresh() -> Node {
        Node { cs: Cs::Released, wanting_since: None, entries: 0, holder: None, queue: VecDeque::new(), grants: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Request,
    Grant,
    Release,
}

pub use super::costs::{Cs, Timer};

impl Central {
    /// The server hands the permission to `to`.
    fn grant(&self, s: &mut Node, to: NodeId, ctx: &mut Ctx<Self>) {
        s.holder = Some(to);
        s.grants += 1;
        ctx.note(phrase!("note.grants", to));
        ctx.send(to, Msg::Grant);
    }
}

impl Protocol for Central {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = MutexCosts;

    fn info() -> ProtocolInfo {
        costs::described("mutex-central", (2, 32, 6))
            .on(&[TopologyKind::Star])
            .scenarios(&[
                ReadyScenario { id: "central-queue", fragment: "v=1&proto=mutex-central&n=6&seed=7&p.cs=120&p.requests=400" },
                ReadyScenario { id: "server-crash", fragment: "v=1&proto=mutex-central&n=6&seed=2&p.requests=300&act=0:crash:0" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Central { n: setup.n, cs_time: setup.params.int("cs") as Time })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        if me == SERVER {
            ctx.note(Text::key("note.server_ready"));
        }
        Node::fresh()
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        match m {
            Msg::Request if me == SERVER => {
                if s.holder.is_none() {
                    self.grant(s, from, ctx);
                } else if s.holder != Some(from) && !s.queue.contains(&from) {
                    s.queue.push_back(from);
                    ctx.note(phrase!("note.queues", from, s.queue.len()));
                }
            }
            Msg::Release if me == SERVER && s.holder == Some(from) => {
                s.holder = None;
                match s.queue.pop_front() {
                    Some(next) => self.grant(s, next, ctx),
                    None => ctx.note(Text::key("note.free")),
                }
            }
            Msg::Grant if s.cs == Cs::Wanted => {
                s.cs = Cs::Held;
                s.entries += 1;
                costs::enter(self.cs_time, ctx);
            }
            // A grant nobody asked for (a duplicate), or a request reaching a client: ignored.
            _ => {}
        }
    }

    fn on_timer(&self, _me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Leave => {
                s.cs = Cs::Released;
                s.wanting_since = None;
                ctx.mark("exit_cs");
                ctx.note(Text::key("note.leaves"));
                ctx.send(SERVER, Msg::Release);
            }
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == REQUEST.id && me != SERVER && s.cs == Cs::Released {
            s.cs = Cs::Wanted;
            s.wanting_since = Some(ctx.now());
            ctx.mark("request");
            ctx.note(Text::key("note.wants"));
            ctx.silent();
            ctx.send(SERVER, Msg::Request);
        }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        if me == SERVER {
            let badge = match s.holder {
                Some(h) => phrase!("badge.granted_to", h),
                None => Text::key("badge.free"),
            };
            let cells = s.queue.iter().map(|&c| Cell { text: format!("n{c}"), shade: c as u32 }).collect();
            return NodeView::new("server", Tone::Leader)
                .badge(badge)
                .row(CellRow { label: "queue", cells, marked_upto: None })
                .detail("holder", s.holder.map_or(Text::key("nobody"), |h| Text::plain(format!("n{h}"))))
                .detail("queued", s.queue.len())
                .detail("grants", s.grants);
        }
        let (role, tone) = s.cs.look();
        let badge = match s.wanting_since {
            Some(t) if s.cs == Cs::Wanted => costs::since(t),
            _ => phrase!("badge.entries", s.entries),
        };
        NodeView::new(role, tone)
            .badge(badge)
            .glyph_if(s.cs == Cs::Held, Glyph::Lock)
            .detail("wants_since", s.wanting_since.map_or(Text::plain("-"), Text::from))
            .detail("entries", s.entries)
    }

    fn inputs_for(&self, me: NodeId, s: &Node) -> Vec<InputSpec> {
        if me != SERVER && s.cs == Cs::Released {
            vec![REQUEST]
        } else {
            vec![]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "me1", check: |_, snap| costs::me1(snap.live_where(|s| s.cs == Cs::Held)) }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        // A request waits at most for the N-2 clients ahead of it in the queue, each a stay
        // in the CS and two transits. Twice that with the slowest default delay: stalled.
        vec![Box::new(Progress::new(2 * self.n as Time * (200 + self.cs_time)))]
    }

    fn why_stalled(&self, snap: &Snapshot<Self>) -> Text {
        if !snap.up[SERVER] {
            return Text::key("why.server_crashed");
        }
        match snap.states[SERVER].holder {
            Some(h) if !snap.up[h] => phrase!("why.holder_crashed", h),
            _ => Text::key("why.unknown"),
        }
    }

    fn metrics(&self, costs: &MutexCosts, run: &RunView<Self>) -> Vec<Metric> {
        costs.metrics(run, MutexTextbook { messages: exact(3.0, "3"), enter: exact(2.0, "2"), sync: exact(2.0, "2") })
    }
}

const WORDS: Words = &[
    w("name", "Central server", "中央服务器"),
    w(
        "summary",
        "One server holds the permission to enter the critical section and a queue of waiting clients: Request, Grant, Release. Three messages per use and simple to reason about, but the server is a bottleneck and a single point of failure.",
        "一个服务器持有进入临界区的许可以及等待客户端的队列：请求、授权、释放。每次使用只需三条消息，推理简单，但服务器是性能瓶颈，也是单点故障。",
    ),
    w("scenario.central-queue", "Clients queue at the server", "客户端在服务器排队"),
    w(
        "scenario.central-queue.about",
        "Five clients ask the server for the critical section at random. Watch the server's queue grow and shrink: it grants the permission to one client at a time, in the order the requests arrived. Every use costs three messages, and a client waits two transits when nobody is inside; compare the measured figures with the textbook's.",
        "五个客户端随机向服务器请求临界区。观察服务器的队列如何增长和缩短：它每次只把许可授予一个客户端，顺序就是请求到达的顺序。每次使用花费三条消息；无人在临界区时，客户端只需等待两次传输。请把测得的数值与教科书的数值相比较。",
    ),
    w("scenario.server-crash", "The server crashes and everyone blocks", "服务器崩溃，所有节点阻塞"),
    w(
        "scenario.server-crash.about",
        "The server crashes at the very start. Each client that asks sends its request into the void and waits for a grant that will never come; one by one they all block. The clients cannot tell a crashed server from a slow one: only the progress monitor says what happened.",
        "服务器在一开始就崩溃了。每个发出请求的客户端都把请求发往一个不再存在的节点，等待一个永远不会到来的授权；它们一个接一个地阻塞。客户端无法区分崩溃的服务器和缓慢的服务器：只有进展监视器指出发生了什么。",
    ),
    w("role.server", "server", "服务器"),
    w("badge.granted_to", "granted to n{0}", "许可给 n{0}"),
    w("badge.free", "permission free", "许可空闲"),
    w("nobody", "nobody", "无"),
    w("detail.queue", "queue", "等待队列"),
    w("detail.holder", "permission held by", "许可持有者"),
    w("detail.queued", "clients queued", "排队的客户端数"),
    w("detail.grants", "grants given", "已授权次数"),
    w("msg.grant", "grant", "授权"),
    w("note.server_ready", "serves the permission to enter the critical section", "负责授予进入临界区的许可"),
    w("note.grants", "grants the permission to node {0}", "把许可授予节点 {0}"),
    w("note.queues", "queues node {0} (queue length {1})", "让节点 {0} 排队（队列长度 {1}）"),
    w("note.free", "the permission is free again", "许可重新空闲"),
    w("why.server_crashed", "the server has crashed", "服务器已崩溃"),
    w("why.holder_crashed", "node {0} crashed while holding the permission", "节点 {0} 在持有许可时崩溃"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::mutex::costs::testing::{safe_and_live, uncontended};
    use crate::sim::kit::{self, measured};
    use crate::sim::Act;

    #[test]
    fn mutual_exclusion_holds_and_every_client_is_served_over_a_thousand_seeds() {
        safe_and_live::<Central>(5, |i, s| (i != SERVER).then_some(s.entries));
    }

    #[test]
    fn the_server_never_asks() {
        let mut e = kit::engine::<Central>(5, "requests=100", 3);
        for _ in 0..2_000 {
            e.step();
        }
        assert!(e.world.states[SERVER].entries == 0 && e.world.states[1..].iter().any(|s| s.entries > 0));
    }

    #[test]
    fn uncontended_costs_are_the_textbooks() {
        for n in [3, 5, 8] {
            let e = uncontended::<Central>(n, 1, 1..n);
            assert_eq!(measured(&e, "entries"), Some((n - 1) as f64));
            assert_eq!(measured(&e, "messages_per_entry"), Some(3.0), "N={n}");
            assert_eq!(measured(&e, "enter_mean"), Some(2.0), "N={n}");
            assert_eq!(measured(&e, "sync_mean"), Some(2.0), "N={n}");
        }
    }

    #[test]
    fn the_server_queues_requests_and_shows_its_queue() {
        let mut e = kit::engine::<Central>(4, "requests=0", 1);
        for i in 1..4 {
            e.apply(&Act::Input(i, "request".into(), None)).unwrap();
        }
        while e.world.states[SERVER].queue.len() < 2 {
            assert!(e.step());
        }
        let v = e.proto.view(SERVER, &e.world.states[SERVER]);
        assert_eq!(v.role, "server");
        assert_eq!(v.rows[0].cells.len(), 2);
        assert!(v.rows[0].cells.iter().all(|c| c.text.starts_with('n')));
        let holder = e.world.states[SERVER].holder.unwrap();
        while e.world.states[holder].cs != Cs::Held {
            assert!(e.step());
        }
        assert!(e.proto.view(holder, &e.world.states[holder]).holds(Glyph::Lock));
        while e.step() {}
        assert!(e.world.states.iter().skip(1).all(|s| s.entries == 1));
        assert_eq!(measured(&e, "messages_per_entry"), Some(3.0));
    }

    #[test]
    fn the_ready_scenarios_run() {
        let h = kit::ready_for::<Central>("central-queue", 3_000);
        assert!(h.sim().trace().violations().is_empty(), "{:?}", h.sim().trace().violations());
        assert!(h.sim().trace().marked("enter_cs").count() > 5);
    }

    #[test]
    fn a_crashed_server_blocks_everyone_and_the_monitor_says_why() {
        let h = kit::ready_for::<Central>("server-crash", 3_000);
        let v = h.sim().trace().violations();
        let stall = v.iter().rfind(|v| v.invariant == "progress").unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(stall.nodes, vec![1, 2, 3, 4, 5], "every client waits");
        let text = stall.detail.en(WORDS);
        assert!(text.ends_with("while nodes 1, 2, 3, 4, 5 wait: the server has crashed") || text == "nothing is left to happen, yet nodes 1, 2, 3, 4, 5 wait: the server has crashed", "{text}");
        assert!(h.sim().trace().marked("enter_cs").next().is_none());
    }
}
