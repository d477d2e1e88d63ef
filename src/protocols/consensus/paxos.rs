//! # Single-decree Paxos (Lamport)
//!
//! A handful of nodes must agree on one value, although messages are slow and any node
//! may crash. Nodes play three roles, drawn as three columns: *proposers* suggest values,
//! *acceptors* vote on them, *learners* find out which value was chosen. A value is
//! **chosen** once a majority of the acceptors has accepted one proposal carrying it; any
//! two majorities share an acceptor, and that shared acceptor is what keeps a second,
//! different value from ever being chosen. After L. Lamport, "The Part-Time Parliament",
//! ACM TOCS 16(2), 1998, and "Paxos Made Simple", 2001, in the two-phase form the course
//! notes derive from the constraints P1, P2a, P2b and P2c.
//!
//! Every proposal carries a number, and numbers are unique per proposer: proposer i of P
//! uses `round·P + i + 1`, so the first round of three proposers uses 1, 2 and 3, the
//! second 4, 5 and 6.
//!
//! **Phase 1.** A proposer picks a number n higher than any it has seen and sends
//! `Prepare(n)` to every acceptor. An acceptor that has promised nothing higher promises n
//! (it will accept nothing numbered below n) and answers `Promise(n)` with the proposal
//! it has accepted, if any.
//!
//! **Phase 2.** With promises from a majority, the proposer sends `Accept(n, v)` to every
//! acceptor, where v is the value of the highest-numbered proposal reported in the
//! promises; only if none reported one may it use its own value. That rule is P2c: a
//! value that may already be chosen is carried forward, never overwritten. An acceptor
//! accepts (n, v) unless it has promised a higher number since.
//!
//! An acceptor that refuses a `Prepare` or an `Accept` because it has promised a higher
//! number tells the proposer so with a `Nack` carrying that number (the optimisation Paxos
//! Made Simple suggests: it costs nothing in a run without contention, and it lets the
//! proposer give up a lost ballot at once instead of waiting). A proposer that is refused,
//! or gets no majority of promises within `timeout` ticks (drawn as a countdown ring),
//! starts a new round with a number above everything it has seen, after a random pause of
//! up to `timeout` ticks (`backoff=random`) or at once (`backoff=none`). A proposer stops
//! after `max_rounds` rounds, so every run ends.
//!
//! **Learning.** Acceptors report what they accept with `Accepted(n, v)`; a learner that
//! hears the same proposal from a majority of acceptors has learned the value. The notes
//! give three ways to spread the news, chosen by `learning`:
//! - `all`: every acceptor tells every learner, A·L messages, the fastest;
//! - `distinguished`: acceptors tell one distinguished learner, which tells the L-1
//!   others (`Learn`): A + L-1 messages, one transit later, and a single point of failure;
//! - `set`: acceptors tell a set of k learners (`set_size`), each of which tells the L-k
//!   others: k·A + k·(L-k) messages, safe as long as one of the k survives.
//!
//! **Counting one undisturbed ballot** (one proposer, no crash): A `Prepare`, A `Promise`,
//! A `Accept` and then A·L, A or k·A `Accepted` plus 0, L-1 or k(L-k) `Learn`: two round
//! trips from the proposer to a majority and back, and four transits (five with a relay)
//! before a learner knows.
//!
//! **Liveness is not promised.** Two proposers can preempt each other forever: each new
//! `Prepare` arrives just before the other's `Accept`, which is refused, so its proposer
//! starts a higher round, and so on (the dueling proposers of the notes, shown here as
//! ever-rising numbers on a chart). Randomised pauses make the duel unlikely to last;
//! letting only a distinguished proposer propose (`distinguished`) removes it. Safety
//! never depends on timing: whatever the delays, crashes and duels, at most one value is
//! chosen and no two learners learn different values. Progress needs a majority of
//! acceptors up: with only a minority left no proposal can gather its promises.
//!
//! Acceptors and learners keep their state across a crash (stable storage, as Paxos
//! requires); a proposer keeps its round counter, so its numbers stay unique.
//!
//! Messages: `Prepare(n)`, `Promise(n, accepted)`, `Accept(n, v)`, `Nack(n, promised)`,
//! `Accepted(n, v)`, `Learn(v)`. Timers: start, promise timeout (countdown), backoff.
//! Invariants: an acceptor never accepts below its promise; at most one value chosen
//! (monitor); learners agree (monitor); every live learner learns (monitor, promised only
//! with one proposer or a distinguished one).

use std::collections::BTreeMap;

use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{ByMarks, FirstClaims, MarkRule, Moment, Monitor};
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::{Event, EventKind, Mark, Trace};
use crate::sim::view::{Cell, CellRow, Chart, ChartKind, Glyph, Group, NodeView, Placement, Series, Table, Tone};
use crate::sim::{NodeId, ParamSpec, Time};
use crate::words::{nodes, w, Text, Words};

/// The values proposers start with, by proposer index.
/// Paxos is safe in an asynchronous network with crash-recovery (acceptors keep their
/// promises and acceptances on stable storage), loss and partitions. Progress needs a
/// majority of acceptors and a quiet spell: `decides` is reported apart.
pub const FAULTS: FaultModel = FaultModel {
    crash: true,
    recover: true,
    max_down: MaxDown::Minority,
    drop: true,
    partition: true,
    slow: true,
    safety: &["one_value", "learners_agree", "promise_kept"],
    // A default run decides in about 730 ticks.
    window: 800,
};

pub const VALUES: [&str; 5] = ["x", "y", "z", "u", "w"];
/// Longest timeout accepted, in ticks.
pub const MAX_TIMEOUT: i64 = 100_000;
/// Ballots a proposer's row keeps for the picture.
const ROW_KEEP: usize = 8;

