//! The header (what runs: protocol, scenario, N, topology, seed, parameters, link) and the
//! transport bar (play, step, scrub, speed).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, AppHandle, Configure, Overlay, Theme, SPEEDS, TEXT_SIZES};
use crate::protocols::REGISTRY;
use crate::sim::params::ParamKind;
use crate::words::{Dictionary, Lang, Text, LANGS};

fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|t| {
            t.clone().dyn_into::<web_sys::HtmlInputElement>().map(|i| i.value()).ok().or_else(|| t.dyn_into::<web_sys::HtmlSelectElement>().map(|s| s.value()).ok())
        })
        .unwrap_or_default()
}

fn page_url(fragment: &str) -> String {
    let loc = web_sys::window().expect("window").location();
    let base = loc.href().unwrap_or_default();
    let base = base.split('#').next().unwrap_or_default().to_string();
    format!("{base}#{fragment}")
}

/// Put text on the clipboard through `navigator.clipboard.writeText`, reached by
/// reflection so no unstable web-sys API is needed.
fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return false };
    if clipboard.is_undefined() {
        return false;
    }
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else { return false };
    let Ok(write) = write.dyn_into::<js_sys::Function>() else { return false };
    write.call1(&clipboard, &text.into()).is_ok()
}

/// A number field as wide as its longest value (and the browser's spin buttons), so no
/// digit is ever hidden: a patience of 3000 must not read as 300.
fn fit_digits(digits: usize) -> String {
    format!("width: calc({}ch + 2rem)", digits.max(2))
}

