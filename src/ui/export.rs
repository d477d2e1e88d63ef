//! Export: the topology view and the time-space diagram as SVG or PNG (for slides and
//! exam papers), the whole run as JSON, the event log as a ShiViz log; and the way in to
//! importing one.
//!
//! An exported SVG is self-contained: every element carries the computed styles that
//! matter (colours, strokes, fonts, with a generic family after the page's fonts), and a
//! rectangle of the view's background lies under the picture, so it looks the same in a
//! slide program as on the page. The PNG is that SVG drawn on a canvas at twice the size.
//! The browser work (styles, canvas, downloads) is a few lines of script run through
//! `js_sys::Function`, so no file beyond the wasm is needed and tests can call it too.

use std::cell::OnceCell;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::state::AppHandle;
use crate::words::Text;

const SCRIPT: &str = r##"
const PROPS = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "stroke-opacity", "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "visibility", "display", "paint-order"];
function inline(src, dst) {
  const cs = getComputedStyle(src);
  let style = "";
  for (const p of PROPS) {
    let v = cs.getPropertyValue(p);
    if (!v) continue;
    if (p === "font-family" && !/sans-serif|serif|monospace/.test(v)) v += ", sans-serif";
    style += p + ":" + v + ";";
  }
  dst.setAttribute("style", style);
  for (let i = 0; i < src.children.length; i++) inline(src.children[i], dst.children[i]);
}
function svgText(selector) {
  const svg = document.querySelector(selector);
  if (!svg) throw new Error("nothing to export: " + selector);
  const clone = svg.cloneNode(true);
  inline(svg, clone);
  const w = Math.round(svg.getBoundingClientRect().width), h = Math.round(svg.getBoundingClientRect().height);
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", w);
  clone.setAttribute("height", h);
  if (!clone.getAttribute("viewBox")) clone.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const holder = svg.closest(".view") || document.body;
  const bg = getComputedStyle(holder).backgroundColor;
  const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  const vb = clone.getAttribute("viewBox").split(/[ ,]+/).map(Number);
  rect.setAttribute("x", vb[0]); rect.setAttribute("y", vb[1]);
  rect.setAttribute("width", vb[2]); rect.setAttribute("height", vb[3]);
  rect.setAttribute("style", "fill:" + (bg && bg !== "rgba(0, 0, 0, 0)" ? bg : "#ffffff"));
  rect.setAttribute("data-export", "background");
  clone.insertBefore(rect, clone.firstChild);
  return { text: '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone), w, h };
}
function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
async function png(svg) {
  const url = URL.createObjectURL(new Blob([svg.text], { type: "image/svg+xml" }));
  const img = new Image();
  await new Promise((ok, bad) => { img.onload = ok; img.onerror = () => bad(new Error("the SVG did not load as an image")); img.src = url; });
  const canvas = document.createElement("canvas");
  canvas.width = svg.w * 2; canvas.height = svg.h * 2;
  const g = canvas.getContext("2d");
  g.scale(2, 2);
  g.drawImage(img, 0, 0, svg.w, svg.h);
  URL.revokeObjectURL(url);
  return await new Promise((ok) => canvas.toBlob(ok, "image/png"));
}
switch (what) {
  case "svg": save(new Blob([svgText(a).text], { type: "image/svg+xml" }), b); return Promise.resolve(true);
  case "png": return png(svgText(a)).then((blob) => { save(blob, b); return true; });
  case "text": save(new Blob([a], { type: c }), b); return Promise.resolve(true);
  case "read": {
    const file = a.files && a.files[0];
    if (!file) return Promise.resolve(false);
    return file.text().then((t) => { b.value = t; b.dispatchEvent(new Event("input", { bubbles: true })); return true; });
  }
}
return Promise.reject(new Error("unknown export " + what));
"##;

thread_local! {
    static HELPER: OnceCell<js_sys::Function> = const { OnceCell::new() };
}

/// Run the script: `what` with up to three arguments. Returns its promise.
pub fn call(what: &str, a: &JsValue, b: &JsValue, c: &JsValue) -> Result<js_sys::Promise, JsValue> {
    HELPER.with(|cell| {
        let f = cell.get_or_init(|| js_sys::Function::new_with_args("what, a, b, c", SCRIPT));
        let args = js_sys::Array::of4(&what.into(), a, b, c);
        f.apply(&JsValue::NULL, &args).map(wasm_bindgen::JsCast::unchecked_into)
    })
}

/// Which picture.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    Topology,
    Diagram,
}

