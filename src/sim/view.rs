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

impl CellRow {
    pub fn new(label: &'static str, cells: Vec<Cell>) -> CellRow {
        CellRow { label, cells, marked_upto: None }
    }
    /// Cells before `upto` are marked (committed, delivered).
    pub fn marked(self, upto: usize) -> CellRow {
        CellRow { marked_upto: Some(upto), ..self }
    }
    /// This row with a sliding window over it (see [`Window`]), for [`NodeView::row`].
    pub fn window(self, base: usize, next: usize, size: usize) -> WindowedRow {
        WindowedRow { row: self, window: Some(Window { base, next, size }) }
    }
}

/// A sliding window over a row of cells (a sender's sequence numbers): cells before `base`
/// are acknowledged, `base..next` are sent and not yet acknowledged, `next..base + size`
/// may still be sent, and the rest must wait. The page draws it as a bracket from `base`
/// to `base + size` with a mark at `next`; indices may run past the cells there are (slots
/// not yet filled). The data is drawn as given: a protocol that sends beyond its window
/// (`next > base + size`) shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub base: usize,
    pub next: usize,
    pub size: usize,
}

/// A row and its window, on its way into a [`NodeView`]. The window is kept beside the
/// row in the view rather than in [`CellRow`], so rows written as plain structs stay
/// valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowedRow {
    pub row: CellRow,
    pub window: Option<Window>,
}

