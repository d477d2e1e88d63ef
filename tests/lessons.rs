//! Lessons: the parser (good and bad lessons), and every shipped lesson against its run:
//! it parses, each step's point exists, and the facts its text quotes are what the run shows.

use dsviz::lesson::{self, Lesson, Point, SHIPPED};
use dsviz::protocols::REGISTRY;
use dsviz::sim::{EventKind, History, Scenario};

/// Print a run's events with their marks and sends (for writing a lesson):
/// `LESSON_RUN='fragment' cargo test --test lessons explore -- --ignored --nocapture`.
#[test]
#[ignore]
fn explore() {
    let fragment = std::env::var("LESSON_RUN").expect("LESSON_RUN");
    let limit: u64 = std::env::var("LESSON_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(400);
    let scenario = Scenario::parse_strict(&fragment, REGISTRY).unwrap();
    let sim = scenario.start(REGISTRY).unwrap();
    let mut h = History::new(sim, scenario.acts.clone());
    let mut scanned = 0;
    loop {
        {
            let sim = h.sim();
            let t = sim.trace();
            for e in &t.events()[scanned..] {
                let what = match &e.kind {
                    EventKind::Send { msg } => format!("send {} {}->{} {}", t.message(*msg).kind, t.message(*msg).from, t.message(*msg).to, t.message(*msg).text),
                    EventKind::Receive { msg } => format!("recv {} {}->{}", t.message(*msg).kind, t.message(*msg).from, t.message(*msg).to),
                    k => format!("{k:?}"),
                };
                let marks: Vec<String> = t.marks_of(e.id).map(|m| format!("mark.{}#{}", m.tag, m.key)).collect();
                println!("step {:>4} t={:>5} e{:<4} n{:?} {} {}", e.step, e.time, e.id, e.node, what, marks.join(" "));
            }
            scanned = t.events().len();
        }
        if h.step() >= limit || !h.forward() {
            break;
        }
    }
    let sim = h.sim();
    println!("END step {} t={} quiescent={} counters {:?}", h.step(), sim.now(), sim.quiescent(), sim.counters());
    for m in sim.metrics() {
        println!("metric.{} = {:?}", m.id, m.measured);
    }
    println!("violations {}", sim.trace().violations().len());
    for v in sim.invariants() {
        println!("invariant {} breach={:?}", v.id, v.breach.is_some());
    }
}

#[test]
fn every_shipped_lesson_parses_reaches_its_points_and_quotes_the_run() {
    let mut wrong = Vec::new();
    for (id, json) in SHIPPED {
        let l = Lesson::parse(json).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(l.id, *id, "the registry's id is the lesson's");
        assert!(dsviz::protocols::find(l.protocol()).is_some());
        let points = l.resolve(REGISTRY).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(points.windows(2).all(|w| w[0] <= w[1]), "{id}: steps go forward: {points:?}");
        for s in &l.steps {
            assert!(s.text.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{id}: a step's Chinese text");
            assert!(s.text.en.is_ascii() || s.text.en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 10, "{id}: a step's English text");
        }
        wrong.extend(l.check_facts(REGISTRY).unwrap());
    }
    assert!(wrong.is_empty(), "facts the lessons quote that the runs do not show:\n{}", wrong.join("\n"));
}

/// The lessons folder and the shipped list are the same lessons: every `lessons/ID.json`
/// is shipped as ID with that file's text, nothing else is shipped, and each one loads
/// (the page's lists skip a lesson that does not parse).
#[test]
fn every_lesson_file_is_shipped_and_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| (path.file_stem().unwrap().to_str().unwrap().to_string(), std::fs::read_to_string(&path).unwrap()))
        .collect();
    files.sort();
    let mut shipped: Vec<(String, String)> = SHIPPED.iter().map(|(id, json)| (id.to_string(), json.to_string())).collect();
    shipped.sort();
    let ids = |v: &[(String, String)]| v.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&shipped), ids(&files), "shipped lessons (left) against the files in {}", dir.display());
    for ((id, json), (_, file)) in shipped.iter().zip(&files) {
        assert!(json == file, "{id} is shipped with another file's text");
        assert!(lesson::shipped(id).is_some_and(|l| l.id == *id), "{id} does not load");
    }
    assert_eq!(lesson::all_shipped().len(), files.len(), "every lesson file loads");
}

#[test]
fn the_text_quotes_steps_the_points_resolve_to() {
    // A step whose text begins "Step N" stands on step N.
    for l in lesson::all_shipped() {
        let points = l.resolve(REGISTRY).unwrap();
        for (s, p) in l.steps.iter().zip(&points) {
            if let Some(rest) = s.text.en.strip_prefix("Step ") {
                let n: u64 = rest.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap();
                assert_eq!(n, *p, "{}: '{}'", l.id, &s.text.en[..20]);
            }
        }
    }
}

