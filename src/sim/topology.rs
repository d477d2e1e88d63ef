//! Who is wired to whom. A [`Topology`] is the spec written in the URL (`topo=tree:3`); a
//! [`Graph`] is that spec built for one run (N nodes, the run's seed). Protocols ask the
//! graph for neighbours, parents and ring successors; the UI draws the same edges.
//! Messages may still be sent between any two nodes (the network is complete underneath);
//! the topology is the logical structure the algorithm runs on.

use std::sync::Arc;

use super::rng::SimRng;
use super::NodeId;
use crate::phrase;
use crate::words::Text;

/// Smallest and largest number of children per inner node in `tree:D`.
pub const TREE_ARITY: (u8, u8) = (2, 8);

/// Mixed into the run's seed to draw a random tree, so the tree does not follow the
/// network's first draws.
const RANDOM_TREE_SALT: u64 = 0x7472_6565_5eed_0001;

/// A topology as written in a scenario: a kind and its arguments. Cheap to clone.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topology {
    /// `ring`: node i talks to i+1 (mod N).
    Ring,
    /// `complete`: everyone talks to everyone.
    Complete,
    /// `star`: node 0 in the middle, the others around it.
    Star,
    /// `tree` / `tree:D`: a layered tree in heap order where every inner node has D
    /// children: the parent of i is (i-1)/D, node 0 is the root. `tree` is `tree:2`.
    Tree(u8),
    /// `random-tree`: a spanning tree drawn from the run's seed (each node i>0 picks its
    /// parent uniformly among 0..i), rooted at node 0.
    RandomTree,
    /// `grid`: rows of C = ceil(sqrt(N)) columns, node i at row i/C, column i%C, linked to
    /// its horizontal and vertical neighbours (Maekawa's quorum grid).
    Grid,
    /// `edges:0-1.1-2`: an explicit undirected edge list, each edge (low, high) once.
    Edges(Arc<[(NodeId, NodeId)]>),
    /// `peers`: any node may send to any other and none is wired to a particular one (a
    /// gossip node picks its peers at random): no edge is stored or drawn, so ten
    /// thousand nodes cost ten thousand entries, where `complete` would store fifty
    /// million edges.
    Peers,
}

/// The most nodes `complete` is built for: its N(N-1)/2 edges are stored and drawn.
/// Beyond it, `peers` says the same (anyone may talk to anyone) without the edges.
pub const COMPLETE_LIMIT: usize = 1_000;

/// What a protocol can declare it runs on: a topology without its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TopologyKind {
    Ring,
    Complete,
    Star,
    /// Any `tree:D` (and `tree`).
    Tree,
    RandomTree,
    Grid,
    Edges,
    Peers,
}

pub const ALL_KINDS: &[TopologyKind] =
    &[TopologyKind::Ring, TopologyKind::Complete, TopologyKind::Star, TopologyKind::Tree, TopologyKind::RandomTree, TopologyKind::Grid, TopologyKind::Edges, TopologyKind::Peers];

impl TopologyKind {
    /// The word that starts the URL form.
    pub fn name(self) -> &'static str {
        match self {
            TopologyKind::Ring => "ring",
            TopologyKind::Complete => "complete",
            TopologyKind::Star => "star",
            TopologyKind::Tree => "tree",
            TopologyKind::RandomTree => "random-tree",
            TopologyKind::Grid => "grid",
            TopologyKind::Edges => "edges",
            TopologyKind::Peers => "peers",
        }
    }

    /// The URL forms of this kind, in words, for messages.
    pub fn forms_text(self) -> Text {
        match self {
            TopologyKind::Tree => phrase!("topo.form.tree", TREE_ARITY.0, TREE_ARITY.1),
            TopologyKind::Edges => Text::key("topo.form.edges"),
            other => Text::plain(other.name()),
        }
    }

    /// The URL forms of this kind in English, for `dsviz list`.
    pub fn forms(self) -> String {
        self.forms_text().en(&[])
    }

    /// The topology this kind stands for when nothing more is said: `tree` is `tree:2`;
    /// an edge list starts empty (a protocol should not list `Edges` first).
    pub fn default_topology(self) -> Topology {
        match self {
            TopologyKind::Ring => Topology::Ring,
            TopologyKind::Complete => Topology::Complete,
            TopologyKind::Star => Topology::Star,
            TopologyKind::Tree => Topology::Tree(2),
            TopologyKind::RandomTree => Topology::RandomTree,
            TopologyKind::Grid => Topology::Grid,
            TopologyKind::Edges => Topology::Edges(Arc::from(Vec::new())),
            TopologyKind::Peers => Topology::Peers,
        }
    }

    /// Every form of `kinds`, for "accepted: ..." in error messages.
    pub fn describe(kinds: &[TopologyKind]) -> Text {
        kinds.iter().map(|k| k.forms_text()).reduce(|a, b| phrase!("url.list", a, b)).unwrap_or_else(Text::empty)
    }
}

