//! The guided lesson on the page: reading `lesson=` from a link, the lesson bar (step k of
//! n, its text, previous and next) and the keys overlay (`?`).

use std::rc::Rc;

use yew::prelude::*;

use super::state::{Action, AppHandle, Overlay};
use crate::lesson::Lesson;
use crate::protocols::REGISTRY;
use crate::words::{Lang, Text};

/// A lesson being followed: the lesson, the engine step of each of its steps, and how a
/// link names it (a shipped id, or its JSON in base64).
#[derive(Debug, PartialEq)]
pub struct Guide {
    pub lesson: Lesson,
    pub points: Vec<u64>,
    pub key: String,
}

fn pairs(fragment: &str) -> Vec<(&str, &str)> {
    let fragment = fragment.trim().trim_start_matches('#');
    let fragment = fragment.split_once('#').map_or(fragment, |(_, f)| f);
    fragment.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or(("proto", p))).collect()
}

/// The fragment that shows step `k` of a lesson: its run, its point, its view.
pub fn step_fragment(g: &Guide, k: usize, lang: Option<Lang>) -> String {
    let mut out = format!("{}&at={}", g.lesson.scenario, g.points[k]);
    if let Some(lang) = lang {
        out.push_str(&format!("&lang={}", lang.code()));
    }
    let step = &g.lesson.steps[k];
    if let Some(sel) = step.sel {
        out.push_str(&format!("&sel={}", sel.encode()));
    }
    if let Some(v) = step.stamps {
        out.push_str(if v { "&stamps=vector" } else { "&stamps=lamport" });
    }
    out
}

/// The lesson a link asks for (`lesson=ID` or the lesson itself, `lstep=K` from 1), and the
/// fragment of the run to show: the link's own run when it has one (a link the page made
/// while following the lesson), else the lesson's run at that step. None: no lesson asked.
#[allow(clippy::type_complexity)]
pub fn from_fragment(fragment: &str) -> Option<Result<(Rc<Guide>, usize, String), Text>> {
    let pairs = pairs(fragment);
    let key = pairs.iter().rev().find(|(k, _)| *k == "lesson")?.1;
    let bad = |at: String, message: String| crate::phrase!("ui.lesson.bad", at, message);
    let lesson = match crate::lesson::from_link(key) {
        Ok(l) => l,
        Err(e) => return Some(Err(bad(e.at, e.message))),
    };
    let points = match lesson.resolve(REGISTRY) {
        Ok(p) => p,
        Err(e) => return Some(Err(bad(e.at, e.message))),
    };
    // A shipped lesson is named by its id; any other travels whole.
    let key = if crate::lesson::shipped(&lesson.id).as_ref() == Some(&lesson) { lesson.id.clone() } else { key.to_string() };
    let n = points.len();
    let lstep = pairs.iter().rev().find(|(k, _)| *k == "lstep").map(|(_, v)| *v);
    let step = match lstep.map(|v| v.parse::<usize>()) {
        None => 0,
        Some(Ok(k)) if (1..=n).contains(&k) => k - 1,
        Some(_) => return Some(Err(crate::phrase!("url.problem", "lstep", crate::phrase!("url.view", lstep.unwrap_or(""), format!("1-{n}"))))),
    };
    let guide = Rc::new(Guide { lesson, points, key });
    let run = if pairs.iter().any(|(k, _)| *k == "proto") {
        fragment.to_string()
    } else {
        // The lesson's run at the step, then the link's own view settings (they win).
        let mut out = step_fragment(&guide, step, None);
        for (k, v) in &pairs {
            if !matches!(*k, "lesson" | "lstep") {
                out.push_str(&format!("&{k}={v}"));
            }
        }
        out
    };
    Some(Ok((guide, step, run)))
}

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
