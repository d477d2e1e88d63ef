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
        let info = (entry.info)();
        for &lang in LANGS {
            let d = Dictionary::new(lang, info.words, dsviz::ui::words::UI);
            for key in ["name", "summary"] {
                check(&d, key, &Text::key(key), &mut missing);
            }
            id(&d, "family", info.family, &mut missing);
            for p in &info.params {
                id(&d, "param", p.name, &mut missing);
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
            for (kind, _) in &h.sim().counters().by_kind {
                texts.push(("message kind".into(), Text::Id("msg", kind)));
            }
            texts.extend(h.problems().iter().map(|p| ("problem".to_string(), p.clone())));
            for &lang in LANGS {
                let d = Dictionary::new(lang, info.words, dsviz::ui::words::UI);
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
        let info = (entry.info)();
        let mut keys: Vec<&str> = info.words.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        let all = keys.len();
        keys.dedup();
        assert_eq!(all, keys.len(), "{}: a key is defined twice", info.id);
        for w in info.words {
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
    let _ = Lang::default();
}
