//! Running scenarios to the end and reporting on them: the JSON the command-line runner
//! prints, shared with the tests. Keys here are a contract later tools rely on.

use serde_json::{json, Map, Value};

use crate::protocols::REGISTRY;
use crate::sim::params::{ParamKind, ParamValue};
use crate::sim::protocol::{FaultModel, Textbook};
use crate::sim::rng::{Ppm, SimRng};
use crate::sim::{Act, History, NetworkConfig, NodeId, Scenario, ScenarioError, Time};
use crate::words::{Dictionary, Lang, Text};

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
    check_report_with_faults(scenario, seeds, max_events, &[])
}

/// Faults a campaign may add to each seed's run (`dsviz check --faults`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// Nodes crash (and recover, where the model has stable storage).
    Crash,
    /// The network loses messages at a rate drawn per seed (0 to 10%).
    Drop,
    /// The network splits in two, then heals.
    Partition,
    /// Transit times grow up to three times the default maximum.
    Delay,
}

impl Fault {
    pub const ALL: &'static [Fault] = &[Fault::Crash, Fault::Drop, Fault::Partition, Fault::Delay];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Crash => "crash",
            Fault::Drop => "drop",
            Fault::Partition => "partition",
            Fault::Delay => "delay",
        }
    }

    /// `crash,drop,partition,delay` (any of them, comma-separated) or `all`.
    pub fn parse_list(text: &str) -> Result<Vec<Fault>, String> {
        if text == "all" {
            return Ok(Fault::ALL.to_vec());
        }
        let mut out = Vec::new();
        for word in text.split(',') {
            let f = Fault::ALL.iter().copied().find(|f| f.name() == word).ok_or_else(|| format!("--faults '{word}': accepted: crash, drop, partition, delay (comma-separated) or all"))?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        out.sort();
        Ok(out)
    }

    fn allowed(self, model: &FaultModel) -> bool {
        match self {
            Fault::Crash => model.crash,
            Fault::Drop => model.drop,
            Fault::Partition => model.partition,
            Fault::Delay => model.slow,
        }
    }
}

/// The fault model a protocol declares in its description (its `FAULTS`, written beside
/// the algorithm it describes); a protocol without one cannot be put through a campaign.
pub fn fault_model(protocol: &str) -> Option<FaultModel> {
    crate::protocols::find(protocol).and_then(|e| e.info().faults)
}

/// One seed's faults: the network it runs on and the interventions, each at a time.
fn fault_plan(model: &FaultModel, faults: &[Fault], n: usize, base: &NetworkConfig, seed: u64) -> (NetworkConfig, Vec<(Time, Act)>) {
    // Drawn from a stream of their own, so the faults never shift the run's other draws.
    let mut rng = SimRng::new(seed ^ 0xfa17_5eed_0bad_c0de);
    let on = |f: Fault| faults.contains(&f) && f.allowed(model);
    let window = model.window.max(1);
    let mut network = base.clone();
    let mut acts = Vec::new();
    if on(Fault::Drop) {
        network.drop = rng.between(0, 100_000) as Ppm;
    }
    if on(Fault::Delay) {
        network.delay_max = base.delay_max + rng.between(0, 2 * base.delay_max);
    }
    if on(Fault::Crash) {
        for _ in 0..rng.between(1, 3) {
            let node = rng.below(n as u64) as NodeId;
            let at = rng.below(window);
            acts.push((at, Act::Crash(node)));
            if model.recover {
                acts.push((at + rng.between(window / 10, window / 2), Act::Recover(node)));
            }
        }
    }
    if on(Fault::Partition) && n >= 2 {
        // A random side of 1 to n-1 nodes: shuffle, then cut.
        let mut order: Vec<NodeId> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let k = rng.between(1, n as u64 - 1) as usize;
        let (mut a, mut b) = (order[..k].to_vec(), order[k..].to_vec());
        a.sort_unstable();
        b.sort_unstable();
        let at = rng.below(window);
        acts.push((at, Act::Partition(vec![a, b])));
        acts.push((at + rng.between(window / 10, window / 2), Act::Heal));
    }
    acts.sort_by_key(|(t, _)| *t);
    (network, acts)
}

