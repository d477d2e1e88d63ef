//! The topology view: nodes where the layout puts them, links, every message in flight
//! as an arrow whose head moves from sender to receiver, the token and other glyphs,
//! countdown rings for armed timeouts, overlays (a voting set, a wait-for cycle), dying
//! messages, and a small menu at whatever the user clicks (node, message, link).

use yew::prelude::*;

use super::hooks::use_box_size;
use super::layout::{self, Point, Size};
use super::state::{Action, AppHandle, Selection};
use super::text;
use crate::phrase;
use crate::sim::protocol::ArgKind;
use crate::sim::trace::EventKind;
use crate::sim::view::{Glyph, Overlay, Tone};
use crate::sim::{network::link_key, Act, Time, TopologyKind};
use crate::words::{Dictionary, Text};

const CAPTION_BAND: f64 = 64.0;
const LEGEND_BAND: f64 = 26.0;
/// Above this many nodes the links are not drawn (a field of dots speaks for itself).
const MAX_DRAWN_EDGES: usize = 600;
/// Cells drawn beside a node; the inspector shows them all.
const CELLS_SHOWN: usize = 8;

/// How long a lost message's cross stays on screen, in simulated ticks.
const DEATH_SHOWN_FOR: Time = 90;

pub fn tone_class(t: Tone) -> &'static str {
    match t {
        Tone::Idle => "tone-idle",
        Tone::Waiting => "tone-waiting",
        Tone::Active => "tone-active",
        Tone::Leader => "tone-leader",
        Tone::Done => "tone-done",
        Tone::Alert => "tone-alert",
    }
}

/// A stable colour slot per message kind (same kind, same colour, every run).
pub fn kind_slot(kind: &str) -> usize {
    kind.bytes().fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize)) % 6
}

fn glyph_symbol(g: Glyph) -> &'static str {
    match g {
        Glyph::Token => "★",
        Glyph::Marker => "◆",
        Glyph::Lock => "▣",
        Glyph::Key => "⚷",
        Glyph::Crown => "♛",
    }
}

/// Above this many nodes only the state is written beside a node (its badge is in the
/// inspector).
fn labels_hidden(n: usize) -> bool {
    !layout::labels_fit(n)
}

/// Width of a label in "Latin characters": a Chinese character takes about two.
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2e80 { 2 } else { 1 }).sum()
}

fn place(p: Point) -> String {
    format!("left:{:.0}px;top:{:.0}px", p.x, p.y)
}

