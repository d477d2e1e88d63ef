//! Layout maths for the pictures: where nodes sit, where an arrow's head is at a given
//! instant, where an event lands on the time-space diagram. Pure functions, tested
//! natively, so the components only turn numbers into SVG.

use crate::sim::{Graph, Group, NodeId, Placement, Time, TopologyKind};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
    pub fn lerp(self, to: Point, t: f64) -> Point {
        Point::new(self.x + (to.x - self.x) * t, self.y + (to.y - self.y) * t)
    }
    pub fn distance(self, to: Point) -> f64 {
        ((to.x - self.x).powi(2) + (to.y - self.y).powi(2)).sqrt()
    }
}

/// The drawing area in CSS pixels: the views draw at true size so text stays readable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    pub w: f64,
    pub h: f64,
    /// Where the area starts vertically (a band above it is kept for a caption).
    pub top: f64,
    /// Room the labels beside a node need, in pixels (from its longest label).
    pub label_room: f64,
}

impl Size {
    /// Before the first measurement, and the smallest size drawn into.
    pub const FALLBACK: Size = Size { w: 800.0, h: 600.0, top: 0.0, label_room: 150.0 };

    pub fn new(w: f64, h: f64) -> Size {
        Size { w: w.max(240.0), h: h.max(200.0), ..Size::FALLBACK }
    }
    /// The same area less a band of `top` pixels above and `bottom` below.
    pub fn inset(self, top: f64, bottom: f64) -> Size {
        Size { h: (self.h - top - bottom).max(160.0), top: self.top + top, ..self }
    }
    /// Room for labels of up to `chars` characters beside the nodes (bold, 20px).
    pub fn with_labels(self, chars: usize) -> Size {
        Size { label_room: (chars as f64 * 12.5 + 16.0).clamp(60.0, 280.0), ..self }
    }
    pub fn centre(self) -> Point {
        Point::new(self.w / 2.0, self.top + self.h / 2.0)
    }
    /// Radius of the circle nodes sit on, leaving room for the labels outside it:
    /// two lines above the top node and below the bottom one, a word beside the sides.
    fn ring_radius(self, n: usize) -> f64 {
        let r = circle_node_radius(self, n);
        let (side, under) = if side_labels(self, n) { (self.label_room, 50.0) } else { (20.0, 60.0) };
        (self.w / 2.0 - r - side).min(self.h / 2.0 - r - under).max(2.4 * r)
    }
}

/// Whether each node gets its role and badge written beside it; above this many nodes
/// they would collide, so colour carries the role and the inspector the rest.
pub fn labels_fit(n: usize) -> bool {
    n <= 12
}

/// Whether labels go beside the nodes (outward); in a narrow box they go underneath.
/// Beside the nodes when that costs the ring little; underneath when long labels in a
/// narrow box would shrink the ring too much.
pub fn side_labels(size: Size, n: usize) -> bool {
    if !labels_fit(n) {
        return false;
    }
    let r = 40.0_f64.min(size.h / 12.0);
    let beside = (size.w / 2.0 - size.label_room - r).min(size.h / 2.0 - r - 50.0);
    let below = (size.w / 2.0 - r - 20.0).min(size.h / 2.0 - r - 60.0);
    beside >= 0.8 * below
}

/// Node radius: large enough to read from the back of a hall, small enough not to touch.
/// On a layered tree or a grid it also keeps clear of the neighbours in the same row and
/// of the rows above and below.
pub fn node_radius(size: Size, graph: &Graph) -> f64 {
    let r = circle_node_radius(size, graph.n());
    match shape(size, graph) {
        Shape::Circle | Shape::Star => r,
        Shape::Layered => r.min(layered_radius(size, graph)),
        Shape::Grid => {
            let (cols, rows) = grid_shape(graph);
            r.min(0.42 * (size.w - 2.0 * MARGIN_X) / cols as f64).min(0.42 * row_band(size) / rows as f64)
        }
    }
}

/// The largest radius that keeps a layered tree's nodes apart within and across rows.
fn layered_radius(size: Size, graph: &Graph) -> f64 {
    let (x, rows) = layered_units(graph);
    let slots = x.iter().copied().fold(0.0, f64::max) + 1.0;
    (0.42 * (size.w - 2.0 * MARGIN_X) / slots).min(0.42 * row_band(size) / rows as f64)
}

/// The radius nodes on a circle get: from the circumference they share.
fn circle_node_radius(size: Size, n: usize) -> f64 {
    let side = if side_labels(size, n) { size.label_room + 10.0 } else { 40.0 };
    let rough = (size.w / 2.0 - side).min(size.h / 2.0 - 80.0).max(50.0);
    let circumference = std::f64::consts::TAU * rough;
    (circumference / n.max(1) as f64 * 0.28).clamp(12.0, 40.0).min(size.h / 12.0)
}

