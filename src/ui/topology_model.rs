//! The topology picture as data (the component in `topology.rs` only draws it): nodes where the layout puts them, the words beside them
//! (placed greedily so none covers another), links, every message in flight as an arrow
//! whose head moves from sender to receiver, the token, countdown rings, overlays, dying
//! messages, the caption, the legend, and where the menu of the selected thing opens.

use std::collections::BTreeMap;

use crate::phrase;
use crate::sim::protocol::InputSpec;
use crate::sim::trace::EventKind;
use crate::sim::view::{CellRow, Chart, Glyph, ItemMark, NodeView, Overlay, Placement, Ring, Tone, TURN};
use crate::sim::{network::link_key, Act, FlightView, MsgId, NodeId, Simulation, Time, TopologyKind};
use crate::ui::layout::{self, Anchor, Point, Rect, Size};
use crate::ui::state::{AppState, Selection};
use crate::ui::text;
use crate::words::{Dictionary, Text};

const CAPTION_BAND: f64 = 64.0;
const LEGEND_BAND: f64 = 26.0;
/// Above this many nodes the links are not drawn (a field of dots speaks for itself).
pub const MAX_DRAWN_EDGES: usize = 600;
/// Cells drawn beside a node; the inspector shows them all.
const CELLS_SHOWN: usize = 8;
/// How long a lost message's cross stays on screen, in simulated ticks.
const DEATH_SHOWN_FOR: Time = 90;
/// The least height the nodes and their labels keep when charts want a band under them.
const MIN_PICTURE_HEIGHT: f64 = 420.0;
/// Estimated width of the popover (its CSS max-width).
const POPUP_W: f64 = 360.0;
/// The same for a message's or a link's popover (`.popup.compact`).
const POPUP_W_COMPACT: f64 = 250.0;
pub const CELL_GAP: f64 = 2.0;
const MORE_WIDTH: f64 = 14.0;

/// A stable colour slot per message kind (same kind, same colour, every run).
pub fn kind_slot(kind: &str) -> usize {
    kind.bytes().fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize)) % 6
}

/// Width of a label in "Latin characters": a Chinese character takes about two.
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2e80 { 2 } else { 1 }).sum()
}

/// The points of an arrow head at `tip`, pointing away from `from`.
pub fn arrow_head(tip: Point, from: Point, size: f64) -> String {
    let d = tip.distance(from).max(1e-9);
    let (ux, uy) = ((tip.x - from.x) / d, (tip.y - from.y) / d);
    let base = Point::new(tip.x - ux * size, tip.y - uy * size);
    let (nx, ny) = (-uy * size * 0.55, ux * size * 0.55);
    format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", tip.x, tip.y, base.x + nx, base.y + ny, base.x - nx, base.y - ny)
}

/// An SVG arc around `c` covering `fraction` of a turn, clockwise from the top.
fn arc(c: Point, radius: f64, fraction: f64) -> String {
    let f = fraction.clamp(0.0, 0.9999);
    let a = f * std::f64::consts::TAU;
    let (x, y) = (c.x + radius * a.sin(), c.y - radius * a.cos());
    format!("M {:.1} {:.1} A {radius:.1} {radius:.1} 0 {} 1 {x:.1} {y:.1}", c.x, c.y - radius, if f > 0.5 { 1 } else { 0 })
}

/// Where a word goes: its point and which end of it sits there.
pub type Spot = (Point, Anchor);

/// Where a node's row of cells goes and how many cells fit: each cell as wide as its
/// text, the row moved left or cut short (the rest becomes "…") to stay in the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct RowPlan {
    pub at: Point,
    pub widths: Vec<f64>,
    pub more: bool,
}

fn plan_row(row: &CellRow, want: Point, right_edge: f64, ts: f64) -> RowPlan {
    let mut widths: Vec<f64> = row.cells.iter().take(CELLS_SHOWN).map(|c| (layout::text_px(&c.text, 16.0 * ts) + 10.0).max(26.0 * ts)).collect();
    let total = |w: &[f64]| w.iter().sum::<f64>() + CELL_GAP * w.len() as f64 + MORE_WIDTH;
    let mut at = want;
    if at.x + total(&widths) > right_edge {
        at.x = (right_edge - total(&widths)).max(4.0);
    }
    while widths.len() > 1 && at.x + total(&widths) > right_edge {
        widths.pop();
    }
    let more = row.cells.len() > widths.len();
    RowPlan { at, widths, more }
}

impl RowPlan {
    pub fn rect(&self) -> Rect {
        let w: f64 = self.widths.iter().sum::<f64>() + CELL_GAP * self.widths.len() as f64 + if self.more { MORE_WIDTH } else { 0.0 };
        Rect::new(self.at.x, self.at.y, self.at.x + w, self.at.y + 24.0)
    }
}

/// Where the charts go: beside the picture when it is wide, in a band under it when the
/// picture keeps enough height, else behind a button (opened, over the picture).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartsPlace {
    None,
    Beside,
    Below,
    Folded,
}

/// One node and everything written beside it.
pub struct NodeDrawing {
    pub at: Point,
    pub view: NodeView,
    pub down: bool,
    pub absent: bool,
    pub selected: bool,
    pub breach: bool,
    /// The state in words, whole (the tooltip) and as written: shortened or smaller when
    /// the whole did not fit.
    pub role: String,
    pub role_shown: String,
    pub role_size: f64,
    pub role_at: Option<Spot>,
    pub badge: String,
    pub badge_at: Option<Spot>,
    /// Glyphs other than the token, from this point rightwards.
    pub glyphs: Vec<Glyph>,
    pub glyph_at: Point,
    pub row: Option<(CellRow, RowPlan)>,
}

/// A link between two nodes, as the network has it now.
pub struct EdgeDrawing {
    pub a: NodeId,
    pub b: NodeId,
    pub from: Point,
    pub to: Point,
    pub cut: bool,
    pub slow: bool,
    pub lossy: bool,
    pub selected: bool,
    /// The ring's direction, a chevron past the middle.
    pub chevron: Option<String>,
}

/// An armed timeout the protocol wants seen: a ring that runs down.
pub struct Countdown {
    pub node: NodeId,
    pub at: Point,
    pub radius: f64,
    pub arc: String,
    pub title: Text,
}

/// A message in flight: an arrow from its sender, its head where it has got to.
pub struct Arrow {
    pub flight: FlightView,
    pub start: Point,
    pub head: Point,
    pub end: Point,
    /// The head's points (a token flies as a coin instead).
    pub head_points: String,
    pub selected: bool,
    /// Its label: where, how large, which words (None: left out, the arrow says enough).
    pub label: Option<(Point, f64, String)>,
}

/// A message that died a moment ago: a fading cross where it died.
pub struct Death {
    pub msg: MsgId,
    pub fade: f64,
    pub start: Point,
    pub at: Point,
    pub words: String,
    pub label_at: Option<Point>,
}

/// An overlay on the nodes: a set outlined together, or arrows between nodes.
pub enum OverlayDrawing {
    Set { label: String, members: Vec<Point>, radius: f64, label_at: Option<Point> },
    Arrows { label: String, alarm: bool, arrows: Vec<(Point, Point, String)> },
}

