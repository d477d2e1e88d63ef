//! Running scenarios to the end and reporting on them: the JSON the command-line runner
//! prints, shared with the tests. Keys here are a contract later tools rely on.

use serde_json::{json, Map, Value};

use crate::protocols::REGISTRY;
use crate::sim::params::{ParamKind, ParamValue};
use crate::sim::protocol::Textbook;
use crate::sim::{History, Scenario, ScenarioError};
use crate::words::{Dictionary, Lang};

/// Default cap on logged events for a run that never goes quiet (a circulating token).
pub const DEFAULT_MAX_EVENTS: usize = 100_000;

/// Run a scenario from step 0 until nothing is left to happen, or the log holds
/// `max_events` events, or as many steps have gone by (a stalled run whose workload keeps
/// asking in vain takes steps that log nothing). The scenario's cursor (`at`) is a viewing
/// matter and is ignored.
pub fn run(scenario: &Scenario, max_events: usize) -> Result<History, ScenarioError> {
    let sim = scenario.start(REGISTRY)?;
    let mut history = History::new(sim, scenario.acts.clone());
    while history.sim().trace().events().len() < max_events && history.step() < max_events as u64 && history.forward() {}
    Ok(history)
}

fn textbook(t: &Textbook) -> Value {
    match t {
        Textbook::Exact(v) => json!(v),
        Textbook::Range(lo, hi) => json!([lo, hi]),
        Textbook::Unbounded => Value::Null,
    }
}

/// The `dsviz run` report.
pub fn run_report(scenario: &Scenario, history: &History) -> Value {
    let sim = history.sim();
    let trace = sim.trace();
    let c = sim.counters();
    let d = english(&sim.info());
    let metrics: Map<String, Value> = sim
        .metrics()
        .iter()
        .map(|m| (m.id.to_string(), json!({ "measured": m.measured, "textbook": textbook(&m.textbook), "formula": d.render(&m.formula) })))
        .collect();
    let violations: Vec<Value> = trace
        .violations()
        .iter()
        .map(|v| json!({ "invariant": v.invariant, "event": v.event, "step": v.step, "time": v.time, "nodes": v.nodes, "detail": d.render(&v.detail) }))
        .collect();
    let problems: Vec<String> = history.problems().iter().map(|p| d.render(p)).collect();
    let end = Scenario { acts: history.acts().to_vec(), at: Some(history.step()), at_time: None, ..scenario.clone() };
    json!({
        "protocol": scenario.protocol,
        "n": scenario.n,
        "seed": scenario.seed,
        "events": trace.events().len(),
        "steps": history.step(),
        "time": sim.now(),
        "quiescent": sim.quiescent(),
        "messages": {
            "sent": c.sent,
            "delivered": c.delivered,
            "dropped": c.dropped,
            "duplicated": c.duplicated,
            "by_kind": c.by_kind,
        },
        "metrics": metrics,
        "violations": violations,
        "skipped_interventions": problems,
        "trace_hash": format!("{:016x}", trace.hash()),
        "url": format!("#{}", end.to_fragment()),
    })
}

/// The whole run up to the cursor, for `dsviz export` and the page's "Export JSON": the
/// scenario (its fragment, which reopens the run), the [`run_report`] summary, and the log
/// itself: every event (with its vector clock and notes, in English), every message and
/// every violation. `format` and `version` name the shape.
pub fn export_report(scenario: &Scenario, history: &History) -> Value {
    let sim = history.sim();
    let trace = sim.trace();
    let d = english(&sim.info());
    let events: Vec<Value> = trace
        .events()
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).expect("events serialise");
            v["vector"] = json!(trace.vector(e.id));
            let notes: Vec<String> = trace.notes_of(e.id).map(|t| d.render(t)).collect();
            if !notes.is_empty() {
                v["notes"] = json!(notes);
            }
            let marks: Vec<&str> = trace.marks_of(e.id).map(|m| m.tag).collect();
            if !marks.is_empty() {
                v["marks"] = json!(marks);
            }
            v
        })
        .collect();
    let messages: Vec<Value> = trace
        .messages()
        .iter()
        .map(|m| {
            let mut v = serde_json::to_value(m).expect("messages serialise");
            v["end_event"] = json!(trace.end_of(m.id));
            v
        })
        .collect();
    let summary = run_report(scenario, history);
    json!({
        "format": "dsviz-run",
        "version": 1,
        "scenario": summary["url"].as_str().unwrap_or_default().trim_start_matches('#'),
        "protocol": scenario.protocol,
        "n": scenario.n,
        "seed": scenario.seed,
        "hosts": crate::shiviz::node_names(scenario.n),
        "summary": summary,
        "events": events,
        "messages": messages,
        "violations": summary["violations"].clone(),
    })
}

