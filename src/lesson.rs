//! Guided lessons: a scenario plus an ordered list of steps, each with a short text in
//! English and Chinese and a point in the run. Lessons are data (JSON an instructor writes
//! by hand, see "Lesson format" in the README); the ones shipped with the site live in
//! `lessons/*.json` and are compiled in ([`SHIPPED`]) so the page needs no extra request
//! and the native tests can run every one of them.
//!
//! ```json
//! { "id": "token-ring-lost", "scenario": "v=1&proto=mutex-token-ring&n=6&...",
//!   "title": { "en": "...", "zh": "..." }, "summary": { "en": "...", "zh": "..." },
//!   "steps": [ { "at": 0, "en": "...", "zh": "...", "sel": "n3", "stamps": "vector",
//!                "expect": { "sent": 4, "metric.messages": 6 } } ] }
//! ```
//!
//! Reading is strict: an unknown field, a missing text or a point that is not a step
//! number, an anchor or `end` is an error naming the field (`steps[2].at`) and what is
//! accepted. Nothing here panics on bad input.

use serde_json::{Map, Value};

use crate::protocols::REGISTRY;
use crate::sim::act::Anchor;
use crate::ui::view_settings::ViewSelection;
use crate::sim::simulation::ProtocolEntry;
use crate::sim::trace::EventKind;
use crate::sim::{History, Scenario};
use crate::words::Lang;

/// The lessons shipped with the site: (id, JSON).
pub const SHIPPED: &[(&str, &str)] = &[
    ("mutex-token-ring", include_str!("../lessons/mutex-token-ring.json")),
    ("mutex-ricart-agrawala", include_str!("../lessons/mutex-ricart-agrawala.json")),
    ("election-ring", include_str!("../lessons/election-ring.json")),
    ("election-bully", include_str!("../lessons/election-bully.json")),
    ("clocks-vector", include_str!("../lessons/clocks-vector.json")),
    ("multicast-causal", include_str!("../lessons/multicast-causal.json")),
    ("commit-2pc", include_str!("../lessons/commit-2pc.json")),
    ("election-bully-timeouts", include_str!("../lessons/election-bully-timeouts.json")),
    ("raft", include_str!("../lessons/raft.json")),
    ("clocks-lamport", include_str!("../lessons/clocks-lamport.json")),
    ("snapshot", include_str!("../lessons/snapshot.json")),
    ("multicast-fifo", include_str!("../lessons/multicast-fifo.json")),
    ("multicast-total", include_str!("../lessons/multicast-total.json")),
    ("multicast-hybrid", include_str!("../lessons/multicast-hybrid.json")),
    ("paxos", include_str!("../lessons/paxos.json")),
    ("mutex-central", include_str!("../lessons/mutex-central.json")),
    ("mutex-lamport", include_str!("../lessons/mutex-lamport.json")),
    ("mutex-maekawa", include_str!("../lessons/mutex-maekawa.json")),
    ("election-all-to-all", include_str!("../lessons/election-all-to-all.json")),
    ("election-randomized", include_str!("../lessons/election-randomized.json")),
    ("election-tree", include_str!("../lessons/election-tree.json")),
    ("commit-3pc", include_str!("../lessons/commit-3pc.json")),
    ("heartbeat", include_str!("../lessons/heartbeat.json")),
    ("consistent-hashing", include_str!("../lessons/consistent-hashing.json")),
];

/// How far a lesson's anchors are looked for (steps); a lesson is meant to be short.
pub const SEARCH_LIMIT: u64 = 100_000;

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Both {
    pub en: String,
    pub zh: String,
}

impl Both {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            _ => &self.en,
        }
    }
}

/// Where a lesson step stands in the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Point {
    /// An engine step (as `at=` in a link).
    Step(u64),
    /// The step at which a milestone happens (`mark.elected`, `send.token.n1.2`).
    Anchor(Anchor),
    /// Where the run comes to rest.
    End,
}

