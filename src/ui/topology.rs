//! The topology view on the page: it draws the model of `topology_model.rs` (nodes,
//! links, messages in flight, the token, countdowns, overlays, dying messages, caption and
//! legend) and turns clicks into selections; the menu of the selected thing is `popup.rs`.

use yew::prelude::*;

use super::hooks::use_box_size;
use super::layout::Point;
use super::topology_model::{self as model, kind_slot, Arrow, Bands, ChartsPlace, Death, EdgeDrawing, Legend, NodeDrawing, OverlayDrawing, RingDrawing, RowPlan, Topology, CELL_GAP};
use super::state::{Action, AppHandle, Selection};
use crate::phrase;
use crate::sim::view::{CellRow, Glyph, ItemMark, Tone};
use crate::words::{Dictionary, Text};

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

fn glyph_symbol(g: Glyph) -> &'static str {
    match g {
        Glyph::Token => "★",
        Glyph::Marker => "◆",
        Glyph::Lock => "▣",
        Glyph::Key => "⚷",
        Glyph::Crown => "♛",
    }
}

/// A click that selects `sel` (and goes no further: the picture's own click clears).
fn select(state: &AppHandle, sel: Selection) -> Callback<MouseEvent> {
    let dispatch = state.dispatcher();
    Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        dispatch.dispatch(Action::Select(sel));
    })
}

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
    let measured = use_state(Bands::default);
    let charts_open = use_state(|| false);
    {
        let (boxed, caption_ref, legend_ref, measured) = (boxed.clone(), caption_ref.clone(), legend_ref.clone(), measured.clone());
        use_effect(move || {
            let (Some(b), Some(c), Some(l)) = (boxed.cast::<web_sys::Element>(), caption_ref.cast::<web_sys::Element>(), legend_ref.cast::<web_sys::Element>()) else { return };
            let (br, cr, lr) = (b.get_bounding_client_rect(), c.get_bounding_client_rect(), l.get_bounding_client_rect());
            let caption = if cr.height() > 0.0 { (cr.bottom() - br.top()).ceil() } else { 0.0 };
            let legend = if lr.height() > 0.0 { (br.bottom() - lr.top()).ceil() } else { 0.0 };
            if (caption - measured.caption).abs() >= 1.0 || (legend - measured.legend).abs() >= 1.0 {
                measured.set(Bands { caption, legend });
            }
        });
    }
    let m = model::build(&state, size, *measured);
    let clear = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::Select(Selection::None)))
    };
    let aria = d.render(&phrase!("ui.topology_label", m.n, Text::Id("topo", m.topology_name)));
    html! {
        <div class="topology-box" ref={boxed}>
            <svg id="topology" viewBox={format!("0 0 {} {}", size.w, size.h)} width={size.w.to_string()} height={size.h.to_string()} onclick={clear} role="img"
                 aria-label={aria} data-nodes={m.n.to_string()} data-in-flight={m.in_flight.to_string()}>
                { for m.ring.as_ref().map(ring) }
                <g class="overlays">{ for m.overlays.iter().map(overlay) }</g>
                <g class="edges">{ for m.edges.iter().map(|e| edge(&state, e)) }</g>
                <g class="countdowns">{ countdowns(&d, &m) }</g>
                <g class="nodes">{ for m.nodes.iter().enumerate().map(|(i, node)| node_html(&state, &m, i, node)) }</g>
                <g class="tokens">{ for m.tokens.iter().map(|&(i, at)| html! { <g class="token resting" data-token-at={i.to_string()}>{ coin(at) }</g> }) }</g>
                <g class="messages">{ for m.arrows.iter().map(|a| arrow(&state, a)) }{ for m.deaths.iter().map(death) }</g>
            </svg>
            <div class="caption" data-testid="caption" ref={caption_ref}>
                { for m.caption.iter().enumerate().map(|(k, c)| html! { <div class={classes!((k >= m.caption_lines).then_some("breaks"))}>{c}</div> }) }
            </div>
            <div class="legend-box" ref={legend_ref}>{ legend(&d, &m.legend) }</div>
            { charts(&d, &m, charts_open) }
            { for m.popup.as_ref().map(|p| super::popup::popup(&state, &d, p)) }
        </div>
    }
}

