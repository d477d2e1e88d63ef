//! What a broken property says: a leaf shared by the protocol's invariants, the history
//! monitors and the engine that keeps their verdicts, so none of them imports another
//! for it.

use super::NodeId;
use crate::words::Text;

/// A broken property, as data: who is involved and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    pub nodes: Vec<NodeId>,
    pub detail: Text,
}

impl Breach {
    /// The common shape of a check: the nodes that offend, if any, make the breach.
    pub fn unless_empty(offenders: Vec<NodeId>, detail: impl FnOnce(&[NodeId]) -> Text) -> Result<(), Breach> {
        if offenders.is_empty() {
            Ok(())
        } else {
            Err(Breach { detail: detail(&offenders), nodes: offenders })
        }
    }
}
