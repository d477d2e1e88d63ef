//! Every word a person can read exists in Simplified Chinese and in English: the static
//! ones (names, parameters, inputs, scenarios, invariants, metrics) and every text a run
//! produces (roles, badges, details, notes, breaches, the event log), for every protocol
//! and every ready-made scenario. A missing word fails here, not in the lecture hall.

use dsviz::protocols::REGISTRY;
use dsviz::sim::{History, Scenario, Simulation};
use dsviz::ui::text;
use dsviz::words::{Dictionary, Lang, Text, LANGS};

fn check(d: &Dictionary, what: &str, text: &Text, missing: &mut Vec<String>) {
    let shown = d.render(text);
    if shown.contains('⟦') {
        missing.push(format!("{} {what}: {shown}", d.lang.code()));
    }
}

fn id(d: &Dictionary, prefix: &str, name: &str, missing: &mut Vec<String>) {
    let shown = d.id(prefix, name);
    if shown.contains('⟦') {
        missing.push(format!("{}: {shown}", d.lang.code()));
    }
}

/// Everything the page shows of a simulation at this moment.
fn texts_now(sim: &dyn Simulation) -> Vec<(String, Text)> {
    let mut out = Vec::new();
    for (i, v) in sim.node_views().iter().enumerate() {
        out.push((format!("node {i} role"), Text::Id("role", v.role)));
        out.push((format!("node {i} badge"), v.badge.clone()));
        for (k, val) in &v.details {
            out.push((format!("node {i} detail"), Text::Id("detail", k)));
            out.push((format!("node {i} detail {k}"), val.clone()));
        }
        for row in &v.rows {
            out.push((format!("node {i} row"), Text::Id("detail", row.label)));
        }
        if let Some(t) = &v.table {
            for c in &t.columns {
                out.push((format!("node {i} column"), Text::Id("detail", c)));
            }
        }
    }
    for inv in sim.invariants() {
        out.push(("invariant".into(), Text::Id("inv", inv.id)));
        if let Some(b) = inv.breach {
            out.push((format!("breach of {}", inv.id), b));
        }
    }
    for m in sim.metrics() {
        out.push(("metric".into(), Text::Id("metric", m.id)));
        out.push((format!("formula of {}", m.id), m.formula));
    }
    for t in sim.timers() {
        out.push(("timer".into(), Text::Id("timer", t.timer)));
    }
    for c in sim.charts() {
        out.push(("chart".into(), Text::Id("chart", c.id)));
        for s in c.series {
            out.push((format!("series of {}", c.id), s.label));
        }
    }
    for n in 0..sim.setup().n {
        for spec in sim.inputs_for(n) {
            out.push(("input".into(), Text::Id("input", spec.id)));
        }
    }
    out
}

