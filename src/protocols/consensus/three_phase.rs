//! # Three-phase commit (3PC)
//!
//! 2PC blocks because a participant that voted yes cannot tell, alone, whether someone
//! has already committed. 3PC (Skeen, 1981) splits 2PC's completion phase in two so that
//! the state of the survivors always tells: nobody commits before *every* participant
//! knows that everyone voted yes.
//!
//! **Phase 1, CanCommit.** The coordinator logs `begin`, sends `CanCommit` to every
//! participant and waits `timeout` ticks for the votes. A participant that can commit
//! logs `yes`, keeps its locks and votes yes; one that cannot logs `no`, aborts and votes
//! no.
//!
//! **Phase 2, PreCommit.** With every vote yes the coordinator logs `pre` and sends
//! `PreCommit`; a participant executes the transaction, logs `undo`, `redo` and `pre` and
//! acknowledges (`PreAck`). On a no vote or a missing vote the coordinator logs `abort`
//! and sends `Abort` instead.
//!
//! **Phase 3, DoCommit.** With every `PreAck` in (or after `timeout` ticks: a participant
//! that does not acknowledge has crashed and will learn the outcome when it recovers), the
//! coordinator logs `commit` and sends `DoCommit`; participants commit, release their locks
//! and acknowledge (`Ack`).
//!
//! **Timeouts on both sides.** A participant that voted yes and hears nothing for a while
//! does not wait for ever. Participant i waits i·`timeout` ticks (the staggering makes the
//! lowest-numbered survivor act first), then runs the *termination protocol* as backup
//! coordinator: it asks every other participant for its state (`StateReq` / `State`), and
//! after `timeout` ticks decides by the rules of the protocol:
//! - someone committed → commit; someone aborted, or someone never voted → abort;
//! - someone is pre-committed → send `PreCommit` to those still in doubt, wait for their
//!   `PreAck`s (or `timeout`), then commit and send `DoCommit`;
//! - everyone in doubt → abort (nobody can have committed: the coordinator commits only
//!   once every live participant is pre-committed).
//!
//! A participant that gets a `StateReq` waits longer before trying itself ((i+2)·`timeout`),
//! giving the backup time to finish. In the notes' shorthand: after PreCommit a participant
//! that times out commits, before it one that times out aborts; the termination protocol
//! is what makes that safe when only some participants got PreCommit.
//!
//! **Cost.** Without failures a commit costs 6(N-1) messages, 2(N-1) per phase; an abort
//! in phase 1 costs 4(N-1) (CanCommit, votes, Abort, Ack).
//!
//! **Recovery.** A recovered participant reads its log: decided, nothing to do; never
//! voted, it waits for the outcome; in doubt or pre-committed, it takes its locks again,
//! asks every other node (`Inquire`) and restarts its timeout. A recovered coordinator
//! with an outcome sends it again; with `pre` but no outcome it asks the participants
//! (a backup may have decided); with neither it aborts.
//!
//! **What 3PC does not survive: partitions.** Its reasoning assumes that a node that does
//! not answer has crashed. Split the network during PreCommit and each side concludes the
//! other is dead: the side with a pre-committed participant commits, the side where
//! everyone is in doubt aborts. The atomicity invariant catches it (the `partition`
//! scenario); the sweep over seeds stays inside the assumptions.

use super::commit::{self, Backup, Committer, Node, Phase, PhaseSpec, Rec, Stats, Vote, COORDINATOR};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::view::NodeView;
use crate::sim::{NodeId, Time};
use crate::words::{w, Text, Words};

pub struct ThreePhaseCommit {
    n: usize,
    votes: Vec<Vote>,
    timeout: Time,
    patience: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    CanCommit,
    Vote(bool),
    PreCommit,
    PreAck,
    DoCommit,
    Abort,
    Ack,
    /// A backup coordinator asks for the state of a participant.
    StateReq,
    State(Phase),
    /// A recovered node asks for the outcome.
    Inquire,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Coordinator: stop waiting for the votes.
    Votes,
    /// Coordinator: stop waiting for the PreCommit acknowledgements.
    PreAcks,
    /// Participant: the coordinator has been silent too long; run the termination protocol.
    Wait,
    /// Backup: stop collecting states.
    Collect,
    /// Backup: stop waiting for the PreCommit acknowledgements.
    BackupAcks,
}