#[function_component(Header)]
pub fn header() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let w = state.dict();
    let info = &state.info;
    let s = &state.scenario;

    let on_protocol = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| d.dispatch(Action::Configure(Configure::Protocol(input_value(&e)))))
    };
    let on_ready = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            let v = input_value(&e);
            if !v.is_empty() {
                d.dispatch(Action::Load(v));
            }
        })
    };
    let on_n = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Ok(n) = input_value(&e).trim().parse() {
                d.dispatch(Action::Configure(Configure::Nodes(n)));
            }
        })
    };
    let on_topology = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| d.dispatch(Action::Configure(Configure::Topology(input_value(&e)))))
    };
    let on_seed = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| match input_value(&e).trim().parse() {
            Ok(seed) => d.dispatch(Action::Configure(Configure::Seed(seed))),
            Err(_) => d.dispatch(Action::Notice(Some(Text::key("ui.bad_seed")))),
        })
    };
    let reseed = {
        let d = state.dispatcher();
        let seed = s.seed;
        Callback::from(move |_| d.dispatch(Action::Configure(Configure::Seed(seed.wrapping_add(1)))))
    };
    let on_text = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Ok(t) = input_value(&e).parse() {
                d.dispatch(Action::SetTextSize(t));
            }
        })
    };
    let params = info.params.iter().map(|spec| {
        let d = state.dispatcher();
        let name = spec.name;
        let value = s.params.0.get(name).map(|v| v.to_string()).unwrap_or_default();
        let onchange = Callback::from(move |e: Event| d.dispatch(Action::Configure(Configure::Param(name, input_value(&e)))));
        let control = match &spec.kind {
            ParamKind::Int { min, max } => html! {
                <input type="number" min={min.to_string()} max={max.to_string()} value={value.clone()} {onchange} data-param={name} style={fit_digits(max.to_string().len().max(value.len()))} />
            },
            ParamKind::Bool => html! {
                <select {onchange} data-param={name}>
                    <option value="on" selected={value == "on"}>{w.word("ui.on")}</option>
                    <option value="off" selected={value == "off"}>{w.word("ui.off")}</option>
                </select>
            },
            ParamKind::Choice(options) => html! {
                <select {onchange} data-param={name}>
                    { for options.iter().map(|o| html! { <option value={*o} selected={value == *o}>{*o}</option> }) }
                </select>
            },
            ParamKind::Node => html! {
                <input type="number" min="0" max={s.n.saturating_sub(1).to_string()} value={value.clone()} {onchange} data-param={name} style={fit_digits(2)} />
            },
            ParamKind::IdList => html! {
                <input type="text" class="narrow" size="8" placeholder="5.3.9.1" value={value.clone()} {onchange} data-param={name} />
            },
        };
        // The header's label: the spec's short word in the page's language (a parameter
        // without one shows its URL key; a test requires one of every shipped parameter).
        let label = spec.short.map_or(name, |short| short.get(state.lang));
        html! { <label class="field" title={w.id("param", name)} data-label={name}><span>{label}</span>{control}</label> }
    });

    let present = state.presenting();
    let on_present = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::TogglePresent))
    };
    // The run's settings (N, topology, seed, parameters) sit in the header, or in presenter
    // mode fold into its menu with the text size, the library and the keys.
    let run_fields = html! {
        <>
            <label class="field narrow">
                <span>{"N"}</span>
                <input type="number" min={info.nodes.min.to_string()} max={info.nodes.max.to_string()} value={s.n.to_string()} onchange={on_n} data-testid="nodes" style={fit_digits(info.nodes.max.to_string().len())} />
            </label>
            <label class="field">
                <span>{w.word("ui.topology_field")}</span>
                <select onchange={on_topology} disabled={info.topologies.len() < 2}>
                    { for info.topologies.iter().map(|k| {
                        // The current topology keeps its arguments (tree:3, an edge list).
                        let current = *k == s.topology.kind();
                        let value = if current { s.topology.encode() } else { k.default_topology().encode() };
                        // The words for the kind; its arguments (tree:3, an edge list) as written.
                        let args = value.split_once(':').map_or(String::new(), |(_, a)| format!(" {a}"));
                        html! { <option value={value.clone()} selected={current}>{format!("{}{args}", w.id("topo", k.name()))}</option> }
                    }) }
                </select>
            </label>
            <label class="field narrow">
                <span>{w.word("ui.seed")}</span>
                <input type="number" min="0" value={s.seed.to_string()} onchange={on_seed} data-testid="seed" style={fit_digits(s.seed.to_string().len().max(3))} />
            </label>
            <button class="icon" onclick={reseed} title={w.word("ui.next_seed")} aria-label={w.word("ui.next_seed")}>{icon(Icon::Reseed)}</button>
        </>
    };
    let params = html! { <>{ for params }</> };
    // The header keeps to one row: where the parameters would wrap it (many of them, a
    // narrow screen), they fold into the menu. A new protocol, language or width unfolds
    // and measures afresh; so do new settings (a longer number widens its field). Not
    // measured on the renders in between (every frame while playing).
    let header_ref = use_node_ref();
    let fold = use_state_eq(|| false);
    let header_size = super::hooks::use_box_size(header_ref.clone());
    let context = (info.id, state.lang, present, header_size.w as i64);
    let settings = format!("{} {} {:?}", s.n, s.seed, s.params.0);
    {
        let fold = fold.clone();
        use_effect_with(context, move |_| fold.set(false));
    }
    {
        let (fold, header_ref) = (fold.clone(), header_ref.clone());
        use_effect_with((context, settings, *fold), move |_| {
            let Some(h) = header_ref.cast::<web_sys::Element>() else { return };
            if *fold {
                return;
            }
            let kids = h.children();
            let (mut top, mut bottom) = (f64::MIN, f64::MAX);
            for k in 0..kids.length() {
                if let Some(r) = kids.item(k).map(|c| c.get_bounding_client_rect()).filter(|r| r.height() > 0.0) {
                    top = top.max(r.top());
                    bottom = bottom.min(r.bottom());
                }
            }
            if top >= bottom - 1.0 {
                fold.set(true);
            }
        });
    }
    let folding = present || *fold;
    let (inline, folded) = match (present, *fold) {
        (true, _) => (html! {}, html! { <>{run_fields}{params}</> }),
        (false, true) => (run_fields, params),
        (false, false) => (html! { <>{run_fields}{params}</> }, html! {}),
    };
    html! {
        <header class={classes!("header", present.then_some("present"))} ref={header_ref}>
            <div class="brand"><span class="logo">{"◉"}</span>{"dsviz"}</div>
            <label class="field">
                <span>{w.word("ui.algorithm")}</span>
                <select onchange={on_protocol} data-testid="protocol">
                    { for REGISTRY.iter().map(|e| {
                        let i = e.info();
                        let their = Dictionary::for_protocol(state.lang, &i, super::words::UI);
                        html! { <option value={i.id} selected={i.id == info.id}>{format!("{} — {}", their.id("family", i.family.id), their.word("name"))}</option> }
                    }) }
                </select>
            </label>
            <label class="field">
                <span>{w.word("ui.scenario")}</span>
                <select onchange={on_ready} data-testid="scenario">
                    <option value="" selected={state.lesson.is_none()}>{w.word("ui.own_run")}</option>
                    { for info.scenarios.iter().map(|r| {
                        let chosen = state.lesson == Some(r.id);
                        html! { <option value={r.fragment} selected={chosen}>{w.id("scenario", r.id)}</option> }
                    }) }
                </select>
            </label>
            {inline}
            <button class={classes!("present-button", present.then_some("on"))} onclick={on_present} data-action="present" aria-pressed={present.to_string()} title={w.word("ui.present_help")}>{w.word("ui.present")}</button>
            <details class="header-menu" data-testid="header-menu">
                <summary title={w.word(if folding { "ui.settings_help" } else { "ui.more_help" })}>{w.word(if folding { "ui.settings" } else { "ui.more" })}</summary>
                <div class="header-menu-items">
                    {folded}
                    <label class="field">
                        <span>{w.word("ui.text_size")}</span>
                        <select onchange={on_text} data-testid="text-size" title={w.word("ui.text_size_help")}>
                            { for TEXT_SIZES.iter().map(|t| html! { <option value={t.to_string()} selected={*t == state.text_size}>{format!("{t}%")}</option> }) }
                        </select>
                    </label>
                    <button class="library-button" onclick={let d = state.dispatcher(); Callback::from(move |_: MouseEvent| d.dispatch(Action::ToggleOverlay(Overlay::Library)))} data-action="library" title={w.word("ui.key.library")}>{w.word("ui.library_button")}</button>
                    <button class="small" onclick={let d = state.dispatcher(); Callback::from(move |_: MouseEvent| d.dispatch(Action::ToggleOverlay(Overlay::Keys)))} data-action="keys" title={w.word("ui.key.help")}>{w.word("ui.keys_button")}</button>
                </div>
            </details>
        </header>
    }
}

