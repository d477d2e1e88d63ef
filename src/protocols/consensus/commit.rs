//! What two- and three-phase commit share: a node's log (what survives a crash), the
//! votes each participant will cast, the atomicity invariant, the blocking detector, and
//! message counts per phase beside the textbook's figures.
//!
//! **Roles.** Node 0 is the coordinator (the transaction manager); nodes 1..N-1 are the
//! participants (the resource managers). The topology is a star around the coordinator,
//! as the protocol's messages flow; the 3PC termination protocol also lets participants
//! talk to each other, across the star.
//!
//! **The log.** Every node keeps a log of records (`begin`, `undo`, `redo`, `yes`, `no`,
//! `pre`, `commit`, `abort`, `end`), written before the node acts on it. A crash loses
//! everything else (which votes and acknowledgements arrived, the backup coordinator's
//! tally); a recovered node reads its log and acts by the textbook rules of its protocol.
//!
//! **Votes.** Every participant votes yes unless a parameter says otherwise: `no_vote`
//! names one participant that votes no, `silent` names one that fails before voting (it
//! never answers, as if it had crashed on receiving the request). Node 0 in either
//! parameter means nobody: the coordinator does not vote.
//!
//! **Properties.** Atomicity (an invariant over the logs, crashed nodes included): never
//! some node committed and another aborted. The blocking detector (an invariant too):
//! a live participant that voted yes and holds its locks while it has no way to learn the
//! decision: the run is at rest, or it has waited longer than `patience` ticks.

use std::collections::BTreeMap;

use crate::phrase;
use crate::sim::protocol::{Breach, Ctx, Invariant, Metric, Observe, Protocol, ProtocolInfo, ReadyScenario, Setup, Snapshot, Textbook};
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::view::{Cell, CellRow, Glyph, NodeView, Tone};
use crate::sim::{NodeId, ParamSpec, Time, TopologyKind};
use crate::words::{nodes, Text, Words};

/// The coordinator's node id.
pub const COORDINATOR: NodeId = 0;
/// The longest timeout and patience accepted, in ticks.
pub const MAX_TICKS: i64 = 100_000;
/// Log records kept for the picture (older ones are summed up in `dropped`).
pub const LOG_KEPT: usize = 12;

/// How one participant will answer the request to prepare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vote {
    Yes,
    No,
    /// Fails before voting: never answers anything.
    Silent,
}

/// One record of a node's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rec {
    /// The coordinator starts the transaction.
    Begin,
    /// Before-images, to roll back.
    Undo,
    /// After-images, to commit.
    Redo,
    Yes,
    No,
    /// 3PC: prepared to commit (PreCommit received, or sent by the coordinator).
    Pre,
    Commit,
    Abort,
    /// The coordinator has every acknowledgement: the transaction is over.
    End,
}

impl Rec {
    fn cell(self) -> Cell {
        let (text, shade) = match self {
            Rec::Begin => ("begin", 0),
            Rec::Undo => ("undo", 1),
            Rec::Redo => ("redo", 1),
            Rec::Yes => ("yes", 2),
            Rec::No => ("no", 3),
            Rec::Pre => ("pre", 4),
            Rec::Commit => ("commit", 5),
            Rec::Abort => ("abort", 3),
            Rec::End => ("end", 0),
        };
        Cell { text: text.to_string(), shade }
    }
}

/// Where a node stands, as its log says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Participant: no request yet (or failed before voting). Coordinator: collecting votes.
    Init,
    /// Participant: voted yes and waits for the outcome, in doubt, holding its locks.
    Ready,
    /// 3PC: prepared to commit, still holding its locks. Coordinator: PreCommit sent.
    PreCommitted,
    Committed,
    Aborted,
}

impl Phase {
    pub fn decided(self) -> bool {
        matches!(self, Phase::Committed | Phase::Aborted)
    }
    /// Language-neutral text for message labels.
    pub fn short(self) -> &'static str {
        match self {
            Phase::Init => "init",
            Phase::Ready => "ready",
            Phase::PreCommitted => "pre",
            Phase::Committed => "commit",
            Phase::Aborted => "abort",
        }
    }
}

/// A 3PC participant acting as backup coordinator (the termination protocol).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Backup {
    /// Asked every other participant for its state; the answers so far.
    Collecting(BTreeMap<NodeId, Phase>),
    /// Moving the participants still in doubt to PreCommit; those yet to acknowledge.
    PreCommitting(Vec<NodeId>),
}