const LEARNING: &[&str] = &["all", "distinguished", "set"];
const BACKOFF: &[&str] = &["random", "none"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Learning {
    All,
    Distinguished,
    Set,
}

pub struct Paxos {
    /// Proposers, acceptors, learners.
    p: usize,
    a: usize,
    l: usize,
    learning: Learning,
    /// Learners the acceptors tell (1 with a distinguished learner, L with `all`).
    k: usize,
    distinguished: bool,
    timeout: Time,
    random_backoff: bool,
    gap: Time,
    jitter: Time,
    max_rounds: u32,
    /// Ticks after the first proposal within which some learner should learn.
    patience: Time,
}

/// Where a proposer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Not started yet (or, with a distinguished proposer, never proposes).
    Idle,
    /// Sent `Prepare(n)`; counting promises.
    Preparing,
    /// Sent `Accept(n, v)`; its proposal stands unless an acceptor refuses it.
    Accepting,
    /// Refused or timed out; pausing before the next round.
    Backoff,
    /// Used up its rounds.
    GaveUp,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Proposer {
    pub index: usize,
    pub own: u8,
    pub phase: Phase,
    /// Rounds started.
    pub rounds: u32,
    /// Number of the current (or last) ballot; 0 before the first.
    pub number: u64,
    /// Highest number heard of (own or in a refusal).
    pub seen: u64,
    /// Acceptors (by acceptor index) that promised the current number.
    pub promised_by: u32,
    /// Highest-numbered proposal reported in the promises so far.
    pub reported: Option<(u64, u8)>,
    /// The value sent in phase 2 of the current ballot.
    pub proposing: Option<u8>,
    /// The last few ballots: (number, outcome), for the picture.
    pub ballots: Vec<(u64, Outcome)>,
}

/// How a ballot ended, as far as its proposer knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Open,
    /// Refused by an acceptor that promised a higher number.
    Refused,
    /// No majority of promises within the timeout.
    TimedOut,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Acceptor {
    /// Highest number promised (0: none).
    pub promised: u64,
    pub accepted: Option<(u64, u8)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Learner {
    pub learned: Option<u8>,
    /// Per proposal number heard of: its value and which acceptors reported it (bits).
    pub tallies: BTreeMap<u64, (u8, u32)>,
    /// Learned from another learner rather than from the acceptors.
    pub relayed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Proposer(Proposer),
    Acceptor(Acceptor),
    Learner(Learner),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Prepare { n: u64 },
    Promise { n: u64, accepted: Option<(u64, u8)> },
    Accept { n: u64, v: u8 },
    Nack { n: u64, promised: u64 },
    Accepted { n: u64, v: u8 },
    Learn { v: u8 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Start,
    Promises,
    Backoff,
}

/// The value's letter.
pub fn value_text(v: u8) -> &'static str {
    VALUES.get(v as usize).copied().unwrap_or("?")
}

fn accepted_text(a: Option<(u64, u8)>) -> String {
    match a {
        Some((n, v)) => format!("({n},{})", value_text(v)),
        None => "-".into(),
    }
}

/// The key an `accept` mark carries: the proposal number and its value.
fn accept_key(n: u64, v: u8) -> u64 {
    (n << 8) | v as u64
}

/// What the metrics and the chart count, updated once per event.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Ballots started (prepare rounds), all proposers together.
    pub ballots: u64,
    pub highest: u64,
    pub nacks: u64,
    pub crashes: u64,
    /// Learners that have learned (each counted once).
    pub learned: u64,
    /// Transits before the first learner knew, and before the last one did.
    pub first_learn: Option<u32>,
    pub last_learn: Option<u32>,
    /// Per proposer: its numbers over time; then the highest number of all.
    pub series: Vec<Series>,
}

impl Paxos {
    pub fn n(&self) -> usize {
        self.p + self.a + self.l
    }
    fn majority(&self) -> u32 {
        (self.a / 2 + 1) as u32
    }
    fn acceptor_nodes(&self) -> std::ops::Range<NodeId> {
        self.p..self.p + self.a
    }
    fn learner_nodes(&self) -> std::ops::Range<NodeId> {
        self.p + self.a..self.n()
    }
    /// The learners acceptors report to: the first k.
    fn informed(&self) -> std::ops::Range<NodeId> {
        let first = self.p + self.a;
        first..first + self.k
    }
    fn is_informed(&self, me: NodeId) -> bool {
        self.informed().contains(&me)
    }
    /// Whether this proposer proposes at all.
    fn active(&self, index: usize) -> bool {
        !self.distinguished || index == 0
    }

    /// The smallest number of this proposer above `seen`.
    fn next_number(&self, s: &Proposer) -> u64 {
        let p = self.p as u64;
        let i = s.index as u64 + 1;
        let round = if s.seen < i { 0 } else { (s.seen - i) / p + 1 };
        round * p + i
    }

    /// Start a new round: a fresh number, `Prepare` to every acceptor.
    fn prepare(&self, s: &mut Proposer, ctx: &mut Ctx<Self>) {
        if s.rounds >= self.max_rounds {
            s.phase = Phase::GaveUp;
            ctx.mark("gave_up");
            ctx.note(phrase!("note.gives_up", s.rounds));
            return;
        }
        let n = self.next_number(s);
        s.rounds += 1;
        s.number = n;
        s.seen = s.seen.max(n);
        s.phase = Phase::Preparing;
        s.promised_by = 0;
        s.reported = None;
        s.proposing = None;
        s.ballots.push((n, Outcome::Open));
        if s.ballots.len() > ROW_KEEP {
            s.ballots.remove(0);
        }
        ctx.mark_with("propose", n);
        ctx.note(phrase!("note.prepares", n, self.a));
        for to in self.acceptor_nodes() {
            ctx.send(to, Msg::Prepare { n });
        }
        ctx.set_timer(self.timeout, Timer::Promises);
    }

    /// The current ballot is lost: pause, then try again.
    fn abandon(&self, s: &mut Proposer, outcome: Outcome, ctx: &mut Ctx<Self>) {
        if let Some(last) = s.ballots.last_mut() {
            last.1 = outcome;
        }
        ctx.cancel_timer(Timer::Promises);
        if s.rounds >= self.max_rounds {
            s.phase = Phase::GaveUp;
            ctx.mark("gave_up");
            ctx.note(phrase!("note.gives_up", s.rounds));
            return;
        }
        let pause = if self.random_backoff { ctx.random_between(1, self.timeout) } else { 0 };
        if pause == 0 {
            self.prepare(s, ctx);
        } else {
            s.phase = Phase::Backoff;
            ctx.note(phrase!("note.pauses", pause));
            ctx.set_timer(pause, Timer::Backoff);
        }
    }

    /// A learner has learned `v`: mark it and pass it on if it relays.
    fn learn(&self, me: NodeId, s: &mut Learner, v: u8, relayed: bool, ctx: &mut Ctx<Self>) {
        s.learned = Some(v);
        s.relayed = relayed;
        s.tallies.clear();
        ctx.mark_with("learned", v as u64);
        let relays = self.learning != Learning::All && self.is_informed(me) && !relayed;
        if relays {
            let others: Vec<NodeId> = self.learner_nodes().filter(|&j| !self.is_informed(j)).collect();
            ctx.note(phrase!("note.learns_relays", value_text(v), others.len()));
            for j in others {
                ctx.send(j, Msg::Learn { v });
            }
        } else if relayed {
            ctx.note(phrase!("note.learns_relayed", value_text(v)));
        } else {
            ctx.note(phrase!("note.learns", value_text(v)));
        }
    }

    fn proposer_view(&self, s: &Proposer) -> NodeView {
        let own = value_text(s.own);
        let (role, tone) = match s.phase {
            Phase::Idle if !self.active(s.index) => ("standby", Tone::Idle),
            Phase::Idle => ("proposer", Tone::Idle),
            Phase::Preparing => ("proposer", Tone::Active),
            Phase::Accepting => ("proposer", Tone::Done),
            Phase::Backoff => ("proposer", Tone::Waiting),
            Phase::GaveUp => ("proposer", Tone::Alert),
        };
        let badge = match s.phase {
            Phase::Idle => phrase!("badge.own", own),
            Phase::Preparing => phrase!("badge.preparing", s.number, s.promised_by.count_ones(), self.majority()),
            Phase::Accepting => phrase!("badge.accepting", s.number, value_text(s.proposing.unwrap_or(s.own))),
            Phase::Backoff => phrase!("badge.backoff", s.number),
            Phase::GaveUp => phrase!("badge.gave_up", s.rounds),
        };
        let chosen = match (s.phase, s.reported, s.proposing) {
            (_, Some((n, v)), _) if s.phase != Phase::Idle => phrase!("value.adopted", value_text(v), n),
            (Phase::Accepting, None, Some(v)) => phrase!("value.own", value_text(v)),
            _ => Text::plain("-"),
        };
        let phase = Text::Id("phase", match s.phase {
            Phase::Idle => "idle",
            Phase::Preparing => "preparing",
            Phase::Accepting => "accepting",
            Phase::Backoff => "backoff",
            Phase::GaveUp => "gave_up",
        });
        let cells = s
            .ballots
            .iter()
            .map(|&(n, o)| Cell { text: n.to_string(), shade: match o { Outcome::Open => 0, Outcome::Refused => 1, Outcome::TimedOut => 2 } })
            .collect();
        NodeView::new(role, tone)
            .badge(badge)
            .row(CellRow { label: "ballots", cells, marked_upto: None })
            .detail("own_value", own)
            .detail("phase", phase)
            .detail("number", if s.number == 0 { Text::plain("-") } else { Text::from(s.number) })
            .detail("promises", phrase!("fraction", s.promised_by.count_ones(), self.majority()))
            .detail("value_from_promises", chosen)
            .detail("rounds", phrase!("fraction", s.rounds, self.max_rounds))
            .detail("highest_seen", s.seen)
    }
}

/// Counted in [`Paxos::observe`], which needs the number of proposers.
impl Observe for Stats {}

impl Protocol for Paxos {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("paxos", &super::FAMILY, (3, 19, 7))
            .params(vec![
                ParamSpec::int("proposers", 1, 5, 2).short("proposers", "提议者"),
                ParamSpec::int("acceptors", 1, 9, 3).short("acceptors", "接受者"),
                ParamSpec::int("learners", 1, 5, 2).short("learners", "学习者"),
                ParamSpec::choice("learning", LEARNING, "all").short("learning", "学习方式"),
                ParamSpec::int("set_size", 1, 5, 2).short("set size", "集合大小"),
                ParamSpec::flag("distinguished", false).short("distinguished", "主提议者"),
                ParamSpec::int("timeout", 1, MAX_TIMEOUT, 400).short("timeout", "超时"),
                ParamSpec::choice("backoff", BACKOFF, "random").short("backoff", "退避"),
                ParamSpec::int("gap", 0, MAX_TIMEOUT, 0).short("gap", "启动间隔"),
                ParamSpec::int("jitter", 0, MAX_TIMEOUT, 200).short("jitter", "抖动"),
                ParamSpec::int("max_rounds", 1, 100, 12).short("max rounds", "最多轮数"),
                ParamSpec::int("patience", 1, 1_000_000, 3000).short("patience", "耐心"),
            ])
            .scenarios(SCENARIOS)
            .diagram_first()
            .words(WORDS)
            .faults(FAULTS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        if setup.topology.kind() != TopologyKind::Complete {
            return Err("Paxos needs every proposer to reach every acceptor and every acceptor every learner: use the complete topology".into());
        }
        let int = |name: &str| setup.params.int(name);
        let (p, a, l) = (int("proposers"), int("acceptors"), int("learners"));
        for (name, v, max) in [("proposers", p, 5), ("acceptors", a, 9), ("learners", l, 5)] {
            if !(1..=max).contains(&v) {
                return Err(format!("{name} {v} is out of range; give 1 to {max}"));
            }
        }
        let (p, a, l) = (p as usize, a as usize, l as usize);
        if p + a + l != setup.n {
            return Err(format!(
                "{p} proposers + {a} acceptors + {l} learners make {} nodes, but n is {}: set n to {} or change the roles",
                p + a + l,
                setup.n,
                p + a + l
            ));
        }
        let learning = match setup.params.choice("learning") {
            "distinguished" => Learning::Distinguished,
            "set" => Learning::Set,
            _ => Learning::All,
        };
        let set_size = int("set_size");
        if learning == Learning::Set && !(1..=l as i64).contains(&set_size) {
            return Err(format!("set_size {set_size} does not fit {l} learners; give 1 to {l}"));
        }
        let k = match learning {
            Learning::All => l,
            Learning::Distinguished => 1,
            Learning::Set => set_size as usize,
        };
        let timeout = int("timeout");
        if !(1..=MAX_TIMEOUT).contains(&timeout) {
            return Err(format!("timeout {timeout} is out of range; give 1 to {MAX_TIMEOUT} ticks"));
        }
        let max_rounds = int("max_rounds");
        if !(1..=100).contains(&max_rounds) {
            return Err(format!("max_rounds {max_rounds} is out of range; give 1 to 100"));
        }
        let (gap, jitter) = (int("gap"), int("jitter"));
        if !(0..=MAX_TIMEOUT).contains(&gap) || !(0..=MAX_TIMEOUT).contains(&jitter) {
            return Err(format!("gap {gap} and jitter {jitter} must each be 0 to {MAX_TIMEOUT} ticks"));
        }
        Ok(Paxos {
            p,
            a,
            l,
            learning,
            k,
            distinguished: setup.params.flag("distinguished"),
            timeout: timeout as Time,
            random_backoff: setup.params.choice("backoff") == "random",
            gap: gap as Time,
            jitter: jitter as Time,
            max_rounds: max_rounds as u32,
            patience: setup.params.int("patience").max(1) as Time,
        })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        if me < self.p {
            let s = Proposer {
                index: me,
                own: me as u8,
                phase: Phase::Idle,
                rounds: 0,
                number: 0,
                seen: 0,
                promised_by: 0,
                reported: None,
                proposing: None,
                ballots: Vec::new(),
            };
            if self.active(me) {
                let at = me as Time * self.gap + if self.jitter > 0 { ctx.random_between(0, self.jitter) } else { 0 };
                ctx.set_timer(at, Timer::Start);
            }
            Node::Proposer(s)
        } else if me < self.p + self.a {
            Node::Acceptor(Acceptor { promised: 0, accepted: None })
        } else {
            Node::Learner(Learner { learned: None, tallies: BTreeMap::new(), relayed: false })
        }
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        match (s, m) {
            (Node::Acceptor(s), Msg::Prepare { n }) => {
                if n >= s.promised {
                    s.promised = n;
                    ctx.note(match s.accepted {
                        Some((an, av)) => phrase!("note.promises_with", n, an, value_text(av)),
                        None => phrase!("note.promises", n),
                    });
                    ctx.send(from, Msg::Promise { n, accepted: s.accepted });
                } else {
                    ctx.note(phrase!("note.refuses_prepare", n, s.promised));
                    ctx.send(from, Msg::Nack { n, promised: s.promised });
                }
            }
            (Node::Acceptor(s), Msg::Accept { n, v }) => {
                if n >= s.promised {
                    s.promised = n;
                    s.accepted = Some((n, v));
                    ctx.mark_with("accept", accept_key(n, v));
                    let to: Vec<NodeId> = self.informed().collect();
                    ctx.note(phrase!("note.accepts", n, value_text(v), to.len()));
                    for j in to {
                        ctx.send(j, Msg::Accepted { n, v });
                    }
                } else {
                    ctx.note(phrase!("note.refuses_accept", n, s.promised));
                    ctx.send(from, Msg::Nack { n, promised: s.promised });
                }
            }
            (Node::Proposer(s), Msg::Promise { n, accepted }) => {
                if n != s.number || s.phase != Phase::Preparing {
                    ctx.note(phrase!("note.late_promise", n));
                    return;
                }
                let bit = 1u32 << (from - self.p);
                if s.promised_by & bit != 0 {
                    return;
                }
                s.promised_by |= bit;
                if let Some((an, av)) = accepted {
                    if s.reported.is_none_or(|(rn, _)| an > rn) {
                        s.reported = Some((an, av));
                    }
                }
                let count = s.promised_by.count_ones();
                if count < self.majority() {
                    ctx.note(phrase!("note.counts", count, self.majority()));
                    return;
                }
                ctx.cancel_timer(Timer::Promises);
                let v = s.reported.map_or(s.own, |(_, v)| v);
                s.proposing = Some(v);
                s.phase = Phase::Accepting;
                match s.reported {
                    Some((rn, rv)) if rv != s.own => {
                        ctx.mark_with("adopt", rv as u64);
                        ctx.note(phrase!("note.adopts", value_text(rv), rn, n));
                    }
                    Some((rn, rv)) => ctx.note(phrase!("note.keeps", value_text(rv), rn, n)),
                    None => ctx.note(phrase!("note.free", value_text(v), n)),
                }
                for to in self.acceptor_nodes() {
                    ctx.send(to, Msg::Accept { n, v });
                }
            }
            (Node::Proposer(s), Msg::Nack { n, promised }) => {
                s.seen = s.seen.max(promised);
                if n == s.number && matches!(s.phase, Phase::Preparing | Phase::Accepting) {
                    ctx.mark_with("refused", n);
                    ctx.note(phrase!("note.refused", n, promised));
                    self.abandon(s, Outcome::Refused, ctx);
                } else {
                    ctx.note(phrase!("note.late_nack", n));
                }
            }
            (Node::Learner(s), Msg::Accepted { n, v }) => {
                if s.learned.is_some() {
                    ctx.note(phrase!("note.already", n));
                    return;
                }
                let entry = s.tallies.entry(n).or_insert((v, 0));
                entry.1 |= 1 << (from - self.p);
                let count = entry.1.count_ones();
                if count >= self.majority() {
                    self.learn(me, s, v, false, ctx);
                } else {
                    ctx.note(phrase!("note.tallies", n, value_text(v), count, self.majority()));
                }
            }
            (Node::Learner(s), Msg::Learn { v }) => {
                if s.learned.is_none() {
                    self.learn(me, s, v, true, ctx);
                } else {
                    ctx.note(Text::key("note.knew"));
                }
            }
            // No other pairing is ever sent.
            _ => {}
        }
    }

    fn on_timer(&self, _me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        let Node::Proposer(s) = s else { return };
        match t {
            Timer::Start if s.phase == Phase::Idle => {
                ctx.note(phrase!("note.starts", value_text(s.own)));
                self.prepare(s, ctx);
            }
            Timer::Promises if s.phase == Phase::Preparing => {
                ctx.note(phrase!("note.timed_out", s.promised_by.count_ones(), self.majority()));
                self.abandon(s, Outcome::TimedOut, ctx);
            }
            Timer::Backoff if s.phase == Phase::Backoff => self.prepare(s, ctx),
            _ => {}
        }
    }

    /// Acceptors and learners keep what they wrote down; a proposer keeps its numbers and,
    /// if it was in the middle of a round, starts a new one.
    fn on_recover(&self, _me: NodeId, old: &Node, ctx: &mut Ctx<Self>) -> Node {
        let mut s = old.clone();
        if let Node::Proposer(p) = &mut s {
            match p.phase {
                Phase::Idle if self.active(p.index) => ctx.set_timer(0, Timer::Start),
                Phase::Preparing | Phase::Backoff => {
                    ctx.note(Text::key("note.recovers"));
                    self.prepare(p, ctx);
                }
                _ => {}
            }
        }
        s
    }

    fn groups(&self) -> Vec<Group> {
        vec![
            Group { id: "proposers", members: (0..self.p).collect() },
            Group { id: "acceptors", members: self.acceptor_nodes().collect() },
            Group { id: "learners", members: self.learner_nodes().collect() },
        ]
    }

    fn placement(&self) -> Placement {
        Placement::Columns(vec!["proposers", "acceptors", "learners"])
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Prepare { n } => MsgLabel::new("prepare", format!("n={n}")),
            Msg::Promise { n, accepted } => MsgLabel::new("promise", format!("n={n} a={}", accepted_text(*accepted))),
            Msg::Accept { n, v } => MsgLabel::new("accept", format!("({n},{})", value_text(*v))),
            Msg::Nack { n, promised } => MsgLabel::new("nack", format!("n={n} p={promised}")),
            Msg::Accepted { n, v } => MsgLabel::new("accepted", format!("({n},{})", value_text(*v))),
            Msg::Learn { v } => MsgLabel::new("learn", format!("v={}", value_text(*v))),
        }
    }

    fn countdown(&self, t: &Timer) -> bool {
        matches!(t, Timer::Promises | Timer::Backoff)
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        match s {
            Node::Proposer(s) => self.proposer_view(s),
            Node::Acceptor(s) => {
                let tone = match (s.promised, s.accepted) {
                    (0, _) => Tone::Idle,
                    (_, None) => Tone::Waiting,
                    _ => Tone::Active,
                };
                let promised = if s.promised == 0 { Text::plain("-") } else { Text::from(s.promised) };
                let (an, av) = match s.accepted {
                    Some((n, v)) => (Text::from(n), Text::plain(value_text(v))),
                    None => (Text::plain("-"), Text::plain("-")),
                };
                NodeView::new("acceptor", tone)
                    .badge(Text::plain(format!("p={} a={}", if s.promised == 0 { "-".to_string() } else { s.promised.to_string() }, accepted_text(s.accepted))))
                    .table(Table { columns: vec!["promised", "accepted_n", "accepted_v"], rows: vec![vec![promised.clone(), an.clone(), av.clone()]] })
                    .detail("promised", promised)
                    .detail("accepted_n", an)
                    .detail("accepted_v", av)
            }
            Node::Learner(s) => {
                let informed = self.learning != Learning::All && self.is_informed(me);
                let role = if informed { "relay" } else { "learner" };
                let tone = if s.learned.is_some() { Tone::Done } else { Tone::Idle };
                let badge = match s.learned {
                    Some(v) => phrase!("badge.learned", value_text(v)),
                    None => Text::plain("?"),
                };
                let cells = s.tallies.iter().rev().take(ROW_KEEP).rev().map(|(&n, &(v, bits))| Cell { text: format!("{n}:{}×{}", value_text(v), bits.count_ones()), shade: v as u32 }).collect();
                NodeView::new(role, tone)
                    .badge(badge)
                    .glyph_if(s.learned.is_some(), Glyph::Key)
                    .row(CellRow { label: "tallies", cells, marked_upto: None })
                    .detail("learned", s.learned.map_or(Text::plain("-"), |v| Text::plain(value_text(v))))
                    .detail("how", Text::key(match (s.learned, s.relayed) {
                        (None, _) => "how.not_yet",
                        (Some(_), false) => "how.majority",
                        (Some(_), true) => "how.relayed",
                    }))
            }
        }
    }

    fn inputs_for(&self, _me: NodeId, _s: &Node) -> Vec<InputSpec> {
        vec![]
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant {
            id: "promise_kept",
            check: |_, snap| {
                let bad = snap.live_where(|s| matches!(s, Node::Acceptor(a) if a.accepted.is_some_and(|(n, _)| n > a.promised)));
                Breach::unless_empty(bad, |b| phrase!("breach.promise_kept", nodes(b)))
            },
        }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![
            ByMarks::boxed(OneValue { majority: self.majority(), votes: BTreeMap::new(), chosen: None }),
            ByMarks::boxed(LearnersAgree::default()),
            Box::new(Decides { learners: self.learner_nodes().collect(), patience: self.patience, proposed: None, learned: 0 }),
        ]
    }

    fn promises(&self, id: &str) -> bool {
        id != "decides" || self.p == 1 || self.distinguished
    }

    fn observe(&self, stats: &mut Stats, e: &Event, log: &Trace) {
        if stats.series.is_empty() {
            stats.series = (0..self.p).map(|i| Series::new(Text::plain(format!("n{i}")))).collect();
        }
        if e.kind == EventKind::Crash {
            stats.crashes += 1;
        }
        let Some(node) = e.node else { return };
        for m in log.marks_of(e.id) {
            match m.tag {
                "propose" => {
                    stats.ballots += 1;
                    stats.highest = stats.highest.max(m.key);
                    if let Some(s) = stats.series.get_mut(node) {
                        s.push(e.time, m.key as f64);
                    }
                }
                "refused" => stats.nacks += 1,
                "learned" => {
                    stats.learned += 1;
                    stats.first_learn.get_or_insert(e.hops);
                    stats.last_learn = Some(stats.last_learn.map_or(e.hops, |h| h.max(e.hops)));
                }
                _ => {}
            }
        }
    }

    fn metrics(&self, stats: &Stats, run: &RunView<Self>) -> Vec<Metric> {
        let (a, l, k) = (self.a as f64, self.l as f64, self.k as f64);
        let by = |kind: &str| run.counters.by_kind.get(kind).copied().unwrap_or(0) as f64;
        // The textbook counts one undisturbed ballot: one proposer, no crash.
        let clean = stats.ballots == 1 && stats.crashes == 0;
        let (accepted, accepted_f, relayed, relayed_f) = match self.learning {
            Learning::All => (a * l, "A·L", 0.0, "0"),
            Learning::Distinguished => (a, "A", l - 1.0, "L-1"),
            Learning::Set => (k * a, "k·A", k * (l - k), "k(L-k)"),
        };
        let total_f = match self.learning {
            Learning::All => "3A + A·L",
            Learning::Distinguished => "4A + L-1",
            Learning::Set => "3A + k·A + k(L-k)",
        };
        let book = |v: f64, f: &'static str| -> (Textbook, Text) {
            if clean {
                (Textbook::Exact(v), Text::plain(f))
            } else {
                (Textbook::Unbounded, phrase!("formula.one_ballot", f))
            }
        };
        let metric = |id: &'static str, measured: Option<f64>, (textbook, formula): (Textbook, Text)| Metric { id, measured, textbook, formula };
        let started = stats.ballots > 0;
        let some = |x: f64| started.then_some(x);
        let relay_hops = if self.learning == Learning::All || self.k == self.l { 4.0 } else { 5.0 };
        let relay_f = if relay_hops == 4.0 { "4" } else { "5" };
        vec![
            metric("messages", some(run.counters.sent as f64), book(3.0 * a + accepted + relayed, total_f)),
            metric("prepare_messages", some(by("prepare")), book(a, "A")),
            metric("promise_messages", some(by("promise")), book(a, "A")),
            metric("accept_messages", some(by("accept")), book(a, "A")),
            metric("accepted_messages", some(by("accepted")), book(accepted, accepted_f)),
            metric("learn_messages", some(by("learn")), book(relayed, relayed_f)),
            metric("nack_messages", some(by("nack")), book(0.0, "0")),
            metric("ballots", some(stats.ballots as f64), if self.p == 1 || self.distinguished { (Textbook::Exact(1.0), Text::plain("1")) } else { (Textbook::Unbounded, Text::key("formula.contention")) }),
            metric("highest_number", some(stats.highest as f64), (Textbook::Unbounded, Text::key("formula.counted"))),
            metric("first_learn", stats.first_learn.map(f64::from), book(4.0, "4")),
            metric("all_learn", (stats.learned as usize >= self.l).then(|| stats.last_learn.map(f64::from)).flatten(), book(relay_hops, relay_f)),
            metric("learners_learned", some(stats.learned as f64), (Textbook::Exact(l), Text::plain("L"))),
        ]
    }

    fn charts(&self, stats: &Stats, _run: &RunView<Self>) -> Vec<Chart> {
        vec![Chart { id: "numbers", kind: ChartKind::Lines, series: stats.series.clone() }]
    }
}

