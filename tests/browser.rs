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

/// Mount a fresh app on its own root with the given scenario in the URL. The tests run
/// interleaved and every app follows the one address bar, so a test reads its own app's
/// link (`share_link`), never `location.hash`, after it has mounted.
async fn mount(fragment: &str) -> web_sys::Element {
    web_sys::window().unwrap().location().set_hash(fragment).unwrap();
    let root = document().create_element("div").unwrap();
    root.set_attribute("style", "width:1280px;height:720px").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<dsviz::ui::App>::with_root(root.clone()).render();
    settle().await;
    root
}

/// The link this app shows for its run.
fn share_link(root: &web_sys::Element) -> String {
    one(root, "[data-testid=share-url]").dyn_into::<web_sys::HtmlInputElement>().unwrap().value()
}

fn cursor(root: &web_sys::Element) -> String {
    one(root, "[data-testid=cursor]").text_content().unwrap()
}

#[wasm_bindgen_test]
async fn token_ring_steps_back_and_catches_a_dropped_token() {
    let root = mount("v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=0&lang=en").await;
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
    assert!(one(&root, "[data-invariant='one_token']").class_list().contains("ok"));

    // Click the token in flight, then "Drop" in its menu.
    click(&flying[0]);
    settle().await;
    click(&one(&root, "[data-testid=popup] [data-act=drop]"));
    settle().await;
    assert!(all(&one(&root, "#topology"), "[data-msg]").is_empty(), "the dropped token is gone");
    assert_eq!(all(&one(&root, "#topology"), ".death").len(), 1, "and is seen dying");
    assert!(one(&root, "[data-invariant='one_token']").class_list().contains("bad"), "the monitor catches the lost token");
    let violations = one(&root, "[data-testid=violations]").text_content().unwrap();
    assert!(violations.contains("one token") && violations.contains("lost"), "{violations}");
    assert_eq!(one(&root, "[data-testid=dropped]").text_content().unwrap(), "1 / 0");
    // The link now carries the drop.
    let hash = share_link(&root);
    assert!(hash.contains("act=0") && hash.contains("drop:0"), "{hash}");
    root.remove();
}

