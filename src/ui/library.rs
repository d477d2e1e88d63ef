//! The library: every protocol by family, with its ready-made scenarios and its lessons,
//! each a link. Opened from the header (or the `l` key).

use yew::prelude::*;

use super::layout::{node_positions, Size};
use super::state::{Action, AppHandle, Overlay};
use crate::protocols::REGISTRY;
use crate::sim::protocol::ProtocolInfo;
use crate::sim::topology::Graph;
use crate::words::Dictionary;

/// A protocol's stage in miniature: its default topology at its default size, node 0
/// (the starter, coordinator or first holder in most lessons) filled in.
fn thumbnail(info: &ProtocolInfo) -> Html {
    const SIDE: f64 = 72.0;
    let Some(kind) = info.topologies.first() else { return html! {} };
    let Ok(graph) = Graph::build(&kind.default_topology(), info.nodes.default, 1) else { return html! {} };
    // Laid out as on the stage, then fitted to the thumbnail (the stage keeps room for
    // labels that a thumbnail does not have).
    let stage = node_positions(Size::new(600.0, 600.0), &graph);
    let (x0, x1) = stage.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
    let (y0, y1) = stage.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.y), hi.max(p.y)));
    let scale = (SIDE - 16.0) / (x1 - x0).max(y1 - y0).max(1.0);
    let (dx, dy) = ((SIDE - (x1 - x0) * scale) / 2.0, (SIDE - (y1 - y0) * scale) / 2.0);
    let at: Vec<(f64, f64)> = stage.iter().map(|p| (dx + (p.x - x0) * scale, dy + (p.y - y0) * scale)).collect();
    html! {
        <svg class="thumb" viewBox={format!("0 0 {SIDE} {SIDE}")} width="72" height="72" aria-hidden="true" data-testid="thumbnail">
            { for graph.edges().iter().map(|&(a, b)| html! {
                <line x1={format!("{:.1}", at[a].0)} y1={format!("{:.1}", at[a].1)} x2={format!("{:.1}", at[b].0)} y2={format!("{:.1}", at[b].1)} />
            }) }
            { for at.iter().enumerate().map(|(i, p)| html! {
                <circle class={classes!((i == 0).then_some("first"))} cx={format!("{:.1}", p.0)} cy={format!("{:.1}", p.1)} r="5" />
            }) }
        </svg>
    }
}

/// The first sentence of a scenario's explanation: the library lists, the run explains.
fn first_sentence(text: &str) -> &str {
    let end = [". ", "。"].iter().filter_map(|p| text.find(p).map(|i| i + p.len())).min();
    end.map_or(text, |i| text[..i].trim_end())
}

#[function_component(Library)]
pub fn library() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    if state.overlay != Overlay::Library {
        return html! {};
    }
    let w = state.dict();
    let lang = state.lang;
    let lessons = crate::lesson::all_shipped();
    let infos: Vec<_> = REGISTRY.iter().map(|e| e.info()).collect();
    let mut families: Vec<&'static crate::sim::Family> = Vec::new();
    for i in &infos {
        if !families.iter().any(|f| f.id == i.family.id) {
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
                    <section class="family" data-family={fam.id}>
                        <h3>{Dictionary::new(lang, fam.words, &[]).id("family", fam.id)}</h3>
                        { for infos.iter().filter(|i| i.family.id == fam.id).map(|info| {
                            let d = Dictionary::for_protocol(lang, info, super::words::UI);
                            let mine: Vec<_> = lessons.iter().filter(|l| l.protocol() == info.id).collect();
                            let (href, onclick) = link(format!("v=1&proto={}&lang={}", info.id, lang.code()));
                            html! {
                                <div class="entry" data-protocol={info.id}>
                                    {thumbnail(info)}
                                    <div class="entry-text">
                                    <a class="entry-name" {href} {onclick}>{d.word("name")}</a>
                                    <span class="entry-summary">{first_sentence(&d.word("summary")).to_string()}</span>
                                    <ul>
                                        { for mine.iter().map(|l| {
                                            let (href, onclick) = link(format!("lesson={}&lang={}", l.id, lang.code()));
                                            html! { <li class="lesson-link"><a {href} {onclick} data-lesson={l.id.clone()}><span class="tag">{w.word("ui.lesson")}</span>{l.title.get(lang)}</a>{" — "}{l.summary.get(lang)}</li> }
                                        }) }
                                        { for info.scenarios.iter().map(|r| {
                                            let (href, onclick) = link(format!("{}&lang={}", r.fragment, lang.code()));
                                            let about = d.word(&format!("scenario.{}.about", r.id));
                                            html! { <li title={about.clone()}><a {href} {onclick} data-scenario={r.id}>{d.id("scenario", r.id)}</a>{" — "}{first_sentence(&about).to_string()}</li> }
                                        }) }
                                    </ul>
                                    </div>
                                </div>
                            }
                        }) }
                    </section>
                }) }
            </div>
        </div>
    }
}