/// What 3PC is designed for: crashes (of anyone, the coordinator included) in a synchronous
/// network, where a silent node is a dead one. No lost messages, no partitions, no delays
/// beyond the bounds its timeouts assume: under those, timeouts mistake the living for the
/// dead and the two sides of a split decide differently (the `partition` lesson).
/// Faults fall while the commit is under way: a default commit takes about 380 ticks.
const WINDOW: Time = 450;
pub const FAULTS: FaultModel = FaultModel { crash: true, recover: false, max_down: MaxDown::AllButOne, drop: false, partition: false, slow: false, safety: &["atomicity"], window: WINDOW };

pub const PHASES: &[PhaseSpec] = &[
    PhaseSpec { id: "phase1_messages", kinds: &["cancommit", "vote"], on_commit: 2, on_abort: 2 },
    PhaseSpec { id: "phase2_messages", kinds: &["precommit", "preack"], on_commit: 2, on_abort: 0 },
    PhaseSpec { id: "phase3_messages", kinds: &["docommit", "abort", "ack"], on_commit: 2, on_abort: 2 },
    PhaseSpec { id: "termination_messages", kinds: &["statereq", "state", "inquire"], on_commit: 0, on_abort: 0 },
];

impl ThreePhaseCommit {
    fn participants(&self) -> impl Iterator<Item = NodeId> {
        1..self.n
    }

    fn others(&self, me: NodeId) -> impl Iterator<Item = NodeId> {
        self.participants().filter(move |&p| p != me)
    }

    /// (Re)arm a participant's wait for the coordinator: i·timeout, or longer once a
    /// backup is at work.
    fn wait(&self, me: NodeId, s: &mut Node, extra: u64, ctx: &mut Ctx<Self>) {
        ctx.cancel_timer(Timer::Wait);
        if !s.decided() {
            ctx.set_timer(self.timeout * (me as u64 + extra), Timer::Wait);
        }
    }

    /// Log an outcome at any node (the coordinator's, a backup's, or one it is told).
    fn settle(&self, me: NodeId, s: &mut Node, commit: bool, ctx: &mut Ctx<Self>) -> bool {
        if s.decided() {
            return false;
        }
        s.write(if commit { Rec::Commit } else { Rec::Abort });
        s.phase = if commit { Phase::Committed } else { Phase::Aborted };
        s.locks = false;
        s.backup = None;
        s.asking = false;
        for t in [Timer::Votes, Timer::PreAcks, Timer::Wait, Timer::Collect, Timer::BackupAcks] {
            ctx.cancel_timer(t);
        }
        if me == COORDINATOR {
            ctx.mark_with("decided", commit as u64);
        } else {
            ctx.mark(if commit { "committed" } else { "aborted" });
        }
        true
    }

    /// The coordinator (or a backup) decides and tells the other participants.
    fn decide(&self, me: NodeId, s: &mut Node, commit: bool, ctx: &mut Ctx<Self>) {
        if me != COORDINATOR {
            ctx.mark_with("decided", commit as u64);
        }
        self.settle(me, s, commit, ctx);
        s.acks.clear();
        self.announce(me, s, ctx);
    }

    fn announce(&self, me: NodeId, s: &Node, ctx: &mut Ctx<Self>) {
        let commit = s.phase == Phase::Committed;
        for p in self.others(me) {
            ctx.send(p, if commit { Msg::DoCommit } else { Msg::Abort });
        }
    }

    /// A participant moves to pre-committed: executes, logs undo, redo and pre.
    fn precommit(&self, s: &mut Node, ctx: &mut Ctx<Self>) {
        if s.phase == Phase::Ready {
            s.write(Rec::Undo);
            s.write(Rec::Redo);
            s.write(Rec::Pre);
            s.phase = Phase::PreCommitted;
            ctx.mark("precommitted");
        }
    }

    /// The backup has the states it will get: decide by the termination rules.
    fn terminate(&self, me: NodeId, s: &mut Node, states: &std::collections::BTreeMap<NodeId, Phase>, ctx: &mut Ctx<Self>) {
        let all: Vec<Phase> = states.values().copied().chain([s.phase]).collect();
        if all.contains(&Phase::Committed) {
            ctx.note(Text::key("note.backup_someone_committed"));
            self.decide(me, s, true, ctx);
        } else if all.contains(&Phase::Aborted) || all.contains(&Phase::Init) {
            ctx.note(Text::key("note.backup_someone_aborted"));
            self.decide(me, s, false, ctx);
        } else if all.contains(&Phase::PreCommitted) {
            self.precommit(s, ctx);
            let doubt: Vec<NodeId> = states.iter().filter(|(_, &p)| p == Phase::Ready).map(|(&j, _)| j).collect();
            if doubt.is_empty() {
                ctx.note(Text::key("note.backup_all_pre"));
                self.decide(me, s, true, ctx);
            } else {
                ctx.note(phrase!("note.backup_precommits", shared_nodes(&doubt)));
                for &j in &doubt {
                    ctx.send(j, Msg::PreCommit);
                }
                s.backup = Some(Backup::PreCommitting(doubt));
                ctx.set_timer(self.timeout, Timer::BackupAcks);
            }
        } else {
            ctx.note(Text::key("note.backup_all_doubt"));
            self.decide(me, s, false, ctx);
        }
    }
}

