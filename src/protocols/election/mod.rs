//! B. Leader election: at most one coordinator per election, and at rest every live node
//! names the live node with the largest id.

use crate::sim::Family;
use crate::words::{w, Words};

/// What the election protocols share: the safety and liveness monitors, the coordinator they agree on.
pub mod shared;

pub mod ring;
pub mod bully;
pub mod all_to_all;
pub mod randomized;
pub mod tree;

pub static FAMILY: Family = Family { id: "election", words: WORDS, compare: &[] };

/// B. Leader election's shared words: candidates, election and coordinator messages.
const WORDS: Words = &[
    w("family.election", "Leader election", "选举"),
    w("role.candidate", "candidate", "候选者"),
    w("msg.election", "election", "选举"),
    w("msg.coordinator", "coordinator", "协调者"),
    w("metric.election_messages", "Election messages", "Election 消息数"),
    w("metric.coordinator_messages", "Coordinator messages", "Coordinator 消息数"),
    w("detail.started", "elections started here", "在此发起的选举"),
];
