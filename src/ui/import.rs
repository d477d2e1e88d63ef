//! Importing a ShiViz log (a student's own program, logged with GoVector or by hand) and
//! showing it as a time-space diagram.
//!
//! An imported log is a picture, not a run: nothing executes, so there is nothing to play,
//! step, break or share. The page shows it instead of the simulation, read-only, with a
//! button back; the simulation behind it is untouched. Hosts are the lines, in order of
//! first appearance; events sit in columns by the longest causal chain before them (so a
//! message always runs left to right and concurrent events may share a column); messages
//! are the ones the clocks imply (see `crate::shiviz`). Clicking an event lights its causal
//! past and future and shows its line of the log.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::hooks::use_box_size;
use super::state::AppHandle;
use crate::shiviz::{parse_shiviz, ImportedLog};

/// What the export menu reaches through context: open the import dialog.
#[derive(Clone, PartialEq)]
pub struct ImportHandle {
    pub open: Callback<()>,
}

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    pub on_show: Callback<Rc<ImportedLog>>,
    pub on_cancel: Callback<()>,
}

#[function_component(ImportDialog)]
pub fn import_dialog(props: &DialogProps) -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let w = state.dict();
    let text_ref = use_node_ref();
    let file_ref = use_node_ref();
    let problem = use_state(|| None::<crate::shiviz::Error>);
    let on_file = {
        let (text_ref, file_ref) = (text_ref.clone(), file_ref.clone());
        Callback::from(move |_: Event| {
            let (Some(file), Some(text)) = (file_ref.cast::<web_sys::Element>(), text_ref.cast::<web_sys::Element>()) else { return };
            let _ = super::export::call("read", &file.into(), &text.into(), &JsValue::NULL);
        })
    };
    let on_show = {
        let text_ref = text_ref.clone();
        let problem = problem.clone();
        let show = props.on_show.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(area) = text_ref.cast::<web_sys::Element>() else { return };
            let text = js_sys::Reflect::get(&area, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
            match parse_shiviz(&text) {
                Ok(log) => show.emit(Rc::new(log)),
                Err(e) => problem.set(Some(e)),
            }
        })
    };
    let cancel = {
        let c = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let example = "n0 starts\nn0 {\"n0\":1}\nn0 sends a request\nn0 {\"n0\":2}\nn1 receives the request\nn1 {\"n0\":2,\"n1\":1}";
    html! {
        <div class="import-dialog" role="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog">
            <div class="import-card">
                <h2 id="import-title">{w.word("ui.import_title")}</h2>
                <p class="hint">{w.word("ui.import_about")}</p>
                <p class="hint"><code>{crate::shiviz::SHIVIZ_REGEX}</code></p>
                <textarea ref={text_ref} rows="12" spellcheck="false" placeholder={example} data-testid="import-text" aria-label={w.word("ui.import_paste")} />
                <div class="import-row">
                    <label class="field">
                        <span>{w.word("ui.import_file")}</span>
                        <input type="file" accept=".log,.txt,text/plain" ref={file_ref} onchange={on_file} data-testid="import-file" />
                    </label>
                    <span class="spacer" />
                    <button onclick={cancel}>{w.word("ui.cancel")}</button>
                    <button class="primary" onclick={on_show} data-action="import-show">{w.word("ui.import_show")}</button>
                </div>
                if let Some(p) = &*problem {
                    <p class="import-problem" role="alert" data-testid="import-problem">{w.word("ui.import_failed")}{" "}{p.render(&w)}</p>
                }
            </div>
        </div>
    }
}

#[derive(Properties)]
pub struct ViewProps {
    pub log: Rc<ImportedLog>,
    pub on_close: Callback<()>,
}

impl PartialEq for ViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.log, &other.log) && self.on_close == other.on_close
    }
}

const LEFT: f64 = 30.0;
const TOP: f64 = 30.0;