fn on_circle(size: Size, i: usize, count: usize, radius: f64) -> Point {
    // Node 0 at the top, ids increasing clockwise: the direction a ring's messages go.
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / count.max(1) as f64;
    let c = size.centre();
    Point::new(c.x + radius * angle.cos(), c.y + radius * angle.sin())
}

/// How a graph is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Nodes on a circle, node 0 on top (ring, complete, an edge list that is no tree).
    Circle,
    /// Node 0 in the middle, the others on a circle.
    Star,
    /// Root on top, one row per depth, children under their parent (trees).
    Layered,
    /// Rows and columns (the quorum grid).
    Grid,
}

/// How `graph` is drawn in `size`.
pub fn shape(size: Size, graph: &Graph) -> Shape {
    match graph.kind() {
        TopologyKind::Ring | TopologyKind::Complete | TopologyKind::Peers => Shape::Circle,
        TopologyKind::Star => Shape::Star,
        TopologyKind::Grid => Shape::Grid,
        TopologyKind::Tree | TopologyKind::RandomTree => Shape::Layered,
        // A hand-written tree is layered while that leaves its nodes a readable size; a
        // long path or a wide fan reads better round a circle than as tiny dots.
        TopologyKind::Edges if graph.is_tree() && layered_radius(size, graph) >= MIN_LAYERED_RADIUS => Shape::Layered,
        TopologyKind::Edges => Shape::Circle,
    }
}

/// Below this radius an edge-list tree is drawn on a circle instead of in rows.
const MIN_LAYERED_RADIUS: f64 = 12.0;

/// Side margins of layered trees and grids.
const MARGIN_X: f64 = 40.0;
/// Margin above the first row and below the last.
const MARGIN_Y: f64 = 50.0;
/// Room under the last row for its labels.
const LABEL_BAND: f64 = 30.0;

/// The height the rows of a tree or grid share.
fn row_band(size: Size) -> f64 {
    size.h - 2.0 * MARGIN_Y - LABEL_BAND
}

/// The centre of row `row` of `rows`.
fn row_y(size: Size, row: usize, rows: usize) -> f64 {
    size.top + MARGIN_Y + row_band(size) * (row as f64 + 0.5) / rows.max(1) as f64
}

/// Columns and rows of a grid drawing.
fn grid_shape(graph: &Graph) -> (usize, usize) {
    let cols = graph.grid_cols().unwrap_or(1).max(1);
    (cols, graph.n().div_ceil(cols).max(1))
}

/// Horizontal place of every node of a tree in units (nodes in one row are at least one
/// unit apart, the leftmost node of the widest subtree at 0), and the number of rows.
/// Subtrees are packed side by side as tightly as their outlines allow (Reingold-Tilford
/// without the balancing pass): each parent sits midway over its first and last child.
fn layered_units(graph: &Graph) -> (Vec<f64>, usize) {
    let n = graph.n();
    let mut x = vec![0.0; n];
    if n == 0 {
        return (x, 1);
    }
    // Offsets of each node from its parent, then the outline (leftmost, rightmost offset
    // from the subtree root) per depth below it. Children have larger depth, so visiting
    // nodes by decreasing depth places every subtree before its parent.
    let mut order: Vec<NodeId> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(graph.depth(i)));
    let mut offset = vec![0.0; n];
    let mut outline: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
    for &v in &order {
        let children = graph.children(v);
        let mut merged: Vec<(f64, f64)> = Vec::new();
        let mut at: Vec<f64> = Vec::with_capacity(children.len());
        for &c in children {
            let sub = &outline[c];
            // Far enough right to clear everything placed so far at every shared depth.
            let shift = if at.is_empty() {
                0.0
            } else {
                merged.iter().zip(sub).map(|(m, s)| m.1 + 1.0 - s.0).fold(f64::MIN, f64::max)
            };
            for (d, s) in sub.iter().enumerate() {
                match merged.get_mut(d) {
                    Some(m) => m.1 = s.1 + shift,
                    None => merged.push((s.0 + shift, s.1 + shift)),
                }
            }
            at.push(shift);
        }
        let mid = match (at.first(), at.last()) {
            (Some(a), Some(b)) => (a + b) / 2.0,
            _ => 0.0,
        };
        for (&c, a) in children.iter().zip(&at) {
            offset[c] = a - mid;
        }
        let mut own = vec![(0.0, 0.0)];
        own.extend(merged.iter().map(|(l, r)| (l - mid, r - mid)));
        outline[v] = own;
    }
    // From the root down: each node at its parent's place plus its offset.
    order.reverse();
    for &v in &order {
        x[v] = graph.parent(v).map_or(0.0, |p| x[p]) + offset[v];
    }
    let left = x.iter().copied().fold(f64::MAX, f64::min);
    for v in &mut x {
        *v -= left;
    }
    (x, graph.height() + 1)
}