#[test]
fn every_protocol_speaks_both_languages() {
    let mut missing = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        for &lang in LANGS {
            let d = Dictionary::for_protocol(lang, &info, dsviz::ui::words::UI);
            for key in ["name", "summary"] {
                check(&d, key, &Text::key(key), &mut missing);
            }
            id(&d, "family", info.family.id, &mut missing);
            for p in &info.params {
                id(&d, "param", p.name, &mut missing);
                // The header's short label too, in its spec (a Chinese page shows no URL key).
                match p.short {
                    Some(short) if !short.get(lang).trim().is_empty() => {}
                    _ => missing.push(format!("{}: short label of '{}' in {}", info.id, p.name, lang.code())),
                }
            }
            for i in info.inputs {
                id(&d, "input", i.id, &mut missing);
            }
            for k in info.topologies {
                id(&d, "topo", k.name(), &mut missing);
            }
            for s in info.scenarios {
                id(&d, "scenario", s.id, &mut missing);
                check(&d, s.id, &Text::key(Box::leak(format!("scenario.{}.about", s.id).into_boxed_str())), &mut missing);
            }
        }
        // Every text the runs produce, in both languages.
        let mut fragments = vec![format!("v=1&proto={}", info.id)];
        fragments.extend(info.scenarios.iter().map(|s| s.fragment.to_string()));
        for fragment in fragments {
            let scenario = Scenario::parse_strict(&fragment, REGISTRY).unwrap();
            let mut h = History::new(scenario.start(REGISTRY).unwrap(), scenario.acts.clone());
            let mut texts = Vec::new();
            for _ in 0..600 {
                texts.extend(texts_now(h.sim()));
                if !h.forward() {
                    break;
                }
            }
            texts.extend(texts_now(h.sim()));
            let trace = h.sim().trace();
            for e in trace.events() {
                texts.push((format!("event {}", e.id), text::describe(trace, e)));
            }
            for v in trace.violations() {
                texts.push(("violation".into(), Text::Id("inv", v.invariant)));
                texts.push(("violation detail".into(), v.detail.clone()));
            }
            for kind in h.sim().counters().by_kind.keys() {
                texts.push(("message kind".into(), Text::Id("msg", kind)));
            }
            texts.extend(h.problems().iter().map(|p| ("problem".to_string(), p.clone())));
            for &lang in LANGS {
                let d = Dictionary::for_protocol(lang, &info, dsviz::ui::words::UI);
                for (what, t) in &texts {
                    check(&d, &format!("{fragment}: {what}"), t, &mut missing);
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "{} missing words:\n{}", missing.len(), missing.join("\n"));
}

#[test]
fn every_words_table_is_whole() {
    for entry in REGISTRY {
        let info = entry.info();
        for table in [info.words, info.family.words] {
        let mut keys: Vec<&str> = table.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        let all = keys.len();
        keys.dedup();
        assert_eq!(all, keys.len(), "{}: a key is defined twice", info.id);
        for w in table {
            assert!(!w.en.trim().is_empty() && !w.zh.trim().is_empty(), "{}: {} lacks a language", info.id, w.key);
            for i in 0..8 {
                let p = format!("{{{i}}}");
                assert_eq!(w.en.contains(&p), w.zh.contains(&p), "{}: {} placeholder {p}", info.id, w.key);
            }
            // A word that is just its own id ("one_token") was never written.
            let id = w.key.rsplit('.').next().unwrap_or(w.key);
            assert!(!(w.en == id && id.contains('_')), "{}: {} reads as its id", info.id, w.key);
            // Chinese text is written in Chinese (a copied English line is caught).
            if w.en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 12 {
                assert!(w.zh.chars().any(|c| (c as u32) >= 0x4e00), "{}: {} is not translated: {}", info.id, w.key, w.zh);
            }
        }
        }
    }
    let _ = Lang::default();
}

/// A Chinese sentence has Chinese characters in it (not a copied English line).
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Check one problem text in both languages; return what is wrong with it.
fn speaks_both(what: &str, text: &Text, bad: &mut Vec<String>) {
    let en = Dictionary::new(Lang::En, &[], dsviz::ui::words::UI).render(text);
    let zh = Dictionary::new(Lang::Zh, &[], dsviz::ui::words::UI).render(text);
    if en.contains('⟦') || zh.contains('⟦') {
        bad.push(format!("{what}: a word is missing:\n  en {en}\n  zh {zh}"));
    }
    if !has_chinese(&zh) || zh == en {
        bad.push(format!("{what}: not in Chinese: {zh}"));
    }
}

#[test]
fn every_problem_with_a_link_reads_in_both_languages() {
    use dsviz::sim::params::ParamSpec;
    use dsviz::sim::{Act, Topology};

    let links = [
        "v=2&proto=mutex-token-ring",
        "v=1&proto=no-such-thing",
        "v=1&proto=mutex-token-ring&n=abc",
        "v=1&proto=mutex-token-ring&n=99",
        "v=1&proto=mutex-token-ring&seed=-1",
        "v=1&proto=mutex-token-ring&topo=star",
        "v=1&proto=mutex-token-ring&topo=tree:3",
        "v=1&proto=clocks-vector&n=4&topo=hexagon",
        "v=1&proto=clocks-vector&n=4&topo=tree:1",
        "v=1&proto=clocks-vector&n=4&topo=tree:x",
        "v=1&proto=clocks-vector&n=4&topo=edges:0-0",
        "v=1&proto=clocks-vector&n=4&topo=edges:0-1.0-1",
        "v=1&proto=clocks-vector&n=4&topo=edges:0-9",
        "v=1&proto=clocks-vector&n=4&topo=edges:0-1.2",
        "v=1&proto=clocks-vector&n=4&topo=edges:",
        "v=1&proto=clocks-vector&n=4&topo=edges",
        "v=1&proto=clocks-vector&n=4&topo=grid:3",
        "v=1&proto=mutex-token-ring&delay=80-40",
        "v=1&proto=mutex-token-ring&delay=fast",
        "v=1&proto=mutex-token-ring&drop=150",
        "v=1&proto=mutex-token-ring&dup=x",
        "v=1&proto=mutex-token-ring&fifo=maybe",
        "v=1&proto=mutex-token-ring&p.cs=0",
        "v=1&proto=mutex-token-ring&p.requests=lots",
        "v=1&proto=election-ring&p.ids=sorted",
        "v=1&proto=election-ring&p.starter=x",
        "v=1&proto=election-ring&n=4&p.starter=7",
        "v=1&proto=election-ring&n=4&p.order=5.3.5",
        "v=1&proto=election-ring&n=4&p.order=5.0",
        "v=1&proto=election-ring&n=5&p.order=3.1.4.2",
        "v=1&proto=mutex-token-ring&act=3:explode:1",
        "v=1&proto=mutex-token-ring&act=x:crash:1",
        "v=1&proto=mutex-token-ring&act=3",
        "v=1&proto=mutex-token-ring&n=4&act=0:crash:9",
        "v=1&proto=mutex-token-ring&n=4&act=0@x:cut:1-9",
        "v=1&proto=mutex-token-ring&act=shout.x:crash:0",
        "v=1&proto=mutex-token-ring&act=send.token:explode",
        "v=1&proto=mutex-token-ring&n=4&act=send.token.n9:crash:0",
        "v=1&proto=mutex-token-ring&n=4&act=mark.x:crash:7",
        "v=1&proto=mutex-token-ring&at=soon",
        "v=1&proto=mutex-token-ring&at=5@later",
        "v=1&proto=mutex-token-ring&lang=fr",
    ];
    let mut bad = Vec::new();
    let mut seen_keys = std::collections::BTreeSet::new();
    for link in links {
        let (_, errors) = Scenario::parse(link, REGISTRY);
        if errors.is_empty() {
            bad.push(format!("{link}: no problem found"));
        }
        for e in &errors {
            // The command line's English is the page's English.
            assert_eq!(e.text().en(&[]), e.to_string(), "{link}");
            speaks_both(link, &e.text(), &mut bad);
            seen_keys.insert(e.key.clone());
        }
    }
    for key in ["v", "proto", "n", "seed", "topo", "delay", "drop", "dup", "fifo", "p.cs", "p.ids", "p.starter", "p.order", "act", "at", "lang"] {
        assert!(seen_keys.contains(key), "no bad link for {key}");
    }

    // Problems that reach the page without a link: a scenario built by hand, the topology
    // and parameter fields.
    let mut s = Scenario::parse_strict("v=1&proto=clocks-vector&n=4", REGISTRY).unwrap();
    s.topology = Topology::Tree(1);
    speaks_both("setup", &s.setup().unwrap_err().text(), &mut bad);
    s.protocol = "nope";
    speaks_both("start", &s.start(REGISTRY).err().unwrap().text(), &mut bad);
    for topo in ["hexagon", "tree:1", "edges:0-0", "edges", "ring:2"] {
        speaks_both(topo, &Topology::parse(topo).unwrap_err(), &mut bad);
    }
    for (spec, value) in [
        (ParamSpec::int("k", 1, 9, 1), "0"),
        (ParamSpec::flag("f", true), "maybe"),
        (ParamSpec::choice("c", &["a", "b"], "a"), "z"),
        (ParamSpec::node("s", 0), "-1"),
        (ParamSpec::id_list("o"), "1.1"),
        (ParamSpec::id_list("o"), "x"),
    ] {
        speaks_both(value, &spec.parse(value).unwrap_err(), &mut bad);
    }
    speaks_both("act", &Act::parse("heal:1").unwrap_err(), &mut bad);
    assert!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));

    // The Chinese reads as Chinese around the link's own text.
    let (_, errors) = Scenario::parse("v=1&proto=mutex-token-ring&n=99&lang=en", REGISTRY);
    let zh = Dictionary::new(Lang::Zh, &[], dsviz::ui::words::UI).render(&errors[0].text());
    assert_eq!(zh, "n：不接受“99”；mutex-token-ring 的节点数应为 2 到 32 的整数");
    assert_eq!(errors[0].to_string(), "n: '99' is not accepted; expected a whole number of nodes from 2 to 32 for mutex-token-ring");
}
