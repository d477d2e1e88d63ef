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
//! Messages: `Token`. Timers: `Leave` (end of the CS, drawn as a countdown). Requests come
//! from clicks and from the shared workload. Invariants: ME1 (at most one node in the CS),
//! one token; the progress monitor (ME2) names who waits and why.

use super::costs;
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{Monitor, Progress};
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::view::{Chart, ChartKind, Glyph, NodeView, Overlay, Series, Tone};
use crate::sim::{NodeId, Time};
use crate::words::{nodes, w, Text, Words};

pub struct TokenRing {
    n: usize,
    /// Each node's successor on the ring (from the run's graph).
    next: Vec<NodeId>,
    /// Ticks a node stays in the CS.
    cs_time: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

impl Node {
    fn fresh() -> Node {
        Node { tokens: 0, in_cs: false, wanting_since: None, entries: 0, last_pass: 0 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// The token; `pass` counts its hops since the start.
    Token { pass: u64 },
}

pub use crate::protocols::mutex::costs::Timer;

/// Costs counted as the run goes: token receptions are the unit of delay.
#[derive(Clone, Debug)]
pub struct Stats {
    token_receptions: u64,
    /// Per waiting node: token receptions when it asked.
    asked_at: std::collections::BTreeMap<NodeId, u64>,
    /// Token receptions at the last exit, until the next entry.
    exited_at: Option<u64>,
    entries: u64,
    enter: Tally,
    sync: Tally,
    /// How many nodes wait, over time.
    waiting: Series,
    /// Entries per node (fairness), one series each.
    per_node: Vec<Series>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            token_receptions: 0,
            asked_at: Default::default(),
            exited_at: None,
            entries: 0,
            enter: Tally::default(),
            sync: Tally::default(),
            waiting: Series::new(Text::key("series.waiting")),
            per_node: Vec::new(),
        }
    }
}

use crate::protocols::mutex::costs::REQUEST;

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
            ctx.note(Text::key("note.wants"));
        }
    }
}

impl Observe for Stats {
    fn observe(&mut self, e: &Event, log: &Trace) {
        if let EventKind::Receive { msg } = e.kind {
            if log.message(msg).token {
                self.token_receptions += 1;
            }
        }
        let Some(node) = e.node else { return };
        let waiting_before = self.asked_at.len();
        if matches!(e.kind, EventKind::Crash) {
            self.asked_at.remove(&node);
        }
        for m in log.marks_of(e.id) {
            match m.tag {
                "request" => {
                    self.asked_at.insert(node, self.token_receptions);
                }
                "enter_cs" => {
                    self.entries += 1;
                    if self.per_node.len() <= node {
                        self.per_node.resize_with(node + 1, || Series::new(Text::empty()));
                        for (i, s) in self.per_node.iter_mut().enumerate() {
                            s.label = phrase!("series.node", i);
                        }
                    }
                    let count = self.per_node[node].last().unwrap_or(0.0) + 1.0;
                    self.per_node[node].push(e.time, count);
                    if let Some(asked) = self.asked_at.remove(&node) {
                        self.enter.add((self.token_receptions - asked) as f64);
                    }
                    if let Some(exit) = self.exited_at.take() {
                        self.sync.add((self.token_receptions - exit) as f64);
                    }
                }
                "exit_cs" => self.exited_at = Some(self.token_receptions),
                _ => {}
            }
        }
        if self.asked_at.len() != waiting_before || self.waiting.points().is_empty() {
            self.waiting.push(e.time, self.asked_at.len() as f64);
        }
    }
}

