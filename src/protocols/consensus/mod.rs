//! D. Commit and consensus: two- and three-phase commit, Paxos and Raft.

/// What 2PC and 3PC share: logs, votes, atomicity, the blocking detector, costs per phase.
pub mod commit;
pub mod two_phase;
pub mod three_phase;
pub mod paxos;
pub mod raft;
