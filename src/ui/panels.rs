//! The panels under the pictures: the banner (problems, notices, the lesson's text), the
//! inspector, the monitors (invariants and metrics), the network panel and the event log.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, AppHandle, Selection};
use super::text;
use crate::sim::act::parse_range;
use crate::sim::network::{format_percent, parse_percent};
use crate::sim::{Act, NetworkConfig};

const LOG_LINES: usize = 120;

#[function_component(Banner)]
pub fn banner() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let dismiss = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::DismissProblems))
    };
    let clear_notice = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::Notice(None)))
    };
    html! {
        <>
            if !state.problems.is_empty() {
                <div class="banner problems" role="alert" data-testid="problems">
                    <b>{"Part of this link could not be used (the rest is as linked):"}</b>
                    <ul>{ for state.problems.iter().map(|p| html! { <li>{p}</li> }) }</ul>
                    <button class="small" onclick={dismiss}>{"dismiss"}</button>
                </div>
            }
            if let Some(notice) = &state.notice {
                <div class="banner notice" role="status" data-testid="notice" onclick={clear_notice}>{notice}</div>
            }
            <div class="banner lesson">
                if let Some((title, explanation)) = &state.lesson {
                    <b>{title}{". "}</b>{explanation}
                } else {
                    <b>{state.info.name}{". "}</b>{state.info.summary}
                }
            </div>
        </>
    }
}

#[function_component(Inspector)]
pub fn inspector() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let h = state.history.borrow();
    let sim = h.sim();
    let body = match state.selected {
        Selection::Node(i) if i < sim.setup().n => {
            let v = &sim.node_views()[i];
            let up = sim.up()[i];
            let timers = sim.timers().into_iter().filter(|t| t.node == i).collect::<Vec<_>>();
            let clocks = sim.trace().node_events(i).last().map(|e| (e.lamport, e.vector.clone()));
            html! {
                <>
                    <h3>{format!("Node {i}")}<span class="role">{ if up { v.role } else { "crashed" } }</span></h3>
                    <table class="kv">
                        { for v.details.iter().map(|(k, val)| html! { <tr><th>{k}</th><td>{val}</td></tr> }) }
                        if let Some((lamport, vector)) = clocks {
                            <tr><th>{"Lamport clock"}</th><td>{lamport}</td></tr>
                            if let Some(vector) = vector { <tr><th>{"vector clock"}</th><td>{text::vector(&vector)}</td></tr> }
                        }
                        { for timers.iter().map(|t| html! { <tr><th>{"timer"}</th><td>{format!("{} at t={}", t.label, t.due)}</td></tr> }) }
                    </table>
                </>
            }
        }
        Selection::Message(id) => match sim.flights().into_iter().find(|f| f.id == id) {
            Some(f) => html! {
                <>
                    <h3>{format!("Message {id}: {}", f.kind)}</h3>
                    <table class="kv">
                        <tr><th>{"from → to"}</th><td>{format!("{} → {}", f.from, f.to)}</td></tr>
                        <tr><th>{"content"}</th><td>{f.text.clone()}</td></tr>
                        <tr><th>{"sent at"}</th><td>{f.sent_at}</td></tr>
                        <tr><th>{ if f.lost.is_some() { "dies at" } else { "arrives at" } }</th><td>{f.due}</td></tr>
                    </table>
                </>
            },
            None => html! { <p class="hint">{"That message is no longer in flight."}</p> },
        },
        Selection::Event(id) => match h.known_trace().events.get(id) {
            Some(e) => html! {
                <>
                    <h3>{format!("Event {id}")}</h3>
                    <p>{text::describe(h.known_trace(), e)}</p>
                    <table class="kv">
                        <tr><th>{"time / step"}</th><td>{format!("t={} · step {}", e.time, e.step)}</td></tr>
                        <tr><th>{"Lamport"}</th><td>{e.lamport}</td></tr>
                        if let Some(v) = &e.vector { <tr><th>{"vector"}</th><td>{text::vector(v)}</td></tr> }
                        <tr><th>{"transit chain"}</th><td>{e.hops}</td></tr>
                    </table>
                </>
            },
            None => html! {},
        },
        Selection::Link(a, b) => html! { <h3>{format!("Link {a} – {b}")}</h3> },
        _ => html! { <p class="hint">{"Click a node, a message or a link to inspect it and to break it: crash, drop, delay, duplicate, cut."}</p> },
    };
    html! { <section class="panel inspector" data-testid="inspector"><h2>{"Inspector"}</h2>{body}</section> }
}