/// One node of either protocol. `log` and `phase` are stable (they survive a crash);
/// the rest is volatile.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    /// The latest records (at most [`LOG_KEPT`]).
    pub log: Vec<Rec>,
    /// Records that no longer fit the picture.
    pub dropped: u32,
    pub phase: Phase,
    /// Holds the locks of the transaction.
    pub locks: bool,
    /// When it started waiting in doubt (for the blocking detector).
    pub since: Time,
    /// Coordinator: participants that voted yes.
    pub yes: Vec<NodeId>,
    /// Coordinator: participants that acknowledged PreCommit (3PC).
    pub pre_acks: Vec<NodeId>,
    /// Coordinator: participants that acknowledged the outcome.
    pub acks: Vec<NodeId>,
    /// A participant that fails before voting.
    pub silent: bool,
    /// 3PC: this participant runs the termination protocol.
    pub backup: Option<Backup>,
    /// The coordinator (or a recovered node) waits for someone to tell it the outcome.
    pub asking: bool,
}

impl Node {
    pub fn fresh() -> Node {
        Node { log: Vec::new(), dropped: 0, phase: Phase::Init, locks: false, since: 0, yes: Vec::new(), pre_acks: Vec::new(), acks: Vec::new(), silent: false, backup: None, asking: false }
    }

    pub fn write(&mut self, rec: Rec) {
        if self.log.len() == LOG_KEPT {
            self.log.remove(0);
            self.dropped += 1;
        }
        self.log.push(rec);
    }

    /// What survives a crash: the log and what it says (the phase; the locks of a
    /// transaction still in doubt are taken again from the undo/redo records).
    pub fn recovered(&self) -> Node {
        let mut s = Node::fresh();
        s.log = self.log.clone();
        s.dropped = self.dropped;
        s.phase = self.phase;
        s.silent = self.silent;
        s.locks = matches!(self.phase, Phase::Ready | Phase::PreCommitted) && self.locks;
        s
    }

    pub fn decided(&self) -> bool {
        self.phase.decided()
    }

    pub fn in_doubt(&self) -> bool {
        self.locks && !self.decided()
    }
}

/// Each participant's vote (index = node id; the coordinator's entry is unused).
pub fn votes(setup: &Setup) -> Result<Vec<Vote>, String> {
    let n = setup.n;
    let no = setup.params.node("no_vote");
    let silent = setup.params.node("silent");
    for (name, v) in [("no_vote", no), ("silent", silent)] {
        if v >= n {
            return Err(format!("{name} {v} is not a node; give a participant from 1 to {}, or 0 for nobody", n - 1));
        }
    }
    if no != 0 && no == silent {
        return Err(format!("no_vote and silent both name node {no}; a participant either votes no or fails before voting"));
    }
    let mut votes = vec![Vote::Yes; n];
    if no != 0 {
        votes[no] = Vote::No;
    }
    if silent != 0 {
        votes[silent] = Vote::Silent;
    }
    Ok(votes)
}

/// The shared parameters: votes, the timeout, the blocking detector's patience.
pub fn params(timeout: i64) -> Vec<ParamSpec> {
    vec![ParamSpec::node("no_vote", 0).short("no vote", "投反对票"), ParamSpec::node("silent", 0).short("silent", "沉默节点"), ParamSpec::int("timeout", 1, MAX_TICKS, timeout).short("timeout", "超时"), ParamSpec::int("patience", 1, MAX_TICKS, 3000).short("patience", "耐心")]
}

/// `timeout` and `patience` from the setup, checked.
pub fn ticks(setup: &Setup) -> Result<(Time, Time), String> {
    let timeout = setup.params.int("timeout");
    if !(1..=MAX_TICKS).contains(&timeout) {
        return Err(format!("timeout {timeout} is out of range; give 1 to {MAX_TICKS} ticks"));
    }
    let patience = setup.params.int("patience");
    if !(1..=MAX_TICKS).contains(&patience) {
        return Err(format!("patience {patience} is out of range; give 1 to {MAX_TICKS} ticks"));
    }
    if setup.topology.kind() != crate::sim::TopologyKind::Star {
        return Err("commit protocols run on a star around the coordinator (node 0): use the star topology".into());
    }
    Ok((timeout as Time, patience as Time))
}

/// What the family's invariants read from a protocol, and how the family builds one.
pub trait Committer: Protocol<State = Node> {
    /// Build with the votes given directly (tests draw random vote lists).
    fn with_votes(n: usize, votes: Vec<Vote>, timeout: Time, patience: Time) -> Self;
    fn patience(&self) -> Time;
}