/// The `dsviz check` report: the scenario under `seeds` seeds (0..seeds).
pub fn check_report(scenario: &Scenario, seeds: u64, max_events: usize) -> Result<Value, ScenarioError> {
    let mut violating = 0u64;
    let mut first_url = Value::Null;
    let mut by_invariant: std::collections::BTreeMap<&'static str, u64> = Default::default();
    // Properties the protocol watches without promising them: their breaches are the
    // lessons the protocol exists to show, counted apart.
    let mut lessons: std::collections::BTreeMap<&'static str, u64> = Default::default();
    for seed in 0..seeds {
        let s = Scenario { seed, at: None, at_time: None, ..scenario.clone() };
        let history = run(&s, max_events)?;
        let unpromised: Vec<&'static str> = history.sim().invariants().iter().filter(|i| !i.promised).map(|i| i.id).collect();
        let violations = history.sim().trace().violations();
        let mut seen = std::collections::BTreeSet::new();
        let mut first_promised = None;
        for v in violations {
            if seen.insert(v.invariant) {
                let tally = if unpromised.contains(&v.invariant) { &mut lessons } else { &mut by_invariant };
                *tally.entry(v.invariant).or_insert(0) += 1;
            }
            if first_promised.is_none() && !unpromised.contains(&v.invariant) {
                first_promised = Some(v.step);
            }
        }
        let Some(step) = first_promised else { continue };
        violating += 1;
        if first_url.is_null() {
            let at = Scenario { at: Some(step), ..s };
            first_url = json!(format!("#{}", at.to_fragment()));
        }
    }
    Ok(json!({
        "protocol": scenario.protocol,
        "seeds": seeds,
        "violating_seeds": violating,
        "first_violation_url": first_url,
        "violations_by_invariant": by_invariant,
        "unpromised_broken_by_property": lessons,
    }))
}

/// The command line speaks English; ids stay ids.
fn english(info: &crate::sim::ProtocolInfo) -> Dictionary {
    Dictionary::new(Lang::En, info.words, crate::ui::words::UI)
}

fn param_json(d: &Dictionary, spec: &crate::sim::ParamSpec) -> Value {
    let default = match &spec.default {
        ParamValue::Int(v) => json!(v),
        ParamValue::Bool(b) => json!(b),
        ParamValue::Choice(c) => json!(c),
        ParamValue::Node(i) => json!(i),
        ParamValue::IdList(ids) => json!(ids),
    };
    let mut p = json!({ "name": spec.name, "type": spec.type_name(), "default": default, "help": d.id("param", spec.name), "accepted": spec.accepted() });
    match &spec.kind {
        ParamKind::Int { min, max } => {
            p["min"] = json!(min);
            p["max"] = json!(max);
        }
        ParamKind::Bool => p["allowed"] = json!([true, false]),
        ParamKind::Choice(options) => p["allowed"] = json!(options),
        // The range follows the number of nodes: say so instead of a number.
        ParamKind::Node => {
            p["min"] = json!(0);
            p["max"] = json!("n-1");
        }
        ParamKind::IdList => {
            p["length"] = json!("n, or 0 to let the protocol choose");
            p["min"] = json!(1);
            p["max"] = json!(u32::MAX);
            p["separator"] = json!(".");
        }
    }
    p
}