/// Which colour means what, and the keys for whatever else is on screen.
#[derive(Debug, Default, PartialEq)]
pub struct Legend {
    /// (role in words, tone, down) for the roles on screen.
    pub roles: Vec<(String, Tone, bool)>,
    pub token: bool,
    pub breach: bool,
    pub countdown: bool,
    pub death: bool,
    pub cut: bool,
    pub slow: bool,
    pub lossy: bool,
    pub break_hint: bool,
    /// A hash ring's keys, virtual points, and keys moved a moment ago or lost.
    pub ring_keys: bool,
    pub ring_points: bool,
    pub ring_moved: bool,
    pub ring_lost: bool,
}

/// What the menu of the selected thing is about.
pub enum PopupKind {
    Node { node: NodeId, up: bool, absent: bool, inputs: Vec<InputSpec>, n: usize },
    Message { id: MsgId, doomed: bool },
    /// A link: whether it has a rule of its own to restore, whether it is cut, and the
    /// rules "slow" and "lossy" would set.
    Link { a: NodeId, b: NodeId, special: bool, cut: bool, slow: Act, lossy: Act },
}

/// The menu beside the selected thing: where it opens, its title, what it offers.
pub struct Popup {
    pub corner: Point,
    pub compact: bool,
    pub title: String,
    pub kind: PopupKind,
}

/// The topology picture, ready to draw.
pub struct Topology {
    pub size: Size,
    pub n: usize,
    pub topology_name: &'static str,
    pub in_flight: usize,
    /// The instant drawn.
    pub time: Time,
    pub charts: Vec<Chart>,
    pub charts_place: ChartsPlace,
    /// The band kept under the picture for the legend (measured): charts below the picture
    /// sit on top of it, whether the legend takes one line or two.
    pub legend_band: f64,
    pub radius: f64,
    /// Size of the node's number (0: not written).
    pub id_font: f64,
    pub role_font: f64,
    pub badge_size: f64,
    pub type_scale: f64,
    pub nodes: Vec<NodeDrawing>,
    pub edges: Vec<EdgeDrawing>,
    pub countdowns: Vec<Countdown>,
    pub tokens: Vec<(NodeId, Point)>,
    pub overlays: Vec<OverlayDrawing>,
    pub arrows: Vec<Arrow>,
    pub deaths: Vec<Death>,
    /// What just happened (the last lines), then the invariants it broke.
    pub caption: Vec<String>,
    pub caption_lines: usize,
    pub legend: Legend,
    pub popup: Option<Popup>,
    /// The hash ring under the nodes, when the protocol places them on one.
    pub ring: Option<RingDrawing>,
}

/// How many colours tell a ring's nodes apart (a node's colour is its number modulo this).
pub const RING_COLOURS: usize = 10;