#[function_component(ImportedView)]
pub fn imported_view(props: &ViewProps) -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let w = state.dict();
    let log = &props.log;
    let boxed = use_node_ref();
    let size = use_box_size(boxed.clone());
    let selected = use_state(|| None::<usize>);
    let ts = state.text_size as f64 / 100.0;
    let fs = 16.0 * ts;
    let label_w = log.hosts.iter().map(|h| h.chars().count()).max().unwrap_or(2) as f64 * fs * 0.62 + 12.0;
    let left = LEFT + label_w;
    let columns = log.columns();
    let width_cols = columns.iter().max().map_or(1, |c| c + 1);
    let gap = ((size.w - left - 30.0) / width_cols as f64).max(34.0 * ts);
    let width = (left + gap * width_cols as f64 + 10.0).max(size.w);
    let rows = log.hosts.len().max(1);
    let row = ((size.h - TOP - 20.0) / rows as f64).clamp(36.0 * ts, 140.0);
    let height = (TOP + row * rows as f64).max(size.h);
    let x = |i: usize| left + gap * (columns[i] as f64 + 0.5);
    let y = |host: usize| TOP + row * (host as f64 + 0.5);
    let sends: std::collections::BTreeSet<usize> = log.messages.iter().map(|m| m.from).collect();
    let receives: std::collections::BTreeSet<usize> = log.messages.iter().map(|m| m.to).collect();
    let relation = |i: usize| -> Option<&'static str> {
        let s = (*selected)?;
        Some(if i == s {
            "focus"
        } else if log.happened_before(i, s) {
            "past"
        } else if log.happened_before(s, i) {
            "future"
        } else {
            "unrelated"
        })
    };
    let host_lines = log.hosts.iter().enumerate().map(|(i, h)| {
        html! { <g class="row">
            <text class="row-label" x="8" y={(y(i) + fs * 0.35).to_string()} style={format!("font-size:{:.0}px", fs * 1.1)}>{h.clone()}</text>
            <line class="row-line" x1={left.to_string()} y1={y(i).to_string()} x2={(width - 8.0).to_string()} y2={y(i).to_string()} />
        </g> }
    });
    let messages = log.messages.iter().map(|m| {
        let (a, b) = (&log.events[m.from], &log.events[m.to]);
        let class = match (relation(m.from), relation(m.to)) {
            (Some("past" | "focus"), Some("past" | "focus")) => "past",
            (Some("future" | "focus"), Some("future" | "focus")) => "future",
            (Some(_), _) => "unrelated",
            _ => "",
        };
        // The arrow ends at the receiving dot's edge, not under it.
        let (x1, y1, x2, y2) = (x(m.from), y(a.host), x(m.to), y(b.host));
        let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
        let back = (8.0 * ts.sqrt()).min(len / 2.0);
        let (x2, y2) = (x2 - (x2 - x1) / len * back, y2 - (y2 - y1) / len * back);
        html! { <line class={classes!("imp-msg", class)} x1={x1.to_string()} y1={y1.to_string()} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} marker-end="url(#imp-arrow)" data-from={m.from.to_string()} data-to={m.to.to_string()} /> }
    });
    let events = log.events.iter().enumerate().map(|(i, e)| {
        let kind = if sends.contains(&i) {
            "ev-send"
        } else if receives.contains(&i) {
            "ev-receive"
        } else {
            "ev-local"
        };
        let sel = selected.clone();
        let onclick = Callback::from(move |ev: MouseEvent| {
            ev.stop_propagation();
            sel.set(if *sel == Some(i) { None } else { Some(i) });
        });
        let clock: Vec<String> = e.clock.iter().enumerate().filter(|(_, c)| **c > 0).map(|(h, c)| format!("{}:{c}", log.hosts[h])).collect();
        html! { <g class={classes!("imp-event", kind, relation(i))} data-ev={i.to_string()} {onclick}>
            <title>{format!("{} — {} {{{}}}", e.description, log.hosts[e.host], clock.join(", "))}</title>
            <circle class="imp-hit" cx={x(i).to_string()} cy={y(e.host).to_string()} r="13" />
            <circle class="imp-dot" cx={x(i).to_string()} cy={y(e.host).to_string()} r={(6.5 * ts.sqrt()).to_string()} />
        </g> }
    });
    let caption = match *selected {
        Some(i) => {
            let e = &log.events[i];
            let clock: Vec<String> = e.clock.iter().enumerate().filter(|(_, c)| **c > 0).map(|(h, c)| format!("\"{}\":{c}", log.hosts[h])).collect();
            html! { <span class="imp-caption" data-testid="import-caption"><b>{format!("{} · ", log.hosts[e.host])}</b>{e.description.clone()}<code>{format!(" {{{}}}", clock.join(","))}</code>{format!(" · {} {}", w.word("ui.import_line"), e.line)}</span> }
        }
        None => html! { <span class="hint">{w.word("ui.import_hint")}</span> },
    };
    let clear = {
        let sel = selected.clone();
        Callback::from(move |_: MouseEvent| sel.set(None))
    };
    let close = {
        let c = props.on_close.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    html! {
        <div class="imported" data-testid="imported">
            <div class="imported-bar">
                <b>{w.word("ui.imported_title")}</b>
                <span data-testid="imported-summary">{w.render(&crate::phrase!("ui.imported_summary", log.hosts.len(), log.events.len(), log.messages.len()))}</span>
                <span class="spacer" />
                <button class="primary" onclick={close} data-action="import-close">{w.word("ui.imported_back")}</button>
            </div>
            <p class="imported-note">{w.word("ui.imported_note")}</p>
            <div class="imported-caption">{caption}</div>
            <div class="view imported-canvas" ref={boxed}>
                <svg id="imported" viewBox={format!("0 0 {width:.0} {height:.0}")} width={format!("{width:.0}")} height={format!("{height:.0}")} onclick={clear} data-events={log.events.len().to_string()} role="img" aria-label={w.word("ui.imported_title")}>
                    <defs>
                        <marker id="imp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="13" markerHeight="13" orient="auto-start-reverse">
                            <path d="M0 0 L10 5 L0 10 Z" class="imp-arrowhead" />
                        </marker>
                    </defs>
                    <g class="rows">{ for host_lines }</g>
                    <g class="imp-messages">{ for messages }</g>
                    <g class="imp-events">{ for events }</g>
                </svg>
            </div>
        </div>
    }
}