/// The `dsviz list --json` report: every protocol, its knobs and its ready scenarios.
pub fn list_report() -> Value {
    let protocols: Vec<Value> = REGISTRY
        .iter()
        .map(|e| {
            let info = (e.info)();
            let d = english(&info);
            json!({
                "id": info.id,
                "name": d.word("name"),
                "family": info.family,
                "summary": d.word("summary"),
                "nodes": { "min": info.nodes.min, "max": info.nodes.max, "default": info.nodes.default },
                "topologies": info.topologies.iter().map(|t| t.name()).collect::<Vec<_>>(),
                "topology_forms": info.topologies.iter().map(|t| t.forms()).collect::<Vec<_>>(),
                "network": {
                    "delay": [info.network.delay_min, info.network.delay_max],
                    "drop_percent": crate::sim::network::format_percent(info.network.drop),
                    "duplicate_percent": crate::sim::network::format_percent(info.network.duplicate),
                    "fifo": info.network.fifo,
                },
                "parameters": info.params.iter().map(|p| param_json(&d, p)).collect::<Vec<_>>(),
                "inputs": info.inputs.iter().map(|i| json!({ "id": i.id, "label": d.id("input", i.id) })).collect::<Vec<_>>(),
                "scenarios": info.scenarios.iter().map(|s| json!({ "id": s.id, "title": d.id("scenario", s.id), "explanation": d.word(&format!("scenario.{}.about", s.id)), "fragment": s.fragment })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "protocols": protocols })
}

/// One algorithm's line in a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub protocol: &'static str,
    /// A switch turned on for this row (`p.NAME=on`), when the protocol has one.
    pub variant: Option<&'static str>,
    pub entries: Option<f64>,
    /// One per [`COMPARED`] id, None where the protocol does not measure it.
    pub metrics: Vec<Option<crate::sim::Metric>>,
    pub violations: usize,
}

/// The ids of the metrics a family is compared by, in column order.
pub const COMPARED: &[&str] = &["messages_per_entry", "enter_mean", "sync_mean", "throughput"];

/// The same workload through every protocol of `family` that has one: the same N (within
/// each protocol's range), seed, request rate and stay in the CS, each run to `max_events`
/// events. A lecture's summary slide, counted from the runs.
pub fn compare(family: &str, n: usize, seed: u64, every: i64, hold: i64, max_events: usize) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    for entry in REGISTRY {
        let info = (entry.info)();
        let Some(w) = info.workload.filter(|_| info.family == family) else { continue };
        let mut s = Scenario::defaults(&info);
        s.n = n.clamp(info.nodes.min, info.nodes.max);
        s.seed = seed;
        for (name, value) in [(Some(w.every_param), every), (w.hold_param, hold)] {
            if let Some(spec) = name.and_then(|name| info.params.iter().find(|p| p.name == name)) {
                if let Ok(v) = spec.parse(&value.to_string()) {
                    s.params.0.insert(spec.name, v);
                }
            }
        }
        // The algorithm as taught, then with each switch it offers (Maekawa's fix) on.
        let switches = info.params.iter().filter(|p| p.default == crate::sim::ParamValue::Bool(false)).map(|p| p.name);
        for variant in std::iter::once(None).chain(switches.map(Some)) {
            let mut s = s.clone();
            if let Some(name) = variant {
                s.params.0.insert(name, crate::sim::ParamValue::Bool(true));
            }
            let Ok(history) = run(&s, max_events) else { continue };
            let sim = history.sim();
            let metrics: Vec<crate::sim::Metric> = sim.metrics();
            let entries = metrics.iter().find(|m| m.id == "entries").and_then(|m| m.measured);
            let metrics = COMPARED.iter().map(|id| metrics.iter().find(|m| m.id == *id).cloned()).collect();
            rows.push(CompareRow { protocol: info.id, variant, entries, metrics, violations: sim.trace().violations().len() });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comparison_runs_the_same_workload_through_the_family() {
        let rows = compare("mutex", 5, 3, 300, 100, 4_000);
        assert!(rows.iter().any(|r| r.protocol == "mutex-token-ring"), "{rows:?}");
        assert!(rows.iter().any(|r| r.protocol == "mutex-maekawa" && r.variant == Some("fix")), "the fix gets its own row");
        for r in &rows {
            assert!(r.entries.is_some_and(|e| e > 0.0) || r.variant.is_none() && r.violations > 0, "{}: someone entered", r.protocol);
            // Maekawa's basic algorithm deadlocks under load: that is its lesson.
            if r.protocol == "mutex-maekawa" && r.variant.is_none() {
                continue;
            }
            assert_eq!(r.violations, 0, "{}: inside its assumptions", r.protocol);
            assert!(r.metrics.iter().all(|m| m.as_ref().is_some_and(|m| m.measured.is_some())), "{}: {:?}", r.protocol, r.metrics);
        }
        assert!(compare("no-such-family", 5, 3, 300, 100, 1_000).is_empty());
    }
}