fn arrow_head(tip: Point, from: Point, size: f64) -> String {
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

/// The least height the nodes and their labels keep when charts want a band under them.
const MIN_PICTURE_HEIGHT: f64 = 420.0;

#[function_component(TopologyView)]
pub fn topology_view() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let boxed = use_node_ref();
    let size = use_box_size(boxed.clone());
    // In presenter mode the caption above and the legend below are measured, not assumed:
    // large type wraps them onto more lines, and nothing may be drawn under them.
    let caption_ref = use_node_ref();
    let legend_ref = use_node_ref();
    let measured = use_state(|| (0.0f64, 0.0f64));
    let charts_open = use_state(|| false);
    let toggle_charts = {
        let open = charts_open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    {
        let (boxed, caption_ref, legend_ref, measured) = (boxed.clone(), caption_ref.clone(), legend_ref.clone(), measured.clone());
        use_effect(move || {
            let (Some(b), Some(c), Some(l)) = (boxed.cast::<web_sys::Element>(), caption_ref.cast::<web_sys::Element>(), legend_ref.cast::<web_sys::Element>()) else { return };
            let (br, cr, lr) = (b.get_bounding_client_rect(), c.get_bounding_client_rect(), l.get_bounding_client_rect());
            let caption = if cr.height() > 0.0 { (cr.bottom() - br.top()).ceil() } else { 0.0 };
            let legend = if lr.height() > 0.0 { (br.bottom() - lr.top()).ceil() } else { 0.0 };
            if (caption - measured.0).abs() >= 1.0 || (legend - measured.1).abs() >= 1.0 {
                measured.set((caption, legend));
            }
        });
    }
    // The legend's height is the protocol's and steady: the picture always keeps clear of
    // it. The caption changes with every step; outside presenter mode the nodes keep their
    // places under its usual band.
    let legend_band = LEGEND_BAND.max(measured.1 + 4.0);
    let caption_band = if state.presenting() { CAPTION_BAND.max(measured.0 + 6.0) } else { CAPTION_BAND };
    let h = state.history.borrow();
    let sim = h.sim();
    let views = sim.node_views();
    let setup = sim.setup();
    let n = setup.n;
    let graph = &setup.graph;
    let placement = sim.placement();
    let groups = sim.groups();
    let up = sim.up().to_vec();
    let absent = sim.absent().to_vec();
    let role_word = |i: usize| if absent[i] { d.id("role", "absent") } else if up[i] { d.id("role", views[i].role) } else { d.id("role", "crashed") };
    let badges: Vec<String> = views.iter().map(|v| d.render(&v.badge)).collect();
    // Charts take a strip beside the picture when it is wide, a band under it when the
    // picture keeps enough height; otherwise they wait behind a button and, opened, lie
    // over the picture, which never shrinks for them below what a hall can read.
    let charts = sim.charts();
    let charts_beside = !charts.is_empty() && size.w >= 900.0;
    let charts_fit_below = size.h - super::chart::BAND >= MIN_PICTURE_HEIGHT;
    let charts_below = !charts.is_empty() && !charts_beside && charts_fit_below;
    let charts_folded = !charts.is_empty() && !charts_beside && !charts_fit_below;
    let size_for_nodes = if charts_beside {
        Size { w: size.w - super::chart::STRIP, ..size }
    } else if charts_below {
        Size { h: size.h - super::chart::BAND, ..size }
    } else {
        size
    };
    // Bands for the caption above and the legend below the drawing, and room beside the
    // nodes for the longest label on screen.
    let longest = (0..n).map(|i| text_width(&role_word(i)).max(text_width(&badges[i]) * 4 / 5)).max().unwrap_or(8);
    let area = size_for_nodes.inset(caption_band, legend_band).with_labels(longest);
    // When neighbours end up too close for two lines of label, the role is left to the
    // node's colour (the legend says which is which) and only the badge is written.
    let spacing = |a: Size| {
        let (p, r) = layout::place(a, graph, &placement, groups);
        if p.len() < 2 { f64::MAX } else { p[0].distance(p[1]) - 2.0 * r }
    };
    // Neighbours side by side need room for the widest role between them (about 11 px a
    // character at the label's size).
    let widest_role = (0..n).map(|i| text_width(&role_word(i))).max().unwrap_or(0) as f64 * 11.0;
    let compact = spacing(area) < widest_role.max(110.0);
    let area = if compact {
        let badge = badges.iter().map(|b| text_width(b)).max().unwrap_or(6);
        size_for_nodes.inset(caption_band, legend_band).with_labels(badge * 3 / 4)
    } else {
        area
    };
    let (pos, r) = layout::place(area, graph, &placement, groups);
    let net = sim.network();
    let t = state.display_time.max(sim.now());
    let trace = sim.trace();
    let breached: Vec<usize> = sim.invariants().into_iter().flat_map(|i| i.nodes).collect();
    let ts = state.type_scale();
    // The least size any label is written at: 16 px (18 px in presenter mode).
    let floor = if state.presenting() { 18.0 } else { 16.0 };
    let font = (r * 0.75).clamp(if n > 64 { 0.0 } else { 16.0 * ts }, 34.0 * ts);
    let labels = layout::labels_fit(n);
    let (role_font, badge_font, line) = (20.0 * ts, 18.0 * ts, 21.0 * ts);

    // Labels are placed greedily, most important first (each node's state, then its badge,
    // then what messages are): a label that would touch one already placed, a node, or
    // the picture's edge moves to its next spot or is left out.
    let picture_w = size_for_nodes.w;
    let top = if state.presenting() { caption_band } else { 2.0 };
    let mut placer = layout::Placer::new(layout::Rect::new(2.0, top, picture_w - 2.0, size.h - legend_band));
    for p in &pos {
        placer.block(layout::Rect::disc(*p, r + 2.0));
    }
    for (i, v) in views.iter().enumerate() {
        if v.holds(Glyph::Token) && up[i] {
            placer.block(layout::Rect::disc(layout::token_spot(area, pos[i], r), 16.0));
        }
    }
    // A token on its way leaves from beside its sender: keep that spot clear too (only
    // the start, so labels stay put while it travels).
    let flights = sim.flights();
    for f in flights.iter().filter(|f| f.token && f.from != f.to) {
        placer.block(layout::Rect::disc(layout::arrow_ends(pos[f.from], pos[f.to], r).0, 17.0));
    }
    // Rows of cells beside a node are drawn too, and so are its glyphs (crown, marker,
    // lock): labels go around them.
    // A row goes to the first spot that covers no node and no other row: beside its
    // node, below, above, to the left; where none is free it is left to the inspector.
    let row_plans: Vec<Option<RowPlan>> = views
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let row = v.rows.first().filter(|_| labels && !compact && up[i])?;
            let p = pos[i];
            let first = match layout::label_spot(area, graph, p, r).1 {
                layout::Anchor::Middle => Point::new(p.x + r + 10.0, p.y - 10.0),
                _ => Point::new(p.x - r, p.y + r + 8.0),
            };
            let wants = [first, Point::new(p.x + r + 10.0, p.y - 12.0), Point::new(p.x - r, p.y + r + 8.0), Point::new(p.x - r, p.y - r - 34.0)];
            let plans: Vec<RowPlan> = wants.iter().map(|&w| plan_row(row, w, area.w - 4.0, ts)).collect();
            let k = placer.place(plans.iter().map(|pl| pl.rect()))?;
            plans.into_iter().nth(k)
        })
        .collect();
    // A node's glyphs sit at its upper right, or wherever round it they cover no other
    // node (close neighbours in a compact tree).
    let glyph_at: Vec<Option<Point>> = views
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
            let boxed = |at: Point| layout::Rect::new(at.x - 2.0, at.y - 22.0 * ts, at.x + w + 6.0, at.y + 6.0);
            // Its own node may be touched; another node may not.
            let clear = |b: &layout::Rect| {
                pos.iter().enumerate().all(|(j, q)| {
                    let (cx, cy) = (q.x.clamp(b.x0, b.x1), q.y.clamp(b.y0, b.y1));
                    j == i || (q.x - cx).hypot(q.y - cy) > r + 2.0
                })
            };
            let k = spots.iter().position(|&at| clear(&boxed(at))).unwrap_or(0);
            placer.block(boxed(spots[k]));
            Some(spots[k])
        })
        .collect();
    let spots = |i: usize| -> Vec<(Point, layout::Anchor)> {
        let p = pos[i];
        let (label, side) = layout::label_spot(area, graph, p, r);
        let mut out = vec![(label, side)];
        out.push((Point::new(p.x, p.y + r + role_font + 2.0), layout::Anchor::Middle));
        // A second line down, so close neighbours in a row (a tree's leaves) can take
        // turns: one state under its node, the next one line lower.
        out.push((Point::new(p.x, p.y + r + 2.0 * role_font + 6.0), layout::Anchor::Middle));
        out.push((Point::new(p.x, p.y - r - line - 10.0), layout::Anchor::Middle));
        out.push((Point::new(p.x + r + 8.0, p.y + 6.0), layout::Anchor::Start));
        out.push((Point::new(p.x - r - 8.0, p.y + 6.0), layout::Anchor::End));
        // Towards the middle of the picture (inside a ring or a circle), where there is
        // often room when the outside is crowded.
        let c = area.centre();
        let d = p.distance(c);
        if d > 2.0 * r {
            let inward = p.lerp(c, (r + 18.0) / d);
            out.push((Point::new(inward.x, inward.y + 6.0), layout::Anchor::Middle));
        }
        out
    };
    // (role at, badge at) for each node.
    let mut node_labels: Vec<(Option<Spot>, Option<Spot>)> = vec![(None, None); n];
    // A state written smaller or shortened to fit: (words, size).
    let mut role_text: Vec<Option<(String, f64)>> = vec![None; n];
    let mut badge_size = badge_font;
    if n <= 64 {
        // Every node's state first (it is what the picture is about), then badges: a
        // badge never takes the place a neighbour's state needs.
        for i in 0..n {
            let role = role_word(i);
            let cands = spots(i);
            // The state alone; smaller, then shortened, rather than not at all.
            let short: String = role.chars().take(5).collect::<String>() + "…";
            let shorter: String = role.chars().take(3).collect::<String>() + "…";
            // Below 16 px only when the picture itself is small (a 1280 screen, many nodes).
            let small = if area.w < 800.0 && !state.presenting() { 12.0 * ts } else { 16.0 * ts };
            for (text, f) in [(role.clone(), role_font), (role.clone(), 16.0 * ts), (short.clone(), 16.0 * ts), (short, small), (shorter, small)] {
                if let Some(k) = placer.place(cands.iter().map(|&(at, a)| layout::bold_box(&text, f, at, a))) {
                    node_labels[i].0 = Some(cands[k]);
                    if f != role_font || text != role {
                        role_text[i] = Some((text, f));
                    }
                    break;
                }
            }
        }
        // Badges, all at one size: the largest at which every badge finds room, shrinking
        // a pixel at a time towards the floor; only at the floor is a badge left out.
        let wanted: Vec<usize> = (0..n).filter(|&i| up[i] && !labels_hidden(n)).collect();
        let mut sizes = vec![badge_font];
        let mut f = badge_font.floor();
        while f > floor {
            f -= 1.0;
            sizes.push(f.max(floor));
        }
        let before = placer.clone();
        for &f in &sizes {
            let mut trial = before.clone();
            let mut at: Vec<Option<Spot>> = vec![None; n];
            let line = line * f / badge_font;
            // Right under their node's state where there is room.
            for &i in &wanted {
                let (Some((role_at, a)), None) = (node_labels[i].0, &role_text[i]) else { continue };
                let under = Point::new(role_at.x, role_at.y + line);
                if trial.place([layout::text_box(&badges[i], f, under, a)]).is_some() {
                    at[i] = Some((under, a));
                }
            }
            // Then anywhere around their node.
            for &i in &wanted {
                if at[i].is_some() {
                    continue;
                }
                // One line under each spot a state could take, then one line over it.
                let around = spots(i);
                let cands: Vec<(Point, layout::Anchor)> = around.iter().map(|&(p, a)| (Point::new(p.x, p.y + line), a)).chain(around.iter().map(|&(p, a)| (Point::new(p.x, p.y - line), a))).collect();
                if let Some(k) = trial.place(cands.iter().map(|&(p, a)| layout::text_box(&badges[i], f, p, a))) {
                    at[i] = Some(cands[k]);
                }
            }
            let all = wanted.iter().all(|&i| at[i].is_some());
            if all || f == *sizes.last().expect("one size at least") {
                placer = trial;
                badge_size = f;
                for &i in &wanted {
                    node_labels[i].1 = at[i];
                }
                break;
            }
        }
    }

    let select = |sel: Selection| {
        let dispatch = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.dispatch(Action::Select(sel));
        })
    };

    // Links: wide invisible strokes make them easy to click.
    let edges = graph.edges().iter().take(MAX_DRAWN_EDGES).map(|&(a, b)| {
        let rule = net.links.get(&link_key(a, b));
        let cut = !net.connected(a, b) || rule.is_some_and(|l| l.cut);
        let slow = rule.is_some_and(|l| l.delay.is_some());
        let lossy = rule.is_some_and(|l| l.drop.is_some_and(|d| d > 0));
        let selected = state.selected == Selection::Link(a, b);
        let (pa, pb) = (pos[a], pos[b]);
        let mid = pa.lerp(pb, 0.5);
        let chevron = (graph.kind() == TopologyKind::Ring && !cut).then(|| {
            let (from, to) = if graph.ring_next(a) == Some(b) { (pa, pb) } else { (pb, pa) };
            let tip = from.lerp(to, 0.5 + 12.0 / from.distance(to).max(1.0));
            html! { <polygon class="edge-dir" points={arrow_head(tip, from, 14.0)} /> }
        });
        html! {
            <g class={classes!("edge", cut.then_some("cut"), slow.then_some("slow"), lossy.then_some("lossy"), selected.then_some("selected"))} onclick={select(Selection::Link(a, b))} data-link={format!("{a}-{b}")}>
                <line class="edge-hit" x1={pa.x.to_string()} y1={pa.y.to_string()} x2={pb.x.to_string()} y2={pb.y.to_string()} />
                <line class="edge-line" x1={pa.x.to_string()} y1={pa.y.to_string()} x2={pb.x.to_string()} y2={pb.y.to_string()} />
                { for chevron }
                if cut { <text class="cut-mark" x={mid.x.to_string()} y={(mid.y + 8.0).to_string()}>{"✂"}</text> }
            </g>
        }
    });

    // A countdown ring for each armed timeout the protocol wants seen.
    let countdowns = sim.timers().into_iter().filter(|tm| tm.countdown && tm.node < n && up[tm.node]).map(|tm| {
        let left = tm.due.saturating_sub(t) as f64 / tm.due.saturating_sub(tm.set_at).max(1) as f64;
        let c = pos[tm.node];
        html! {
            <g class="countdown" data-countdown={tm.node.to_string()}>
                <title>{d.render(&phrase!("ui.timer_at", Text::Id("timer", tm.timer), tm.due))}</title>
                <circle class="countdown-track" cx={c.x.to_string()} cy={c.y.to_string()} r={(r + 5.0).to_string()} />
                <path class="countdown-arc" d={arc(c, r + 5.0, left)} />
            </g>
        }
    });

    let nodes = views.iter().enumerate().map(|(i, v)| {
        let p = pos[i];
        let (role_at, badge_at) = node_labels[i];
        // The row of cells goes where the labels are not: beside the node when they hang
        // under it, under the node when they stand beside it.
        let selected = state.selected == Selection::Node(i);
        let down = !up[i];
        let alert = breached.contains(&i);
        let role = role_word(i);
        let badge = badges[i].clone();
        let glyphs: Vec<Glyph> = v.glyphs.iter().copied().filter(|g| *g != Glyph::Token && !down).collect();
        let row = v.rows.first().zip(row_plans[i].as_ref());
        html! {
            <g class={classes!("node", tone_class(v.tone), down.then_some("down"), absent[i].then_some("absent"), selected.then_some("selected"), alert.then_some("breach"))}
               onclick={select(Selection::Node(i))} data-node={i.to_string()} data-role={v.role}>
                if alert { <circle class="breach-ring" cx={p.x.to_string()} cy={p.y.to_string()} r={(r + 9.0).to_string()} /> }
                <circle class="node-body" cx={p.x.to_string()} cy={p.y.to_string()} r={r.to_string()} />
                if font > 0.0 { <text class="node-id" x={p.x.to_string()} y={(p.y + font * 0.36).to_string()} style={format!("font-size:{font:.0}px")}>{i}</text> }
                if down && !absent[i] {
                    <text class="down-mark" x={p.x.to_string()} y={(p.y + r * 0.45).to_string()} style={format!("font-size:{:.0}px", r * 1.5)}>{"✕"}</text>
                }
                { for glyphs.iter().enumerate().map(|(k, g)| html! {
                    <text class="glyph" data-glyph={g.id()} x={format!("{:.1}", glyph_at[i].unwrap_or(p).x + k as f64 * 18.0 * ts)} y={format!("{:.1}", glyph_at[i].unwrap_or(p).y)}>{glyph_symbol(*g)}</text>
                }) }
                if let Some((at, a)) = role_at {
                    <text class="node-role" x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)} style={format!("text-anchor:{};font-size:{:.0}px", a.css(), role_text[i].as_ref().map_or(role_font, |r| r.1))}>
                        <title>{role.clone()}</title>{role_text[i].as_ref().map_or(role.clone(), |r| r.0.clone())}</text>
                }
                if let Some((at, a)) = badge_at.filter(|_| !down) {
                    <text class="node-badge" x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)} style={format!("text-anchor:{};font-size:{badge_size:.0}px", a.css())}>{badge}</text>
                }
                if let Some((row, plan)) = row {
                    { cells(row, plan) }
                }
            </g>
        }
    });

    let tokens = views.iter().enumerate().filter(|(i, v)| v.holds(Glyph::Token) && up[*i]).map(|(i, _)| {
        let spot = layout::token_spot(area, pos[i], r);
        html! { <g class="token resting" data-token-at={i.to_string()}><circle cx={spot.x.to_string()} cy={spot.y.to_string()} r="15" /><text x={spot.x.to_string()} y={(spot.y + 6.0).to_string()}>{"★"}</text></g> }
    });

    let selected_node = match state.selected {
        Selection::Node(i) => Some(i),
        _ => None,
    };
    let overlays = sim.overlays(selected_node).into_iter().map(|o| overlay(&d, &o, &pos, r));

    // Where each message's label goes (None: left out, its arrow says enough).
    let mut msg_labels: std::collections::BTreeMap<usize, (Point, f64, String)> = std::collections::BTreeMap::new();
    for f in flights.iter().filter(|f| f.from != f.to && !f.token && labels) {
        let (start, end) = layout::arrow_ends(pos[f.from], pos[f.to], r);
        let kind = d.id("msg", f.kind);
        let full = if f.text.is_empty() { kind.clone() } else { format!("{kind} {}", f.text) };
        let size = (pos[f.from].distance(pos[f.to]) * 0.11).clamp(16.0, 20.0) * ts;
        let first = layout::message_label_spot(area, graph, start, end);
        let mut cands = vec![first];
        for k in [0.5, 0.38, 0.62, 0.28, 0.72] {
            cands.push(start.lerp(end, k));
        }
        let mut placed = None;
        for text in [full.clone(), kind.clone()] {
            if let Some(k) = placer.place(cands.iter().map(|&at| layout::bold_box(&text, size, at, layout::Anchor::Middle))) {
                placed = Some((cands[k], size, text));
                break;
            }
            if text == kind {
                break;
            }
        }
        if let Some(p) = placed {
            msg_labels.insert(f.id, p);
        }
    }
    let arrows = flights.iter().filter(|f| f.from != f.to).map(|f| {
        let (start, end) = layout::arrow_ends(pos[f.from], pos[f.to], r);
        let k = layout::progress(f.sent_at, f.arrive, t);
        let head = start.lerp(end, k);
        let selected = state.selected == Selection::Message(f.id);
        let doomed = f.lost.is_some();
        let label = msg_labels.get(&f.id).cloned();
        html! {
            <g class={classes!("message", format!("kind-{}", kind_slot(f.kind)), f.token.then_some("token-msg"), selected.then_some("selected"), doomed.then_some("doomed"))}
               onclick={select(Selection::Message(f.id))} data-msg={f.id.to_string()} data-kind={f.kind} data-from={f.from.to_string()} data-to={f.to.to_string()}>
                <line class="msg-hit" x1={start.x.to_string()} y1={start.y.to_string()} x2={head.x.to_string()} y2={head.y.to_string()} />
                <line class="msg-trail" x1={start.x.to_string()} y1={start.y.to_string()} x2={head.x.to_string()} y2={head.y.to_string()} />
                if f.token {
                    <g class="token flying"><circle cx={head.x.to_string()} cy={head.y.to_string()} r="15" /><text x={head.x.to_string()} y={(head.y + 6.0).to_string()}>{"★"}</text></g>
                } else {
                    <polygon class="msg-head" points={arrow_head(head, Point::new(head.x - (end.x - start.x), head.y - (end.y - start.y)), (start.distance(end) * 0.3).clamp(12.0, 26.0))} />
                }
                // The token needs no caption: the coin says what it is.
                if let Some((at, size, text)) = label {
                    <text class="msg-label" x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)} style={format!("font-size:{size:.0}px")}>{text}</text>
                }
            </g>
        }
    });

    // Messages that died a moment ago: a red cross where they died.
    let deaths = trace.events().iter().rev().take_while(|e| e.time + DEATH_SHOWN_FOR >= t).filter_map(|e| match &e.kind {
        EventKind::Lost { msg, reason, progress } if e.time <= t => {
            let m = trace.message(*msg);
            let (start, end) = layout::arrow_ends(pos[m.from], pos[m.to], r);
            let at = start.lerp(end, *progress as f64 / 1000.0);
            let fade = 1.0 - (t - e.time) as f64 / DEATH_SHOWN_FOR as f64;
            let words = format!("{} {}", d.id("msg", m.kind), d.render(&text::loss_short(*reason)));
            let spots = [Point::new(at.x, at.y - 18.0), Point::new(at.x, at.y + 36.0), Point::new(at.x + 60.0, at.y + 6.0), Point::new(at.x - 60.0, at.y + 6.0)];
            let said = placer.place(spots.iter().map(|&p| layout::bold_box(&words, 19.0 * ts, p, layout::Anchor::Middle)));
            Some(html! {
                <g class="death" style={format!("opacity:{fade:.2}")} data-died={msg.to_string()}>
                    <line class="death-trail" x1={start.x.to_string()} y1={start.y.to_string()} x2={at.x.to_string()} y2={at.y.to_string()} />
                    <text class="death-mark" x={at.x.to_string()} y={(at.y + 10.0).to_string()}>{"✕"}</text>
                    if let Some(k) = said {
                        <text class="msg-label death-label" x={format!("{:.1}", spots[k].x)} y={format!("{:.1}", spots[k].y)}>{words}</text>
                    }
                </g>
            })
        }
        _ => None,
    });

    let popup = popup(&state, &d, &pos, r, size);

    // What just happened, in words: the handler events of the step at the cursor.
    let step = h.step();
    let mut caption: Vec<String> = trace
        .events()
        .iter()
        .rev()
        .take_while(|e| e.step == step)
        .take(32)
        .filter(|e| !matches!(e.kind, EventKind::Send { .. }))
        .map(|e| d.render(&text::describe(trace, e)))
        .collect();
    caption.reverse();
    let mut caption = if step == 0 && caption.len() > 2 { vec![d.render(&phrase!("ui.nodes_start", n))] } else { caption };
    // A step that breaks an invariant says so, by name, after what happened.
    let broken: Vec<String> = trace
        .violations()
        .iter()
        .rev()
        .take_while(|v| v.step >= step)
        .filter(|v| v.step == step)
        .map(|v| d.render(&phrase!("ui.breaks", Text::Id("inv", v.invariant), v.detail.clone())))
        .collect();
    let shown_caption = if broken.is_empty() { 2 } else { 1 };
    let keep = caption.len().saturating_sub(shown_caption);
    caption.drain(..keep);
    let caption_lines = caption.len();
    caption.extend(broken.into_iter().rev());
    // Which colour means what, for the roles on screen now.
    let mut legend: Vec<(String, Tone, bool)> = Vec::new();
    for (i, v) in views.iter().enumerate() {
        let entry = if up[i] { (role_word(i), v.tone, false) } else { (role_word(i), Tone::Idle, true) };
        if !legend.contains(&entry) {
            legend.push(entry);
        }
    }
    let clear = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::Select(Selection::None)))
    };
    let any_countdown = sim.timers().iter().any(|tm| tm.countdown && tm.node < n && up[tm.node]);
    let any_death = trace.events().iter().rev().take_while(|e| e.time + DEATH_SHOWN_FOR >= t).any(|e| matches!(e.kind, EventKind::Lost { .. }) && e.time <= t);
    let link_kinds = graph.edges().iter().take(MAX_DRAWN_EDGES).fold((false, false, false), |acc, &(a, b)| {
        let rule = net.links.get(&link_key(a, b));
        let cut = !net.connected(a, b) || rule.is_some_and(|l| l.cut);
        (acc.0 || cut, acc.1 || rule.is_some_and(|l| l.delay.is_some()), acc.2 || rule.is_some_and(|l| l.drop.is_some_and(|d| d > 0)))
    });
    let arrows: Html = arrows.collect();
    let deaths: Html = deaths.collect();
    html! {
        <div class="topology-box" ref={boxed}>
            <svg id="topology" viewBox={format!("0 0 {} {}", size.w, size.h)} width={size.w.to_string()} height={size.h.to_string()} onclick={clear} role="img"
                 aria-label={d.render(&phrase!("ui.topology_label", n, Text::Id("topo", setup.topology.kind().name())))} data-nodes={n.to_string()} data-in-flight={flights.len().to_string()}>
                <g class="overlays">{ for overlays }</g>
                <g class="edges">{ for edges }</g>
                <g class="countdowns">{ for countdowns }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="tokens">{ for tokens }</g>
                <g class="messages">{arrows}{deaths}</g>
            </svg>
            <div class="caption" data-testid="caption" ref={caption_ref}>
                { for caption.iter().enumerate().map(|(k, c)| html! { <div class={classes!((k >= caption_lines).then_some("breaks"))}>{c}</div> }) }
            </div>
            <div class="legend-box" ref={legend_ref}>
                { for legend.iter().map(|(role, tone, down)| html! {
                    <span class={classes!("legend-item", tone_class(*tone), down.then_some("down"))} data-legend={if *down { "down".to_string() } else { tone_class(*tone).to_string() }}><i />{role.clone()}</span>
                }) }
                if views.iter().zip(&up).any(|(v, u)| v.holds(Glyph::Token) && *u) || flights.iter().any(|f| f.token) {
                    <span class="legend-item token-key" data-legend="token"><i />{d.id("msg", "token")}</span>
                }
                if !breached.is_empty() { <span class="legend-item breach-key" data-legend="breach"><i />{d.word("ui.broken")}</span> }
                if any_countdown { <span class="legend-item countdown-key" data-legend="countdown"><i />{d.word("ui.timeout_key")}</span> }
                if any_death { <span class="legend-item death-key" data-legend="death"><b>{"✕"}</b>{d.word("ui.lost_key")}</span> }
                if link_kinds.0 { <span class="legend-item cut-key" data-legend="cut"><i />{d.word("ui.link_cut_key")}</span> }
                if link_kinds.1 { <span class="legend-item slow-key" data-legend="slow"><i />{d.word("ui.link_slow_key")}</span> }
                if link_kinds.2 { <span class="legend-item lossy-key" data-legend="lossy"><i />{d.word("ui.link_lossy_key")}</span> }
                if state.selected == Selection::None { <span class="break-hint" data-testid="break-hint">{d.word("ui.break_hint")}</span> }
            </div>
            if charts_folded {
                <button class={classes!("small", "charts-toggle", (*charts_open).then_some("on"))} onclick={toggle_charts} aria-pressed={charts_open.to_string()} data-action="charts">{d.render(&crate::phrase!("ui.charts", charts.len()))}</button>
            }
            if !charts.is_empty() && (!charts_folded || *charts_open) {
                <div class={classes!("charts", (charts_below || charts_folded).then_some("below"), charts_folded.then_some("over"))} data-testid="charts">
                    { for charts.iter().map(|c| super::chart::chart(&d, c, t)) }
                </div>
            }
            { popup }
        </div>
    }
}

