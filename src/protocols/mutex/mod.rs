//! A. Mutual exclusion: at most one node in the critical section (ME1), every request
//! eventually served (ME2), entries in happened-before order where promised (ME3).

pub mod central;
pub mod costs;
pub mod lamport;
pub mod ricart_agrawala;
pub mod maekawa;
pub mod token_ring;
