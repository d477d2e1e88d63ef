//! The topology view: nodes where the layout puts them, links, every message in flight
//! as an arrow whose head moves from sender to receiver, the token, dying messages, and
//! a small menu at whatever the user clicks (node, message, link) to break it.

use yew::prelude::*;

use super::hooks::use_box_size;
use super::layout::{self, Point, Size};
use super::state::{Action, AppHandle, Selection};
use crate::sim::protocol::Tone;
use crate::sim::trace::EventKind;
use crate::sim::{network::link_key, Act, LossReason, Time, TopologyKind};

const CAPTION_BAND: f64 = 44.0;
const LEGEND_BAND: f64 = 26.0;

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

#[function_component(TopologyView)]
pub fn topology_view() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let boxed = use_node_ref();
    let size = use_box_size(boxed.clone());
    let h = state.history.borrow();
    let sim = h.sim();
    let views = sim.node_views();
    // Bands for the caption above and the legend below the drawing, and room beside the
    // nodes for the longest label on screen.
    let longest = views.iter().map(|v| v.role.chars().count().max(v.badge.chars().count() * 4 / 5)).max().unwrap_or(8);
    let area = size.inset(CAPTION_BAND, LEGEND_BAND).with_labels(longest);
    // When neighbours end up too close for two lines of label, the role is left to the
    // node's colour (the legend says which is which) and only the badge is written.
    let spacing = |a: layout::Size| {
        let p = layout::node_positions(a, &sim.setup().graph);
        if p.len() < 2 { f64::MAX } else { p[0].distance(p[1]) - 2.0 * layout::node_radius(a, &sim.setup().graph) }
    };
    let compact = spacing(area) < 110.0;
    let area = if compact {
        let badge = views.iter().map(|v| v.badge.chars().count()).max().unwrap_or(6);
        size.inset(CAPTION_BAND, LEGEND_BAND).with_labels(badge * 3 / 4)
    } else {
        area
    };
    let setup = sim.setup();
    let n = setup.n;
    let topology = &setup.topology;
    let graph = &setup.graph;
    let pos = layout::node_positions(area, graph);
    let r = layout::node_radius(area, graph);
    let up = sim.up().to_vec();
    let net = sim.network();
    let t = state.display_time.max(sim.now());
    let trace = sim.trace();
    let breached: Vec<usize> = sim.invariants().into_iter().flat_map(|i| i.nodes).collect();
    let font = (r * 0.75).clamp(14.0, 34.0);

    let select = |sel: Selection| {
        let d = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            d.dispatch(Action::Select(sel));
        })
    };

    // Links: wide invisible strokes make them easy to click.
    let edges = graph.edges().iter().map(|&(a, b)| {
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

    let nodes = views.iter().enumerate().map(|(i, v)| {
        let p = pos[i];
        let (label, anchor) = layout::label_spot(area, graph, p, r);
        let anchor = format!("text-anchor:{}", anchor.css());
        let selected = state.selected == Selection::Node(i);
        let down = !up[i];
        let alert = breached.contains(&i);
        html! {
            <g class={classes!("node", tone_class(v.tone), down.then_some("down"), selected.then_some("selected"), alert.then_some("breach"))}
               onclick={select(Selection::Node(i))} data-node={i.to_string()} data-role={v.role}>
                if alert { <circle class="breach-ring" cx={p.x.to_string()} cy={p.y.to_string()} r={(r + 9.0).to_string()} /> }
                <circle class="node-body" cx={p.x.to_string()} cy={p.y.to_string()} r={r.to_string()} />
                <text class="node-id" x={p.x.to_string()} y={(p.y + font * 0.36).to_string()} style={format!("font-size:{font:.0}px")}>{i}</text>
                if down {
                    <text class="down-mark" x={p.x.to_string()} y={(p.y + r * 0.45).to_string()} style={format!("font-size:{:.0}px", r * 1.5)}>{"✕"}</text>
                }
                if layout::labels_fit(n) && compact {
                    <text class="node-badge compact" x={label.x.to_string()} y={(label.y - 4.0).to_string()} style={anchor}>{ if down { "crashed".to_string() } else { v.badge.clone() } }</text>
                } else if layout::labels_fit(n) {
                <text class="node-role" x={label.x.to_string()} y={label.y.to_string()} style={anchor.clone()}>{ if down { "crashed" } else { v.role } }</text>
                <text class="node-badge" x={label.x.to_string()} y={(label.y + 21.0).to_string()} style={anchor}>{v.badge.clone()}</text>
                }
            </g>
        }
    });

    let tokens = views.iter().enumerate().filter(|(i, v)| v.holds_token && up[*i]).map(|(i, _)| {
        let spot = layout::token_spot(area, pos[i], r);
        html! { <g class="token resting" data-token-at={i.to_string()}><circle cx={spot.x.to_string()} cy={spot.y.to_string()} r="15" /><text x={spot.x.to_string()} y={(spot.y + 6.0).to_string()}>{"★"}</text></g> }
    });

    let flights = sim.flights();
    let arrows = flights.iter().filter(|f| f.from != f.to).map(|f| {
        let (start, end) = layout::arrow_ends(pos[f.from], pos[f.to], r);
        let k = layout::progress(f.sent_at, f.arrive, t);
        let head = start.lerp(end, k);
        let selected = state.selected == Selection::Message(f.id);
        let doomed = f.lost.is_some();
        let label_at = layout::message_label_spot(area, graph, start, end);
        let text = if f.text.is_empty() { f.kind.to_string() } else { format!("{} {}", f.kind, f.text) };
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
                if !f.token {
                    <text class="msg-label" x={label_at.x.to_string()} y={label_at.y.to_string()} style={format!("font-size:{:.0}px", (pos[f.from].distance(pos[f.to]) * 0.11).clamp(15.0, 20.0))}>{text}</text>
                }
            </g>
        }
    });

    // Messages that died a moment ago: a red cross where they died.
    let deaths = trace.events.iter().rev().take_while(|e| e.time + DEATH_SHOWN_FOR >= t).filter_map(|e| match &e.kind {
        EventKind::Lost { msg, reason, progress } if e.time <= t => {
            let m = &trace.messages[*msg];
            let (start, end) = layout::arrow_ends(pos[m.from], pos[m.to], r);
            let at = start.lerp(end, *progress as f64 / 1000.0);
            let fade = 1.0 - (t - e.time) as f64 / DEATH_SHOWN_FOR as f64;
            let why = match reason {
                LossReason::Random => "lost",
                LossReason::User => "dropped",
                LossReason::Cut => "cut off",
            };
            Some(html! {
                <g class="death" style={format!("opacity:{fade:.2}")} data-died={msg.to_string()}>
                    <line class="death-trail" x1={start.x.to_string()} y1={start.y.to_string()} x2={at.x.to_string()} y2={at.y.to_string()} />
                    <text class="death-mark" x={at.x.to_string()} y={(at.y + 10.0).to_string()}>{"✕"}</text>
                    <text class="msg-label death-label" x={at.x.to_string()} y={(at.y - 18.0).to_string()}>{format!("{} {why}", m.kind)}</text>
                </g>
            })
        }
        _ => None,
    });

    let popup = popup(&state, &pos, r, size);

    // What just happened, in words: the handler events of the step at the cursor.
    let step = h.step();
    let caption: Vec<String> = trace
        .events
        .iter()
        .rev()
        .take_while(|e| e.step == step)
        .filter(|e| !matches!(e.kind, EventKind::Send { .. }))
        .map(|e| super::text::describe(trace, e))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let caption = if step == 0 && caption.len() > 2 { vec![format!("{n} nodes start")] } else { caption };
    // Which colour means what, for the roles on screen now.
    let mut legend: Vec<(&'static str, Tone)> = Vec::new();
    for (i, v) in views.iter().enumerate() {
        let entry = if up[i] { (v.role, v.tone) } else { ("crashed", Tone::Idle) };
        if !legend.contains(&entry) {
            legend.push(entry);
        }
    }
    let clear = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::Select(Selection::None)))
    };
    let arrows: Html = arrows.collect();
    let deaths: Html = deaths.collect();
    html! {
        <div class="topology-box" ref={boxed}>
            <svg id="topology" viewBox={format!("0 0 {} {}", size.w, size.h)} width={size.w.to_string()} height={size.h.to_string()} onclick={clear} role="img"
                 aria-label={format!("{} nodes on a {}", n, topology.name())} data-nodes={n.to_string()} data-in-flight={flights.len().to_string()}>
                <g class="edges">{ for edges }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="tokens">{ for tokens }</g>
                <g class="messages">{arrows}{deaths}</g>
            </svg>
            <div class="caption" data-testid="caption">{ for caption.iter().rev().take(2).rev().map(|c| html! { <div title={c.clone()}>{c}</div> }) }</div>
            <div class="legend-box">
                { for legend.iter().map(|(role, tone)| html! {
                    <span class={classes!("legend-item", tone_class(*tone), (*role == "crashed").then_some("down"))}><i />{*role}</span>
                }) }
                if views.iter().zip(&up).any(|(v, u)| v.holds_token && *u) || flights.iter().any(|f| f.token) {
                    <span class="legend-item token-key"><i />{"token"}</span>
                }
            </div>
            { popup }
        </div>
    }
}

