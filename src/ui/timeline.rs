//! The time-space diagram on the page: it draws the model of `diagram_model.rs` (where
//! every line, dot, stamp and word goes) and turns clicks and drags into actions.

use std::rc::Rc;

use yew::prelude::*;

use super::hooks::use_box_size;
use super::diagram_model::{self, Axes, Diagram, EventDot, Hand, MessageLine, RowHit, VerdictLine, LEFT, TOP};
use super::topology_model::kind_slot;
use super::state::{Action, AppHandle, Selection};
use super::view_settings::Stamps;
use crate::sim::NodeId;
use crate::words::Dictionary;

/// A message being drawn by hand: (from node, start x, start y, pointer x, pointer y).
type Drag = Option<(NodeId, f64, f64, f64, f64)>;

#[function_component(Timeline)]
pub fn timeline() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let boxed = use_node_ref();
    let svg_ref = use_node_ref();
    // A select the user has changed no longer follows its options' `selected`: the key S
    // sets its value directly (as the speed select does).
    let stamps_ref = use_node_ref();
    {
        let stamps_ref = stamps_ref.clone();
        use_effect_with(state.stamps, move |x| {
            if let Some(select) = stamps_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(x.encode());
            }
        });
    }
    // The drag is kept in a cell the handlers read (a press and a release may come before
    // a render), mirrored in state for drawing the line.
    let drag = use_state(|| None as Drag);
    let held = use_mut_ref(|| None::<(NodeId, f64, f64)>);
    // The click that ends a drag or places a cut point must not also clear the selection.
    let swallow = use_mut_ref(|| false);
    let size = use_box_size(boxed.clone());
    let model = diagram_model::build(&state, size);
    let (width, height) = (model.width, model.height);
    let hand = Gestures { state: state.clone(), svg: svg_ref.clone(), drag: drag.clone(), held, swallow, axes: model.axes, hands: Rc::new(model.hands.clone()) };
    let clear = {
        let (d, swallow) = (state.dispatcher(), hand.swallow.clone());
        Callback::from(move |_: MouseEvent| {
            if !std::mem::take(&mut *swallow.borrow_mut()) {
                d.dispatch(Action::Select(Selection::None))
            }
        })
    };
    let drag_line = drag.map(|(from, x0, _, x, y)| {
        let (start, end, aimed) = model.axes.drag_line(from, x0, x, y);
        html! { <line class={classes!("drag-line", aimed.then_some("aimed"))} x1={start.x.to_string()} y1={start.y.to_string()} x2={end.x.to_string()} y2={end.y.to_string()} /> }
    });
    let verdict = |line: &VerdictLine, testid: &'static str, extra: Option<&'static str>| {
        let (consistent, relation) = if testid == "cut-verdict" { (line.data.clone(), None) } else { (None, line.data.clone()) };
        html! { <div class={classes!("tl-verdict", extra, line.class)} data-testid={testid} data-consistent={consistent} data-relation={relation}>{d.render(&line.text)}</div> }
    };
    let frame = model.axes.frame;
    html! {
        <div class="timeline-box">
            { bar(&state, &d, &model, stamps_ref) }
            { for model.pair_line.as_ref().map(|l| verdict(l, "pair-verdict", None)) }
            { for model.cut_line.as_ref().map(|l| verdict(l, "cut-verdict", Some("cut-verdict"))) }
            if model.converse_missing { <div class="tl-verdict hint" data-testid="converse-none">{d.word("ui.converse_none")}</div> }
            <div class="timeline-canvas" ref={boxed}>
            <svg id="timeline" ref={svg_ref} class={classes!(model.cutting.then_some("cutting"), drag.is_some().then_some("dragging"))} viewBox={format!("0 0 {} {height:.0}", width)} width={width.to_string()} height={height.to_string()}
                 onclick={clear} onmousemove={hand.on_move()} onmouseup={hand.on_release()} onmouseleave={hand.on_leave()} data-events={model.logged_events.to_string()}>
                <g class="ticks">{ ticks(&model) }</g>
                <g class="rows">{ rows(&model) }</g>
                <line class="now-line" x1={model.now_x.to_string()} y1={(TOP - 10.0).to_string()} x2={model.now_x.to_string()} y2={(height - 6.0).to_string()} />
                <defs>
                    <clipPath id="timeline-window">
                        <rect x="38" y="0" width={(frame.x1 - 38.0 + 14.0).to_string()} height={height.to_string()} />
                    </clipPath>
                </defs>
                <g clip-path="url(#timeline-window)">
                    <g class="tl-messages">{ for model.messages.iter().map(message) }</g>
                    <g class="row-hits">{ for model.row_hits.iter().map(|r| hand.row_hit(&d, r)) }</g>
                    <g class="tl-marks">{ marked(&model) }</g>
                    <g class="tl-events">{ for model.events.iter().map(|e| event(&state, e, model.dense, model.cutting)) }</g>
                </g>
                <g class="tl-cuts">{ cuts(&model) }</g>
                { for drag_line }
                <g class="tl-violations">{ violations(&model) }</g>
            </svg>
            </div>
            { hints(&model) }
        </div>
    }
}

