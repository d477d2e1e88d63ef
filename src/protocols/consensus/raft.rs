//! # Raft (Ongaro and Ousterhout, 2014)
//!
//! A replicated log. Every server keeps a log of commands; a command counts once it is
//! *committed*, and every server applies committed commands in log order, so they all run
//! the same state machine. Raft gets there by electing one leader per *term* and letting
//! only the leader add to logs. After D. Ongaro and J. Ousterhout, "In search of an
//! understandable consensus algorithm", USENIX ATC 2014, the algorithm of their Figure 2.
//!
//! **Roles and terms.** A server is a follower, a candidate or the leader. Time is cut
//! into terms numbered 1, 2, 3...; each term begins with an election and has at most one
//! leader. Every message carries its sender's term; a server that sees a larger term than
//! its own adopts it and becomes (or stays) a follower: that is how a stale leader steps
//! down. A message with a smaller term is refused.
//!
//! **Election.** A follower that hears nothing from a leader or a candidate for its
//! election timeout (drawn at random in `election_min..=election_max`, 150 to 300 ticks by
//! default, anew each time it is armed) starts an election: it moves to the next term,
//! votes for itself and sends `RequestVote(term, last index, last term)` to every other
//! server. A server grants at most one vote per term, first come first served, and only
//! to a candidate whose log is at least as up to date as its own (a larger last term, or
//! the same last term and a last index at least as large). A candidate with votes from a
//! majority becomes leader; one that hears from a leader of its term becomes a follower;
//! one whose timeout fires again (a split vote) starts another term. The randomness makes
//! a split rare and its repetition rarer: the node that times out first usually wins.
//! Granting a vote re-arms the voter's timer. An uncontested election costs 2(N-1)
//! messages: N-1 `RequestVote` and N-1 replies.
//!
//! **Replication.** The leader takes client commands, appends each to its log with its
//! term and sends `AppendEntries(term, prev index, prev term, entries, leader commit)` to
//! every follower at once; every `heartbeat` ticks it sends one to each follower anyway
//! (empty when the follower is up to date: a heartbeat), which keeps the followers'
//! timers from firing. A follower accepts only if its log holds an entry at `prev index`
//! with `prev term` (the consistency check); it then deletes any entry that conflicts with
//! a new one (and everything after it), appends the new ones, and advances its commit
//! index to `min(leader commit, index of the last new entry)`. The leader tracks, per
//! follower, `nextIndex` (what to send next) and `matchIndex` (what is known to be there);
//! an entry of the *current term* stored on a majority is committed, and with it every
//! entry before it. A command spaced a round trip from the next costs 2(N-1) messages:
//! one `AppendEntries` and one reply per follower.
//!
//! **Log repair.** When the check fails, the follower says so, together with the highest
//! index worth trying (its last index, or one below the failed one), and the leader backs
//! `nextIndex` off and tries again at once. A follower that was down catches up in a few
//! steps; a divergent one (holding entries of a leader that never committed them) backs
//! off entry by entry until the logs agree, then the conflicting suffix is cut off
//! (`truncate`, on the diagram) and replaced by the leader's entries.
//!
//! **Choices made here.**
//! - A new leader appends a no-op entry of its term at once (the paper's section 8): it
//!   lets entries of earlier terms commit without waiting for a client, and it overwrites
//!   a deposed leader's uncommitted suffix on every follower. No-ops are drawn as "·".
//! - The `command` input goes to the node clicked. A leader appends it; a follower that
//!   knows the leader *redirects* it there (a `redirect` message, which the leader takes
//!   as a command of its own); a candidate, or a follower that knows no leader, *drops*
//!   it (a real client would retry). The workload (`every`) asks every node the same way.
//! - A leader with 16 entries waiting to commit refuses new commands (flow control), so
//!   a leader cut off from the majority keeps at most 16 entries it can never commit.
//! - Term, vote, log and commit index survive a crash (Figure 2 keeps term, vote and log
//!   on stable storage; keeping the commit index as well is what etcd does). A recovered
//!   server re-applies its committed entries from its snapshot and starts as a follower.
//! - **Bounded state.** Committed entries beyond the last 8 are compacted into a
//!   snapshot (its index and term) once there are more than 16; a follower whose
//!   `nextIndex` falls below the leader's snapshot gets `InstallSnapshot` instead of
//!   entries. The log row shows the last 12 entries kept. Each entry carries a digest of
//!   the whole log up to it (a hash chain), so checking two logs agree up to an entry
//!   reads one number rather than the whole prefix.
//!
//! **Checked live.** Election safety (at most one leader per term: the `leader` mark,
//! keyed by term, read by a monitor); log matching (two logs with an entry of the same
//! index and term agree up to it: checked on the states over the entries kept); leader
//! completeness (an entry committed in a term is in the log of every leader of a later
//! term: checked on the states against every server's commit index); state-machine safety
//! (no two servers apply different commands at one index: the `apply` mark, keyed by
//! index and command, read by a monitor that keeps the last 512 indices).
//!
//! Messages: `RequestVote`, `Vote`, `AppendEntries` (drawn as `heartbeat` when empty),
//! the replies, `InstallSnapshot`, `redirect`. Timers: election timeout (a countdown
//! ring), heartbeat.


use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{ByMarks, FirstClaims, MarkRule, Monitor};
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::{Event, EventKind, Mark, Trace};
use crate::sim::view::{Cell, CellRow, Glyph, NodeView, Table, Tone};
use crate::sim::{NetworkConfig, NodeId, ParamSpec, Time};
use crate::words::{w, Text, Words};

/// Committed entries kept in the log after a compaction.
pub const KEEP: u64 = 8;
/// Entries the log row shows (the newest).
pub const SHOWN: usize = 12;
/// A leader refuses commands while this many entries wait to commit.
pub const MAX_UNCOMMITTED: u64 = 16;
/// Entries one `AppendEntries` carries at most.
pub const MAX_BATCH: u64 = 8;
/// The longest timeout accepted, in ticks.
pub const MAX_TIMEOUT: i64 = 100_000;

/// The default network: delays of 20 to 40 ticks, FIFO links.
pub const NETWORK: NetworkConfig = NetworkConfig { delay_min: 20, delay_max: 40, drop: 0, duplicate: 0, fifo: true };

/// Raft's fault model: crash-recovery (term, vote and log on stable storage), loss,
/// delays and partitions. Its four safety properties hold under all of them; a minority
/// is down at most, so the cluster can also make progress.
pub const FAULTS: FaultModel = FaultModel {
    crash: true,
    recover: true,
    max_down: MaxDown::Minority,
    drop: true,
    partition: true,
    slow: true,
    safety: &["election_safety", "log_matching", "leader_completeness", "state_machine_safety"],
    window: 4000,
};

pub struct Raft {
    n: usize,
    election_min: Time,
    election_max: Time,
    heartbeat: Time,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

/// A log entry as it travels: its term and command (0: the leader's no-op).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub term: u64,
    pub cmd: u32,
}

/// A log entry as a server keeps it, with the digest of its log up to and including it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub term: u64,
    pub cmd: u32,
    pub digest: u64,
}

/// The digest of a log that ends with (term, cmd) after a prefix with digest `prev`.
pub fn chain(prev: u64, term: u64, cmd: u32) -> u64 {
    let mut z = prev ^ term.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (u64::from(cmd) << 17);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub role: Role,
    pub term: u64,
    pub voted_for: Option<NodeId>,
    /// The leader of this term, once heard from.
    pub leader: Option<NodeId>,
    /// Entries 1..=base are compacted into the snapshot.
    pub base: u64,
    pub base_term: u64,
    pub base_digest: u64,
    /// Entries base+1..=last.
    pub log: Vec<Entry>,
    pub commit: u64,
    pub applied: u64,
    /// Candidate: votes received (a bit per node).
    pub votes: u32,
    /// Leader: per node, the next index to send and the highest index known replicated.
    pub next: Vec<u64>,
    pub matched: Vec<u64>,
    /// Commands this node has taken from clients (names its commands).
    pub seq: u32,
}