impl Picture {
    fn selector(self) -> &'static str {
        match self {
            Picture::Topology => "#topology",
            Picture::Diagram => "#timeline",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Picture::Topology => "topology",
            Picture::Diagram => "diagram",
        }
    }
}

/// `dsviz-election-ring-step23`: what every exported file's name starts with.
pub fn file_stem(protocol: &str, step: u64) -> String {
    format!("dsviz-{protocol}-step{step}")
}

#[function_component(ExportMenu)]
pub fn export_menu() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let import = use_context::<super::import::ImportHandle>().expect("import context");
    let w = state.dict();
    let step = state.history.borrow().step();
    let stem = file_stem(state.scenario.protocol, step);
    let details = use_node_ref();
    let close = {
        let details = details.clone();
        move || {
            if let Some(d) = details.cast::<web_sys::Element>() {
                let _ = d.remove_attribute("open");
            }
        }
    };
    let failed = {
        let d = state.dispatcher();
        move |e: JsValue| {
            let why = js_sys::Error::from(e).message().as_string().unwrap_or_default();
            d.dispatch(super::state::Action::Notice(Some(crate::phrase!("ui.export_failed", why))));
        }
    };
    let picture = |p: Picture, png: bool| {
        let name = format!("{stem}-{}.{}", p.name(), if png { "png" } else { "svg" });
        let close = close.clone();
        let failed = failed.clone();
        Callback::from(move |_: MouseEvent| {
            close();
            match call(if png { "png" } else { "svg" }, &p.selector().into(), &name.clone().into(), &JsValue::NULL) {
                Ok(promise) => {
                    let failed = failed.clone();
                    let on_err = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| failed(e));
                    let _ = promise.catch(&on_err);
                    // One small closure per export, kept until the page goes.
                    on_err.forget();
                }
                Err(e) => failed(e),
            }
        })
    };
    let text_file = |kind: &'static str| {
        let state = state.clone();
        let stem = stem.clone();
        let close = close.clone();
        let failed = failed.clone();
        Callback::from(move |_: MouseEvent| {
            close();
            let h = state.history.borrow();
            let (name, mime, text) = if kind == "json" {
                let report = crate::report::export_report(&state.scenario, &h);
                (format!("{stem}.json"), "application/json", serde_json::to_string_pretty(&report).unwrap_or_default())
            } else {
                let names = crate::shiviz::node_names(state.scenario.n);
                (format!("{stem}-shiviz.log"), "text/plain", crate::shiviz::to_shiviz(h.sim().trace(), &names))
            };
            drop(h);
            if text.is_empty() {
                state.dispatch(super::state::Action::Notice(Some(Text::key("ui.shiviz_none"))));
                return;
            }
            if let Err(e) = call("text", &text.into(), &name.into(), &mime.into()) {
                failed(e);
            }
        })
    };
    let open_import = {
        let close = close.clone();
        let import = import.clone();
        Callback::from(move |_: MouseEvent| {
            close();
            import.open.emit(());
        })
    };
    html! {
        <details class="export-menu" ref={details} data-testid="export-menu">
            <summary title={w.word("ui.export_help")}>
                <svg class="ico" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M8 1.5 V10 M4.2 6.5 L8 10.3 L11.8 6.5 M2 12.5 V14.5 H14 V12.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" /></svg>
                <span class="export-label">{" "}{w.word("ui.export")}</span>
            </summary>
            <div class="export-items" role="menu">
                <span class="export-group">{w.word("ui.topology")}</span>
                <button role="menuitem" data-export="topology-svg" onclick={picture(Picture::Topology, false)}>{"SVG"}</button>
                <button role="menuitem" data-export="topology-png" onclick={picture(Picture::Topology, true)}>{"PNG"}</button>
                <span class="export-group">{w.word("ui.diagram")}</span>
                <button role="menuitem" data-export="diagram-svg" onclick={picture(Picture::Diagram, false)}>{"SVG"}</button>
                <button role="menuitem" data-export="diagram-png" onclick={picture(Picture::Diagram, true)}>{"PNG"}</button>
                <span class="export-group">{w.word("ui.export_run")}</span>
                <button role="menuitem" data-export="run-json" onclick={text_file("json")} title={w.word("ui.export_json_help")}>{"JSON"}</button>
                <button role="menuitem" data-export="shiviz" onclick={text_file("shiviz")} title={w.word("ui.export_shiviz_help")}>{w.word("ui.shiviz_log")}</button>
                <button role="menuitem" class="wide" data-action="import-shiviz" onclick={open_import} title={w.word("ui.import_help")}>{w.word("ui.import")}</button>
            </div>
        </details>
    }
}