fn shared_nodes(list: &[NodeId]) -> Text {
    crate::words::nodes(list)
}

impl Committer for ThreePhaseCommit {
    fn with_votes(n: usize, votes: Vec<Vote>, timeout: Time, patience: Time) -> ThreePhaseCommit {
        ThreePhaseCommit { n, votes, timeout, patience }
    }

    fn patience(&self) -> Time {
        self.patience
    }
}

impl Protocol for ThreePhaseCommit {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        const SCENARIOS: &[ReadyScenario] = &[
            ReadyScenario { id: "commit", fragment: "v=1&proto=commit-3pc&n=4&seed=1" },
            ReadyScenario { id: "one-no", fragment: "v=1&proto=commit-3pc&n=4&seed=1&p.no_vote=2" },
            ReadyScenario { id: "coordinator-crash", fragment: "v=1&proto=commit-3pc&n=4&seed=1&act=send.cancommit.n0.2:crash:0" },
            ReadyScenario { id: "partition", fragment: "v=1&proto=commit-3pc&n=4&seed=1&act=send.precommit.n0.1:partition:0.1/2.3" },
        ];
        commit::info("commit-3pc", SCENARIOS, WORDS).faults(FAULTS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        commit::build(setup)
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh();
        if me == COORDINATOR {
            s.write(Rec::Begin);
            ctx.note(phrase!("note.cancommit", self.n - 1));
            for p in self.participants() {
                ctx.send(p, Msg::CanCommit);
            }
            ctx.set_timer(self.timeout, Timer::Votes);
        }
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        if commit::deaf(s, ctx) {
            return;
        }
        match m {
            // Yes here only says "I could commit": undo and redo wait for PreCommit.
            Msg::CanCommit if s.phase == Phase::Init && s.log.is_empty() => {
                if let Some(yes) = commit::cast_vote(s, self.votes[me], &[], "note.can_yes", ctx) {
                    ctx.send(from, Msg::Vote(yes));
                    if yes {
                        self.wait(me, s, 0, ctx);
                    }
                }
            }
            Msg::CanCommit => ctx.note(Text::key("note.late_prepare")),
            Msg::Vote(yes) => match commit::count_vote(me, s, from, yes, self.n, ctx) {
                Some(true) => {
                    s.write(Rec::Pre);
                    s.phase = Phase::PreCommitted;
                    ctx.cancel_timer(Timer::Votes);
                    ctx.note(Text::key("note.all_yes_pre"));
                    for p in self.participants() {
                        ctx.send(p, Msg::PreCommit);
                    }
                    ctx.set_timer(self.timeout, Timer::PreAcks);
                }
                Some(false) => self.decide(me, s, false, ctx),
                None => {}
            },
            Msg::PreCommit => {
                if matches!(s.phase, Phase::Ready | Phase::PreCommitted) {
                    self.precommit(s, ctx);
                    ctx.note(Text::key("note.precommits"));
                    ctx.send(from, Msg::PreAck);
                    self.wait(me, s, if from == COORDINATOR { 0 } else { 2 }, ctx);
                } else {
                    ctx.note(Text::key("note.late_precommit"));
                }
            }
            Msg::PreAck => match &mut s.backup {
                Some(Backup::PreCommitting(waiting)) => {
                    waiting.retain(|&j| j != from);
                    if waiting.is_empty() {
                        ctx.note(Text::key("note.backup_all_pre"));
                        self.decide(me, s, true, ctx);
                    }
                }
                _ if me == COORDINATOR && s.phase == Phase::PreCommitted && !s.asking => {
                    if !s.pre_acks.contains(&from) {
                        s.pre_acks.push(from);
                    }
                    if s.pre_acks.len() == self.n - 1 {
                        ctx.note(Text::key("note.all_preacks"));
                        self.decide(me, s, true, ctx);
                    } else {
                        ctx.note(phrase!("note.got_preack", from, s.pre_acks.len(), self.n - 1));
                    }
                }
                _ => ctx.note(phrase!("note.late_preack", from)),
            },
            Msg::DoCommit | Msg::Abort => {
                let commit = m == Msg::DoCommit;
                if self.settle(me, s, commit, ctx) {
                    ctx.note(Text::key(if commit { "note.commits" } else { "note.rolls_back" }));
                } else {
                    ctx.note(Text::key("note.acks_again"));
                }
                if me != COORDINATOR {
                    ctx.send(from, Msg::Ack);
                }
            }
            Msg::Ack => commit::count_ack(me, s, from, self.n, ctx),
            Msg::StateReq => {
                ctx.note(phrase!("note.reports_state", from, Text::Id("phase", s.phase.short())));
                ctx.send(from, Msg::State(s.phase));
                if from < me && s.backup.is_some() {
                    ctx.note(phrase!("note.defers", from));
                    s.backup = None;
                    ctx.cancel_timer(Timer::Collect);
                    ctx.cancel_timer(Timer::BackupAcks);
                }
                if s.backup.is_none() {
                    self.wait(me, s, 2, ctx);
                }
            }
            Msg::State(phase) => {
                if let Some(Backup::Collecting(states)) = &mut s.backup {
                    states.insert(from, phase);
                }
            }
            Msg::Inquire => {
                if let Some(committed) = commit::answer_inquiry(s, from, ctx) {
                    ctx.send(from, if committed { Msg::DoCommit } else { Msg::Abort });
                }
            }
        }
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Votes if me == COORDINATOR && s.phase == Phase::Init => {
                ctx.note(phrase!("note.votes_missing_3pc", s.yes.len(), self.n - 1));
                self.decide(me, s, false, ctx);
            }
            Timer::PreAcks if me == COORDINATOR && s.phase == Phase::PreCommitted => {
                ctx.note(phrase!("note.preacks_missing", s.pre_acks.len(), self.n - 1));
                self.decide(me, s, true, ctx);
            }
            Timer::Wait if !s.decided() && s.backup.is_none() && matches!(s.phase, Phase::Ready | Phase::PreCommitted) => {
                ctx.note(Text::key("note.becomes_backup"));
                s.backup = Some(Backup::Collecting(Default::default()));
                for p in self.others(me) {
                    ctx.send(p, Msg::StateReq);
                }
                ctx.set_timer(self.timeout, Timer::Collect);
            }
            Timer::Collect => {
                if let Some(Backup::Collecting(states)) = s.backup.take() {
                    self.terminate(me, s, &states, ctx);
                }
            }
            Timer::BackupAcks => {
                if let Some(Backup::PreCommitting(_)) = s.backup {
                    ctx.note(Text::key("note.backup_acks_missing"));
                    self.decide(me, s, true, ctx);
                }
            }
            _ => {}
        }
    }

    fn on_recover(&self, me: NodeId, old: &Node, ctx: &mut Ctx<Self>) -> Node {
        let mut s = old.recovered();
        if me == COORDINATOR {
            match s.phase {
                Phase::Committed | Phase::Aborted if s.log.last() == Some(&Rec::End) => ctx.note(Text::key("note.coord_over")),
                Phase::Committed | Phase::Aborted => {
                    ctx.note(Text::key("note.coord_resends"));
                    self.announce(me, &s, ctx);
                }
                Phase::PreCommitted => {
                    s.asking = true;
                    ctx.note(Text::key("note.coord_asks"));
                    for p in self.participants() {
                        ctx.send(p, Msg::Inquire);
                    }
                }
                _ => {
                    ctx.note(Text::key("note.presumed_abort_3pc"));
                    self.decide(me, &mut s, false, ctx);
                }
            }
        } else {
            match s.phase {
                Phase::Ready | Phase::PreCommitted => {
                    s.since = ctx.now();
                    ctx.note(Text::key("note.in_doubt_asks_all"));
                    for p in (0..self.n).filter(|&p| p != me) {
                        ctx.send(p, Msg::Inquire);
                    }
                    self.wait(me, &mut s, 0, ctx);
                }
                Phase::Init => ctx.note(Text::key("note.recovers_unvoted")),
                _ => ctx.note(Text::key("note.recovers_decided")),
            }
        }
        s
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::CanCommit => MsgLabel::new("cancommit", ""),
            Msg::Vote(yes) => MsgLabel::new("vote", if *yes { "yes" } else { "no" }),
            Msg::PreCommit => MsgLabel::new("precommit", ""),
            Msg::PreAck => MsgLabel::new("preack", ""),
            Msg::DoCommit => MsgLabel::new("docommit", ""),
            Msg::Abort => MsgLabel::new("abort", ""),
            Msg::Ack => MsgLabel::new("ack", ""),
            Msg::StateReq => MsgLabel::new("statereq", ""),
            Msg::State(p) => MsgLabel::new("state", p.short()),
            Msg::Inquire => MsgLabel::new("inquire", ""),
        }
    }

    fn timer_name(&self, t: &Timer) -> &'static str {
        match t {
            Timer::Votes => "votes",
            Timer::PreAcks => "preacks",
            Timer::Wait => "wait",
            Timer::Collect => "collect",
            Timer::BackupAcks => "backup_acks",
        }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        commit::view(me, s, true)
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![commit::atomicity(), commit::blocking()]
    }

    fn metrics(&self, stats: &Stats, _run: &RunView<Self>) -> Vec<Metric> {
        commit::metrics(stats, self.n, PHASES)
    }
}

