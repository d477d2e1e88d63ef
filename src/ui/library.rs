//! The library: every protocol by family, with its ready-made scenarios and its lessons,
//! each a link. Opened from the header (or the `l` key).

use yew::prelude::*;

use super::state::{Action, AppHandle, Overlay};
use crate::protocols::REGISTRY;
use crate::words::Dictionary;

#[function_component(Library)]
pub fn library() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    if state.overlay != Overlay::Library {
        return html! {};
    }
    let w = state.dict();
    let lang = state.lang;
    let lessons = crate::lesson::all_shipped();
    let infos: Vec<_> = REGISTRY.iter().map(|e| (e.info)()).collect();
    let mut families: Vec<&str> = Vec::new();
    for i in &infos {
        if !families.contains(&i.family) {
            families.push(i.family);
        }
    }
    let close = {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::ToggleOverlay(Overlay::None)))
    };
    // A link opens its run here (the address bar changes, the page follows it).
    let link = |fragment: String| {
        let d = state.dispatcher();
        let f = fragment.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            d.dispatch(Action::Load(f.clone()));
        });
        (format!("#{fragment}"), onclick)
    };
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label={w.word("ui.library")} data-testid="library">
            <div class="overlay-box library">
                <div class="library-head">
                    <h2>{w.word("ui.library")}</h2>
                    <button onclick={close} data-action="overlay-close">{w.word("ui.close")}</button>
                </div>
                <p class="hint">{w.word("ui.library_help")}</p>
                { for families.iter().map(|fam| html! {
                    <section class="family" data-family={*fam}>
                        <h3>{w.id("family", fam)}</h3>
                        { for infos.iter().filter(|i| i.family == *fam).map(|info| {
                            let d = Dictionary::new(lang, info.words, super::words::UI);
                            let mine: Vec<_> = lessons.iter().filter(|l| l.protocol() == info.id).collect();
                            let (href, onclick) = link(format!("v=1&proto={}&lang={}", info.id, lang.code()));
                            html! {
                                <div class="entry" data-protocol={info.id}>
                                    <a class="entry-name" {href} {onclick}>{d.word("name")}</a>
                                    <span class="entry-summary">{d.word("summary")}</span>
                                    <ul>
                                        { for mine.iter().map(|l| {
                                            let (href, onclick) = link(format!("lesson={}&lang={}", l.id, lang.code()));
                                            html! { <li class="lesson-link"><a {href} {onclick} data-lesson={l.id.clone()}><span class="tag">{w.word("ui.lesson")}</span>{l.title.get(lang)}</a>{" — "}{l.summary.get(lang)}</li> }
                                        }) }
                                        { for info.scenarios.iter().map(|r| {
                                            let (href, onclick) = link(format!("{}&lang={}", r.fragment, lang.code()));
                                            html! { <li><a {href} {onclick} data-scenario={r.id}>{d.id("scenario", r.id)}</a>{" — "}{d.word(&format!("scenario.{}.about", r.id))}</li> }
                                        }) }
                                    </ul>
                                </div>
                            }
                        }) }
                    </section>
                }) }
            </div>
        </div>
    }
}
