//! # The bully algorithm (Garcia-Molina)
//!
//! Every node can talk to every other and knows every node's *identifier*; the node with
//! the largest identifier among those alive should be the coordinator. The system is
//! assumed synchronous: a message arrives within a known bound D, so a node that asks a
//! question and hears nothing back within 2D may conclude the other side is dead. That
//! assumption is the whole algorithm, and this page lets you break it. After H. Garcia-
//! Molina, "Elections in a distributed computing system", IEEE Trans. Computers C-31(1),
//! 1982, in the form Coulouris et al. teach.
//!
//! With `initially=elected`, every node starts out naming the node with the largest id as
//! coordinator (the outcome of an earlier election), and nothing happens until someone
//! crashes it and a node notices; `unknown` starts with nobody knowing a coordinator; the
//! default, `election`, is a cold start: nobody knows one, so every node starts an
//! election at once and the largest id bullies its way through. A node that notices the
//! coordinator is gone (the `start` input) starts an election:
//! - it sends `Election` to every node with a larger id *except the coordinator it has
//!   just found dead*, and waits `timeout` ticks for an `Answer`;
//! - if no node is larger (apart from the dead one), it declares itself coordinator at
//!   once and sends `Coordinator{its id}` to every other node except the dead one;
//! - if the answer timeout fires with no `Answer`, every larger node must be dead: it
//!   declares itself in the same way;
//! - if an `Answer` comes, a larger node has taken over: it waits (2·`timeout`) for that
//!   node's `Coordinator`, and if none comes, the larger node died too and it starts again.
//!
//! A node receiving `Election` from a smaller id replies `Answer` and starts its own
//! election unless it is running one already (this is the "bullying": the larger node
//! pushes the smaller one out of the race). A node receiving `Coordinator{id}` from a
//! larger id records it and ends its election and timers. A node receiving `Coordinator`
//! from a *smaller* id does what the classic bully does: it does not accept a smaller
//! coordinator, but starts an election of its own (or carries on with the one it is
//! running) and takes over. That only happens when the smaller node declared too soon,
//! because its timeout was shorter than the real delays.
//!
//! A node that already is the coordinator and gets an `Election` from a smaller id (a node
//! that recovered, or was misled) answers and reminds the asker with `Coordinator`; it does
//! not declare itself again, since nothing has changed.
//!
//! A node that recovers from a crash remembers nothing and starts an election at once.
//! If it has the largest id, nothing is larger to ask, so it declares itself straight away
//! and sends `Coordinator` to every other node: it bullies its way back even though a
//! perfectly good coordinator was running.
//!
//! **Why the detector skips the dead coordinator.** The detector has just seen the
//! coordinator fail, so asking it again is pointless. This is what makes the textbook's
//! best case come out: when the second-largest node notices, the only larger node is the
//! dead one, so it has nobody to ask and elects itself at once with N-2 `Coordinator`
//! messages (one to each node except itself and the dead coordinator), in one transit. A
//! node drawn in by an `Election` has seen nothing die, so it asks every larger node, the
//! dead one included, and when it wins after a timeout it tells every other node (the
//! dead one's copy is discarded): it only saw silence, not a crash.
//!
//! **Counting, with one crash.** Take N nodes, the coordinator (largest id) dead, all
//! others alive, timeouts above the longest round trip, and let d be the number of live
//! nodes above the detector. If d = 0 the cost is N-2. Otherwise the detector sends d
//! `Election`s (skipping the dead one) and gets d `Answer`s; each of the d nodes above it
//! is woken and, at the k-th from the top (k = 1..d), sends k `Election`s (k-1 to live
//! nodes, which answer, and one to the dead coordinator); the largest live node hears
//! nothing, times out and sends N-1 `Coordinator`s. In all d + d(d+1)/2 `Election`s,
//! d + d(d-1)/2 `Answer`s and N-1 `Coordinator`s: d² + 2d + N - 1 messages. The worst
//! case is the lowest node detecting, d = N-2: N² - N - 1 messages, O(N²) as the textbook
//! says (55 for N = 8: 27 `Election`, 21 `Answer`, 7 `Coordinator`). These counts do not
//! depend on the delays as long as the timeouts are adequate: every node woken is woken
//! by the detector's own `Election`, within one transit, so every `Election` is out before
//! anyone times out. The turnaround (longest chain of transits) does depend on them:
//! `Election`s climb at most d transits, and `Answer`s can then zigzag down behind late
//! `Election`s at most d more, while `Coordinator` needs at least two (the winner must be
//! woken first): 2 to 2d transits, to which the timeout the winner sits out must be added.
//!
//! **Shorter timeouts than the real delays** break the synchronous assumption: a node
//! whose `Answer` is still on its way times out and declares itself while a larger live
//! node is doing the same, and the `one_coordinator` monitor catches the two declarations
//! in one election. The larger node then takes over when the smaller one's `Coordinator`
//! reaches it, so the run still ends in agreement: the damage is the moment with two
//! coordinators, which is exactly what a real system cannot afford. A *false* detection
//! (clicking `start` while the coordinator is alive) is the same broken assumption seen
//! from the other side: the detector skips a live coordinator, and if the detector is the
//! second-largest node, the real coordinator is never told and the agreement check fails
//! at rest.
//!
//! Messages: `Election`, `Answer`, `Coordinator{id}`. Timers: answer timeout, coordinator
//! timeout (both drawn as countdown rings).
//! Invariants: one coordinator per election; agreement at rest on the largest live id.

use super::shared::{self, Elector, OneCoordinator, Rounds};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::Monitor;
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::view::{Glyph, NodeView, Tone};
use crate::sim::{NodeId, ParamSpec, Time};
use crate::words::{w, Text, Words};

/// The longest answer timeout accepted, in ticks.
pub const MAX_TIMEOUT: i64 = 100_000;

