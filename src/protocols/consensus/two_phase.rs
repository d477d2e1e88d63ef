//! # Two-phase commit (2PC)
//!
//! One transaction touches data on several nodes; either every node makes its part
//! permanent or none does. Node 0, the coordinator (transaction manager), asks; the
//! participants (resource managers) vote; the coordinator decides for everyone.
//!
//! **Phase 1, voting.** The coordinator logs `begin` and sends `Prepare` to every
//! participant, then waits `timeout` ticks for the votes. A participant that can commit
//! executes the transaction without making it permanent: it writes `undo` (the old
//! values, to roll back) and `redo` (the new ones, to commit) to its log, keeps its locks,
//! logs `yes` and answers `Vote(yes)`. From then on it is *in doubt*: it has promised to
//! commit if told to, so it may neither commit nor abort on its own. A participant that
//! cannot commit logs `no`, aborts at once and answers `Vote(no)`.
//!
//! **Phase 2, completion.** With every vote yes, the coordinator logs `commit` (this record
//! *is* the decision) and sends `Commit` to every participant; on any `no`, or when the
//! timeout passes with votes missing, it logs `abort` and sends `Rollback`. A participant
//! logs the outcome, makes the transaction permanent (redo) or undoes it (undo), releases
//! its locks (only now) and answers `Ack`; the coordinator logs `end` when every
//! acknowledgement is in.
//!
//! **Cost.** Without failures, N-1 participants exchange 4(N-1) messages: N-1 `Prepare`,
//! N-1 votes, N-1 outcomes and N-1 `Ack`s, 2(N-1) in each phase, whether the outcome is
//! commit or abort (the coordinator tells every participant, including one that voted no).
//!
//! **Failures, by the log.** Only the coordinator has a timeout, and only while collecting
//! votes. A participant that recovers reads its log: with an outcome recorded there is
//! nothing left to do; in doubt (`yes` but no outcome) it takes its locks again and asks
//! the coordinator (`Inquire`), which answers with the outcome once it has one; without a
//! vote it has promised nothing and waits for the coordinator's `Rollback`. A coordinator
//! that recovers with an outcome in its log sends it again to every participant; without
//! one, it aborts (no participant can have committed, since the commit record comes first).
//!
//! **Blocking.** If the coordinator crashes after some participants have voted yes and
//! before they hear the outcome, they are stuck: in doubt, holding their locks, with nobody
//! else to ask (the other participants know no more than they do). They wait until the
//! coordinator comes back. The blocking detector reports them once the run is at rest (or
//! after `patience` ticks); 2PC does not promise to avoid it, which is what 3PC is for.
//!
//! Marks: `voted` (key 1 for yes), `decided` (the coordinator's outcome record, key 1 for
//! commit), `committed`, `aborted`. Anchored crashes: `send.prepare.n0.2:crash:0` (the
//! coordinator dies having sent two `Prepare`s), `mark.decided.n0:crash:0` (it dies having
//! logged the outcome, before sending it), `mark.voted.n2:crash:2` (a participant dies
//! having logged its vote, before sending it).

use super::commit::{self, Committer, Node, Phase, PhaseSpec, Rec, Stats, Vote, COORDINATOR};
use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::view::NodeView;
use crate::sim::{NodeId, Time};
use crate::words::{w, Text, Words};

pub struct TwoPhaseCommit {
    n: usize,
    votes: Vec<Vote>,
    timeout: Time,
    patience: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Prepare,
    Vote(bool),
    Commit,
    Rollback,
    Ack,
    /// A participant in doubt asks for the outcome.
    Inquire,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The coordinator stops waiting for votes.
    Votes,
}

/// What 2PC survives safely: any crash (the coordinator's too) with recovery from the log,
/// lost messages, slow links and partitions. It never breaks atomicity under these; it only
/// blocks (the `nonblocking` detector, reported apart: a lesson, not a promise).
/// Faults fall while the commit is under way: a default commit takes about 250 ticks.
const WINDOW: Time = 300;
pub const FAULTS: FaultModel = FaultModel { crash: true, recover: true, max_down: MaxDown::AllButOne, drop: true, partition: true, slow: true, safety: &["atomicity"], window: WINDOW };

