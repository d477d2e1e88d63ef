//! The panels under the pictures: the banner (problems, notices, the lesson's text), the
//! inspector, the monitors (invariants and metrics), the network panel and the event log.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, AppHandle, Selection};
use super::text;
use crate::phrase;
use crate::sim::act::parse_range;
use crate::sim::network::{format_percent, parse_percent};
use crate::sim::{Act, NetworkConfig};
use crate::words::Text;

const LOG_LINES: usize = 120;
/// The violations list shows the latest ones; the count says how many there are.
const VIOLATIONS_SHOWN: usize = 20;

#[function_component(Banner)]
pub fn banner() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let dismiss = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::DismissProblems))
    };
    let clear_notice = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::Notice(None)))
    };
    // In presenter mode the explanation is one line, read in full on a click (over the
    // pictures, so nothing moves).
    let expanded_state = use_state(|| false);
    let expanded = *expanded_state;
    let present = state.presenting();
    let toggle = Callback::from(move |_: MouseEvent| expanded_state.set(!expanded));
    // The viewer's own interventions, after the lesson's title.
    let extra: Vec<String> = {
        let h = state.history.borrow();
        h.acts().iter().skip(state.lesson_acts).map(|a| d.render(&crate::phrase!("ui.act_at", act_words(&d, &a.act), a.step))).collect()
    };
    let about = html! {
        if let Some(id) = state.lesson {
            <b data-testid="lesson-title">{d.id("scenario", id)}{ for extra.iter().map(|a| format!(" + {a}")) }{d.word("ui.sentence_end")}</b>{d.word(&format!("scenario.{id}.about"))}
        } else {
            <b>{d.word("name")}{d.word("ui.sentence_end")}</b>{d.word("summary")}
        }
    };
    html! {
        <>
            if !state.problems.is_empty() {
                <div class="banner problems" role="alert" data-testid="problems">
                    <b>{d.word("ui.problems")}</b>
                    <ul>{ for state.problems.iter().map(|p| html! { <li>{d.render(p)}</li> }) }</ul>
                    <button class="small" onclick={dismiss}>{d.word("ui.dismiss")}</button>
                </div>
            }
            if let Some(notice) = &state.notice {
                <div class="banner notice" role="status" data-testid="notice" onclick={clear_notice}>{d.render(notice)}</div>
            }
            if present {
                <div class="lesson-slot">
                    <div class={classes!("banner", "lesson", "one-line", expanded.then_some("expanded"))} data-testid="lesson" onclick={toggle} title={d.word("ui.expand_help")} aria-expanded={expanded.to_string()}>
                        <div class="about">{about.clone()}</div>
                    </div>
                </div>
            } else {
                // On a short screen (1280x720) two lines, the rest a click away: the
                // picture gets the height.
                <div class={classes!("banner", "lesson", "clamp", expanded.then_some("expanded"))} data-testid="lesson" onclick={toggle} title={d.word("ui.expand_help")} aria-expanded={expanded.to_string()}>
                    <div class="about">{about.clone()}</div>
                </div>
            }
        </>
    }
}