pub struct Bully {
    n: usize,
    /// Identifier of each node, by index.
    ids: Vec<u32>,
    /// Ticks to wait for an `Answer`; twice this for the `Coordinator` after one.
    timeout: Time,
    /// At the start every node names the largest id (an earlier election's outcome).
    known: bool,
    /// At the start every node starts an election (nobody knows a coordinator).
    cold: bool,
}

const INITIALLY: &[&str] = &["election", "elected", "unknown"];

/// Where a node is in an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// In no election.
    Idle,
    /// Sent `Election` to the larger ids; waiting for an `Answer`.
    Candidate,
    /// A larger node answered; waiting for its `Coordinator`.
    Waiting,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub id: u32,
    /// The coordinator this node names (its id).
    pub leader: Option<u32>,
    pub phase: Phase,
    /// The coordinator this node found dead, skipped by its `Election`s and `Coordinator`s.
    pub suspect: Option<u32>,
    /// Elections this node started.
    pub started: u32,
    /// Times this node declared itself coordinator.
    pub wins: u32,
    /// Has taken part in an election since it (re)started.
    pub involved: bool,
}

impl Node {
    fn fresh(id: u32, leader: Option<u32>) -> Node {
        Node { id, leader, phase: Phase::Idle, suspect: None, started: 0, wins: 0, involved: false }
    }
    pub fn in_election(&self) -> bool {
        self.phase != Phase::Idle
    }
}

impl Elector for Node {
    fn standing(&self) -> (u32, Option<u32>, bool) {
        (self.id, self.leader, self.involved)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Election,
    Answer,
    Coordinator { id: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// No `Answer` by now: the larger nodes are dead, declare.
    Answer,
    /// Answered but no `Coordinator` by now: the answering node died too, start again.
    Coordinator,
}

const START: InputSpec = InputSpec::plain("start");

/// Why a node starts an election (for its note).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Detects,
    Answers(u32),
    TakesOver(u32),
    Again,
    Recovers,
}

/// What set off an election: a node noticing the coordinator gone (the `start` input) or
/// a node coming back. Nodes drawn in by `Election` are not triggers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub node: NodeId,
    pub recovered: bool,
    /// The coordinator the node found dead, if it noticed one.
    pub suspect: Option<u32>,
}

/// The family's rounds, plus who set off each election (to pick the textbook case).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub rounds: Rounds,
    /// Triggers of the election under way.
    current: Vec<Trigger>,
    /// Triggers of the last election finished.
    last: Vec<Trigger>,
    /// Since the current triggers: a message was sent; a node declared itself.
    sent: bool,
    declared: bool,
}

impl Stats {
    /// Triggers of the latest election (under way, else the last finished).
    pub fn triggers(&self) -> &[Trigger] {
        if self.current.is_empty() {
            &self.last
        } else {
            &self.current
        }
    }
}

/// Which textbook figure applies to the latest election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// The second-largest notices: N-2 Coordinator messages at once.
    SecondDetects,
    /// The lowest notices: the O(N²) cascade, N²-N-1.
    LowestDetects,
    /// Another node notices, with d live nodes above it: d²+2d+N-1.
    Detects { d: u64 },
    /// The largest recovers and bullies: N-1 Coordinator messages.
    Recovered,
}

/// Textbook figures for one case: all messages, Election, Answer, Coordinator, turnaround.
struct Costs {
    messages: (Textbook, Text),
    election: (Textbook, Text),
    answer: (Textbook, Text),
    coordinator: (Textbook, Text),
    turnaround: (Textbook, Text),
}

/// The exact count of one case, by kind: (Election, Answer, Coordinator).
pub fn predicted(case: Case, n: u64) -> (u64, u64, u64) {
    match case {
        Case::SecondDetects => (0, 0, n - 2),
        Case::Recovered => (0, 0, n - 1),
        Case::LowestDetects => predicted(Case::Detects { d: n - 2 }, n),
        Case::Detects { d } => (d + d * (d + 1) / 2, d + d * d.saturating_sub(1) / 2, n - 1),
    }
}

impl Bully {
    fn larger(&self, s: &Node) -> Vec<NodeId> {
        (0..self.n).filter(|&j| self.ids[j] > s.id && Some(self.ids[j]) != s.suspect).collect()
    }

    /// Start (or restart) an election at this node.
    fn begin(&self, me: NodeId, s: &mut Node, why: Why, ctx: &mut Ctx<Self>) {
        s.phase = Phase::Candidate;
        s.involved = true;
        s.started += 1;
        ctx.cancel_timer(Timer::Answer);
        ctx.cancel_timer(Timer::Coordinator);
        // The key names the coordinator found dead (0: none), for the textbook case.
        ctx.mark_with("start", s.suspect.map_or(0, u64::from));
        let targets = self.larger(s);
        let count = targets.len();
        ctx.note(match (why, s.suspect) {
            (Why::Detects, Some(dead)) => phrase!("note.detects", shared::leader_text(&self.ids, dead)),
            (Why::Detects, None) => Text::key("note.detects_none"),
            (Why::Answers(id), _) => phrase!("note.answers_starts", id),
            (Why::TakesOver(id), _) => phrase!("note.takes_over", id),
            (Why::Again, _) => Text::key("note.again"),
            (Why::Recovers, _) => Text::key("note.recovers"),
        });
        if targets.is_empty() {
            self.declare(me, s, true, ctx);
            return;
        }
        ctx.note(phrase!("note.asks", count));
        for to in targets {
            ctx.send(to, Msg::Election);
        }
        ctx.set_timer(self.timeout, Timer::Answer);
    }