/// A hash ring as drawn: the circle, each node's share of it as arcs in the node's colour,
/// every point of a node (its own, joined to the node by a spoke, and its virtual ones,
/// smaller), and each item as a tick on the circle in its owner's colour.
#[derive(Clone, Debug, PartialEq)]
pub struct RingDrawing {
    pub centre: Point,
    pub radius: f64,
    /// The nodes' radius: a node on the ring wears a halo of its colour just outside it.
    pub node_r: f64,
    /// (SVG path, colour) of each stretch of the circle, from one point to the next,
    /// owned by the node of the point it ends at.
    pub arcs: Vec<(String, usize)>,
    pub points: Vec<RingPoint>,
    pub keys: Vec<KeyMark>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RingPoint {
    pub node: NodeId,
    pub at: Point,
    pub colour: usize,
    /// The node's own point: drawn larger, with a spoke to the node.
    pub own: Option<Point>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyMark {
    /// The tick from the circle inwards.
    pub from: Point,
    pub to: Point,
    pub colour: usize,
    pub mark: ItemMark,
    /// "k7 → n3".
    pub title: String,
}

/// The ring drawn for `ring` in the frame the layout placed the nodes in.
fn ring_drawing(ring: &Ring, area: Size, pos: &[Point]) -> RingDrawing {
    let f = layout::ring_frame(area, pos.len());
    let colour = |n: NodeId| n % RING_COLOURS;
    let mut points: Vec<RingPoint> = Vec::new();
    for (n, &a) in ring.angles.iter().enumerate().filter(|&(n, _)| n < pos.len() && ring.holds_part(n)) {
        points.push(RingPoint { node: n, at: layout::on_ring(&f, a, f.radius), colour: colour(n), own: Some(pos[n]) });
    }
    for &(n, a) in ring.virtual_points.iter().filter(|&&(n, _)| ring.holds_part(n)) {
        points.push(RingPoint { node: n, at: layout::on_ring(&f, a, f.radius), colour: colour(n), own: None });
    }
    // Each stretch from one point to the next belongs to the node of the point it ends at.
    let all = ring.points();
    let arcs = all
        .iter()
        .enumerate()
        .map(|(k, &(end, n))| {
            let start = if k == 0 { all[all.len() - 1].0 } else { all[k - 1].0 };
            (ring_arc(&f, start, end), colour(n))
        })
        .collect();
    let band = (f.node_r * 0.5).clamp(8.0, 12.0);
    let keys = ring
        .items
        .iter()
        .map(|it| {
            let long = if it.mark == ItemMark::Held { 1.0 } else { 1.8 };
            KeyMark {
                from: layout::on_ring(&f, it.angle, f.radius - 3.0),
                to: layout::on_ring(&f, it.angle, f.radius - 3.0 - band * long),
                colour: colour(it.owner),
                mark: it.mark,
                title: format!("{} → n{}", it.label, it.owner),
            }
        })
        .collect();
    RingDrawing { centre: f.centre, radius: f.radius, node_r: f.node_r, arcs, points, keys }
}

/// The circle's stretch clockwise from `a` to `b` (a whole turn when they are equal: a
/// single point owns everything), as an SVG path.
fn ring_arc(f: &layout::RingFrame, a: u32, b: u32) -> String {
    let span = if b > a { b - a } else { b + TURN - a };
    let r = f.radius;
    let to = |x: u32| layout::on_ring(f, x % TURN, r);
    if span >= TURN {
        let (p, q) = (to(a), to(a + TURN / 2));
        return format!("M {:.1} {:.1} A {r:.1} {r:.1} 0 0 1 {:.1} {:.1} A {r:.1} {r:.1} 0 0 1 {:.1} {:.1}", p.x, p.y, q.x, q.y, p.x, p.y);
    }
    let (p, q) = (to(a), to(a + span));
    format!("M {:.1} {:.1} A {r:.1} {r:.1} 0 {} 1 {:.1} {:.1}", p.x, p.y, u8::from(span > TURN / 2), q.x, q.y)
}

/// Where the picture's nodes go: the area and the nodes' places and radius, and whether
/// labels are compact (the badge only, the role left to the node's colour).
struct Frame {
    area: Size,
    picture: Size,
    pos: Vec<Point>,
    r: f64,
    compact: bool,
    charts: ChartsPlace,
    placement: Placement,
}

/// The measured heights of the caption over the picture and the legend under it (0 when
/// not measured yet).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bands {
    pub caption: f64,
    pub legend: f64,
}

fn role_words(d: &Dictionary, sim: &dyn Simulation) -> Vec<String> {
    let (up, absent) = (sim.up(), sim.absent());
    sim.node_views()
        .iter()
        .enumerate()
        .map(|(i, v)| if absent[i] { d.id("role", "absent") } else if up[i] { d.id("role", v.role) } else { d.id("role", "crashed") })
        .collect()
}

fn frame(sim: &dyn Simulation, size: Size, caption_band: f64, legend_band: f64, roles: &[String], badges: &[String]) -> Frame {
    let setup = sim.setup();
    let (n, graph, placement, groups) = (setup.n, &setup.graph, sim.placement(), sim.groups());
    // Charts take a strip beside the picture when it is wide, a band under it when the
    // picture keeps enough height; otherwise they wait behind a button and, opened, lie
    // over the picture, which never shrinks for them below what a hall can read.
    let has_charts = !sim.charts().is_empty();
    let fit_below = size.h - crate::ui::chart::BAND >= MIN_PICTURE_HEIGHT;
    let charts = match (has_charts, size.w >= 900.0, fit_below) {
        (false, ..) => ChartsPlace::None,
        (true, true, _) => ChartsPlace::Beside,
        (true, false, true) => ChartsPlace::Below,
        (true, false, false) => ChartsPlace::Folded,
    };
    let picture = match charts {
        ChartsPlace::Beside => Size { w: size.w - crate::ui::chart::STRIP, ..size },
        ChartsPlace::Below => Size { h: size.h - crate::ui::chart::BAND, ..size },
        _ => size,
    };
    // Room beside the nodes for the longest label on screen.
    let longest = (0..n).map(|i| text_width(&roles[i]).max(text_width(&badges[i]) * 4 / 5)).max().unwrap_or(8);
    let area = picture.inset(caption_band, legend_band).with_labels(longest);
    // When neighbours end up too close for two lines of label, the role is left to the
    // node's colour (the legend says which is which) and only the badge is written.
    let spacing = |a: Size| {
        let (p, r) = layout::place(a, graph, &placement, groups);
        if p.len() < 2 {
            f64::MAX
        } else {
            p[0].distance(p[1]) - 2.0 * r
        }
    };
    // Neighbours side by side need room for the widest role between them (about 11 px a
    // character at the label's size).
    let widest_role = roles.iter().map(|r| text_width(r)).max().unwrap_or(0) as f64 * 11.0;
    let compact = spacing(area) < widest_role.max(110.0);
    let area = if compact {
        let badge = badges.iter().map(|b| text_width(b)).max().unwrap_or(6);
        picture.inset(caption_band, legend_band).with_labels(badge * 3 / 4)
    } else {
        area
    };
    let (pos, r) = layout::place(area, graph, &placement, groups);
    Frame { area, picture, pos, r, compact, charts, placement }
}

/// Everything the topology shows of `state` in a box of `size`.
pub fn build(state: &AppState, size: Size, measured: Bands) -> Topology {
    let d = state.dict();
    let h = state.history.borrow();
    let sim = h.sim();
    let n = sim.setup().n;
    // The legend's height is the protocol's and steady: the picture always keeps clear of
    // it. The caption changes with every step; outside presenter mode the nodes keep their
    // places under its usual band.
    let legend_band = LEGEND_BAND.max(measured.legend + 4.0);
    let caption_band = if state.presenting() { CAPTION_BAND.max(measured.caption + 6.0) } else { CAPTION_BAND };
    let roles = role_words(&d, sim);
    let badges: Vec<String> = sim.node_views().iter().map(|v| d.render(&v.badge)).collect();
    let f = frame(sim, size, caption_band, legend_band, &roles, &badges);
    let t = state.display_time.max(sim.now());
    let ts = state.type_scale();
    let top = if state.presenting() { caption_band } else { 2.0 };
    // Words stay above the legend, and above the charts when they lie under the picture.
    let mut words = Words::new(sim, &f, Rect::new(2.0, top, f.picture.w - 2.0, f.picture.h - legend_band), ts);
    let nodes = words.nodes(state, sim, &roles, &badges);
    let arrows = words.arrows(state, sim, &d, t);
    let deaths = words.deaths(sim, &d, t);
    let (pos, r) = (&f.pos, f.r);
    let edges = edges(state, sim, pos);
    let up = sim.up();
    let countdowns: Vec<Countdown> = sim
        .timers()
        .into_iter()
        .filter(|tm| tm.countdown && tm.node < n && tm.about < n && up[tm.node])
        .map(|tm| {
            let left = tm.due.saturating_sub(t) as f64 / tm.due.saturating_sub(tm.set_at).max(1) as f64;
            let c = pos[tm.about];
            Countdown { node: tm.about, at: c, radius: r + 5.0, arc: arc(c, r + 5.0, left), title: phrase!("ui.timer_at", Text::Id("timer", tm.timer), tm.due) }
        })
        .collect();
    let tokens: Vec<(NodeId, Point)> = nodes.iter().enumerate().filter(|(_, v)| v.view.holds(Glyph::Token) && !v.down).map(|(i, _)| (i, layout::token_spot(f.area, pos[i], r))).collect();
    let selected_node = match state.selected {
        Selection::Node(i) => Some(i),
        _ => None,
    };
    let overlays = sim.overlays(selected_node).iter().filter_map(|o| overlay(&d, o, pos, r)).collect();
    let (caption, caption_lines) = caption(sim, &d, h.step(), n);
    let mut legend = legend(state, sim, &nodes, &edges, &countdowns, &deaths);
    let popup = popup(state, sim, &d, pos, r, size);
    let ring = match &f.placement {
        Placement::Angles(ring) => Some(ring_drawing(ring, f.area, pos)),
        _ => None,
    };
    if let Some(ring) = &ring {
        legend.ring_keys = !ring.keys.is_empty();
        legend.ring_points = ring.points.iter().any(|p| p.own.is_none());
        legend.ring_moved = ring.keys.iter().any(|k| k.mark == ItemMark::Moved);
        legend.ring_lost = ring.keys.iter().any(|k| k.mark == ItemMark::Lost);
    }
    Topology {
        size,
        n,
        topology_name: sim.setup().topology.kind().name(),
        in_flight: sim.flights().len(),
        time: t,
        charts: sim.charts(),
        charts_place: f.charts,
        legend_band,
        radius: r,
        id_font: (r * 0.75).clamp(if n > 64 { 0.0 } else { 16.0 * ts }, 34.0 * ts),
        role_font: 20.0 * ts,
        badge_size: words.badge_size,
        type_scale: ts,
        nodes,
        edges,
        countdowns,
        tokens,
        overlays,
        arrows,
        deaths,
        caption,
        caption_lines,
        legend,
        popup,
        ring,
    }
}

/// The greedy placement of every word on the picture, most important first: each node's
/// state, then its badge, then what messages are and which died. A word that would touch
/// one already placed, a node, or the picture's edge moves to its next spot or is left out.
struct Words<'f> {
    placer: layout::Placer,
    f: &'f Frame,
    ts: f64,
    badge_size: f64,
}