/// Where a node's row of cells goes and how many cells fit: each cell as wide as its
/// text, the row moved left or cut short (the rest becomes "…") to stay in the picture.
struct RowPlan {
    at: Point,
    widths: Vec<f64>,
    more: bool,
}

const CELL_GAP: f64 = 2.0;
const MORE_WIDTH: f64 = 14.0;

fn plan_row(row: &crate::sim::view::CellRow, want: Point, right_edge: f64, ts: f64) -> RowPlan {
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
    fn rect(&self) -> layout::Rect {
        let w: f64 = self.widths.iter().sum::<f64>() + CELL_GAP * self.widths.len() as f64 + if self.more { MORE_WIDTH } else { 0.0 };
        layout::Rect::new(self.at.x, self.at.y, self.at.x + w, self.at.y + 24.0)
    }
}

/// Where a word goes: its point and which end of it sits there.
type Spot = (Point, layout::Anchor);

/// A row of small cells under a node (a log, a queue), the marked ones filled.
fn cells(row: &crate::sim::view::CellRow, plan: &RowPlan) -> Html {
    let at = plan.at;
    let mut x = at.x;
    let drawn: Vec<Html> = row
        .cells
        .iter()
        .zip(&plan.widths)
        .enumerate()
        .map(|(k, (c, &w))| {
            let marked = row.marked_upto.is_some_and(|m| k < m);
            let cell = html! {
                <g class={classes!("cell", format!("shade-{}", c.shade % 6), marked.then_some("marked"))}>
                    <rect x={format!("{x:.1}")} y={at.y.to_string()} width={format!("{w:.1}")} height="24" rx="3" />
                    <text x={format!("{:.1}", x + w / 2.0)} y={(at.y + 18.0).to_string()}>{c.text.clone()}</text>
                </g>
            };
            x += w + CELL_GAP;
            cell
        })
        .collect();
    html! {
        <g class="cells" data-row={row.label}>
            { for drawn }
            if plan.more { <text class="cells-more" x={format!("{:.1}", x + 4.0)} y={(at.y + 18.0).to_string()}>{"…"}</text> }
        </g>
    }
}