    /// This node declares itself coordinator and tells every other node but the dead one.
    fn declare(&self, me: NodeId, s: &mut Node, at_once: bool, ctx: &mut Ctx<Self>) {
        s.phase = Phase::Idle;
        s.leader = Some(s.id);
        s.wins += 1;
        ctx.cancel_timer(Timer::Answer);
        ctx.cancel_timer(Timer::Coordinator);
        ctx.mark("elected");
        let to: Vec<NodeId> = (0..self.n).filter(|&j| j != me && Some(self.ids[j]) != s.suspect).collect();
        ctx.note(phrase!(if at_once { "note.declares_at_once" } else { "note.declares_timeout" }, to.len()));
        for j in to {
            ctx.send(j, Msg::Coordinator { id: s.id });
        }
    }

    /// The textbook case of the latest election, if it is one the counts cover: one
    /// trigger, and only the largest id down (or everyone up when it recovered).
    pub fn case(&self, triggers: &[Trigger], up: &[bool]) -> Option<Case> {
        let [t] = triggers else { return None };
        let top = (0..self.n).max_by_key(|&i| self.ids[i])?;
        let detector = self.ids[t.node];
        if t.recovered {
            return (t.node == top && up.iter().all(|&u| u)).then_some(Case::Recovered);
        }
        let only_top_down = (0..self.n).all(|i| up[i] != (i == top));
        if !only_top_down || t.node == top || t.suspect != Some(self.ids[top]) {
            return None;
        }
        let d = self.ids.iter().filter(|&&x| x > detector && x < self.ids[top]).count() as u64;
        let lowest = self.ids.iter().all(|&x| x >= detector);
        Some(match d {
            0 => Case::SecondDetects,
            _ if lowest => Case::LowestDetects,
            d => Case::Detects { d },
        })
    }

    fn costs(&self, case: Option<Case>) -> Costs {
        let n = self.n as u64;
        let exact = |v: u64, f: Text| (Textbook::Exact(v as f64), f);
        let plain = Text::plain;
        let Some(case) = case else {
            let open = || (Textbook::Unbounded, plain("O(N²)"));
            return Costs {
                messages: open(),
                election: open(),
                answer: open(),
                coordinator: (Textbook::Unbounded, Text::key("formula.varies")),
                turnaround: (Textbook::Unbounded, Text::key("formula.varies")),
            };
        };
        let (e, a, c) = predicted(case, n);
        let total = e + a + c;
        let one = (Textbook::Exact(1.0), plain("1"));
        match case {
            // The new coordinator needs no election: it only tells the others.
            Case::SecondDetects | Case::Recovered => {
                let others = if case == Case::SecondDetects { "N-2" } else { "N-1" };
                Costs {
                    messages: exact(total, plain(others)),
                    election: exact(0, plain("0")),
                    answer: exact(0, plain("0")),
                    coordinator: exact(c, plain(others)),
                    turnaround: one,
                }
            }
            Case::LowestDetects => Costs {
                messages: exact(total, Text::key("formula.lowest")),
                election: exact(e, plain("(N-2)(N+1)/2")),
                answer: exact(a, plain("(N-2)(N-1)/2")),
                coordinator: exact(c, plain("N-1")),
                turnaround: (Textbook::Range(2.0, (2 * n - 4) as f64), Text::key("formula.chain_lowest")),
            },
            Case::Detects { d } => Costs {
                messages: exact(total, Text::key("formula.general")),
                election: exact(e, plain("d(d+3)/2")),
                answer: exact(a, plain("d(d+1)/2")),
                coordinator: exact(c, plain("N-1")),
                turnaround: (Textbook::Range(2.0, (2 * d) as f64), Text::key("formula.chain")),
            },
        }
    }
}

impl Observe for Stats {
    fn observe(&mut self, e: &Event, log: &Trace) {
        self.rounds.observe(e, log);
        let trigger = matches!(e.kind, EventKind::Input { .. } | EventKind::Recover);
        if let (true, Some(node)) = (trigger, e.node) {
            if let Some(m) = log.marks_of(e.id).find(|m| m.tag == "start") {
                if self.current.is_empty() {
                    (self.sent, self.declared) = (false, false);
                }
                let suspect = u32::try_from(m.key).ok().filter(|&k| k > 0);
                self.current.push(Trigger { node, recovered: e.kind == EventKind::Recover, suspect });
            }
        }
        self.sent |= matches!(e.kind, EventKind::Send { .. });
        self.declared |= log.marks_of(e.id).any(|m| m.tag == "elected");
    }

    fn step_observed(&mut self) {
        let before = self.rounds.finished();
        self.rounds.step_observed();
        // An election that declared without a message (N = 2) never shows in the rounds,
        // which start at a send; its triggers are over all the same.
        let silent = !self.current.is_empty() && self.declared && !self.sent;
        if self.rounds.finished() > before || silent {
            self.last = std::mem::take(&mut self.current);
        }
    }
}

