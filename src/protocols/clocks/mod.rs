//! C. Clocks, cuts and ordered multicast.

pub mod vector;

/// Ordered multicast: the machinery, then one file per ordering.
pub mod multicast;
pub mod multicast_fifo;
pub mod multicast_causal;
pub mod multicast_total;
pub mod multicast_hybrid;