impl Node {
    fn fresh(n: usize) -> Node {
        Node {
            role: Role::Follower,
            term: 0,
            voted_for: None,
            leader: None,
            base: 0,
            base_term: 0,
            base_digest: 0,
            log: Vec::new(),
            commit: 0,
            applied: 0,
            votes: 0,
            next: vec![1; n],
            matched: vec![0; n],
            seq: 0,
        }
    }
    pub fn last_index(&self) -> u64 {
        self.base + self.log.len() as u64
    }
    pub fn last_term(&self) -> u64 {
        self.log.last().map_or(self.base_term, |e| e.term)
    }
    /// The term of entry `i`, if kept (the snapshot's last entry counts).
    pub fn term_at(&self, i: u64) -> Option<u64> {
        self.entry(i).map(|(t, _)| t)
    }
    /// (term, digest) of entry `i`, if kept.
    pub fn entry(&self, i: u64) -> Option<(u64, u64)> {
        if i == self.base {
            Some((self.base_term, self.base_digest))
        } else if i > self.base && i <= self.last_index() {
            let e = &self.log[(i - self.base - 1) as usize];
            Some((e.term, e.digest))
        } else {
            None
        }
    }
    fn cmd_at(&self, i: u64) -> u32 {
        self.log[(i - self.base - 1) as usize].cmd
    }
    fn digest_at(&self, i: u64) -> u64 {
        self.entry(i).map_or(0, |e| e.1)
    }
    fn push(&mut self, term: u64, cmd: u32) {
        let digest = chain(self.digest_at(self.last_index()), term, cmd);
        self.log.push(Entry { term, cmd, digest });
    }
    pub fn is_leader(&self) -> bool {
        self.role == Role::Leader
    }
    fn vote_count(&self) -> u32 {
        self.votes.count_ones()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    RequestVote { term: u64, last_index: u64, last_term: u64 },
    Vote { term: u64, granted: bool },
    Append { term: u64, prev_index: u64, prev_term: u64, entries: Vec<Item>, commit: u64 },
    /// `index`: on success the highest index now known to match; on failure the highest
    /// index worth trying as the next `prev index`. `carried`: the request had entries.
    AppendReply { term: u64, ok: bool, index: u64, carried: bool },
    Snapshot { term: u64, index: u64, last_term: u64, digest: u64 },
    /// A follower passes a client's command on to its leader.
    Redirect { cmd: u32 },
}

impl Msg {
    fn term(&self) -> Option<u64> {
        match *self {
            Msg::RequestVote { term, .. } | Msg::Vote { term, .. } | Msg::Append { term, .. } | Msg::AppendReply { term, .. } | Msg::Snapshot { term, .. } => Some(term),
            Msg::Redirect { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Election,
    Heartbeat,
}

pub const COMMAND: InputSpec = InputSpec::plain("command");
pub const WORKLOAD: WorkloadSpec = WorkloadSpec { input: "command", every_param: "every", hold_param: None };

/// A command's short name: the letter of the node that took it and its number there.
pub fn command_text(cmd: u32) -> String {
    if cmd == 0 {
        "·".into()
    } else {
        let origin = (cmd & 0xf).saturating_sub(1) as u8;
        format!("{}{}", (b'a' + origin) as char, cmd >> 4)
    }
}

/// Counted from the run, once per event.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// An election is under way (a candidate stood, no leader yet).
    open: bool,
    /// Vote messages of the election under way.
    votes_now: u64,
    /// Vote messages of the last election won.
    last_election: Option<u64>,
    elections: u64,
    /// AppendEntries with entries, snapshots and their replies.
    replication: u64,
    heartbeats: u64,
    /// The highest index any leader has committed, and how many entries that is.
    max_commit: u64,
    committed: u64,
}

impl Raft {
    fn majority(&self) -> u32 {
        (self.n / 2 + 1) as u32
    }

    fn arm_election(&self, ctx: &mut Ctx<Self>) -> Time {
        ctx.cancel_timer(Timer::Election);
        let after = ctx.random_between(self.election_min, self.election_max);
        ctx.set_timer(after, Timer::Election);
        after
    }

    /// A larger term: adopt it and become a follower (a leader or candidate steps down).
    fn adopt(&self, s: &mut Node, term: u64, ctx: &mut Ctx<Self>) {
        let was = s.role;
        s.term = term;
        s.voted_for = None;
        s.leader = None;
        s.votes = 0;
        s.role = Role::Follower;
        match was {
            Role::Leader => {
                ctx.cancel_timer(Timer::Heartbeat);
                ctx.mark_with("step_down", term);
                ctx.note(phrase!("note.steps_down", term));
                self.arm_election(ctx);
            }
            Role::Candidate => ctx.note(phrase!("note.candidate_steps_down", term)),
            Role::Follower => ctx.note(phrase!("note.adopts", term)),
        }
    }

    /// Send follower `to` what it lacks: the entries from its `nextIndex` on (at most
    /// MAX_BATCH), or an empty heartbeat when everything has been sent, or the snapshot
    /// when its `nextIndex` lies inside it. `nextIndex` then moves past what was sent
    /// (optimistically: a failed check moves it back).
    fn send_append(&self, s: &mut Node, to: NodeId, ctx: &mut Ctx<Self>) {
        let next = s.next[to].max(1);
        if next <= s.base {
            s.next[to] = s.base + 1;
            ctx.send(to, Msg::Snapshot { term: s.term, index: s.base, last_term: s.base_term, digest: s.base_digest });
            return;
        }
        let prev_index = next - 1;
        let prev_term = s.term_at(prev_index).unwrap_or(0);
        let end = s.last_index().min(prev_index + MAX_BATCH);
        let entries = (next..=end).map(|i| Item { term: s.term_at(i).unwrap_or(0), cmd: s.cmd_at(i) }).collect();
        s.next[to] = end + 1;
        ctx.send(to, Msg::Append { term: s.term, prev_index, prev_term, entries, commit: s.commit });
    }

    fn send_appends(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        for to in (0..self.n).filter(|&j| j != me) {
            self.send_append(s, to, ctx);
        }
    }

    fn become_leader(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        s.role = Role::Leader;
        s.leader = Some(me);
        ctx.cancel_timer(Timer::Election);
        ctx.mark_with("leader", s.term);
        // The no-op of the new term.
        s.push(s.term, 0);
        let last = s.last_index();
        for j in 0..self.n {
            s.next[j] = last;
            s.matched[j] = 0;
        }
        s.matched[me] = last;
        ctx.note(phrase!("note.wins", s.vote_count(), self.n, s.term));
        self.send_appends(me, s, ctx);
        ctx.set_timer(self.heartbeat, Timer::Heartbeat);
    }

    /// Apply committed entries not applied yet (marks `apply` keyed by index and command).
    fn apply(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        s.applied = s.applied.max(s.base);
        while s.applied < s.commit {
            s.applied += 1;
            let cmd = s.cmd_at(s.applied);
            ctx.mark_with("apply", (s.applied << 32) | u64::from(cmd));
        }
        self.compact(s);
    }

    /// Fold committed entries beyond the last KEEP into the snapshot, when there are
    /// more than 2·KEEP of them.
    fn compact(&self, s: &mut Node) {
        let upto = s.applied.min(s.commit);
        if upto > s.base + 2 * KEEP {
            let new_base = upto - KEEP;
            let (term, digest) = s.entry(new_base).expect("kept");
            s.log.drain(..(new_base - s.base) as usize);
            s.base = new_base;
            s.base_term = term;
            s.base_digest = digest;
        }
    }

    /// The leader moves its commit index to the highest entry of its term on a majority.
    fn advance_commit(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        let mut m = s.matched.clone();
        m.sort_unstable_by(|a, b| b.cmp(a));
        let candidate = m[self.majority() as usize - 1];
        if candidate > s.commit && s.term_at(candidate) == Some(s.term) {
            let from = s.commit + 1;
            s.commit = candidate;
            ctx.mark_with("commit", candidate);
            ctx.note(phrase!("note.commits", from, candidate));
            self.apply(s, ctx);
        }
    }

    /// A leader takes a command from a client (directly or redirected).
    fn accept(&self, me: NodeId, s: &mut Node, cmd: u32, ctx: &mut Ctx<Self>) {
        if s.last_index() - s.commit >= MAX_UNCOMMITTED {
            ctx.note(phrase!("note.full", command_text(cmd), MAX_UNCOMMITTED));
            return;
        }
        s.push(s.term, cmd);
        let last = s.last_index();
        s.matched[me] = last;
        ctx.note(phrase!("note.appends", command_text(cmd), last, s.term));
        self.send_appends(me, s, ctx);
    }

    fn start_election(&self, me: NodeId, s: &mut Node, ctx: &mut Ctx<Self>) {
        s.term += 1;
        s.role = Role::Candidate;
        s.voted_for = Some(me);
        s.leader = None;
        s.votes = 1 << me;
        let after = self.arm_election(ctx);
        ctx.mark_with("candidate", s.term);
        ctx.note(phrase!("note.stands", s.term, after));
        ctx.broadcast(Msg::RequestVote { term: s.term, last_index: s.last_index(), last_term: s.last_term() });
    }

    fn on_append(&self, s: &mut Node, from: NodeId, (prev_index, prev_term): (u64, u64), entries: Vec<Item>, commit: u64, ctx: &mut Ctx<Self>) {
        let carried = !entries.is_empty();
        let term = s.term;
        let reply = |ok: bool, index: u64| Msg::AppendReply { term, ok, index, carried };
        let matches = prev_index < s.base || s.term_at(prev_index) == Some(prev_term);
        if !matches {
            let hint = s.last_index().min(prev_index.saturating_sub(1));
            let why = if prev_index > s.last_index() { phrase!("note.check_short", prev_index, s.last_index()) } else { phrase!("note.check_conflict", prev_index, prev_term) };
            ctx.note(why);
            ctx.send(from, reply(false, hint));
            return;
        }
        let mut appended = 0;
        let mut index = prev_index;
        for item in entries {
            index += 1;
            if index <= s.base {
                continue;
            }
            match s.term_at(index) {
                Some(t) if t == item.term => {}
                Some(_) => {
                    let cut = s.last_index() - index + 1;
                    s.log.truncate((index - s.base - 1) as usize);
                    ctx.mark_with("truncate", index);
                    ctx.note(phrase!("note.truncates", cut, index));
                    s.push(item.term, item.cmd);
                    appended += 1;
                }
                None => {
                    s.push(item.term, item.cmd);
                    appended += 1;
                }
            }
        }
        if appended > 0 {
            ctx.note(phrase!("note.stores", appended, s.last_index()));
        }
        let upto = commit.min(index);
        if upto > s.commit {
            s.commit = upto;
            ctx.note(phrase!("note.learns_commit", upto));
            self.apply(s, ctx);
        }
        ctx.send(from, reply(true, index));
    }
}

impl Observe for Stats {
    fn observe(&mut self, e: &Event, log: &Trace) {
        if let EventKind::Send { msg } = e.kind {
            match log.message(msg).kind {
                "request_vote" | "vote" if self.open => self.votes_now += 1,
                "append_entries" | "append_reply" | "snapshot" => self.replication += 1,
                "heartbeat" => self.heartbeats += 1,
                _ => {}
            }
        }
        for m in log.marks_of(e.id) {
            match m.tag {
                "candidate" if !self.open => {
                    self.open = true;
                    self.votes_now = 0;
                }
                "leader" => {
                    self.open = false;
                    self.elections += 1;
                    self.last_election = Some(self.votes_now);
                }
                "commit" if m.key > self.max_commit => {
                    self.committed += m.key - self.max_commit;
                    self.max_commit = m.key;
                }
                _ => {}
            }
        }
    }
}

impl Protocol for Raft {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("raft", &super::FAMILY, (3, 9, 5))
            // A round trip (40 to 80) well inside the shortest election timeout (150).
            .network(NETWORK)
            .params(vec![
                ParamSpec::int("election_min", 1, MAX_TIMEOUT, 150).short("election min", "选举超时下限"),
                ParamSpec::int("election_max", 1, MAX_TIMEOUT, 300).short("election max", "选举超时上限"),
                ParamSpec::int("heartbeat", 1, MAX_TIMEOUT, 50).short("heartbeat", "心跳"),
                ParamSpec::int("every", 0, MAX_TIMEOUT, 1000).short("every", "间隔"),
            ])
            .inputs(&[COMMAND])
            .workload(WORKLOAD)
            .scenarios(SCENARIOS)
            .words(WORDS)
            .faults(FAULTS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        if setup.topology.kind() != TopologyKind::Complete {
            return Err("Raft needs every server to reach every other: use the complete topology".into());
        }
        let p = &setup.params;
        let (lo, hi, beat, every) = (p.int("election_min"), p.int("election_max"), p.int("heartbeat"), p.int("every"));
        for (name, v, min) in [("election_min", lo, 1), ("election_max", hi, 1), ("heartbeat", beat, 1), ("every", every, 0)] {
            if !(min..=MAX_TIMEOUT).contains(&v) {
                return Err(format!("{name} {v} is out of range; give {min} to {MAX_TIMEOUT} ticks"));
            }
        }
        if lo > hi {
            return Err(format!("election_min {lo} is above election_max {hi}; give election_min <= election_max"));
        }
        if beat >= lo {
            return Err(format!("heartbeat {beat} is not below election_min {lo}; followers would time out under a live leader: give a heartbeat below {lo}"));
        }
        Ok(Raft { n: setup.n, election_min: lo as Time, election_max: hi as Time, heartbeat: beat as Time })
    }

    fn init(&self, _me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let after = self.arm_election(ctx);
        ctx.note(phrase!("note.starts", after));
        Node::fresh(self.n)
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        if let Some(term) = m.term() {
            if term > s.term {
                self.adopt(s, term, ctx);
            }
        }
        match m {
            Msg::RequestVote { term, last_index, last_term } => {
                let up_to_date = last_term > s.last_term() || (last_term == s.last_term() && last_index >= s.last_index());
                let free = s.voted_for.is_none_or(|v| v == from);
                let granted = term == s.term && free && up_to_date;
                if granted {
                    s.voted_for = Some(from);
                    self.arm_election(ctx);
                    ctx.note(phrase!("note.grants", from, term));
                } else if term < s.term {
                    ctx.note(phrase!("note.refuses_stale", from, term, s.term));
                } else if !free {
                    ctx.note(phrase!("note.refuses_voted", from, s.voted_for.unwrap_or(me)));
                } else {
                    ctx.note(phrase!("note.refuses_behind", from));
                }
                ctx.send(from, Msg::Vote { term: s.term, granted });
            }
            Msg::Vote { term, granted } => {
                if s.role != Role::Candidate || term != s.term {
                    return;
                }
                if granted {
                    s.votes |= 1 << from;
                    if s.vote_count() >= self.majority() {
                        self.become_leader(me, s, ctx);
                    } else {
                        ctx.note(phrase!("note.counts", s.vote_count(), self.majority()));
                    }
                }
            }
            Msg::Append { term, prev_index, prev_term, entries, commit } => {
                if term < s.term {
                    ctx.note(phrase!("note.refuses_old_leader", from, term));
                    ctx.send(from, Msg::AppendReply { term: s.term, ok: false, index: 0, carried: !entries.is_empty() });
                    return;
                }
                if s.role == Role::Candidate {
                    s.role = Role::Follower;
                    s.votes = 0;
                    ctx.note(phrase!("note.hears_leader", from, term));
                }
                if s.role == Role::Leader {
                    return;
                }
                s.leader = Some(from);
                self.arm_election(ctx);
                self.on_append(s, from, (prev_index, prev_term), entries, commit, ctx);
            }
            Msg::Snapshot { term, index, last_term, digest } => {
                if term < s.term {
                    ctx.send(from, Msg::AppendReply { term: s.term, ok: false, index: 0, carried: true });
                    return;
                }
                if s.role == Role::Leader {
                    return;
                }
                s.role = Role::Follower;
                s.leader = Some(from);
                self.arm_election(ctx);
                if index > s.base {
                    if s.entry(index) == Some((last_term, digest)) {
                        s.log.drain(..(index - s.base) as usize);
                    } else {
                        s.log.clear();
                    }
                    s.base = index;
                    s.base_term = last_term;
                    s.base_digest = digest;
                    s.commit = s.commit.max(index);
                    s.applied = s.applied.max(index);
                    ctx.note(phrase!("note.installs", index));
                }
                ctx.send(from, Msg::AppendReply { term: s.term, ok: true, index, carried: true });
            }
            Msg::AppendReply { term, ok, index, carried: _ } => {
                if s.role != Role::Leader || term != s.term {
                    return;
                }
                if ok {
                    s.matched[from] = s.matched[from].max(index);
                    s.next[from] = s.next[from].max(index + 1);
                    self.advance_commit(s, ctx);
                    if s.next[from] <= s.last_index() {
                        self.send_append(s, from, ctx);
                    }
                } else {
                    // Back off below the failed check (its prev index is at most `index` + 1).
                    let next = (index + 1).max(s.matched[from] + 1);
                    if next < s.next[from] {
                        s.next[from] = next;
                        ctx.note(phrase!("note.backs_off", from, next));
                        self.send_append(s, from, ctx);
                    }
                }
            }
            Msg::Redirect { cmd } => {
                if s.is_leader() {
                    self.accept(me, s, cmd, ctx);
                } else {
                    ctx.note(phrase!("note.drops_redirect", command_text(cmd)));
                }
            }
        }
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Election if s.role != Role::Leader => self.start_election(me, s, ctx),
            Timer::Heartbeat if s.role == Role::Leader => {
                ctx.silent();
                self.send_appends(me, s, ctx);
                ctx.set_timer(self.heartbeat, Timer::Heartbeat);
            }
            _ => {}
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id != COMMAND.id {
            return;
        }
        s.seq += 1;
        let cmd = (s.seq << 4) | (me as u32 + 1);
        match (s.role, s.leader) {
            (Role::Leader, _) => self.accept(me, s, cmd, ctx),
            (Role::Follower, Some(l)) => {
                ctx.note(phrase!("note.redirects", command_text(cmd), l));
                ctx.send(l, Msg::Redirect { cmd });
            }
            _ => ctx.note(phrase!("note.drops", command_text(cmd))),
        }
    }

    /// Term, vote, log (with its snapshot) and commit index survive; the rest restarts.
    fn on_recover(&self, _me: NodeId, old: &Node, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node { role: Role::Follower, leader: None, votes: 0, applied: old.base, next: vec![1; self.n], matched: vec![0; self.n], ..old.clone() };
        let after = self.arm_election(ctx);
        ctx.note(phrase!("note.recovers", s.term, s.last_index(), s.commit, after));
        self.apply(&mut s, ctx);
        s
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::RequestVote { term, last_index, last_term } => MsgLabel::new("request_vote", format!("T{term} last={last_index}/T{last_term}")),
            Msg::Vote { term, granted } => MsgLabel::new("vote", format!("T{term} {}", if *granted { "yes" } else { "no" })),
            Msg::Append { term, prev_index, prev_term, entries, commit } => {
                let kind = if entries.is_empty() { "heartbeat" } else { "append_entries" };
                MsgLabel::new(kind, format!("T{term} prev={prev_index}/T{prev_term} +{} c={commit}", entries.len()))
            }
            Msg::AppendReply { term, ok, index, carried } => {
                MsgLabel::new(if *carried { "append_reply" } else { "heartbeat_reply" }, format!("T{term} {} {index}", if *ok { "ok" } else { "no" }))
            }
            Msg::Snapshot { term, index, last_term, .. } => MsgLabel::new("snapshot", format!("T{term} upto={index}/T{last_term}")),
            Msg::Redirect { cmd } => MsgLabel::new("redirect", command_text(*cmd)),
        }
    }

    fn countdown(&self, t: &Timer) -> bool {
        *t == Timer::Election
    }

    fn view(&self, _me: NodeId, s: &Node) -> NodeView {
        let (role, tone) = match s.role {
            Role::Follower => ("follower", Tone::Idle),
            Role::Candidate => ("candidate", Tone::Active),
            Role::Leader => ("leader", Tone::Leader),
        };
        let badge = match (s.role, s.voted_for) {
            (Role::Leader, _) => phrase!("badge.raft_leader", s.term),
            (Role::Candidate, _) => phrase!("badge.raft_candidate", s.term, s.vote_count(), self.n),
            (Role::Follower, Some(v)) => phrase!("badge.raft_voted", s.term, v),
            (Role::Follower, None) => phrase!("badge.raft_term", s.term),
        };
        let last = s.last_index();
        let first = (s.base + 1).max((last + 1).saturating_sub(SHOWN as u64));
        let cells: Vec<Cell> = (first..=last).map(|i| Cell { text: s.term_at(i).unwrap_or(0).to_string(), shade: s.term_at(i).unwrap_or(0) as u32 }).collect();
        let marked = (s.commit + 1).saturating_sub(first).min(cells.len() as u64) as usize;
        let none = || Text::plain("-");
        let mut v = NodeView::new(role, tone)
            .badge(badge)
            .glyph_if(s.is_leader(), Glyph::Crown)
            .row(CellRow { label: "log", cells, marked_upto: Some(marked) })
            .detail("term", s.term)
            .detail("voted_for", s.voted_for.map_or_else(none, |v| Text::plain(format!("n{v}"))))
            .detail("known_leader", s.leader.map_or_else(none, |l| Text::plain(format!("n{l}"))))
            .detail("last_index", last)
            .detail("commit_index", s.commit)
            .detail("snapshot", phrase!("detail.snapshot_upto", s.base, s.base_term))
            .detail("newest", Text::plain((first..=last).rev().take(4).map(|i| command_text(s.cmd_at(i))).collect::<Vec<_>>().join(" ")));
        if s.is_leader() {
            let rows = (0..self.n).map(|j| vec![Text::plain(format!("n{j}")), Text::from(s.next[j]), Text::from(s.matched[j])]).collect();
            v = v.table(Table { columns: vec!["server", "next_index", "match_index"], rows });
        }
        v
    }

    fn inputs_for(&self, _me: NodeId, s: &Node) -> Vec<InputSpec> {
        let takes = match s.role {
            Role::Leader => s.last_index() - s.commit < MAX_UNCOMMITTED,
            Role::Follower => s.leader.is_some(),
            Role::Candidate => false,
        };
        if takes {
            vec![COMMAND]
        } else {
            vec![]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "log_matching", check: log_matching }, Invariant { id: "leader_completeness", check: leader_completeness }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![ByMarks::boxed(ElectionSafety::default()), ByMarks::boxed(StateMachineSafety::default())]
    }

    fn metrics(&self, stats: &Stats, _run: &RunView<Self>) -> Vec<Metric> {
        let two = 2.0 * (self.n as f64 - 1.0);
        let counted = |id, v: u64| Metric { id, measured: Some(v as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") };
        vec![
            Metric { id: "election_messages", measured: stats.last_election.map(|v| v as f64), textbook: Textbook::Exact(two), formula: Text::key("formula.one_round") },
            counted("elections", stats.elections),
            Metric {
                id: "replication_messages",
                measured: (stats.committed > 0).then(|| stats.replication as f64 / stats.committed as f64),
                textbook: Textbook::Exact(two),
                formula: Text::key("formula.per_entry"),
            },
            counted("committed", stats.committed),
            counted("heartbeats", stats.heartbeats),
        ]
    }
}

/// Log matching over the entries kept: wherever two logs hold an entry with the same
/// index and term, their digests (of the whole log up to it) agree.
fn log_matching(_: &Raft, snap: &Snapshot<Raft>) -> Result<(), Breach> {
    let s = snap.states;
    for i in 0..s.len() {
        for j in i + 1..s.len() {
            let (a, b) = (&s[i], &s[j]);
            let lo = a.base.max(b.base);
            let hi = a.last_index().min(b.last_index());
            // Terms never decrease along a log: the highest index where the terms agree
            // is the only one to check (the digest covers everything below it).
            let mut k = hi;
            while k >= lo {
                let (ea, eb) = (a.entry(k), b.entry(k));
                if let (Some((ta, da)), Some((tb, db))) = (ea, eb) {
                    if ta == tb {
                        if da != db {
                            return Err(Breach { nodes: vec![i, j], detail: phrase!("breach.log_matching", i, j, k, ta) });
                        }
                        break;
                    }
                }
                if k == 0 {
                    break;
                }
                k -= 1;
            }
        }
    }
    Ok(())
}

/// Leader completeness: every live leader holds every entry some server knows committed
/// in an earlier term (the entry at that server's commit index; the rest of the prefix
/// follows by log matching). An entry below the leader's snapshot is in it.
fn leader_completeness(_: &Raft, snap: &Snapshot<Raft>) -> Result<(), Breach> {
    for l in snap.live_where(Node::is_leader) {
        let leader = &snap.states[l];
        for (j, other) in snap.states.iter().enumerate() {
            let c = other.commit;
            let Some((term, digest)) = other.entry(c) else { continue };
            if c == 0 || term >= leader.term || c < leader.base {
                continue;
            }
            if leader.entry(c) != Some((term, digest)) {
                return Err(Breach { nodes: vec![l, j], detail: phrase!("breach.leader_completeness", l, leader.term, c, term, j) });
            }
        }
    }
    Ok(())
}

/// At most one leader per term, read from the `leader` marks (keyed by term). Keeps the
/// last 64 terms.
#[derive(Clone, Debug, Default)]
pub struct ElectionSafety {
    leaders: FirstClaims<NodeId>,
}

impl MarkRule for ElectionSafety {
    const ID: &'static str = "election_safety";
    const TAG: &'static str = "leader";
    fn see(&mut self, node: NodeId, m: &Mark) -> Option<Breach> {
        let (other, _) = self.leaders.claim(m.key, node, node, 64)?;
        Some(Breach { nodes: vec![other, node], detail: phrase!("breach.election_safety", other, node, m.key) })
    }
}

/// No two servers apply different commands at one index, read from the `apply` marks
/// (keyed by index and command). Keeps the last 512 indices.
#[derive(Clone, Debug, Default)]
pub struct StateMachineSafety {
    applied: FirstClaims<u32>,
}

impl MarkRule for StateMachineSafety {
    const ID: &'static str = "state_machine_safety";
    const TAG: &'static str = "apply";
    fn see(&mut self, node: NodeId, m: &Mark) -> Option<Breach> {
        let (index, cmd) = (m.key >> 32, (m.key & 0xffff_ffff) as u32);
        let (first, by) = self.applied.claim(index, cmd, node, 512)?;
        Some(Breach { nodes: vec![by, node], detail: phrase!("breach.state_machine_safety", by, command_text(first), node, command_text(cmd), index) })
    }
}

const SCENARIOS: &[ReadyScenario] = &[
    ReadyScenario { id: "first-election", fragment: "v=1&proto=raft&n=5&seed=10&p.every=0" },
    ReadyScenario { id: "split-vote", fragment: "v=1&proto=raft&n=4&seed=1&p.every=0" },
    ReadyScenario { id: "leader-crash", fragment: "v=1&proto=raft&n=5&seed=10&act=mark.commit.n4.5:crash:4,mark.commit.12:recover:4" },
    ReadyScenario { id: "follower-catch-up", fragment: "v=1&proto=raft&n=5&seed=10&act=mark.commit.n4.3:crash:1,mark.commit.15:recover:1" },
    ReadyScenario { id: "partition", fragment: "v=1&proto=raft&n=5&seed=10&act=mark.commit.n4.3:partition:3.4/0.1.2,mark.commit.10:heal" },
    ReadyScenario { id: "seven", fragment: "v=1&proto=raft&n=7&seed=1" },
    ReadyScenario { id: "nine", fragment: "v=1&proto=raft&n=9&seed=1" },
];

const WORDS: Words = &[
    w("name", "Raft", "Raft"),
    w(
        "summary",
        "A replicated log run by one elected leader per term. A follower that hears no heartbeat within its random election timeout stands for the next term and asks for votes; a majority makes it leader. The leader appends client commands to its log and replicates them with AppendEntries; an entry of its term stored on a majority is committed and applied everywhere in log order. A stale leader steps down when it sees a larger term, and divergent logs are repaired by backing nextIndex off until they agree.",
        "由每个任期选出的唯一领导者管理的复制日志。跟随者若在随机选举超时内收不到心跳，就在下一个任期参选并请求投票；获得多数票即成为领导者。领导者把客户端命令追加到自己的日志，并用 AppendEntries 复制出去；本任期的条目一旦存到多数节点上即被提交，并在各节点按日志顺序应用。旧领导者看到更大的任期就退位，不一致的日志通过回退 nextIndex 直到一致来修复。",
    ),
    w("param.election_min", "Shortest election timeout, in ticks (each timeout is drawn anew between the two bounds)", "最短选举超时（时间单位；每次超时都在上下界之间重新随机抽取）"),
    w("param.election_max", "Longest election timeout, in ticks; equal bounds take the randomness away", "最长选举超时（时间单位）；上下界相等就去掉了随机性"),
    w("param.heartbeat", "Ticks between a leader's AppendEntries to each follower; must be below the shortest election timeout", "领导者向每个跟随者发送 AppendEntries 的间隔（时间单位）；必须小于最短选举超时"),
    w("param.every", "Mean ticks between client commands at each server from the workload (0: only clicks)", "工作负载中每个服务器收到客户端命令的平均间隔（0：仅由点击发出）"),
    w("input.command", "A client command arrives here (a follower redirects it to its leader)", "一条客户端命令到达此处（跟随者把它转给自己的领导者）"),
    w("role.follower", "follower", "跟随者"),
    w("role.leader", "leader", "领导者"),
    w("badge.raft_leader", "T{0} · leader", "T{0} · 领导者"),
    w("badge.raft_candidate", "T{0} · {1}/{2} votes", "T{0} · {1}/{2} 票"),
    w("badge.raft_voted", "T{0} · voted n{1}", "T{0} · 投给 n{1}"),
    w("badge.raft_term", "T{0}", "T{0}"),
    w("detail.log", "log (term of each entry; committed marked)", "日志（每个条目的任期；已提交的有标记）"),
    w("detail.term", "current term", "当前任期"),
    w("detail.voted_for", "voted for in this term", "本任期投票给"),
    w("detail.known_leader", "leader it knows", "已知的领导者"),
    w("detail.last_index", "last log index", "最后日志索引"),
    w("detail.commit_index", "commit index", "提交索引"),
    w("detail.snapshot", "snapshot", "快照"),
    w("detail.snapshot_upto", "entries up to {0} (term {1})", "至索引 {0} 的条目（任期 {1}）"),
    w("detail.newest", "newest commands (· is a no-op)", "最新的命令（· 为空操作）"),
    w("detail.server", "server", "服务器"),
    w("detail.next_index", "nextIndex", "nextIndex（下一个要发送的索引）"),
    w("detail.match_index", "matchIndex", "matchIndex（已确认复制的索引）"),
    w("msg.request_vote", "RequestVote", "RequestVote（请求投票）"),
    w("msg.append_entries", "AppendEntries", "AppendEntries（追加条目）"),
    w("msg.heartbeat", "heartbeat", "心跳"),
    w("msg.append_reply", "AppendEntries reply", "AppendEntries 应答"),
    w("msg.heartbeat_reply", "heartbeat reply", "心跳应答"),
    w("msg.snapshot", "InstallSnapshot", "InstallSnapshot（安装快照）"),
    w("msg.redirect", "redirected command", "转发的命令"),
    w("timer.election", "election timeout", "选举超时"),
    w("timer.heartbeat", "heartbeat", "心跳"),
    w("mark.leader", "becomes leader", "成为领导者"),
    w("mark.step_down", "steps down", "退位"),
    w("mark.candidate", "stands", "参选"),
    w("mark.truncate", "truncates", "截断"),
    w("note.starts", "starts as a follower in term 0; its election timer is set to {0} ticks", "以跟随者身份启动，任期 0；选举定时器设为 {0} 个时间单位"),
    w("note.stands", "hears no leader in time: becomes a candidate for term {0}, votes for itself and asks for votes (next timeout in {1})", "超时未收到领导者的消息：成为任期 {0} 的候选者，投自己一票并请求投票（下次超时在 {1} 之后）"),
    w("note.steps_down", "sees the larger term {0}: steps down from leader to follower", "看到更大的任期 {0}：从领导者退为跟随者"),
    w("note.candidate_steps_down", "sees the larger term {0}: gives up its candidacy", "看到更大的任期 {0}：放弃参选"),
    w("note.adopts", "sees the larger term {0} and adopts it", "看到更大的任期 {0} 并采用它"),
    w("note.grants", "grants its vote to n{0} for term {1}", "在任期 {1} 把票投给 n{0}"),
    w("note.refuses_stale", "refuses n{0}: its term {1} is older than {2}", "拒绝 n{0}：它的任期 {1} 比 {2} 旧"),
    w("note.refuses_voted", "refuses n{0}: already voted for n{1} in this term", "拒绝 n{0}：本任期已投票给 n{1}"),
    w("note.refuses_behind", "refuses n{0}: its log is less up to date than this one", "拒绝 n{0}：它的日志不如本节点的新"),
    w("note.counts", "has {0} votes of the {1} it needs", "已得 {0} 票，需要 {1} 票"),
    w("note.wins", "has {0} of {1} votes: leader of term {2}; appends a no-op and sends AppendEntries", "获得 {1} 票中的 {0} 票：成为任期 {2} 的领导者；追加一个空操作并发送 AppendEntries"),
    w("note.hears_leader", "hears from n{0}, leader of term {1}: back to follower", "收到任期 {1} 的领导者 n{0} 的消息：退回跟随者"),
    w("note.refuses_old_leader", "refuses AppendEntries from n{0}: term {1} is over", "拒绝来自 n{0} 的 AppendEntries：任期 {1} 已过去"),
    w("note.check_short", "consistency check fails: no entry {0}, its log ends at {1}", "一致性检查失败：没有条目 {0}，它的日志止于 {1}"),
    w("note.check_conflict", "consistency check fails: its entry {0} is not of term {1}", "一致性检查失败：它的条目 {0} 不属于任期 {1}"),
    w("note.truncates", "cuts off {0} conflicting entries from index {1}", "从索引 {1} 起截掉 {0} 个冲突的条目"),
    w("note.stores", "stores {0} new entries; its log ends at {1}", "存入 {0} 个新条目；日志止于 {1}"),
    w("note.learns_commit", "learns entries up to {0} are committed and applies them", "得知至 {0} 的条目已提交，并应用它们"),
    w("note.commits", "entries {0} to {1} are on a majority: commits and applies them", "条目 {0} 到 {1} 已在多数节点上：提交并应用"),
    w("note.appends", "appends command {0} at index {1} (term {2}) and sends it to the followers", "把命令 {0} 追加到索引 {1}（任期 {2}），并发给跟随者"),
    w("note.full", "refuses command {0}: {1} entries already wait to commit", "拒绝命令 {0}：已有 {1} 个条目等待提交"),
    w("note.backs_off", "n{0}'s log does not match: backs nextIndex off to {1} and retries", "n{0} 的日志不匹配：把 nextIndex 回退到 {1} 并重试"),
    w("note.installs", "installs the leader's snapshot of the entries up to {0}", "安装领导者至索引 {0} 的快照"),
    w("note.redirects", "is not the leader: redirects command {0} to n{1}", "不是领导者：把命令 {0} 转给 n{1}"),
    w("note.drops", "knows no leader: drops command {0} (the client will retry)", "不知道领导者：丢弃命令 {0}（客户端会重试）"),
    w("note.drops_redirect", "is no longer the leader: drops the redirected command {0}", "已不再是领导者：丢弃转来的命令 {0}"),
    w("note.recovers", "back up as a follower with term {0}, log up to {1}, commit {2} from stable storage; re-applies its log; timer {3}", "以跟随者身份恢复，从稳定存储读回任期 {0}、至 {1} 的日志和提交索引 {2}；重新应用日志；定时器 {3}"),
    w("inv.election_safety", "election safety", "选举安全"),
    w("inv.election_safety.about", "At most one leader is elected in each term.", "每个任期至多选出一个领导者。"),
    w("inv.log_matching", "log matching", "日志匹配"),
    w("inv.log_matching.about", "If two logs hold an entry with the same index and term, they are identical up to that entry (checked over the entries kept).", "若两个日志在同一索引处有同一任期的条目，则两者直到该条目完全相同（在保留的条目上检查）。"),
    w("inv.leader_completeness", "leader completeness", "领导者完整性"),
    w("inv.leader_completeness.about", "An entry committed in a term is in the log of every leader of a later term.", "某任期中已提交的条目，必然出现在之后所有任期领导者的日志中。"),
    w("inv.state_machine_safety", "state-machine safety", "状态机安全"),
    w("inv.state_machine_safety.about", "No two servers apply different commands at the same log index.", "任意两个服务器不会在同一日志索引处应用不同的命令。"),
    w("breach.election_safety", "n{0} and n{1} were both elected leader in term {2}", "n{0} 和 n{1} 都在任期 {2} 当选领导者"),
    w("breach.log_matching", "n{0} and n{1} hold an entry {2} of term {3} but their logs differ before it", "n{0} 和 n{1} 都有任期 {3} 的条目 {2}，但两者在它之前的日志不同"),
    w("breach.leader_completeness", "leader n{0} of term {1} lacks entry {2} of term {3}, which n{4} knows is committed", "任期 {1} 的领导者 n{0} 缺少任期 {3} 的条目 {2}，而 n{4} 知道它已提交"),
    w("breach.state_machine_safety", "n{0} applied {1} and n{2} applied {3} at index {4}", "n{0} 在索引 {4} 应用了 {1}，n{2} 却应用了 {3}"),
    w("metric.election_messages", "messages of the last election", "最近一次选举的消息数"),
    w("metric.elections", "leaders elected", "选出的领导者数"),
    w("metric.replication_messages", "messages per committed entry", "每个已提交条目的消息数"),
    w("metric.committed", "entries committed", "已提交的条目数"),
    w("metric.heartbeats", "heartbeats sent", "已发送的心跳数"),
    w("formula.one_round", "2(N-1): one candidate, one round", "2(N-1)：一个候选者、一轮投票"),
    w("scenario.first-election", "The first election", "第一次选举"),
    w(
        "scenario.first-election.about",
        "Five followers start in term 0 with random timeouts. n4's fires first, at t=178: it stands for term 1, votes for itself and asks the other four. Each grants its vote, and with the third vote in (three of five) n4 becomes leader at t=231, appends its no-op and starts its heartbeats. 8 vote messages: 2(N-1) for one candidate in one round.",
        "五个跟随者在任期 0 启动，各有随机超时。n4 的定时器最先到期（t=178）：它在任期 1 参选，投自己一票并询问其余四个节点。它们都投了票，第三票到达时（五票中的三票）n4 在 t=231 成为领导者，追加空操作并开始发送心跳。共 8 条投票消息：一个候选者、一轮投票的 2(N-1)。",
    ),
    w("scenario.split-vote", "A split vote", "选票分裂"),
    w(
        "scenario.split-vote.about",
        "Four servers. n2 and n0 time out 4 ticks apart (t=217 and t=221), both stand for term 1 and each gets one vote besides its own: two of four is no majority. Their timers, drawn anew, fire again; term 2 splits too, among three candidates. In term 3 n3 stands alone and wins at t=652. 36 vote messages in all instead of 2(N-1) = 6: the random timeouts make a repeat unlikely, not impossible.",
        "四个服务器。n2 和 n0 相隔 4 个时间单位超时（t=217 和 t=221），都在任期 1 参选，除自己外各得一票：四票中的两票不是多数。它们重新抽取的定时器再次到期；任期 2 在三个候选者之间又一次分裂。任期 3 只有 n3 参选，于 t=652 当选。共 36 条投票消息，而不是 2(N-1) = 6：随机超时让重复分裂不太可能，但并非不可能。",
    ),
    w("scenario.leader-crash", "The leader crashes", "领导者崩溃"),
    w(
        "scenario.leader-crash.about",
        "n4 leads term 1 and commits client commands. It crashes after its fifth commit (t=1958): the heartbeats stop, and n3's timer fires first (t=2149). n3 stands for term 2 and wins at t=2194 with 7 messages (its RequestVote to the dead n4 is lost). No committed entry is lost: n3's log was as up to date as any voter's. n4 recovers at t=4374 with its term and log, hears the leader of term 2 and becomes its follower.",
        "n4 领导任期 1 并提交客户端命令。它在第五次提交后崩溃（t=1958）：心跳停止，n3 的定时器最先到期（t=2149）。n3 在任期 2 参选，于 t=2194 以 7 条消息当选（它发给已崩溃的 n4 的 RequestVote 丢失了）。没有已提交的条目丢失：n3 的日志至少和每个投票者的一样新。n4 在 t=4374 带着任期和日志恢复，收到任期 2 领导者的消息，成为它的跟随者。",
    ),
    w("scenario.follower-catch-up", "A follower falls behind and catches up", "跟随者落后后追上"),
    w(
        "scenario.follower-catch-up.about",
        "n1 crashes at t=1249 while the leader n4 goes on committing with the other three: four of five is still a majority. n1 recovers at t=4769 with its old log. The leader's next AppendEntries fails the consistency check (n1 lacks the previous entry); n1 answers with where its log ends, the leader backs nextIndex off to that point and sends what is missing (still in its log, so no snapshot is needed), and n1's log soon equals everyone else's.",
        "n1 在 t=1249 崩溃，领导者 n4 继续和另外三个节点一起提交：五个中的四个仍是多数。n1 在 t=4769 带着旧日志恢复。领导者的下一条 AppendEntries 没有通过一致性检查（n1 缺少前一个条目）；n1 回答自己的日志止于何处，领导者把 nextIndex 回退到那里并补发缺少的条目（仍在它的日志中，无需快照），n1 的日志很快与其他节点相同。",
    ),
    w("scenario.partition", "A stale leader in a minority", "少数派中的旧领导者"),
    w(
        "scenario.partition.about",
        "At t=1249 the network splits n3 and n4 (the leader of term 1) from n0, n1 and n2. n4 keeps leading its side: it appends the commands that reach it but can never commit them, having only two of five. The majority side times out, splits its first vote (term 2) and elects n0 in term 3 at t=1655, which commits new commands. The network heals at t=3011; n4 sees term 3 and steps down (t=3081), and n0's AppendEntries cut off the uncommitted entries from index 5 on at n4 and n3 and replace them with its own.",
        "t=1249 时网络把 n3 和 n4（任期 1 的领导者）与 n0、n1、n2 分开。n4 继续领导它这一侧：它追加到达它的命令，但只有五个中的两个，永远无法提交。多数一侧超时，第一次投票（任期 2）分裂，在任期 3 于 t=1655 选出 n0，n0 提交新命令。网络在 t=3011 愈合；n4 看到任期 3 后退位（t=3081），n0 的 AppendEntries 在 n4 和 n3 上截掉从索引 5 起未提交的条目，并换成自己的条目。",
    ),
    w("scenario.seven", "Seven servers", "七个服务器"),
    w("scenario.seven.about", "The same algorithm with seven servers: a majority is four, so the cluster survives three crashes; an election costs 2(N-1) = 12 messages and each committed entry 12 more.", "七个服务器上的同一算法：多数为四，集群能承受三个节点崩溃；一次选举需要 2(N-1) = 12 条消息，每个提交的条目也需要 12 条。"),
    w("scenario.nine", "Nine servers", "九个服务器"),
    w("scenario.nine.about", "Nine servers: a majority is five, four may crash; an election costs 16 messages and each committed entry 16.", "九个服务器：多数为五，可以有四个崩溃；一次选举需要 16 条消息，每个提交的条目也需要 16 条。"),
    w("formula.per_entry", "2(N-1): one AppendEntries and one reply per follower", "2(N-1)：每个跟随者一条 AppendEntries 和一条应答"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured};
    use crate::sim::{Act, Engine, History};

    /// Run until `time` (Raft never comes to rest).
    fn run_until(e: &mut Engine<Raft>, time: Time) {
        while e.step_before(time) {}
    }

    fn leaders(e: &Engine<Raft>) -> Vec<NodeId> {
        (0..e.n()).filter(|&i| e.world.up[i] && e.world.states[i].is_leader()).collect()
    }

    /// A ready scenario run for `steps` steps, with no property broken.
    fn run_scenario(id: &str, steps: u64) -> History {
        let h = kit::ready_for::<Raft>(id, steps);
        assert!(h.sim().trace().violations().is_empty(), "{id}: {:?}", h.sim().trace().violations());
        h
    }

    fn marks(h: &History, tag: &str) -> Vec<(Time, NodeId, u64)> {
        h.sim().trace().marked(tag).map(|(e, m)| (e.time, e.node.unwrap(), m.key)).collect()
    }

    fn logs_equal(h: &History) -> bool {
        let v = h.sim().node_views();
        v.iter().all(|x| x.rows[0].cells == v[0].rows[0].cells)
    }

    #[test]
    fn ready_scenarios_do_what_they_say() {
        let h = run_scenario("first-election", 300);
        assert_eq!(marks(&h, "candidate"), vec![(178, 4, 1)]);
        assert_eq!(marks(&h, "leader"), vec![(231, 4, 1)]);
        assert_eq!(measured(&h, "election_messages"), Some(8.0));

        let h = run_scenario("split-vote", 300);
        let terms: Vec<u64> = marks(&h, "candidate").iter().map(|c| c.2).collect();
        assert_eq!(terms.iter().filter(|&&t| t == 1).count(), 2, "two candidates in term 1");
        assert_eq!(marks(&h, "candidate")[..2].iter().map(|c| (c.0, c.1)).collect::<Vec<_>>(), vec![(217, 2), (221, 0)]);
        assert_eq!(marks(&h, "leader"), vec![(652, 3, 3)]);
        assert_eq!(measured(&h, "election_messages"), Some(36.0));

        let h = run_scenario("leader-crash", 1500);
        assert_eq!(marks(&h, "leader"), vec![(231, 4, 1), (2194, 3, 2)]);
        assert_eq!(measured(&h, "election_messages"), Some(7.0));
        let v = h.sim().node_views();
        assert_eq!(v[4].rows[0].cells, v[0].rows[0].cells, "the recovered n4 follows and catches up");
        assert_eq!(h.sim().node_views()[4].role, "follower");

        let h = run_scenario("follower-catch-up", 1500);
        assert_eq!(marks(&h, "leader").len(), 1, "no election: the leader kept its majority");
        assert!(logs_equal(&h), "n1 caught up");

        let h = run_scenario("partition", 1500);
        assert_eq!(marks(&h, "leader"), vec![(231, 4, 1), (1655, 0, 3)]);
        assert_eq!(marks(&h, "step_down"), vec![(3081, 4, 3)]);
        assert_eq!(marks(&h, "truncate"), vec![(3264, 4, 5), (3272, 3, 5)]);
        assert!(logs_equal(&h), "repair made the divergent logs equal to the leader's");

        for (id, n) in [("seven", 7.0), ("nine", 9.0)] {
            let h = run_scenario(id, 1500);
            assert!(measured(&h, "committed").unwrap() > 10.0, "{id}");
            assert!(logs_equal(&h) || measured(&h, "committed").is_some());
            let rm = measured(&h, "replication_messages").unwrap();
            assert!((rm - 2.0 * (n - 1.0)).abs() < 1.5, "{id}: {rm}");
        }
    }

    /// Random delays within the timeouts, random crashes and recoveries of a minority,
    /// client commands: the four properties never break, and once everyone is back a
    /// leader is elected and commands commit.
    #[test]
    fn over_a_thousand_seeds_safety_holds_and_the_cluster_recovers() {
        for seed in 0..1000u64 {
            let n = 3 + (seed % 7) as usize;
            let hi = 5 + seed % 70;
            let net = NetworkConfig { delay_min: 1 + seed % 5, delay_max: hi, drop: 0, duplicate: 0, fifo: seed % 3 != 0 };
            let mut e = kit::engine_with::<Raft>(n, "every=300", seed, net);
            let mut draw = crate::sim::rng::SimRng::new(seed ^ 0x5eed);
            let minority = (n - 1) / 2;
            let mut t = 0;
            for _ in 0..6 {
                t += 200 + draw.below(800);
                run_until(&mut e, t);
                let down: Vec<NodeId> = (0..n).filter(|&i| !e.world.up[i]).collect();
                let node = draw.below(n as u64) as usize;
                if !e.world.up[node] {
                    e.apply(&Act::Recover(node)).unwrap();
                } else if down.len() < minority {
                    e.apply(&Act::Crash(node)).unwrap();
                }
            }
            for i in 0..n {
                if !e.world.up[i] {
                    e.apply(&Act::Recover(i)).unwrap();
                }
            }
            let before = measured(&e, "committed").unwrap_or(0.0);
            t += 3000;
            run_until(&mut e, t);
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            assert_eq!(leaders(&e).len(), 1, "seed {seed}: {:?}", e.world.states.iter().map(|s| (s.role, s.term)).collect::<Vec<_>>());
            assert!(measured(&e, "committed").unwrap_or(0.0) > before, "seed {seed}: nothing committed after recovery");
            // Bounded state: no log holds more than the kept, uncommitted and batched entries.
            assert!(e.world.states.iter().all(|s| s.log.len() as u64 <= 2 * KEEP + MAX_UNCOMMITTED + MAX_BATCH + 1), "seed {seed}");
        }
    }

    #[test]
    fn an_hour_long_run_keeps_its_state_bounded() {
        let mut e = kit::engine::<Raft>(5, "every=200", 3);
        run_until(&mut e, 3_600_000 / 10);
        assert!(e.trace.violations().is_empty());
        assert!(measured(&e, "committed").unwrap() > 1000.0);
        assert!(e.world.states.iter().all(|s| s.log.len() as u64 <= 2 * KEEP + MAX_UNCOMMITTED + MAX_BATCH + 1));
    }

    #[test]
    fn a_divergent_follower_is_repaired_to_the_leaders_log() {
        // The leader of term 1 is cut off with one follower and appends entries the majority never gets.
        let mut e = kit::engine::<Raft>(5, "every=0", 10);
        run_until(&mut e, 600);
        let l = leaders(&e)[0];
        let other = (l + 1) % 5;
        e.apply(&Act::Partition(vec![vec![l, other], (0..5).filter(|&i| i != l && i != other).collect()])).unwrap();
        for _ in 0..5 {
            e.apply(&Act::Input(l, "command".into(), None)).unwrap();
        }
        run_until(&mut e, 1200);
        // The majority has elected its own leader; it commits commands of its own.
        let nl = leaders(&e).into_iter().find(|&x| x != l).unwrap();
        for _ in 0..3 {
            e.apply(&Act::Input(nl, "command".into(), None)).unwrap();
        }
        run_until(&mut e, 2000);
        assert!(e.world.states[l].last_index() > e.world.states[l].commit, "the stale leader holds uncommitted entries");
        e.apply(&Act::Heal).unwrap();
        run_until(&mut e, 3000);
        let nl = leaders(&e)[0];
        assert_ne!(nl, l);
        let want = &e.world.states[nl];
        for s in &e.world.states {
            assert_eq!((s.last_index(), s.last_term(), s.digest_at(s.last_index())), (want.last_index(), want.last_term(), want.digest_at(want.last_index())));
        }
        assert!(e.trace.marked("truncate").count() >= 1);
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
    }

    #[test]
    fn build_refuses_bad_parameters() {
        let bad = |pairs: &str| Raft::build(&kit::setup::<Raft>(5, pairs, 1)).err().unwrap();
        assert!(bad("election_min=400").contains("election_min 400 is above election_max 300"));
        assert!(bad("heartbeat=150").contains("heartbeat 150"));
        let err = Raft::build(&kit::setup_on::<Raft>(5, "ring", "", 1)).err().unwrap();
        assert!(err.contains("complete"), "{err}");
    }

    #[test]
    fn the_view_shows_terms_votes_and_the_log() {
        let h = run_scenario("first-election", 300);
        let v = h.sim().node_views();
        assert_eq!(v[4].role, "leader");
        assert_eq!(v[4].badge.en(WORDS), "T1 · leader");
        assert_eq!(v[0].badge.en(WORDS), "T1 · voted n4");
        assert_eq!(v[4].rows[0].cells, vec![Cell { text: "1".into(), shade: 1 }]);
        assert_eq!(v[4].rows[0].marked_upto, Some(1));
        assert!(v[4].table.is_some());
    }

    /// One message handled by hand, outside any engine: the handler's sends and marks.
    fn handle(r: &Raft, me: NodeId, s: &mut Node, from: NodeId, m: Msg) -> (Vec<(NodeId, Msg)>, Vec<&'static str>) {
        let mut rng = crate::sim::rng::SimRng::new(1);
        let mut ctx = Ctx { me, now: 0, n: r.n, rng: &mut rng, groups: &[], out: Effects::default() };
        r.on_message(me, s, from, m, &mut ctx);
        (ctx.out.sends, ctx.out.marks.iter().map(|m| m.tag).collect())
    }

    fn raft5() -> Raft {
        Raft::build(&kit::setup::<Raft>(5, "", 1)).unwrap()
    }

    /// A server in `term` whose log holds entries of these terms.
    fn server(term: u64, terms: &[u64]) -> Node {
        let mut s = Node::fresh(5);
        s.term = term;
        for (i, &t) in terms.iter().enumerate() {
            s.push(t, i as u32 + 1);
        }
        s
    }

    fn terms(s: &Node) -> Vec<u64> {
        s.log.iter().map(|e| e.term).collect()
    }

    #[test]
    fn a_stale_leaders_append_entries_is_rejected_and_the_stale_leader_steps_down() {
        let r = raft5();
        // n1 follows the leader of term 3; n0 still believes it leads term 2.
        let mut follower = server(3, &[1, 2]);
        follower.leader = Some(2);
        let mut stale = server(2, &[1, 2]);
        stale.role = Role::Leader;
        stale.leader = Some(0);
        let before = follower.clone();
        let append = Msg::Append { term: 2, prev_index: 2, prev_term: 2, entries: vec![Item { term: 2, cmd: 99 }], commit: 2 };
        let (sends, _) = handle(&r, 1, &mut follower, 0, append);
        assert_eq!(sends, vec![(0, Msg::AppendReply { term: 3, ok: false, index: 0, carried: true })]);
        assert_eq!(follower, before, "nothing appended, no commit moved, the leader of term 3 still followed");
        // The refusal carries term 3: the stale leader adopts it and steps down.
        let (_, reply) = sends.into_iter().next().unwrap();
        let (sends, marks) = handle(&r, 0, &mut stale, 1, reply);
        assert_eq!((stale.role, stale.term, stale.voted_for, stale.leader), (Role::Follower, 3, None, None));
        assert!(marks.contains(&"step_down") && sends.is_empty(), "{marks:?} {sends:?}");
    }

    #[test]
    fn a_candidate_with_a_less_up_to_date_log_is_denied_votes() {
        let r = raft5();
        let ask = |voter: &mut Node, from: NodeId, last_index: u64, last_term: u64| {
            let (sends, _) = handle(&r, 1, voter, from, Msg::RequestVote { term: 3, last_index, last_term });
            assert_eq!(sends.len(), 1);
            match sends[0].1 {
                Msg::Vote { term, granted } => (term, granted),
                ref m => panic!("{m:?}"),
            }
        };
        // The voter's log: terms 1, 1, 2.
        let mut voter = server(2, &[1, 1, 2]);
        // Shorter with the same last term: denied, though the voter has not voted in term 3.
        assert_eq!(ask(&mut voter, 2, 2, 2), (3, false));
        // Longer but ending in an older term: denied.
        assert_eq!(ask(&mut voter, 3, 7, 1), (3, false));
        assert_eq!((voter.term, voter.voted_for), (3, None), "it took the term, and kept its vote");
        // As long, same last term: granted.
        assert_eq!(ask(&mut voter, 4, 3, 2), (3, true));
        assert_eq!(voter.voted_for, Some(4));
        // Through the engine: a node that missed entries stands, and loses.
        let mut e = kit::engine::<Raft>(5, "every=0", 10);
        run_until(&mut e, 600);
        let l = leaders(&e)[0];
        let lagging = (l + 1) % 5;
        e.apply(&Act::Crash(lagging)).unwrap();
        for _ in 0..3 {
            e.apply(&Act::Input(l, "command".into(), None)).unwrap();
        }
        run_until(&mut e, 900);
        e.apply(&Act::Crash(l)).unwrap();
        e.apply(&Act::Recover(lagging)).unwrap();
        let short = e.world.states[lagging].last_index();
        run_until(&mut e, 3000);
        let nl = leaders(&e);
        assert_eq!(nl.len(), 1);
        assert_ne!(nl[0], lagging, "the node with the shorter log never wins");
        assert!(e.world.states[nl[0]].last_index() > short);
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
    }

    /// Figure 8 of the Raft paper, n0..n4 for S1..S5. (a) S1 leads term 2 and gets entry 2
    /// to S2; (b) S1 crashes, S5 leads term 3 and takes its own entry 2; (c) S5 crashes, S1
    /// leads term 4 and gets its term-2 entry 2 onto S3: a majority holds it, yet it must not
    /// be committed, because (d) S5 could still be elected and overwrite it. Only once an
    /// entry of term 4 is on a majority does the commit index move (taking entry 2 along).
    #[test]
    fn an_entry_of_an_earlier_term_is_not_committed_by_counting_replicas() {
        let r = raft5();
        // (c): S1 leads term 4 with its no-op of term 4 at index 3.
        let mut s1 = server(4, &[1, 2, 4]);
        s1.role = Role::Leader;
        s1.leader = Some(0);
        s1.commit = 1;
        s1.applied = 1;
        s1.next = vec![4, 3, 3, 2, 2];
        s1.matched = vec![3, 1, 1, 1, 0];
        // S2 and S3 report a log matching through index 2 (they lack index 3 for now).
        for from in [1, 2] {
            let (_, marks) = handle(&r, 0, &mut s1, from, Msg::AppendReply { term: 4, ok: true, index: 2, carried: true });
            assert!(!marks.contains(&"commit"), "{marks:?}");
        }
        assert_eq!(s1.matched, vec![3, 2, 2, 1, 0], "entry 2 (term 2) is on S1, S2 and S3: a majority");
        assert_eq!(s1.commit, 1, "but it is of an earlier term: not committed by counting");
        // (d): why. S5 (log 1, 3) can still win term 5: S2, S3 and S4 hold older last terms.
        let s5 = server(3, &[1, 3]);
        for (i, log) in [(1, vec![1, 2]), (2, vec![1, 2]), (3, vec![1])] {
            let mut voter = server(4, &log);
            let (sends, _) = handle(&r, i, &mut voter, 4, Msg::RequestVote { term: 5, last_index: s5.last_index(), last_term: s5.last_term() });
            assert_eq!(sends, vec![(4, Msg::Vote { term: 5, granted: true })], "n{i} votes for S5");
        }
        // The entry of term 4 reaches S2, then S3: now a majority holds it, and entry 2 with it.
        let (_, marks) = handle(&r, 0, &mut s1, 1, Msg::AppendReply { term: 4, ok: true, index: 3, carried: true });
        assert_eq!((s1.commit, marks.contains(&"commit")), (1, false), "two of five");
        let (_, marks) = handle(&r, 0, &mut s1, 2, Msg::AppendReply { term: 4, ok: true, index: 3, carried: true });
        assert!(marks.contains(&"commit"));
        assert_eq!((s1.commit, s1.applied), (3, 3));
        // And S5 can no longer win: S2 and S3 refuse it.
        for i in [1, 2] {
            let mut voter = server(4, &[1, 2, 4]);
            let (sends, _) = handle(&r, i, &mut voter, 4, Msg::RequestVote { term: 5, last_index: 2, last_term: 3 });
            assert_eq!(sends, vec![(4, Msg::Vote { term: 5, granted: false })]);
        }
        assert_eq!(terms(&s1), vec![1, 2, 4]);
    }
}