impl Point {
    pub fn encode(&self) -> String {
        match self {
            Point::Step(n) => n.to_string(),
            Point::Anchor(a) => a.encode(),
            Point::End => "end".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub at: Point,
    pub text: Both,
    pub sel: Option<ViewSelection>,
    /// Vector stamps on (true) or Lamport only (false).
    pub stamps: Option<bool>,
    /// Facts the text quotes, checked by the tests: `sent`, `delivered`, `dropped`,
    /// `duplicated`, `sent.KIND`, `step`, `time`, `violations`, `metric.ID`.
    pub expect: Vec<(String, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    /// The scenario fragment (the run every step is a point of).
    pub scenario: String,
    pub title: Both,
    pub summary: Both,
    pub steps: Vec<Step>,
}

/// What is wrong with a lesson: where (`steps[2].at`, `line 4 column 7`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lesson, {}: {}", self.at, self.message)
    }
}

fn bad(at: impl Into<String>, message: impl Into<String>) -> LessonError {
    LessonError { at: at.into(), message: message.into() }
}

pub const POINT_FORMS: &str = "a step number (12), an anchor (mark.TAG, mark.TAG.nNODE, mark.TAG.nNODE.K, send.KIND.nNODE.K) or \"end\"";
const LESSON_FIELDS: &[&str] = &["id", "scenario", "title", "summary", "steps"];
const STEP_FIELDS: &[&str] = &["at", "en", "zh", "sel", "stamps", "expect"];
const EXPECT_KEYS: &str = "sent, delivered, dropped, duplicated, sent.KIND, step, time, violations, metric.ID";

fn check_fields(obj: &Map<String, Value>, at: &str, allowed: &[&str]) -> Result<(), LessonError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(bad(if at.is_empty() { k.clone() } else { format!("{at}.{k}") }, format!("unknown field; accepted: {}", allowed.join(", ")))),
        None => Ok(()),
    }
}

fn text_field(obj: &Map<String, Value>, at: &str, key: &str) -> Result<String, LessonError> {
    let path = if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
    match obj.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(bad(path, "is empty; write the text")),
        Some(_) => Err(bad(path, "expected a text in quotes")),
        None => Err(bad(path, "is missing")),
    }
}

fn both(obj: &Map<String, Value>, key: &str) -> Result<Both, LessonError> {
    match obj.get(key) {
        Some(Value::Object(o)) => {
            check_fields(o, key, &["en", "zh"])?;
            Ok(Both { en: text_field(o, key, "en")?, zh: text_field(o, key, "zh")? })
        }
        Some(_) => Err(bad(key, "expected { \"en\": \"...\", \"zh\": \"...\" }")),
        None => Err(bad(key, "is missing; expected { \"en\": \"...\", \"zh\": \"...\" }")),
    }
}

pub fn parse_point(v: &Value) -> Option<Point> {
    match v {
        Value::Number(n) => n.as_u64().map(Point::Step),
        Value::String(s) if s == "end" => Some(Point::End),
        Value::String(s) => s.parse::<u64>().ok().map(Point::Step).or_else(|| Anchor::parse(s).map(Point::Anchor)),
        _ => None,
    }
}

