//! The page: mounts the reducer, keeps the URL in step with the run, drives the clock
//! while playing, and lays out the views.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::controls::{Controls, EmbedControls, Header};
use super::import::{ImportDialog, ImportHandle, ImportedView};
use super::panels::{Banner, Compare, EventLog, Inspector, Monitors, NetworkPanel};
use super::lesson::{KeysOverlay, LessonBar};
use super::library::Library;
use super::state::{Action, AppHandle, AppState, Overlay, Theme};
use super::timeline::Timeline;
use super::topology::TopologyView;
use crate::words::Lang;

const FRAME_MS: u32 = 16;

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default().trim_start_matches('#').to_string()
}

fn stored_theme() -> Theme {
    let stored = window().local_storage().ok().flatten().and_then(|s| s.get_item("dsviz-theme").ok().flatten());
    match stored.as_deref() {
        Some("dark") => Theme::Dark,
        Some("light") => Theme::Light,
        _ => {
            let dark = window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
            if dark {
                Theme::Dark
            } else {
                Theme::Light
            }
        }
    }
}

/// The viewer's language: their last choice here, else the browser's, else English.
fn preferred_lang() -> Lang {
    let stored = window().local_storage().ok().flatten().and_then(|s| s.get_item("dsviz-lang").ok().flatten());
    stored.as_deref().and_then(Lang::parse).or_else(|| window().navigator().language().as_deref().and_then(Lang::parse)).unwrap_or_default()
}

/// What a key press lands on: a field to type in (its keys are its own), a select (its
/// arrows would silently change it: a switch of protocol discards the run), or the page.
#[derive(PartialEq)]
enum KeyTarget {
    Typing,
    Select,
    Page,
}

fn key_target(e: &Event) -> (KeyTarget, Option<web_sys::HtmlElement>) {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return (KeyTarget::Page, None) };
    let kind = match el.tag_name().as_str() {
        "SELECT" => KeyTarget::Select,
        "TEXTAREA" => KeyTarget::Typing,
        "INPUT" => {
            let ty = el.get_attribute("type").unwrap_or_default();
            if matches!(ty.as_str(), "range" | "checkbox" | "button") {
                KeyTarget::Page
            } else {
                KeyTarget::Typing
            }
        }
        _ => KeyTarget::Page,
    };
    (kind, Some(el))
}

/// Full screen on or off (through reflection: the web-sys feature is not enabled).
fn toggle_fullscreen() {
    let Some(doc) = window().document() else { return };
    let call = |target: &wasm_bindgen::JsValue, name: &str| {
        if let Ok(f) = js_sys::Reflect::get(target, &name.into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
            let _ = f.call0(target);
        }
    };
    let current = js_sys::Reflect::get(&doc, &"fullscreenElement".into()).unwrap_or(wasm_bindgen::JsValue::NULL);
    if current.is_null() || current.is_undefined() {
        if let Some(root) = doc.document_element() {
            call(&root, "requestFullscreen");
        }
    } else {
        call(&doc, "exitFullscreen");
    }
}