impl<'f> Words<'f> {
    fn new(sim: &dyn Simulation, f: &'f Frame, bounds: Rect, ts: f64) -> Words<'f> {
        let mut placer = layout::Placer::new(bounds);
        let (pos, r) = (&f.pos, f.r);
        for p in pos {
            placer.block(Rect::disc(*p, r + 2.0));
        }
        let up = sim.up();
        for (i, v) in sim.node_views().iter().enumerate() {
            if v.holds(Glyph::Token) && up[i] {
                placer.block(Rect::disc(layout::token_spot(f.area, pos[i], r), 16.0));
            }
        }
        // A token on its way leaves from beside its sender: keep that spot clear too (only
        // the start, so labels stay put while it travels).
        for fl in sim.flights().iter().filter(|fl| fl.token && fl.from != fl.to) {
            placer.block(Rect::disc(layout::arrow_ends(pos[fl.from], pos[fl.to], r).0, 17.0));
        }
        Words { placer, f, ts, badge_size: 18.0 * ts }
    }

    /// Spots around node `i` a state may take, the best first.
    fn spots(&self, graph: &crate::sim::topology::Graph, i: usize) -> Vec<Spot> {
        let (p, r, area) = (self.f.pos[i], self.f.r, self.f.area);
        let (role_font, line) = (20.0 * self.ts, 21.0 * self.ts);
        let mut out = vec![layout::label_spot(area, graph, p, r)];
        out.push((Point::new(p.x, p.y + r + role_font + 2.0), Anchor::Middle));
        // A second line down, so close neighbours in a row (a tree's leaves) can take
        // turns: one state under its node, the next one line lower.
        out.push((Point::new(p.x, p.y + r + 2.0 * role_font + 6.0), Anchor::Middle));
        out.push((Point::new(p.x, p.y - r - line - 10.0), Anchor::Middle));
        out.push((Point::new(p.x + r + 8.0, p.y + 6.0), Anchor::Start));
        out.push((Point::new(p.x - r - 8.0, p.y + 6.0), Anchor::End));
        // Towards the middle of the picture (inside a ring or a circle), where there is
        // often room when the outside is crowded.
        let c = area.centre();
        let d = p.distance(c);
        if d > 2.0 * r {
            let inward = p.lerp(c, (r + 18.0) / d);
            out.push((Point::new(inward.x, inward.y + 6.0), Anchor::Middle));
        }
        out
    }

    /// The nodes, with their rows of cells, glyphs, states and badges placed.
    fn nodes(&mut self, state: &AppState, sim: &dyn Simulation, roles: &[String], badges: &[String]) -> Vec<NodeDrawing> {
        let views = sim.node_views();
        let (up, absent) = (sim.up(), sim.absent());
        let n = views.len();
        let rows = self.cell_rows(sim);
        let glyph_at = self.glyphs(sim);
        let mut role_at: Vec<Option<Spot>> = vec![None; n];
        let mut role_shown: Vec<(String, f64)> = roles.iter().map(|r| (r.clone(), 20.0 * self.ts)).collect();
        let mut badge_at: Vec<Option<Spot>> = vec![None; n];
        if n <= 64 {
            for i in 0..n {
                if let Some((spot, shown)) = self.role(sim, state, i, &roles[i]) {
                    role_at[i] = Some(spot);
                    role_shown[i] = shown;
                }
            }
            let wanted: Vec<usize> = (0..n).filter(|&i| up[i] && layout::labels_fit(n)).collect();
            let whole: Vec<bool> = (0..n).map(|i| role_shown[i].0 == roles[i] && role_shown[i].1 == 20.0 * self.ts).collect();
            badge_at = self.badges(sim, state, &wanted, badges, &role_at, &whole);
        }
        let breached: Vec<usize> = sim.invariants().into_iter().flat_map(|i| i.nodes).collect();
        views
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let down = !up[i];
                let (shown, size) = role_shown[i].clone();
                NodeDrawing {
                    at: self.f.pos[i],
                    glyphs: v.glyphs.iter().copied().filter(|g| *g != Glyph::Token && !down).collect(),
                    row: v.rows.first().cloned().zip(rows[i].clone()),
                    view: v,
                    down,
                    absent: absent[i],
                    selected: state.selected == Selection::Node(i),
                    breach: breached.contains(&i),
                    role: roles[i].clone(),
                    role_shown: shown,
                    role_size: size,
                    role_at: role_at[i],
                    badge: badges[i].clone(),
                    badge_at: badge_at[i].filter(|_| !down),
                    glyph_at: glyph_at[i].unwrap_or(self.f.pos[i]),
                }
            })
            .collect()
    }

    /// Rows of cells beside a node are drawn too, and labels go around them. A row goes
    /// to the first spot that covers no node and no other row: beside its node, below,
    /// above, to the left; where none is free it is left to the inspector.
    fn cell_rows(&mut self, sim: &dyn Simulation) -> Vec<Option<RowPlan>> {
        let (area, r, ts) = (self.f.area, self.f.r, self.ts);
        let labels = layout::labels_fit(sim.setup().n);
        let up = sim.up();
        sim.node_views()
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let row = v.rows.first().filter(|_| labels && !self.f.compact && up[i])?;
                let p = self.f.pos[i];
                let first = match layout::label_spot(area, &sim.setup().graph, p, r).1 {
                    Anchor::Middle => Point::new(p.x + r + 10.0, p.y - 10.0),
                    _ => Point::new(p.x - r, p.y + r + 8.0),
                };
                let wants = [first, Point::new(p.x + r + 10.0, p.y - 12.0), Point::new(p.x - r, p.y + r + 8.0), Point::new(p.x - r, p.y - r - 34.0)];
                let plans: Vec<RowPlan> = wants.iter().map(|&w| plan_row(row, w, area.w - 4.0, ts)).collect();
                let k = self.placer.place(plans.iter().map(|pl| pl.rect()))?;
                plans.into_iter().nth(k)
            })
            .collect()
    }

    /// A node's glyphs sit at its upper right, or wherever round it they cover no other
    /// node (close neighbours in a compact tree).
    fn glyphs(&mut self, sim: &dyn Simulation) -> Vec<Option<Point>> {
        let (pos, r, ts) = (&self.f.pos, self.f.r, self.ts);
        let up = sim.up();
        sim.node_views()
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let shown = v.glyphs.iter().filter(|g| **g != Glyph::Token).count();
                if shown == 0 || !up[i] {
                    return None;
                }
                let w = shown as f64 * 18.0 * ts;
                let p = pos[i];
                let spots = [Point::new(p.x + r * 0.8, p.y - r * 0.7), Point::new(p.x - r * 0.8 - w, p.y - r * 0.7), Point::new(p.x - w / 2.0, p.y - r - 4.0), Point::new(p.x + r * 0.8, p.y + r + 18.0 * ts)];
                let boxed = |at: Point| Rect::new(at.x - 2.0, at.y - 22.0 * ts, at.x + w + 6.0, at.y + 6.0);
                // Its own node may be touched; another node may not.
                let clear = |b: &Rect| {
                    pos.iter().enumerate().all(|(j, q)| {
                        let (cx, cy) = (q.x.clamp(b.x0, b.x1), q.y.clamp(b.y0, b.y1));
                        j == i || (q.x - cx).hypot(q.y - cy) > r + 2.0
                    })
                };
                let k = spots.iter().position(|&at| clear(&boxed(at))).unwrap_or(0);
                self.placer.block(boxed(spots[k]));
                Some(spots[k])
            })
            .collect()
    }

    /// A node's state: whole, else smaller, then shortened, rather than not at all.
    fn role(&mut self, sim: &dyn Simulation, state: &AppState, i: usize, role: &str) -> Option<(Spot, (String, f64))> {
        let ts = self.ts;
        let cands = self.spots(&sim.setup().graph, i);
        let short: String = role.chars().take(5).collect::<String>() + "…";
        let shorter: String = role.chars().take(3).collect::<String>() + "…";
        // Below 16 px only when the picture itself is small (a 1280 screen, many nodes).
        let small = if self.f.area.w < 800.0 && !state.presenting() { 12.0 * ts } else { 16.0 * ts };
        for (text, f) in [(role.to_string(), 20.0 * ts), (role.to_string(), 16.0 * ts), (short.clone(), 16.0 * ts), (short, small), (shorter, small)] {
            if let Some(k) = self.placer.place(cands.iter().map(|&(at, a)| layout::bold_box(&text, f, at, a))) {
                return Some((cands[k], (text, f)));
            }
        }
        None
    }

    /// Badges, all at one size: the largest at which every badge finds room, shrinking a
    /// pixel at a time towards the floor (16 px, 18 in presenter mode); only at the floor
    /// is a badge left out. Right under a whole state where there is room, else anywhere
    /// around the node.
    fn badges(&mut self, sim: &dyn Simulation, state: &AppState, wanted: &[usize], badges: &[String], role_at: &[Option<Spot>], whole: &[bool]) -> Vec<Option<Spot>> {
        let n = badges.len();
        let badge_font = 18.0 * self.ts;
        let floor = if state.presenting() { 18.0 } else { 16.0 };
        let mut sizes = vec![badge_font];
        let mut f = badge_font.floor();
        while f > floor {
            f -= 1.0;
            sizes.push(f.max(floor));
        }
        let before = self.placer.clone();
        for &f in &sizes {
            let mut trial = before.clone();
            let mut at: Vec<Option<Spot>> = vec![None; n];
            let line = 21.0 * self.ts * f / badge_font;
            for &i in wanted {
                let (Some((role_at, a)), true) = (role_at[i], whole[i]) else { continue };
                let under = Point::new(role_at.x, role_at.y + line);
                if trial.place([layout::text_box(&badges[i], f, under, a)]).is_some() {
                    at[i] = Some((under, a));
                }
            }
            for &i in wanted {
                if at[i].is_some() {
                    continue;
                }
                // One line under each spot a state could take, then one line over it.
                let around = self.spots(&sim.setup().graph, i);
                let cands: Vec<Spot> = around.iter().map(|&(p, a)| (Point::new(p.x, p.y + line), a)).chain(around.iter().map(|&(p, a)| (Point::new(p.x, p.y - line), a))).collect();
                if let Some(k) = trial.place(cands.iter().map(|&(p, a)| layout::text_box(&badges[i], f, p, a))) {
                    at[i] = Some(cands[k]);
                }
            }
            if wanted.iter().all(|&i| at[i].is_some()) || f == *sizes.last().expect("one size at least") {
                self.placer = trial;
                self.badge_size = f;
                return at;
            }
        }
        vec![None; n]
    }

    /// Every message in flight, its label placed where there is room (first the spot the
    /// layout suggests, then along its arrow; with its text, else its kind alone).
    fn arrows(&mut self, state: &AppState, sim: &dyn Simulation, d: &Dictionary, t: Time) -> Vec<Arrow> {
        let (pos, r, ts) = (&self.f.pos, self.f.r, self.ts);
        let labels = layout::labels_fit(sim.setup().n);
        let flights = sim.flights();
        let mut placed: BTreeMap<MsgId, (Point, f64, String)> = BTreeMap::new();
        for fl in flights.iter().filter(|fl| fl.from != fl.to && !fl.token && labels) {
            let (start, end) = layout::arrow_ends(pos[fl.from], pos[fl.to], r);
            let kind = d.id("msg", fl.kind);
            let full = if fl.text.is_empty() { kind.clone() } else { format!("{kind} {}", fl.text) };
            let size = (pos[fl.from].distance(pos[fl.to]) * 0.11).clamp(16.0, 20.0) * ts;
            let mut cands = vec![layout::message_label_spot(self.f.area, &sim.setup().graph, start, end)];
            for k in [0.5, 0.38, 0.62, 0.28, 0.72] {
                cands.push(start.lerp(end, k));
            }
            for text in [full.clone(), kind.clone()] {
                if let Some(k) = self.placer.place(cands.iter().map(|&at| layout::bold_box(&text, size, at, Anchor::Middle))) {
                    placed.insert(fl.id, (cands[k], size, text));
                    break;
                }
                if text == kind {
                    break;
                }
            }
        }
        flights
            .into_iter()
            .filter(|fl| fl.from != fl.to)
            .map(|fl| {
                let (start, end) = layout::arrow_ends(pos[fl.from], pos[fl.to], r);
                let head = start.lerp(end, layout::progress(fl.sent_at, fl.arrive, t));
                let head_points = arrow_head(head, Point::new(head.x - (end.x - start.x), head.y - (end.y - start.y)), (start.distance(end) * 0.3).clamp(12.0, 26.0));
                Arrow { selected: state.selected == Selection::Message(fl.id), label: placed.remove(&fl.id), flight: fl, start, head, end, head_points }
            })
            .collect()
    }

    /// Messages that died a moment ago: a cross where they died, fading, with what and why.
    fn deaths(&mut self, sim: &dyn Simulation, d: &Dictionary, t: Time) -> Vec<Death> {
        let (pos, r, ts) = (&self.f.pos, self.f.r, self.ts);
        let trace = sim.trace();
        let mut out = Vec::new();
        for e in trace.events().iter().rev().take_while(|e| e.time + DEATH_SHOWN_FOR >= t) {
            let EventKind::Lost { msg, reason, progress } = &e.kind else { continue };
            if e.time > t {
                continue;
            }
            let m = trace.message(*msg);
            let (start, end) = layout::arrow_ends(pos[m.from], pos[m.to], r);
            let at = start.lerp(end, *progress as f64 / 1000.0);
            let words = format!("{} {}", d.id("msg", m.kind), d.render(&text::loss_short(*reason)));
            let spots = [Point::new(at.x, at.y - 18.0), Point::new(at.x, at.y + 36.0), Point::new(at.x + 60.0, at.y + 6.0), Point::new(at.x - 60.0, at.y + 6.0)];
            let label_at = self.placer.place(spots.iter().map(|&p| layout::bold_box(&words, 19.0 * ts, p, Anchor::Middle))).map(|k| spots[k]);
            out.push(Death { msg: *msg, fade: 1.0 - (t - e.time) as f64 / DEATH_SHOWN_FOR as f64, start, at, words, label_at });
        }
        out
    }
}