#[function_component(Controls)]
pub fn controls() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let w = state.dict();
    let h = state.history.borrow();
    let step = h.step();
    let horizon = h.horizon();
    let now = h.sim().now();
    let ended = h.sim().quiescent();
    // Why it ended: every node at rest, or some still waiting for what will never come.
    let waiting = if ended {
        let sim = h.sim();
        sim.node_views().iter().zip(sim.up()).filter(|(v, up)| **up && v.tone == crate::sim::view::Tone::Waiting).count()
    } else {
        0
    };
    drop(h);

    let click = |action: fn() -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(action()))
    };
    let on_scrub = {
        let d = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(step) = input.value().parse() {
                    d.dispatch(Action::Seek(step));
                }
            }
        })
    };
    let on_theme = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::ToggleTheme))
    };
    let on_copy = {
        let d = state.dispatcher();
        let url = page_url(&state.fragment());
        Callback::from(move |_| {
            let ok = copy_to_clipboard(&url);
            d.dispatch(Action::Pause);
            d.dispatch(Action::Notice(Some(Text::key(if ok { "ui.copied" } else { "ui.copy_by_hand" }))));
        })
    };

    let on_lang = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(lang) = Lang::parse(&input_value(&e)) {
                d.dispatch(Action::SetLang(lang));
            }
        })
    };

    // The speed select shows the speed even when keys changed it (a select the viewer
    // has used no longer follows its options' `selected`).
    let speed_ref = use_node_ref();
    {
        let speed_ref = speed_ref.clone();
        use_effect_with(state.speed, move |speed| {
            if let Some(select) = speed_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(&speed.to_string());
            }
        });
    }
    let on_speed = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Ok(i) = input_value(&e).parse() {
                d.dispatch(Action::SetSpeed(i));
            }
        })
    };

    let on_goto = {
        let d = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Ok(step) = input_value(&e).trim().parse::<u64>() {
                d.dispatch(Action::Seek(step.min(super::state::MAX_LINKED_STEP)));
            }
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                input.set_value("");
            }
        })
    };

    html! {
        <div class="controls" role="toolbar" aria-label={w.word("ui.run_controls")}>
            <button onclick={click(|| Action::Reset)} data-action="reset" title={w.word("ui.reset_help")}>{w.word("ui.reset")}</button>
            <button class="icon-text" onclick={click(|| Action::Rewind)} data-action="rewind" title={w.word("ui.rewind_help")} aria-label={w.word("ui.rewind_help")}>{icon(Icon::Rewind)}</button>
            <button onclick={click(|| Action::StepBack)} data-action="step-back" disabled={step == 0} title={w.word("ui.back_help")}>{icon(Icon::Back)}{w.word("ui.step_back")}</button>
            if state.playing {
                <button class="primary" onclick={click(|| Action::TogglePlay)} data-action="pause" title={w.word("ui.pause_help")}>{icon(Icon::Pause)}{w.word("ui.pause")}</button>
            } else {
                <button class="primary" onclick={click(|| Action::TogglePlay)} data-action="play" disabled={ended} title={w.word("ui.play_help")}>{icon(Icon::Play)}{w.word("ui.play")}</button>
            }
            <button onclick={click(|| Action::StepForward)} data-action="step-forward" disabled={ended} title={w.word("ui.forward_help")}>{w.word("ui.step_forward")}{icon(Icon::Forward)}</button>
            <input class="scrubber" type="range" min="0" max={horizon.max(1).to_string()} value={step.to_string()} oninput={on_scrub} data-testid="scrubber" aria-label={w.word("ui.seek")} />
            <input class="goto" type="number" min="0" placeholder={w.word("ui.goto")} onchange={on_goto} data-testid="goto" title={w.word("ui.goto_help")} aria-label={w.word("ui.goto")} />
            <div class="readout">
                <span>{w.word("ui.step")}{" "}<b data-testid="cursor">{step}</b>{format!(" / {}", horizon.max(step))}</span>
                <span>{"t = "}<b data-testid="time">{state.display_time.max(now)}</b></span>
                if ended {
                    <span class="ended" data-testid="ended">{w.word("ui.ended")}{": "}{ if waiting > 0 { w.render(&crate::phrase!("ui.ended_stalled", waiting)) } else { w.word("ui.ended_rest") } }</span>
                }
            </div>
            <label class="field">
                <span>{w.word("ui.speed")}</span>
                <select ref={speed_ref} onchange={on_speed} data-testid="speed" title={w.word("ui.speed_help")}>
                    { for SPEEDS.iter().enumerate().map(|(i, s)| html! { <option value={i.to_string()} selected={i == state.speed}>{format!("{s}×")}</option> }) }
                </select>
            </label>
            <super::export::ExportMenu />
            <input class="share" readonly=true value={page_url(&state.fragment())} data-testid="share-url" aria-label={w.word("ui.link")} />
            <button onclick={on_copy} data-action="copy-link" title={w.word("ui.copy_help")}>{w.word("ui.copy")}</button>
            <select class="lang" onchange={on_lang} data-testid="lang" title={w.word("ui.language")} aria-label={w.word("ui.language")}>
                { for LANGS.iter().map(|l| html! { <option value={l.code()} selected={*l == state.lang}>{l.endonym()}</option> }) }
            </select>
            <button class="icon" onclick={on_theme} title={w.word("ui.theme")} aria-label={w.word("ui.theme")}>{ icon(if state.theme == Theme::Dark { Icon::Sun } else { Icon::Moon }) }</button>
        </div>
    }
}