/// Run one seed of a fault campaign: the scenario (its seed already set) on the seed's
/// network, with the seed's faults applied at their times as far as the model allows
/// (a crash that would take down more than `max_down` nodes is skipped). Returns the run
/// and the scenario that replays it (its interventions recorded with their steps).
pub fn run_with_faults(scenario: &Scenario, faults: &[Fault], max_events: usize) -> Result<(Scenario, History), ScenarioError> {
    match fault_model(scenario.protocol).filter(|_| !faults.is_empty()) {
        Some(model) => run_under(scenario, &model, faults, max_events),
        None => {
            let history = run(scenario, max_events)?;
            Ok((Scenario { acts: history.acts().to_vec(), at: None, at_time: None, ..scenario.clone() }, history))
        }
    }
}

/// [`run_with_faults`] under a given model.
fn run_under(scenario: &Scenario, model: &FaultModel, faults: &[Fault], max_events: usize) -> Result<(Scenario, History), ScenarioError> {
    let (network, plan) = fault_plan(model, faults, scenario.n, &scenario.network, scenario.seed);
    let s = Scenario { network, at: None, at_time: None, ..scenario.clone() };
    let mut history = History::new(s.start(REGISTRY)?, s.acts.clone());
    let max_down = model.max_down.of(scenario.n);
    let mut pending = plan.into_iter().peekable();
    while history.sim().trace().events().len() < max_events && history.step() < max_events as u64 {
        let due = history.sim().next_due();
        if pending.peek().is_some_and(|(t, _)| due.is_none_or(|d| *t <= d)) {
            let (t, act) = pending.next().expect("peeked");
            let up = history.sim().up();
            let down = up.iter().filter(|u| !**u).count();
            let applies = match act {
                // A crash takes down the node's whole machine: all of it must fit.
                Act::Crash(x) => up[x] && down + history.sim().fate_group(x).iter().filter(|&&m| up[m]).count() <= max_down,
                Act::Recover(x) => !up[x],
                _ => true,
            };
            if applies {
                let at = t.max(history.sim().now());
                // Refused acts (none expected after the checks above) change nothing.
                let _ = history.act(act, Some(at));
            }
            continue;
        }
        if !history.forward() {
            break;
        }
    }
    Ok((Scenario { acts: history.acts().to_vec(), ..s }, history))
}

/// The `dsviz check` report, with faults: each seed's run gets the `faults` its
/// protocol's fault model allows (see [`fault_model`]). With faults, only the model's
/// safety properties count as violations; other promised properties broken (progress
/// under faults) are counted apart, as are the unpromised ones (lessons).
pub fn check_report_with_faults(scenario: &Scenario, seeds: u64, max_events: usize, faults: &[Fault]) -> Result<Value, ScenarioError> {
    let model = if faults.is_empty() { None } else { fault_model(scenario.protocol) };
    if !faults.is_empty() && model.is_none() {
        let declared: Vec<&str> = REGISTRY.iter().map(|e| e.info()).filter(|i| i.faults.is_some()).map(|i| i.id).collect();
        return Err(ScenarioError { key: "faults".into(), message: Text::plain(format!("{} declares no fault model; campaigns run for: {}", scenario.protocol, declared.join(", "))) });
    }
    campaign(scenario, seeds, max_events, model, faults)
}