#[function_component(Inspector)]
pub fn inspector() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let h = state.history.borrow();
    let sim = h.sim();
    let body = match state.selected {
        Selection::Node(i) if i < sim.setup().n => {
            let v = &sim.node_views()[i];
            let up = sim.up()[i];
            let absent = sim.absent()[i];
            let role = if absent { d.id("role", "absent") } else if up { d.id("role", v.role) } else { d.id("role", "crashed") };
            let timers = sim.timers().into_iter().filter(|t| t.node == i).collect::<Vec<_>>();
            // The node's latest event carries its clocks; walking back from the end stops
            // at the first event of the node (its line is never far behind while it runs).
            let trace = sim.trace();
            let last = trace.events().iter().rev().take(4096).find(|e| e.node == Some(i));
            html! {
                <>
                    <h3>{d.render(&phrase!("ui.node_title", i))}<span class="role">{role}</span></h3>
                    <table class="kv">
                        { for v.details.iter().map(|(k, val)| html! { <tr><th>{d.id("detail", k)}</th><td>{d.render(val)}</td></tr> }) }
                        if let Some(e) = last {
                            <tr><th>{d.word("ui.lamport")}</th><td>{e.lamport}</td></tr>
                            if let Some(vector) = trace.vector(e.id) { <tr><th>{d.word("ui.vector")}</th><td>{text::vector(vector)}</td></tr> }
                        }
                        { for timers.iter().map(|t| html! { <tr><th>{d.word("ui.timer")}</th><td>{d.render(&phrase!("ui.timer_at", Text::Id("timer", t.timer), t.due))}</td></tr> }) }
                    </table>
                    { for v.rows.iter().map(|row| html! {
                        <div class="cells" data-row={row.label}>
                            <span class="cells-label">{d.id("detail", row.label)}</span>
                            { for row.cells.iter().enumerate().map(|(k, c)| html! {
                                <span class={classes!("cell", format!("shade-{}", c.shade % 6), row.marked_upto.is_some_and(|m| k < m).then_some("marked"))}>{c.text.clone()}</span>
                            }) }
                        </div>
                    }) }
                    if let Some(table) = &v.table {
                        <table class="kv small" data-testid="node-table">
                            <tr>{ for table.columns.iter().map(|c| html! { <th>{d.id("detail", c)}</th> }) }</tr>
                            { for table.rows.iter().map(|r| html! { <tr>{ for r.iter().map(|x| html! { <td>{d.render(x)}</td> }) }</tr> }) }
                        </table>
                    }
                </>
            }
        }
        Selection::Message(id) => match sim.flights().into_iter().find(|f| f.id == id) {
            Some(f) => html! {
                <>
                    <h3>{d.render(&phrase!("ui.message_title", id, Text::Id("msg", f.kind)))}</h3>
                    <table class="kv">
                        <tr><th>{d.word("ui.from_to")}</th><td>{format!("{} → {}", f.from, f.to)}</td></tr>
                        <tr><th>{d.word("ui.content")}</th><td>{f.text.clone()}</td></tr>
                        <tr><th>{d.word("ui.sent_at")}</th><td>{f.sent_at}</td></tr>
                        <tr><th>{ if f.lost.is_some() { d.word("ui.dies_at") } else { d.word("ui.arrives_at") } }</th><td>{f.due}</td></tr>
                    </table>
                </>
            },
            None => html! { <p class="hint">{d.word("ui.message_gone")}</p> },
        },
        Selection::Event(id) => match h.known_trace().known_events().get(id) {
            Some(e) => {
                let trace = h.known_trace();
                html! {
                    <>
                        <h3>{d.render(&phrase!("ui.event_title", id))}</h3>
                        <p>{d.render(&text::describe(trace, e))}</p>
                        <table class="kv">
                            <tr><th>{d.word("ui.time_step")}</th><td>{format!("t={} · {} {}", e.time, d.word("ui.step"), e.step)}</td></tr>
                            <tr><th>{d.word("ui.lamport")}</th><td>{e.lamport}</td></tr>
                            if let Some(v) = trace.vector(e.id) { <tr><th>{d.word("ui.vector")}</th><td>{text::vector(v)}</td></tr> }
                            <tr><th>{d.word("ui.transit_chain")}</th><td>{e.hops}</td></tr>
                        </table>
                    </>
                }
            }
            None => html! {},
        },
        Selection::Link(a, b) => html! { <h3>{d.render(&phrase!("ui.link_title", a, b))}</h3> },
        _ => html! { <p class="hint">{d.word("ui.inspector_hint")}</p> },
    };
    html! { <section class="panel inspector" data-testid="inspector"><h2>{d.word("ui.inspector")}</h2>{body}</section> }
}