/// At most one value is chosen: a value is chosen when a majority of acceptors has
/// accepted one proposal (number) carrying it. Read from the acceptors' `accept` marks;
/// keeps one entry per proposal number (bounded by the proposers' rounds).
#[derive(Clone, Debug)]
pub struct OneValue {
    majority: u32,
    /// Per proposal number: its value and the acceptors (by node) that accepted it.
    votes: BTreeMap<u64, (u8, u64)>,
    chosen: Option<(u64, u8)>,
}

impl MarkRule for OneValue {
    const ID: &'static str = "one_value";
    const TAG: &'static str = "accept";
    fn see(&mut self, node: NodeId, m: &Mark) -> Option<Breach> {
        let (n, v) = (m.key >> 8, (m.key & 0xff) as u8);
        let entry = self.votes.entry(n).or_insert((v, 0));
        entry.1 |= 1 << node;
        if entry.1.count_ones() < self.majority {
            return None;
        }
        match self.chosen {
            None => self.chosen = Some((n, v)),
            Some((cn, cv)) if cv != v => {
                let who: Vec<NodeId> = (0..64).filter(|b| entry.1 & (1 << b) != 0).collect();
                return Some(Breach { detail: phrase!("breach.two_values", value_text(cv), cn, value_text(v), n), nodes: who });
            }
            _ => {}
        }
        None
    }
}

