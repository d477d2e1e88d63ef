//! Every algorithm dsviz teaches, one file each. Adding one is a new file and one line
//! in [`REGISTRY`].

use crate::sim::simulation::{entry, ProtocolEntry};

pub mod clocks_vector;
pub mod election_ring;
pub mod mutex_token_ring;

/// All protocols, in the order the picker lists them. The first is the default.
pub const REGISTRY: &[ProtocolEntry] = &[
    entry::<mutex_token_ring::TokenRing>(),
    entry::<election_ring::ChangRoberts>(),
    entry::<clocks_vector::VectorClocks>(),
];

/// The registry entry with this id.
pub fn find(id: &str) -> Option<&'static ProtocolEntry> {
    REGISTRY.iter().find(|e| (e.info)().id == id)
}