impl Protocol for Bully {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        let mut params = shared::id_params("ascending");
        params.push(ParamSpec::choice("initially", INITIALLY, "election").short("initially", "初始状态"));
        params.push(ParamSpec::int("timeout", 1, MAX_TIMEOUT, 200).short("timeout", "超时"));
        ProtocolInfo::new("election-bully", &super::FAMILY, (2, 32, 8))
            .params(params)
            .inputs(&[START])
            .scenarios(&[
                ReadyScenario { id: "second-detects", fragment: "v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:6:start" },
                ReadyScenario { id: "lowest-detects", fragment: "v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:0:start" },
                ReadyScenario { id: "recovered", fragment: "v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:3:start,23:recover:7" },
                ReadyScenario { id: "short-timeouts", fragment: "v=1&proto=election-bully&n=8&seed=1&p.initially=elected&p.timeout=50&act=0:crash:7,0:input:5:start" },
            ])
            .diagram_first()
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        if setup.topology.kind() != TopologyKind::Complete {
            return Err("the bully algorithm needs every node to reach every other: use the complete topology".into());
        }
        let timeout = setup.params.int("timeout");
        if !(1..=MAX_TIMEOUT).contains(&timeout) {
            return Err(format!("timeout {timeout} is out of range; give 1 to {MAX_TIMEOUT} ticks"));
        }
        let ids = shared::ids(setup)?;
        let initially = setup.params.choice("initially");
        Ok(Bully { n: setup.n, ids, timeout: timeout as Time, known: initially == "elected", cold: initially == "election" })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let top = self.ids.iter().copied().max();
        let mut s = Node::fresh(self.ids[me], if self.known { top } else { None });
        if self.cold {
            self.begin(me, &mut s, Why::Detects, ctx);
        }
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        s.involved = true;
        let sender = self.ids[from];
        match m {
            Msg::Election if sender < s.id => {
                ctx.send(from, Msg::Answer);
                if s.is_leader() && !s.in_election() {
                    // Already the coordinator: no new election, just remind the asker.
                    ctx.note(phrase!("note.reminds", sender));
                    ctx.send(from, Msg::Coordinator { id: s.id });
                } else if s.in_election() {
                    ctx.note(phrase!("note.answers_busy", sender));
                } else {
                    s.suspect = None;
                    self.begin(me, s, Why::Answers(sender), ctx);
                }
            }
            // Only smaller ids send Election to a node; kept for completeness.
            Msg::Election => ctx.note(phrase!("note.ignores_election", sender)),
            Msg::Answer => {
                if s.phase == Phase::Candidate {
                    s.phase = Phase::Waiting;
                    ctx.cancel_timer(Timer::Answer);
                    ctx.set_timer(2 * self.timeout, Timer::Coordinator);
                    ctx.note(phrase!("note.answered", sender));
                } else {
                    ctx.note(phrase!("note.late_answer", sender));
                }
            }
            Msg::Coordinator { id } if id < s.id => {
                if s.in_election() {
                    ctx.note(phrase!("note.refuses_busy", id));
                } else {
                    s.suspect = None;
                    self.begin(me, s, Why::TakesOver(id), ctx);
                }
            }
            Msg::Coordinator { id } => {
                s.leader = Some(id);
                s.phase = Phase::Idle;
                s.suspect = None;
                ctx.cancel_timer(Timer::Answer);
                ctx.cancel_timer(Timer::Coordinator);
                ctx.note(phrase!("note.records", shared::leader_text(&self.ids, id)));
            }
        }
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Answer if s.phase == Phase::Candidate => self.declare(me, s, false, ctx),
            Timer::Coordinator if s.phase == Phase::Waiting => self.begin(me, s, Why::Again, ctx),
            _ => {}
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == START.id && !s.in_election() && !s.is_leader() {
            s.suspect = s.leader;
            self.begin(me, s, Why::Detects, ctx);
        }
    }

    /// A node that comes back remembers nothing and starts an election at once.
    fn on_recover(&self, me: NodeId, _old: &Node, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh(self.ids[me], None);
        self.begin(me, &mut s, Why::Recovers, ctx);
        s
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Election => MsgLabel::new("election", ""),
            Msg::Answer => MsgLabel::new("answer", ""),
            Msg::Coordinator { id } => MsgLabel::new("coordinator", format!("id={id}")),
        }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = match s.phase {
            Phase::Candidate => ("candidate", Tone::Active),
            Phase::Waiting => ("waiting", Tone::Waiting),
            Phase::Idle if s.is_leader() => ("leader", Tone::Leader),
            Phase::Idle if s.leader.is_some() => ("knows_leader", Tone::Done),
            Phase::Idle => ("idle", Tone::Idle),
        };
        let timer = match s.phase {
            Phase::Candidate => Text::Id("timer", "answer"),
            Phase::Waiting => Text::Id("timer", "coordinator"),
            Phase::Idle => Text::plain("-"),
        };
        let suspect = match s.suspect {
            Some(dead) => shared::leader_text(&self.ids, dead),
            None => Text::plain("-"),
        };
        NodeView::new(role, tone)
            .badge(shared::badge(s))
            .glyph_if(s.is_leader(), Glyph::Crown)
            .detail("identifier", s.id)
            .detail("coordinator", shared::coordinator_detail(&self.ids, s))
            .detail("in_election", Text::key(if s.in_election() { "yes" } else { "no" }))
            .detail("pending", timer)
            .detail("found_dead", suspect)
            .detail("started", s.started)
            .detail("wins", s.wins)
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        if s.in_election() || s.is_leader() {
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

    /// Costs of the latest election beside the figure for its case (who set it off).
    fn metrics(&self, stats: &Stats, run: &RunView<Self>) -> Vec<Metric> {
        let costs = self.costs(self.case(stats.triggers(), run.up));
        let r = &stats.rounds;
        let mut metrics = r.metrics(costs.messages, costs.turnaround);
        metrics.insert(2, r.kind_metric("election_messages", "election", costs.election));
        metrics.insert(3, r.kind_metric("answer_messages", "answer", costs.answer));
        metrics.insert(4, r.kind_metric("coordinator_messages", "coordinator", costs.coordinator));
        metrics
    }
}