#[wasm_bindgen_test]
async fn election_metrics_reach_the_textbook_worst_case() {
    let root = mount("v=1&proto=election-ring&n=6&seed=1&p.ids=worst&p.initiators=one&lang=en").await;
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
    let row = one(&root, "[data-metric='messages'] .num").text_content().unwrap();
    assert_eq!(row, "17");
    assert!(all(&root, ".invariants .bad").is_empty());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_broken_link_shows_what_was_wrong_and_still_runs() {
    let root = mount("v=1&proto=mutex-token-ring&n=99&topo=moebius&drop=lots&lang=en").await;
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
    assert_eq!(one(&svg, "[data-node='2']").get_attribute("data-role").as_deref(), Some("held"));
    root.remove();
}

/// The page's text, without what is typed into fields.
fn page_text(root: &web_sys::Element) -> String {
    root.text_content().unwrap_or_default()
}

fn change(el: &web_sys::Element, value: &str) {
    let select: web_sys::HtmlSelectElement = el.clone().dyn_into().unwrap();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn the_language_switch_changes_every_word_on_the_page() {
    use dsviz::words::{Lang, CORE};
    let fragment = "v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=200&act=0:input:2:request&lang=en";
    let root = mount(fragment).await;
    for _ in 0..6 {
        click(&one(&root, "[data-action=step-forward]"));
        settle().await;
    }
    click(&one(&root, "#topology [data-node='2']"));
    settle().await;
    let english = page_text(&root);
    assert!(english.contains("Copy link") && english.contains("Invariants"), "{english}");
    change(&one(&root, "[data-testid=lang]"), "zh");
    settle().await;
    assert_eq!(one(&root, "[data-testid=app]").get_attribute("data-lang").as_deref(), Some("zh"));
    let chinese = page_text(&root);
    assert!(chinese.contains("复制链接") && chinese.contains("不变式") && chinese.contains("令牌环"), "{chinese}");
    // No phrase of two or more English words from any table is left on the page.
    let info = (dsviz::protocols::find("mutex-token-ring").unwrap().info)();
    let tables = [info.words, CORE, dsviz::ui::words::UI];
    let mut left = Vec::new();
    for w in tables.iter().flat_map(|t| t.iter()) {
        let fixed: String = w.en.split('{').next().unwrap_or("").trim().to_string();
        if fixed.split_whitespace().filter(|x| x.chars().all(|c| c.is_ascii_alphabetic())).count() >= 2 && w.en != w.zh && chinese.contains(&fixed) {
            left.push(format!("{}: {fixed}", w.key));
        }
    }
    assert!(left.is_empty(), "English left on the Chinese page: {left:?}");
    // And back: the link carries the language.
    let hash = share_link(&root);
    assert!(hash.contains("lang=zh"), "{hash}");
    let _ = Lang::Zh;
    root.remove();
}

#[wasm_bindgen_test]
async fn a_chinese_link_opens_in_chinese() {
    let root = mount("v=1&proto=election-ring&n=6&lang=zh").await;
    assert_eq!(one(&root, "[data-testid=app]").get_attribute("data-lang").as_deref(), Some("zh"));
    let text = page_text(&root);
    assert!(text.contains("环选举") && text.contains("前进"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_chart_and_an_overlay_are_drawn() {
    // Node 3 waits while the token heads for node 1: the token's way is drawn over the ring,
    // and the charts show one node waiting and the entries per node.
    let root = mount("v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0&act=0:input:3:request&lang=en").await;
    let arrows = all(&root, "#topology [data-overlay=arrows] line");
    assert_eq!(arrows.len(), 2, "the road 1 → 2 → 3");
    let waiting = one(&root, "[data-testid=charts] [data-chart=waiting] polyline");
    assert!(!waiting.get_attribute("points").unwrap_or_default().is_empty());
    assert_eq!(all(&root, "[data-testid=charts] [data-chart=entries] rect.series").len(), 6, "a bar per node");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_message_sent_by_hand_goes_where_it_was_told_and_into_the_link() {
    // Clocks with no spontaneous actions: only what is clicked happens.
    let root = mount("v=1&proto=clocks-vector&n=3&seed=1&p.every=0&lang=en").await;
    assert!(all(&root, "#topology [data-msg]").is_empty());
    click(&one(&root, "#topology [data-node='0']"));
    settle().await;
    click(&one(&root, "[data-testid=popup] [data-input=send_to] [data-arg='2']"));
    settle().await;
    let flying = all(&root, "#topology [data-msg]");
    assert_eq!(flying.len(), 1, "one message");
    assert_eq!(flying[0].get_attribute("data-from").as_deref(), Some("0"));
    assert_eq!(flying[0].get_attribute("data-to").as_deref(), Some("2"));
    let hash = share_link(&root);
    assert!(hash.contains("input:0:send_to=2"), "{hash}");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_comparison_runs_the_family_on_this_workload() {
    let root = mount("v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=300&lang=en").await;
    assert!(all(&root, "[data-testid=compare-table]").is_empty(), "nothing is run until asked");
    click(&one(&root, "[data-action=compare]"));
    settle().await;
    let rows = all(&root, "[data-testid=compare-table] tr[data-protocol]");
    assert!(!rows.is_empty());
    let ring = one(&root, "[data-testid=compare-table] tr[data-protocol='mutex-token-ring']");
    let text = ring.text_content().unwrap();
    assert!(text.contains("Token ring") && text.contains("0..N"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn maekawas_deadlock_is_drawn_as_a_cycle_and_the_fix_has_none() {
    let run_out = |root: web_sys::Element| async move {
        for _ in 0..400 {
            let button = one(&root, "[data-action=step-forward]");
            if button.has_attribute("disabled") {
                break;
            }
            click(&button);
            TimeoutFuture::new(3).await;
        }
        settle().await;
        root
    };
    let root = mount("v=1&proto=mutex-maekawa&n=9&seed=0&p.requests=0&act=0:input:0:request,0:input:4:request,0:input:8:request&lang=en").await;
    let root = run_out(root).await;
    let cycle = all(&root, "#topology [data-overlay=arrows].alarm line");
    assert_eq!(cycle.len(), 3, "n0 → n4 → n8 → n0 drawn in alarm colour");
    assert!(one(&root, "[data-invariant='progress']").class_list().contains("bad"), "the stall is caught");
    root.remove();
    let root = mount("v=1&proto=mutex-maekawa&n=9&seed=0&p.requests=0&p.fix=on&act=0:input:0:request,0:input:4:request,0:input:8:request&lang=en").await;
    let root = run_out(root).await;
    assert!(all(&root, "#topology [data-overlay=arrows].alarm").is_empty(), "no cycle with inquire/relinquish");
    assert!(all(&root, ".invariants .bad").is_empty());
    root.remove();
}

/// The centre and radius of each node body, in the SVG's own units.
fn node_circles(svg: &web_sys::Element) -> Vec<(f64, f64, f64)> {
    all(svg, "[data-node] .node-body")
        .iter()
        .map(|c| {
            let num = |a: &str| c.get_attribute(a).unwrap().parse::<f64>().unwrap();
            (num("cx"), num("cy"), num("r"))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_31_node_tree_is_drawn_in_layers_with_no_node_on_another_or_on_an_edge() {
    let root = mount("v=1&proto=election-tree&n=31&topo=tree:2&p.initiators=none&lang=en").await;
    let svg = one(&root, "#topology");
    let nodes = node_circles(&svg);
    assert_eq!(nodes.len(), 31, "every node drawn");
    for (i, a) in nodes.iter().enumerate() {
        for (j, b) in nodes.iter().enumerate().skip(i + 1) {
            let gap = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt() - a.2 - b.2;
            assert!(gap > 2.0, "nodes {i} and {j} overlap or touch (gap {gap:.1})");
        }
    }
    // A binary tree of 31 nodes has five layers; each node sits below its parent.
    let mut layers: Vec<i64> = nodes.iter().map(|n| n.1.round() as i64).collect();
    layers.sort_unstable();
    layers.dedup();
    assert_eq!(layers.len(), 5, "five layers: {layers:?}");
    for (i, n) in nodes.iter().enumerate().skip(1) {
        assert!(n.1 > nodes[(i - 1) / 2].1, "node {i} is drawn below its parent");
    }
    let edges = all(&svg, ".edges .edge-line");
    assert_eq!(edges.len(), 30, "every edge drawn once");
    for e in &edges {
        let num = |a: &str| e.get_attribute(a).unwrap().parse::<f64>().unwrap();
        let (x1, y1, x2, y2) = (num("x1"), num("y1"), num("x2"), num("y2"));
        let len2 = (x2 - x1).powi(2) + (y2 - y1).powi(2);
        for (k, n) in nodes.iter().enumerate() {
            let t = (((n.0 - x1) * (x2 - x1) + (n.1 - y1) * (y2 - y1)) / len2).clamp(0.0, 1.0);
            let d = ((x1 + t * (x2 - x1) - n.0).powi(2) + (y1 + t * (y2 - y1) - n.1).powi(2)).sqrt();
            let endpoint = (n.0 - x1).hypot(n.1 - y1) < 1.0 || (n.0 - x2).hypot(n.1 - y2) < 1.0;
            assert!(endpoint || d > n.2, "the edge ({x1:.0},{y1:.0})-({x2:.0},{y2:.0}) crosses node {k}");
        }
    }
}

/// Every ready-made scenario of every protocol in `families` (all others when empty of
/// matches: `None`) loads from the picker, steps forward and back to the same picture,
/// and shows no word missing from the tables. Split by family to stay within the test
/// runner's time limit.
async fn tour(families: Option<&[&str]>) {
    const TOURED: &[&str] = &["mutex", "election", "clocks"];
    // One app for the whole tour: the picker switches protocols as a student would.
    let root = mount("v=1&proto=mutex-token-ring&lang=zh").await;
    let quick = || TimeoutFuture::new(20);
    for entry in dsviz::protocols::REGISTRY {
        let info = (entry.info)();
        let wanted_here = match families {
            Some(f) => f.contains(&info.family),
            None => !TOURED.contains(&info.family),
        };
        if !wanted_here {
            continue;
        }
        change(&one(&root, "[data-testid=protocol]"), info.id);
        settle().await;
        for ready in info.scenarios {
            change(&one(&root, "[data-testid=scenario]"), ready.fragment);
            settle().await;
            // A scenario may start playing; the link follows the run once it pauses.
            if let Some(pause) = root.query_selector("[data-action=pause]").unwrap() {
                click(&pause);
                quick().await;
            }
            let wanted = dsviz::sim::Scenario::parse_strict(ready.fragment, dsviz::protocols::REGISTRY).unwrap();
            let shown = dsviz::sim::Scenario::parse(&share_link(&root), dsviz::protocols::REGISTRY).0;
            assert_eq!(shown.run_only(), wanted.run_only(), "{}/{}: the link is the scenario's", info.id, ready.id);
            let svg = one(&root, "#topology");
            assert_eq!(all(&svg, "[data-node]").len(), wanted.n, "{}/{}: every node drawn", info.id, ready.id);
            for _ in 0..3 {
                if let Some(b) = root.query_selector("[data-action=step-forward]:not([disabled])").unwrap() {
                    click(&b);
                    quick().await;
                }
            }
            // What is drawn, not where an arrow is mid-animation: nodes (class, words) and
            // the messages in flight.
            let picture = |svg: &web_sys::Element| {
                let nodes: Vec<String> = all(svg, "[data-node]").iter().map(|n| format!("{} {}", n.get_attribute("class").unwrap_or_default(), n.text_content().unwrap_or_default())).collect();
                let msgs: Vec<String> = all(svg, "[data-msg]").iter().map(|m| m.get_attribute("data-msg").unwrap_or_default()).collect();
                (nodes, msgs)
            };
            let there = (cursor(&root), picture(&svg));
            click(&one(&root, "[data-action=step-back]"));
            quick().await;
            if let Some(b) = root.query_selector("[data-action=step-forward]:not([disabled])").unwrap() {
                click(&b);
                quick().await;
            }
            assert_eq!((cursor(&root), picture(&svg)), there, "{}/{}: back and forth again is the same picture", info.id, ready.id);
            let text = page_text(&root);
            if let Some(at) = text.find('⟦') {
                panic!("{}/{}: a word is missing: {}", info.id, ready.id, text[at..].chars().take(60).collect::<String>());
            }
        }
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn every_mutual_exclusion_scenario_loads_from_the_picker_and_travels_in_time() {
    tour(Some(&["mutex"])).await;
}

#[wasm_bindgen_test]
async fn every_election_scenario_loads_from_the_picker_and_travels_in_time() {
    tour(Some(&["election"])).await;
}

#[wasm_bindgen_test]
async fn every_clocks_and_multicast_scenario_loads_from_the_picker_and_travels_in_time() {
    tour(Some(&["clocks"])).await;
}

#[wasm_bindgen_test]
async fn every_other_scenario_loads_from_the_picker_and_travels_in_time() {
    tour(None).await;
}

#[wasm_bindgen_test]
async fn embed_mode_shows_just_the_simulation() {
    let root = mount("v=1&proto=election-ring&n=5&seed=1&lang=en&embed=1").await;
    assert_eq!(all(&root, "[data-embed='1']").len(), 1, "the page knows it is embedded");
    assert_eq!(all(&one(&root, "#topology"), "[data-node]").len(), 5, "the topology is drawn");
    assert_eq!(all(&root, "#timeline").len(), 1, "and the diagram");
    for chrome in [".header", ".panels", "[data-testid=protocol]", "[data-testid=share-url]", "[data-testid=export-menu]", "[data-testid=speed]"] {
        assert!(all(&root, chrome).is_empty(), "embed mode hides {chrome}");
    }
    // The minimal controls work, and the link stays embedded through a reset.
    click(&one(&root, "[data-action=step-forward]"));
    settle().await;
    assert_eq!(cursor(&root), "1");
    click(&one(&root, "[data-action=reset]"));
    settle().await;
    assert_eq!(cursor(&root), "0");
    assert_eq!(all(&root, "[data-embed='1']").len(), 1, "still embedded after a reset");
    let full = one(&root, "[data-testid=embed-open]").get_attribute("href").unwrap();
    assert!(full.contains("proto=election-ring") && !full.contains("embed=1"), "the way out opens the full page: {full}");
    root.remove();

    // Without embed=1 the chrome is there.
    let root = mount("v=1&proto=election-ring&n=5&seed=1&lang=en").await;
    assert!(all(&root, "[data-embed]").is_empty());
    assert_eq!(all(&root, ".header").len(), 1);
    assert_eq!(all(&root, "[data-testid=export-menu]").len(), 1);
    root.remove();
}