impl Topology {
    pub fn kind(&self) -> TopologyKind {
        match self {
            Topology::Ring => TopologyKind::Ring,
            Topology::Complete => TopologyKind::Complete,
            Topology::Star => TopologyKind::Star,
            Topology::Tree(_) => TopologyKind::Tree,
            Topology::RandomTree => TopologyKind::RandomTree,
            Topology::Grid => TopologyKind::Grid,
            Topology::Edges(_) => TopologyKind::Edges,
            Topology::Peers => TopologyKind::Peers,
        }
    }

    /// The kind's word (`tree` for any `tree:D`); [`Topology::encode`] gives the full form.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The URL form: `ring`, `tree` (binary), `tree:3`, `edges:0-1.1-2`...
    pub fn encode(&self) -> String {
        match self {
            Topology::Tree(2) => "tree".to_string(),
            Topology::Tree(d) => format!("tree:{d}"),
            Topology::Edges(edges) => {
                format!("edges:{}", edges.iter().map(|(a, b)| format!("{a}-{b}")).collect::<Vec<_>>().join("."))
            }
            other => other.name().to_string(),
        }
    }

    /// Read a `topo=` value. The error names the bad text, says what is wrong with it and
    /// lists every accepted form. Node numbers in an edge list are checked against N only
    /// when the graph is built.
    pub fn parse(text: &str) -> Result<Topology, Text> {
        Topology::parse_reason(text).map_err(|why| phrase!("topo.err.parse", text.trim(), why, TopologyKind::describe(ALL_KINDS)))
    }

    /// As [`Topology::parse`], but the error is only what is wrong (for callers that list
    /// the accepted forms themselves, e.g. only those a protocol runs on).
    pub fn parse_reason(text: &str) -> Result<Topology, Text> {
        let text = text.trim();
        let (word, arg) = match text.split_once(':') {
            Some((w, a)) => (w, Some(a)),
            None => (text, None),
        };
        let Some(kind) = ALL_KINDS.iter().copied().find(|k| k.name() == word) else {
            return Err(phrase!("topo.err.unknown", word));
        };
        match (kind, arg) {
            (TopologyKind::Tree, None) => Ok(Topology::Tree(2)),
            (TopologyKind::Tree, Some(d)) => {
                let (lo, hi) = TREE_ARITY;
                match d.parse::<u8>() {
                    Ok(d) if (lo..=hi).contains(&d) => Ok(Topology::Tree(d)),
                    _ => Err(phrase!("topo.err.arity", lo, hi, d)),
                }
            }
            (TopologyKind::Edges, None) => Err(Text::key("topo.err.edges_list")),
            (TopologyKind::Edges, Some(list)) => parse_edges(list).map(|e| Topology::Edges(Arc::from(e))),
            (_, Some(_)) => Err(phrase!("topo.err.no_arg", word)),
            (kind, None) => Ok(kind.default_topology()),
        }
    }
}

impl std::fmt::Display for Topology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.encode())
    }
}