/// How long the address bar waits for the run to stop changing before it follows.
const URL_SETTLE_MS: u32 = 200;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::load(&current_hash(), stored_theme(), preferred_lang()));
    // An imported ShiViz log, shown instead of the simulation (read-only), and whether the
    // import dialog is open. While either is up, the run's keys are off.
    let imported = use_state(|| None::<Rc<crate::shiviz::ImportedLog>>);
    let dialog = use_state(|| false);
    let keys_off = use_mut_ref(|| false);
    *keys_off.borrow_mut() = imported.is_some() || *dialog;

    // The clock: while playing, one tick per frame with the wall time that passed.
    {
        let dispatch = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let interval = playing.then(|| {
                let last = Rc::new(Cell::new(js_sys::Date::now()));
                Interval::new(FRAME_MS, move || {
                    let now = js_sys::Date::now();
                    let ms = now - last.replace(now);
                    dispatch.dispatch(Action::Tick(ms));
                })
            });
            move || drop(interval)
        });
    }

    // The URL follows the run (not every frame while playing: on pause and on each act).
    // A new run (other settings, a ready-made scenario, a reset) gets a new entry in the
    // browser's history, so Back returns to the run before it; everything else within a
    // run replaces the entry.
    // Within a run the entry is rewritten at most every URL_SETTLE_MS: browsers ignore
    // history writes past a rate (Chrome: 200 in 10 s), and a student holding → steps
    // faster than that; an ignored write would also swallow the next link pasted in.
    let run_id = Rc::as_ptr(&state.history) as usize;
    let last_run = use_mut_ref(|| run_id);
    let from_address_bar = use_mut_ref(|| false);
    let pending_write = use_mut_ref(|| None::<(Timeout, String)>);
    {
        let fragment = if state.playing { None } else { Some(state.fragment()) };
        let last_run = last_run.clone();
        let from_address_bar = from_address_bar.clone();
        let pending_write = pending_write.clone();
        use_effect_with((fragment, run_id), move |(fragment, run_id)| {
            if let Some(f) = fragment {
                let new_run = *last_run.borrow() != *run_id && !from_address_bar.replace(false);
                *last_run.borrow_mut() = *run_id;
                let url = format!("#{f}");
                if new_run {
                    // The run being left keeps its last state in its own entry.
                    if let Some((_, left)) = pending_write.borrow_mut().take() {
                        let _ = window().history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&left)));
                    }
                    if current_hash() != *f {
                        let _ = window().history().and_then(|h| h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)));
                    }
                } else {
                    let (f, written) = (f.clone(), url.clone());
                    let timeout = Timeout::new(URL_SETTLE_MS, move || {
                        if current_hash() != f {
                            let _ = window().history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&written)));
                        }
                    });
                    *pending_write.borrow_mut() = Some((timeout, url));
                }
            }
        });
    }
    // An ended app leaves the address bar alone.
    {
        let pending_write = pending_write.clone();
        use_effect_with((), move |_| move || drop(pending_write.borrow_mut().take()));
    }

    // A link pasted into this tab's address bar (or Back and Forward) loads that run.
    {
        let dispatch = state.dispatcher();
        let from_address_bar = from_address_bar.clone();
        use_effect_with((), move |_| {
            let on_hash = Closure::<dyn Fn()>::new(move || {
                *from_address_bar.borrow_mut() = true;
                dispatch.dispatch(Action::Load(current_hash()));
            });
            let _ = window().add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
            move || {
                let _ = window().remove_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
            }
        });
    }

    // Keyboard: space plays or pauses, arrows step, Home and End go to the first and
    // last step, + and - (or ] and [) change the speed, Esc clears the selection. Keys are
    // read before the focused control sees them (capture), so an arrow on a select steps
    // the run instead of changing the select; a control gives the focus back once changed.
    {
        let dispatch = state.dispatcher();
        let keys_off = keys_off.clone();
        use_effect_with((), move |_| {
            let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || *keys_off.borrow() {
                    return;
                }
                let key = e.key();
                let (target, el) = key_target(&e);
                match target {
                    KeyTarget::Typing => {
                        if key == "Escape" {
                            if let Some(el) = el {
                                let _ = el.blur();
                            }
                        }
                        return;
                    }
                    KeyTarget::Select => match key.as_str() {
                        "ArrowUp" | "ArrowDown" => {
                            // Changing a select is done in its open list (space, Enter).
                            e.prevent_default();
                            return;
                        }
                        "ArrowLeft" | "ArrowRight" | "Escape" | "Home" | "End" => {
                            if let Some(el) = el {
                                let _ = el.blur();
                            }
                        }
                        _ => return,
                    },
                    KeyTarget::Page => {}
                }
                let action = match key.as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::StepForward,
                    "ArrowLeft" => Action::StepBack,
                    "Home" => Action::Rewind,
                    "End" => Action::End,
                    "+" | "=" | "]" => Action::NudgeSpeed(1),
                    "-" | "_" | "[" => Action::NudgeSpeed(-1),
                    "Escape" => Action::Escape,
                    "PageDown" | "n" => Action::LessonNudge(1),
                    "PageUp" | "p" => Action::LessonNudge(-1),
                    "r" => Action::Reset,
                    "s" | "S" => Action::CycleStamps,
                    "c" => Action::CrashOrRecoverSelected,
                    "d" => Action::DropSelected,
                    "j" => Action::NudgeNode(1),
                    "k" => Action::NudgeNode(-1),
                    "h" => Action::ToggleHideAnswers,
                    "?" => Action::ToggleOverlay(Overlay::Keys),
                    "l" => Action::ToggleOverlay(Overlay::Library),
                    "m" => Action::TogglePresent,
                    "f" => {
                        toggle_fullscreen();
                        e.prevent_default();
                        return;
                    }
                    _ => return,
                };
                e.prevent_default();
                e.stop_propagation();
                dispatch.dispatch(action);
            });
            // A select or field that has taken a change gives the focus back to the page.
            let on_change = Closure::<dyn Fn(Event)>::new(move |e: Event| {
                if let (KeyTarget::Select | KeyTarget::Typing, Some(el)) = key_target(&e) {
                    let _ = el.blur();
                }
            });
            let doc = window().document().expect("a document");
            let _ = doc.add_event_listener_with_callback_and_bool("keydown", on_key.as_ref().unchecked_ref(), true);
            let _ = doc.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            move || {
                let _ = doc.remove_event_listener_with_callback_and_bool("keydown", on_key.as_ref().unchecked_ref(), true);
                let _ = doc.remove_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            }
        });
    }

    // The tab says which algorithm it shows.
    {
        let title = format!("{} · dsviz", state.dict().word("name"));
        use_effect_with(title, |title| {
            if let Some(doc) = window().document() {
                doc.set_title(title);
            }
        });
    }

    // Notices fade on their own.
    {
        let dispatch = state.dispatcher();
        use_effect_with(state.notice.clone(), move |notice| {
            let timeout = notice.is_some().then(|| Timeout::new(4_000, move || dispatch.dispatch(Action::Notice(None))));
            move || drop(timeout)
        });
    }

    // The language lives on <html> too (fonts and screen readers follow it) and is kept.
    {
        let lang = state.lang;
        use_effect_with(lang, |lang| {
            if let Some(root) = window().document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", if *lang == Lang::Zh { "zh-CN" } else { "en" });
            }
            if let Ok(Some(storage)) = window().local_storage() {
                let _ = storage.set_item("dsviz-lang", lang.code());
            }
        });
    }

    // The theme lives on <html> so the page background follows it too.
    {
        let theme = state.theme;
        use_effect_with(theme, |theme| {
            let name = if *theme == Theme::Dark { "dark" } else { "light" };
            if let Some(root) = window().document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("data-theme", name);
            }
            if let Ok(Some(storage)) = window().local_storage() {
                let _ = storage.set_item("dsviz-theme", name);
            }
        });
    }

    // The text size scales every size on the page together (a CSS variable on <html>);
    // presenter mode raises it so that nothing reads under 18 px.
    {
        let scale = (state.type_scale() * 1000.0).round() as u32;
        use_effect_with(scale, |scale| {
            if let Some(root) = window().document().and_then(|d| d.document_element()) {
                let _ = root.set_attribute("style", &format!("--ts:{}", *scale as f64 / 1000.0));
            }
        });
    }

    let handle: AppHandle = state.clone();
    let import = ImportHandle {
        open: {
            let (dialog, d) = (dialog.clone(), state.dispatcher());
            Callback::from(move |_| {
                d.dispatch(Action::Pause);
                dialog.set(true);
            })
        },
    };
    let on_show = {
        let (dialog, imported) = (dialog.clone(), imported.clone());
        Callback::from(move |log| {
            dialog.set(false);
            imported.set(Some(log));
        })
    };
    let on_cancel = {
        let dialog = dialog.clone();
        Callback::from(move |_| dialog.set(false))
    };
    let on_close = {
        let imported = imported.clone();
        Callback::from(move |_| imported.set(None))
    };
    let embed = state.view.embed == Some(true);
    let stage = html! {
        <main class={classes!("stage", state.info.show.diagram_first.then_some("timeline-first"))}>
            <section class="view topology-view" aria-label={state.dict().word("ui.topology")}>
                <TopologyView />
            </section>
            <section class="view timeline-view" aria-label={state.dict().word("ui.diagram")}>
                <Timeline />
            </section>
        </main>
    };
    let body = if let Some(log) = (*imported).clone() {
        html! {
            <div class="app imported-mode" data-testid="app" data-version={state.version.to_string()} data-lang={state.lang.code()}>
                <ImportedView {log} {on_close} />
            </div>
        }
    } else if embed {
        // Just the simulation, sized to its frame: no header, banners or panels.
        html! {
            <div class="app embed" data-testid="app" data-embed="1" data-version={state.version.to_string()} data-lang={state.lang.code()}>
                <div class="screen">
                    {stage}
                    <EmbedControls />
                </div>
            </div>
        }
    } else if state.presenting() {
        // Presenter mode: one screen, nothing under it. The pictures, and beside them the
        // invariants and the costs; the settings fold into the header's menu.
        html! {
            <div class={classes!("app", "present", state.hide_answers.then_some("hide-answers"))} data-testid="app" data-present="1" data-version={state.version.to_string()} data-lang={state.lang.code()}>
                <div class="screen">
                    <Header />
                    <Banner />
                    <LessonBar />
                    <div class="present-body">
                        {stage}
                        <Monitors />
                    </div>
                    <Controls />
                </div>
                <KeysOverlay />
                <Library />
            </div>
        }
    } else {
        html! {
            <div class={classes!("app", state.hide_answers.then_some("hide-answers"))} data-testid="app" data-version={state.version.to_string()} data-lang={state.lang.code()}>
                <div class="screen">
                    <Header />
                    <Banner />
                    <LessonBar />
                    {stage}
                    <Controls />
                </div>
                <div class="panels">
                    <Inspector />
                    <Monitors />
                    <Compare />
                    <NetworkPanel />
                    <EventLog />
                </div>
                <KeysOverlay />
                <Library />
            </div>
        }
    };
    html! {
        <ContextProvider<AppHandle> context={handle}>
            <ContextProvider<ImportHandle> context={import}>
                {body}
                if *dialog {
                    <ImportDialog {on_show} {on_cancel} />
                }
            </ContextProvider<ImportHandle>>
        </ContextProvider<AppHandle>>
    }
}

/// Show a readable page instead of a blank one if anything panics.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(body) = doc.body() {
                let escaped = message.replace('&', "&amp;").replace('<', "&lt;");
                body.set_inner_html(&format!(
                    "<div class=\"crash\"><h1>dsviz stopped · dsviz 已停止</h1><p>模拟器内部出错。本次运行的链接仍在地址栏中，可以<a href=\"\" onclick=\"location.reload()\">重新加载</a>或<a href=\"./\">从头开始</a>。</p><p>Something went wrong inside the simulator. \
                     The run's link is still in the address bar; you can <a href=\"\" onclick=\"location.reload()\">reload it</a> \
                     or <a href=\"./\">start afresh</a>.</p><pre>{escaped}</pre></div>"
                ));
            }
        }
    }));
}

pub fn start() {
    install_panic_hook();
    let root = window().document().and_then(|d| d.get_element_by_id("app")).expect("index.html has <div id=\"app\">");
    yew::Renderer::<App>::with_root(root).render();
}
