//! E. Communication: remote procedure calls, message queues, gossip, a reliable channel.

use crate::sim::Family;
use crate::words::{w, Words};

pub static FAMILY: Family = Family { id: "communication", words: WORDS, compare: &[] };

/// E. Communication's shared words.
const WORDS: Words = &[
    w("family.communication", "Communication", "通信"),
];