/// Links as the network has them (cut, slow, lossy), the ring's direction on each.
fn edges(state: &AppState, sim: &dyn Simulation, pos: &[Point]) -> Vec<EdgeDrawing> {
    let graph = &sim.setup().graph;
    let net = sim.network();
    graph
        .edges()
        .iter()
        .take(MAX_DRAWN_EDGES)
        .map(|&(a, b)| {
            let rule = net.links.get(&link_key(a, b));
            let cut = !net.connected(a, b) || rule.is_some_and(|l| l.cut);
            let (pa, pb) = (pos[a], pos[b]);
            let chevron = (graph.kind() == TopologyKind::Ring && !cut).then(|| {
                let (from, to) = if graph.ring_next(a) == Some(b) { (pa, pb) } else { (pb, pa) };
                let tip = from.lerp(to, 0.5 + 12.0 / from.distance(to).max(1.0));
                arrow_head(tip, from, 14.0)
            });
            EdgeDrawing {
                a,
                b,
                from: pa,
                to: pb,
                cut,
                slow: rule.is_some_and(|l| l.delay.is_some()),
                lossy: rule.is_some_and(|l| l.drop.is_some_and(|d| d > 0)),
                selected: state.selected == Selection::Link(a, b),
                chevron,
            }
        })
        .collect()
}