/// `0-1.1-2.2-3` into normalised (low, high) pairs, in the order given.
fn parse_edges(list: &str) -> Result<Vec<(NodeId, NodeId)>, Text> {
    let mut edges: Vec<(NodeId, NodeId)> = Vec::new();
    for item in list.split('.').filter(|i| !i.is_empty()) {
        let pair = item.split_once('-').and_then(|(a, b)| Some((a.trim().parse::<NodeId>().ok()?, b.trim().parse::<NodeId>().ok()?)));
        let Some((a, b)) = pair else {
            return Err(phrase!("topo.err.edge_form", item));
        };
        check_edge(&edges, a, b)?;
        edges.push((a.min(b), a.max(b)));
    }
    if edges.is_empty() {
        return Err(Text::key("topo.err.edges_empty"));
    }
    Ok(edges)
}

fn check_edge(so_far: &[(NodeId, NodeId)], a: NodeId, b: NodeId) -> Result<(), Text> {
    if a == b {
        return Err(phrase!("topo.err.self_loop", a, b));
    }
    if so_far.contains(&(a.min(b), a.max(b))) {
        return Err(phrase!("topo.err.twice", a, b));
    }
    Ok(())
}

/// A topology built for one run: N nodes, explicit edges, and for trees the parent of
/// every node. Cheap to clone (shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graph(Arc<GraphData>);

#[derive(Debug, PartialEq, Eq)]
struct GraphData {
    topology: Topology,
    n: usize,
    edges: Vec<(NodeId, NodeId)>,
    adjacent: Vec<Vec<NodeId>>,
    /// For tree-shaped graphs (tree, random tree, star, an edge list forming a spanning
    /// tree): the parent of each node; the root has none. Empty otherwise.
    parent: Vec<Option<NodeId>>,
    children: Vec<Vec<NodeId>>,
    depth: Vec<usize>,
}

impl Graph {
    /// Build `topology` for `n` nodes; `seed` is the run's seed (only `random-tree` draws
    /// from it). Errors say what is wrong and what is accepted.
    pub fn build(topology: &Topology, n: usize, seed: u64) -> Result<Graph, Text> {
        let mut edges: Vec<(NodeId, NodeId)> = Vec::new();
        // Parent of each node i>0 for the trees given by a formula.
        let mut parents: Option<Vec<Option<NodeId>>> = None;
        match topology {
            Topology::Ring => {
                if n >= 2 {
                    for i in 0..n {
                        let j = (i + 1) % n;
                        if n > 2 || i < j {
                            edges.push((i.min(j), i.max(j)));
                        }
                    }
                }
            }
            Topology::Peers => {}
            Topology::Complete => {
                if n > COMPLETE_LIMIT {
                    return Err(phrase!("topo.err.complete_limit", n, COMPLETE_LIMIT));
                }
                for i in 0..n {
                    edges.extend((i + 1..n).map(|j| (i, j)));
                }
            }
            Topology::Star => parents = Some((0..n).map(|i| (i > 0).then_some(0)).collect()),
            Topology::Tree(d) => {
                let (lo, hi) = TREE_ARITY;
                if !(lo..=hi).contains(d) {
                    return Err(phrase!("topo.err.tree_arity", *d, lo, hi));
                }
                let d = *d as usize;
                parents = Some((0..n).map(|i| (i > 0).then(|| (i - 1) / d)).collect());
            }
            Topology::RandomTree => {
                let mut rng = SimRng::new(seed ^ RANDOM_TREE_SALT);
                parents = Some((0..n).map(|i| (i > 0).then(|| rng.below(i as u64) as NodeId)).collect());
            }
            Topology::Grid => {
                let cols = grid_columns(n);
                for i in 0..n {
                    if (i + 1) % cols != 0 && i + 1 < n {
                        edges.push((i, i + 1));
                    }
                    if i + cols < n {
                        edges.push((i, i + cols));
                    }
                }
            }
            Topology::Edges(list) => {
                for &(a, b) in list.iter() {
                    if let Some(bad) = [a, b].into_iter().find(|&x| x >= n) {
                        return Err(phrase!("topo.err.edge_node", a, b, bad, n, n.saturating_sub(1)));
                    }
                    check_edge(&edges, a, b)?;
                    edges.push((a.min(b), a.max(b)));
                }
            }
        }
        if let Some(parents) = &parents {
            edges = (1..n).filter_map(|i| parents[i].map(|p| (p.min(i), p.max(i)))).collect();
        }
        let mut adjacent = vec![Vec::new(); n];
        for &(a, b) in &edges {
            adjacent[a].push(b);
            adjacent[b].push(a);
        }
        for list in &mut adjacent {
            list.sort_unstable();
        }
        let parent = match parents {
            Some(p) => p,
            // An explicit edge list that happens to be a spanning tree is rooted at 0.
            None if matches!(topology, Topology::Edges(_)) && n > 0 && edges.len() == n - 1 => bfs_parents(&adjacent).unwrap_or_default(),
            None => Vec::new(),
        };
        let mut children = vec![Vec::new(); if parent.is_empty() { 0 } else { n }];
        let mut depth = vec![0; children.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = *p {
                children[p].push(i);
            }
        }
        // Parents come before their children in a BFS order from the root.
        if !parent.is_empty() {
            let mut queue = std::collections::VecDeque::from([0]);
            while let Some(i) = queue.pop_front() {
                for &c in &children[i] {
                    depth[c] = depth[i] + 1;
                    queue.push_back(c);
                }
            }
        }
        Ok(Graph(Arc::new(GraphData { topology: topology.clone(), n, edges, adjacent, parent, children, depth })))
    }