impl From<CellRow> for WindowedRow {
    fn from(row: CellRow) -> WindowedRow {
        WindowedRow { row, window: None }
    }
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
    /// Windows over rows: (index in `rows`, its window); read with [`NodeView::window`].
    pub windows: Vec<(usize, Window)>,
    pub table: Option<Table>,
    /// Inspector rows: (`detail.ID` key, value).
    pub details: Vec<(&'static str, Text)>,
}

impl NodeView {
    pub fn new(role: &'static str, tone: Tone) -> NodeView {
        NodeView { role, tone, badge: Text::empty(), glyphs: Vec::new(), rows: Vec::new(), windows: Vec::new(), table: None, details: Vec::new() }
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
    /// Add a row, with its window if it has one (`CellRow::window`).
    pub fn row(mut self, row: impl Into<WindowedRow>) -> Self {
        let WindowedRow { row, window } = row.into();
        if let Some(w) = window {
            self.windows.push((self.rows.len(), w));
        }
        self.rows.push(row);
        self
    }
    /// The window over row `i`, if any.
    pub fn window(&self, i: usize) -> Option<Window> {
        self.windows.iter().find(|(r, _)| *r == i).map(|&(_, w)| w)
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
    /// On a circle at the given angle for each node, in millionths of a turn: a hash ring,
    /// with any further points of nodes (virtual nodes) and the items (keys) it places.
    Angles(Ring),
    /// Too many nodes to draw each: a dense field of dots (gossip among 1,000 nodes).
    Field,
}

impl Placement {
    /// The bands of a placement by groups (columns or lanes in order; the centre, then
    /// the rim): each node in the first band whose group names it, and nodes no group
    /// names in a last band of their own, so every node has exactly one place. None for
    /// placements not by groups.
    pub fn bands(&self, n: usize, groups: &[Group]) -> Option<Vec<Vec<NodeId>>> {
        let named: Vec<&str> = match self {
            Placement::Columns(order) | Placement::Lanes(order) => order.clone(),
            Placement::CentreRim { centre } => vec![centre],
            Placement::Topology | Placement::Angles(_) | Placement::Field => return None,
        };
        let mut placed = vec![false; n];
        let mut bands = Vec::new();
        for g in named {
            let members = groups.iter().filter(|x| x.id == g).flat_map(|x| x.members.iter().copied());
            let band: Vec<NodeId> = members.filter(|&m| m < n && !std::mem::replace(&mut placed[m], true)).collect();
            bands.push(band);
        }
        let rest: Vec<NodeId> = (0..n).filter(|&m| !placed[m]).collect();
        if !rest.is_empty() || matches!(self, Placement::CentreRim { .. }) {
            bands.push(rest);
        }
        Some(bands)
    }
}

/// A hash ring: every node at its own angle, nodes with further points (virtual nodes),
/// and items placed on the ring, each with the node that owns it. Angles are millionths
/// of a turn, clockwise from the top. It reads as the list of the nodes' own angles (what
/// [`Placement::Angles`] always held), so a drawing that knows nothing of virtual points
/// or items still places every node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ring {
    /// Each node's own angle, by node: where the node itself is drawn.
    pub angles: Vec<u32>,
    /// Further points of nodes on the ring: (node, angle).
    pub virtual_points: Vec<(NodeId, u32)>,
    /// Nodes drawn at their angle that hold no part of the ring (a client, a server not
    /// yet added or removed): they own no items.
    pub off: Vec<NodeId>,
    /// Nodes drawn in the middle of the ring, holding no part of it (the clients that ask
    /// the ring's servers).
    pub centre: Vec<NodeId>,
    pub items: Vec<RingItem>,
}

/// Something placed on a ring (a key), at an angle, stored by its owner.
#[derive(Clone, Debug, PartialEq)]
pub struct RingItem {
    /// Short, language-neutral ("k7").
    pub label: String,
    pub angle: u32,
    pub owner: NodeId,
    /// What happened to it lately: drawn plain, highlighted, or in alarm colour.
    pub mark: ItemMark,
}

/// What the drawing says of a ring's item beyond where it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ItemMark {
    /// Held by its owner, nothing new.
    #[default]
    Held,
    /// It changed owner a moment ago (a server joined or left): highlighted.
    Moved,
    /// No live copy of it is left (its owner crashed and nobody else had it): `owner`
    /// is where it was last.
    Lost,
}

/// One turn, in the units of a ring's angles.
pub const TURN: u32 = 1_000_000;

/// A portable 64-bit hash of a number (splitmix64's finaliser): the same on every
/// machine and in the browser, and consecutive numbers land far apart, unlike a bare
/// multiplication (whose points of one node and keys would be shifted copies of one
/// another). Never std's `Hash`, whose output may change between releases.
pub fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A position on a ring from a number, spread evenly over one turn (the high bits of
/// [`mix64`], scaled without division).
pub fn ring_angle(x: u64) -> u32 {
    (((mix64(x) >> 32) * TURN as u64) >> 32) as u32
}

impl Ring {
    pub fn new(angles: Vec<u32>) -> Ring {
        Ring { angles, ..Ring::default() }
    }
    pub fn virtual_point(mut self, node: NodeId, angle: u32) -> Ring {
        self.virtual_points.push((node, angle));
        self
    }
    pub fn off(mut self, node: NodeId) -> Ring {
        self.off.push(node);
        self
    }
    /// Draw `node` in the middle of the ring; it holds no part of it.
    pub fn centre(mut self, node: NodeId) -> Ring {
        self.centre.push(node);
        self
    }
    pub fn item(self, label: impl Into<String>, angle: u32, owner: NodeId) -> Ring {
        self.marked_item(label, angle, owner, ItemMark::Held)
    }
    /// An item with what happened to it lately (moved, lost).
    pub fn marked_item(mut self, label: impl Into<String>, angle: u32, owner: NodeId, mark: ItemMark) -> Ring {
        self.items.push(RingItem { label: label.into(), angle, owner, mark });
        self
    }

    /// Whether `node` holds a part of the ring (it is neither off nor in the centre).
    pub fn holds_part(&self, node: NodeId) -> bool {
        !self.off.contains(&node) && !self.centre.contains(&node)
    }

    /// Every point of the nodes on the ring, (angle, node), in clockwise order (a node's
    /// own angle and its virtual points; nodes that are off or in the centre left out).
    pub fn points(&self) -> Vec<(u32, NodeId)> {
        let own = self.angles.iter().enumerate().map(|(n, &a)| (a, n));
        let virt = self.virtual_points.iter().map(|&(n, a)| (a, n));
        let mut all: Vec<(u32, NodeId)> = own.chain(virt).filter(|&(_, n)| self.holds_part(n)).collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The node whose point is the first at or clockwise after `angle` (consistent
    /// hashing's owner), going round past the top; None on an empty ring.
    pub fn owner_at(&self, angle: u32) -> Option<NodeId> {
        let points = self.points();
        let at = points.partition_point(|&(a, _)| a < angle);
        points.get(at).or(points.first()).map(|&(_, n)| n)
    }
}

impl std::ops::Deref for Ring {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.angles
    }
}

/// Nodes at the given angles, one point each.
impl FromIterator<u32> for Ring {
    fn from_iter<I: IntoIterator<Item = u32>>(angles: I) -> Ring {
        Ring::new(angles.into_iter().collect())
    }
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
    /// The lines (or bars), and any thresholds drawn across them ([`Series::threshold`]).
    pub series: Vec<Series>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Values over time or rounds ([`Axis`]), one line per series.
    Lines,
    /// The latest value of each series as a bar (load per server).
    Bars,
}

/// The most points a series keeps: older points are merged pairwise when it fills, so a
/// chart of an hour-long run costs the same to keep and to draw as one of a minute.
pub const SERIES_POINTS: usize = 256;

/// What a series' x coordinates count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Axis {
    /// Simulated time: each value holds until the next (drawn as steps, up to now).
    #[default]
    Time,
    /// Round numbers (gossip's rounds, a synchronizer's pulses): one value per round,
    /// drawn point to point, ending at the last round.
    Rounds,
}

/// One line of a chart: (x, value) points, bounded in memory; or a threshold, a level
/// drawn across the chart with its label (an accrual detector's φ threshold, a server's
/// load limit). A threshold is a series so that a chart built as a plain struct carries
/// it without new fields, and so the legend lists it beside the lines it bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// `series.ID` in the words, or a plain label (a node number).
    pub label: Text,
    points: Vec<(u64, f64)>,
    /// Points are kept every `stride` pushes (doubles each time the series is halved).
    stride: u32,
    pending: u32,
    axis: Axis,
    level: Option<f64>,
}

impl Series {
    /// A series over time.
    pub fn new(label: impl Into<Text>) -> Series {
        Series { label: label.into(), points: Vec::new(), stride: 1, pending: 0, axis: Axis::Time, level: None }
    }