fn overlay(d: &Dictionary, o: &Overlay, pos: &[Point], r: f64) -> Html {
    match o {
        Overlay::Set { label, nodes } => {
            let members: Vec<Point> = nodes.iter().filter_map(|&i| pos.get(i).copied()).collect();
            let top = members.iter().map(|p| p.y).fold(f64::MAX, f64::min);
            let left = members.iter().map(|p| p.x).fold(f64::MAX, f64::min);
            html! {
                <g class="overlay overlay-set" data-overlay="set">
                    { for members.iter().map(|p| html! { <circle cx={p.x.to_string()} cy={p.y.to_string()} r={(r + 14.0).to_string()} /> }) }
                    if !members.is_empty() { <text x={left.to_string()} y={(top - r - 20.0).to_string()}>{d.render(label)}</text> }
                </g>
            }
        }
        // Cuts belong to the time-space diagram.
        Overlay::Cut { .. } | Overlay::Events { .. } => html! {},
        Overlay::Arrows { label, edges, alarm } => html! {
            <g class={classes!("overlay", "overlay-arrows", alarm.then_some("alarm"))} data-overlay="arrows">
                <title>{d.render(label)}</title>
                { for edges.iter().filter(|(a, b)| *a < pos.len() && *b < pos.len() && a != b).map(|&(a, b)| {
                    let (start, end) = layout::arrow_ends(pos[a], pos[b], r + 6.0);
                    html! {
                        <g>
                            <line x1={start.x.to_string()} y1={start.y.to_string()} x2={end.x.to_string()} y2={end.y.to_string()} />
                            <polygon points={arrow_head(end, start, 16.0)} />
                        </g>
                    }
                }) }
            </g>
        },
    }
}