fn campaign(scenario: &Scenario, seeds: u64, max_events: usize, model: Option<FaultModel>, faults: &[Fault]) -> Result<Value, ScenarioError> {
    let mut violating = 0u64;
    let mut first_url = Value::Null;
    let mut by_invariant: std::collections::BTreeMap<&'static str, u64> = Default::default();
    // Properties the protocol watches without promising them: their breaches are the
    // lessons the protocol exists to show, counted apart.
    let mut lessons: std::collections::BTreeMap<&'static str, u64> = Default::default();
    // Promised, but not safety: progress the faults took away.
    let mut liveness: std::collections::BTreeMap<&'static str, u64> = Default::default();
    let mut faults_applied: std::collections::BTreeMap<&'static str, u64> = Default::default();
    for seed in 0..seeds {
        let s = Scenario { seed, at: None, at_time: None, ..scenario.clone() };
        let (s, history) = match &model {
            Some(m) => run_under(&s, m, faults, max_events)?,
            None => run_with_faults(&s, &[], max_events)?,
        };
        for a in history.acts() {
            let kind = match a.act {
                Act::Crash(_) => "crash",
                Act::Recover(_) => "recover",
                Act::Partition(_) => "partition",
                Act::Heal => "heal",
                _ => continue,
            };
            *faults_applied.entry(kind).or_insert(0) += 1;
        }
        let unpromised: Vec<&'static str> = history.sim().invariants().iter().filter(|i| !i.promised).map(|i| i.id).collect();
        let violations = history.sim().trace().violations();
        let mut seen = std::collections::BTreeSet::new();
        let mut first_promised = None;
        for v in violations {
            let safety = model.is_none_or(|m| m.safety.contains(&v.invariant));
            let counted = !unpromised.contains(&v.invariant) && safety;
            if seen.insert(v.invariant) {
                let tally = if unpromised.contains(&v.invariant) {
                    &mut lessons
                } else if counted {
                    &mut by_invariant
                } else {
                    &mut liveness
                };
                *tally.entry(v.invariant).or_insert(0) += 1;
            }
            if first_promised.is_none() && counted {
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
    let mut report = json!({
        "protocol": scenario.protocol,
        "seeds": seeds,
        "violating_seeds": violating,
        "first_violation_url": first_url,
        "violations_by_invariant": by_invariant,
        "unpromised_broken_by_property": lessons,
    });
    if let Some(m) = model {
        let (inside, outside): (Vec<Fault>, Vec<Fault>) = faults.iter().partition(|f| f.allowed(&m));
        report["faults"] = json!(inside.iter().map(|f| f.name()).collect::<Vec<_>>());
        report["faults_outside_model"] = json!(outside.iter().map(|f| f.name()).collect::<Vec<_>>());
        report["safety"] = json!(m.safety);
        report["liveness_broken_by_property"] = json!(liveness);
        report["interventions"] = json!(faults_applied);
    }
    Ok(report)
}

/// The command line speaks English; ids stay ids.
fn english(info: &crate::sim::ProtocolInfo) -> Dictionary {
    Dictionary::for_protocol(Lang::En, info, &[])
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
            let info = e.info();
            let d = english(&info);
            json!({
                "id": info.id,
                "name": d.word("name"),
                "family": info.family.id,
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
    /// One per id of the family's `compare` list, None where the protocol does not
    /// measure it.
    pub metrics: Vec<Option<crate::sim::Metric>>,
    pub violations: usize,
}

/// The families whose protocols can be compared under one workload, by id.
pub fn compared_families() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = REGISTRY.iter().map(|e| e.info()).filter(|i| i.compared()).map(|i| i.family.id).collect();
    ids.dedup();
    ids
}

/// The metric ids `family` is compared by, in column order (empty for a family that
/// compares nothing or does not exist).
pub fn compared_metrics(family: &str) -> &'static [&'static str] {
    REGISTRY.iter().map(|e| e.info()).find(|i| i.family.id == family).map_or(&[], |i| i.family.compare)
}

/// The same workload through every protocol of `family` that has one: the same N (within
/// each protocol's range), seed, request rate and hold time, each run to `max_events`
/// events, measured by the metrics the family compares. A lecture's summary slide,
/// counted from the runs.
pub fn compare(family: &str, n: usize, seed: u64, every: i64, hold: i64, max_events: usize) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        let Some(w) = info.workload.filter(|_| info.family.id == family && info.compared()) else { continue };
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
            let metrics = info.family.compare.iter().map(|id| metrics.iter().find(|m| m.id == *id).cloned()).collect();
            rows.push(CompareRow { protocol: info.id, variant, metrics, violations: sim.trace().violations().len() });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The campaign can find what it looks for: 3PC put through partitions and loss
    /// (outside its model) breaks atomicity, and the link to the first broken run replays it.
    #[test]
    fn a_campaign_outside_the_model_finds_the_break_and_links_a_replay() {
        let s = Scenario::parse_strict("commit-3pc", REGISTRY).unwrap();
        let outside = FaultModel { crash: true, recover: true, drop: true, partition: true, slow: true, ..crate::protocols::consensus::three_phase::FAULTS };
        let r = campaign(&s, 300, 5_000, Some(outside), Fault::ALL).unwrap();
        assert!(r["violations_by_invariant"]["atomicity"].as_u64().unwrap() > 0, "{r}");
        let url = r["first_violation_url"].as_str().unwrap();
        let again = Scenario::parse_strict(url, REGISTRY).unwrap();
        let replay = run(&again, 5_000).unwrap();
        assert!(replay.sim().trace().violations().iter().any(|v| v.invariant == "atomicity"), "{url}");
        // Inside the model, none.
        let r = check_report_with_faults(&s, 300, 5_000, Fault::ALL).unwrap();
        assert_eq!((r["violating_seeds"].as_u64(), r["faults"].clone()), (Some(0), json!(["crash"])), "{r}");
        assert!(check_report_with_faults(&Scenario::parse_strict("election-ring", REGISTRY).unwrap(), 1, 100, Fault::ALL).is_err());
        assert_eq!(Fault::parse_list("drop,crash,drop").unwrap(), vec![Fault::Crash, Fault::Drop]);
        assert!(Fault::parse_list("crash,meteor").unwrap_err().contains("meteor"));
    }

    #[test]
    fn the_comparison_runs_the_same_workload_through_the_family() {
        let rows = compare("mutex", 5, 3, 300, 100, 4_000);
        assert!(rows.iter().any(|r| r.protocol == "mutex-token-ring"), "{rows:?}");
        assert!(rows.iter().any(|r| r.protocol == "mutex-maekawa" && r.variant == Some("fix")), "the fix gets its own row");
        for r in &rows {
            let entries = r.metrics[0].as_ref().and_then(|m| m.measured);
            assert!(entries.is_some_and(|e| e > 0.0) || r.variant.is_none() && r.violations > 0, "{}: someone entered", r.protocol);
            // Maekawa's basic algorithm deadlocks under load: that is its lesson.
            if r.protocol == "mutex-maekawa" && r.variant.is_none() {
                continue;
            }
            assert_eq!(r.violations, 0, "{}: inside its assumptions", r.protocol);
            assert!(r.metrics.iter().all(|m| m.as_ref().is_some_and(|m| m.measured.is_some())), "{}: {:?}", r.protocol, r.metrics);
        }
        assert!(compare("no-such-family", 5, 3, 300, 100, 1_000).is_empty());
    }

    /// Raft and the multicasts take a workload but their families compare nothing: no
    /// table of empty columns, on the page or on the command line.
    #[test]
    fn only_families_that_compare_something_offer_a_comparison() {
        assert_eq!(compared_families(), vec!["mutex"]);
        assert_eq!(compared_metrics("mutex")[0], "entries");
        for id in ["raft", "multicast-causal"] {
            let info = crate::protocols::find(id).unwrap().info();
            assert!(info.workload.is_some() && !info.compared(), "{id}");
            assert!(compare(info.family.id, 5, 3, 300, 100, 1_000).is_empty(), "{id}");
        }
    }
}