/// The bar over the diagram: its legend, the stamps asked for, the converse pair, drawing
/// a cut, zoom.
fn bar(state: &AppHandle, d: &Dictionary, model: &Diagram, stamps_ref: NodeRef) -> Html {
    let toggle = |action: fn() -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(action()))
    };
    let zoom = |delta: isize| {
        let (d, i) = (state.dispatcher(), model.zoomed(delta));
        Callback::from(move |_: MouseEvent| d.dispatch(Action::SetSpan(i)))
    };
    let set_stamps = {
        let d = state.dispatcher();
        Callback::from(move |e: web_sys::Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            if let Some(x) = Stamps::parse(&value) {
                d.dispatch(Action::SetStamps(x));
            }
        })
    };
    let keys = model.legend.iter().map(|&(class, word)| html! { <span class="key" data-legend={class}><i class={classes!("sw", class)} />{d.word(word)}</span> });
    let legend = if model.causal {
        html! { <span class="legend">{ for keys }</span> }
    } else {
        html! { <span class="legend hint" data-testid="diagram-legend">{ for keys }</span> }
    };
    html! {
        <div class="timeline-bar">
            <b>{d.word("ui.diagram")}</b>
            {legend}
            <span class="spacer" />
            <label class="stamps-pick" title={d.word("ui.stamps_help")}>{d.word("ui.stamps")}
                <select ref={stamps_ref} data-testid="stamps" onchange={set_stamps}>
                    { for Stamps::ALL.iter().map(|&x| html! { <option value={x.encode()} selected={x == state.stamps}>{d.word(super::state::stamps_word(x))}</option> }) }
                </select>
            </label>
            if model.converse_button {
                <button class={classes!("small", state.converse.then_some("on"))} onclick={toggle(|| Action::ToggleConverse)} title={d.word("ui.converse_help")} data-action="converse">{d.word("ui.converse")}</button>
            }
            <button class={classes!("small", model.cutting.then_some("on"))} onclick={toggle(|| Action::ToggleCut)} title={d.word("ui.cut_help")} data-action="cut">{d.word("ui.cut_draw")}</button>
            <button class="small" onclick={zoom(-1)} title={d.word("ui.zoom_in")} data-action="zoom-in">{"+"}</button>
            <button class="small" onclick={zoom(1)} title={d.word("ui.zoom_out")} data-action="zoom-out">{"−"}</button>
        </div>
    }
}

/// How to read and use the diagram: one line under it, so the picture keeps its height
/// (the whole text is the line's tooltip).
fn hints(model: &Diagram) -> Html {
    html! {
        <div class="timeline-hints hint" title={model.hints.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n")}>
            { for model.hints.iter().map(|(id, t)| html! { <span class={classes!(id.is_some().then_some("notice"))} data-testid={id.map(str::to_string)}>{t.clone()}</span> }) }
        </div>
    }
}

fn ticks(model: &Diagram) -> Html {
    model
        .ticks
        .iter()
        .map(|tick| {
            html! {
                <g class="tick"><line x1={tick.x.to_string()} y1={(TOP - 8.0).to_string()} x2={tick.x.to_string()} y2={(model.height - 10.0).to_string()} />
                if tick.labelled { <text x={tick.x.to_string()} y={model.tick_y.to_string()}>{tick.time}</text> }</g>
            }
        })
        .collect()
}

fn rows(model: &Diagram) -> Html {
    let x1 = model.axes.frame.x1;
    model
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = row.y;
            html! {
                <g class="row">
                    <text class="row-label" x="6" y={(y + 5.0).to_string()} style={format!("font-size:{:.0}px", model.row_font)}>{format!("n{i}")}</text>
                    <line class="row-line" x1={LEFT.to_string()} y1={y.to_string()} x2={x1.to_string()} y2={y.to_string()} />
                    { for row.down.iter().map(|&(a, b)| html! { <line class="row-down" x1={a.to_string()} y1={y.to_string()} x2={b.to_string()} y2={y.to_string()} /> }) }
                </g>
            }
        })
        .collect()
}