impl Protocol for TokenRing {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        costs::described("mutex-token-ring", (2, 32, 6))
            .on(&[TopologyKind::Ring])
            .scenarios(&[
                ReadyScenario { id: "ring-order", fragment: "v=1&proto=mutex-token-ring&n=6&seed=7&p.cs=120&p.requests=400" },
                ReadyScenario { id: "idle", fragment: "v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0" },
                ReadyScenario { id: "lost-token", fragment: "v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0&act=0:input:3:request,1:drop:1" },
                ReadyScenario { id: "crash", fragment: "v=1&proto=mutex-token-ring&n=6&seed=2&p.requests=300&act=0:crash:3" },
                ReadyScenario { id: "duplicate", fragment: "v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=150&act=0:dup:0,0:delay:1:150" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let next = setup.graph.ring_successors("the token ring")?;
        Ok(TokenRing { n: setup.n, next, cs_time: setup.params.int("cs") as Time })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh();
        if me == 0 {
            s.tokens = 1;
            ctx.note(Text::key("note.starts_with_token"));
            self.pass_tokens(me, &mut s, ctx);
        }
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, _from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        let Msg::Token { pass } = m;
        s.tokens += 1;
        s.last_pass = s.last_pass.max(pass);
        if s.wanting_since.is_some() && !s.in_cs {
            s.in_cs = true;
            s.entries += 1;
            costs::enter(self.cs_time, ctx);
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
                ctx.note(Text::key("note.leaves"));
                self.pass_tokens(me, s, ctx);
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
    fn on_recover(&self, _me: NodeId, _old: &Node, _ctx: &mut Ctx<Self>) -> Node {
        Node::fresh()
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        let Msg::Token { pass } = m;
        MsgLabel { kind: "token", text: format!("#{pass}"), token: true }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = match (s.in_cs, s.wanting_since.is_some()) {
            (true, _) => ("held", Tone::Active),
            (false, true) => ("wanted", Tone::Waiting),
            // Passing the token on: released, and the token is drawn beside the node.
            _ => ("released", Tone::Idle),
        };
        let badge = match s.wanting_since {
            Some(t) if !s.in_cs => phrase!("badge.since", t),
            _ => phrase!("badge.entries", s.entries),
        };
        NodeView::new(role, tone)
            .badge(badge)
            .glyph_if(s.tokens > 0, Glyph::Token)
            .detail("tokens", s.tokens)
            .detail("in_cs", Text::key(if s.in_cs { "yes" } else { "no" }))
            .detail("wants_since", s.wanting_since.map_or(Text::plain("-"), Text::from))
            .detail("entries", s.entries)
            .detail("last_pass", s.last_pass)
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
                id: "me1",
                check: |_, snap| {
                    let inside = snap.live_where(|s| s.in_cs);
                    if inside.len() <= 1 {
                        Ok(())
                    } else {
                        Err(Breach { detail: phrase!("breach.me1", nodes(&inside)), nodes: inside })
                    }
                },
            },
            Invariant {
                id: "one_token",
                check: |_, snap| {
                    let holders = snap.live_where(|s| s.tokens > 0);
                    let held: usize = holders.iter().map(|&i| snap.states[i].tokens as usize).sum();
                    let flying = snap.in_flight.len();
                    match held + flying {
                        1 => Ok(()),
                        0 => Err(Breach { nodes: vec![], detail: Text::key("breach.token_lost") }),
                        k => Err(Breach { nodes: holders, detail: phrase!("breach.tokens", k, flying) }),
                    }
                },
            },
        ]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        // A request is served within one lap of the token: N transits and N stays in the
        // CS at most. Twice that with the slowest default delay, and it has stalled.
        vec![Box::new(Progress::new(2 * self.n as Time * (200 + self.cs_time)))]
    }

    fn why_stalled(&self, snap: &Snapshot<Self>) -> Text {
        let held = snap.live_where(|s| s.tokens > 0);
        if !held.is_empty() || !snap.in_flight.is_empty() {
            return Text::key("why.token_slow");
        }
        match (0..snap.states.len()).find(|&i| !snap.up[i]) {
            Some(down) => phrase!("why.crashed", down),
            None => Text::key("why.token_lost"),
        }
    }

    fn charts(&self, stats: &Stats, _run: &RunView<Self>) -> Vec<Chart> {
        let mut per_node: Vec<Series> = (0..self.n).map(|i| stats.per_node.get(i).cloned().unwrap_or_else(|| Series::new(phrase!("series.node", i)))).collect();
        for (i, s) in per_node.iter_mut().enumerate() {
            if s.points().is_empty() {
                s.push(0, 0.0);
            }
            s.label = phrase!("series.node", i);
        }
        vec![Chart { id: "waiting", kind: ChartKind::Lines, series: vec![stats.waiting.clone()] }, Chart { id: "entries", kind: ChartKind::Bars, series: per_node }]
    }

    /// The token's road: from where it is now, along the ring, to the next node that
    /// waits (the selected one, if it waits). Its length is that node's enter delay.
    fn overlays(&self, run: &RunView<Self>, selected: Option<NodeId>) -> Vec<Overlay> {
        let at = (0..self.n).find(|&i| run.up[i] && run.states[i].tokens > 0 && !run.states[i].in_cs).or_else(|| run.in_flight.iter().find(|(_, _, m)| matches!(m, Msg::Token { .. })).map(|(_, to, _)| *to));
        let Some(start) = at else { return Vec::new() };
        let waits = |i: NodeId| run.up[i] && run.states[i].wanting_since.is_some() && !run.states[i].in_cs;
        let target = match selected.filter(|&s| waits(s)) {
            Some(s) => Some(s),
            None => (0..self.n).map(|k| (start + k) % self.n).find(|&i| waits(i)),
        };
        let Some(target) = target else { return Vec::new() };
        let mut edges = Vec::new();
        let mut i = start;
        while i != target && edges.len() < self.n {
            edges.push((i, self.next(i)));
            i = self.next(i);
        }
        if edges.is_empty() {
            return Vec::new();
        }
        let hops = edges.len();
        vec![Overlay::Arrows { label: phrase!("overlay.road", target, hops), edges, alarm: false }]
    }

    fn metrics(&self, stats: &Stats, run: &RunView<Self>) -> Vec<Metric> {
        let n = run.setup.n as f64;
        let range = |lo: f64, f: &'static str| (Textbook::Range(lo, n), Text::plain(f));
        let (enter, enter_f) = range(0.0, "0..N");
        let (sync, sync_f) = range(1.0, "1..N");
        vec![
            Metric {
                id: "messages_per_entry",
                measured: (stats.entries > 0).then(|| run.counters.sent as f64 / stats.entries as f64),
                textbook: Textbook::Unbounded,
                formula: Text::key("formula.per_entry"),
            },
            Metric { id: "enter_mean", measured: stats.enter.mean(), textbook: enter.clone(), formula: enter_f.clone() },
            Metric { id: "enter_worst", measured: stats.enter.max, textbook: enter, formula: enter_f },
            Metric { id: "sync_mean", measured: stats.sync.mean(), textbook: sync, formula: sync_f },
            Metric {
                id: "throughput",
                measured: (run.now > 0).then(|| stats.entries as f64 * 1000.0 / run.now as f64),
                textbook: Textbook::Unbounded,
                formula: Text::key("formula.per_thousand_ticks"),
            },
            Metric { id: "entries", measured: Some(stats.entries as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
        ]
    }
}

const WORDS: Words = &[
    w("name", "Token ring", "令牌环"),
    w(
        "summary",
        "One token circulates around a logical ring; only its holder may enter the critical section. Safe by construction, but the token costs messages even when nobody wants it, and losing it stalls everyone.",
        "一个令牌沿逻辑环传递，只有持有令牌的节点才能进入临界区。互斥由构造保证，但即使无人需要，令牌也在不停消耗消息；一旦令牌丢失，所有节点都会停滞。",
    ),
    w("scenario.ring-order", "Requests served in ring order", "请求按环的顺序得到满足"),
    w(
        "scenario.ring-order.about",
        "Six nodes ask for the critical section at random. Watch the token: it only stops at nodes that want it, and each waits at most one lap. Compare the measured enter delay with 0..N transits.",
        "六个节点随机请求临界区。注意令牌：它只在需要它的节点停留，每个节点最多等待一圈。把测得的进入延迟与 0..N 次传输相比较。",
    ),
    w("scenario.idle", "An idle ring still pays for the token", "空闲的环仍在为令牌付费"),
    w(
        "scenario.idle.about",
        "Nobody wants the critical section, yet the token never stops: every hop is a message. Let it run and watch the message count climb with no entry at all: the cost per entry is unbounded when the system is idle, the price of never having to ask.",
        "没有节点需要临界区，令牌却从不停下：每一跳都是一条消息。让它运行，看消息数不断上升而没有任何一次进入：系统空闲时每次进入的代价没有上界，这是无需提出请求所付出的代价。",
    ),
    w("scenario.lost-token", "A lost token stalls the ring", "令牌丢失使环停滞"),
    w(
        "scenario.lost-token.about",
        "Requests come only from clicks. Node 3 asks for the CS, but the network drops the token on its way. Nobody can ever enter again: the progress monitor names the waiting nodes.",
        "请求只来自点击。节点 3 请求临界区，但令牌在途中被网络丢弃。从此再也没有节点能进入：进展监视器列出正在等待的节点。",
    ),
    w("scenario.crash", "A crashed node swallows the token", "崩溃的节点吞掉了令牌"),
    w(
        "scenario.crash.about",
        "Node 3 crashes at the start. The token reaches it on its first lap and is discarded with the node's state; from then on every request waits forever. Nothing in the algorithm notices: the progress monitor does.",
        "节点 3 一开始就崩溃。令牌在第一圈到达它时随节点状态一起被丢弃；此后所有请求都将永远等待。算法本身察觉不到，进展监视器可以。",
    ),
    w("scenario.duplicate", "A duplicated token breaks mutual exclusion", "复制的令牌破坏互斥"),
    w(
        "scenario.duplicate.about",
        "The token is copied on its first hop and one copy is held up, so two tokens circulate half a lap apart. Each lets a waiting node in, and soon two nodes are inside at once: the ME1 monitor names them.",
        "令牌在第一跳被复制，其中一份被延迟，于是两个令牌相隔半圈同时流转。它们各自放行一个等待的节点，很快就有两个节点同时在临界区内：ME1 监视器指出它们。",
    ),
    w("detail.tokens", "tokens here", "持有令牌数"),
    w("detail.in_cs", "in critical section", "在临界区内"),
    w("detail.last_pass", "last token pass seen", "见到的最后一次令牌传递"),
    w("msg.token", "token", "令牌"),
    w("chart.waiting", "nodes waiting for the CS", "等待临界区的节点数"),
    w("chart.entries", "CS entries per node", "各节点进入临界区次数"),
    w("series.waiting", "waiting", "等待"),
    w("series.node", "n{0}", "n{0}"),
    w("overlay.road", "the token's way to node {0}: {1} transits", "令牌到节点 {0} 的路：{1} 次传输"),
    w("note.starts_with_token", "starts with the token", "初始持有令牌"),
    w("inv.one_token", "one token", "唯一令牌"),
    w("inv.one_token.about", "Exactly one token exists, held by a live node or in flight.", "恰好存在一个令牌：由存活节点持有或在途中。"),
    w("breach.token_lost", "the token is lost: no node holds it and none is in flight", "令牌丢失：没有节点持有它，也没有令牌在途"),
    w("breach.tokens", "{0} tokens exist ({1} in flight)", "存在 {0} 个令牌（{1} 个在途）"),
    w("why.token_lost", "the token is lost", "令牌已丢失"),
    w("why.crashed", "node {0} has crashed and the ring cannot pass it", "节点 {0} 已崩溃，令牌无法越过它"),
    w("why.token_slow", "the token has not come round", "令牌迟迟没有转过来"),
    w("formula.per_entry", "1 (all waiting) to unbounded (idle ring)", "1（全部等待）到无上界（空闲的环）"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, metric};

    #[test]
    fn every_requester_enters_and_waits_at_most_a_lap() {
        for n in [3, 5, 8] {
            let bound = n as f64;
            for seed in 0..50 {
                let mut e = kit::engine::<TokenRing>(n, "requests=300", seed);
                for _ in 0..3000 {
                    e.step();
                }
                assert!(e.trace.violations().is_empty(), "N={n} seed {seed}: {:?}", e.trace.violations());
                let worst = metric(&e, "enter_worst").measured.unwrap();
                assert!(worst <= bound, "N={n} seed {seed}: waited {worst} transits");
                let sync = metric(&e, "sync_mean").measured.unwrap();
                assert!((1.0..=bound).contains(&sync), "N={n} seed {seed}: sync delay {sync} outside 1..N");
                assert!(e.world.states.iter().all(|s| s.entries > 0), "N={n} seed {seed}: someone starved");
            }
        }
    }

    #[test]
    fn one_request_waits_exactly_the_tokens_distance() {
        // Uncontended: node k asks while the token heads for node 1 from node 0; it waits
        // the k transits the token needs to reach it (0..N, as the textbook says).
        for n in [3, 5, 8] {
            for k in 1..n {
                let mut e = kit::engine::<TokenRing>(n, "requests=0", 1);
                e.apply(&crate::sim::Act::Input(k, "request".into(), None)).unwrap();
                while e.trace.marked("enter_cs").next().is_none() {
                    assert!(e.step());
                }
                let enter = metric(&e, "enter_mean");
                assert_eq!(enter.measured, Some(k as f64), "N={n}, node {k}");
                assert_eq!(enter.textbook, Textbook::Range(0.0, n as f64));
            }
        }
    }

    #[test]
    fn an_idle_ring_passes_the_token_without_entries() {
        let mut e = kit::engine::<TokenRing>(4, "requests=0", 1);
        for _ in 0..40 {
            e.step();
        }
        assert_eq!(e.world.counters.by_kind["token"], e.world.counters.sent);
        assert!(e.world.counters.sent >= 40);
        assert!(e.trace.marked("enter_cs").next().is_none());
    }

    #[test]
    fn the_lost_token_scenario_stalls_and_says_who_waits() {
        let h = kit::ready::<TokenRing>("lost-token");
        let v = &h.sim().trace().violations();
        assert!(v.iter().any(|v| v.invariant == "progress" && v.nodes == vec![3]), "{v:?}");
    }

    #[test]
    fn the_ready_failures_show_what_they_promise() {
        let run = |id: &str| {
            let h = kit::ready_for::<TokenRing>(id, 2_000);
            h.sim().trace().violations().iter().map(|v| v.invariant).collect::<Vec<_>>()
        };
        assert!(run("crash").contains(&"progress"), "a crash stalls the ring");
        assert!(run("duplicate").contains(&"me1"), "two tokens let two nodes in");
        // Idle: no violation, no entry, and the token keeps costing messages.
        assert!(run("idle").is_empty());
    }

    #[test]
    fn a_duplicated_token_breaks_mutual_exclusion() {
        let mut caught = 0;
        for seed in 0..20 {
            let mut e = kit::engine::<TokenRing>(4, "requests=50", seed);
            e.step();
            let token = e.flights().next().unwrap().0;
            e.apply(&crate::sim::Act::Duplicate(token)).unwrap();
            for _ in 0..3000 {
                e.step();
            }
            assert!(e.trace.violations().iter().any(|v| v.invariant == "one_token"));
            caught += e.trace.violations().iter().any(|v| v.invariant == "me1") as usize;
        }
        assert!(caught > 0, "two tokens never met in the CS over 20 seeds");
    }

    #[test]
    fn the_charts_count_waiters_and_entries_and_the_overlay_shows_the_tokens_way() {
        // Node 3 asks while the token is on its way to node 1: the road is 1 → 2 → 3.
        let mut e = kit::engine::<TokenRing>(6, "requests=0", 1);
        e.apply(&crate::sim::Act::Input(3, "request".into(), None)).unwrap();
        let road = e.proto.overlays(&e.run_view(), None);
        match &road[..] {
            [Overlay::Arrows { edges, .. }] => assert_eq!(edges, &vec![(1, 2), (2, 3)]),
            other => panic!("{other:?}"),
        }
        let charts = e.proto.charts(&e.world.stats, &e.run_view());
        assert_eq!(charts[0].series[0].last(), Some(1.0), "one node waits");
        while e.trace.marked("enter_cs").next().is_none() {
            assert!(e.step());
        }
        assert!(e.proto.overlays(&e.run_view(), None).is_empty(), "nobody waits any more");
        let charts = e.proto.charts(&e.world.stats, &e.run_view());
        assert_eq!(charts[0].series[0].last(), Some(0.0));
        let bars: Vec<Option<f64>> = charts[1].series.iter().map(|s| s.last()).collect();
        assert_eq!(bars, vec![Some(0.0), Some(0.0), Some(0.0), Some(1.0), Some(0.0), Some(0.0)], "node 3 entered once");
    }
}