#[function_component(Monitors)]
pub fn monitors() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let h = state.history.borrow();
    let sim = h.sim();
    let invariants = sim.invariants();
    let metrics = sim.metrics();
    let c = sim.counters();
    let violations = sim.trace().violations();
    let seek = |event: usize| {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SelectEvent(event)))
    };
    let present = state.presenting();
    let by_kind = c.by_kind.iter().map(|(k, v)| format!("{} {v}", d.id("msg", k))).collect::<Vec<_>>().join(", ");
    let count = if violations.len() == 1 { d.word("ui.one_violation") } else { d.render(&phrase!("ui.violations", violations.len())) };
    html! {
        <section class="panel monitors" data-testid="monitors">
            <h2>{d.word("ui.invariants")}</h2>
            <ul class="invariants">
                { for invariants.iter().map(|i| html! {
                    <li class={classes!(if i.breach.is_some() { "bad" } else { "ok" }, (!i.promised).then_some("unpromised"))} title={d.word(&format!("inv.{}.about", i.id))} data-invariant={i.id}>
                        <span class="mark">{ if i.breach.is_some() { "✗" } else { "✓" } }</span>
                        <b>{d.id("inv", i.id)}</b>
                        if !i.promised { <span class="tag" data-testid="unpromised">{d.word("ui.not_promised")}</span> }
                        if let Some(b) = &i.breach { <div class="detail">{d.render(b)}</div> }
                    </li>
                }) }
            </ul>
            if !violations.is_empty() {
                <div class="violations" data-testid="violations">
                    <b>{count}</b>
                    <ul>{ for violations.iter().rev().take(VIOLATIONS_SHOWN).rev().map(|v| html! {
                        <li data-violation={v.invariant}>
                            <a href="javascript:void(0)" onclick={seek(v.event)}>{format!("{} {} · t={}", d.word("ui.step"), v.step, v.time)}</a>
                            {format!(" {}: {}", d.id("inv", v.invariant), d.render(&v.detail))}
                        </li>
                    }) }</ul>
                </div>
            }
            <h2>{d.word("ui.costs")}</h2>
            <table class="metrics" data-testid="metrics">
                <tr><th>{d.word("ui.metric")}</th><th>{d.word("ui.measured")}</th><th>{d.word("ui.textbook")}</th></tr>
                { for metrics.iter().map(|m| {
                    let verdict = match text::agrees(m) { Some(true) => "agree", Some(false) => "differ", None => "" };
                    let textbook = text::textbook(&d, m);
                    // In presenter mode the formula alone ("2(N-1) = 8"); its words are the
                    // cell's tooltip.
                    let shown = if present { super::layout::formula_only(&textbook) } else { textbook.clone() };
                    html! {
                        <tr class={verdict} data-metric={m.id}>
                            <td>{d.id("metric", m.id)}</td>
                            <td class="num">{ m.measured.map_or("–".to_string(), text::figure) }</td>
                            <td title={(shown != textbook).then_some(textbook.clone())}>{shown}</td>
                        </tr>
                    }
                }) }
                <tr><td>{d.word("ui.sent_delivered")}</td><td class="num" data-testid="sent">{format!("{} / {}", c.sent, c.delivered)}</td><td title={present.then(|| by_kind.clone())}>{ if present { String::new() } else { by_kind.clone() } }</td></tr>
                <tr><td>{d.word("ui.dropped_duplicated")}</td><td class="num" data-testid="dropped">{format!("{} / {}", c.dropped, c.duplicated)}</td><td /></tr>
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
    let d = state.dict();
    let form = use_node_ref();
    let h = state.history.borrow();
    let net = h.sim().network();
    let c = net.config.clone();
    let partitioned = net.groups.is_some() || net.links.values().any(|l| l.cut);
    let n = h.sim().setup().n;
    drop(h);

    let apply = {
        let dispatch = state.dispatcher();
        let form = form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(root) = form.cast::<web_sys::Element>() else { return };
            let delay = field_value(&root, "[name=delay]");
            let drop = field_value(&root, "[name=drop]");
            let dup = field_value(&root, "[name=dup]");
            let fifo = field_value(&root, "[name=fifo]") == "true";
            let problems: Vec<Text> = [
                parse_range(&delay).is_none().then(|| phrase!("ui.bad_delay", delay.clone())),
                parse_percent(&drop).is_none().then(|| phrase!("ui.bad_percent", Text::key("ui.drop"), drop.clone())),
                parse_percent(&dup).is_none().then(|| phrase!("ui.bad_percent", Text::key("ui.duplicate"), dup.clone())),
            ]
            .into_iter()
            .flatten()
            .collect();
            if let Some(first) = problems.into_iter().reduce(|a, b| phrase!("list", a, b)) {
                dispatch.dispatch(Action::Notice(Some(first)));
                return;
            }
            let (lo, hi) = parse_range(&delay).expect("checked");
            let config = NetworkConfig { delay_min: lo, delay_max: hi, drop: parse_percent(&drop).expect("checked"), duplicate: parse_percent(&dup).expect("checked"), fifo };
            dispatch.dispatch(Action::Act(Act::Network(config)));
        })
    };
    let partition = {
        let dispatch = state.dispatcher();
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(root) = form.cast::<web_sys::Element>() else { return };
            let text = field_value(&root, "[name=groups]");
            match Act::parse(&format!("partition:{}", text.trim())) {
                Ok(act) if act.nodes().iter().all(|&x| x < n) => dispatch.dispatch(Action::Act(act)),
                _ => dispatch.dispatch(Action::Notice(Some(phrase!("ui.bad_partition", text.clone(), n - 1)))),
            }
        })
    };
    let heal = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Act(Act::Heal)))
    };
    let half = (0..n / 2).map(|i| i.to_string()).collect::<Vec<_>>().join(".");
    let rest = (n / 2..n).map(|i| i.to_string()).collect::<Vec<_>>().join(".");
    // Keyed on the settings, so the form shows new values after a change (or a seek)
    // but never wipes what someone is typing while the run plays.
    let key = format!("{}-{}-{}-{}-{}-{partitioned}", c.delay_min, c.delay_max, c.drop, c.duplicate, c.fifo);
    html! {
        <section class="panel network" data-testid="network">
            <h2>{d.word("ui.network")}</h2>
            <form ref={form} onsubmit={apply} key={key}>
                <label class="field"><span>{d.word("ui.delay_ticks")}</span><input name="delay" value={format!("{}-{}", c.delay_min, c.delay_max)} size="7" /></label>
                <label class="field"><span>{d.word("ui.drop_percent")}</span><input name="drop" value={format_percent(c.drop)} size="4" /></label>
                <label class="field"><span>{d.word("ui.duplicate_percent")}</span><input name="dup" value={format_percent(c.duplicate)} size="4" /></label>
                <label class="field check"><input type="checkbox" name="fifo" checked={c.fifo} /><span>{d.word("ui.fifo")}</span></label>
                <button type="submit">{d.word("ui.apply_now")}</button>
                <div class="row">
                    <label class="field"><span>{d.word("ui.partition")}</span><input name="groups" value={format!("{half}/{rest}")} size="12" /></label>
                    <button type="button" class="danger" onclick={partition}>{d.word("ui.split")}</button>
                    <button type="button" onclick={heal} disabled={!partitioned}>{d.word("ui.heal")}</button>
                </div>
            </form>
        </section>
    }
}