pub const PHASES: &[PhaseSpec] = &[
    PhaseSpec { id: "phase1_messages", kinds: &["prepare", "vote"], on_commit: 2, on_abort: 2 },
    PhaseSpec { id: "phase2_messages", kinds: &["commit", "rollback", "ack"], on_commit: 2, on_abort: 2 },
];

impl TwoPhaseCommit {
    fn participants(&self) -> impl Iterator<Item = NodeId> {
        1..self.n
    }

    /// The coordinator logs the outcome (the decision) and tells every participant.
    fn decide(&self, s: &mut Node, commit: bool, ctx: &mut Ctx<Self>) {
        s.write(if commit { Rec::Commit } else { Rec::Abort });
        s.phase = if commit { Phase::Committed } else { Phase::Aborted };
        s.acks.clear();
        ctx.cancel_timer(Timer::Votes);
        ctx.mark_with("decided", commit as u64);
        self.announce(s, ctx);
    }

    fn announce(&self, s: &Node, ctx: &mut Ctx<Self>) {
        let commit = s.phase == Phase::Committed;
        for p in self.participants() {
            ctx.send(p, if commit { Msg::Commit } else { Msg::Rollback });
        }
    }

    /// A participant applies the outcome, releases its locks and acknowledges.
    fn finish(&self, s: &mut Node, commit: bool, from: NodeId, ctx: &mut Ctx<Self>) {
        if s.silent {
            return;
        }
        if !s.decided() {
            s.write(if commit { Rec::Commit } else { Rec::Abort });
            s.phase = if commit { Phase::Committed } else { Phase::Aborted };
            s.locks = false;
            ctx.mark(if commit { "committed" } else { "aborted" });
            ctx.note(Text::key(if commit { "note.commits" } else { "note.rolls_back" }));
        } else {
            ctx.note(Text::key("note.acks_again"));
        }
        ctx.send(from, Msg::Ack);
    }
}

impl Committer for TwoPhaseCommit {
    fn with_votes(n: usize, votes: Vec<Vote>, timeout: Time, patience: Time) -> TwoPhaseCommit {
        TwoPhaseCommit { n, votes, timeout, patience }
    }

    fn patience(&self) -> Time {
        self.patience
    }
}

impl Protocol for TwoPhaseCommit {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        const SCENARIOS: &[ReadyScenario] = &[
            ReadyScenario { id: "commit", fragment: "v=1&proto=commit-2pc&n=4&seed=1" },
            ReadyScenario { id: "one-no", fragment: "v=1&proto=commit-2pc&n=4&seed=1&p.no_vote=2" },
            ReadyScenario { id: "coordinator-crash", fragment: "v=1&proto=commit-2pc&n=4&seed=1&act=send.prepare.n0.2:crash:0" },
        ];
        commit::info("commit-2pc", SCENARIOS, WORDS).faults(FAULTS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        commit::build(setup)
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node::fresh();
        if me == COORDINATOR {
            s.write(Rec::Begin);
            ctx.note(phrase!("note.prepare", self.n - 1));
            for p in self.participants() {
                ctx.send(p, Msg::Prepare);
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
            Msg::Prepare if s.phase == Phase::Init => {
                // Yes means ready to commit whatever happens: undo and redo are logged first.
                if let Some(yes) = commit::cast_vote(s, self.votes[me], &[Rec::Undo, Rec::Redo], "note.votes_yes", ctx) {
                    ctx.send(from, Msg::Vote(yes));
                }
            }
            Msg::Prepare => ctx.note(Text::key("note.late_prepare")),
            Msg::Vote(yes) => match commit::count_vote(me, s, from, yes, self.n, ctx) {
                Some(true) => {
                    ctx.note(Text::key("note.all_yes"));
                    self.decide(s, true, ctx);
                }
                Some(false) => self.decide(s, false, ctx),
                None => {}
            },
            Msg::Commit => self.finish(s, true, from, ctx),
            Msg::Rollback => self.finish(s, false, from, ctx),
            Msg::Ack => commit::count_ack(me, s, from, self.n, ctx),
            Msg::Inquire => {
                if let Some(committed) = commit::answer_inquiry(s, from, ctx) {
                    ctx.send(from, if committed { Msg::Commit } else { Msg::Rollback });
                }
            }
        }
    }

    fn on_timer(&self, _me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Votes if s.phase == Phase::Init => {
                ctx.note(phrase!("note.votes_missing", s.yes.len(), self.n - 1));
                self.decide(s, false, ctx);
            }
            Timer::Votes => {}
        }
    }