/// A hash ring under the nodes: the circle shaded by owner, the points (own ones joined
/// to their nodes), and a tick per key in its owner's colour, moved and lost keys marked.
fn ring(g: &RingDrawing) -> Html {
    let (c, r) = (g.centre, g.radius);
    html! {
        <g class="ring" data-ring-points={g.points.len().to_string()} data-ring-keys={g.keys.len().to_string()}>
            <circle class="ring-circle" cx={format!("{:.1}", c.x)} cy={format!("{:.1}", c.y)} r={format!("{r:.1}")} />
            { for g.arcs.iter().map(|(d, k)| html! { <path class={format!("ring-arc ring-c{k}")} d={d.clone()} /> }) }
            { for g.keys.iter().map(|k| {
                let class = match k.mark { ItemMark::Held => "ring-key", ItemMark::Moved => "ring-key moved", ItemMark::Lost => "ring-key lost" };
                html! {
                    <line class={format!("{class} ring-c{}", k.colour)} x1={format!("{:.1}", k.from.x)} y1={format!("{:.1}", k.from.y)} x2={format!("{:.1}", k.to.x)} y2={format!("{:.1}", k.to.y)}>
                        <title>{k.title.clone()}</title>
                    </line>
                }
            }) }
            { for g.points.iter().map(|p| html! {
                <g class={format!("ring-point ring-c{}", p.colour)} data-ring-node={p.node.to_string()}>
                    if let Some(at) = p.own {
                        <line class="ring-spoke" x1={format!("{:.1}", p.at.x)} y1={format!("{:.1}", p.at.y)} x2={format!("{:.1}", at.x)} y2={format!("{:.1}", at.y)} />
                        <circle class="ring-halo" cx={format!("{:.1}", at.x)} cy={format!("{:.1}", at.y)} r={format!("{:.1}", g.node_r + 4.0)} />
                    }
                    <circle cx={format!("{:.1}", p.at.x)} cy={format!("{:.1}", p.at.y)} r={if p.own.is_some() { "7" } else { "5" }} />
                    <title>{format!("n{}", p.node)}</title>
                </g>
            }) }
        </g>
    }
}

/// The token as a coin at `at`.
fn coin(at: Point) -> Html {
    html! { <><circle cx={at.x.to_string()} cy={at.y.to_string()} r="15" /><text x={at.x.to_string()} y={(at.y + 6.0).to_string()}>{"★"}</text></> }
}

/// Links: wide invisible strokes make them easy to click.
fn edge(state: &AppHandle, e: &EdgeDrawing) -> Html {
    let (pa, pb) = (e.from, e.to);
    let mid = pa.lerp(pb, 0.5);
    html! {
        <g class={classes!("edge", e.cut.then_some("cut"), e.slow.then_some("slow"), e.lossy.then_some("lossy"), e.selected.then_some("selected"))} onclick={select(state, Selection::Link(e.a, e.b))} data-link={format!("{}-{}", e.a, e.b)}>
            <line class="edge-hit" x1={pa.x.to_string()} y1={pa.y.to_string()} x2={pb.x.to_string()} y2={pb.y.to_string()} />
            <line class="edge-line" x1={pa.x.to_string()} y1={pa.y.to_string()} x2={pb.x.to_string()} y2={pb.y.to_string()} />
            { for e.chevron.clone().map(|points| html! { <polygon class="edge-dir" points={points} /> }) }
            if e.cut { <text class="cut-mark" x={mid.x.to_string()} y={(mid.y + 8.0).to_string()}>{"✂"}</text> }
        </g>
    }
}

/// A countdown ring for each armed timeout the protocol wants seen.
fn countdowns(d: &Dictionary, m: &Topology) -> Html {
    m.countdowns
        .iter()
        .map(|c| {
            html! {
                <g class="countdown" data-countdown={c.node.to_string()}>
                    <title>{d.render(&c.title)}</title>
                    <circle class="countdown-track" cx={c.at.x.to_string()} cy={c.at.y.to_string()} r={c.radius.to_string()} />
                    <path class="countdown-arc" d={c.arc.clone()} />
                </g>
            }
        })
        .collect()
}