fn message(m: &MessageLine) -> Html {
    let (from, to) = (m.from, m.to);
    html! {
        <g class={classes!("tl-msg", m.class, format!("kind-{}", kind_slot(m.kind)), m.token.then_some("token-msg"), m.lit, m.ghost.then_some("ghost"), m.crossing.then_some("crossing"), m.in_transit.then_some("in-transit"))}
           data-msg={m.id.to_string()} data-kind={m.kind} data-from={m.from_node.to_string()} data-to={m.to_node.to_string()}>
            <line x1={from.x.to_string()} y1={from.y.to_string()} x2={to.x.to_string()} y2={to.y.to_string()} />
            if m.cross { <text class="tl-cross" x={to.x.to_string()} y={(to.y + 5.0).to_string()}>{"✕"}</text> }
        </g>
    }
}

/// An event's dot, its stamps and milestones; a click selects it (shift: compares it), or
/// while drawing a cut puts the cut right after it.
fn event(state: &AppHandle, e: &EventDot, dense: bool, cutting: bool) -> Html {
    let onclick = {
        let d = state.dispatcher();
        let (id, node, time) = (e.id, e.node, e.time);
        Callback::from(move |ev: MouseEvent| {
            ev.stop_propagation();
            d.dispatch(if cutting {
                Action::CutPoint(node, time)
            } else if ev.shift_key() {
                Action::Compare(id)
            } else {
                Action::FocusEvent(id)
            });
        })
    };
    let (x, y) = (e.at.x.to_string(), e.at.y.to_string());
    let word = |(p, a): (super::layout::Point, super::layout::Anchor), class: &'static str, text: String| {
        html! { <text class={class} x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)} style={format!("text-anchor:{}", a.css())}>{text}</text> }
    };
    // Milestones with words of their own are shown; the rest are bookkeeping for monitors
    // and metrics (a clock reading, "served").
    let marked = !e.marks.is_empty();
    html! {
        <g class={classes!("tl-event", e.class, e.relation, e.selected.then_some("selected"), e.compared.then_some("compared"), marked.then_some("marked"), e.ghost.then_some("ghost"))}
           onclick={onclick} data-event={e.id.to_string()}>
            <title>{e.title.clone()}</title>
            <circle class="hit" cx={x.clone()} cy={y.clone()} r="11" />
            if marked { <circle class="mark-ring" cx={x.clone()} cy={y.clone()} r="10" /> }
            <circle class="dot" cx={x} cy={y} r={if dense { "3.5" } else { "5.5" }} />
            { for e.stamp_at.map(|spot| word(spot, "stamp", e.lamport.to_string())) }
            { for e.vector_at.clone().map(|(spot, v)| word(spot, "vstamp", v)) }
            { for e.mark_at.map(|spot| word(spot, "mark-label", e.marks.clone())) }
        </g>
    }
}

fn violations(model: &Diagram) -> Html {
    model
        .violations
        .iter()
        .map(|v| {
            let x = v.x.to_string();
            html! { <g class="tl-violation"><title>{v.title.clone()}</title><line x1={x.clone()} y1={(TOP - 6.0).to_string()} x2={x.clone()} y2={(model.height - 10.0).to_string()} />if v.warn { <text x={x} y={(TOP - 2.0).to_string()}>{"⚠"}</text> }</g> }
        })
        .collect()
}

/// Events ringed together (the protocol's, the converse pair), named where there is room.
fn marked(model: &Diagram) -> Html {
    model
        .marked
        .iter()
        .map(|m| {
            let line: Vec<String> = m.points.iter().map(|p| format!("{:.1},{:.1}", p.x, p.y)).collect();
            html! {
                <g class={classes!("tl-marked", m.alarm.then_some("alarm"))} data-overlay="events" data-source={m.source} data-events={m.ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")}>
                    <title>{m.words.clone()}</title>
                    if m.points.len() > 1 { <polyline points={line.join(" ")} /> }
                    { for m.points.iter().map(|p| html! { <circle cx={format!("{:.1}", p.x)} cy={format!("{:.1}", p.y)} r="14" /> }) }
                    if let Some(at) = m.label_at { <text x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)}>{m.words.clone()}</text> }
                </g>
            }
        })
        .collect()
}

