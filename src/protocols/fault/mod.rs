//! F. Fault tolerance and placement: failure detectors, consistent hashing, load balancing,
//! replication under partitions, checkpoints, deadlock detection, synchronizers.

pub mod consistent_hashing;

use crate::sim::Family;
use crate::words::{w, Words};

pub static FAMILY: Family = Family { id: "fault", words: WORDS, compare: &[] };

/// F. Fault tolerance's shared words.
const WORDS: Words = &[
    w("family.fault", "Fault tolerance and placement", "容错与放置"),
];

/// Heartbeats: a fixed timeout against φ accrual detection, with bounded retries.
pub mod heartbeat;