impl Lesson {
    /// Read a lesson from its JSON. Errors name the field, or the line and column.
    pub fn parse(json: &str) -> Result<Lesson, LessonError> {
        let value: Value = serde_json::from_str(json).map_err(|e| bad(format!("line {} column {}", e.line(), e.column()), format!("not valid JSON ({e})")))?;
        let Value::Object(obj) = value else { return Err(bad("lesson", "expected a JSON object { \"id\": ..., \"scenario\": ..., \"title\": ..., \"steps\": [...] }")) };
        check_fields(&obj, "", LESSON_FIELDS)?;
        let id = text_field(&obj, "", "id")?;
        if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(bad("id", format!("'{id}': use letters, digits, '-' and '_'")));
        }
        let scenario = text_field(&obj, "", "scenario")?;
        let title = both(&obj, "title")?;
        let summary = both(&obj, "summary")?;
        let Some(Value::Array(raw)) = obj.get("steps") else { return Err(bad("steps", "is missing; expected a list [ { \"at\": ..., \"en\": ..., \"zh\": ... }, ... ]")) };
        if raw.is_empty() {
            return Err(bad("steps", "is empty; a lesson has at least one step"));
        }
        let mut steps = Vec::new();
        for (i, s) in raw.iter().enumerate() {
            let at = format!("steps[{i}]");
            let Value::Object(o) = s else { return Err(bad(at, "expected { \"at\": ..., \"en\": ..., \"zh\": ... }")) };
            check_fields(o, &at, STEP_FIELDS)?;
            let point = match o.get("at") {
                None => return Err(bad(format!("{at}.at"), format!("is missing; expected {POINT_FORMS}"))),
                Some(v) => parse_point(v).ok_or_else(|| bad(format!("{at}.at"), format!("{v} is not a point; expected {POINT_FORMS}")))?,
            };
            let text = Both { en: text_field(o, &at, "en")?, zh: text_field(o, &at, "zh")? };
            let sel = match o.get("sel") {
                None => None,
                Some(Value::String(v)) => Some(ViewSelection::parse(v).ok_or_else(|| bad(format!("{at}.sel"), format!("'{v}': expected n3 (a node), e57 (an event), m12 (a message) or l2-3 (a link)")))?),
                Some(v) => return Err(bad(format!("{at}.sel"), format!("{v}: expected a text such as \"n3\""))),
            };
            let stamps = match o.get("stamps") {
                None => None,
                Some(Value::String(v)) if v == "vector" => Some(true),
                Some(Value::String(v)) if v == "lamport" => Some(false),
                Some(v) => return Err(bad(format!("{at}.stamps"), format!("{v}: expected \"vector\" or \"lamport\""))),
            };
            let mut expect = Vec::new();
            match o.get("expect") {
                None => {}
                Some(Value::Object(e)) => {
                    for (k, v) in e {
                        let known = matches!(k.as_str(), "sent" | "delivered" | "dropped" | "duplicated" | "step" | "time" | "violations") || k.starts_with("sent.") || k.starts_with("metric.");
                        if !known {
                            return Err(bad(format!("{at}.expect.{k}"), format!("unknown fact; accepted: {EXPECT_KEYS}")));
                        }
                        let n = v.as_f64().ok_or_else(|| bad(format!("{at}.expect.{k}"), format!("{v}: expected a number")))?;
                        expect.push((k.clone(), n));
                    }
                }
                Some(v) => return Err(bad(format!("{at}.expect"), format!("{v}: expected {{ \"sent\": 12, ... }}"))),
            }
            steps.push(Step { at: point, text, sel, stamps, expect });
        }
        let lesson = Lesson { id, scenario, title, summary, steps };
        let (_, errors) = Scenario::parse(&lesson.scenario, REGISTRY);
        if let Some(e) = errors.first() {
            return Err(bad("scenario", e.to_string()));
        }
        Ok(lesson)
    }

    /// The protocol the lesson runs (its scenario's `proto`).
    pub fn protocol(&self) -> &'static str {
        Scenario::parse(&self.scenario, REGISTRY).0.protocol
    }

    /// The lesson's run, without viewing matters.
    pub fn run(&self) -> Scenario {
        Scenario::parse(&self.scenario, REGISTRY).0.run_only()
    }

    /// The engine step of every lesson step, found by running the scenario (anchors are
    /// looked for up to [`SEARCH_LIMIT`] steps). A point the run never reaches is an error.
    pub fn resolve(&self, registry: &[ProtocolEntry]) -> Result<Vec<u64>, LessonError> {
        let mut history = self.history(registry)?;
        let mut points: Vec<Option<u64>> = self.steps.iter().map(|s| if let Point::Step(n) = s.at { Some(n) } else { None }).collect();
        let mut seen = vec![0u32; self.steps.len()];
        let mut scanned = 0;
        let wanted_step = points.iter().flatten().copied().max().unwrap_or(0);
        let mut end = None;
        loop {
            {
                let trace = history.sim().trace();
                let events = trace.events();
                for e in &events[scanned.min(events.len())..] {
                    for (i, s) in self.steps.iter().enumerate() {
                        let Point::Anchor(a) = &s.at else { continue };
                        if points[i].is_some() {
                            continue;
                        }
                        let hit = match a {
                            Anchor::Send { kind, by, .. } => matches!(e.kind, EventKind::Send { msg } if trace.message(msg).kind == kind) && by.is_none_or(|b| e.node == Some(b)),
                            Anchor::Mark { tag, by, .. } => by.is_none_or(|b| e.node == Some(b)) && trace.marks_of(e.id).filter(|m| m.tag == tag).count() > 0,
                        };
                        if hit {
                            seen[i] += 1;
                            let nth = match a {
                                Anchor::Send { nth, .. } | Anchor::Mark { nth, .. } => *nth,
                            };
                            if seen[i] == nth {
                                points[i] = Some(e.step);
                            }
                        }
                    }
                }
                scanned = events.len();
            }
            let anchors_done = self.steps.iter().zip(&points).all(|(s, p)| p.is_some() || matches!(s.at, Point::End));
            let wants_end = self.steps.iter().any(|s| matches!(s.at, Point::End));
            if anchors_done && !wants_end && history.step() >= wanted_step {
                break;
            }
            if history.step() >= SEARCH_LIMIT || !history.forward() {
                if history.sim().quiescent() {
                    end = Some(history.step());
                }
                break;
            }
        }
        let last = history.step();
        self.steps
            .iter()
            .zip(points)
            .enumerate()
            .map(|(i, (s, p))| match (&s.at, p) {
                (Point::Step(n), _) if *n > last => Err(bad(format!("steps[{i}].at"), format!("step {n} is past the run's end at step {last}"))),
                (Point::Step(n), _) => Ok(*n),
                (Point::End, _) => end.ok_or_else(|| bad(format!("steps[{i}].at"), format!("the run does not come to rest within {SEARCH_LIMIT} steps"))),
                (Point::Anchor(_), Some(p)) => Ok(p),
                (Point::Anchor(a), None) => Err(bad(format!("steps[{i}].at"), format!("'{}' never happens in this run (looked up to step {last})", a.encode()))),
            })
            .collect()
    }

    fn history(&self, registry: &[ProtocolEntry]) -> Result<History, LessonError> {
        let scenario = Scenario::parse_strict(&self.scenario, registry).map_err(|e| bad("scenario", e.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")))?;
        let sim = scenario.start(registry).map_err(|e| bad("scenario", e.to_string()))?;
        Ok(History::new(sim, scenario.acts.clone()))
    }

    /// Every fact the steps quote that the run does not show, as "steps[i]: fact: expected
    /// X, measured Y".
    pub fn check_facts(&self, registry: &[ProtocolEntry]) -> Result<Vec<String>, LessonError> {
        let points = self.resolve(registry)?;
        let mut history = self.history(registry)?;
        let mut wrong = Vec::new();
        for (i, (s, &p)) in self.steps.iter().zip(&points).enumerate() {
            history.seek(p);
            let sim = history.sim();
            let c = sim.counters();
            for (k, want) in &s.expect {
                let got: Option<f64> = match k.as_str() {
                    "sent" => Some(c.sent as f64),
                    "delivered" => Some(c.delivered as f64),
                    "dropped" => Some(c.dropped as f64),
                    "duplicated" => Some(c.duplicated as f64),
                    "step" => Some(history.step() as f64),
                    "time" => Some(sim.now() as f64),
                    "violations" => Some(sim.trace().violations().len() as f64),
                    k if k.starts_with("sent.") => Some(c.by_kind.get(&k[5..]).copied().unwrap_or(0) as f64),
                    k => sim.metrics().into_iter().find(|m| Some(m.id) == k.strip_prefix("metric.")).and_then(|m| m.measured),
                };
                match got {
                    Some(g) if (g - want).abs() < 1e-6 => {}
                    Some(g) => wrong.push(format!("{}: steps[{i}] (step {p}): {k}: expected {want}, measured {g}", self.id)),
                    None => wrong.push(format!("{}: steps[{i}] (step {p}): {k}: expected {want}, nothing measured", self.id)),
                }
            }
        }
        Ok(wrong)
    }
}

/// A shipped lesson by id.
pub fn shipped(id: &str) -> Option<Lesson> {
    SHIPPED.iter().find(|(i, _)| *i == id).and_then(|(_, json)| Lesson::parse(json).ok())
}

/// Every shipped lesson (those that parse: the tests make sure all do).
pub fn all_shipped() -> Vec<Lesson> {
    SHIPPED.iter().filter_map(|(_, json)| Lesson::parse(json).ok()).collect()
}

/// Read the `lesson=` value of a link: a shipped lesson's id, the lesson's JSON
/// (URL-encoded, starting with `{`), or that JSON in base64 (either alphabet, padding
/// optional).
pub fn from_link(value: &str) -> Result<Lesson, LessonError> {
    let value = crate::sim::scenario::percent_decode(value.trim());
    if value.starts_with('{') {
        return Lesson::parse(&value);
    }
    if let Some(json) = SHIPPED.iter().find(|(i, _)| *i == value).map(|(_, j)| *j) {
        return Lesson::parse(json);
    }
    match base64_decode(&value).and_then(|b| String::from_utf8(b).ok()) {
        Some(json) if json.trim_start().starts_with('{') => Lesson::parse(&json),
        _ => {
            let ids: Vec<&str> = SHIPPED.iter().map(|(i, _)| *i).collect();
            Err(bad("lesson", format!("'{}' is neither a shipped lesson ({}) nor a lesson's JSON (plain or base64)", value.chars().take(40).collect::<String>(), ids.join(", "))))
        }
    }
}

/// The lesson's JSON as a link value (base64url, no padding).
pub fn to_link(json: &str) -> String {
    base64_encode(json.as_bytes())
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..chunk.len() + 1 {
            out.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    out
}

pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.trim_end_matches('=').chars() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => return None,
        };
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}