    fn on_recover(&self, me: NodeId, old: &Node, ctx: &mut Ctx<Self>) -> Node {
        let mut s = old.recovered();
        if me == COORDINATOR {
            if s.decided() {
                if s.log.last() != Some(&Rec::End) {
                    ctx.note(Text::key("note.coord_resends"));
                    self.announce(&s, ctx);
                } else {
                    ctx.note(Text::key("note.coord_over"));
                }
            } else {
                ctx.note(Text::key("note.presumed_abort"));
                self.decide(&mut s, false, ctx);
            }
        } else {
            match s.phase {
                Phase::Ready => {
                    s.since = ctx.now();
                    ctx.note(Text::key("note.in_doubt_asks"));
                    ctx.send(COORDINATOR, Msg::Inquire);
                }
                Phase::Init => ctx.note(Text::key("note.recovers_unvoted")),
                _ => ctx.note(Text::key("note.recovers_decided")),
            }
        }
        s
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Prepare => MsgLabel::new("prepare", ""),
            Msg::Vote(yes) => MsgLabel::new("vote", if *yes { "yes" } else { "no" }),
            Msg::Commit => MsgLabel::new("commit", ""),
            Msg::Rollback => MsgLabel::new("rollback", ""),
            Msg::Ack => MsgLabel::new("ack", ""),
            Msg::Inquire => MsgLabel::new("inquire", ""),
        }
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        commit::view(me, s, false)
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![commit::atomicity(), commit::blocking()]
    }

    /// 2PC blocks when the coordinator fails at the wrong moment: the detector shows it.
    fn promises(&self, id: &str) -> bool {
        id != "nonblocking"
    }

    fn metrics(&self, stats: &Stats, _run: &RunView<Self>) -> Vec<Metric> {
        commit::metrics(stats, self.n, PHASES)
    }
}