/// The menu beside the selected thing: what can be done to it now.
fn popup(state: &AppHandle, pos: &[Point], r: f64, size: Size) -> Html {
    let h = state.history.borrow();
    let sim = h.sim();
    let act = |a: Act| {
        let d = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            d.dispatch(Action::Act(a.clone()));
        })
    };
    let close = {
        let d = state.dispatcher();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            d.dispatch(Action::Select(Selection::None));
        })
    };
    let (at, title, buttons): (Point, String, Html) = match state.selected {
        Selection::Node(i) if i < pos.len() => {
            let up = sim.up()[i];
            let view = &sim.node_views()[i];
            let inputs = sim.inputs_for(i);
            let at = pos[i];
            let buttons = html! {
                <>
                    { for inputs.iter().filter(|_| up).map(|spec| html! {
                        <button onclick={act(Act::Input(i, spec.id.to_string()))} data-input={spec.id}>{spec.label}</button>
                    }) }
                    if up {
                        <button class="danger" onclick={act(Act::Crash(i))} data-act="crash">{"Crash"}</button>
                    } else {
                        <button onclick={act(Act::Recover(i))} data-act="recover">{"Recover"}</button>
                    }
                </>
            };
            (at, format!("node {i} · {}", if up { view.role } else { "crashed" }), buttons)
        }
        Selection::Message(id) => {
            let Some(f) = sim.flights().into_iter().find(|f| f.id == id) else { return html! {} };
            let t = state.display_time;
            let (start, end) = layout::arrow_ends(pos[f.from], pos[f.to], r);
            let at = start.lerp(end, layout::progress(f.sent_at, f.arrive, t));
            let buttons = if f.lost.is_some() {
                html! { <span class="hint">{"already doomed: the network will lose it"}</span> }
            } else {
                html! {
                    <>
                        <button class="danger" onclick={act(Act::Drop(id))} data-act="drop">{"Drop"}</button>
                        <button onclick={act(Act::Delay(id, 100))} data-act="delay">{"Delay +100"}</button>
                        <button onclick={act(Act::Duplicate(id))} data-act="duplicate">{"Duplicate"}</button>
                    </>
                }
            };
            let text = if f.text.is_empty() { String::new() } else { format!(" ({})", f.text) };
            (at, format!("{}{text}: {} → {}", f.kind, f.from, f.to), buttons)
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
                    if special { <button onclick={act(Act::Restore(a, b))} data-act="restore">{"Restore link"}</button> }
                    if !rule.cut {
                        <button class="danger" onclick={act(Act::Cut(a, b))} data-act="cut">{"Cut"}</button>
                        <button onclick={act(slow)} data-act="slow">{"Slow ×5"}</button>
                        <button onclick={act(lossy)} data-act="lossy">{"Lose 50%"}</button>
                    }
                </>
            };
            let state_text = match (rule.cut, rule.delay, rule.drop) {
                (true, _, _) => " (cut)".to_string(),
                (_, Some((lo, hi)), drop) => format!(" (delay {lo}-{hi}{})", drop.map_or(String::new(), |d| format!(", drop {}%", crate::sim::network::format_percent(d)))),
                (_, None, Some(d)) => format!(" (drop {}%)", crate::sim::network::format_percent(d)),
                _ => String::new(),
            };
            (at, format!("link {a} – {b}{state_text}"), buttons)
        }
        _ => return html! {},
    };
    // Beside the thing, on the side with more room, never over it; inside the picture.
    let left = at.x > size.w / 2.0;
    let gap = r + 14.0;
    let x = if left { at.x - gap } else { at.x + gap };
    let at = Point::new(x.clamp(0.0, size.w), at.y.clamp(60.0, (size.h - 60.0).max(60.0)));
    html! {
        <div class={classes!("popup", left.then_some("left"))} style={place(at)} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} data-testid="popup">
            <div class="popup-title">{title}<button class="close" onclick={close} aria-label="Close">{"×"}</button></div>
            <div class="popup-buttons">{buttons}</div>
        </div>
    }
}