/// Both commit protocols share their page: a star around the coordinator, the same
/// parameters (votes, timeout, patience), the diagram first.
pub fn info(id: &'static str, scenarios: &'static [ReadyScenario], words: Words) -> ProtocolInfo {
    ProtocolInfo::new(id, &super::FAMILY, (3, 9, 4))
        .on(&[TopologyKind::Star])
        .params(params(300))
        .scenarios(scenarios)
        .diagram_first()
        .words(words)
}

pub fn build<C: Committer>(setup: &Setup) -> Result<C, String> {
    let (timeout, patience) = ticks(setup)?;
    Ok(C::with_votes(setup.n, votes(setup)?, timeout, patience))
}

/// A node that failed before voting hears nothing more (its handlers return at once).
pub fn deaf<P: Protocol>(s: &Node, ctx: &mut Ctx<P>) -> bool {
    if s.silent {
        ctx.note(Text::key("note.silent_ignores"));
    }
    s.silent
}

/// A participant asked to vote (Prepare in 2PC, CanCommit in 3PC) votes as its
/// settings say, after writing `yes_records` then its yes, or its no and the abort, to
/// its log. Returns the vote to send, or None for a node that fails before voting.
pub fn cast_vote<P: Protocol>(s: &mut Node, vote: Vote, yes_records: &[Rec], yes_note: &'static str, ctx: &mut Ctx<P>) -> Option<bool> {
    match vote {
        Vote::Yes => {
            for &r in yes_records {
                s.write(r);
            }
            s.write(Rec::Yes);
            s.phase = Phase::Ready;
            s.locks = true;
            s.since = ctx.now();
            ctx.mark_with("voted", 1);
            ctx.note(Text::key(yes_note));
            Some(true)
        }
        Vote::No => {
            s.write(Rec::No);
            s.write(Rec::Abort);
            s.phase = Phase::Aborted;
            ctx.mark_with("voted", 0);
            ctx.mark("aborted");
            ctx.note(Text::key("note.votes_no"));
            Some(false)
        }
        Vote::Silent => {
            s.silent = true;
            ctx.note(Text::key("note.fails_before_voting"));
            None
        }
    }
}

/// The coordinator counts a vote. Some(false) on a no, Some(true) once all N-1 said yes,
/// None while it waits (or for a vote that comes too late to count).
pub fn count_vote<P: Protocol>(me: NodeId, s: &mut Node, from: NodeId, yes: bool, n: usize, ctx: &mut Ctx<P>) -> Option<bool> {
    if me != COORDINATOR || s.phase != Phase::Init || s.asking {
        ctx.note(phrase!("note.late_vote", from));
        return None;
    }
    if !yes {
        ctx.note(phrase!("note.got_no", from));
        return Some(false);
    }
    if !s.yes.contains(&from) {
        s.yes.push(from);
    }
    if s.yes.len() == n - 1 {
        return Some(true);
    }
    ctx.note(phrase!("note.got_yes", from, s.yes.len(), n - 1));
    None
}

/// The coordinator counts an acknowledgement of the outcome; with all N-1 in, the
/// transaction is over and its log says so.
pub fn count_ack<P: Protocol>(me: NodeId, s: &mut Node, from: NodeId, n: usize, ctx: &mut Ctx<P>) {
    if me != COORDINATOR {
        return;
    }
    if !s.acks.contains(&from) {
        s.acks.push(from);
    }
    if s.acks.len() == n - 1 && s.log.last() != Some(&Rec::End) {
        s.write(Rec::End);
        ctx.note(Text::key("note.all_acks"));
    }
}

/// Someone in doubt asks for the outcome: the answer (commit or not) if this node
/// knows it.
pub fn answer_inquiry<P: Protocol>(s: &Node, from: NodeId, ctx: &mut Ctx<P>) -> Option<bool> {
    if s.decided() {
        ctx.note(phrase!("note.tells", from));
        Some(s.phase == Phase::Committed)
    } else {
        ctx.note(phrase!("note.undecided_yet", from));
        None
    }
}

/// Never some node committed and another aborted (crashed nodes' logs count).
pub fn atomicity<P: Committer>() -> Invariant<P> {
    Invariant { id: "atomicity", check: atomicity_check::<P> }
}

