//! C. Clocks, cuts and ordered multicast.

/// Concurrent pairs counted as the run goes, shared by the two clock lessons.
use crate::sim::Family;
use crate::words::{w, Words};

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

/// Every clocks lesson can point out a pair of concurrent events whose Lamport stamps are
/// ordered anyway: the converse of the clock condition fails in any run with concurrency.
pub const CONVERSE_PAIR: crate::sim::DiagramTools = crate::sim::DiagramTools { converse_pair: true, ..crate::sim::DiagramTools::NONE };

pub static FAMILY: Family = Family { id: "clocks", words: WORDS, compare: &[] };

/// C. The clock lessons' shared words: the classic picture and the clock condition.
const WORDS: Words = &[
    w("family.clocks", "Clocks, cuts and ordered multicast", "时钟、割与排序组播"),
    w("scenario.classic", "Three processes, the classic picture", "三个进程：经典的图"),
    w("detail.lamport", "Lamport clock", "Lamport 时钟"),
    w("formula.ordered", "L(a) < L(b) does not imply a → b", "L(a) < L(b) 并不意味着 a → b"),
];