fn overlay(d: &Dictionary, o: &Overlay, pos: &[Point], r: f64) -> Option<OverlayDrawing> {
    match o {
        Overlay::Set { label, nodes } => {
            let members: Vec<Point> = nodes.iter().filter_map(|&i| pos.get(i).copied()).collect();
            let top = members.iter().map(|p| p.y).fold(f64::MAX, f64::min);
            let left = members.iter().map(|p| p.x).fold(f64::MAX, f64::min);
            let label_at = (!members.is_empty()).then(|| Point::new(left, top - r - 20.0));
            Some(OverlayDrawing::Set { label: d.render(label), members, radius: r + 14.0, label_at })
        }
        // Cuts and marked events belong to the time-space diagram.
        Overlay::Cut { .. } | Overlay::Events { .. } => None,
        Overlay::Arrows { label, edges, alarm } => {
            let arrows = edges
                .iter()
                .filter(|(a, b)| *a < pos.len() && *b < pos.len() && a != b)
                .map(|&(a, b)| {
                    let (start, end) = layout::arrow_ends(pos[a], pos[b], r + 6.0);
                    (start, end, arrow_head(end, start, 16.0))
                })
                .collect();
            Some(OverlayDrawing::Arrows { label: d.render(label), alarm: *alarm, arrows })
        }
    }
}

/// What just happened, in words: the handler events of the step at the cursor (the last
/// two lines, or one when the step breaks an invariant), then each invariant it broke.
/// Returns the lines and how many are about what happened.
fn caption(sim: &dyn Simulation, d: &Dictionary, step: u64, n: usize) -> (Vec<String>, usize) {
    let trace = sim.trace();
    let mut caption: Vec<String> =
        trace.events().iter().rev().take_while(|e| e.step == step).take(32).filter(|e| !matches!(e.kind, EventKind::Send { .. })).map(|e| d.render(&text::describe(trace, e))).collect();
    caption.reverse();
    let mut caption = if step == 0 && caption.len() > 2 { vec![d.render(&phrase!("ui.nodes_start", n))] } else { caption };
    let broken: Vec<String> = trace
        .violations()
        .iter()
        .rev()
        .take_while(|v| v.step >= step)
        .filter(|v| v.step == step)
        .map(|v| d.render(&phrase!("ui.breaks", Text::Id("inv", v.invariant), v.detail.clone())))
        .collect();
    let shown = if broken.is_empty() { 2 } else { 1 };
    let keep = caption.len().saturating_sub(shown);
    caption.drain(..keep);
    let lines = caption.len();
    caption.extend(broken.into_iter().rev());
    (caption, lines)
}

fn legend(state: &AppState, sim: &dyn Simulation, nodes: &[NodeDrawing], edges: &[EdgeDrawing], countdowns: &[Countdown], deaths: &[Death]) -> Legend {
    let mut legend = Legend::default();
    for v in nodes {
        let entry = if v.down { (v.role.clone(), Tone::Idle, true) } else { (v.role.clone(), v.view.tone, false) };
        if !legend.roles.contains(&entry) {
            legend.roles.push(entry);
        }
    }
    legend.token = nodes.iter().any(|v| v.view.holds(Glyph::Token) && !v.down) || sim.flights().iter().any(|f| f.token);
    legend.breach = sim.invariants().iter().any(|i| !i.nodes.is_empty());
    legend.countdown = !countdowns.is_empty();
    legend.death = !deaths.is_empty();
    legend.cut = edges.iter().any(|e| e.cut);
    legend.slow = edges.iter().any(|e| e.slow);
    legend.lossy = edges.iter().any(|e| e.lossy);
    legend.break_hint = state.selected == Selection::None;
    legend
}

/// The menu beside the selected thing, unless a lesson step selected it (its menu would
/// cover the picture the step is about).
fn popup(state: &AppState, sim: &dyn Simulation, d: &Dictionary, pos: &[Point], r: f64, size: Size) -> Option<Popup> {
    if state.quiet_popup {
        return None;
    }
    let (at, title, kind) = match state.selected {
        Selection::Node(i) if i < pos.len() => {
            let (up, absent) = (sim.up()[i], sim.absent()[i]);
            let role = if absent { d.id("role", "absent") } else if up { d.id("role", sim.node_views()[i].role) } else { d.id("role", "crashed") };
            (pos[i], format!("{} · {role}", d.render(&phrase!("ui.node_title", i))), PopupKind::Node { node: i, up, absent, inputs: sim.inputs_for(i), n: pos.len() })
        }
        Selection::Message(id) => {
            let f = sim.flights().into_iter().find(|f| f.id == id)?;
            let (start, end) = layout::arrow_ends(pos[f.from], pos[f.to], r);
            let at = start.lerp(end, layout::progress(f.sent_at, f.arrive, state.display_time));
            let text = if f.text.is_empty() { String::new() } else { format!(" ({})", f.text) };
            (at, format!("{}{text}: {} → {}", d.id("msg", f.kind), f.from, f.to), PopupKind::Message { id, doomed: f.lost.is_some() })
        }
        Selection::Link(a, b) if a < pos.len() && b < pos.len() => {
            let rule = sim.network().links.get(&link_key(a, b)).cloned().unwrap_or_default();
            let config = &sim.network().config;
            // "Slow" is five times the network's delay: enough to let later messages on
            // other paths overtake, which is what the lessons need.
            let slow = Act::Link(a, b, (config.delay_min * 5, config.delay_max * 5), rule.drop.unwrap_or(config.drop));
            let lossy = Act::Link(a, b, rule.delay.unwrap_or((config.delay_min, config.delay_max)), 500_000);
            let special = rule.cut || rule.delay.is_some() || rule.drop.is_some();
            let state_text = match (rule.cut, rule.delay, rule.drop) {
                (true, _, _) => d.word("ui.link_cut"),
                (_, Some((lo, hi)), drop) => d.render(&phrase!("ui.link_delay", format!("{lo}-{hi}"), drop.map_or(String::from("-"), crate::sim::network::format_percent))),
                (_, None, Some(p)) => d.render(&phrase!("ui.link_drop", crate::sim::network::format_percent(p))),
                _ => String::new(),
            };
            let title = format!("{}{state_text}", d.render(&phrase!("ui.link_title", a, b)));
            (pos[a].lerp(pos[b], 0.5), title, PopupKind::Link { a, b, special, cut: rule.cut, slow, lossy })
        }
        _ => return None,
    };
    // Beside the thing, never over it nor over a node, inside the picture. A message's or
    // a link's popover holds three buttons: narrow, in two rows, it finds a free corner
    // even in a small picture.
    let (reach, est, compact) = match &kind {
        PopupKind::Message { .. } => (22.0, Size::new(POPUP_W_COMPACT, 150.0), true),
        PopupKind::Link { .. } => (16.0, Size::new(POPUP_W_COMPACT, 150.0), true),
        PopupKind::Node { inputs, .. } => (r + 6.0, Size::new(POPUP_W, 112.0 + 46.0 * inputs.len() as f64), false),
    };
    Some(Popup { corner: popup_corner(at, reach, pos, r, size, est), compact, title, kind })
}

