//! The scenario URL: round trips, tolerance, and messages that say what is accepted.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::protocols::REGISTRY;
use dsviz::sim::Scenario;
use dsviz::ui::view_settings::{link, parse_link, Stamps, ViewSelection, ViewSettings};

fn errors(text: &str) -> (Scenario, Vec<String>) {
    let (s, e) = Scenario::parse(text, REGISTRY);
    (s, e.iter().map(|e| e.to_string()).collect())
}

#[test]
fn every_scenario_round_trips() {
    for entry in REGISTRY {
        let info = entry.info();
        let mut all = vec![Scenario::defaults(&info)];
        for ready in info.scenarios {
            all.push(Scenario::parse_strict(ready.fragment, REGISTRY).unwrap());
        }
        for s in all {
            let text = s.to_fragment();
            assert_eq!(Scenario::parse_strict(&text, REGISTRY).unwrap(), s, "{text}");
        }
    }
    let busy = "v=1&proto=mutex-token-ring&n=7&seed=99&topo=ring&delay=5-500&drop=0.25&dup=12.5&fifo=0&p.cs=10&p.requests=0\
                &act=0:input:3:request,4@250:crash:2,9:cut:1-2,9:partition:0.1/2.3.4,12:heal,13:net:10-20/1/0/any,20:delay:7:100,21:dup:8,22:drop:9&at=57@1230";
    let s = Scenario::parse_strict(busy, REGISTRY).unwrap();
    assert_eq!(s.to_fragment(), busy.replace(' ', ""));
    assert_eq!((s.at, s.at_time, s.acts.len()), (Some(57), Some(1230), 9));
}

#[test]
fn full_urls_bare_ids_and_escapes_are_read() {
    let (s, e) = errors("https://example.org/course/dsviz/#v=1&proto=election-ring&n=5");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!((s.protocol, s.n), ("election-ring", 5));
    let (s, e) = errors("election-ring");
    assert!(e.is_empty());
    assert_eq!(s, Scenario::defaults(&dsviz::protocols::find("election-ring").unwrap().info()));
    let (s, e) = errors("#v=1&proto=mutex-token-ring&act=0%3Ainput%3A3%3Arequest%2C2%3Acrash%3A1");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(s.acts.len(), 2);
}

#[test]
fn unknown_keys_are_ignored_silently() {
    let (s, e) = errors("v=1&proto=election-ring&utm_source=mail&p.nonsense=3&zoom=4");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(s.protocol, "election-ring");
}

#[test]
fn bad_values_name_the_key_and_what_is_accepted_and_fall_back() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("v=1&proto=mutex-token-ring&n=99", "n: '99'", &["2 to 32"]),
        ("v=1&proto=mutex-token-ring&n=abc", "n: 'abc'", &["whole number"]),
        ("v=1&proto=mutex-token-ring&topo=star", "topo: 'star'", &["accepted: ring"]),
        ("v=1&proto=mutex-token-ring&seed=-1", "seed: '-1'", &["whole number"]),
        ("v=1&proto=mutex-token-ring&delay=80-40", "delay: '80-40'", &["MIN-MAX"]),
        ("v=1&proto=mutex-token-ring&drop=150", "drop: '150'", &["percentage from 0 to 100"]),
        ("v=1&proto=mutex-token-ring&dup=x", "dup: 'x'", &["percentage"]),
        ("v=1&proto=mutex-token-ring&fifo=maybe", "fifo: 'maybe'", &["1 or 0"]),
        ("v=1&proto=mutex-token-ring&p.cs=0", "p.cs", &["1", "10000"]),
        ("v=1&proto=election-ring&p.ids=sorted", "p.ids", &["worst", "best", "random"]),
        ("v=1&proto=no-such-thing", "proto: 'no-such-thing'", &["mutex-token-ring", "election-ring", "clocks-vector"]),
        ("v=2&proto=mutex-token-ring", "v: format version '2'", &["accepted: 1"]),
        ("v=1&proto=mutex-token-ring&act=3:explode:1", "act: '3:explode:1'", &["crash:N"]),
        ("v=1&proto=mutex-token-ring&n=4&act=0:crash:9", "act: '0:crash:9'", &["nodes are 0 to 3"]),
        ("v=1&proto=mutex-token-ring&at=soon", "at: 'soon'", &["step number"]),
    ];
    for (text, head, accepted) in cases {
        let (s, e) = errors(text);
        assert_eq!(e.len(), 1, "{text}: {e:?}");
        assert!(e[0].starts_with(head), "{text}: {}", e[0]);
        for a in *accepted {
            assert!(e[0].contains(a), "{text}: '{}' lacks '{a}'", e[0]);
        }
        // The rest is defaults and the run still starts.
        assert!(s.start(REGISTRY).is_ok(), "{text}");
        assert!(Scenario::parse_strict(text, REGISTRY).is_err());
    }
    // An unknown protocol falls back to the default protocol.
    assert_eq!(errors("proto=nope").0.protocol, REGISTRY[0].info().id);
    // A bad key keeps its default while the good keys are kept.
    let (s, _) = errors("v=1&proto=mutex-token-ring&n=99&seed=5");
    assert_eq!((s.n, s.seed), (6, 5));
}