/// The menu beside the selected thing: what can be done to it now.
fn popup(state: &AppHandle, d: &Dictionary, pos: &[Point], r: f64, size: Size) -> Html {
    if state.quiet_popup {
        return html! {};
    }
    let h = state.history.borrow();
    let sim = h.sim();
    let act = |a: Act| {
        let dispatch = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.dispatch(Action::Act(a.clone()));
        })
    };
    let close = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.dispatch(Action::Select(Selection::None));
        })
    };
    let (at, title, buttons): (Point, String, Html) = match state.selected {
        Selection::Node(i) if i < pos.len() => {
            let up = sim.up()[i];
            let absent = sim.absent()[i];
            let view = &sim.node_views()[i];
            let inputs = sim.inputs_for(i);
            let n = pos.len();
            let at = pos[i];
            let buttons = html! {
                <>
                    { for inputs.iter().filter(|_| up).map(|spec| match spec.arg {
                        None => html! { <button onclick={act(Act::Input(i, spec.id.to_string(), None))} data-input={spec.id}>{d.id("input", spec.id)}</button> },
                        // One button per receiver: a message drawn from this node to that one.
                        Some(ArgKind::Node) => html! {
                            <div class="popup-row" data-input={spec.id}>
                                <span>{d.id("input", spec.id)}</span>
                                { for (0..n).filter(|&j| j != i).map(|j| html! {
                                    <button class="small" onclick={act(Act::Input(i, spec.id.to_string(), Some(j.to_string())))} data-arg={j.to_string()}>{format!("n{j}")}</button>
                                }) }
                            </div>
                        },
                        Some(_) => html! { <ArgInput node={i} input={spec.id} label={d.id("input", spec.id)} go={d.word("ui.go")} /> },
                    }) }
                    if up {
                        <button class="danger" onclick={act(Act::Crash(i))} data-act="crash">{d.word("ui.crash")}</button>
                    } else if absent {
                        <button onclick={act(Act::Recover(i))} data-act="recover">{d.word("ui.join")}</button>
                    } else {
                        <button onclick={act(Act::Recover(i))} data-act="recover">{d.word("ui.recover")}</button>
                    }
                </>
            };
            let role = if absent { d.id("role", "absent") } else if up { d.id("role", view.role) } else { d.id("role", "crashed") };
            (at, format!("{} · {role}", d.render(&phrase!("ui.node_title", i))), buttons)
        }
        Selection::Message(id) => {
            let Some(f) = sim.flights().into_iter().find(|f| f.id == id) else { return html! {} };
            let t = state.display_time;
            let (start, end) = layout::arrow_ends(pos[f.from], pos[f.to], r);
            let at = start.lerp(end, layout::progress(f.sent_at, f.arrive, t));
            let buttons = if f.lost.is_some() {
                html! { <span class="hint">{d.word("ui.doomed")}</span> }
            } else {
                html! {
                    <>
                        <button class="danger" onclick={act(Act::Drop(id))} data-act="drop">{d.word("ui.drop_msg")}</button>
                        <button onclick={act(Act::Delay(id, 100))} data-act="delay">{d.word("ui.delay_msg")}</button>
                        <button onclick={act(Act::Duplicate(id))} data-act="duplicate">{d.word("ui.duplicate_msg")}</button>
                    </>
                }
            };
            let text = if f.text.is_empty() { String::new() } else { format!(" ({})", f.text) };
            (at, format!("{}{text}: {} → {}", d.id("msg", f.kind), f.from, f.to), buttons)
        }
        Selection::Link(a, b) if a < pos.len() && b < pos.len() => {
            let rule = sim.network().links.get(&link_key(a, b)).cloned().unwrap_or_default();
            let config = &sim.network().config;
            let at = pos[a].lerp(pos[b], 0.5);
            // "Slow" is five times the network's delay: enough to let later messages on
            // other paths overtake, which is what the lessons need.
            let slow = Act::Link(a, b, (config.delay_min * 5, config.delay_max * 5), rule.drop.unwrap_or(config.drop));
            let lossy = Act::Link(a, b, rule.delay.unwrap_or((config.delay_min, config.delay_max)), 500_000);
            let special = rule.cut || rule.delay.is_some() || rule.drop.is_some();
            let buttons = html! {
                <>
                    if special { <button onclick={act(Act::Restore(a, b))} data-act="restore">{d.word("ui.restore_link")}</button> }
                    if !rule.cut {
                        <button class="danger" onclick={act(Act::Cut(a, b))} data-act="cut">{d.word("ui.cut")}</button>
                        <button onclick={act(slow)} data-act="slow">{d.word("ui.slow")}</button>
                        <button onclick={act(lossy)} data-act="lossy">{d.word("ui.lossy")}</button>
                    }
                </>
            };
            let state_text = match (rule.cut, rule.delay, rule.drop) {
                (true, _, _) => d.word("ui.link_cut"),
                (_, Some((lo, hi)), drop) => d.render(&phrase!("ui.link_delay", format!("{lo}-{hi}"), drop.map_or(String::from("-"), crate::sim::network::format_percent))),
                (_, None, Some(p)) => d.render(&phrase!("ui.link_drop", crate::sim::network::format_percent(p))),
                _ => String::new(),
            };
            (at, format!("{}{state_text}", d.render(&phrase!("ui.link_title", a, b))), buttons)
        }
        _ => return html! {},
    };
    // Beside the thing, never over it nor over a node, inside the picture: the first of
    // right, left, below, above (nearest first) that covers nothing, else the one that
    // covers least.
    let (target, reach) = match state.selected {
        Selection::Message(_) => (at, 22.0),
        Selection::Link(..) => (at, 16.0),
        _ => (at, r + 6.0),
    };
    let rows = match state.selected {
        Selection::Node(i) if i < pos.len() => sim.inputs_for(i).len(),
        _ => 0,
    };
    // A message's or a link's popover holds three buttons: narrow, in two rows, it finds
    // a free corner even in a small picture.
    let compact = matches!(state.selected, Selection::Message(_) | Selection::Link(..));
    let est = if compact { Size::new(POPUP_W_COMPACT, 150.0) } else { Size::new(POPUP_W, 112.0 + 46.0 * rows as f64) };
    let corner = popup_corner(target, reach, pos, r, size, est);
    html! {
        <div class={classes!("popup", compact.then_some("compact"))} style={place(corner)} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} data-testid="popup">
            <div class="popup-title">{title}<button class="close" onclick={close} aria-label={d.word("ui.close")}>{"×"}</button></div>
            <div class="popup-buttons">{buttons}</div>
        </div>
    }
}