const WORDS: Words = &[
    w("name", "Bully election (Garcia-Molina)", "霸道选举（Garcia-Molina）"),
    w(
        "summary",
        "Every node knows every id. A node that finds the coordinator dead asks the larger ids; any live one answers and takes over the election, and a node that hears no answer within its timeout declares itself. The largest live id always wins: N-2 messages when the second-largest notices, N²-N-1 (O(N²)) when the smallest does. It relies on timeouts longer than any real delay.",
        "每个节点都知道所有标识符。发现协调者失效的节点询问标识符更大的节点；存活者会应答并接管选举，超时内没有收到应答的节点则宣布自己当选。最终总是最大的存活标识符获胜：次大者发现时需要 N-2 条消息，最小者发现时需要 N²-N-1 条（O(N²)）。算法依赖超时比任何实际延迟都长。",
    ),
    w("param.initially", "At the start: election (nobody knows a coordinator, so every node starts an election at once), elected (every node names the largest id, the outcome of an earlier election: crash it and let a node notice), unknown (nobody knows one; click a node to start)", "开始时：election（谁也不知道协调者，所有节点立即发起选举）、elected（每个节点都认定最大标识符为协调者，即上一次选举的结果：让它崩溃，再让某个节点察觉）、unknown（谁也不知道协调者；点击节点发起）"),
    w("param.timeout", "Ticks a candidate waits for an Answer before declaring itself (twice this for the Coordinator after an Answer); must exceed the longest round trip, or two nodes may both declare", "候选者宣布自己当选前等待 Answer 的时长（收到 Answer 后等待 Coordinator 的时长为其两倍）；必须超过最长往返时间，否则可能有两个节点都宣布当选"),
    w("input.start", "Notice the coordinator is gone: start an election", "发现协调者失效：发起选举"),
    w("role.waiting", "waiting for coordinator", "等待协调者"),
    w("role.idle", "idle", "空闲"),
    w("detail.in_election", "in an election", "正在选举"),
    w("detail.pending", "timer pending", "等待中的定时器"),
    w("detail.found_dead", "found dead", "已发现失效"),
    w("detail.wins", "times declared coordinator", "宣布当选的次数"),
    w("msg.answer", "answer", "应答"),
    w("timer.answer", "answer timeout", "应答超时"),
    w("timer.coordinator", "coordinator timeout", "协调者超时"),
    w("note.detects", "notices the coordinator {0} is gone and starts an election", "发现协调者 {0} 已失效，发起选举"),
    w("note.detects_none", "knows no coordinator and starts an election", "不知道协调者，发起选举"),
    w("note.answers_starts", "answers the smaller id {0} and starts its own election", "应答较小的标识 {0}，并发起自己的选举"),
    w("note.reminds", "answers the smaller id {0} and, being the coordinator already, reminds it with Coordinator", "应答较小的标识 {0}；它已经是协调者，于是用 Coordinator 提醒对方"),
    w("note.answers_busy", "answers the smaller id {0}; it is already in an election", "应答较小的标识 {0}；它已在选举中"),
    w("note.takes_over", "id {0} claims to be coordinator, but this node is larger: it starts an election and takes over", "标识 {0} 自称协调者，但本节点更大：发起选举并接管"),
    w("note.refuses_busy", "id {0} claims to be coordinator, but this node is larger and already in an election", "标识 {0} 自称协调者，但本节点更大且已在选举中"),
    w("note.again", "no Coordinator came after the Answer: the larger node died too; starts again", "收到 Answer 后没有等到 Coordinator：更大的节点也失效了，重新发起选举"),
    w("note.recovers", "back up, remembering nothing: starts an election at once", "恢复运行，什么都不记得：立即发起选举"),
    w("note.asks", "sends Election to the {0} larger ids and waits for an Answer", "向 {0} 个更大的标识发送 Election，并等待 Answer"),
    w("note.declares_at_once", "no larger id to ask: declares itself coordinator at once and tells {0} nodes", "没有更大的标识可问：立即宣布自己为协调者，并通知 {0} 个节点"),
    w("note.declares_timeout", "no Answer before the timeout: declares itself coordinator and tells {0} nodes", "超时前没有收到 Answer：宣布自己为协调者，并通知 {0} 个节点"),
    w("note.ignores_election", "ignores an Election from the larger id {0}", "忽略来自较大标识 {0} 的 Election"),
    w("note.answered", "id {0} answered: a larger node takes over; waits for its Coordinator", "标识 {0} 已应答：更大的节点接管选举；等待它的 Coordinator"),
    w("note.late_answer", "an Answer from id {0} comes when it no longer waits for one", "来自标识 {0} 的 Answer 到达时，它已不再等待"),
    w("note.records", "records {0} as coordinator; its election is over", "记下 {0} 为协调者；它的选举结束"),
    w("metric.answer_messages", "Answer messages", "Answer 消息数"),
    w("formula.lowest", "N²-N-1, i.e. O(N²)", "N²-N-1，即 O(N²)"),
    w("formula.general", "d²+2d+N-1 (d: live nodes above the detector)", "d²+2d+N-1（d：发现者之上的存活节点数）"),
    w("formula.chain", "2 .. 2d, with the delays", "2 .. 2d，取决于延迟"),
    w("formula.chain_lowest", "2 .. 2N-4, with the delays", "2 .. 2N-4，取决于延迟"),
    w("formula.varies", "depends on who starts, when, and the delays", "取决于谁发起、何时发起以及延迟"),
    w("scenario.second-detects", "Best case: the second-largest notices", "最好情况：次大者发现"),
    w(
        "scenario.second-detects.about",
        "The coordinator n7 (id 8) has crashed and n6 (id 7) notices. The only larger id is the dead coordinator, so n6 has nobody to ask: it declares itself at once and sends Coordinator to the six other live nodes. 6 messages, N-2 for N = 8, all in one transit.",
        "协调者 n7（标识 8）已崩溃，n6（标识 7）发现了这一点。唯一更大的标识就是已失效的协调者，所以 n6 无人可问：它立即宣布自己当选，并向其余六个存活节点发送 Coordinator。共 6 条消息，即 N = 8 时的 N-2，全部在一次传输内完成。",
    ),
    w("scenario.lowest-detects", "Worst case: the smallest notices", "最坏情况：最小者发现"),
    w(
        "scenario.lowest-detects.about",
        "The coordinator n7 has crashed and n0 (id 1) notices. It asks n1 to n6; each answers and starts its own election, asking every larger id, the dead n7 included; each of those answers in turn. n6 hears nothing from n7, times out and tells everyone. 27 Election, 21 Answer and 7 Coordinator messages: 55 = N²-N-1 for N = 8, whatever the delays, as long as the timeout exceeds the round trip.",
        "协调者 n7 已崩溃，n0（标识 1）发现了这一点。它询问 n1 到 n6；每个节点都应答并发起自己的选举，询问所有更大的标识（包括已失效的 n7），这些节点又各自应答。n6 得不到 n7 的回应，超时后通知所有节点。共 27 条 Election、21 条 Answer 和 7 条 Coordinator：55 = N²-N-1（N = 8），只要超时长于往返时间，就与延迟无关。",
    ),
    w("scenario.recovered", "The old coordinator comes back and bullies", "旧协调者恢复并“霸道”夺位"),
    w(
        "scenario.recovered.about",
        "The coordinator n7 crashes and n3 notices: n6 wins that election (22 messages, d²+2d+N-1 with d = 3) and everyone names id 7. Once the run is at rest, n7 recovers. It remembers nothing and starts an election; no id is larger, so it declares itself at once and sends Coordinator to all 7 other nodes, pushing n6 aside although n6 was working. Only one node declared in each election, so nothing is broken.",
        "协调者 n7 崩溃，n3 发现了这一点：n6 赢得这次选举（22 条消息，即 d = 3 时的 d²+2d+N-1），所有节点都认定标识 7。系统静止后，n7 恢复。它什么都不记得，立即发起选举；没有更大的标识，于是它立刻宣布自己当选，并向其余 7 个节点发送 Coordinator，尽管 n6 运行正常也被挤下台。每次选举都只有一个节点宣布当选，因此没有违反任何性质。",
    ),
    w("scenario.short-timeouts", "Timeouts shorter than the delays: two coordinators", "超时短于延迟：两个协调者"),
    w(
        "scenario.short-timeouts.about",
        "The answer timeout is 50 ticks, but a round trip takes 80 to 160. n5 notices that n7 is gone and asks n6, but its timeout fires before n6's Answer arrives, so n5 declares itself; meanwhile n6 times out waiting for the dead n7 and declares itself too. The one-coordinator monitor catches the two declarations. n6 then gets n5's Coordinator, refuses a smaller coordinator and takes over again, so everyone ends up naming id 7, after 24 messages, 20 of them Coordinator: the synchronous assumption is what kept the election safe.",
        "应答超时为 50 个时间单位，而一次往返需要 80 到 160。n5 发现 n7 失效后询问 n6，但在 n6 的 Answer 到达前它就超时了，于是 n5 宣布自己当选；与此同时，n6 等待已失效的 n7 超时，也宣布自己当选。唯一协调者监视器捕获了这两次宣布。随后 n6 收到 n5 的 Coordinator，拒绝较小的协调者并再次接管，最终所有节点都认定标识 7，共 24 条消息，其中 20 条是 Coordinator：保证选举安全的正是同步假设。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured, reading, run_out};
    use crate::sim::{Act, Engine, EventKind, History, NetworkConfig, Topology};

    /// The tests set their scene by hand: every node names the largest id at first.
    const SCENE: &str = "initially=elected";

    fn engine(n: usize, pairs: &str, seed: u64, net: NetworkConfig) -> Engine<Bully> {
        kit::engine_with::<Bully>(n, &format!("{SCENE}&{pairs}"), seed, net)
    }

    fn everyone_names(e: &Engine<Bully>, id: u32) -> bool {
        e.world.states.iter().zip(&e.world.up).all(|(s, &up)| !up || (s.leader == Some(id) && !s.in_election()))
    }

    fn largest_live(e: &Engine<Bully>) -> u32 {
        e.world.states.iter().zip(&e.world.up).filter(|(_, &up)| up).map(|(s, _)| s.id).max().unwrap()
    }

    /// Crash the coordinator (largest id), then `detector` notices; run to rest.
    fn detect(n: usize, detector: NodeId, seed: u64, net: NetworkConfig, pairs: &str) -> Engine<Bully> {
        let mut e = engine(n, pairs, seed, net);
        let top = (0..n).max_by_key(|&i| e.proto.ids[i]).unwrap();
        e.apply(&Act::Crash(top)).unwrap();
        e.apply(&Act::Input(detector, "start".into(), None)).unwrap();
        run_out(&mut e);
        e
    }

    #[test]
    fn second_largest_detecting_costs_n_minus_2_messages_in_one_transit() {
        for n in [3, 4, 5, 8, 16, 32] {
            for seed in 0..5 {
                let net = kit::delays(1, 100);
                let e = detect(n, n - 2, seed, net, "timeout=300");
                let want = (n - 2) as f64;
                assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n}");
                assert_eq!(measured(&e, "coordinator_messages"), Some(want));
                assert_eq!(measured(&e, "election_messages"), Some(0.0));
                assert_eq!(reading(&e, "turnaround"), (Some(1.0), Textbook::Exact(1.0)));
                assert_eq!(e.world.counters.sent, n as u64 - 2);
                assert!(everyone_names(&e, n as u32 - 1));
                assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            }
        }
    }

    #[test]
    fn lowest_detecting_costs_n_squared_minus_n_minus_1_whatever_the_delays() {
        for n in [4, 8, 16] {
            let nn = n as u64;
            let (mut lo, mut hi) = (u32::MAX, 0);
            for seed in 0..40 {
                let net = kit::delays(1, 100);
                let e = detect(n, 0, seed, net, "timeout=300");
                let want = (nn * nn - nn - 1) as f64;
                assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n} seed {seed}");
                let per_kind = [((nn - 2) * (nn + 1) / 2) as f64, ((nn - 2) * (nn - 1) / 2) as f64, (nn - 1) as f64];
                assert_eq!(measured(&e, "election_messages"), Some(per_kind[0]));
                assert_eq!(measured(&e, "answer_messages"), Some(per_kind[1]));
                assert_eq!(measured(&e, "coordinator_messages"), Some(per_kind[2]));
                let (t, book) = reading(&e, "turnaround");
                let Textbook::Range(a, b) = book else { panic!("{book:?}") };
                let t = t.unwrap();
                assert!(a <= t && t <= b, "N={n} seed {seed}: turnaround {t} outside {a}..{b}");
                lo = lo.min(t as u32);
                hi = hi.max(t as u32);
                assert!(everyone_names(&e, nn as u32 - 1));
                assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            }
            println!("N={n}: turnaround {lo}..{hi}");
        }
        // The default network (40..80) and the default timeout give the same count.
        let e = detect(8, 0, 1, NetworkConfig::default(), "");
        assert_eq!(measured(&e, "messages"), Some(55.0));
    }

    #[test]
    fn the_general_count_is_d_squared_plus_2d_plus_n_minus_1() {
        let n = 8u64;
        for detector in 0..7 {
            let e = detect(8, detector, 3, kit::delays(1, 100), "timeout=300");
            let d = 6 - detector as u64;
            let want = if d == 0 { n - 2 } else { d * d + 2 * d + n - 1 };
            assert_eq!(reading(&e, "messages"), (Some(want as f64), Textbook::Exact(want as f64)), "detector {detector}");
            assert_eq!(e.world.counters.sent, want);
        }
    }

    #[test]
    fn recovered_largest_bullies_its_way_back_with_n_minus_1_messages() {
        for n in [2, 3, 8, 16] {
            let mut e = detect(n, 0, 4, NetworkConfig::default(), "");
            assert!(everyone_names(&e, n as u32 - 1));
            let finished = measured(&e, "finished").unwrap();
            e.apply(&Act::Recover(n - 1)).unwrap();
            run_out(&mut e);
            assert!(everyone_names(&e, n as u32), "N={n}");
            assert!(e.world.states[n - 1].is_leader());
            let want = (n - 1) as f64;
            assert_eq!(reading(&e, "messages"), (Some(want), Textbook::Exact(want)), "N={n}");
            assert_eq!(reading(&e, "turnaround"), (Some(1.0), Textbook::Exact(1.0)));
            assert_eq!(measured(&e, "finished"), Some(finished + 1.0));
            assert!(e.trace.violations().is_empty(), "N={n}: {:?}", e.trace.violations());
        }
    }

    #[test]
    fn a_recovered_middle_node_asks_and_the_largest_keeps_its_place() {
        let mut e = engine(6, "", 2, NetworkConfig::default());
        e.apply(&Act::Crash(2)).unwrap();
        e.apply(&Act::Recover(2)).unwrap();
        run_out(&mut e);
        assert!(everyone_names(&e, 6));
        assert_eq!(e.trace.marked("elected").count(), 0, "the live coordinator only reminds the askers");
        // n2 asks ids 4, 5, 6; ids 4 and 5 ask the larger ids too; id 6 answers and reminds
        // each of its three askers with Coordinator; id 5 answers id 4 and n2, id 4 answers n2.
        assert_eq!(e.world.counters.sent, 3 + 2 + 1 + 3 + 3 + 2 + 1);
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
    }

    #[test]
    fn over_a_thousand_seeds_the_largest_live_id_wins_and_everyone_agrees() {
        let mut counted = 0;
        for seed in 0..1000u64 {
            let n = 2 + (seed % 15) as usize;
            let net = kit::delays(1, 100);
            let initially = if seed % 5 == 4 { "unknown" } else { "elected" };
            let mut e = engine(n, &format!("ids=random&timeout=300&initially={initially}"), seed, net);
            let top = (0..n).max_by_key(|&i| e.proto.ids[i]).unwrap();
            e.apply(&Act::Crash(top)).unwrap();
            let mut draw = crate::sim::rng::SimRng::new(seed ^ 0x5eed);
            // Sometimes a second node is down too.
            if n > 3 && draw.below(3) == 0 {
                let other = (0..n).filter(|&i| i != top).nth(draw.below(n as u64 - 1) as usize).unwrap();
                e.apply(&Act::Crash(other)).unwrap();
            }
            let live: Vec<NodeId> = (0..n).filter(|&i| e.world.up[i]).collect();
            let detector = live[draw.below(live.len() as u64) as usize];
            e.apply(&Act::Input(detector, "start".into(), None)).unwrap();
            run_out(&mut e);
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            let want = largest_live(&e);
            assert!(everyone_names(&e, want), "seed {seed}: {:?}", e.world.states);
            let leaders: Vec<&Node> = e.world.states.iter().zip(&e.world.up).filter(|(s, &up)| up && s.is_leader()).map(|(s, _)| s).collect();
            assert_eq!(leaders.len(), 1, "seed {seed}");
            assert_eq!(e.trace.marked("elected").count(), 1, "seed {seed}: one declaration");
            // Where the textbook count applies, it is met exactly.
            if let (Some(m), Textbook::Exact(t)) = reading(&e, "messages") {
                assert_eq!(m, t, "seed {seed}");
                counted += 1;
            }
        }
        assert!(counted > 400, "the exact counts were checked in {counted} runs");
    }

    #[test]
    fn timeouts_shorter_than_the_delays_make_two_coordinators_and_the_monitor_says_so() {
        let mut caught = 0;
        for seed in 0..50 {
            let e = detect(8, 5, seed, NetworkConfig::default(), "timeout=30");
            let v: Vec<_> = e.trace.violations().iter().filter(|v| v.invariant == "one_coordinator").collect();
            if !v.is_empty() {
                caught += 1;
                assert!(v[0].nodes.contains(&5) && v[0].nodes.contains(&6), "{:?}", v[0].nodes);
            }
            // The larger node takes over in the end.
            assert!(everyone_names(&e, 7), "seed {seed}: {:?}", e.world.states);
        }
        assert_eq!(caught, 50, "a timeout below the smallest round trip always lets n5 declare too early");
    }

    #[test]
    fn a_false_suspicion_at_the_second_largest_leaves_the_real_coordinator_out() {
        let mut e = engine(5, "", 1, NetworkConfig::default());
        e.apply(&Act::Input(3, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert!(e.broken().contains(&"agreement"), "{:?}", e.trace.violations());
    }

    #[test]
    fn start_is_offered_only_outside_elections_and_not_to_the_leader() {
        let mut e = engine(4, "", 1, NetworkConfig::default());
        assert!(e.proto.inputs_for(3, &e.world.states[3]).is_empty(), "the coordinator does not detect itself");
        assert_eq!(e.proto.inputs_for(0, &e.world.states[0]), vec![START]);
        e.apply(&Act::Crash(3)).unwrap();
        e.apply(&Act::Input(0, "start".into(), None)).unwrap();
        assert!(e.proto.inputs_for(0, &e.world.states[0]).is_empty());
        let sent = e.world.counters.sent;
        e.apply(&Act::Input(0, "start".into(), None)).unwrap();
        assert_eq!(e.world.counters.sent, sent, "a second click sends nothing");
        let v = e.proto.view(0, &e.world.states[0]);
        assert_eq!(v.role, "candidate");
        assert!(v.details.iter().any(|(k, t)| *k == "pending" && *t == Text::Id("timer", "answer")));
        run_out(&mut e);
        let views: Vec<NodeView> = (0..3).map(|i| e.proto.view(i, &e.world.states[i])).collect();
        assert_eq!(views[2].role, "leader");
        assert!(views[2].holds(Glyph::Crown));
        assert_eq!(views[0].role, "knows_leader");
        assert_eq!(views[0].badge.en(WORDS), "id 1 · leader 3");
    }

    /// The default: nobody knows a coordinator, everyone starts, the largest id wins.
    #[test]
    fn a_cold_start_elects_the_largest_over_many_seeds() {
        for seed in 0..200u64 {
            let n = 2 + (seed % 9) as usize;
            let mut e = engine(n, "initially=election&ids=random", seed, NetworkConfig::default());
            assert!(e.world.states.iter().all(|s| s.in_election() || s.is_leader()), "everyone starts at once");
            run_out(&mut e);
            assert!(everyone_names(&e, n as u32), "seed {seed}");
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            assert_eq!(e.trace.marked("elected").count(), 1, "seed {seed}");
        }
    }

    #[test]
    fn unknown_coordinator_at_start_still_elects_the_largest() {
        let mut e = engine(6, "initially=unknown&ids=descending", 1, NetworkConfig::default());
        assert_eq!(e.proto.view(2, &e.world.states[2]).role, "idle");
        e.apply(&Act::Input(5, "start".into(), None)).unwrap();
        run_out(&mut e);
        assert!(everyone_names(&e, 6) && e.world.states[0].is_leader());
        assert!(e.trace.violations().is_empty());
    }

    #[test]
    fn build_refuses_bad_parameters() {
        let mut p = kit::params::<Bully>(SCENE);
        p.0.insert("timeout", crate::sim::ParamValue::Int(0));
        let err = Bully::build(&Setup::new(4, Topology::Complete, p, 1).unwrap()).err().unwrap();
        assert!(err.contains("timeout 0") && err.contains("1 to 100000"), "{err}");
        let mut p = kit::params::<Bully>(SCENE);
        p.0.insert("order", crate::sim::ParamValue::IdList(vec![3, 1, 4]));
        let err = Bully::build(&Setup::new(4, Topology::Complete, p, 1).unwrap()).err().unwrap();
        assert!(err.contains("3 ids for 4 nodes"), "{err}");
        let err = Bully::build(&kit::setup_on::<Bully>(4, "ring", SCENE, 1)).err().unwrap();
        assert!(err.contains("complete"), "{err}");
    }

    fn badges(h: &History) -> Vec<String> {
        h.sim().node_views().iter().map(|v| v.badge.en(WORDS)).collect()
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let h = kit::ready::<Bully>("second-detects");
        assert_eq!(measured(&h, "messages"), Some(6.0));
        assert_eq!(measured(&h, "turnaround"), Some(1.0));
        assert!(h.sim().trace().violations().is_empty());
        assert!(badges(&h)[..7].iter().all(|b| b.ends_with("leader 7") || b == "id 7 · leader"));

        let h = kit::ready::<Bully>("lowest-detects");
        assert_eq!(measured(&h, "messages"), Some(55.0));
        assert_eq!(measured(&h, "election_messages"), Some(27.0));
        assert_eq!(measured(&h, "answer_messages"), Some(21.0));
        assert_eq!(measured(&h, "coordinator_messages"), Some(7.0));
        assert!(h.sim().trace().violations().is_empty());

        let h = kit::ready::<Bully>("recovered");
        let first = h.sim().trace().events().iter().filter(|e| e.step < 23 && matches!(e.kind, EventKind::Send { .. })).count();
        assert_eq!(first, 22, "the first election, before the recovery");
        assert_eq!(measured(&h, "finished"), Some(2.0));
        assert_eq!(measured(&h, "messages"), Some(7.0));
        assert!(h.sim().trace().violations().is_empty(), "{:?}", h.sim().trace().violations());
        assert_eq!(badges(&h)[7], "id 8 · leader");
        assert!(badges(&h)[..7].iter().all(|b| b.ends_with("leader 8")));
        assert_eq!(h.sim().trace().marked("elected").map(|(e, _)| e.node).collect::<Vec<_>>(), vec![Some(6), Some(7)]);

        let h = kit::ready::<Bully>("short-timeouts");
        let v = h.sim().trace().violations();
        let two = v.iter().find(|v| v.invariant == "one_coordinator").unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(two.nodes, vec![5, 6]);
        assert!(v.iter().all(|v| v.invariant == "one_coordinator"), "{v:?}");
        assert_eq!(measured(&h, "messages"), Some(24.0));
        assert_eq!(measured(&h, "coordinator_messages"), Some(20.0));
        assert!(badges(&h)[..7].iter().all(|b| b.ends_with("leader 7") || b == "id 7 · leader"), "{:?}", badges(&h));
    }
}
