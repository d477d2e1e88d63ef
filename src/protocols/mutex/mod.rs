//! A. Mutual exclusion: at most one node in the critical section (ME1), every request
//! eventually served (ME2), entries in happened-before order where promised (ME3).

use crate::sim::Family;
use crate::words::{w, Words};

pub mod central;
/// Costs as taught and as measured, and entering the CS, for the whole family.
pub mod costs;
pub mod lamport;
pub mod ricart_agrawala;
pub mod maekawa;
pub mod token_ring;

pub static FAMILY: Family = Family { id: "mutex", words: WORDS, compare: &["entries", "messages_per_entry", "enter_mean", "sync_mean", "throughput"] };

/// A. Mutual exclusion's shared words: entries, requests and the critical section.
const WORDS: Words = &[
    w("family.mutex", "Mutual exclusion", "分布式互斥"),
    w("badge.entries", "entries {0}", "进入 {0} 次"),
    w("detail.wants_since", "wants since", "请求时刻"),
    w("detail.entries", "CS entries", "进入临界区次数"),
    w("msg.request", "request", "请求"),
    w("msg.release", "release", "释放"),
    w("note.wants", "wants the critical section", "请求进入临界区"),
    w("note.enters", "enters the critical section", "进入临界区"),
    w("note.leaves", "leaves the critical section", "离开临界区"),
    w("detail.clock", "Lamport clock", "Lamport 时钟"),
];