/// Where each node is drawn.
pub fn node_positions(size: Size, graph: &Graph) -> Vec<Point> {
    let n = graph.n();
    match shape(size, graph) {
        Shape::Circle => {
            let ring = size.ring_radius(n);
            (0..n).map(|i| on_circle(size, i, n, ring)).collect()
        }
        Shape::Star => {
            let ring = size.ring_radius(n);
            (0..n).map(|i| if i == 0 { size.centre() } else { on_circle(size, i - 1, n - 1, ring) }).collect()
        }
        Shape::Layered => {
            // Each unit of the packed tree gets one slot across the width.
            let (x, rows) = layered_units(graph);
            let slots = x.iter().copied().fold(0.0, f64::max) + 1.0;
            let width = size.w - 2.0 * MARGIN_X;
            (0..n).map(|i| Point::new(MARGIN_X + width * (x[i] + 0.5) / slots, row_y(size, graph.depth(i), rows))).collect()
        }
        Shape::Grid => {
            let (cols, rows) = grid_shape(graph);
            let width = size.w - 2.0 * MARGIN_X;
            (0..n).map(|i| Point::new(MARGIN_X + width * ((i % cols) as f64 + 0.5) / cols as f64, row_y(size, i / cols, rows))).collect()
        }
    }
}

/// Where each node is drawn and how large, given the protocol's placement: the
/// topology's own drawing, or one built from its groups (columns, lanes, a centre and a
/// rim), angles on a circle (a hash ring), or a dense field of dots.
pub fn place(size: Size, graph: &Graph, placement: &Placement, groups: &[Group]) -> (Vec<Point>, f64) {
    let n = graph.n();
    let members = |id: &str| -> Vec<NodeId> { groups.iter().filter(|g| g.id == id).flat_map(|g| g.members.iter().copied()).collect() };
    // Nodes in no named group still need a place: they go last.
    let leftovers = |named: &[&str]| -> Vec<NodeId> { (0..n).filter(|i| !named.iter().any(|g| members(g).contains(i))).collect() };
    let fit = |pos: &[Point], cap: f64| {
        let mut gap = f64::MAX;
        for (i, a) in pos.iter().enumerate() {
            for b in &pos[i + 1..] {
                gap = gap.min(a.distance(*b));
            }
        }
        (gap * 0.36).min(cap).max(4.0)
    };
    match placement {
        Placement::Topology => (node_positions(size, graph), node_radius(size, graph)),
        Placement::Columns(order) | Placement::Lanes(order) => {
            let mut bands: Vec<Vec<NodeId>> = order.iter().map(|g| members(g)).filter(|m| !m.is_empty()).collect();
            let rest = leftovers(order);
            if !rest.is_empty() {
                bands.push(rest);
            }
            let columns = matches!(placement, Placement::Columns(_));
            let mut pos = vec![size.centre(); n];
            let k = bands.len().max(1) as f64;
            for (b, band) in bands.iter().enumerate() {
                for (j, &node) in band.iter().enumerate() {
                    let along = (j as f64 + 0.5) / band.len() as f64;
                    let across = (b as f64 + 0.5) / k;
                    pos[node] = if columns {
                        Point::new(MARGIN_X + (size.w - 2.0 * MARGIN_X) * across, size.top + 40.0 + (size.h - 80.0) * along)
                    } else {
                        Point::new(MARGIN_X + (size.w - 2.0 * MARGIN_X) * along, size.top + 40.0 + (size.h - 80.0) * across)
                    };
                }
            }
            let r = fit(&pos, 34.0);
            (pos, r)
        }
        Placement::CentreRim { centre } => {
            let middle = members(centre);
            let rim: Vec<NodeId> = (0..n).filter(|i| !middle.contains(i)).collect();
            let ring = size.ring_radius(rim.len().max(1));
            let mut pos = vec![size.centre(); n];
            for (j, &node) in rim.iter().enumerate() {
                pos[node] = on_circle(size, j, rim.len(), ring);
            }
            for (j, &node) in middle.iter().enumerate() {
                pos[node] = if middle.len() == 1 { size.centre() } else { on_circle(size, j, middle.len(), ring * 0.3) };
            }
            let r = fit(&pos, 34.0);
            (pos, r)
        }
        Placement::Angles(ring) => {
            let frame = ring_frame(size, n);
            (ring_nodes(&frame, ring, n), frame.node_r)
        }
        Placement::Field => {
            let cols = ((n as f64 * size.w / size.h.max(1.0)).sqrt().ceil() as usize).max(1);
            let rows = n.div_ceil(cols).max(1);
            let (dx, dy) = ((size.w - 2.0 * MARGIN_X) / cols as f64, (size.h - 40.0) / rows as f64);
            let pos = (0..n).map(|i| Point::new(MARGIN_X + dx * ((i % cols) as f64 + 0.5), size.top + 20.0 + dy * ((i / cols) as f64 + 0.5))).collect();
            (pos, (dx.min(dy) * 0.36).clamp(1.5, 30.0))
        }
    }
}

