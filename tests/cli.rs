//! The command-line runner's contract: the JSON keys later tools rely on, strictness on
//! bad input, and every protocol's invariants holding over many seeds.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

use serde_json::Value;

fn dsviz(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dsviz")).args(args).output().expect("dsviz runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn has_keys(v: &Value, keys: &[&str]) {
    for k in keys {
        assert!(v.get(k).is_some(), "missing key {k} in {v}");
    }
}

#[test]
fn list_names_every_protocol_with_its_knobs_and_scenarios() {
    let (code, v, _) = dsviz(&["list", "--json"]);
    assert_eq!(code, 0);
    let protocols = v["protocols"].as_array().unwrap();
    let ids: Vec<&str> = protocols.iter().map(|p| p["id"].as_str().unwrap()).collect();
    for id in ["mutex-token-ring", "election-ring", "clocks-vector"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    for p in protocols {
        has_keys(p, &["id", "name", "family", "nodes", "topologies", "parameters", "inputs", "scenarios"]);
        for param in p["parameters"].as_array().unwrap() {
            has_keys(param, &["name", "type", "default", "accepted"]);
        }
        let scenarios = p["scenarios"].as_array().unwrap();
        assert!(scenarios.len() >= 2, "{} has {} ready scenarios", p["id"], scenarios.len());
        for s in scenarios {
            has_keys(s, &["title", "fragment"]);
            assert!(s["fragment"].as_str().unwrap().starts_with("v=1&proto="));
        }
    }
}

#[test]
fn run_reports_the_textbook_worst_case_for_chang_roberts() {
    let (code, v, err) = dsviz(&["run", "v=1&proto=election-ring&n=8&p.ids=worst&p.initiators=one", "--json"]);
    assert_eq!(code, 0, "{err}");
    has_keys(&v, &["protocol", "n", "seed", "events", "time", "messages", "metrics", "violations", "trace_hash"]);
    has_keys(&v["messages"], &["sent", "delivered", "dropped", "duplicated", "by_kind"]);
    assert_eq!(v["messages"]["sent"], 23);
    let m = &v["metrics"]["messages"];
    has_keys(m, &["measured", "textbook", "formula"]);
    assert_eq!((m["measured"].as_f64(), m["textbook"].as_f64(), m["formula"].as_str()), (Some(23.0), Some(23.0), Some("3N-1")));
    assert_eq!(v["violations"].as_array().unwrap().len(), 0);
    assert_eq!(v["trace_hash"].as_str().unwrap().len(), 16);
    // The same scenario twice: the same trace.
    let (_, again, _) = dsviz(&["run", "v=1&proto=election-ring&n=8&p.ids=worst&p.initiators=one", "--json"]);
    assert_eq!(v["trace_hash"], again["trace_hash"]);
}

#[test]
fn run_stops_at_the_limit_and_reports_violations() {
    let (code, v, _) = dsviz(&["run", "#v=1&proto=mutex-token-ring&n=4&p.requests=0&act=0:drop:0", "--json"]);
    assert_eq!(code, 0);
    let violations = v["violations"].as_array().unwrap();
    assert!(violations.iter().any(|x| x["invariant"] == "one_token"), "{violations:?}");
    has_keys(&violations[0], &["invariant", "event", "nodes"]);
    let (_, v, _) = dsviz(&["run", "mutex-token-ring", "--max-events", "500", "--json"]);
    assert!(v["events"].as_u64().unwrap() >= 500 && v["events"].as_u64().unwrap() < 520, "{}", v["events"]);
    assert_eq!(v["quiescent"], false);
}

#[test]
fn bad_input_is_an_error_that_names_the_key() {
    let (code, _, err) = dsviz(&["run", "v=1&proto=election-ring&n=1000&topo=star"]);
    assert_eq!(code, 2);
    assert!(err.contains("n: '1000'") && err.contains("topo: 'star'") && err.contains("accepted: ring"), "{err}");
    let (code, _, err) = dsviz(&["run", "no-such-protocol"]);
    assert_eq!(code, 2);
    assert!(err.contains("election-ring"), "{err}");
    let (code, _, err) = dsviz(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("accepted: list, run, export, check, compare, soak"), "{err}");
    let (code, _, err) = dsviz(&["check", "election-ring"]);
    assert_eq!(code, 2);
    assert!(err.contains("--seeds"), "{err}");
}

#[test]
fn check_finds_the_broken_runs_and_links_the_first() {
    let (code, v, _) = dsviz(&["check", "v=1&proto=mutex-token-ring&n=4&dup=20", "--seeds", "20", "--max-events", "2000", "--json"]);
    assert_eq!(code, 0);
    has_keys(&v, &["seeds", "violating_seeds", "first_violation_url"]);
    assert_eq!(v["seeds"], 20);
    assert!(v["violating_seeds"].as_u64().unwrap() > 0);
    let url = v["first_violation_url"].as_str().unwrap();
    // The link reproduces a violating run.
    let (_, rerun, _) = dsviz(&["run", url, "--max-events", "2000", "--json"]);
    assert!(!rerun["violations"].as_array().unwrap().is_empty(), "{url}");
}

/// Inside each protocol's assumptions (its default network) no invariant ever breaks.
#[test]
fn every_protocol_holds_its_invariants_over_1000_seeds() {
    for entry in dsviz::protocols::REGISTRY {
        let info = entry.info();
        let mut scenarios = vec![dsviz::sim::Scenario::defaults(&info)];
        // Ready scenarios without interventions or faults also stay inside the assumptions,
        // except those that leave them through a parameter to show what goes wrong.
        const OUTSIDE_BY_PARAMETER: &[(&str, &str)] = &[("election-randomized", "short-window")];
        // A protocol cannot see the network it runs on, so it cannot withdraw a promise when
        // a scenario turns FIFO off; a lesson that does so (the snapshot's non-FIFO run) is
        // outside the assumptions of a protocol whose default network is FIFO.
        let unfifo = |r: &dsviz::sim::ReadyScenario| info.network.fifo && r.fragment.contains("fifo=0");
        let inside = |r: &&dsviz::sim::ReadyScenario| {
            !r.fragment.contains("act=") && !r.fragment.contains("dup=") && !r.fragment.contains("drop=") && !OUTSIDE_BY_PARAMETER.contains(&(info.id, r.id)) && !unfifo(r)
        };
        for ready in info.scenarios.iter().filter(inside) {
            scenarios.push(dsviz::sim::Scenario::parse_strict(ready.fragment, dsviz::protocols::REGISTRY).unwrap());
        }
        // Maekawa's basic algorithm does not promise progress (crossing requests deadlock
        // by design); with the fix it does, and must keep it.
        if info.id == "mutex-maekawa" {
            let mut fixed = dsviz::sim::Scenario::defaults(&info);
            fixed.params.0.insert("fix", dsviz::sim::ParamValue::Bool(true));
            scenarios.push(fixed);
        }
        for s in scenarios {
            let r = dsviz::report::check_report(&s, 1_000, 1_500).unwrap();
            assert_eq!(r["violating_seeds"], 0, "{}: {r}", s.to_fragment());
        }
    }
}

#[test]
fn list_describes_node_parameters_and_topology_forms() {
    let (code, v, _) = dsviz(&["list", "--json"]);
    assert_eq!(code, 0);
    let protocols = v["protocols"].as_array().unwrap();
    let ring = protocols.iter().find(|p| p["id"] == "election-ring").unwrap();
    let starter = ring["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "starter").unwrap();
    assert_eq!((starter["type"].as_str(), starter["default"].as_u64(), starter["min"].as_u64(), starter["max"].as_str()), (Some("node"), Some(0), Some(0), Some("n-1")));
    assert!(starter["accepted"].as_str().unwrap().contains("0 to N-1"));
    let clocks = protocols.iter().find(|p| p["id"] == "clocks-vector").unwrap();
    let forms: Vec<&str> = clocks["topology_forms"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(forms.iter().any(|f| f.contains("tree:D")) && forms.contains(&"random-tree") && forms.contains(&"grid"), "{forms:?}");
}

/// Fault campaigns: each consensus protocol, put through the crashes, loss, delays and
/// partitions its fault model allows, keeps its safety properties (the full figure is
/// 1,000 seeds: `dsviz check raft --seeds 1000 --faults all --max-events 10000`).
#[test]
fn fault_campaigns_break_no_safety_property_inside_each_model() {
    for (id, max_events, applied) in [("commit-2pc", "5000", 4), ("commit-3pc", "5000", 1), ("paxos", "5000", 4), ("raft", "3000", 4)] {
        let (code, v, err) = dsviz(&["check", id, "--seeds", "100", "--faults", "crash,drop,partition,delay", "--max-events", max_events, "--json"]);
        assert_eq!(code, 0, "{id}: {err}");
        has_keys(&v, &["faults", "faults_outside_model", "safety", "liveness_broken_by_property", "interventions"]);
        assert_eq!(v["violating_seeds"], 0, "{id}: {v}");
        assert_eq!(v["faults"].as_array().unwrap().len(), applied, "{id}: {v}");
        assert!(v["interventions"]["crash"].as_u64().unwrap() > 50, "{id}: the faults happened: {v}");
    }
    // 2PC stays atomic but blocks: the detector reports it apart, as a lesson.
    let (_, v, _) = dsviz(&["check", "commit-2pc", "--seeds", "100", "--faults", "all", "--json"]);
    assert!(v["unpromised_broken_by_property"]["nonblocking"].as_u64().unwrap() > 0, "{v}");
    // Two proposers under faults sometimes never decide: the stall monitor finds it on random
    // runs, as it finds the duel's livelock; it is progress, not agreement.
    let (_, v, _) = dsviz(&["check", "paxos", "--seeds", "100", "--faults", "all", "--json"]);
    assert!(v["unpromised_broken_by_property"]["decides"].as_u64().unwrap() > 0, "{v}");
    let (code, _, err) = dsviz(&["check", "election-ring", "--seeds", "10", "--faults", "crash"]);
    assert_eq!(code, 2);
    assert!(err.contains("no fault model"), "{err}");
    let (code, _, err) = dsviz(&["check", "raft", "--seeds", "10", "--faults", "meteor"]);
    assert_eq!(code, 2);
    assert!(err.contains("accepted: crash, drop, partition, delay"), "{err}");
}

#[test]
fn export_prints_the_whole_run_and_its_shiviz_log() {
    let fragment = "v=1&proto=election-ring&n=5&seed=2";
    let (code, v, err) = dsviz(&["export", fragment]);
    assert_eq!(code, 0, "{err}");
    has_keys(&v, &["format", "version", "scenario", "protocol", "hosts", "summary", "events", "messages", "violations"]);
    assert_eq!(v["format"], "dsviz-run");
    let (_, run, _) = dsviz(&["run", fragment, "--json"]);
    assert_eq!(v["summary"]["trace_hash"], run["trace_hash"], "the summary is `run --json`'s");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len() as u64, run["events"].as_u64().unwrap());
    has_keys(&events[0], &["id", "step", "time", "node", "kind", "lamport", "vector"]);
    assert_eq!(v["messages"].as_array().unwrap().len() as u64, run["messages"]["sent"].as_u64().unwrap());
    assert!(v["scenario"].as_str().unwrap().starts_with("v=1&proto=election-ring"));

    let out = Command::new(env!("CARGO_BIN_EXE_dsviz")).args(["export", fragment, "--shiviz"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let log = dsviz::shiviz::parse_shiviz(&text).unwrap();
    assert_eq!(log.hosts.len(), 5);
    assert!(!log.messages.is_empty());
}