fn atomicity_check<P: Committer>(_: &P, snap: &Snapshot<P>) -> Result<(), Breach> {
    let committed: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].phase == Phase::Committed).collect();
    let aborted: Vec<NodeId> = (0..snap.states.len()).filter(|&i| snap.states[i].phase == Phase::Aborted).collect();
    if committed.is_empty() || aborted.is_empty() {
        return Ok(());
    }
    let detail = phrase!("breach.atomicity", nodes(&committed), nodes(&aborted));
    Err(Breach { nodes: committed.into_iter().chain(aborted).collect(), detail })
}

/// Live participants in doubt, holding locks, when nothing is left to happen or after the
/// patience: they are blocked.
pub fn blocking<P: Committer>() -> Invariant<P> {
    Invariant { id: "nonblocking", check: blocking_check::<P> }
}

fn blocking_check<P: Committer>(p: &P, snap: &Snapshot<P>) -> Result<(), Breach> {
    let stuck = |s: &Node| s.in_doubt() && (snap.quiescent || snap.now.saturating_sub(s.since) >= p.patience());
    let blocked: Vec<NodeId> = snap.live_where(stuck).into_iter().filter(|&i| i != COORDINATOR).collect();
    Breach::unless_empty(blocked, |b| {
        let why = if snap.up[COORDINATOR] { Text::key("why.no_news") } else { Text::key("why.coordinator_down") };
        if snap.quiescent {
            phrase!("breach.blocked_at_rest", nodes(b), why)
        } else {
            phrase!("breach.blocked", nodes(b), p.patience(), why)
        }
    })
}

/// Messages counted by kind, and whether the run met a fault (the textbook counts assume
/// none); the coordinator's outcome once known.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub by_kind: BTreeMap<&'static str, u64>,
    pub faults: bool,
    /// The first decision marked (true: commit).
    pub outcome: Option<bool>,
}

impl Observe for Stats {
    fn observe(&mut self, e: &Event, log: &Trace) {
        match &e.kind {
            EventKind::Send { msg } => {
                let m = log.message(*msg);
                if m.from != m.to {
                    *self.by_kind.entry(m.kind).or_insert(0) += 1;
                }
            }
            EventKind::Crash | EventKind::Recover | EventKind::Lost { .. } | EventKind::Discard { .. } | EventKind::Network { .. } => self.faults = true,
            _ => {}
        }
        if self.outcome.is_none() {
            if let Some(m) = log.marks_of(e.id).find(|m| m.tag == "decided") {
                self.outcome = Some(m.key == 1);
            }
        }
    }
}

impl Stats {
    pub fn count(&self, kinds: &[&str]) -> u64 {
        kinds.iter().map(|k| self.by_kind.get(k).copied().unwrap_or(0)).sum()
    }
}

/// One phase of a protocol: its metric id, the message kinds it counts, and its textbook
/// count on commit and on abort, as multiples of N-1 (the number of participants).
pub struct PhaseSpec {
    pub id: &'static str,
    pub kinds: &'static [&'static str],
    pub on_commit: u64,
    pub on_abort: u64,
}

/// The total and each phase, beside the textbook (exact while the run met no fault; the
/// abort figures once the coordinator decided to abort).
pub fn metrics(stats: &Stats, n: usize, phases: &[PhaseSpec]) -> Vec<Metric> {
    let p = (n - 1) as u64;
    let commit = stats.outcome != Some(false);
    let book = |k: u64| {
        if stats.faults {
            (Textbook::Unbounded, Text::key("formula.commit_faults"))
        } else {
            (Textbook::Exact((k * p) as f64), Text::plain(if k == 0 { "0".to_string() } else { format!("{k}(N-1)") }))
        }
    };
    let sent = |kinds: &[&str]| {
        let c = stats.count(kinds);
        (stats.by_kind.values().any(|&v| v > 0)).then_some(c as f64)
    };
    let total_k: u64 = phases.iter().map(|ph| if commit { ph.on_commit } else { ph.on_abort }).sum();
    let (textbook, formula) = book(total_k);
    let all = stats.by_kind.values().sum::<u64>();
    let mut out = vec![Metric { id: "commit_messages", measured: (all > 0).then_some(all as f64), textbook, formula }];
    for ph in phases {
        let (textbook, formula) = book(if commit { ph.on_commit } else { ph.on_abort });
        out.push(Metric { id: ph.id, measured: sent(ph.kinds), textbook, formula });
    }
    out
}