/// The controls of an embedded page (`embed=1`): reset, step back, play or pause, step,
/// where the run stands, and a link to open it in the full page.
#[function_component(EmbedControls)]
pub fn embed_controls() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let w = state.dict();
    let h = state.history.borrow();
    let (step, ended) = (h.step(), h.sim().quiescent());
    drop(h);
    let click = |action: fn() -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(action()))
    };
    let full = page_url(&state.fragment().replace("&embed=1", ""));
    html! {
        <div class="controls embed-controls" role="toolbar" aria-label={w.word("ui.run_controls")}>
            <button onclick={click(|| Action::Reset)} data-action="reset" title={w.word("ui.reset_help")}>{w.word("ui.reset")}</button>
            <button onclick={click(|| Action::StepBack)} data-action="step-back" disabled={step == 0} title={w.word("ui.back_help")} aria-label={w.word("ui.back_help")}>{icon(Icon::Back)}</button>
            if state.playing {
                <button class="primary" onclick={click(|| Action::TogglePlay)} data-action="pause" title={w.word("ui.pause_help")}>{icon(Icon::Pause)}{w.word("ui.pause")}</button>
            } else {
                <button class="primary" onclick={click(|| Action::TogglePlay)} data-action="play" disabled={ended} title={w.word("ui.play_help")}>{icon(Icon::Play)}{w.word("ui.play")}</button>
            }
            <button onclick={click(|| Action::StepForward)} data-action="step-forward" disabled={ended} title={w.word("ui.forward_help")} aria-label={w.word("ui.forward_help")}>{icon(Icon::Forward)}</button>
            <span class="readout">{w.word("ui.step")}{" "}<b data-testid="cursor">{step}</b></span>
            <span class="spacer" />
            <a class="embed-open" href={full} target="_blank" rel="noopener" data-testid="embed-open" title={w.word("ui.embed_open_help")}>{format!("dsviz · {}", w.word("name"))}{" ↗"}</a>
        </div>
    }
}

