//! The guided lesson on the page: the lesson bar (step k of n, its text, previous and
//! next) and the keys overlay (`?`). Reading `lesson=` from a link is `guide.rs`'s.

use yew::prelude::*;

use super::state::{Action, AppHandle, Overlay};

#[function_component(LessonBar)]
pub fn lesson_bar() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let Some(g) = state.guide.clone() else { return html! {} };
    let w = state.dict();
    let k = state.guide_step;
    let n = g.points.len();
    let step = &g.lesson.steps[k];
    let away = state.off_lesson_step();
    let go = |to: usize| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::LessonGo(to)))
    };
    let close = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::LessonClose))
    };
    html! {
        <section class={classes!("lesson-bar", away.then_some("away"))} data-testid="lesson-bar" data-step={(k + 1).to_string()} aria-label={w.word("ui.lesson.bar")}>
            <div class="lesson-head">
                <b class="lesson-name">{g.lesson.title.get(state.lang)}</b>
                <span class="lesson-count" data-testid="lesson-count">{w.render(&crate::phrase!("ui.lesson.count", k + 1, n))}</span>
                <button onclick={go(k.saturating_sub(1))} disabled={k == 0} data-action="lesson-prev" title={w.word("ui.lesson.prev_help")}>{w.word("ui.lesson.prev")}</button>
                <button class="primary" onclick={go((k + 1).min(n - 1))} disabled={k + 1 == n} data-action="lesson-next" title={w.word("ui.lesson.next_help")}>{w.word("ui.lesson.next")}</button>
                if away {
                    <button onclick={go(k)} data-action="lesson-return" title={w.word("ui.lesson.return_help")}>{w.word("ui.lesson.return")}</button>
                }
                <button class="small" onclick={close} data-action="lesson-close" title={w.word("ui.lesson.close_help")} aria-label={w.word("ui.lesson.close_help")}>{"×"}</button>
            </div>
            <p class="lesson-text answer" data-testid="lesson-text">{step.text.get(state.lang)}</p>
        </section>
    }
}

/// Every key, in the page's language.
pub const KEYS: &[(&str, &str)] = &[
    ("space", "ui.key.play"),
    ("→ / ←", "ui.key.step"),
    ("Home / End", "ui.key.home_end"),
    ("+ / −", "ui.key.speed"),
    ("n / p, PageDown / PageUp", "ui.key.lesson"),
    ("r", "ui.key.reset"),
    ("s", "ui.key.stamps"),
    ("j / k", "ui.key.node"),
    ("c", "ui.key.crash"),
    ("d", "ui.key.drop"),
    ("h", "ui.key.hide"),
    ("f", "ui.key.fullscreen"),
    ("m", "ui.key.present"),
    ("l", "ui.key.library"),
    ("?", "ui.key.help"),
    ("Esc", "ui.key.escape"),
];

#[function_component(KeysOverlay)]
pub fn keys_overlay() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    if state.overlay != Overlay::Keys {
        return html! {};
    }
    let w = state.dict();
    let close = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::ToggleOverlay(Overlay::None)))
    };
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label={w.word("ui.keys_title")} data-testid="keys-overlay">
            <div class="overlay-box">
                <h2>{w.word("ui.keys_title")}</h2>
                <table class="keys">
                    { for KEYS.iter().map(|(k, what)| html! { <tr><th><kbd>{*k}</kbd></th><td>{w.word(what)}</td></tr> }) }
                </table>
                <button onclick={close} data-action="overlay-close">{w.word("ui.close")}</button>
            </div>
        </div>
    }
}