    /// A series over rounds: push with [`Series::push_round`].
    pub fn over_rounds(label: impl Into<Text>) -> Series {
        Series { axis: Axis::Rounds, ..Series::new(label) }
    }

    /// A horizontal line at `level`, labelled: it has no points, and bars skip it.
    pub fn threshold(label: impl Into<Text>, level: f64) -> Series {
        Series { level: Some(level), ..Series::new(label) }
    }

    /// Add a point; when the series is full, every other point is dropped and from then on
    /// only every other push is kept, so memory stays bounded and the shape stays.
    pub fn push(&mut self, t: Time, value: f64) {
        debug_assert!(self.axis == Axis::Time && self.level.is_none(), "push_round for rounds; a threshold has no points");
        self.keep(t, value);
    }

    /// The value of round `round`. Pushing the same round again updates its value (a
    /// round's count grows while it lasts); an earlier round than the last is ignored, so
    /// the rounds only go forward.
    pub fn push_round(&mut self, round: u64, value: f64) {
        debug_assert!(self.axis == Axis::Rounds, "push for time");
        match self.points.last_mut() {
            Some(last) if last.0 == round => last.1 = value,
            Some(last) if last.0 > round => {}
            _ => self.keep(round, value),
        }
    }

    fn keep(&mut self, x: u64, value: f64) {
        self.pending += 1;
        if self.pending < self.stride {
            // Keep the newest value visible: replace the last point instead.
            if let Some(last) = self.points.last_mut() {
                *last = (x, value);
            }
            return;
        }
        self.pending = 0;
        self.points.push((x, value));
        if self.points.len() >= SERIES_POINTS {
            let kept: Vec<(u64, f64)> = self.points.iter().copied().step_by(2).collect();
            self.points = kept;
            self.stride *= 2;
        }
    }