/// The transport's icons, drawn here rather than taken from whatever fonts the lecture
/// laptop has (a missing glyph is an empty box).
#[derive(Clone, Copy)]
enum Icon {
    Play,
    Pause,
    Back,
    Forward,
    Rewind,
    Reseed,
    Sun,
    Moon,
}

fn icon(which: Icon) -> Html {
    let shape = match which {
        Icon::Play => html! { <path d="M4 2.5 L13.5 8 L4 13.5 Z" /> },
        Icon::Pause => html! { <><rect x="3.5" y="2.5" width="3.2" height="11" rx="0.6" /><rect x="9.3" y="2.5" width="3.2" height="11" rx="0.6" /></> },
        Icon::Back => html! { <path d="M12 2.5 L2.5 8 L12 13.5 Z" /> },
        Icon::Forward => html! { <path d="M4 2.5 L13.5 8 L4 13.5 Z" /> },
        Icon::Rewind => html! { <><rect x="2.5" y="2.5" width="2.4" height="11" rx="0.5" /><path d="M14 2.5 L5.5 8 L14 13.5 Z" /></> },
        Icon::Reseed => html! { <path class="stroke" d="M13 8 A5 5 0 1 1 10.5 3.7 M10.5 0.8 L10.5 3.9 L13.6 3.9" /> },
        Icon::Sun => html! { <><circle cx="8" cy="8" r="3.2" /><path class="stroke" d="M8 0.8v2M8 13.2v2M0.8 8h2M13.2 8h2M2.9 2.9l1.4 1.4M11.7 11.7l1.4 1.4M2.9 13.1l1.4-1.4M11.7 4.3l1.4-1.4" /></> },
        Icon::Moon => html! { <path d="M10.5 1.5 A6.5 6.5 0 1 0 14.5 10.5 A5 5 0 0 1 10.5 1.5 Z" /> },
    };
    html! { <svg class="ico" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">{shape}</svg> }
}