/// The picture of a node: role and tone by phase, the Lock glyph, the log as a row.
pub fn view(me: NodeId, s: &Node, three_phase: bool) -> NodeView {
    let (role, tone) = if me == COORDINATOR {
        ("coordinator", match s.phase {
            Phase::Committed => Tone::Done,
            Phase::Aborted => Tone::Alert,
            _ => Tone::Leader,
        })
    } else {
        match s.phase {
            _ if s.silent => ("silent", Tone::Idle),
            Phase::Init => ("working", Tone::Idle),
            Phase::Ready => ("ready", Tone::Waiting),
            Phase::PreCommitted => ("precommitted", Tone::Active),
            Phase::Committed => ("committed", Tone::Done),
            Phase::Aborted => ("aborted", Tone::Alert),
        }
    };
    let badge = if me == COORDINATOR {
        match s.phase {
            Phase::Init if s.asking => Text::key("badge.asking"),
            Phase::Init => phrase!("badge.votes", s.yes.len()),
            Phase::PreCommitted if s.asking => Text::key("badge.asking"),
            Phase::PreCommitted => phrase!("badge.pre_acks", s.pre_acks.len()),
            Phase::Committed | Phase::Aborted if s.log.last() == Some(&Rec::End) => Text::Id("badge", if s.phase == Phase::Committed { "committed_end" } else { "aborted_end" }),
            _ => phrase!("badge.acks", Text::Id("phase", s.phase.short()), s.acks.len()),
        }
    } else {
        match &s.backup {
            Some(_) => phrase!("badge.backup", Text::Id("phase", s.phase.short())),
            None => Text::Id("phase", s.phase.short()),
        }
    };
    let mut v = NodeView::new(role, tone)
        .badge(badge)
        .glyph_if(s.locks, Glyph::Lock)
        .row(CellRow { label: "log", cells: s.log.iter().map(|r| r.cell()).collect(), marked_upto: None })
        .detail("phase", Text::Id("phase", s.phase.short()))
        .detail("locks", Text::key(if s.locks { "yes" } else { "no" }));
    if me == COORDINATOR {
        v = v.detail("yes_votes", s.yes.len()).detail("acks", s.acks.len());
        if three_phase {
            v = v.detail("pre_acks", s.pre_acks.len());
        }
    } else if three_phase {
        v = v.detail("backup", Text::key(if s.backup.is_some() { "yes" } else { "no" }));
    }
    if s.dropped > 0 {
        v = v.detail("older_records", s.dropped);
    }
    v
}

/// What the commit protocols' tests share.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Committer, Node, Phase, Vote};
    use crate::sim::rng::SimRng;
    use crate::sim::{kit, Engine, History, NetworkConfig};

    /// A commit with these votes, the default timeout (300) and a patience of 3000. Delays
    /// of 1 to 100 ticks (`kit::delays(1, 100)`) keep a round trip below the timeout.
    pub fn engine<C: Committer>(n: usize, votes: Vec<Vote>, seed: u64, net: NetworkConfig) -> Engine<C> {
        Engine::new(C::with_votes(n, votes, 300, 3000), kit::setup::<C>(n, "", seed), net, seed)
    }

    /// A vote per node (index 0 unused): mostly yes, sometimes no, sometimes silent.
    pub fn random_votes(n: usize, draw: &mut SimRng) -> Vec<Vote> {
        let bias = draw.below(3);
        (0..n)
            .map(|i| match (i, draw.below(10 + 10 * bias)) {
                (0, _) => Vote::Yes,
                (_, 0) => Vote::No,
                (_, 1) => Vote::Silent,
                _ => Vote::Yes,
            })
            .collect()
    }

    /// At rest: the coordinator decided (commit exactly when every vote was yes) and every
    /// participant that answered holds the same outcome, with its locks released.
    pub fn check_outcome(states: &[Node], votes: &[Vote], seed: u64) {
        let commit = votes[1..].iter().all(|&v| v == Vote::Yes);
        let want = if commit { Phase::Committed } else { Phase::Aborted };
        assert_eq!(states[0].phase, want, "seed {seed}: {votes:?}");
        for (i, s) in states.iter().enumerate().skip(1) {
            if votes[i] == Vote::Silent {
                assert_eq!(s.phase, Phase::Init, "seed {seed}");
            } else {
                assert_eq!(s.phase, want, "seed {seed}: node {i} {votes:?}");
            }
            assert!(!s.locks, "seed {seed}: node {i} still holds its locks");
        }
    }

    /// The participants' roles (node 1 onwards).
    pub fn roles(h: &History) -> Vec<&'static str> {
        h.sim().node_views().iter().skip(1).map(|v| v.role).collect()
    }
}