/// No two learners learn different values (from the learners' `learned` marks).
#[derive(Clone, Debug, Default)]
pub struct LearnersAgree {
    first: FirstClaims<u8>,
}

impl MarkRule for LearnersAgree {
    const ID: &'static str = "learners_agree";
    const TAG: &'static str = "learned";
    fn see(&mut self, node: NodeId, m: &Mark) -> Option<Breach> {
        let v = m.key as u8;
        let (fv, by) = self.first.claim(0, v, node, 1)?;
        Some(Breach { nodes: vec![by, node], detail: phrase!("breach.learners_differ", by, value_text(fv), node, value_text(v)) })
    }
}

/// Liveness, the stall detector: once a proposal has been made and nothing is left to
/// happen, every live learner has learned a value.
#[derive(Clone, Debug)]
pub struct Decides {
    learners: Vec<NodeId>,
    patience: Time,
    /// When the first proposal was made.
    proposed: Option<Time>,
    /// Learners that learned (bits by node).
    learned: u64,
}

impl Monitor for Decides {
    fn id(&self) -> &'static str {
        "decides"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        for e in events {
            let Some(node) = e.node else { continue };
            for m in log.marks_of(e.id) {
                match m.tag {
                    "propose" => {
                        self.proposed.get_or_insert(e.time);
                    }
                    "learned" => self.learned |= 1 << node,
                    _ => {}
                }
            }
        }
        let Some(since) = self.proposed else { return Ok(()) };
        let waiting: Vec<NodeId> = self.learners.iter().copied().filter(|&j| self.learned & (1 << j) == 0 && moment.up.get(j).copied().unwrap_or(false)).collect();
        if waiting.is_empty() {
            Ok(())
        } else if moment.quiescent {
            Err(Breach { detail: phrase!("breach.undecided", nodes(&waiting)), nodes: waiting })
        } else if moment.now.saturating_sub(since) >= self.patience && self.learned == 0 {
            Err(Breach { detail: phrase!("breach.stalled_paxos", moment.now - since, nodes(&waiting)), nodes: waiting })
        } else {
            Ok(())
        }
    }
}