#[test]
fn richer_topologies_round_trip_and_run() {
    for topo in ["tree", "tree:3", "tree:8", "random-tree", "grid", "edges:0-1.1-2.2-3", "edges:0-4.1-4.2-4.3-4", "star", "complete", "ring"] {
        let text = format!("v=1&proto=clocks-vector&n=5&seed=3&topo={topo}&delay=60-160&drop=0&dup=0&fifo=0&p.actions=4&p.every=120&p.send=60");
        let s = Scenario::parse_strict(&text, REGISTRY).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(s.topology.encode(), topo);
        assert_eq!(s.to_fragment(), text);
        assert_eq!(Scenario::parse_strict(&s.to_fragment(), REGISTRY).unwrap(), s);
        let setup = s.setup().unwrap();
        assert_eq!((setup.graph.n(), setup.seed), (5, 3));
        assert!(s.start(REGISTRY).is_ok(), "{text}");
    }
    // `tree:2` is `tree`, and is written so.
    let s = Scenario::parse_strict("v=1&proto=clocks-vector&topo=tree:2", REGISTRY).unwrap();
    assert!(s.to_fragment().contains("&topo=tree&"));
    // A random tree follows the run's seed.
    let tree = |seed: u64| {
        let s = Scenario::parse_strict(&format!("v=1&proto=clocks-vector&n=12&seed={seed}&topo=random-tree"), REGISTRY).unwrap();
        s.setup().unwrap().graph.edges().to_vec()
    };
    assert_eq!(tree(7), PINNED_TREE_7, "seed 7 always draws this tree");
    assert!((0..6).any(|seed| tree(seed) != tree(7)));
}

#[test]
fn bad_topologies_name_the_text_and_the_accepted_forms() {
    let every = ["ring", "complete", "star", "tree, tree:D", "random-tree", "grid", "edges:A-B"];
    let cases: &[(&str, &str, &[&str])] = &[
        ("v=1&proto=clocks-vector&n=4&topo=tree:1", "topo: 'tree:1'", &["from 2 to 8"]),
        ("v=1&proto=clocks-vector&n=4&topo=tree:x", "topo: 'tree:x'", &["'x'"]),
        ("v=1&proto=clocks-vector&n=4&topo=edges:0-0", "topo: 'edges:0-0'", &["self-loops"]),
        ("v=1&proto=clocks-vector&n=4&topo=edges:0-9", "topo: 'edges:0-9'", &["4 nodes", "node 9", "0 to 3"]),
        ("v=1&proto=clocks-vector&n=4&topo=edges:0-1.0-1", "topo: 'edges:0-1.0-1'", &["listed twice"]),
        ("v=1&proto=clocks-vector&n=4&topo=hexagon", "topo: 'hexagon'", &["not a topology"]),
    ];
    for (text, head, says) in cases {
        let (s, e) = errors(text);
        assert_eq!(e.len(), 1, "{text}: {e:?}");
        assert!(e[0].starts_with(head), "{text}: {}", e[0]);
        for a in says.iter().chain(&every) {
            assert!(e[0].contains(a), "{text}: '{}' lacks '{a}'", e[0]);
        }
        // The protocol's default topology is kept and the run starts.
        assert_eq!(s.topology.encode(), "complete", "{text}");
        assert!(s.start(REGISTRY).is_ok(), "{text}");
    }
    // A well-formed topology the protocol does not run on lists only what it accepts.
    let (_, e) = errors("v=1&proto=election-ring&topo=random-tree");
    assert!(e.len() == 1 && e[0].starts_with("topo: 'random-tree' is not accepted for election-ring") && e[0].ends_with("accepted: ring"), "{e:?}");
    let (_, e) = errors("v=1&proto=mutex-token-ring&topo=tree:3");
    assert!(e.len() == 1 && e[0].contains("accepted: ring"), "{e:?}");
}