/// Estimated width of the popover (its CSS max-width).
const POPUP_W: f64 = 360.0;
/// The same for a message's or a link's popover (`.popup.compact`).
const POPUP_W_COMPACT: f64 = 250.0;

/// Top-left corner for a popover of size `est` beside `target` (a disc of radius `reach`)
/// that covers neither it nor any node, inside `size`: the free spot nearest the target
/// (a grid search over the picture), else the spot that covers least.
fn popup_corner(target: Point, reach: f64, pos: &[Point], r: f64, size: Size, est: Size) -> Point {
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

#[derive(Properties, PartialEq)]
struct ArgInputProps {
    node: usize,
    input: &'static str,
    label: String,
    go: String,
}

/// An input that takes a value (a command, a key): a small field and a button.
#[function_component(ArgInput)]
fn arg_input(props: &ArgInputProps) -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let field = use_node_ref();
    let onclick = {
        let dispatch = state.dispatcher();
        let field = field.clone();
        let (node, input) = (props.node, props.input);
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let value = field.cast::<web_sys::HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            dispatch.dispatch(Action::Act(Act::Input(node, input.to_string(), Some(value.trim().to_string()))));
        })
    };
    html! {
        <div class="popup-row" data-input={props.input}>
            <span>{props.label.clone()}</span>
            <input ref={field} size="6" data-arg="value" />
            <button class="small" {onclick}>{props.go.clone()}</button>
        </div>
    }
}
