//! Who is wired to whom. Protocols ask for neighbours; the UI draws the same edges.
//! Messages may still be sent between any two nodes (the network is complete underneath);
//! the topology is the logical structure the algorithm runs on.

use super::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topology {
    /// Node i talks to i+1 (mod N).
    Ring,
    /// Everyone talks to everyone.
    Complete,
    /// Node 0 in the middle, the others around it.
    Star,
    /// A binary tree in heap order: the parent of i is (i-1)/2, node 0 is the root.
    Tree,
}

pub const ALL_TOPOLOGIES: &[Topology] = &[Topology::Ring, Topology::Complete, Topology::Star, Topology::Tree];

impl Topology {
    pub fn name(self) -> &'static str {
        match self {
            Topology::Ring => "ring",
            Topology::Complete => "complete",
            Topology::Star => "star",
            Topology::Tree => "tree",
        }
    }

    pub fn parse(text: &str) -> Option<Topology> {
        ALL_TOPOLOGIES.iter().copied().find(|t| t.name() == text.trim())
    }

    /// The undirected edges to draw, each once, as (low id, high id) in a stable order.
    pub fn edges(self, n: usize) -> Vec<(NodeId, NodeId)> {
        let mut edges = Vec::new();
        match self {
            Topology::Ring if n >= 2 => {
                for i in 0..n {
                    let j = (i + 1) % n;
                    if n > 2 || i < j {
                        edges.push((i.min(j), i.max(j)));
                    }
                }
            }
            Topology::Complete => {
                for i in 0..n {
                    for j in i + 1..n {
                        edges.push((i, j));
                    }
                }
            }
            Topology::Star => edges.extend((1..n).map(|i| (0, i))),
            Topology::Tree => edges.extend((1..n).map(|i| ((i - 1) / 2, i))),
            Topology::Ring => {}
        }
        edges
    }

    pub fn ring_next(n: usize, i: NodeId) -> NodeId {
        (i + 1) % n
    }

    pub fn tree_parent(i: NodeId) -> Option<NodeId> {
        (i > 0).then(|| (i - 1) / 2)
    }

    pub fn tree_children(n: usize, i: NodeId) -> Vec<NodeId> {
        [2 * i + 1, 2 * i + 2].into_iter().filter(|&c| c < n).collect()
    }

    /// Logical neighbours of `i` (both directions).
    pub fn neighbours(self, n: usize, i: NodeId) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = self
            .edges(n)
            .into_iter()
            .filter_map(|(a, b)| if a == i { Some(b) } else if b == i { Some(a) } else { None })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_counts() {
        assert_eq!(Topology::Ring.edges(5).len(), 5);
        assert_eq!(Topology::Ring.edges(2).len(), 1);
        assert_eq!(Topology::Complete.edges(5).len(), 10);
        assert_eq!(Topology::Star.edges(5).len(), 4);
        assert_eq!(Topology::Tree.edges(7).len(), 6);
        assert_eq!(Topology::Tree.neighbours(7, 1), vec![0, 3, 4]);
        assert_eq!(Topology::parse("tree"), Some(Topology::Tree));
        assert_eq!(Topology::parse("mesh"), None);
    }
}