#[test]
fn node_parameters_are_checked_against_n() {
    let (s, e) = errors("v=1&proto=election-ring&n=4&p.starter=3");
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(s.params.node("starter"), 3);
    let (s, e) = errors("v=1&proto=election-ring&n=4&p.starter=7");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("p.starter: '7'") && e[0].contains("4 nodes") && e[0].contains("0 to 3"), "{}", e[0]);
    assert_eq!(s.params.node("starter"), 0, "falls back to the default");
    assert!(s.start(REGISTRY).is_ok());
    // The same starter is fine once there are enough nodes; N 64 accepts node 63.
    assert!(errors("v=1&proto=election-ring&n=8&p.starter=7").1.is_empty());
    assert!(errors("v=1&proto=election-ring&n=64&p.starter=63").1.is_empty());
    let (_, e) = errors("v=1&proto=election-ring&p.starter=x");
    assert!(e.len() == 1 && e[0].starts_with("p.starter: 'x'") && e[0].contains("node id"), "{e:?}");
}

/// The random tree seed 7 draws for 12 nodes (pinned: a change here changes shared links).
const PINNED_TREE_7: &[(usize, usize)] = &[(0, 1), (1, 2), (1, 3), (1, 4), (3, 5), (0, 6), (4, 7), (0, 8), (0, 9), (7, 10), (5, 11)];

#[test]
fn interventions_may_come_in_several_act_keys_and_other_keys_count_once() {
    let one = Scenario::parse_strict("proto=election-ring&act=0:input:1:start,0:input:5:start", REGISTRY).unwrap();
    let (split, problems) = errors("proto=election-ring&act=0:input:1:start&act=0:input:5:start");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(split, one, "two act keys mean both interventions, in order");
    assert_eq!(split.acts.len(), 2);
    let (s, problems) = errors("proto=election-ring&n=5&n=6");
    assert_eq!(s.n, 6, "the last value is used");
    assert!(problems.iter().any(|p| p.contains("'n' is given more than once") && p.contains("'6'")), "{problems:?}");
}

/// A link as the page reads it: the run, its view settings, and the banner's problems.
fn page(text: &str) -> (Scenario, ViewSettings, Vec<String>) {
    let (s, v, e) = parse_link(text, REGISTRY);
    (s, v, e.iter().map(|e| e.to_string()).collect())
}