/// The circle a hash ring is drawn on, and the size of its nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RingFrame {
    pub centre: Point,
    /// The circle the points and keys lie on.
    pub radius: f64,
    pub node_r: f64,
}

/// Where a hash ring goes in `size` for `n` nodes: the circle as large as the picture
/// allows with a row of nodes and a line of words around it; the nodes small, since the
/// ring, not the nodes, is the picture.
pub fn ring_frame(size: Size, n: usize) -> RingFrame {
    let node_r = circle_node_radius(size, n).min(18.0);
    let half = (size.w / 2.0 - 10.0).min(size.h / 2.0);
    let radius = (half - 2.0 * node_r - 30.0).max(3.0 * node_r);
    RingFrame { centre: size.centre(), radius, node_r }
}

/// The point at `angle` (millionths of a turn, clockwise from the top) at `radius` from
/// the ring's centre.
pub fn on_ring(f: &RingFrame, angle: u32, radius: f64) -> Point {
    let a = angle as f64 / crate::sim::view::TURN as f64 * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
    Point::new(f.centre.x + radius * a.cos(), f.centre.y + radius * a.sin())
}

/// Where each node of a hash ring is drawn: a node in the centre in the middle (several on
/// a small circle), a node off the ring inside the circle at its angle, a node on the ring
/// outside it on the spoke from its own point, in the first row where it covers no node
/// placed before it (going clockwise).
pub fn ring_nodes(f: &RingFrame, ring: &crate::sim::view::Ring, n: usize) -> Vec<Point> {
    let mut pos = vec![f.centre; n];
    let angle = |i: NodeId| ring.angles.get(i).copied().unwrap_or(0);
    let middle: Vec<NodeId> = ring.centre.iter().copied().filter(|&i| i < n).collect();
    for (j, &i) in middle.iter().enumerate() {
        if middle.len() > 1 {
            pos[i] = on_ring(f, (j as u64 * crate::sim::view::TURN as u64 / middle.len() as u64) as u32, 2.4 * f.node_r);
        }
    }
    let mut placed: Vec<Point> = middle.iter().map(|&i| pos[i]).collect();
    let mut order: Vec<NodeId> = (0..n).filter(|i| !middle.contains(i)).collect();
    order.sort_by_key(|&i| (angle(i), i));
    let gap = 2.0 * f.node_r + 4.0;
    for i in order {
        // Off the ring: inside the circle. On it: just outside, else just inside past the
        // keys' ticks, else a row further out or in, on the spoke from its point.
        let rows: Vec<f64> = if ring.off.contains(&i) {
            (0..3).map(|k| f.radius * 0.55 - k as f64 * gap).collect()
        } else {
            let (out, inside) = (f.radius + f.node_r + 6.0, f.radius - f.node_r - 30.0);
            vec![out, inside, out + gap, inside - gap]
        };
        let spot = rows.iter().map(|&r| on_ring(f, angle(i), r)).find(|p| placed.iter().all(|q| p.distance(*q) >= gap)).unwrap_or_else(|| on_ring(f, angle(i), rows[0]));
        pos[i] = spot;
        placed.push(spot);
    }
    pos
}

/// The two ends of the arrow for a message from `a` to `b`: trimmed to the node rims and
/// shifted to the right of the direction of travel, so messages going opposite ways on
/// one link do not overlap.
pub fn arrow_ends(a: Point, b: Point, radius: f64) -> (Point, Point) {
    let d = a.distance(b).max(1e-9);
    let (ux, uy) = ((b.x - a.x) / d, (b.y - a.y) / d);
    // Right-hand normal in screen coordinates (y grows downwards).
    let (nx, ny) = (-uy, ux);
    let shift = radius * 0.35;
    let trim = radius + 4.0;
    (
        Point::new(a.x + ux * trim + nx * shift, a.y + uy * trim + ny * shift),
        Point::new(b.x - ux * trim + nx * shift, b.y - uy * trim + ny * shift),
    )
}

/// Where a message's label goes: on a circle, towards the middle of the ring from the
/// middle of its link (the open space, away from the node labels outside); elsewhere,
/// beside the link on the right of the direction of travel.
pub fn message_label_spot(size: Size, graph: &Graph, start: Point, end: Point) -> Point {
    let mid = start.lerp(end, 0.5);
    let (dx, dy) = if shape(size, graph) == Shape::Circle {
        let c = size.centre();
        (c.x - mid.x, c.y - mid.y)
    } else {
        (-(end.y - start.y), end.x - start.x)
    };
    let d = (dx * dx + dy * dy).sqrt().max(1.0);
    Point::new(mid.x + dx / d * 26.0, mid.y + dy / d * 26.0 + 6.0)
}

