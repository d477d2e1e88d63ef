//! The app in a real browser (headless Chrome through wasm-pack): mount it, step, look at
//! the SVG, step back, break something and read the monitors.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().dyn_into().unwrap()).collect()
}

fn one(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn click(el: &web_sys::Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// Yew renders asynchronously; give it a moment after each action.
async fn settle() {
    TimeoutFuture::new(60).await;
}

/// Mount a fresh app on its own root with the given scenario in the URL.
async fn mount(fragment: &str) -> web_sys::Element {
    web_sys::window().unwrap().location().set_hash(fragment).unwrap();
    let root = document().create_element("div").unwrap();
    root.set_attribute("style", "width:1280px;height:720px").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<dsviz::ui::App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn cursor(root: &web_sys::Element) -> String {
    one(root, "[data-testid=cursor]").text_content().unwrap()
}

#[wasm_bindgen_test]
async fn token_ring_steps_back_and_catches_a_dropped_token() {
    let root = mount("v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=0").await;
    let svg = one(&root, "#topology");
    assert_eq!(all(&svg, "[data-node]").len(), 5, "five nodes drawn");
    assert_eq!(cursor(&root), "0");

    // At step 0 node 0 has just passed the token to node 1: one arrow, drawn as the token.
    let flying = all(&svg, "[data-msg]");
    assert_eq!(flying.len(), 1);
    assert_eq!(flying[0].get_attribute("data-kind").as_deref(), Some("token"));
    assert_eq!(flying[0].get_attribute("data-from").as_deref(), Some("0"));
    assert_eq!(flying[0].get_attribute("data-to").as_deref(), Some("1"));
    assert_eq!(all(&svg, ".token.flying").len(), 1, "the token is drawn on the arrow");

    // One step: node 1 receives it and passes it on to node 2.
    click(&one(&root, "[data-action=step-forward]"));
    settle().await;
    assert_eq!(cursor(&root), "1");
    let flying = all(&one(&root, "#topology"), "[data-msg]");
    assert_eq!(flying.len(), 1);
    assert_eq!(flying[0].get_attribute("data-from").as_deref(), Some("1"));
    assert_eq!(flying[0].get_attribute("data-to").as_deref(), Some("2"));

    // Back again: the token is on its way from 0 to 1 once more.
    click(&one(&root, "[data-action=step-back]"));
    settle().await;
    assert_eq!(cursor(&root), "0");
    let flying = all(&one(&root, "#topology"), "[data-msg]");
    assert_eq!(flying[0].get_attribute("data-from").as_deref(), Some("0"));

    // Nothing is broken yet.
    assert!(one(&root, "[data-invariant='one token']").class_list().contains("ok"));

    // Click the token in flight, then "Drop" in its menu.
    click(&flying[0]);
    settle().await;
    click(&one(&root, "[data-testid=popup] [data-act=drop]"));
    settle().await;
    assert!(all(&one(&root, "#topology"), "[data-msg]").is_empty(), "the dropped token is gone");
    assert_eq!(all(&one(&root, "#topology"), ".death").len(), 1, "and is seen dying");
    assert!(one(&root, "[data-invariant='one token']").class_list().contains("bad"), "the monitor catches the lost token");
    let violations = one(&root, "[data-testid=violations]").text_content().unwrap();
    assert!(violations.contains("one token") && violations.contains("lost"), "{violations}");
    assert_eq!(one(&root, "[data-testid=dropped]").text_content().unwrap(), "1 / 0");
    // The link now carries the drop.
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.contains("act=0") && hash.contains("drop:0"), "{hash}");
    root.remove();
}

#[wasm_bindgen_test]
async fn election_metrics_reach_the_textbook_worst_case() {
    let root = mount("v=1&proto=election-ring&n=6&seed=1&p.ids=worst&p.initiators=one").await;
    for _ in 0..200 {
        let button = one(&root, "[data-action=step-forward]");
        if button.has_attribute("disabled") {
            break;
        }
        click(&button);
        TimeoutFuture::new(5).await;
    }
    settle().await;
    let metrics = one(&root, "[data-testid=metrics]").text_content().unwrap();
    assert!(metrics.contains("3N-1 = 17"), "{metrics}");
    let row = one(&root, "[data-metric='messages per election'] .num").text_content().unwrap();
    assert_eq!(row, "17");
    assert!(all(&root, ".invariants .bad").is_empty());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_broken_link_shows_what_was_wrong_and_still_runs() {
    let root = mount("v=1&proto=mutex-token-ring&n=99&topo=moebius&drop=lots").await;
    let problems = one(&root, "[data-testid=problems]").text_content().unwrap();
    for key in ["n:", "topo:", "drop:"] {
        assert!(problems.contains(key), "{key} in {problems}");
    }
    assert!(problems.contains("2 to 32") && problems.contains("ring"), "{problems}");
    assert_eq!(all(&one(&root, "#topology"), "[data-node]").len(), 6, "defaults are used");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_token_rests_beside_the_node_that_holds_it() {
    // Node 2 wants the critical section; the token gets there in two transits and stays.
    let root = mount("v=1&proto=mutex-token-ring&n=4&seed=1&p.requests=0&p.cs=500&act=0:input:2:request").await;
    assert!(all(&root, "#topology [data-token-at]").is_empty(), "in flight at the start, resting nowhere");
    for _ in 0..2 {
        click(&one(&root, "[data-action=step-forward]"));
        settle().await;
    }
    let svg = one(&root, "#topology");
    let resting = all(&svg, "[data-token-at]");
    assert_eq!(resting.len(), 1);
    assert_eq!(resting[0].get_attribute("data-token-at").as_deref(), Some("2"));
    assert!(all(&svg, "[data-msg]").is_empty(), "no token in flight while node 2 is inside");
    assert_eq!(one(&svg, "[data-node='2']").get_attribute("data-role").as_deref(), Some("in CS"));
    root.remove();
}