#[function_component(EventLog)]
pub fn event_log() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let h = state.history.borrow();
    let trace = h.sim().trace();
    let from = trace.events().len().saturating_sub(LOG_LINES);
    let lines = trace.events()[from..].iter().rev().map(|e| {
        let dispatch = state.dispatcher();
        let id = e.id;
        let selected = state.selected == Selection::Event(id);
        html! {
            <li class={classes!(selected.then_some("selected"), trace.has_marks(id).then_some("marked"))} onclick={Callback::from(move |_| dispatch.dispatch(Action::SelectEvent(id)))}>
                <span class="t">{format!("t={}", e.time)}</span>
                <span class="l">{format!("L{}", e.lamport)}</span>
                {d.render(&text::describe(trace, e))}
            </li>
        }
    });
    html! {
        <section class="panel log" data-testid="log">
            <h2>{d.render(&phrase!("ui.log_title", trace.events().len()))}</h2>
            <ol>{ for lines }</ol>
        </section>
    }
}

/// The lecture's summary slide: this run's workload (N, seed, request rate, stay in the CS)
/// through every algorithm of the family, side by side, counted from the runs.
#[function_component(Compare)]
pub fn compare() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let rows = use_state(|| None::<(String, Vec<crate::report::CompareRow>)>);
    let d = state.dict();
    let Some(workload) = state.info.workload.filter(|_| state.info.compared()) else { return html! {} };
    let s = &state.scenario;
    let int = |name: Option<&str>| name.and_then(|n| s.params.0.get(n)).and_then(|v| if let crate::sim::ParamValue::Int(i) = v { Some(*i) } else { None });
    let (every, hold) = (int(Some(workload.every_param)).filter(|&e| e > 0).unwrap_or(400), int(workload.hold_param).unwrap_or(100));
    let key = format!("{}-{}-{}-{every}-{hold}", state.info.family.id, s.n, s.seed);
    let run = {
        let rows = rows.clone();
        let (family, n, seed, key) = (state.info.family.id, s.n, s.seed, key.clone());
        Callback::from(move |_: MouseEvent| rows.set(Some((key.clone(), crate::report::compare(family, n, seed, every, hold, 20_000)))))
    };
    let table = match &*rows {
        Some((k, rows)) if *k == key => {
            let word = |id: &str| crate::words::Dictionary::for_protocol(state.lang, &crate::protocols::find(id).expect("listed").info(), super::words::UI);
            html! {
                <table class="metrics compare" data-testid="compare-table">
                    <tr>
                        <th>{d.word("ui.algorithm")}</th>
                        { for state.info.family.compare.iter().map(|id| html! { <th>{d.id("metric", id)}</th> }) }
                        <th>{d.word("ui.invariants")}</th>
                    </tr>
                    { for rows.iter().map(|r| {
                        let w = word(r.protocol);
                        html! {
                            <tr data-protocol={r.protocol} data-variant={r.variant.unwrap_or("")}>
                                <td>{w.word("name")}{ r.variant.map_or(String::new(), |v| format!(" (p.{v}={})", d.word("ui.on"))) }</td>
                                { for r.metrics.iter().map(|m| match m {
                                    Some(m) => html! { <td class="num" title={text::textbook(&w, m)}>{ m.measured.map_or("–".to_string(), text::figure) }<span class="formula">{format!(" ({})", text::textbook(&w, m))}</span></td> },
                                    None => html! { <td>{"–"}</td> },
                                }) }
                                <td class={if r.violations == 0 { "ok" } else { "bad" }}>{ if r.violations == 0 { "✓".to_string() } else { format!("✗ {}", r.violations) } }</td>
                            </tr>
                        }
                    }) }
                </table>
            }
        }
        _ => html! {},
    };
    html! {
        <section class="panel compare" data-testid="compare">
            <h2>{d.word("ui.compare")}</h2>
            <p class="hint">{d.render(&phrase!("ui.compare_help", s.n, s.seed, every, hold))}</p>
            <button onclick={run} data-action="compare">{d.word("ui.compare_run")}</button>
            {table}
        </section>
    }
}

/// An intervention in a few words ("crash n7").
fn act_words(d: &crate::words::Dictionary, act: &crate::sim::Act) -> String {
    use crate::phrase;
    use crate::sim::Act;
    let t = match act {
        Act::Crash(n) => phrase!("ui.act.crash", *n),
        Act::Recover(n) => phrase!("ui.act.recover", *n),
        Act::Input(n, i, _) => phrase!("ui.act.input", *n, d.id("input", i)),
        Act::Drop(m) => phrase!("ui.act.drop", *m),
        Act::Delay(m, _) => phrase!("ui.act.delay", *m),
        Act::Duplicate(m) => phrase!("ui.act.dup", *m),
        Act::Cut(a, b) => phrase!("ui.act.cut", *a, *b),
        Act::Restore(a, b) => phrase!("ui.act.restore", *a, *b),
        Act::Link(a, b, ..) => phrase!("ui.act.link", *a, *b),
        Act::Partition(_) => phrase!("ui.act.partition"),
        Act::Heal => phrase!("ui.act.heal"),
        Act::Network(_) | Act::Delays(None, _) => phrase!("ui.act.network"),
        Act::Delays(Some((a, b)), _) => phrase!("ui.act.link", *a, *b),
    };
    d.render(&t)
}
