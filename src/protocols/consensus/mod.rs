//! D. Commit and consensus: two- and three-phase commit, Paxos and Raft.

use crate::sim::Family;
use crate::words::{w, Words};

/// What 2PC and 3PC share: logs, votes, atomicity, the blocking detector, costs per phase.
pub mod commit;
pub mod two_phase;
pub mod three_phase;
pub mod paxos;
pub mod raft;

pub static FAMILY: Family = Family { id: "consensus", words: WORDS, compare: &[] };

/// D. Commit and consensus's shared words: Prepare, candidates, vote timeouts.
const WORDS: Words = &[
    w("family.consensus", "Commit and consensus", "提交与共识"),
    w("msg.prepare", "Prepare", "Prepare（准备）"),
    w("role.candidate", "candidate", "候选者"),
    w("timer.votes", "vote timeout", "投票超时"),
    w("scenario.one-no", "One no vote aborts everyone", "一张反对票使所有人中止"),
];
