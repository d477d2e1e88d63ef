//! D. Commit and consensus: Paxos and Raft.

pub mod raft;
