//! Message counts: kept by the engine, read by protocols' metrics through
//! [`super::protocol::RunView`] and reported by the command line. A leaf, so the
//! protocol's view of a run does not import the engine.

use std::collections::BTreeMap;

use serde::Serialize;

/// Message counts, as the command-line runner reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Messages handed to the network by protocols (duplicates not included).
    pub sent: u64,
    pub delivered: u64,
    /// Lost to the drop rate, a cut, a partition or a user's click.
    pub dropped: u64,
    /// Extra copies made by the network or the user.
    pub duplicated: u64,
    /// Sends per message kind.
    pub by_kind: BTreeMap<&'static str, u64>,
}