    pub fn topology(&self) -> &Topology {
        &self.0.topology
    }
    pub fn kind(&self) -> TopologyKind {
        self.0.topology.kind()
    }
    pub fn n(&self) -> usize {
        self.0.n
    }

    /// The undirected edges, each once, as (low id, high id) in a stable order.
    pub fn edges(&self) -> &[(NodeId, NodeId)] {
        &self.0.edges
    }

    /// Logical neighbours of `i` (both directions), in id order.
    pub fn neighbours(&self, i: NodeId) -> &[NodeId] {
        &self.0.adjacent[i]
    }

    /// Whether the graph is a rooted tree (tree, random tree, star, or an edge list that
    /// spans all nodes without a cycle): then parent, children and depth mean something.
    pub fn is_tree(&self) -> bool {
        !self.0.parent.is_empty()
    }

    /// The root of a tree (node 0); None when the graph is not a tree.
    pub fn root(&self) -> Option<NodeId> {
        self.is_tree().then_some(0)
    }

    /// The parent of `i` in a tree; None for the root and when the graph is not a tree.
    pub fn parent(&self, i: NodeId) -> Option<NodeId> {
        self.0.parent.get(i).copied().flatten()
    }

    /// The children of `i` in a tree, in id order; empty for leaves and non-trees.
    pub fn children(&self, i: NodeId) -> &[NodeId] {
        self.0.children.get(i).map_or(&[], |c| c.as_slice())
    }

    /// Hops from the root in a tree; 0 when the graph is not a tree.
    pub fn depth(&self, i: NodeId) -> usize {
        self.0.depth.get(i).copied().unwrap_or(0)
    }

    /// The largest depth (0 for a lone root or a non-tree).
    pub fn height(&self) -> usize {
        self.0.depth.iter().copied().max().unwrap_or(0)
    }

    /// The successor of `i` on a ring (i+1 mod N); None when the graph is not a ring.
    pub fn ring_next(&self, i: NodeId) -> Option<NodeId> {
        (self.kind() == TopologyKind::Ring && self.0.n > 0).then(|| (i + 1) % self.0.n)
    }

    /// Every node's successor on the ring, for protocols that run on one; the error says
    /// which topology they got instead.
    pub fn ring_successors(&self, who: &str) -> Result<Vec<NodeId>, String> {
        (0..self.0.n).map(|i| self.ring_next(i)).collect::<Option<Vec<_>>>().ok_or_else(|| format!("{who} needs topology ring, not {}", self.topology()))
    }

    /// Columns of a grid (node i sits at row i / C, column i % C); None otherwise.
    pub fn grid_cols(&self) -> Option<usize> {
        (self.kind() == TopologyKind::Grid).then(|| grid_columns(self.0.n))
    }
}