const SCENARIOS: &[ReadyScenario] = &[
    ReadyScenario { id: "single", fragment: "v=1&proto=paxos&n=9&seed=1&p.proposers=1&p.acceptors=5&p.learners=3" },
    ReadyScenario { id: "learn-distinguished", fragment: "v=1&proto=paxos&n=9&seed=1&p.proposers=1&p.acceptors=5&p.learners=3&p.learning=distinguished" },
    ReadyScenario { id: "learn-set", fragment: "v=1&proto=paxos&n=9&seed=1&p.proposers=1&p.acceptors=5&p.learners=3&p.learning=set&p.set_size=2" },
    ReadyScenario { id: "adopt", fragment: "v=1&proto=paxos&n=6&seed=1&p.proposers=2&p.acceptors=3&p.learners=1&p.gap=400&p.jitter=0" },
    ReadyScenario { id: "duel", fragment: "v=1&proto=paxos&n=8&seed=0&p.proposers=2&p.acceptors=5&p.learners=1&p.backoff=none&p.jitter=0&p.max_rounds=8&p.patience=1000" },
    ReadyScenario { id: "distinguished-proposer", fragment: "v=1&proto=paxos&n=8&seed=0&p.proposers=2&p.acceptors=5&p.learners=1&p.backoff=none&p.jitter=0&p.max_rounds=8&p.distinguished=true" },
    ReadyScenario { id: "acceptor-crash", fragment: "v=1&proto=paxos&n=7&seed=1&p.proposers=1&p.acceptors=5&p.learners=1&act=0:crash:4,0:crash:5" },
    ReadyScenario { id: "minority", fragment: "v=1&proto=paxos&n=7&seed=1&p.proposers=1&p.acceptors=5&p.learners=1&act=0:crash:3,0:crash:4,0:crash:5" },
];