const GOOD: &str = r#"{ "id": "mine", "scenario": "v=1&proto=election-ring&n=8&p.ids=worst&p.initiators=one&p.starter=0",
  "title": { "en": "T", "zh": "标题" }, "summary": { "en": "S", "zh": "摘要" },
  "steps": [ { "at": 0, "en": "a", "zh": "甲" }, { "at": "mark.elected", "en": "b", "zh": "乙", "sel": "n7", "stamps": "lamport" }, { "at": "end", "en": "c", "zh": "丙", "expect": { "sent": 23 } } ] }"#;

#[test]
fn a_hand_written_lesson_parses_and_resolves() {
    let l = Lesson::parse(GOOD).unwrap();
    assert_eq!(l.steps.len(), 3);
    assert_eq!(l.steps[2].at, Point::End);
    assert_eq!(l.resolve(REGISTRY).unwrap(), vec![0, 15, 23]);
    assert!(l.check_facts(REGISTRY).unwrap().is_empty());
    // In a link: by id, as JSON, as base64.
    assert_eq!(lesson::from_link("raft").unwrap().id, "raft");
    assert_eq!(lesson::from_link(GOOD).unwrap(), l);
    assert_eq!(lesson::from_link(&lesson::to_link(GOOD)).unwrap(), l);
    let url_encoded: String = GOOD.bytes().map(|b| format!("%{b:02X}")).collect();
    assert_eq!(lesson::from_link(&url_encoded).unwrap(), l);
}

#[test]
fn bad_lessons_say_where_and_what_is_accepted() {
    let cases: &[(&str, &str, &str)] = &[
        ("{ \"id\": \"x\",\n  \"steps\": [ }", "line 2 column", "not valid JSON"),
        ("[1, 2]", "lesson", "JSON object"),
        (&GOOD.replace("\"summary\"", "\"sumary\""), "sumary", "accepted: id, scenario, title, summary, steps"),
        (&GOOD.replace("\"at\": \"mark.elected\"", "\"at\": \"elected\""), "steps[1].at", "mark.TAG"),
        (&GOOD.replace("\"zh\": \"乙\"", "\"zh\": \"\""), "steps[1].zh", "empty"),
        (&GOOD.replace(", \"zh\": \"甲\"", ""), "steps[0].zh", "missing"),
        (&GOOD.replace("\"n7\"", "\"x7\""), "steps[1].sel", "n3"),
        (&GOOD.replace("\"lamport\"", "\"both\""), "steps[1].stamps", "vector"),
        (&GOOD.replace("\"sent\": 23", "\"messages\": 23"), "steps[2].expect.messages", "accepted"),
        (&GOOD.replace("n=8", "n=99"), "scenario", "n"),
        (&GOOD.replace("\"steps\": [", "\"steps\": [], \"x\": ["), "x", "unknown field"),
        ("{}", "id", "missing"),
    ];
    for (json, at, says) in cases {
        let e = Lesson::parse(json).expect_err(json);
        assert!(e.at.contains(at) && e.message.contains(says), "{json}\n=> {e}");
    }
    // Points the run never reaches are found when the lesson is resolved.
    let far = Lesson::parse(&GOOD.replace("\"at\": 0", "\"at\": 999")).unwrap();
    let e = far.resolve(REGISTRY).unwrap_err();
    assert!(e.at == "steps[0].at" && e.message.contains("past the run's end at step 23"), "{e}");
    let never = Lesson::parse(&GOOD.replace("mark.elected", "mark.elected.2")).unwrap();
    let e = never.resolve(REGISTRY).unwrap_err();
    assert!(e.at == "steps[1].at" && e.message.contains("never happens"), "{e}");
    // Nonsense in a link is refused, naming the shipped lessons.
    let e = lesson::from_link("no-such-lesson!").unwrap_err();
    assert!(e.message.contains("raft"), "{e}");
    for junk in ["", "%", "{", "e30", "////", "\u{0}"] {
        let _ = lesson::from_link(junk);
    }
}

#[test]
fn every_protocol_has_a_lesson() {
    let taught: Vec<&str> = lesson::all_shipped().iter().map(|l| l.protocol()).collect::<Vec<_>>();
    let missing: Vec<&str> = REGISTRY.iter().map(|p| p.info().id).filter(|id| !taught.contains(id)).collect();
    assert!(missing.is_empty(), "protocols without a lesson: {missing:?}");
}