const WORDS: Words = &[
    w("name", "Three-phase commit (3PC)", "三阶段提交（3PC）"),
    w(
        "summary",
        "CanCommit, PreCommit, DoCommit: nobody commits before every participant knows that all voted yes, so when the coordinator falls silent the survivors can finish on their own. Participants have timeouts too and run a termination protocol: one pre-committed survivor means commit, all in doubt means abort. 6(N-1) messages for a commit. It assumes crashes, not partitions: split the network during PreCommit and the two sides decide differently.",
        "CanCommit、PreCommit、DoCommit：在每个参与者都知道全体投了赞成票之前，没有人提交，因此协调者沉默时，幸存者能够自行完成事务。参与者也有超时，并运行终止协议：只要有一个幸存者已预提交就提交，全部处于不确定状态则中止。一次提交需要 6(N-1) 条消息。它假设的是崩溃而不是网络分区：在 PreCommit 期间分割网络，两边会做出不同的决定。",
    ),
    w("param.timeout", "Ticks the coordinator waits for votes or PreCommit acknowledgements; participant i waits i times this for the coordinator before running the termination protocol", "协调者等待投票或 PreCommit 确认的时长；参与者 i 等待协调者的时长为它的 i 倍，之后运行终止协议"),
    w("msg.cancommit", "CanCommit", "CanCommit（询问）"),
    w("msg.precommit", "PreCommit", "PreCommit（预提交）"),
    w("msg.preack", "PreCommit ack", "PreCommit 确认"),
    w("msg.docommit", "DoCommit", "DoCommit（提交）"),
    w("msg.abort", "Abort", "Abort（中止）"),
    w("msg.statereq", "state request", "状态询问"),
    w("msg.state", "state", "状态"),
    w("timer.preacks", "PreCommit ack timeout", "PreCommit 确认超时"),
    w("timer.wait", "coordinator timeout", "协调者超时"),
    w("timer.collect", "state collection", "收集状态"),
    w("timer.backup_acks", "backup's PreCommit ack timeout", "后备协调者的 PreCommit 确认超时"),
    w("mark.precommitted", "pre-committed", "已预提交"),
    w("metric.phase3_messages", "messages in phase 3 (DoCommit or Abort)", "第三阶段消息数（DoCommit 或 Abort）"),
    w("metric.termination_messages", "termination and recovery messages", "终止协议与恢复消息数"),
    w("metric.phase1_messages", "messages in phase 1 (CanCommit)", "第一阶段消息数（CanCommit）"),
    w("metric.phase2_messages", "messages in phase 2 (PreCommit)", "第二阶段消息数（PreCommit）"),
    w("note.cancommit", "logs begin and asks the {0} participants whether they can commit", "写入 begin 日志，询问 {0} 个参与者能否提交"),
    w("note.can_yes", "can commit: logs yes, keeps its locks, votes yes and starts its timeout", "可以提交：写入 yes，保持锁，投赞成票并启动超时"),
    w("note.all_yes_pre", "every vote is yes: logs pre and sends PreCommit", "全部赞成：写入 pre 并发送 PreCommit"),
    w("note.precommits", "executes the transaction, logs undo, redo and pre, and acknowledges", "执行事务，写入 undo、redo 与 pre，并确认"),
    w("note.late_precommit", "has decided already: ignores a PreCommit", "已经有结果：忽略 PreCommit"),
    w("note.all_preacks", "every participant is pre-committed: logs commit and sends DoCommit", "所有参与者都已预提交：写入 commit 并发送 DoCommit"),
    w("note.got_preack", "n{0} is pre-committed ({1} of {2})", "n{0} 已预提交（{2} 个中的 {1} 个）"),
    w("note.late_preack", "a PreCommit ack from n{0} comes when nobody waits for it", "来自 n{0} 的 PreCommit 确认到达时已无人等待"),
    w("note.votes_missing_3pc", "only {0} of {1} yes votes before the timeout: aborts", "超时前只收到 {1} 票中的 {0} 张赞成票：中止"),
    w("note.preacks_missing", "only {0} of {1} PreCommit acks before the timeout: the silent ones must have crashed; commits", "超时前只收到 {1} 个 PreCommit 确认中的 {0} 个：未应答者必定已崩溃；提交"),
    w("note.becomes_backup", "the coordinator is silent too long: becomes backup coordinator and asks the other participants for their states", "协调者沉默太久：成为后备协调者，询问其他参与者的状态"),
    w("note.reports_state", "tells the backup n{0} its state: {1}", "告诉后备协调者 n{0} 自己的状态：{1}"),
    w("note.defers", "a lower participant, n{0}, is backup already: gives way", "编号更小的参与者 n{0} 已是后备协调者：让位"),
    w("note.backup_someone_committed", "someone has committed: commits and tells the others", "已有参与者提交：提交并通知其他人"),
    w("note.backup_someone_aborted", "someone aborted or never voted: aborts and tells the others", "有参与者已中止或从未投票：中止并通知其他人"),
    w("note.backup_all_pre", "everyone it heard from is pre-committed: commits and tells the others", "收到回复的参与者都已预提交：提交并通知其他人"),
    w("note.backup_precommits", "someone is pre-committed: sends PreCommit to {0}, still in doubt", "已有参与者预提交：向仍不确定的 {0} 发送 PreCommit"),
    w("note.backup_all_doubt", "everyone it heard from is in doubt: nobody can have committed, so it aborts", "收到回复的参与者都不确定：不可能有人已提交，于是中止"),
    w("note.backup_acks_missing", "not every PreCommit was acknowledged in time: commits all the same", "并非所有 PreCommit 都按时得到确认：仍然提交"),
    w("note.coord_asks", "back up with pre but no outcome in its log: a backup may have decided; asks the participants", "恢复后日志有 pre 但无结果：后备协调者可能已作出决定；询问参与者"),
    w("note.presumed_abort_3pc", "back up with neither pre nor an outcome in its log: nobody can have committed, so it aborts", "恢复后日志中既无 pre 也无结果：不可能有人已提交，于是中止"),
    w("note.in_doubt_asks_all", "back up without an outcome: takes its locks again, asks every other node and restarts its timeout", "恢复后没有结果：重新加锁，询问其他所有节点，并重新启动超时"),
    w("scenario.commit", "Normal commit in three phases", "三个阶段的正常提交"),
    w(
        "scenario.commit.about",
        "CanCommit, three yes votes; PreCommit, each participant logs undo, redo and pre and acknowledges; DoCommit, each commits, releases its locks and acknowledges. 18 messages, 6(N-1) for N = 4: 6 in each phase, one round more than 2PC's 12.",
        "CanCommit，三张赞成票；PreCommit，每个参与者写入 undo、redo 与 pre 并确认；DoCommit，每个参与者提交、释放锁并确认。共 18 条消息，即 N = 4 时的 6(N-1)：每个阶段 6 条，比 2PC 的 12 条多一轮。",
    ),
    w(
        "scenario.one-no.about",
        "n2 votes no and aborts at once; the coordinator, on that no, skips PreCommit and sends Abort to all three; n1 and n3 release their locks and everyone acknowledges. 12 messages, 4(N-1): the PreCommit phase never happens.",
        "n2 投反对票并立即中止；协调者收到这张反对票后跳过 PreCommit，向三个参与者发送 Abort；n1 和 n3 释放锁，每个人都确认。共 12 条消息，即 4(N-1)：PreCommit 阶段没有发生。",
    ),
    w("scenario.coordinator-crash", "Coordinator crash: timeouts finish the job", "协调者崩溃：超时机制收尾"),
    w(
        "scenario.coordinator-crash.about",
        "The same crash that blocks 2PC: the coordinator dies right after its second CanCommit, and n1 and n2 vote yes into silence. This time they have timeouts. n1's fires first (300 ticks; n2 would wait 600): it becomes backup coordinator and asks n2 and n3 for their states. n2 is in doubt and n3 never voted, so nobody can have committed: n1 aborts and sends Abort. Everyone ends aborted (n3 too, when the Abort reaches it), no lock is held, and the blocking detector stays quiet: 12 messages, 4 of them for the termination protocol.",
        "与使 2PC 阻塞的崩溃相同：协调者在发出第二条 CanCommit 后立即崩溃，n1 和 n2 投了赞成票却得不到回音。这一次它们有超时。n1 的超时先到（300 个时间单位；n2 要等 600）：它成为后备协调者，询问 n2 和 n3 的状态。n2 不确定，n3 从未投票，因此不可能有人已提交：n1 中止并发送 Abort。所有人最终都中止（n3 收到 Abort 后也中止），没有锁被持有，阻塞检测器保持安静：共 12 条消息，其中 4 条属于终止协议。",
    ),
    w("scenario.partition", "A partition during PreCommit: 3PC ends inconsistent", "PreCommit 期间的网络分区：3PC 结果不一致"),
    w(
        "scenario.partition.about",
        "The network splits into {n0, n1} and {n2, n3} just after the coordinator sends its first PreCommit, so only n1 gets one. n1 pre-commits; the coordinator hears no PreAck from n2 and n3, takes them for crashed (that is 3PC's assumption) and after its timeout commits with n1. On the other side n2 times out, becomes backup and finds only n3, also in doubt: with nobody pre-committed in sight it aborts, and n3 with it. n0 and n1 committed, n2 and n3 aborted: the atomicity invariant fires (at t=967, after 20 messages). 3PC is non-blocking only because it cannot tell a partition from a crash.",
        "网络在协调者发出第一条 PreCommit 后立即分裂为 {n0, n1} 和 {n2, n3}，所以只有 n1 收到了它。n1 预提交；协调者收不到 n2 和 n3 的 PreCommit 确认，认为它们已崩溃（这正是 3PC 的假设），超时后与 n1 一起提交。另一边，n2 超时后成为后备协调者，只能联系到同样不确定的 n3：看不到任何已预提交的参与者，于是中止，n3 也随之中止。n0 和 n1 已提交，n2 和 n3 已中止：原子性不变式报警（t=967，共 20 条消息）。3PC 之所以不阻塞，是因为它无法区分网络分区与崩溃。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::consensus::commit::testing::*;
    use crate::sim::kit::{self, measured, reading, run_out};
    use crate::sim::rng::SimRng;
    use crate::sim::{Act, Topology};

    #[test]
    fn a_commit_costs_6_n_minus_1_messages_two_per_participant_per_phase() {
        for n in [3, 4, 8] {
            for seed in 0..20 {
                let mut e = engine::<ThreePhaseCommit>(n, vec![Vote::Yes; n], seed, kit::delays(1, 100));
                run_out(&mut e);
                let p = (n - 1) as f64;
                assert_eq!(reading(&e, "commit_messages"), (Some(6.0 * p), Textbook::Exact(6.0 * p)), "N={n}");
                for phase in ["phase1_messages", "phase2_messages", "phase3_messages"] {
                    assert_eq!(reading(&e, phase), (Some(2.0 * p), Textbook::Exact(2.0 * p)), "N={n} {phase}");
                }
                assert_eq!(reading(&e, "termination_messages"), (Some(0.0), Textbook::Exact(0.0)));
                assert!(e.world.states.iter().all(|s| s.phase == Phase::Committed && !s.locks));
                assert_eq!(e.world.states[0].log.last(), Some(&Rec::End));
                assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            }
        }
    }

    #[test]
    fn an_abort_in_phase_one_costs_4_n_minus_1() {
        for n in [3, 4, 8] {
            let mut votes = vec![Vote::Yes; n];
            votes[1] = Vote::No;
            let mut e = engine::<ThreePhaseCommit>(n, votes, 5, kit::delays(1, 100));
            run_out(&mut e);
            let p = (n - 1) as f64;
            assert_eq!(reading(&e, "commit_messages"), (Some(4.0 * p), Textbook::Exact(4.0 * p)), "N={n}");
            assert_eq!(reading(&e, "phase2_messages"), (Some(0.0), Textbook::Exact(0.0)));
            assert_eq!(reading(&e, "phase3_messages"), (Some(2.0 * p), Textbook::Exact(2.0 * p)));
            assert!(e.world.states.iter().all(|s| s.phase == Phase::Aborted && !s.locks));
        }
    }

    #[test]
    fn over_a_thousand_seeds_atomicity_holds_and_everyone_follows_the_coordinator() {
        let mut outcomes = [0; 2];
        for seed in 0..1000u64 {
            let n = 3 + (seed % 7) as usize;
            let mut draw = SimRng::new(seed ^ 0xc0de);
            let votes = random_votes(n, &mut draw);
            let mut e = engine::<ThreePhaseCommit>(n, votes.clone(), seed, kit::delays(1, 100));
            run_out(&mut e);
            check_outcome(&e.world.states, &votes, seed);
            outcomes[(e.world.states[0].phase == Phase::Committed) as usize] += 1;
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
        }
        assert!(outcomes[0] > 100 && outcomes[1] > 100, "{outcomes:?}");
    }

    /// Inside the assumptions (crashes, no partition): the coordinator dies at a random
    /// moment, sometimes a participant too; the survivors end with one outcome.
    #[test]
    fn random_crashes_leave_the_survivors_agreeing_and_unblocked() {
        for seed in 0..300u64 {
            let n = 3 + (seed % 7) as usize;
            let mut draw = SimRng::new(seed ^ 0xfa11);
            let mut e = engine::<ThreePhaseCommit>(n, vec![Vote::Yes; n], seed, kit::delays(1, 100));
            let at = 1 + draw.below(8 * n as u64);
            for _ in 0..at {
                if !e.step() {
                    break;
                }
            }
            if e.world.up[0] {
                e.apply(&Act::Crash(0)).unwrap();
            }
            run_out(&mut e);
            let bad: Vec<_> = e.trace.violations().iter().filter(|v| v.invariant == "atomicity").collect();
            assert!(bad.is_empty(), "seed {seed}: {bad:?}");
            let live: Vec<Phase> = (1..n).map(|i| e.world.states[i].phase).collect();
            assert!(live.iter().all(|p| p.decided() || *p == Phase::Init), "seed {seed}: {live:?}");
            assert!(e.world.states.iter().all(|s| !s.locks), "seed {seed}");
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
        }
    }

    #[test]
    fn build_refuses_bad_parameters() {
        let err = ThreePhaseCommit::build(&kit::setup::<ThreePhaseCommit>(3, "silent=3", 1)).err().unwrap();
        assert!(err.contains("silent 3") && err.contains("1 to 2"), "{err}");
        let err = ThreePhaseCommit::build(&kit::setup_on::<ThreePhaseCommit>(4, "ring", "", 1)).err().unwrap();
        assert!(err.contains("star"), "{err}");
        let mut p = kit::params::<ThreePhaseCommit>("");
        p.0.insert("patience", crate::sim::ParamValue::Int(-3));
        let err = ThreePhaseCommit::build(&Setup::new(4, Topology::Star, p, 1).unwrap()).err().unwrap();
        assert!(err.contains("patience -3"), "{err}");
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let h = kit::ready::<ThreePhaseCommit>("commit");
        assert_eq!(measured(&h, "commit_messages"), Some(18.0));
        for phase in ["phase1_messages", "phase2_messages", "phase3_messages"] {
            assert_eq!(measured(&h, phase), Some(6.0));
        }
        assert!(h.sim().trace().violations().is_empty());
        assert_eq!(roles(&h), vec!["committed"; 3]);

        let h = kit::ready::<ThreePhaseCommit>("one-no");
        assert_eq!(measured(&h, "commit_messages"), Some(12.0));
        assert_eq!(measured(&h, "phase2_messages"), Some(0.0));
        assert!(h.sim().trace().violations().is_empty());
        assert_eq!(roles(&h), vec!["aborted"; 3]);

        let h = kit::ready::<ThreePhaseCommit>("coordinator-crash");
        assert!(h.sim().trace().violations().is_empty(), "{:?}", h.sim().trace().violations());
        assert_eq!(roles(&h), vec!["aborted"; 3]);
        let backups: Vec<_> = h.sim().trace().marked("decided").map(|(e, m)| (e.node, m.key)).collect();
        assert_eq!(backups, vec![(Some(1), 0)], "n1 decides, as backup");
        assert_eq!(measured(&h, "commit_messages"), Some(12.0));
        assert_eq!(measured(&h, "termination_messages"), Some(4.0));

        let h = kit::ready::<ThreePhaseCommit>("partition");
        let v = h.sim().trace().violations();
        let broken = v.iter().find(|v| v.invariant == "atomicity").unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(broken.nodes, vec![0, 1, 2], "n0 and n1 committed when n2 aborted");
        assert!(v.iter().all(|v| v.invariant == "atomicity"), "{v:?}");
        assert_eq!(roles(&h), vec!["committed", "aborted", "aborted"]);
        assert_eq!(h.sim().trace().violations()[0].time, 967);
        assert_eq!(measured(&h, "commit_messages"), Some(20.0));
    }
}