/// C = ceil(sqrt(N)), at least 1.
fn grid_columns(n: usize) -> usize {
    let mut c = 1;
    while c * c < n {
        c += 1;
    }
    c
}

/// Parents from a breadth-first walk from node 0, or None when some node is unreachable.
fn bfs_parents(adjacent: &[Vec<NodeId>]) -> Option<Vec<Option<NodeId>>> {
    let n = adjacent.len();
    let mut parent = vec![None; n];
    let mut seen = vec![false; n];
    seen[0] = true;
    let mut queue = std::collections::VecDeque::from([0]);
    while let Some(i) = queue.pop_front() {
        for &j in &adjacent[i] {
            if !seen[j] {
                seen[j] = true;
                parent[j] = Some(i);
                queue.push_back(j);
            }
        }
    }
    seen.iter().all(|&s| s).then_some(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(text: &str, n: usize) -> Graph {
        Graph::build(&Topology::parse(text).unwrap(), n, 1).unwrap()
    }

    fn connected(g: &Graph) -> bool {
        let mut seen = vec![false; g.n()];
        let mut stack = vec![0];
        seen[0] = true;
        while let Some(i) = stack.pop() {
            for &j in g.neighbours(i) {
                if !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        seen.iter().all(|&s| s)
    }

    #[test]
    fn edge_counts() {
        assert_eq!(graph("ring", 5).edges().len(), 5);
        assert_eq!(graph("ring", 2).edges().len(), 1);
        assert_eq!(graph("complete", 5).edges().len(), 10);
        assert_eq!(graph("star", 5).edges().len(), 4);
        assert_eq!(graph("tree", 7).edges().len(), 6);
        assert_eq!(graph("tree", 7).neighbours(1), &[0, 3, 4]);
        assert_eq!(graph("tree:2", 7), graph("tree", 7));
        let t3 = graph("tree:3", 13);
        assert_eq!(t3.edges().len(), 12);
        assert_eq!(t3.height(), 2);
        assert_eq!((t3.root(), t3.children(0), t3.parent(12), t3.depth(12), t3.depth(3)), (Some(0), &[1, 2, 3][..], Some(3), 2, 1));
        let grid = graph("grid", 9);
        assert_eq!(grid.edges().len(), 12);
        assert_eq!((grid.grid_cols(), grid.neighbours(4)), (Some(3), &[1, 3, 5, 7][..]));
        // A ragged last row: 7 nodes in 3 columns, the last row holds node 6 alone.
        let ragged = graph("grid", 7);
        assert_eq!(ragged.neighbours(6), &[3]);
        assert_eq!(ragged.edges().len(), 4 + 4);
        assert_eq!(graph("edges:0-1.1-2.2-3", 4).edges(), &[(0, 1), (1, 2), (2, 3)]);
        assert_eq!(graph("edges:3-2", 4).edges(), &[(2, 3)]);
    }

    #[test]
    fn ring_and_tree_questions() {
        let ring = graph("ring", 4);
        assert_eq!((ring.ring_next(3), ring.root(), ring.parent(1), ring.grid_cols()), (Some(0), None, None, None));
        let tree = graph("tree", 6);
        assert_eq!((tree.ring_next(1), tree.parent(5), tree.children(2), tree.children(5)), (None, Some(2), &[5][..], &[][..]));
        let star = graph("star", 5);
        assert_eq!((star.root(), star.children(0).len(), star.height()), (Some(0), 4, 1));
        // An edge list that is a spanning tree is rooted at 0; one with a cycle is not a tree.
        let path = graph("edges:2-3.0-1.1-2", 4);
        assert_eq!((path.parent(3), path.depth(3), path.height()), (Some(2), 3, 3));
        assert!(!graph("edges:0-1.1-2.0-2", 4).is_tree());
        assert!(!graph("edges:0-1.2-3", 5).is_tree());
        assert!(!graph("complete", 4).is_tree());
    }

    #[test]
    fn random_trees_are_trees_and_follow_the_seed() {
        for n in [1, 2, 5, 16, 32] {
            for seed in 0..20 {
                let g = Graph::build(&Topology::RandomTree, n, seed).unwrap();
                assert_eq!(g.edges().len(), n - 1);
                assert!(connected(&g) && g.is_tree(), "{n} {seed}");
                for i in 1..n {
                    let p = g.parent(i).unwrap();
                    assert!(p < i && g.depth(i) == g.depth(p) + 1 && g.children(p).contains(&i));
                }
                assert_eq!(g, Graph::build(&Topology::RandomTree, n, seed).unwrap(), "same seed, same tree");
            }
        }
        let trees: std::collections::BTreeSet<Vec<(NodeId, NodeId)>> =
            (0..20).map(|seed| Graph::build(&Topology::RandomTree, 10, seed).unwrap().edges().to_vec()).collect();
        assert!(trees.len() > 15, "different seeds usually give different trees: {}", trees.len());
    }

    #[test]
    fn every_tree_is_connected_with_n_minus_1_edges() {
        for text in ["tree", "tree:3", "tree:8", "star", "random-tree"] {
            for n in 1..=32 {
                let g = graph(text, n);
                assert_eq!(g.edges().len(), n - 1, "{text} {n}");
                assert!(connected(&g) && g.is_tree(), "{text} {n}");
            }
        }
        for n in 1..=32 {
            assert!(connected(&graph("grid", n)), "grid {n}");
        }
    }

    #[test]
    fn url_forms_round_trip() {
        for text in ["ring", "complete", "star", "tree", "tree:3", "tree:8", "random-tree", "grid", "edges:0-1.1-2.2-3", "edges:0-5"] {
            let t = Topology::parse(text).unwrap();
            assert_eq!(t.encode(), text);
            assert_eq!(Topology::parse(&t.encode()).unwrap(), t);
        }
        assert_eq!(Topology::parse("tree:2").unwrap(), Topology::Tree(2));
        assert_eq!(Topology::parse("tree:2").unwrap().encode(), "tree");
        assert_eq!(Topology::parse(" edges:1-0.2-1 ").unwrap().encode(), "edges:0-1.1-2");
        assert_eq!(Topology::Tree(4).kind(), TopologyKind::Tree);
        assert_eq!(Topology::Tree(4).name(), "tree");
        assert_eq!(TopologyKind::Tree.default_topology(), Topology::Tree(2));
    }

    #[test]
    fn bad_forms_name_the_text_and_what_is_accepted() {
        for (text, says) in [
            ("tree:1", "from 2 to 8"),
            ("tree:9", "from 2 to 8"),
            ("tree:x", "'x'"),
            ("edges:0-0", "self-loops"),
            ("edges:0-1.0-1", "listed twice"),
            ("edges:0-1.1-0", "listed twice"),
            ("edges:0-1.2", "'2'"),
            ("edges:", "empty"),
            ("edges", "needs its list"),
            ("grid:3", "no ':' argument"),
            ("hexagon", "'hexagon' is not a topology"),
            ("mesh", "'mesh' is not a topology"),
        ] {
            let e = Topology::parse(text).unwrap_err().en(&[]);
            assert!(e.starts_with(&format!("'{text}' is not accepted")), "{e}");
            assert!(e.contains(says), "{text}: {e}");
            for form in ["ring", "complete", "star", "tree:D", "random-tree", "grid", "edges:A-B"] {
                assert!(e.contains(form), "{text}: {e} lacks {form}");
            }
        }
        let e = Graph::build(&Topology::parse("edges:0-9").unwrap(), 4, 1).unwrap_err().en(&[]);
        assert!(e.contains("0-9") && e.contains("node 9") && e.contains("0 to 3"), "{e}");
        let e = Graph::build(&Topology::Tree(1), 4, 1).unwrap_err().en(&[]);
        assert!(e.contains("2 to 8"), "{e}");
        let e = Graph::build(&Topology::Edges(Arc::from(vec![(1, 0), (0, 1)])), 4, 1).unwrap_err().en(&[]);
        assert!(e.contains("listed twice"), "{e}");
    }
}