fn node_html(state: &AppHandle, m: &Topology, i: usize, node: &NodeDrawing) -> Html {
    let (p, r, ts) = (node.at, m.radius, m.type_scale);
    let v = &node.view;
    let (font, down) = (m.id_font, node.down);
    html! {
        <g class={classes!("node", tone_class(v.tone), down.then_some("down"), node.absent.then_some("absent"), node.selected.then_some("selected"), node.breach.then_some("breach"))}
           onclick={select(state, Selection::Node(i))} data-node={i.to_string()} data-role={v.role}>
            if node.breach { <circle class="breach-ring" cx={p.x.to_string()} cy={p.y.to_string()} r={(r + 9.0).to_string()} /> }
            <circle class="node-body" cx={p.x.to_string()} cy={p.y.to_string()} r={r.to_string()} />
            if font > 0.0 { <text class="node-id" x={p.x.to_string()} y={(p.y + font * 0.36).to_string()} style={format!("font-size:{font:.0}px")}>{i}</text> }
            if down && !node.absent {
                <text class="down-mark" x={p.x.to_string()} y={(p.y + r * 0.45).to_string()} style={format!("font-size:{:.0}px", r * 1.5)}>{"✕"}</text>
            }
            { for node.glyphs.iter().enumerate().map(|(k, g)| html! {
                <text class="glyph" data-glyph={g.id()} x={format!("{:.1}", node.glyph_at.x + k as f64 * 18.0 * ts)} y={format!("{:.1}", node.glyph_at.y)}>{glyph_symbol(*g)}</text>
            }) }
            if let Some((at, a)) = node.role_at {
                <text class="node-role" x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)} style={format!("text-anchor:{};font-size:{:.0}px", a.css(), node.role_size)}>
                    <title>{node.role.clone()}</title>{node.role_shown.clone()}</text>
            }
            if let Some((at, a)) = node.badge_at {
                <text class="node-badge" x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)} style={format!("text-anchor:{};font-size:{:.0}px", a.css(), m.badge_size)}>{node.badge.clone()}</text>
            }
            if let Some((row, plan)) = &node.row {
                { cells(row, plan) }
            }
        </g>
    }
}

/// A row of small cells beside a node (a log, a queue), the marked ones filled.
fn cells(row: &CellRow, plan: &RowPlan) -> Html {
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

fn overlay(o: &OverlayDrawing) -> Html {
    match o {
        OverlayDrawing::Set { label, members, radius, label_at } => html! {
            <g class="overlay overlay-set" data-overlay="set">
                { for members.iter().map(|p| html! { <circle cx={p.x.to_string()} cy={p.y.to_string()} r={radius.to_string()} /> }) }
                if let Some(at) = label_at { <text x={at.x.to_string()} y={at.y.to_string()}>{label.clone()}</text> }
            </g>
        },
        OverlayDrawing::Arrows { label, alarm, arrows } => html! {
            <g class={classes!("overlay", "overlay-arrows", alarm.then_some("alarm"))} data-overlay="arrows">
                <title>{label.clone()}</title>
                { for arrows.iter().map(|(start, end, head)| html! {
                    <g>
                        <line x1={start.x.to_string()} y1={start.y.to_string()} x2={end.x.to_string()} y2={end.y.to_string()} />
                        <polygon points={head.clone()} />
                    </g>
                }) }
            </g>
        },
    }
}

/// A message in flight: its trail from the sender, its head (or the token's coin), and
/// its label where there was room (the token needs none: the coin says what it is).
fn arrow(state: &AppHandle, a: &Arrow) -> Html {
    let f = &a.flight;
    let (start, head) = (a.start, a.head);
    html! {
        <g class={classes!("message", format!("kind-{}", kind_slot(f.kind)), f.token.then_some("token-msg"), a.selected.then_some("selected"), f.lost.is_some().then_some("doomed"))}
           onclick={select(state, Selection::Message(f.id))} data-msg={f.id.to_string()} data-kind={f.kind} data-from={f.from.to_string()} data-to={f.to.to_string()}>
            <line class="msg-hit" x1={start.x.to_string()} y1={start.y.to_string()} x2={head.x.to_string()} y2={head.y.to_string()} />
            <line class="msg-trail" x1={start.x.to_string()} y1={start.y.to_string()} x2={head.x.to_string()} y2={head.y.to_string()} />
            if f.token {
                <g class="token flying">{ coin(head) }</g>
            } else {
                <polygon class="msg-head" points={a.head_points.clone()} />
            }
            if let Some((at, size, text)) = &a.label {
                <text class="msg-label" x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)} style={format!("font-size:{size:.0}px")}>{text.clone()}</text>
            }
        </g>
    }
}