/// The protocol's cuts, then the one the viewer is drawing.
fn cuts(model: &Diagram) -> Html {
    let theirs = model.cuts.iter().map(|c| {
        html! {
            <g class={classes!("tl-cut", c.alarm.then_some("alarm"))} data-overlay="cut">
                <title>{c.words.clone()}</title>
                <polyline points={c.points.clone()} />
                if let Some(p) = c.label_at { <text x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)}>{c.words.clone()}</text> }
            </g>
        }
    });
    let mine = model.user_cut.as_ref().map(|c| {
        let points: Vec<String> = c.points.iter().map(|(_, p)| format!("{:.1},{:.1}", p.x, p.y)).collect();
        html! {
            <g class={classes!("user-cut", c.class)} data-testid="user-cut">
                if points.len() > 1 { <polyline points={points.join(" ")} /> }
                { for c.points.iter().map(|&(k, p)| html! { <circle class="cut-point" data-row={k.to_string()} cx={format!("{:.1}", p.x)} cy={format!("{:.1}", p.y)} r="6" /> }) }
            </g>
        }
    });
    html! { <>{ for theirs }{ for mine }</> }
}

/// The hand on the diagram: a press on a line starts a message (or places the cut), a
/// release on another line sends it, a release where it started is a local event.
struct Gestures {
    state: AppHandle,
    svg: NodeRef,
    drag: UseStateHandle<Drag>,
    held: Rc<std::cell::RefCell<Option<(NodeId, f64, f64)>>>,
    swallow: Rc<std::cell::RefCell<bool>>,
    axes: Axes,
    hands: Rc<Vec<Hand>>,
}

/// The pointer in the diagram's own pixels.
fn pointer(svg: &NodeRef, e: &MouseEvent) -> (f64, f64) {
    match svg.cast::<web_sys::Element>() {
        Some(el) => {
            let r = el.get_bounding_client_rect();
            (e.client_x() as f64 - r.left(), e.client_y() as f64 - r.top())
        }
        None => (e.offset_x() as f64, e.offset_y() as f64),
    }
}

impl Gestures {
    fn row_hit(&self, d: &Dictionary, hit: &RowHit) -> Html {
        let i = hit.node;
        let cutting = self.state.cut.is_some();
        let onmousedown = {
            let (d, drag, swallow, svg, held, axes) = (self.state.dispatcher(), self.drag.clone(), self.swallow.clone(), self.svg.clone(), self.held.clone(), self.axes);
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                let (x, y) = pointer(&svg, &e);
                if cutting {
                    *swallow.borrow_mut() = true;
                    let (node, t) = axes.cut_point(i, x);
                    d.dispatch(Action::CutPoint(node, t));
                } else {
                    *held.borrow_mut() = Some((i, x, y));
                    drag.set(Some((i, x, y, x, y)));
                }
            })
        };
        html! {
            <rect class={classes!("row-hit", cutting.then_some("cutting"))} data-row={i.to_string()} x={LEFT.to_string()} y={hit.y.to_string()}
                  width={hit.width.to_string()} height={hit.height.to_string()} {onmousedown}><title>{d.word(hit.title)}</title></rect>
        }
    }

    fn on_move(&self) -> Callback<MouseEvent> {
        let (drag, svg, held) = (self.drag.clone(), self.svg.clone(), self.held.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some((from, x0, y0)) = *held.borrow() {
                let (x, y) = pointer(&svg, &e);
                drag.set(Some((from, x0, y0, x, y)));
            }
        })
    }

    fn on_release(&self) -> Callback<MouseEvent> {
        let (d, drag, swallow, svg, held, axes, hands) = (self.state.dispatcher(), self.drag.clone(), self.swallow.clone(), self.svg.clone(), self.held.clone(), self.axes, self.hands.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((from, x0, y0)) = held.borrow_mut().take() else { return };
            drag.set(None);
            *swallow.borrow_mut() = true;
            if let Some(act) = axes.release(&hands, from, (x0, y0), pointer(&svg, &e)) {
                d.dispatch(Action::Act(act));
            }
        })
    }

    fn on_leave(&self) -> Callback<MouseEvent> {
        let (drag, held) = (self.drag.clone(), self.held.clone());
        Callback::from(move |_: MouseEvent| {
            if held.borrow_mut().take().is_some() {
                drag.set(None);
            }
        })
    }
}
