//! D. Commit and consensus: two- and three-phase commit, Paxos and Raft.

/// What 2PC and 3PC share: logs, votes, atomicity, the blocking detector, costs per phase.
use crate::sim::Family;
use crate::words::w;

pub mod commit;
pub mod two_phase;
pub mod three_phase;
pub mod paxos;
pub mod raft;

/// The family's name, the words several of its protocols share, and what `dsviz compare`
/// puts side by side (nothing: its protocols are compared by their lessons, not by one workload).
pub static FAMILY: Family = Family {
    id: "consensus",
    words: &[
        w("family.consensus", "Commit and consensus", "提交与共识"),
        w("msg.prepare", "Prepare", "Prepare（准备）"),
        w("role.candidate", "candidate", "候选者"),
        w("timer.votes", "vote timeout", "投票超时"),
        w("scenario.one-no", "One no vote aborts everyone", "一张反对票使所有人中止"),
    ],
    compare: &[],
};