/// A message that died a moment ago: a red cross where it died.
fn death(x: &Death) -> Html {
    html! {
        <g class="death" style={format!("opacity:{:.2}", x.fade)} data-died={x.msg.to_string()}>
            <line class="death-trail" x1={x.start.x.to_string()} y1={x.start.y.to_string()} x2={x.at.x.to_string()} y2={x.at.y.to_string()} />
            <text class="death-mark" x={x.at.x.to_string()} y={(x.at.y + 10.0).to_string()}>{"✕"}</text>
            if let Some(p) = x.label_at {
                <text class="msg-label death-label" x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)}>{x.words.clone()}</text>
            }
        </g>
    }
}

/// Which colour means what, for the roles on screen now, and keys for everything else.
fn legend(d: &Dictionary, l: &Legend) -> Html {
    let key = |shown: bool, class: &'static str, legend: &'static str, word: &str| {
        if shown {
            html! { <span class={classes!("legend-item", class)} data-legend={legend}><i />{d.word(word)}</span> }
        } else {
            html! {}
        }
    };
    html! {
        <>
            { for l.roles.iter().map(|(role, tone, down)| html! {
                <span class={classes!("legend-item", tone_class(*tone), down.then_some("down"))} data-legend={if *down { "down".to_string() } else { tone_class(*tone).to_string() }}><i />{role.clone()}</span>
            }) }
            if l.token { <span class="legend-item token-key" data-legend="token"><i />{d.id("msg", "token")}</span> }
            { key(l.breach, "breach-key", "breach", "ui.broken") }
            { key(l.countdown, "countdown-key", "countdown", "ui.timeout_key") }
            if l.death { <span class="legend-item death-key" data-legend="death"><b>{"✕"}</b>{d.word("ui.lost_key")}</span> }
            { key(l.cut, "cut-key", "cut", "ui.link_cut_key") }
            { key(l.slow, "slow-key", "slow", "ui.link_slow_key") }
            { key(l.lossy, "lossy-key", "lossy", "ui.link_lossy_key") }
            { key(l.ring_keys, "ring-key-key", "ring-key", "ui.ring_key") }
            { key(l.ring_points, "ring-point-key", "ring-point", "ui.ring_point") }
            { key(l.ring_moved, "ring-moved-key", "ring-moved", "ui.ring_moved") }
            { key(l.ring_lost, "ring-lost-key", "ring-lost", "ui.ring_lost") }
            if l.break_hint { <span class="break-hint" data-testid="break-hint">{d.word("ui.break_hint")}</span> }
        </>
    }
}

/// The protocol's charts: beside or under the picture, or behind a button over it.
fn charts(d: &Dictionary, m: &Topology, open: UseStateHandle<bool>) -> Html {
    if m.charts.is_empty() {
        return html! {};
    }
    let folded = m.charts_place == ChartsPlace::Folded;
    let below = m.charts_place == ChartsPlace::Below || folded;
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <>
            if folded {
                <button class={classes!("small", "charts-toggle", (*open).then_some("on"))} onclick={toggle} aria-pressed={open.to_string()} data-action="charts">{d.render(&phrase!("ui.charts", m.charts.len()))}</button>
            }
            if !folded || *open {
                <div class={classes!("charts", below.then_some("below"), folded.then_some("over"))} data-testid="charts"
                     style={(below && !folded).then(|| format!("bottom:{:.0}px", m.legend_band.max(30.0)))}>
                    { for m.charts.iter().map(|c| super::chart::chart(d, c, m.time)) }
                </div>
            }
        </>
    }
}