#[function_component(Monitors)]
pub fn monitors() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let h = state.history.borrow();
    let sim = h.sim();
    let invariants = sim.invariants();
    let metrics = sim.metrics();
    let c = sim.counters();
    let violations = &sim.trace().violations;
    let seek = |event: usize| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::SelectEvent(event)))
    };
    html! {
        <section class="panel monitors" data-testid="monitors">
            <h2>{"Invariants"}</h2>
            <ul class="invariants">
                { for invariants.iter().map(|i| html! {
                    <li class={if i.breach.is_some() { "bad" } else { "ok" }} title={i.description} data-invariant={i.name}>
                        <span class="mark">{ if i.breach.is_some() { "✗" } else { "✓" } }</span>
                        <b>{i.name}</b>
                        if let Some(b) = &i.breach { <div class="detail">{b}</div> }
                    </li>
                }) }
            </ul>
            if !violations.is_empty() {
                <div class="violations" data-testid="violations">
                    <b>{format!("{} violation{} in this run", violations.len(), if violations.len() == 1 { "" } else { "s" })}</b>
                    <ul>{ for violations.iter().map(|v| html! {
                        <li><a href="javascript:void(0)" onclick={seek(v.event)}>{format!("step {} · t={}", v.step, v.time)}</a>{format!(" {}: {}", v.invariant, v.detail)}</li>
                    }) }</ul>
                </div>
            }
            <h2>{"Costs: measured vs textbook"}</h2>
            <table class="metrics" data-testid="metrics">
                <tr><th>{"metric"}</th><th>{"measured"}</th><th>{"textbook"}</th></tr>
                { for metrics.iter().map(|m| {
                    let verdict = match text::agrees(m) { Some(true) => "agree", Some(false) => "differ", None => "" };
                    html! {
                        <tr class={verdict} data-metric={m.name}>
                            <td>{m.name}</td>
                            <td class="num">{ m.measured.map_or("–".to_string(), text::figure) }</td>
                            <td>{text::textbook(m)}</td>
                        </tr>
                    }
                }) }
                <tr><td>{"messages sent / delivered"}</td><td class="num" data-testid="sent">{format!("{} / {}", c.sent, c.delivered)}</td><td>{ c.by_kind.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ") }</td></tr>
                <tr><td>{"dropped / duplicated"}</td><td class="num" data-testid="dropped">{format!("{} / {}", c.dropped, c.duplicated)}</td><td /></tr>
            </table>
        </section>
    }
}

fn field_value(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| if i.type_() == "checkbox" { i.checked().to_string() } else { i.value() }).unwrap_or_default()
}

