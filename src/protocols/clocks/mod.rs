//! C. Clocks, cuts and ordered multicast.

/// Concurrent pairs counted as the run goes, shared by the two clock lessons.
pub mod concurrency;
/// The driving both clock lessons share; each is a `Clock`.
pub mod driver;
pub mod lamport;
pub mod vector;
pub mod snapshot;

/// Ordered multicast: the machinery, then one file per ordering.
pub mod multicast;
pub mod multicast_fifo;
pub mod multicast_causal;
pub mod multicast_total;
pub mod multicast_hybrid;