/// How far along its path a message is at `now`: 0 at sending, 1 at arrival.
pub fn progress(sent_at: Time, arrive: Time, now: Time) -> f64 {
    if arrive <= sent_at {
        return 1.0;
    }
    (now.saturating_sub(sent_at) as f64 / (arrive - sent_at) as f64).clamp(0.0, 1.0)
}

/// Where the token is drawn beside the node holding it: on the inner side of the
/// circle, where no label is, so it reads as "this node has it".
pub fn token_spot(size: Size, node: Point, radius: f64) -> Point {
    let c = size.centre();
    let d = node.distance(c);
    if d < radius * 2.0 {
        return Point::new(node.x + radius * 0.8, node.y - radius * 0.8);
    }
    node.lerp(c, (radius * 1.45) / d)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn css(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where a node's two label lines go: outward from the centre on circular layouts, so
/// they never sit on an edge; under the node otherwise. The point is the first line's
/// baseline.
pub fn label_spot(size: Size, graph: &Graph, node: Point, radius: f64) -> (Point, Anchor) {
    let c = size.centre();
    let (dx, dy) = (node.x - c.x, node.y - c.y);
    let d = (dx * dx + dy * dy).sqrt();
    let circular = matches!(shape(size, graph), Shape::Circle | Shape::Star);
    if !circular || d < 1.0 || !side_labels(size, 2) {
        return (Point::new(node.x, node.y + radius + 22.0), Anchor::Middle);
    }
    let (ux, uy) = (dx / d, dy / d);
    if ux.abs() < 0.35 {
        // Top or bottom of the circle: above or below.
        let y = if uy < 0.0 { node.y - radius - 32.0 } else { node.y + radius + 22.0 };
        (Point::new(node.x, y), Anchor::Middle)
    } else {
        let x = node.x + ux * (radius + 10.0);
        let y = node.y + uy * (radius * 0.6) - 2.0;
        (Point::new(x, y), if ux > 0.0 { Anchor::Start } else { Anchor::End })
    }
}

/// The time-space diagram's mapping from (time, node) to the page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timeline {
    pub t0: Time,
    pub t1: Time,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub row: f64,
}

impl Timeline {
    /// A window of `span` ticks ending at `now` (or starting at 0 while the run is short),
    /// drawn across `width` with `n` rows of `row` height under a header of `y0`.
    pub fn new(now: Time, span: Time, width: f64, x0: f64, y0: f64, row: f64) -> Self {
        let span = span.max(10);
        let t1 = now.max(span);
        Timeline { t0: t1 - span, t1, x0, x1: width - 20.0, y0, row }
    }
    pub fn x(&self, t: Time) -> f64 {
        self.x0 + (self.x1 - self.x0) * (t.saturating_sub(self.t0)) as f64 / (self.t1 - self.t0) as f64
    }
    /// Fractional row positions are allowed (a message line between two rows).
    pub fn y(&self, node: f64) -> f64 {
        self.y0 + self.row * (node + 0.5)
    }
    pub fn visible(&self, t: Time) -> bool {
        t >= self.t0 && t <= self.t1
    }
}

/// A readable step for time-axis ticks covering `span`: 1, 2 or 5 times a power of ten.
pub fn tick_step(span: Time, max_ticks: u64) -> Time {
    let rough = (span / max_ticks.max(1)).max(1);
    let mut p = 1;
    while p * 10 <= rough {
        p *= 10;
    }
    [1, 2, 5, 10].iter().map(|m| m * p).find(|s| *s >= rough).unwrap_or(10 * p)
}

/// Rows for node `i` of `n`, as used by the diagram; also where a lost message died.
pub fn row_between(from: NodeId, to: NodeId, fraction: f64) -> f64 {
    from as f64 + (to as f64 - from as f64) * fraction
}

/// The polyline of a cut on the time-space diagram: through each node's instant on its
/// line, nodes in order (instants outside the window are clamped to its edges).
pub fn cut_points(frame: &Timeline, at: &[Time]) -> String {
    at.iter()
        .enumerate()
        .map(|(node, &t)| format!("{:.1},{:.1}", frame.x(t.clamp(frame.t0, frame.t1)), frame.y(node as f64)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The instant a frame may show: where the clock wanted to be, but never past a
/// happening that has not been simulated yet (the picture must not run ahead of the state).
pub fn visible_time(target: Time, now: Time, next_due: Option<Time>) -> Time {
    target.min(next_due.unwrap_or(Time::MAX)).max(now)
}

/// An axis-aligned box in picture pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0, y0, x1, y1 }
    }
    /// The box of a disc.
    pub fn disc(c: Point, r: f64) -> Rect {
        Rect::new(c.x - r, c.y - r, c.x + r, c.y + r)
    }
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    pub fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
    pub fn shifted(&self, dx: f64, dy: f64) -> Rect {
        Rect::new(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)
    }
}

/// Estimated width of `text` at `font` pixels (bold sans: a Latin character about 0.66
/// of the size, a Chinese one a full square), a little generous so estimates never touch.
pub fn text_px(text: &str, font: f64) -> f64 {
    text.chars().map(|c| if (c as u32) >= 0x2e80 { 1.05 } else if c == ' ' { 0.36 } else { 0.68 }).sum::<f64>() * font + 2.0
}

/// The box of an SVG text written at `at` (its baseline) with this anchor.
pub fn text_box(text: &str, font: f64, at: Point, anchor: Anchor) -> Rect {
    width_box(text_px(text, font), font, at, anchor)
}

/// The box of a text `w` wide written at `at` (its baseline) with this anchor.
fn width_box(w: f64, font: f64, at: Point, anchor: Anchor) -> Rect {
    let x0 = match anchor {
        Anchor::Start => at.x,
        Anchor::Middle => at.x - w / 2.0,
        Anchor::End => at.x - w,
    };
    Rect::new(x0, at.y - 0.95 * font, x0 + w, at.y + 0.27 * font)
}

/// The box of a bold label (a node's state, a message's name): bold letters run about a
/// tenth wider than [`text_px`]'s estimate (measured with the page's font, DejaVu Sans).
pub fn bold_box(text: &str, font: f64, at: Point, anchor: Anchor) -> Rect {
    width_box(text_px(text, font) * 1.1, font, at, anchor)
}

/// Greedy label placement: boxes are taken in order of importance; a later label goes to
/// the first of its candidate spots that is inside the picture and touches nothing taken,
/// or is left out (its arrow, dot or node stays, and the inspector or tooltip says it).
#[derive(Clone, Debug)]
pub struct Placer {
    bounds: Rect,
    taken: Vec<Rect>,
}

impl Placer {
    pub fn new(bounds: Rect) -> Placer {
        Placer { bounds, taken: Vec::new() }
    }
    /// Something drawn that labels must keep off (a node, a token).
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }
    pub fn free(&self, r: &Rect) -> bool {
        r.inside(&self.bounds) && !self.taken.iter().any(|t| t.overlaps(r))
    }
    /// The first free candidate (by index), taken.
    pub fn place(&mut self, candidates: impl IntoIterator<Item = Rect>) -> Option<usize> {
        let (k, r) = candidates.into_iter().enumerate().find(|(_, r)| self.free(r))?;
        self.taken.push(r);
        Some(k)
    }
    /// The first free candidate that `also` accepts (e.g. crossed by no line), taken.
    pub fn place_if(&mut self, candidates: impl IntoIterator<Item = Rect>, also: impl Fn(&Rect) -> bool) -> Option<usize> {
        let (k, r) = candidates.into_iter().enumerate().find(|(_, r)| self.free(r) && also(r))?;
        self.taken.push(r);
        Some(k)
    }
    /// Take a box whatever it touches (what must be written: a node's id).
    pub fn force(&mut self, r: Rect) {
        self.taken.push(r);
    }
    pub fn bounds(&self) -> Rect {
        self.bounds
    }
}

/// A textbook line without the words that explain its formula, for a projector where room
/// is short: "2(N-1): one candidate, one round = 8" reads "2(N-1) = 8".
pub fn formula_only(line: &str) -> String {
    let Some((head, rest)) = line.split_once(": ").or_else(|| line.split_once('：')) else { return line.to_string() };
    match rest.rsplit_once(" = ") {
        Some((_, value)) => format!("{head} = {value}"),
        None => head.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_formula_keeps_its_value_and_drops_its_words() {
        use super::formula_only;
        assert_eq!(formula_only("2(N-1): one candidate, one round = 8"), "2(N-1) = 8");
        assert_eq!(formula_only("2(N-1)：一个候选者，一轮 = 8"), "2(N-1) = 8");
        assert_eq!(formula_only("3N-1 = 23"), "3N-1 = 23");
        assert_eq!(formula_only("O(N²): words"), "O(N²)");
    }

    use super::*;

    #[test]
    fn group_placements_keep_nodes_apart_and_in_view() {
        use crate::sim::{Topology, Group};
        let size = Size::new(1280.0, 720.0).inset(44.0, 26.0);
        for n in [3usize, 7, 12, 30] {
            let graph = Graph::build(&Topology::Complete, n, 1).unwrap();
            let groups = vec![Group { id: "a", members: (0..n / 3).collect() }, Group { id: "b", members: (n / 3..n - 1).collect() }];
            let placements = [
                Placement::Columns(vec!["a", "b"]),
                Placement::Lanes(vec!["b", "a"]),
                Placement::CentreRim { centre: "a" },
                Placement::Angles((0..n as u32).map(|i| i * (1_000_000 / n as u32) + (i * 7_919) % 20_000).collect()),
                Placement::Field,
            ];
            for p in &placements {
                let (pos, r) = place(size, &graph, p, &groups);
                assert_eq!(pos.len(), n);
                for (i, a) in pos.iter().enumerate() {
                    assert!(a.x >= 0.0 && a.x <= size.w && a.y >= size.top && a.y <= size.top + size.h, "{p:?} n={n}: node {i} at {a:?}");
                    for b in &pos[i + 1..] {
                        assert!(a.distance(*b) >= 2.0 * r, "{p:?} n={n}: nodes overlap");
                    }
                }
            }
            // Columns: group a left of group b, the leftover node in a third column.
            let (pos, _) = place(size, &graph, &Placement::Columns(vec!["a", "b"]), &groups);
            if n >= 6 {
                assert!(pos[0].x < pos[n / 3].x && pos[n / 3].x < pos[n - 1].x);
            }
        }
        // A thousand nodes as a field of dots still fit.
        let graph = Graph::build(&Topology::Complete, 1000, 1).unwrap();
        let (pos, r) = place(size, &graph, &Placement::Field, &[]);
        assert!(r >= 1.5 && pos.iter().all(|p| p.y <= size.top + size.h));
    }

    #[test]
    fn a_cut_runs_through_each_nodes_instant() {
        let frame = Timeline::new(1000, 1000, 1064.0, 64.0, 30.0, 50.0);
        assert_eq!(cut_points(&frame, &[500, 200, 5000]), format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", frame.x(500), frame.y(0.0), frame.x(200), frame.y(1.0), frame.x(1000), frame.y(2.0)));
    }

    #[test]
    fn the_picture_never_runs_ahead_of_the_simulation() {
        // The frame ran out of steps with a delivery still due at 150: show 150, not 400.
        assert_eq!(visible_time(400, 120, Some(150)), 150);
        assert_eq!(visible_time(140, 120, Some(150)), 140);
        assert_eq!(visible_time(400, 120, None), 400);
        assert_eq!(visible_time(100, 120, Some(150)), 120, "never behind the state either");
    }
    use crate::sim::Topology;

    fn graph(text: &str, n: usize, seed: u64) -> Graph {
        Graph::build(&Topology::parse(text).unwrap(), n, seed).unwrap()
    }

    /// Every form, and a few random trees and edge lists (a tree and not).
    fn every_topology(n: usize) -> Vec<Graph> {
        let mut out: Vec<Graph> = ["ring", "complete", "star", "tree", "tree:3", "tree:4", "tree:8", "grid"].iter().map(|t| graph(t, n, 1)).collect();
        out.extend((0..12).map(|seed| graph("random-tree", n, seed)));
        let path: Vec<String> = (1..n).map(|i| format!("{}-{i}", i - 1)).collect();
        out.push(graph(&format!("edges:{}", path.join(".")), n, 1));
        let broom: Vec<String> = (1..n).map(|i| format!("{}-{i}", (i - 1).min(2))).collect();
        out.push(graph(&format!("edges:{}", broom.join(".")), n, 1));
        out.push(graph(&format!("edges:0-{}", n - 1), n, 1));
        out
    }

    #[test]
    fn nodes_never_overlap_and_stay_in_view() {
        // The projector sizes the views take at 1280x720 and 1920x1080.
        for size in [Size::new(520.0, 430.0), Size::new(800.0, 700.0), Size::FALLBACK, Size::new(600.0, 480.0).inset(40.0, 30.0)] {
            for n in (2..=16).chain([20, 24, 31, 32]) {
                for g in every_topology(n) {
                    let topology = g.topology();
                    let r = node_radius(size, &g);
                    assert!(r >= 7.0, "{size:?} {topology} {n}: radius {r}");
                    let p = node_positions(size, &g);
                    assert_eq!(p.len(), n);
                    for (i, a) in p.iter().enumerate() {
                        assert!(a.x - r >= 0.0 && a.x + r <= size.w && a.y - r >= size.top && a.y + r <= size.top + size.h, "{size:?} {topology} {n} node {i} at {a:?}");
                        for b in &p[i + 1..] {
                            assert!(a.distance(*b) > 2.0 * r, "{size:?} {topology} {n}: nodes touch");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn trees_are_layered_with_children_under_their_parent() {
        let size = Size::FALLBACK;
        for n in [2, 5, 13, 32] {
            for g in every_topology(n).into_iter().filter(|g| shape(size, g) == Shape::Layered) {
                let p = node_positions(size, &g);
                let root = g.root().unwrap();
                for i in 0..n {
                    // One row per depth.
                    for j in 0..n {
                        assert_eq!(g.depth(i) == g.depth(j), (p[i].y - p[j].y).abs() < 1e-9, "{} {n}: rows of {i} and {j}", g.topology());
                    }
                    let children = g.children(i);
                    for &c in children {
                        assert!(p[c].y > p[i].y, "{} {n}: child {c} below {i}", g.topology());
                    }
                    // The parent sits over its children: midway between the first and last.
                    if let (Some(&a), Some(&b)) = (children.first(), children.last()) {
                        assert!((p[i].x - (p[a].x + p[b].x) / 2.0).abs() < 1e-6, "{} {n}: {i} over its children", g.topology());
                    }
                    // Children in id order from left to right.
                    for w in children.windows(2) {
                        assert!(p[w[0]].x < p[w[1]].x);
                    }
                }
                assert!(p.iter().all(|q| q.y >= p[root].y));
            }
        }
        // A full binary tree draws as it always did: leaves in even slots across the width.
        let p = node_positions(size, &graph("tree", 7, 1));
        let slot = (size.w - 80.0) / 4.0;
        for (k, leaf) in (3..7).enumerate() {
            assert!((p[leaf].x - (40.0 + slot * (k as f64 + 0.5))).abs() < 1e-6);
        }
        assert!((p[0].x - size.w / 2.0).abs() < 1e-6);
    }

    #[test]
    fn grids_are_rows_and_columns() {
        let size = Size::FALLBACK;
        let g = graph("grid", 9, 1);
        let p = node_positions(size, &g);
        for i in 0..9 {
            assert!((p[i].x - p[i % 3].x).abs() < 1e-9 && (p[i].y - p[(i / 3) * 3].y).abs() < 1e-9);
        }
        assert!(p[0].x < p[1].x && p[1].x < p[2].x && p[0].y < p[3].y && p[3].y < p[6].y);
        assert_eq!(shape(size, &g), Shape::Grid);
        assert_eq!(shape(size, &graph("edges:0-1.1-2.0-2", 3, 1)), Shape::Circle);
        assert_eq!(shape(size, &graph("edges:0-1.1-2.1-3", 4, 1)), Shape::Layered);
        let path: Vec<String> = (1..32).map(|i| format!("{}-{i}", i - 1)).collect();
        assert_eq!(shape(size, &graph(&format!("edges:{}", path.join(".")), 32, 1)), Shape::Circle);
    }

    #[test]
    fn arrows_both_ways_do_not_overlap_and_progress_clamps() {
        let (a, b) = (Point::new(0.0, 0.0), Point::new(100.0, 0.0));
        let (s1, e1) = arrow_ends(a, b, 10.0);
        let (s2, _) = arrow_ends(b, a, 10.0);
        assert!(s1.x > 0.0 && e1.x < 100.0);
        assert!((s1.y - s2.y).abs() > 5.0, "opposite directions sit on opposite sides");
        assert_eq!(progress(100, 200, 150), 0.5);
        assert_eq!(progress(100, 200, 50), 0.0);
        assert_eq!(progress(100, 200, 500), 1.0);
        assert_eq!(progress(100, 100, 100), 1.0);
    }

    #[test]
    fn timeline_maps_the_window() {
        let t = Timeline::new(2000, 1000, 1020.0, 20.0, 30.0, 40.0);
        assert_eq!((t.t0, t.t1), (1000, 2000));
        assert_eq!(t.x(1000), 20.0);
        assert_eq!(t.x(2000), 1000.0);
        assert_eq!(t.y(0.0), 50.0);
        let early = Timeline::new(100, 1000, 1020.0, 20.0, 30.0, 40.0);
        assert_eq!(early.t0, 0);
        assert_eq!(tick_step(1000, 10), 100);
        assert_eq!(tick_step(1300, 10), 200);
        assert_eq!(tick_step(7, 10), 1);
    }

    #[test]
    fn the_placer_keeps_labels_apart_and_inside() {
        let mut p = Placer::new(Rect::new(0.0, 0.0, 200.0, 100.0));
        p.block(Rect::disc(Point::new(100.0, 50.0), 20.0));
        let a = text_box("election", 16.0, Point::new(100.0, 20.0), Anchor::Middle);
        assert_eq!(p.place([a]), Some(0));
        // The same spot again is refused; a spot lower down that clears the node is taken.
        let b = text_box("answer", 16.0, Point::new(100.0, 22.0), Anchor::Middle);
        let c = text_box("answer", 16.0, Point::new(100.0, 92.0), Anchor::Middle);
        assert_eq!(p.place([b, c]), Some(1));
        // Outside the picture is refused too.
        assert_eq!(p.place([text_box("id 7 · leader 8", 16.0, Point::new(2.0, 50.0), Anchor::End)]), None);
        assert!(text_px("选举", 16.0) > text_px("ab", 16.0));
    }
}