const WORDS: Words = &[
    w("name", "Two-phase commit (2PC)", "两阶段提交（2PC）"),
    w(
        "summary",
        "The coordinator asks every participant to prepare; each votes yes (having logged undo and redo and kept its locks) or no. All yes: commit; any no or a missing vote: roll back. 4(N-1) messages. A participant that voted yes may not decide alone, so a coordinator crash at the wrong moment leaves it blocked, holding its locks.",
        "协调者请所有参与者准备；每个参与者投赞成票（已写好 undo 与 redo 日志并保持锁）或反对票。全部赞成则提交；有反对或缺票则回滚。共 4(N-1) 条消息。投了赞成票的参与者不能自行决定，因此协调者在不恰当的时刻崩溃会使它阻塞，一直持有锁。",
    ),
    w("param.timeout", "Ticks the coordinator waits for the votes before rolling back", "协调者等待投票的时长，超时则回滚"),
    w("msg.commit", "Commit", "Commit（提交）"),
    w("msg.rollback", "Rollback", "Rollback（回滚）"),
    w("note.prepare", "logs begin and asks the {0} participants to prepare", "写入 begin 日志，请 {0} 个参与者准备"),
    w("note.votes_yes", "executes the transaction, logs undo and redo, keeps its locks and votes yes", "执行事务，写入 undo 与 redo 日志，保持锁，投赞成票"),
    w("note.votes_missing", "only {0} of {1} yes votes before the timeout: rolls back", "超时前只收到 {1} 票中的 {0} 张赞成票：回滚"),
    w("note.in_doubt_asks", "back up and in doubt (yes but no outcome in its log): takes its locks again and asks the coordinator", "恢复后处于不确定状态（日志有 yes 但无结果）：重新加锁并询问协调者"),
    w("note.presumed_abort", "back up with no outcome in its log: nobody can have committed, so it rolls back", "恢复后日志中没有结果：不可能有人已提交，于是回滚"),
    w("scenario.commit", "Normal commit", "正常提交"),
    w(
        "scenario.commit.about",
        "The coordinator n0 sends Prepare to the three participants; each logs undo and redo, keeps its locks (the padlock) and votes yes. With three yes votes n0 logs commit and sends Commit; each participant commits, releases its locks and acknowledges. 12 messages, 4(N-1) for N = 4: 6 in the voting phase, 6 in the completion phase.",
        "协调者 n0 向三个参与者发送 Prepare；每个参与者写入 undo 与 redo 日志，保持锁（挂锁图标）并投赞成票。收到三张赞成票后，n0 写入 commit 并发送 Commit；每个参与者提交、释放锁并确认。共 12 条消息，即 N = 4 时的 4(N-1)：投票阶段 6 条，完成阶段 6 条。",
    ),
    w(
        "scenario.one-no.about",
        "n2 cannot commit: it votes no and aborts at once. The first no is enough: the coordinator logs abort and sends Rollback to all three participants; n1 and n3, which had voted yes and kept their locks, undo their changes and release them. Still 12 messages, 4(N-1): the coordinator tells everyone, including n2, and everyone acknowledges.",
        "n2 无法提交：它投反对票并立即中止。一张反对票就足够了：协调者写入 abort，向三个参与者发送 Rollback；投了赞成票并保持锁的 n1 和 n3 撤销修改并释放锁。仍是 12 条消息，即 4(N-1)：协调者通知所有人（包括 n2），每个人都确认。",
    ),
    w("scenario.coordinator-crash", "Coordinator crash: the participants block", "协调者崩溃：参与者阻塞"),
    w(
        "scenario.coordinator-crash.about",
        "The coordinator crashes right after its second Prepare. n1 and n2 vote yes and are now in doubt: they promised to commit if told to, so they may not abort on their own, and n3, which never got a Prepare, knows nothing that could help. After 4 messages nothing else can happen: n1 and n2 hold their locks with nobody to ask, and the blocking detector reports them once the run is at rest (t=117). Recover n0: it finds no outcome in its log, rolls back, and the two are freed.",
        "协调者在发出第二条 Prepare 后立即崩溃。n1 和 n2 投了赞成票，现在处于不确定状态：它们承诺过收到指令就提交，所以不能自行中止；而从未收到 Prepare 的 n3 也无法提供任何帮助。仅 4 条消息之后就再无事件发生：n1 和 n2 持有锁却无人可问，系统静止时（t=117）阻塞检测器报告了它们。恢复 n0：它发现日志中没有结果，于是回滚，两者得以解脱。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::consensus::commit::testing::*;
    use crate::sim::kit::{self, measured, reading, run_out};
    use crate::sim::rng::SimRng;
    use crate::sim::{Act, NetworkConfig, Topology};

    #[test]
    fn a_commit_costs_4_n_minus_1_messages_two_per_participant_per_phase() {
        for n in [3, 4, 8] {
            for seed in 0..20 {
                let mut e = engine::<TwoPhaseCommit>(n, vec![Vote::Yes; n], seed, kit::delays(1, 100));
                run_out(&mut e);
                let p = (n - 1) as f64;
                assert_eq!(reading(&e, "commit_messages"), (Some(4.0 * p), Textbook::Exact(4.0 * p)), "N={n}");
                assert_eq!(reading(&e, "phase1_messages"), (Some(2.0 * p), Textbook::Exact(2.0 * p)));
                assert_eq!(reading(&e, "phase2_messages"), (Some(2.0 * p), Textbook::Exact(2.0 * p)));
                assert!(e.world.states.iter().all(|s| s.phase == Phase::Committed && !s.locks));
                assert_eq!(e.world.states[0].log.last(), Some(&Rec::End));
                assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            }
        }
    }

    #[test]
    fn an_abort_costs_the_same_4_n_minus_1() {
        for n in [3, 4, 8] {
            let mut votes = vec![Vote::Yes; n];
            votes[n - 1] = Vote::No;
            let mut e = engine::<TwoPhaseCommit>(n, votes, 5, kit::delays(1, 100));
            run_out(&mut e);
            let p = (n - 1) as f64;
            assert_eq!(reading(&e, "commit_messages"), (Some(4.0 * p), Textbook::Exact(4.0 * p)), "N={n}");
            assert_eq!(reading(&e, "phase2_messages"), (Some(2.0 * p), Textbook::Exact(2.0 * p)));
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
            let mut e = engine::<TwoPhaseCommit>(n, votes.clone(), seed, kit::delays(1, 100));
            run_out(&mut e);
            check_outcome(&e.world.states, &votes, seed);
            outcomes[(e.world.states[0].phase == Phase::Committed) as usize] += 1;
            let bad: Vec<_> = e.trace.violations().iter().filter(|v| v.invariant == "atomicity").collect();
            assert!(bad.is_empty(), "seed {seed}: {bad:?}");
            // Inside the assumptions (no crash) nobody is left blocked either.
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
        }
        assert!(outcomes[0] > 100 && outcomes[1] > 100, "{outcomes:?}");
    }

    #[test]
    fn a_recovered_participant_in_doubt_asks_and_learns_the_outcome() {
        let mut e = engine::<TwoPhaseCommit>(4, vec![Vote::Yes; 4], 3, NetworkConfig::default());
        // n2 crashes once it has voted yes (its vote is on its way).
        while e.world.states[2].phase != Phase::Ready {
            assert!(e.step());
        }
        e.apply(&Act::Crash(2)).unwrap();
        run_out(&mut e);
        assert_eq!(e.world.states[0].phase, Phase::Committed);
        e.apply(&Act::Recover(2)).unwrap();
        assert!(e.world.states[2].locks, "the locks are taken again from the log");
        run_out(&mut e);
        assert_eq!(e.world.states[2].phase, Phase::Committed);
        assert!(!e.world.states[2].locks);
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
    }

    #[test]
    fn build_refuses_bad_parameters() {
        let err = TwoPhaseCommit::build(&kit::setup::<TwoPhaseCommit>(4, "no_vote=2&silent=2", 1)).err().unwrap();
        assert!(err.contains("both name node 2"), "{err}");
        let err = TwoPhaseCommit::build(&kit::setup::<TwoPhaseCommit>(4, "no_vote=5", 1)).err().unwrap();
        assert!(err.contains("no_vote 5") && err.contains("1 to 3"), "{err}");
        let err = TwoPhaseCommit::build(&kit::setup_on::<TwoPhaseCommit>(4, "complete", "", 1)).err().unwrap();
        assert!(err.contains("star"), "{err}");
        let mut p = kit::params::<TwoPhaseCommit>("");
        p.0.insert("timeout", crate::sim::ParamValue::Int(0));
        let err = TwoPhaseCommit::build(&Setup::new(4, Topology::Star, p, 1).unwrap()).err().unwrap();
        assert!(err.contains("timeout 0") && err.contains("1 to 100000"), "{err}");
        let spec = TwoPhaseCommit::info().params.into_iter().find(|s| s.name == "no_vote").unwrap();
        assert!(spec.check(&spec.parse("4").unwrap(), 4).is_err());
        assert!(spec.parse("y.n").is_err());
    }

    #[test]
    fn ready_scenarios_parse_and_do_what_they_say() {
        let h = kit::ready::<TwoPhaseCommit>("commit");
        assert_eq!(measured(&h, "commit_messages"), Some(12.0));
        assert_eq!(measured(&h, "phase1_messages"), Some(6.0));
        assert_eq!(measured(&h, "phase2_messages"), Some(6.0));
        assert!(h.sim().trace().violations().is_empty());
        assert_eq!(roles(&h), vec!["committed"; 3]);

        let h = kit::ready::<TwoPhaseCommit>("one-no");
        assert_eq!(measured(&h, "commit_messages"), Some(12.0));
        assert!(h.sim().trace().violations().is_empty());
        assert_eq!(roles(&h), vec!["aborted"; 3]);

        let h = kit::ready::<TwoPhaseCommit>("coordinator-crash");
        let v = h.sim().trace().violations();
        let blocked = v.iter().find(|v| v.invariant == "nonblocking").unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(blocked.nodes, vec![1, 2]);
        assert_eq!((blocked.time, measured(&h, "commit_messages")), (117, Some(4.0)));
        assert!(v.iter().all(|v| v.invariant == "nonblocking"), "{v:?}");
        assert_eq!(roles(&h), vec!["ready", "ready", "working"]);
        // Recovering the coordinator frees them: presumed abort.
        let mut h = h;
        h.act(Act::Recover(0), None).unwrap();
        while h.forward() {}
        assert_eq!(roles(&h), vec!["aborted"; 3]);
    }
}