    /// (time or round, value), in order.
    pub fn points(&self) -> &[(u64, f64)] {
        &self.points
    }

    /// The latest value; a threshold's level.
    pub fn last(&self) -> Option<f64> {
        self.level.or(self.points.last().map(|p| p.1))
    }

    pub fn axis(&self) -> Axis {
        self.axis
    }

    /// The level, if this series is a threshold.
    pub fn level(&self) -> Option<f64> {
        self.level
    }
}

impl Chart {
    /// The x axis of the chart's lines (the first line's; all lines of a chart share it).
    pub fn axis(&self) -> Axis {
        self.lines().next().map_or(Axis::Time, Series::axis)
    }

    /// The series that carry values, in order (thresholds left out).
    pub fn lines(&self) -> impl Iterator<Item = &Series> {
        self.series.iter().filter(|s| s.level.is_none())
    }

    /// The thresholds, in order.
    pub fn thresholds(&self) -> impl Iterator<Item = &Series> {
        self.series.iter().filter(|s| s.level.is_some())
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

    #[test]
    fn a_ring_places_items_at_the_first_point_clockwise() {
        let ring = Ring::new(vec![100_000, 500_000, 900_000]).virtual_point(0, 600_000).off(2);
        assert_eq!(ring.points(), vec![(100_000, 0), (500_000, 1), (600_000, 0)], "node 2 is off the ring");
        assert_eq!(ring.owner_at(100_000), Some(0), "a point at the key's own angle owns it");
        assert_eq!(ring.owner_at(100_001), Some(1));
        assert_eq!(ring.owner_at(550_000), Some(0), "node 0's virtual point");
        assert_eq!(ring.owner_at(950_000), Some(0), "past the last point, round the top");
        assert_eq!(Ring::default().owner_at(5), None);
        // A node in the centre holds no part either; items keep their marks.
        let centred = ring.clone().centre(1).marked_item("k1", 550_000, 0, ItemMark::Moved).item("k2", 50_000, 0);
        assert_eq!(centred.points(), vec![(100_000, 0), (600_000, 0)]);
        assert_eq!(centred.owner_at(200_000), Some(0));
        assert!(!centred.holds_part(1) && !centred.holds_part(2) && centred.holds_part(0));
        assert_eq!(centred.items.iter().map(|i| i.mark).collect::<Vec<_>>(), vec![ItemMark::Moved, ItemMark::Held]);
        // It reads as the nodes' own angles, as the placement always did.
        let plain: Ring = [1u32, 2, 3].into_iter().collect();
        assert_eq!((plain.len(), plain.get(1).copied()), (3, Some(2)));
        assert_eq!(&ring[..], &[100_000, 500_000, 900_000]);
    }

    #[test]
    fn ring_angles_are_portable_and_spread_over_the_turn() {
        // Pinned values: the same on every machine, in the browser too.
        assert_eq!(mix64(0), 0xE220_A839_7B1D_CDAF);
        let angles: Vec<u32> = (0..1_000u64).map(ring_angle).collect();
        assert!(angles.iter().all(|&a| a < TURN));
        // Ten equal arcs each get about a tenth of a thousand consecutive numbers.
        let mut tenths = [0u32; 10];
        for a in &angles {
            tenths[(a / (TURN / 10)) as usize] += 1;
        }
        assert!(tenths.iter().all(|&c| (60..=140).contains(&c)), "{tenths:?}");
    }

    #[test]
    fn bands_place_every_node_once() {
        let g = |id, members: &[NodeId]| Group { id, members: members.to_vec() };
        let groups = [g("a", &[0, 1]), g("b", &[1, 2]), g("c", &[9])];
        // Node 1 is in two groups: the first band keeps it; 3 and 4 are in none; 9 is no node.
        let lanes = Placement::Lanes(vec!["a", "b", "c"]).bands(5, &groups).unwrap();
        assert_eq!(lanes, vec![vec![0, 1], vec![2], vec![], vec![3, 4]]);
        let rim = Placement::CentreRim { centre: "b" }.bands(5, &groups).unwrap();
        assert_eq!(rim, vec![vec![1, 2], vec![0, 3, 4]]);
        assert_eq!(Placement::Columns(vec!["a", "b"]).bands(3, &groups).unwrap(), vec![vec![0, 1], vec![2]], "no empty last band");
        assert_eq!(Placement::Field.bands(3, &groups), None);
    }

    #[test]
    fn a_row_carries_its_window_into_the_view() {
        let cells = |n: usize| (0..n).map(|i| Cell { text: i.to_string(), shade: 0 }).collect::<Vec<_>>();
        let v = NodeView::new("sender", Tone::Active)
            .row(CellRow::new("delivered", cells(3)))
            .row(CellRow::new("sent", cells(6)).marked(2).window(2, 5, 4))
            .row(CellRow { label: "plain", cells: cells(1), marked_upto: None });
        assert_eq!(v.rows.iter().map(|r| r.label).collect::<Vec<_>>(), vec!["delivered", "sent", "plain"]);
        assert_eq!((v.window(0), v.window(2)), (None, None));
        assert_eq!(v.window(1), Some(Window { base: 2, next: 5, size: 4 }));
        assert_eq!(v.rows[1].marked_upto, Some(2), "the acknowledged prefix is marked as before");
        assert_eq!(v.rows[1].cells.len(), 6);
    }

    #[test]
    fn a_series_over_rounds_stays_bounded_and_its_rounds_only_go_forward() {
        let mut s = Series::over_rounds(Text::plain("infective"));
        for round in 0..10_000u64 {
            // Several events count towards one round: its value is the last one pushed.
            s.push_round(round, 1.0);
            s.push_round(round, round as f64);
        }
        s.push_round(3, -1.0);
        assert!(s.points().len() < SERIES_POINTS, "{}", s.points().len());
        assert!(s.points().windows(2).all(|w| w[0].0 < w[1].0), "one point per round, in order");
        assert!(s.points().iter().all(|&(r, v)| v == r as f64), "each kept round holds its final value, the late push to round 3 ignored");
        assert_eq!(s.points()[0], (0, 0.0));
        assert_eq!(s.last(), Some(9_999.0));
        assert_eq!(s.axis(), Axis::Rounds);
    }

    #[test]
    fn a_chart_carries_its_thresholds_beside_its_lines() {
        let mut phi = Series::new(Text::plain("phi"));
        phi.push(10, 0.5);
        phi.push(20, 9.0);
        let c = Chart { id: "suspicion", kind: ChartKind::Lines, series: vec![Series::threshold(Text::key("series.threshold"), 8.0), phi] };
        assert_eq!(c.axis(), Axis::Time);
        let levels: Vec<(Option<f64>, bool)> = c.thresholds().map(|t| (t.level(), t.points().is_empty())).collect();
        assert_eq!(levels, vec![(Some(8.0), true)]);
        assert_eq!(c.lines().map(|l| l.last()).collect::<Vec<_>>(), vec![Some(9.0)]);
        let rounds = Chart { id: "spread", kind: ChartKind::Lines, series: vec![Series::threshold(Text::plain("N"), 100.0), Series::over_rounds(Text::plain("I"))] };
        assert_eq!(rounds.axis(), Axis::Rounds, "the axis is the lines', not the threshold's");
    }
}