#[test]
fn view_settings_round_trip_and_leave_the_run_alone() {
    let base = "v=1&proto=election-ring&n=8&seed=1&topo=ring&delay=40-80&drop=0&dup=0&fifo=1";
    let plain = Scenario::parse_strict(base, REGISTRY).unwrap();
    let framed = format!("{}&at=12&speed=4&stamps=vector&span=600&sel=e57&theme=dark&text=150", plain.to_fragment());
    let (s, view, problems) = page(&framed);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(link(&s, &view), framed);
    assert_eq!(
        view,
        ViewSettings { speed: Some(4.0), stamps: Some(Stamps::Both), zoom: Some(600), select: Some(ViewSelection::Event(57)), dark: Some(true), text: Some(150), ..Default::default() }
    );
    // The run is the same: view settings are not part of it, and the core reads the link
    // without a word about them.
    assert_eq!(Scenario::parse_strict(&framed, REGISTRY).unwrap(), s);
    assert_eq!(s.run_only(), plain.run_only());
    for sel in ["n3", "e0", "m12", "l2-3"] {
        let text = format!("{}&sel={sel}", plain.to_fragment());
        let (s, view, problems) = page(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(view.select.unwrap().encode(), sel);
        assert_eq!(link(&s, &view), text);
    }
    for (key, value) in [("speed", "0.25"), ("speed", "8"), ("stamps", "lamport"), ("stamps", "vonly"), ("stamps", "none"), ("theme", "light"), ("text", "200"), ("span", "20000")] {
        let text = format!("{}&{key}={value}", plain.to_fragment());
        let (s, view, _) = page(&text);
        assert_eq!(link(&s, &view), text);
    }
    // Old links keep their meaning: `vector` shows vector stamps with the Lamport ones.
    let (_, old, _) = page(&format!("{}&stamps=vector", plain.to_fragment()));
    assert_eq!(old.stamps, Some(Stamps::Both));
    assert!(Stamps::Both.lamport() && Stamps::Both.vector() && !Stamps::Vector.lamport() && !Stamps::None.vector());
}

#[test]
fn bad_view_settings_name_the_key_and_what_is_accepted() {
    for (key, value, accepted) in [
        ("speed", "3", "0.25, 0.5, 1, 2, 4, 8"),
        ("stamps", "all", "lamport, vector, vonly, none"),
        ("span", "333", "200, 250"),
        ("sel", "x9", "n3, e57, m12, l2-3"),
        ("sel", "l2", "n3, e57, m12, l2-3"),
        ("theme", "sepia", "light, dark"),
        ("text", "90", "100, 125, 150, 175, 200"),
        ("embed", "maybe", "1, 0"),
        ("present", "2", "1, 0"),
    ] {
        let (s, view, e) = page(&format!("v=1&proto=election-ring&n=8&{key}={value}"));
        assert_eq!(e.len(), 1, "{key}={value}: {e:?}");
        assert!(e[0].starts_with(&format!("{key}: '{value}'")) && e[0].contains(accepted), "{}", e[0]);
        // The run and the other settings are as without the bad key.
        assert_eq!(view, Default::default());
        assert_eq!(s.n, 8);
    }
}

/// Issue 9: a drawn cut travels in the link, one instant per node; a cut of the wrong
/// length or with a word that is not an instant is refused with what was expected.
#[test]
fn a_cut_round_trips_and_bad_cuts_say_what_is_expected() {
    let base = "v=1&proto=clocks-vector&n=3&seed=4&topo=complete&delay=40-80&drop=0&dup=0&fifo=1&p.actions=4&p.every=250&p.send=60";
    let plain = Scenario::parse_strict(base, REGISTRY).unwrap();
    assert_eq!(page(base).1.cut, None);
    let text = format!("{}&at=40&cut=0.375.1200", plain.to_fragment());
    let (s, view, _) = page(&text);
    assert_eq!(view.cut, Some(vec![0, 375, 1200]));
    assert_eq!(link(&s, &view), text);
    // A viewing matter: the run is the same.
    assert_eq!(s.run_only(), plain.run_only());
    for (value, says) in [
        ("0.375", "'0.375' gives 2 instants, but there are 3 nodes"),
        ("0.1.2.3", "'0.1.2.3' gives 4 instants, but there are 3 nodes"),
        ("0.x.5", "cut: '0.x.5' is not accepted; expected one instant per node"),
        ("0..5", "cut: '0..5' is not accepted"),
        ("-1.0.0", "cut: '-1.0.0' is not accepted"),
        ("", "cut: '' is not accepted"),
    ] {
        let (s, view, e) = page(&format!("{base}&cut={value}"));
        assert_eq!(e.len(), 1, "cut={value}: {e:?}");
        assert!(e[0].contains(says) && e[0].contains("e.g. 0.100.200"), "cut={value}: {}", e[0]);
        assert_eq!(view.cut, None, "cut={value}");
        assert_eq!(s.run_only(), plain.run_only());
    }
}
