//! Every algorithm dsviz teaches, one file each, in one folder per section of the
//! catalogue, so the tree reads like the course. Adding one is a new file in its family's
//! folder, a `pub mod` line there, and one line in [`REGISTRY`].

use crate::sim::simulation::{entry, ProtocolEntry};

/// A. Mutual exclusion.
pub mod mutex;
/// B. Leader election.
pub mod election;
/// C. Clocks, cuts and ordered multicast.
pub mod clocks;
/// D. Commit and consensus.
pub mod consensus;
/// E. Communication.
pub mod communication;
/// F. Fault tolerance and placement.
pub mod fault;

/// All protocols, in the order the picker lists them. The first is the default.
pub const REGISTRY: &[ProtocolEntry] = &[
    entry::<mutex::token_ring::TokenRing>(),
    entry::<mutex::central::Central>(),
    entry::<mutex::lamport::Lamport>(),
    entry::<mutex::ricart_agrawala::RicartAgrawala>(),
    entry::<mutex::maekawa::Maekawa>(),
    entry::<election::ring::ChangRoberts>(),
    entry::<election::bully::Bully>(),
    entry::<election::all_to_all::AllToAll>(),
    entry::<election::randomized::Randomized>(),
    entry::<election::tree::TreeElection>(),
    entry::<clocks::lamport::LamportClocks>(),
    entry::<clocks::vector::VectorClocks>(),
    entry::<clocks::snapshot::ChandyLamport>(),
    entry::<clocks::multicast_fifo::FifoMulticast>(),
    entry::<clocks::multicast_causal::CausalMulticast>(),
    entry::<clocks::multicast_total::TotalMulticast>(),
    entry::<clocks::multicast_hybrid::HybridMulticast>(),
    entry::<consensus::two_phase::TwoPhaseCommit>(),
    entry::<consensus::three_phase::ThreePhaseCommit>(),
    entry::<consensus::paxos::Paxos>(),
    entry::<consensus::raft::Raft>(),
    entry::<fault::heartbeat::Heartbeat>(),
    entry::<fault::consistent_hashing::ConsistentHashing>(),
];

/// The registry entry with this id.
pub fn find(id: &str) -> Option<&'static ProtocolEntry> {
    REGISTRY.iter().find(|e| e.info().id == id)
}