/// Top-left corner for a popover of size `est` beside `target` (a disc of radius `reach`)
/// that covers neither it nor any node, inside `size`: the free spot nearest the target
/// (a grid search over the picture), else the spot that covers least.
pub fn popup_corner(target: Point, reach: f64, pos: &[Point], r: f64, size: Size, est: Size) -> Point {
    // How far a disc reaches into the box (0 when apart).
    let into = |c: Point, p: Point, rad: f64| {
        let d = (p.x - p.x.clamp(c.x, c.x + est.w)).hypot(p.y - p.y.clamp(c.y, c.y + est.h));
        (rad - d).max(0.0)
    };
    let cover = |c: Point| into(c, target, reach + 8.0) * 4.0 + pos.iter().map(|&p| into(c, p, r + 6.0)).sum::<f64>();
    let far = |c: Point| (target.x - target.x.clamp(c.x, c.x + est.w)).hypot(target.y - target.y.clamp(c.y, c.y + est.h));
    let (x1, y1) = ((size.w - est.w - 4.0).max(4.0), (size.h - est.h - 4.0).max(4.0));
    let mut best = (f64::MAX, f64::MAX, Point::new(4.0, 4.0));
    let mut y = 4.0;
    while y <= y1 {
        let mut x = 4.0;
        while x <= x1 {
            let c = Point::new(x, y);
            let score = (cover(c), far(c));
            if score.0 < best.0 || (score.0 == best.0 && score.1 < best.1) {
                best = (score.0, score.1, c);
            }
            x += 10.0;
        }
        y += 10.0;
    }
    best.2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::state::testing::{page, page_at};
    use crate::ui::state::Action;

    /// Every election starts at once: many messages in flight, many labels to place.
    const RING_OF_8: &str = "v=1&proto=election-ring&n=8&seed=3&p.initiators=all";

    /// Every word the model decided to write, as the boxes the placement reserved.
    fn word_boxes(m: &Topology) -> Vec<(String, Rect)> {
        let mut out = Vec::new();
        for node in &m.nodes {
            if let Some((at, a)) = node.role_at {
                out.push((format!("role {}", node.role_shown), layout::bold_box(&node.role_shown, node.role_size, at, a)));
            }
            if let Some((at, a)) = node.badge_at {
                out.push((format!("badge {}", node.badge), layout::text_box(&node.badge, m.badge_size, at, a)));
            }
            if let Some((_, plan)) = &node.row {
                out.push(("cells".into(), plan.rect()));
            }
        }
        for a in &m.arrows {
            if let Some((at, size, text)) = &a.label {
                out.push((format!("message {text}"), layout::bold_box(text, *size, *at, Anchor::Middle)));
            }
        }
        for x in &m.deaths {
            if let Some(p) = x.label_at {
                out.push((format!("death {}", x.words), layout::bold_box(&x.words, 19.0 * m.type_scale, p, Anchor::Middle)));
            }
        }
        out
    }

    #[test]
    fn no_two_labels_overlap_for_a_ring_of_8() {
        // Where the ring's links are shorter than a message's name plus the nodes' rims
        // (1280x720 draws large nodes close together), names are left to the tooltip.
        for (w, h, names_fit) in [(1280.0, 720.0, false), (1920.0, 1080.0, true), (760.0, 470.0, false), (1100.0, 640.0, true)] {
            let mut s = page(RING_OF_8);
            let mut labelled_messages = 0;
            for _ in 0..30 {
                s = s.apply(Action::StepForward);
                let m = build(&s, Size::new(w, h), Bands::default());
                assert_eq!(m.nodes.len(), 8);
                let words = word_boxes(&m);
                assert!(m.nodes.iter().all(|n| n.role_at.is_some()), "{w}x{h}: every state is written");
                labelled_messages += m.arrows.iter().filter(|a| a.label.is_some()).count();
                if w >= 1920.0 && s.history.borrow().step() == 1 {
                    assert!(m.arrows.len() == 8 && m.arrows.iter().all(|a| a.label.is_some()), "on a large screen all eight first messages are named");
                }
                let picture = Rect::new(0.0, 0.0, w, h);
                for (k, (what, b)) in words.iter().enumerate() {
                    assert!(b.inside(&picture), "{w}x{h}: {what} leaves the picture: {b:?}");
                    for (other, c) in &words[k + 1..] {
                        assert!(!b.overlaps(c), "{w}x{h}, step {}: {what} {b:?} overlaps {other} {c:?}", s.history.borrow().step());
                    }
                    for (i, node) in m.nodes.iter().enumerate() {
                        assert!(!b.overlaps(&Rect::disc(node.at, m.radius)), "{w}x{h}: {what} covers node {i}");
                    }
                }
            }
            if names_fit {
                assert!(labelled_messages > 0, "{w}x{h}: messages are named where there is room");
            }
        }
    }

    #[test]
    fn a_message_halfway_through_its_transit_is_drawn_halfway_along_its_link() {
        let s = page_at(RING_OF_8, 1);
        let now = s.history.borrow().sim().now();
        let halfway = |f: &FlightView| f.sent_at + (f.arrive - f.sent_at) / 2;
        let flight = s.history.borrow().sim().flights().into_iter().find(|f| f.from != f.to && halfway(f) >= now).expect("a message not yet halfway");
        let halfway = halfway(&flight);
        let s = s.next(|s| s.display_time = halfway);
        let m = build(&s, Size::new(1280.0, 720.0), Bands::default());
        let arrow = m.arrows.iter().find(|a| a.flight.id == flight.id).unwrap();
        let (from, to) = (m.nodes[flight.from].at, m.nodes[flight.to].at);
        // Halfway along the link, beside it on the right (the way back keeps the left).
        let length = from.distance(to);
        let (ux, uy) = ((to.x - from.x) / length, (to.y - from.y) / length);
        let (hx, hy) = (arrow.head.x - from.x, arrow.head.y - from.y);
        let along = (hx * ux + hy * uy) / length;
        let beside = ux * hy - uy * hx;
        let k = layout::progress(flight.sent_at, flight.arrive, halfway);
        assert!((k - 0.5).abs() < 0.02, "{k}");
        assert!((along - 0.5).abs() < 0.02, "halfway along: {along:.3}");
        assert!(beside > 0.0 && beside < m.radius, "just beside the link: {beside:.1}");
        // A moment later it is further on.
        let s = s.next(|s| s.display_time = halfway + 5);
        let later = build(&s, Size::new(1280.0, 720.0), Bands::default());
        let moved = later.arrows.iter().find(|a| a.flight.id == flight.id).unwrap();
        assert!(moved.head.distance(to) < arrow.head.distance(to));
    }

    #[test]
    fn the_token_rests_beside_its_holder_and_the_legend_keys_it() {
        let s = page_at("v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0", 0);
        let m = build(&s, Size::new(1280.0, 720.0), Bands::default());
        let holders: Vec<usize> = m.nodes.iter().enumerate().filter(|(_, n)| n.view.holds(Glyph::Token)).map(|(i, _)| i).collect();
        let flying = m.arrows.iter().filter(|a| a.flight.token).count();
        assert_eq!(holders.len() + flying, 1, "one token");
        for &(i, spot) in &m.tokens {
            assert!(holders.contains(&i));
            let gap = spot.distance(m.nodes[i].at) - m.radius;
            assert!(gap > 0.0 && gap < 40.0, "beside its holder: {gap}");
        }
        assert!(m.legend.token);
        assert!(m.legend.roles.iter().all(|(_, _, down)| !down));
    }

    #[test]
    fn a_crashed_node_is_drawn_down_and_the_legend_says_so() {
        let s = page_at(RING_OF_8, 2).apply(Action::Act(Act::Crash(5)));
        let m = build(&s, Size::new(1280.0, 720.0), Bands::default());
        assert!(m.nodes[5].down && m.nodes[5].badge_at.is_none() && m.nodes[5].glyphs.is_empty());
        assert!(m.legend.roles.contains(&("crashed".to_string(), Tone::Idle, true)), "{:?}", m.legend.roles);
        assert!(m.legend.break_hint);
    }

    #[test]
    fn a_voting_set_is_outlined_around_its_members() {
        let s = page("v=1&proto=mutex-maekawa&n=9&seed=14&p.cs=120&p.requests=3000").apply(Action::Select(Selection::Node(4)));
        let m = build(&s, Size::new(1280.0, 720.0), Bands::default());
        let (members, radius) = m.overlays.iter().find_map(|o| match o {
            OverlayDrawing::Set { members, radius, .. } => Some((members.clone(), *radius)),
            _ => None,
        }).expect("the selected node's voting set");
        // On a 3×3 grid the set of the middle node is its row and column: 5 nodes.
        assert_eq!(members.len(), 5);
        assert!(members.iter().all(|p| m.nodes.iter().any(|n| n.at == *p)));
        assert!(radius > m.radius);
    }

    #[test]
    fn the_menu_of_a_selected_node_covers_no_node() {
        for i in 0..8 {
            let s = page_at(RING_OF_8, 3).apply(Action::Select(Selection::Node(i)));
            let size = Size::new(1280.0, 720.0);
            let m = build(&s, size, Bands::default());
            let popup = m.popup.expect("a menu");
            let PopupKind::Node { node, up, .. } = popup.kind else { panic!("a node's menu") };
            assert_eq!((node, up), (i, true));
            let menu = Rect::new(popup.corner.x, popup.corner.y, popup.corner.x + POPUP_W, popup.corner.y + 112.0);
            assert!(m.nodes.iter().all(|n| !menu.overlaps(&Rect::disc(n.at, m.radius))), "node {i}'s menu at {:?}", popup.corner);
            assert!(menu.x1 <= size.w && menu.y1 <= size.h);
        }
        // A lesson step's selection opens no menu.
        let quiet = page_at(RING_OF_8, 3).apply(Action::Select(Selection::Node(1))).next(|s| s.quiet_popup = true);
        assert!(build(&quiet, Size::new(1280.0, 720.0), Bands::default()).popup.is_none());
    }

    #[test]
    fn a_hash_ring_is_drawn_with_every_point_and_key_on_its_circle() {
        // Ten servers with three points each, one waiting outside, the client in the middle.
        let s = page_at("v=1&proto=consistent-hashing&n=12&seed=1&p.vnodes=3&p.keys=200&p.requests=0", 0);
        let Placement::Angles(data) = s.history.borrow().sim().placement() else { panic!("a ring") };
        for (w, h) in [(1920.0, 1080.0), (1280.0, 720.0)] {
            let m = build(&s, Size::new(w, h), Bands::default());
            let ring = m.ring.as_ref().expect("the ring is drawn");
            let on_circle = |p: Point| (p.distance(ring.centre) - ring.radius).abs() < 0.5;
            // One mark per point: each server's own, joined to the node, and its virtual ones.
            assert_eq!(ring.points.len(), data.points().len());
            assert_eq!(ring.points.iter().filter(|p| p.own.is_some()).count(), 10);
            assert_eq!(ring.points.iter().filter(|p| p.own.is_none()).count(), data.virtual_points.len());
            assert!(ring.points.iter().all(|p| on_circle(p.at)), "{w}x{h}: every point on the circle");
            for p in ring.points.iter().filter(|p| p.own.is_some()) {
                assert_eq!(p.own, Some(m.nodes[p.node].at), "the spoke ends at its node");
                // Beside the circle, on the spoke from its point, never over the circle.
                assert!((m.nodes[p.node].at.distance(ring.centre) - ring.radius).abs() > m.radius, "{w}x{h}: server {} off the circle", p.node);
            }
            // One tick per key, from the circle inwards, in its owner's colour.
            assert_eq!(ring.keys.len(), 200);
            for (k, it) in ring.keys.iter().zip(&data.items) {
                assert!((k.from.distance(ring.centre) - (ring.radius - 3.0)).abs() < 0.5 && k.to.distance(ring.centre) < k.from.distance(ring.centre));
                assert_eq!(k.colour, it.owner % RING_COLOURS);
            }
            // Each stretch between points once: together a whole turn.
            assert_eq!(ring.arcs.len(), data.points().len());
            // The client in the middle, the waiting server inside the circle, nodes apart.
            assert_eq!(m.nodes[0].at, ring.centre);
            assert!(m.nodes[11].at.distance(ring.centre) < ring.radius - m.radius);
            for (i, a) in m.nodes.iter().enumerate() {
                assert!(a.at.x > 0.0 && a.at.x < w && a.at.y > 0.0 && a.at.y < h, "{w}x{h}: node {i} in the picture");
                for b in &m.nodes[i + 1..] {
                    assert!(a.at.distance(b.at) >= 2.0 * m.radius, "{w}x{h}: nodes overlap");
                }
            }
            assert!(m.legend.ring_keys && m.legend.ring_points && !m.legend.ring_moved && !m.legend.ring_lost);
            if w >= 1920.0 {
                assert!(m.role_font >= 16.0 && m.badge_size >= 16.0, "readable from the back");
            }
        }
        // A server joins: the keys it took are marked as moved, and the legend keys them.
        let s = s.apply(Action::Act(Act::Recover(11)));
        let s = (0..40).fold(s, |s, _| s.apply(Action::StepForward));
        let m = build(&s, Size::new(1280.0, 720.0), Bands::default());
        let ring = m.ring.as_ref().unwrap();
        assert!(ring.keys.iter().any(|k| k.mark == ItemMark::Moved && k.colour == 11 % RING_COLOURS));
        assert!(m.legend.ring_moved);
        assert_eq!(ring.points.iter().filter(|p| p.own.is_some()).count(), 11);
    }

    #[test]
    fn a_ring_arc_goes_clockwise_and_a_lone_point_owns_the_whole_turn() {
        let f = layout::RingFrame { centre: Point::new(100.0, 100.0), radius: 50.0, node_r: 10.0 };
        // A quarter from the top: to the right, the small arc.
        assert_eq!(ring_arc(&f, 0, TURN / 4), "M 100.0 50.0 A 50.0 50.0 0 0 1 150.0 100.0");
        // From a quarter back to the top, round the long way: the large arc.
        assert!(ring_arc(&f, TURN / 4, 0).contains(" 0 1 1 100.0 50.0"), "{}", ring_arc(&f, TURN / 4, 0));
        assert_eq!(ring_arc(&f, 7, 7).matches(" A ").count(), 2, "a whole circle in two halves");
    }
}