const WORDS: Words = &[
    w("name", "Paxos (single decree)", "Paxos（单值决议）"),
    w(
        "summary",
        "Proposers, acceptors and learners agree on one value. A proposer first collects promises from a majority of acceptors (Prepare/Promise), then asks them to accept a value (Accept), taking the value of the highest proposal any promise reports. A value accepted by a majority is chosen, and any two majorities overlap, so at most one value is ever chosen. Two proposers can outbid each other forever; a distinguished proposer ends the duel.",
        "提议者、接受者和学习者就一个值达成一致。提议者先向多数派接受者收集承诺（Prepare/Promise），再请它们接受一个值（Accept），该值取承诺中报告的编号最大的提案的值。被多数派接受的值即被选定；任意两个多数派必有交集，因此至多只会选定一个值。两个提议者可能无休止地互相抬高编号；只让一个主提议者提案即可结束这种竞争。",
    ),
    w("param.proposers", "Number of proposers (the first nodes); each starts with its own value x, y, z, u, w", "提议者个数（排在最前的节点）；各自以自己的值 x、y、z、u、w 开始"),
    w("param.acceptors", "Number of acceptors (the middle nodes); a majority of them chooses", "接受者个数（居中的节点）；由其中的多数派决定"),
    w("param.learners", "Number of learners (the last nodes); proposers + acceptors + learners must equal n", "学习者个数（排在最后的节点）；提议者、接受者、学习者之和必须等于 n"),
    w("param.learning", "How learners hear of accepted proposals: all (every acceptor tells every learner, A·L messages), distinguished (acceptors tell one learner, which tells the rest: A + L-1), set (acceptors tell a set of set_size learners, which tell the rest)", "学习者如何得知被接受的提案：all（每个接受者通知每个学习者，A·L 条消息）、distinguished（接受者只通知一个主学习者，再由它通知其余学习者：A + L-1）、set（接受者通知由 set_size 个学习者组成的集合，再由它们通知其余学习者）"),
    w("param.set_size", "With learning=set: how many learners the acceptors tell (k)", "learning=set 时：接受者通知的学习者个数（k）"),
    w("param.distinguished", "Only the first proposer proposes (a distinguished proposer): the duel cannot happen", "只有第一个提议者提案（主提议者）：不会出现互相抢占"),
    w("param.timeout", "Ticks a proposer waits for a majority of promises before starting a higher round", "提议者等待多数派承诺的时长，超时后以更高编号重新开始"),
    w("param.backoff", "After a refusal or a timeout: random (pause a random time up to the timeout) or none (start the next round at once)", "被拒绝或超时后：random（随机暂停，最长为超时时长）或 none（立即开始下一轮）"),
    w("param.gap", "Proposer i starts at i·gap ticks", "第 i 个提议者在 i·gap 时刻开始"),
    w("param.jitter", "Each proposer starts up to this many ticks later, at random", "每个提议者再随机推迟至多这么多时间单位开始"),
    w("param.max_rounds", "Rounds a proposer tries before giving up, so every run ends", "提议者放弃之前最多尝试的轮数，保证每次运行都会结束"),
    w("param.patience", "Ticks after the first proposal within which some learner should learn, before the stall detector reports it", "第一个提案之后，若这么长时间内没有学习者得知结果，停滞检测器就报告"),
    w("role.proposer", "proposer", "提议者"),
    w("role.standby", "proposer (stands by)", "提议者（待命）"),
    w("role.acceptor", "acceptor", "接受者"),
    w("role.learner", "learner", "学习者"),
    w("role.relay", "informed learner", "受通知的学习者"),
    w("group.proposers", "proposers", "提议者"),
    w("group.acceptors", "acceptors", "接受者"),
    w("group.learners", "learners", "学习者"),
    w("detail.ballots", "ballots (latest last)", "提案轮次（最新在后）"),
    w("detail.own_value", "own value", "自己的值"),
    w("detail.number", "current number", "当前编号"),
    w("detail.promises", "promises / majority", "承诺数 / 多数派"),
    w("detail.value_from_promises", "value taken", "采用的值"),
    w("detail.rounds", "rounds / max", "轮数 / 上限"),
    w("detail.highest_seen", "highest number seen", "见过的最大编号"),
    w("detail.promised", "promised n", "已承诺编号"),
    w("detail.accepted_n", "accepted n", "已接受编号"),
    w("detail.accepted_v", "accepted value", "已接受的值"),
    w("detail.tallies", "Accepted heard: n:value×acceptors", "收到的 Accepted：编号:值×接受者数"),
    w("detail.learned", "learned value", "学到的值"),
    w("detail.how", "learned how", "如何得知"),
    w("phase.idle", "not started", "尚未开始"),
    w("phase.preparing", "phase 1: collecting promises", "阶段一：收集承诺"),
    w("phase.accepting", "phase 2: Accept sent", "阶段二：已发送 Accept"),
    w("phase.backoff", "pausing before the next round", "下一轮之前暂停"),
    w("phase.gave_up", "gave up", "已放弃"),
    w("how.not_yet", "not yet", "尚未得知"),
    w("how.majority", "from a majority of acceptors", "来自多数派接受者"),
    w("how.relayed", "from another learner", "来自另一个学习者"),
    w("value.adopted", "{0}, from proposal {1} in a promise", "{0}，来自承诺中报告的提案 {1}"),
    w("value.own", "its own, {0} (no promise reported a proposal)", "自己的值 {0}（承诺中没有报告任何提案）"),
    w("badge.own", "value {0}", "值 {0}"),
    w("badge.preparing", "n={0} · {1}/{2} promises", "n={0} · 承诺 {1}/{2}"),
    w("badge.accepting", "n={0} · proposes {1}", "n={0} · 提议 {1}"),
    w("badge.backoff", "n={0} lost · pausing", "n={0} 失败 · 暂停中"),
    w("badge.gave_up", "gave up after {0} rounds", "{0} 轮后放弃"),
    w("badge.learned", "learned {0}", "已学到 {0}"),
    w("fraction", "{0}/{1}", "{0}/{1}"),
    w("msg.promise", "Promise", "Promise（承诺）"),
    w("msg.accept", "Accept", "Accept（接受请求）"),
    w("msg.nack", "Nack", "Nack（拒绝）"),
    w("msg.accepted", "Accepted", "Accepted（已接受）"),
    w("msg.learn", "Learn", "Learn（转告）"),
    w("timer.start", "start proposing", "开始提案"),
    w("timer.promises", "promise timeout", "承诺超时"),
    w("timer.backoff", "backoff", "退避"),
    w("mark.propose", "prepare", "准备"),
    w("mark.learned", "learned", "学到"),
    w("mark.adopt", "adopts", "采用"),
    w("mark.refused", "refused", "被拒"),
    w("mark.gave_up", "gives up", "放弃"),
    w("note.starts", "starts proposing its value {0}", "开始提议自己的值 {0}"),
    w("note.prepares", "picks number {0} and sends Prepare to the {1} acceptors", "选定编号 {0}，向 {1} 个接受者发送 Prepare"),
    w("note.gives_up", "has used its {0} rounds and gives up", "已用完 {0} 轮，放弃"),
    w("note.pauses", "pauses {0} ticks before the next round", "暂停 {0} 个时间单位后再开始下一轮"),
    w("note.promises", "promises n={0}: nothing lower will be accepted; has accepted nothing", "承诺 n={0}：不再接受更小的编号；尚未接受任何提案"),
    w("note.promises_with", "promises n={0} and reports the proposal ({1},{2}) it accepted", "承诺 n={0}，并报告自己已接受的提案 ({1},{2})"),
    w("note.refuses_prepare", "refuses Prepare n={0}: it has promised {1}", "拒绝 Prepare n={0}：它已承诺 {1}"),
    w("note.accepts", "accepts ({0},{1}) and tells {2} learner(s)", "接受 ({0},{1})，并通知 {2} 个学习者"),
    w("note.refuses_accept", "refuses Accept n={0}: it has promised {1} since", "拒绝 Accept n={0}：它此后已承诺 {1}"),
    w("note.late_promise", "a Promise for n={0} comes too late to count", "n={0} 的 Promise 来得太晚，不再计数"),
    w("note.counts", "has {0} of the {1} promises it needs", "已收到所需 {1} 个承诺中的 {0} 个"),
    w("note.adopts", "a majority promised; a promise reports {0} from proposal {1}, so it must propose {0} with n={2}, not its own value", "多数派已承诺；有承诺报告了提案 {1} 的值 {0}，所以它必须以 n={2} 提议 {0}，而不是自己的值"),
    w("note.keeps", "a majority promised; the highest proposal reported ({1}) carries its own value {0}; sends Accept n={2}", "多数派已承诺；报告的最高提案（{1}）正是自己的值 {0}；发送 Accept n={2}"),
    w("note.free", "a majority promised and none has accepted anything: sends Accept ({1},{0}) with its own value", "多数派已承诺且都未接受过提案：以自己的值发送 Accept ({1},{0})"),
    w("note.refused", "ballot {0} is refused: an acceptor has promised {1}; starts over higher", "第 {0} 号提案被拒：某接受者已承诺 {1}；以更高编号重来"),
    w("note.late_nack", "a refusal of the old ballot {0} changes nothing", "对旧提案 {0} 的拒绝不再有影响"),
    w("note.timed_out", "only {0} of {1} promises before the timeout: tries a higher number", "超时前只收到 {1} 个所需承诺中的 {0} 个：改用更高编号"),
    w("note.recovers", "back up: its round was interrupted, so it starts a new one", "恢复运行：上一轮被打断，于是开始新的一轮"),
    w("note.tallies", "proposal ({0},{1}) accepted by {2} of the {3} acceptors needed", "提案 ({0},{1}) 已被所需 {3} 个接受者中的 {2} 个接受"),
    w("note.learns", "a majority accepted one proposal: learns {0}", "多数派接受了同一提案：学到 {0}"),
    w("note.learns_relays", "a majority accepted one proposal: learns {0} and tells {1} other learner(s)", "多数派接受了同一提案：学到 {0}，并转告另外 {1} 个学习者"),
    w("note.learns_relayed", "learns {0} from an informed learner", "从受通知的学习者处学到 {0}"),
    w("note.already", "already knows the value; the Accepted for n={0} changes nothing", "已知道结果；n={0} 的 Accepted 不再有影响"),
    w("note.knew", "already knows the value", "已知道结果"),
    w("inv.promise_kept", "promise kept", "遵守承诺"),
    w("inv.promise_kept.about", "No acceptor holds an accepted proposal numbered above the number it has promised.", "任何接受者已接受的提案编号都不超过它承诺的编号。"),
    w("breach.promise_kept", "acceptors {0} hold an accepted proposal above their promise", "接受者 {0} 接受的提案编号高于其承诺"),
    w("inv.one_value", "at most one value chosen", "至多选定一个值"),
    w("inv.one_value.about", "A value is chosen when a majority of acceptors has accepted one proposal carrying it; no two different values are ever chosen.", "当多数派接受者接受了带有某值的同一提案，该值即被选定；永远不会选定两个不同的值。"),
    w("breach.two_values", "{0} was chosen with proposal {1}, and now {2} with proposal {3}", "提案 {1} 选定了 {0}，而提案 {3} 又选定了 {2}"),
    w("inv.learners_agree", "learners agree", "学习者一致"),
    w("inv.learners_agree.about", "No two learners learn different values.", "任意两个学习者不会学到不同的值。"),
    w("breach.learners_differ", "learner {0} learned {1} but learner {2} learned {3}", "学习者 {0} 学到 {1}，而学习者 {2} 学到 {3}"),
    w("inv.decides", "a value is learned", "得出结果"),
    w("inv.decides.about", "After a proposal, some learner learns within the patience, and once nothing is left to happen every live learner has learned. Paxos promises this only with a single or distinguished proposer and a majority of acceptors up.", "提案之后，在耐心时限内有学习者得知结果；当再无事件可发生时，每个存活的学习者都已得知。Paxos 只在单个或主提议者、且多数派接受者存活时保证这一点。"),
    w("breach.undecided", "nothing is left to happen, yet learners {0} have learned nothing", "已经没有任何事件可发生，但学习者 {0} 仍未得知任何值"),
    w("breach.stalled_paxos", "no value learned {0} ticks after the first proposal (learners {1} wait)", "第一个提案之后 {0} 个时间单位仍没有学到任何值（学习者 {1} 在等待）"),
    w("metric.messages", "messages", "消息总数"),
    w("metric.prepare_messages", "Prepare messages", "Prepare 消息数"),
    w("metric.promise_messages", "Promise messages", "Promise 消息数"),
    w("metric.accept_messages", "Accept messages", "Accept 消息数"),
    w("metric.accepted_messages", "Accepted messages (to learners)", "Accepted 消息数（发给学习者）"),
    w("metric.learn_messages", "Learn messages (learner to learner)", "Learn 消息数（学习者之间）"),
    w("metric.nack_messages", "Nack messages (refusals)", "Nack 消息数（拒绝）"),
    w("metric.ballots", "ballots started", "发起的提案轮数"),
    w("metric.highest_number", "highest proposal number", "最大提案编号"),
    w("metric.first_learn", "transits until the first learner knows", "第一个学习者得知前的传输次数"),
    w("metric.all_learn", "transits until every learner knows", "所有学习者得知前的传输次数"),
    w("metric.learners_learned", "learners that learned", "已得知结果的学习者"),
    w("formula.one_ballot", "{0} for one undisturbed ballot", "单轮无干扰时为 {0}"),
    w("formula.contention", "1 without contention; more when proposers compete", "无竞争时为 1；提议者竞争时更多"),
    w("chart.numbers", "proposal numbers over time, per proposer", "各提议者的提案编号随时间变化"),
    w("scenario.single", "One proposer: two round trips", "单个提议者：两次往返"),
    w("scenario.single.about", "One proposer, five acceptors, three learners. n0 sends Prepare(1) to the 5 acceptors; all promise, so it sends Accept(1,x); each acceptor accepts and tells the 3 learners. 5 Prepare, 5 Promise, 5 Accept and 15 Accepted: 30 messages, 3A + A·L. Two round trips between the proposer and a majority, and every learner knows after 4 transits.",
        "一个提议者、五个接受者、三个学习者。n0 向 5 个接受者发送 Prepare(1)；全部承诺后，它发送 Accept(1,x)；每个接受者接受并通知 3 个学习者。5 条 Prepare、5 条 Promise、5 条 Accept 和 15 条 Accepted：共 30 条消息，即 3A + A·L。提议者与多数派之间两次往返，每个学习者在 4 次传输后得知结果。"),
    w("scenario.learn-distinguished", "Learning through a distinguished learner", "通过主学习者学习"),
    w("scenario.learn-distinguished.about", "The same ballot, but the acceptors tell only the distinguished learner n6, which passes the value to the 2 others with Learn: 5 Accepted instead of 15 and 2 Learn, 22 messages, 4A + L-1. The price is one more transit (the others know after 5) and a single learner whose crash would leave the rest in the dark.",
        "同样的一轮提案，但接受者只通知主学习者 n6，再由它用 Learn 把值转告另外 2 个学习者：Accepted 从 15 条减为 5 条，另加 2 条 Learn，共 22 条消息，即 4A + L-1。代价是多一次传输（其余学习者 5 次传输后才得知），以及主学习者一旦崩溃，其余学习者便无从得知。"),
    w("scenario.learn-set", "Learning through a set of learners", "通过学习者集合学习"),
    w("scenario.learn-set.about", "The acceptors tell a set of k = 2 learners (n6 and n7), and each of them tells the third learner n8: 10 Accepted and 2 Learn, 27 messages, 3A + k·A + k(L-k). Either informed learner may crash and n8 still hears; the last learner knows after 5 transits.",
        "接受者通知由 k = 2 个学习者组成的集合（n6 和 n7），它们各自再通知第三个学习者 n8：10 条 Accepted 和 2 条 Learn，共 27 条消息，即 3A + k·A + k(L-k)。任一受通知的学习者崩溃，n8 仍能得知；最后一个学习者在 5 次传输后得知。"),
    w("scenario.adopt", "A later proposer adopts the chosen value", "后来的提议者采用已选定的值"),
    w("scenario.adopt.about", "n0 proposes x with number 1 and a majority accepts it: x is chosen. n1 starts 400 ticks later with its own value y and number 2, but every promise reports the accepted proposal (1,x), so n1 must propose x, not y. Both ballots succeed, the acceptors end with (2,x) and the learner learns x: 2 ballots, 24 messages, no refusal.",
        "n0 以编号 1 提议 x，多数派接受了它：x 被选定。n1 在 400 个时间单位后以自己的值 y 和编号 2 开始，但每个承诺都报告了已接受的提案 (1,x)，所以 n1 必须提议 x 而不是 y。两轮都成功，接受者最终保存 (2,x)，学习者学到 x：共 2 轮、24 条消息，没有任何拒绝。"),
    w("scenario.duel", "Dueling proposers", "提议者互相抢占"),
    w("scenario.duel.about", "Both proposers start at once and start again the moment they are refused. Each new Prepare reaches the acceptors just before the other proposer's Accept, which is refused, so the numbers climb 1, 2, 3 ... 16 (the chart): 16 ballots, 51 Nacks, 310 messages. No learner learns anything while the duel lasts, and the stall detector reports it 1000 ticks after the first proposal. The duel ends only through a lucky gap: n1's ballot 14, which carries x forward because a promise reported it, reaches a majority before n0's next Prepare, and the learner learns x at t=1605. Ballots 15 and 16 still follow before both proposers stop.",
        "两个提议者同时开始，一被拒绝就立即重来。每个新的 Prepare 都恰好在对方的 Accept 之前到达接受者，使对方的 Accept 被拒，于是编号一路攀升 1、2、3……16（见图表）：共 16 轮、51 条 Nack、310 条消息。竞争持续期间没有任何学习者得知结果，第一个提案 1000 个时间单位后停滞检测器报告了这一点。这场竞争只是靠时间上的一个空档才结束：n1 的第 14 轮因为有承诺报告过 x 而沿用了 x，它赶在 n0 的下一个 Prepare 之前被多数派接受，学习者在 t=1605 学到 x。此后第 15、16 轮仍然发生，两个提议者才停下。"),
    w("scenario.distinguished-proposer", "The fix: a distinguished proposer", "解决办法：主提议者"),
    w("scenario.distinguished-proposer.about", "The same seed and timing, but only the distinguished proposer n0 proposes; n1 stands by. One ballot, no refusal: 5 Prepare, 5 Promise, 5 Accept, 5 Accepted, 20 messages, and the learner learns x after 4 transits. Electing one proposer is how Paxos keeps its liveness.",
        "相同的种子和时序，但只有主提议者 n0 提案，n1 待命。只有一轮、没有拒绝：5 条 Prepare、5 条 Promise、5 条 Accept、5 条 Accepted，共 20 条消息，学习者在 4 次传输后学到 x。选出一个主提议者正是 Paxos 保持活性的办法。"),
    w("scenario.acceptor-crash", "A minority of acceptors crashed: still decides", "少数接受者崩溃：仍能决定"),
    w("scenario.acceptor-crash.about", "Two of the five acceptors (n4, n5) are down from the start. n0 still sends Prepare to all 5, but 3 promises are a majority; the 3 live acceptors accept (1,x) and the learner learns x. 16 messages: 5 Prepare, 3 Promise, 5 Accept, 3 Accepted. Paxos tolerates any minority of crashed acceptors.",
        "五个接受者中有两个（n4、n5）一开始就宕机。n0 仍向全部 5 个发送 Prepare，但 3 个承诺已是多数派；3 个存活的接受者接受 (1,x)，学习者学到 x。共 16 条消息：5 条 Prepare、3 条 Promise、5 条 Accept、3 条 Accepted。Paxos 能容忍任意少数接受者崩溃。"),
    w("scenario.minority", "Only a minority of acceptors up: no decision", "只剩少数接受者：无法决定"),
    w("scenario.minority.about", "Three of the five acceptors are down, so at most 2 promises ever come back, one short of a majority. Every round times out: 12 rounds, 60 Prepare and 24 Promise, numbers 1 to 12, and not one Accept. n0 gives up at t=7145, and the stall detector reports that nothing was learned. Without a live majority, Paxos stays safe but cannot decide.",
        "五个接受者中有三个宕机，所以每轮最多只能收到 2 个承诺，比多数派少一个。每一轮都超时：共 12 轮、60 条 Prepare 和 24 条 Promise，编号从 1 到 12，没有一条 Accept。n0 在 t=7145 放弃，停滞检测器报告没有学到任何值。没有存活的多数派，Paxos 仍然安全，但无法做出决定。"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured, reading, run_out};
    use crate::sim::{Act, Engine, History, NetworkConfig};

    /// Paxos on `pa` proposers, `a` acceptors and `l` learners (N is their sum).
    fn engine(pa: usize, a: usize, l: usize, pairs: &str, seed: u64, net: NetworkConfig) -> Engine<Paxos> {
        kit::engine_with::<Paxos>(pa + a + l, &format!("proposers={pa}&acceptors={a}&learners={l}&{pairs}"), seed, net)
    }

    fn learned(e: &Engine<Paxos>) -> Vec<Option<u8>> {
        e.world.states.iter().filter_map(|s| if let Node::Learner(l) = s { Some(l.learned) } else { None }).collect()
    }

    /// One undisturbed ballot: prepare A, promise A, accept A, and the learning strategy's
    /// share, exactly, for several A and L, whatever the delays.
    #[test]
    fn one_proposer_costs_exactly_the_textbook_count() {
        for a in [1, 3, 5, 7] {
            for l in [1, 2, 4] {
                for (learning, k) in [("all", l), ("distinguished", 1), ("set", 2.min(l))] {
                    for seed in 0..4 {
                        let net = kit::delays(1, 100);
                        let mut e = engine(1, a, l, &format!("learning={learning}&set_size={k}"), seed, net);
                        run_out(&mut e);
                        let (af, lf, kf) = (a as f64, l as f64, k as f64);
                        let (accepted, learn) = match learning {
                            "all" => (af * lf, 0.0),
                            "distinguished" => (af, lf - 1.0),
                            _ => (kf * af, kf * (lf - kf)),
                        };
                        let what = format!("A={a} L={l} {learning}");
                        for (id, want) in [("prepare_messages", af), ("promise_messages", af), ("accept_messages", af), ("accepted_messages", accepted), ("learn_messages", learn), ("messages", 3.0 * af + accepted + learn)] {
                            assert_eq!(reading(&e, id), (Some(want), Textbook::Exact(want)), "{what}: {id}");
                        }
                        assert_eq!(reading(&e, "first_learn").0, Some(4.0), "{what}");
                        assert!(learned(&e).iter().all(|&v| v == Some(0)), "{what}: {:?}", learned(&e));
                        assert!(e.trace.violations().is_empty(), "{what}: {:?}", e.trace.violations());
                    }
                }
            }
        }
    }

    /// Safety over 1,000 seeds: random delays, random start times, a minority of acceptors
    /// crashed at random moments; at most one value is chosen, learners agree. With a
    /// distinguished proposer (every fourth seed) every live learner learns as well.
    #[test]
    fn over_a_thousand_seeds_at_most_one_value_is_chosen_and_learners_agree() {
        let mut decided = 0;
        for seed in 0..1000u64 {
            let mut draw = crate::sim::rng::SimRng::new(seed ^ 0xa11ce);
            let p = 1 + draw.below(3) as usize;
            let a = [3, 5, 7][draw.below(3) as usize];
            let l = 1 + draw.below(3) as usize;
            let learning = ["all", "distinguished", "set"][draw.below(3) as usize];
            let distinguished = seed % 4 == 0;
            let backoff = if seed % 3 == 0 { "none" } else { "random" };
            let net = kit::delays(1, 150);
            let pairs = format!("learning={learning}&set_size=1&jitter=300&backoff={backoff}&distinguished={distinguished}&timeout=500&patience=1000000");
            let mut e = engine(p, a, l, &pairs, seed, net);
            // Crash a minority of the acceptors, each after a random number of steps.
            let crashes = draw.below((a / 2) as u64 + 1) as usize;
            let mut plan: Vec<(u64, NodeId)> = (0..crashes).map(|i| (draw.below(40), p + i)).collect();
            plan.sort();
            for (at, node) in plan {
                while e.world.counters.sent < at && e.step() {}
                e.apply(&Act::Crash(node)).unwrap();
            }
            run_out(&mut e);
            let broken: Vec<&str> = e.trace.violations().iter().map(|v| v.invariant).collect();
            assert!(!broken.contains(&"one_value") && !broken.contains(&"learners_agree") && !broken.contains(&"promise_kept"), "seed {seed}: {broken:?}");
            let values: Vec<u8> = learned(&e).into_iter().flatten().collect();
            assert!(values.windows(2).all(|w| w[0] == w[1]), "seed {seed}: {values:?}");
            if distinguished || p == 1 {
                assert!(broken.is_empty(), "seed {seed}: {broken:?}");
                assert_eq!(values.len(), l, "seed {seed}: every learner learns");
            }
            decided += (!values.is_empty()) as u32;
        }
        assert!(decided > 900, "{decided}");
    }

    #[test]
    fn build_refuses_a_mismatch_and_bad_sets() {
        let err = Paxos::build(&kit::setup::<Paxos>(6, "", 1)).err().unwrap();
        assert!(err.contains("make 7 nodes, but n is 6"), "{err}");
        let err = Paxos::build(&kit::setup::<Paxos>(7, "learning=set&set_size=3", 1)).err().unwrap();
        assert!(err.contains("set_size 3 does not fit 2 learners"), "{err}");
        let err = Paxos::build(&kit::setup_on::<Paxos>(7, "ring", "", 1)).err().unwrap();
        assert!(err.contains("complete"), "{err}");
    }

    #[test]
    fn the_views_show_the_acceptor_table_and_the_proposer_state() {
        let mut e = engine(1, 3, 1, "", 1, NetworkConfig::default());
        run_out(&mut e);
        let v = e.proto.view(1, &e.world.states[1]);
        assert_eq!(v.badge.en(WORDS), "p=1 a=(1,x)");
        assert_eq!(v.table.as_ref().unwrap().columns, vec!["promised", "accepted_n", "accepted_v"]);
        let v = e.proto.view(0, &e.world.states[0]);
        assert_eq!(v.badge.en(WORDS), "n=1 · proposes x");
        assert_eq!(e.proto.view(4, &e.world.states[4]).badge.en(WORDS), "learned x");
        assert_eq!(e.proto.placement(), Placement::Columns(vec!["proposers", "acceptors", "learners"]));
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let badges = |h: &History| -> Vec<String> { h.sim().node_views().iter().map(|v| v.badge.en(WORDS)).collect() };
        let h = kit::ready::<Paxos>("single");
        assert_eq!((measured(&h, "messages"), measured(&h, "accepted_messages"), measured(&h, "all_learn")), (Some(30.0), Some(15.0), Some(4.0)));
        assert!(h.sim().trace().violations().is_empty());
        let h = kit::ready::<Paxos>("learn-distinguished");
        assert_eq!((measured(&h, "messages"), measured(&h, "learn_messages"), measured(&h, "all_learn")), (Some(22.0), Some(2.0), Some(5.0)));
        let h = kit::ready::<Paxos>("learn-set");
        assert_eq!((measured(&h, "messages"), measured(&h, "accepted_messages"), measured(&h, "learn_messages")), (Some(27.0), Some(10.0), Some(2.0)));
        let h = kit::ready::<Paxos>("adopt");
        assert_eq!((measured(&h, "messages"), measured(&h, "ballots"), measured(&h, "nack_messages")), (Some(24.0), Some(2.0), Some(0.0)));
        assert_eq!(h.sim().trace().marked("adopt").count(), 1);
        assert_eq!(badges(&h)[1], "n=2 · proposes x");
        assert_eq!(badges(&h)[5], "learned x");
        assert!(h.sim().trace().violations().is_empty());

        let h = kit::ready::<Paxos>("duel");
        assert_eq!((measured(&h, "ballots"), measured(&h, "highest_number"), measured(&h, "nack_messages"), measured(&h, "messages")), (Some(16.0), Some(16.0), Some(51.0), Some(310.0)));
        // Numbers only rise, and nothing is learned before the last ballot.
        let numbers: Vec<u64> = h.sim().trace().marked("propose").map(|(_, m)| m.key).collect();
        assert_eq!(numbers, (1..=16).collect::<Vec<u64>>());
        let last = h.sim().trace().marked("propose").last().unwrap().0.time;
        let learned_at = h.sim().trace().marked("learned").next().unwrap().0.time;
        assert!(learned_at > last && learned_at == 1605, "{learned_at} {last}");
        assert_eq!(badges(&h)[0], "gave up after 8 rounds");
        let v = h.sim().trace().violations();
        assert!(v.iter().all(|v| v.invariant == "decides") && !v.is_empty(), "{v:?}");
        let chart = &h.sim().charts()[0];
        assert_eq!(chart.series.iter().map(|s| s.last()).collect::<Vec<_>>(), vec![Some(15.0), Some(16.0)]);

        let h = kit::ready::<Paxos>("distinguished-proposer");
        assert_eq!((measured(&h, "ballots"), measured(&h, "messages"), measured(&h, "first_learn")), (Some(1.0), Some(20.0), Some(4.0)));
        assert!(h.sim().trace().violations().is_empty());
        assert_eq!(badges(&h)[7], "learned x");

        let h = kit::ready::<Paxos>("acceptor-crash");
        assert_eq!((measured(&h, "messages"), measured(&h, "promise_messages"), measured(&h, "accepted_messages")), (Some(16.0), Some(3.0), Some(3.0)));
        assert!(h.sim().trace().violations().is_empty());
        assert_eq!(badges(&h)[6], "learned x");

        let h = kit::ready::<Paxos>("minority");
        assert_eq!((measured(&h, "ballots"), measured(&h, "prepare_messages"), measured(&h, "promise_messages"), measured(&h, "accept_messages")), (Some(12.0), Some(60.0), Some(24.0), Some(0.0)));
        assert_eq!(h.sim().now(), 7145);
        assert_eq!(badges(&h)[0], "gave up after 12 rounds");
        let v = h.sim().trace().violations();
        assert!(v.iter().all(|v| v.invariant == "decides") && !v.is_empty(), "{v:?}");
    }
}