#[function_component(NetworkPanel)]
pub fn network_panel() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let form = use_node_ref();
    let h = state.history.borrow();
    let net = h.sim().network();
    let c = net.config.clone();
    let partitioned = net.groups.is_some() || net.links.values().any(|l| l.cut);
    let n = h.sim().setup().n;
    drop(h);

    let apply = {
        let d = state.dispatcher();
        let form = form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(root) = form.cast::<web_sys::Element>() else { return };
            let delay = field_value(&root, "[name=delay]");
            let drop = field_value(&root, "[name=drop]");
            let dup = field_value(&root, "[name=dup]");
            let fifo = field_value(&root, "[name=fifo]") == "true";
            let problems: Vec<String> = [
                parse_range(&delay).is_none().then(|| format!("delay '{delay}': expected MIN-MAX ticks, e.g. 40-80")),
                parse_percent(&drop).is_none().then(|| format!("drop '{drop}': expected a percentage from 0 to 100")),
                parse_percent(&dup).is_none().then(|| format!("duplicate '{dup}': expected a percentage from 0 to 100")),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !problems.is_empty() {
                d.dispatch(Action::Notice(Some(problems.join("; "))));
                return;
            }
            let (lo, hi) = parse_range(&delay).expect("checked");
            let config = NetworkConfig { delay_min: lo, delay_max: hi, drop: parse_percent(&drop).expect("checked"), duplicate: parse_percent(&dup).expect("checked"), fifo };
            d.dispatch(Action::Act(Act::Network(config)));
        })
    };
    let partition = {
        let d = state.dispatcher();
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(root) = form.cast::<web_sys::Element>() else { return };
            let text = field_value(&root, "[name=groups]");
            match Act::parse(&format!("partition:{}", text.trim())) {
                Ok(act) if act.nodes().iter().all(|&x| x < n) => d.dispatch(Action::Act(act)),
                _ => d.dispatch(Action::Notice(Some(format!("partition '{text}': write groups of node ids joined by '.', separated by '/', e.g. 0.1.2/3.4 (nodes 0 to {})", n - 1)))),
            }
        })
    };
    let heal = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::Act(Act::Heal)))
    };
    let half = (0..n / 2).map(|i| i.to_string()).collect::<Vec<_>>().join(".");
    let rest = (n / 2..n).map(|i| i.to_string()).collect::<Vec<_>>().join(".");
    // Keyed on the settings, so the form shows new values after a change (or a seek)
    // but never wipes what someone is typing while the run plays.
    let key = format!("{}-{}-{}-{}-{}-{partitioned}", c.delay_min, c.delay_max, c.drop, c.duplicate, c.fifo);
    html! {
        <section class="panel network" data-testid="network">
            <h2>{"Network"}</h2>
            <form ref={form} onsubmit={apply} key={key}>
                <label class="field"><span>{"delay (ticks)"}</span><input name="delay" value={format!("{}-{}", c.delay_min, c.delay_max)} size="7" /></label>
                <label class="field"><span>{"drop %"}</span><input name="drop" value={format_percent(c.drop)} size="4" /></label>
                <label class="field"><span>{"duplicate %"}</span><input name="dup" value={format_percent(c.duplicate)} size="4" /></label>
                <label class="field check"><input type="checkbox" name="fifo" checked={c.fifo} /><span>{"FIFO links"}</span></label>
                <button type="submit">{"Apply from now"}</button>
                <div class="row">
                    <label class="field"><span>{"partition"}</span><input name="groups" value={format!("{half}/{rest}")} size="12" /></label>
                    <button type="button" class="danger" onclick={partition}>{"Split"}</button>
                    <button type="button" onclick={heal} disabled={!partitioned}>{"Heal"}</button>
                </div>
            </form>
        </section>
    }
}

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let h = state.history.borrow();
    let trace = h.sim().trace();
    let from = trace.events.len().saturating_sub(LOG_LINES);
    let lines = trace.events[from..].iter().rev().map(|e| {
        let d = state.dispatcher();
        let id = e.id;
        let selected = state.selected == Selection::Event(id);
        html! {
            <li class={classes!(selected.then_some("selected"), (!e.marks.is_empty()).then_some("marked"))} onclick={Callback::from(move |_| d.dispatch(Action::SelectEvent(id)))}>
                <span class="t">{format!("t={}", e.time)}</span>
                <span class="l">{format!("L{}", e.lamport)}</span>
                {text::describe(trace, e)}
            </li>
        }
    });
    html! {
        <section class="panel log" data-testid="log">
            <h2>{format!("Event log ({} events, newest first)", trace.events.len())}</h2>
            <ol>{ for lines }</ol>
        </section>
    }
}
