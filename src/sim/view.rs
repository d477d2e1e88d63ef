//! Pictures a protocol hands the UI, as plain data: what each node looks like (role, tone,
//! badge, glyphs, rows of cells, a small table), charts computed from the run, overlays
//! drawn over the topology, and the groups nodes belong to. Nothing here knows how it is
//! drawn; the UI maps each piece to SVG, and tests read it natively.

use super::{NodeId, Time};
use crate::words::Text;

/// Colour family of a node or role; the UI maps tones to its palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    Idle,
    Waiting,
    Active,
    Leader,
    Done,
    Alert,
}

/// A small symbol drawn on a node: what it holds or what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Glyph {
    /// The (mutual exclusion) token rests here.
    Token,
    /// A snapshot marker has been recorded here.
    Marker,
    /// A lock is held (2PC participant, resource).
    Lock,
    /// A key (a consistent-hashing key, a secret).
    Key,
    /// The node believes it leads.
    Crown,
}

impl Glyph {
    pub fn id(self) -> &'static str {
        match self {
            Glyph::Token => "token",
            Glyph::Marker => "marker",
            Glyph::Lock => "lock",
            Glyph::Key => "key",
            Glyph::Crown => "crown",
        }
    }
}

/// One cell of a row drawn beside a node: a log entry, a queued request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Short, language-neutral content ("3", "x=5", "n2").
    pub text: String,
    /// Colour slot (e.g. the entry's term); the UI cycles through its palette.
    pub shade: u32,
}

/// A row of cells beside a node, e.g. a Raft log with its commit index, a hold-back queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellRow {
    /// Words key of the row's name (`detail.ID`).
    pub label: &'static str,
    pub cells: Vec<Cell>,
    /// Cells before this index are marked (committed, delivered); None: no mark.
    pub marked_upto: Option<usize>,
}

/// A small table beside a node (the Paxos acceptor's promised and accepted values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Words keys of the column heads (`detail.ID`).
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Text>>,
}

/// Protocol-agnostic picture of one node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Role id: the legend and the node say `role.ID` in the current language.
    pub role: &'static str,
    pub tone: Tone,
    /// Short key state printed beside the node (e.g. "id 7", "L=4").
    pub badge: Text,
    pub glyphs: Vec<Glyph>,
    pub rows: Vec<CellRow>,
    pub table: Option<Table>,
    /// Inspector rows: (`detail.ID` key, value).
    pub details: Vec<(&'static str, Text)>,
}

impl NodeView {
    pub fn new(role: &'static str, tone: Tone) -> NodeView {
        NodeView { role, tone, badge: Text::empty(), glyphs: Vec::new(), rows: Vec::new(), table: None, details: Vec::new() }
    }
    pub fn badge(mut self, badge: impl Into<Text>) -> Self {
        self.badge = badge.into();
        self
    }
    pub fn glyph_if(mut self, on: bool, glyph: Glyph) -> Self {
        if on {
            self.glyphs.push(glyph);
        }
        self
    }
    pub fn detail(mut self, key: &'static str, value: impl Into<Text>) -> Self {
        self.details.push((key, value.into()));
        self
    }
    pub fn row(mut self, row: CellRow) -> Self {
        self.rows.push(row);
        self
    }
    pub fn table(mut self, table: Table) -> Self {
        self.table = Some(table);
        self
    }
    pub fn holds(&self, glyph: Glyph) -> bool {
        self.glyphs.contains(&glyph)
    }
}

/// A named set of nodes with one job (acceptors, participants, servers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Id: `group.ID` in the words; handlers send to it with `Ctx::send_group`.
    pub id: &'static str,
    pub members: Vec<NodeId>,
}

/// Where the nodes go on the screen, when the topology's own drawing is not the picture
/// the algorithm is taught with.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// As the topology draws itself (ring, star, tree, grid...).
    Topology,
    /// One group in the middle, the rest on a circle around it (a server and clients).
    CentreRim { centre: &'static str },
    /// Groups as columns, left to right, in this order (proposers | acceptors | learners).
    Columns(Vec<&'static str>),
    /// Groups as horizontal lanes, top to bottom (the four RPC lanes).
    Lanes(Vec<&'static str>),
    /// On a circle at the given angle for each node, in millionths of a turn (a hash ring).
    Angles(Vec<u32>),
    /// Too many nodes to draw each: a dense field of dots (gossip among 1,000 nodes).
    Field,
}

/// Something drawn over the topology.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    /// A set of nodes outlined together (Maekawa's voting set of the selected node).
    Set { label: Text, nodes: Vec<NodeId> },
    /// Directed edges drawn as arrows (a wait-for graph; a cycle is drawn in alarm colour).
    Arrows { label: Text, edges: Vec<(NodeId, NodeId)>, alarm: bool },
    /// A cut across the time-space diagram: for each node, the instant its part of the cut
    /// ends (a recovery line, a recorded snapshot). An inconsistent cut is drawn in alarm
    /// colour. Drawn on the diagram, not on the topology.
    Cut { label: Text, at: Vec<Time>, alarm: bool },
    /// Events marked on the time-space diagram: each ringed, consecutive ones joined by a
    /// dashed line (a pair of concurrent events whose Lamport stamps look ordered). In
    /// alarm colour when something is wrong with them. Drawn on the diagram only.
    Events { label: Text, events: Vec<super::EventId>, alarm: bool },
}

/// A chart computed from the run, drawn beside the topology.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// `chart.ID` in the words.
    pub id: &'static str,
    pub kind: ChartKind,
    pub series: Vec<Series>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Values over time, one line per series.
    Lines,
    /// The latest value of each series as a bar (load per server).
    Bars,
}

/// The most points a series keeps: older points are merged pairwise when it fills, so a
/// chart of an hour-long run costs the same to keep and to draw as one of a minute.
pub const SERIES_POINTS: usize = 256;

/// One line of a chart: (time, value) points, bounded in memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// `series.ID` in the words, or a plain label (a node number).
    pub label: Text,
    points: Vec<(Time, f64)>,
    /// Points are kept every `stride` pushes (doubles each time the series is halved).
    stride: u32,
    pending: u32,
}

impl Series {
    pub fn new(label: impl Into<Text>) -> Series {
        Series { label: label.into(), points: Vec::new(), stride: 1, pending: 0 }
    }

    /// Add a point; when the series is full, every other point is dropped and from then on
    /// only every other push is kept, so memory stays bounded and the shape stays.
    pub fn push(&mut self, t: Time, value: f64) {
        self.pending += 1;
        if self.pending < self.stride {
            // Keep the newest value visible: replace the last point instead.
            if let Some(last) = self.points.last_mut() {
                *last = (t, value);
            }
            return;
        }
        self.pending = 0;
        self.points.push((t, value));
        if self.points.len() >= SERIES_POINTS {
            let kept: Vec<(Time, f64)> = self.points.iter().copied().step_by(2).collect();
            self.points = kept;
            self.stride *= 2;
        }
    }

    pub fn points(&self) -> &[(Time, f64)] {
        &self.points
    }

    pub fn last(&self) -> Option<f64> {
        self.points.last().map(|p| p.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_stays_bounded_and_keeps_its_ends() {
        let mut s = Series::new(Text::plain("x"));
        for t in 0..100_000u64 {
            s.push(t, t as f64);
        }
        assert!(s.points().len() < SERIES_POINTS, "{}", s.points().len());
        assert_eq!(s.points()[0], (0, 0.0));
        assert_eq!(s.last(), Some(99_999.0), "the newest value is always shown");
        // Points stay in time order.
        assert!(s.points().windows(2).all(|w| w[0].0 < w[1].0));
    }
}
