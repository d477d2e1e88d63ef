//! `dsviz`: run scenarios natively, from the command line. Strict where the browser is
//! tolerant: a bad scenario is an error (exit status 2), never a guess.

use std::process::ExitCode;

use dsviz::protocols::REGISTRY;
use dsviz::report::{self, DEFAULT_MAX_EVENTS};
use dsviz::sim::Scenario;

const USAGE: &str = "\
dsviz: deterministic runs of distributed algorithms

usage:
  dsviz list [--json]
      every protocol: id, family, parameters, inputs and ready-made scenarios
  dsviz run <URL | fragment | protocol id> [--max-events N] [--json]
      run the scenario from the start until nothing is left to happen or the log holds
      N events (default 100000); report messages, metrics, violations and a trace hash.
      The scenario's cursor (at=) is for viewing and is ignored here.
  dsviz export <URL | fragment | protocol id> [--shiviz] [--max-events N]
      run the scenario as `run` does and print the whole run as JSON: the scenario, the
      summary `run --json` prints, every event (with vector clocks), message and
      violation. With --shiviz, the event log in ShiViz's format instead (parser regex
      (?<event>.*)\\n(?<host>\\S*) (?<clock>{.*}) , ShiViz's default).
  dsviz check <URL | fragment | protocol id> --seeds K [--faults LIST] [--max-events N] [--json]
      run the scenario under seeds 0..K and count the seeds that broke an invariant.
      --faults crash,drop,partition,delay (or all) adds, per seed, faults drawn from the
      seed: crashes and recoveries, a drop rate, a partition and its heal, longer delays;
      only those inside the protocol's fault model (commit-2pc, commit-3pc, paxos, raft
      declare one), and only its safety properties count as violations (progress lost
      under faults is reported apart)
  dsviz compare <family> [--n N] [--seed S] [--every T] [--hold T] [--max-events N] [--json]
      the same workload through every protocol of a family (e.g. mutex): messages per
      CS entry, enter and sync delays, throughput, side by side
  dsviz soak [--seeds K] [--max-events N] [--json]
      every protocol's default and ready-made scenarios under K seeds (default 2000):
      how many seeds broke an invariant, and how long it took. Scenarios inside the
      algorithm's assumptions should report 0; the failure scenarios are meant to break.
  dsviz help

A scenario is a URL fragment such as
  'v=1&proto=election-ring&n=8&p.ids=worst'
(quote it: it contains '&'). A bare protocol id means its default scenario.";

struct Args {
    command: String,
    scenario: Option<String>,
    json: bool,
    shiviz: bool,
    max_events: usize,
    seeds: Option<u64>,
    faults: Vec<report::Fault>,
    compare: CompareOptions,
}

/// The shared workload `dsviz compare` runs through a family.
struct CompareOptions {
    n: usize,
    seed: u64,
    every: i64,
    hold: i64,
}

fn parse_args(raw: Vec<String>) -> Result<Args, String> {
    let compare = CompareOptions { n: 5, seed: 1, every: 400, hold: 100 };
    let mut args = Args { command: String::new(), scenario: None, json: false, shiviz: false, max_events: DEFAULT_MAX_EVENTS, seeds: None, faults: Vec::new(), compare };
    let mut it = raw.into_iter();
    args.command = it.next().unwrap_or_else(|| "help".into());
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "--json" => args.json = true,
            "--shiviz" => args.shiviz = true,
            "--max-events" => {
                let v = value("--max-events")?;
                args.max_events = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("--max-events '{v}': expected a whole number above 0"))?;
            }
            "--seeds" => {
                let v = value("--seeds")?;
                args.seeds = Some(v.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("--seeds '{v}': expected a whole number above 0"))?);
            }
            "--faults" => args.faults = report::Fault::parse_list(&value("--faults")?)?,
            "--n" | "--seed" | "--every" | "--hold" => {
                let v = value(&a)?;
                let number: u64 = v.parse().map_err(|_| format!("{a} '{v}': expected a whole number"))?;
                match a.as_str() {
                    "--n" => args.compare.n = number as usize,
                    "--seed" => args.compare.seed = number,
                    "--every" => args.compare.every = number as i64,
                    _ => args.compare.hold = number as i64,
                }
            }
            "-h" | "--help" => args.command = "help".into(),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}; accepted: --json, --shiviz, --max-events N, --seeds K, --faults LIST, --n N, --seed S, --every T, --hold T")),
            _ if args.scenario.is_none() => args.scenario = Some(a),
            _ => return Err(format!("unexpected argument '{a}' (quote the scenario: it contains '&')")),
        }
    }
    Ok(args)
}

fn scenario(args: &Args) -> Result<Scenario, String> {
    let text = args.scenario.as_deref().ok_or("this command needs a scenario (a URL, a fragment or a protocol id)")?;
    Scenario::parse_strict(text, REGISTRY).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!("the scenario is not valid:\n{}", lines.join("\n"))
    })
}

fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).expect("JSON values always serialise"));
}

fn list(args: &Args) {
    let report = report::list_report();
    if args.json {
        return print_json(&report);
    }
    for p in report["protocols"].as_array().expect("list has protocols") {
        println!("{}  ({}: {})", p["id"].as_str().unwrap_or_default(), p["family"].as_str().unwrap_or_default(), p["name"].as_str().unwrap_or_default());
        println!("    nodes {}..{} (default {}), topologies {}", p["nodes"]["min"], p["nodes"]["max"], p["nodes"]["default"], p["topologies"]);
        for param in p["parameters"].as_array().into_iter().flatten() {
            println!("    p.{} = {}   {} ({})", param["name"].as_str().unwrap_or_default(), param["default"], param["help"].as_str().unwrap_or_default(), param["accepted"].as_str().unwrap_or_default());
        }
        for s in p["scenarios"].as_array().into_iter().flatten() {
            println!("    scenario: {}\n      #{}", s["title"].as_str().unwrap_or_default(), s["fragment"].as_str().unwrap_or_default());
        }
        println!();
    }
}

fn run(args: &Args) -> Result<(), String> {
    let s = scenario(args)?;
    let history = report::run(&s, args.max_events).map_err(|e| e.to_string())?;
    let r = report::run_report(&s, &history);
    if args.json {
        print_json(&r);
        return Ok(());
    }
    println!("{} with {} nodes, seed {}", r["protocol"].as_str().unwrap_or_default(), r["n"], r["seed"]);
    println!("  {} events in {} steps, simulated time {}{}", r["events"], r["steps"], r["time"], if r["quiescent"] == true { " (run ended)" } else { " (limit reached)" });
    let m = &r["messages"];
    println!("  messages: {} sent, {} delivered, {} dropped, {} duplicated; by kind {}", m["sent"], m["delivered"], m["dropped"], m["duplicated"], m["by_kind"]);
    for (name, v) in r["metrics"].as_object().into_iter().flatten() {
        println!("  {name}: measured {}, textbook {} ({})", v["measured"], v["textbook"], v["formula"].as_str().unwrap_or_default());
    }
    let violations = r["violations"].as_array().map_or(0, |v| v.len());
    println!("  violations: {violations}");
    for v in r["violations"].as_array().into_iter().flatten() {
        println!("    step {} t={} {}: {}", v["step"], v["time"], v["invariant"].as_str().unwrap_or_default(), v["detail"].as_str().unwrap_or_default());
    }
    println!("  trace hash {}\n  {}", r["trace_hash"].as_str().unwrap_or_default(), r["url"].as_str().unwrap_or_default());
    Ok(())
}

fn export(args: &Args) -> Result<(), String> {
    let s = scenario(args)?;
    let history = report::run(&s, args.max_events).map_err(|e| e.to_string())?;
    if args.shiviz {
        let trace = history.sim().trace();
        if trace.vector(0).is_none() {
            return Err(format!("this run keeps no vector clocks (N = {} is above the limit), so it has no ShiViz log", s.n));
        }
        print!("{}", dsviz::shiviz::to_shiviz(trace, &dsviz::shiviz::node_names(s.n)));
    } else {
        print_json(&report::export_report(&s, &history));
    }
    Ok(())
}

fn check(args: &Args) -> Result<(), String> {
    let s = scenario(args)?;
    let seeds = args.seeds.ok_or("check needs --seeds K")?;
    let r = report::check_report_with_faults(&s, seeds, args.max_events, &args.faults).map_err(|e| e.to_string())?;
    if args.json {
        print_json(&r);
    } else {
        println!("{}: {} of {} seeds broke an invariant {}", r["protocol"].as_str().unwrap_or_default(), r["violating_seeds"], r["seeds"], r["violations_by_invariant"]);
        if let Some(faults) = r.get("faults") {
            println!("  faults {faults} (outside the model, not applied: {}); safety {}", r["faults_outside_model"], r["safety"]);
            println!("  interventions applied {}", r["interventions"]);
            println!("  progress lost under faults (not safety) {}", r["liveness_broken_by_property"]);
        }
        println!("  unpromised properties broken (lessons) {}", r["unpromised_broken_by_property"]);
        if let Some(url) = r["first_violation_url"].as_str() {
            println!("  first: {url}");
        }
    }
    Ok(())
}

fn compare(args: &Args) -> Result<(), String> {
    let families = report::compared_families().join(", ");
    let family = args.scenario.clone().ok_or_else(|| format!("compare needs a family; families that compare: {families}"))?;
    let o = &args.compare;
    let rows = report::compare(&family, o.n, o.seed, o.every, o.hold, args.max_events.min(200_000));
    if rows.is_empty() {
        return Err(format!("family '{family}' has no comparison; families that compare: {families}"));
    }
    let d = |id: &str| {
        let info = dsviz::protocols::find(id).expect("listed").info();
        dsviz::words::Dictionary::for_protocol(dsviz::words::Lang::En, &info, dsviz::ui::words::UI)
    };
    let columns = report::compared_metrics(&family);
    if args.json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                let metrics: serde_json::Map<String, serde_json::Value> =
                    r.metrics.iter().flatten().map(|m| (m.id.to_string(), serde_json::json!({ "measured": m.measured, "formula": d(r.protocol).render(&m.formula) }))).collect();
                serde_json::json!({ "protocol": r.protocol, "variant": r.variant, "violations": r.violations, "metrics": metrics })
            })
            .collect();
        print_json(&serde_json::json!({ "family": family, "n": o.n, "seed": o.seed, "every": o.every, "hold": o.hold, "columns": columns, "rows": rows }));
        return Ok(());
    }
    // Column heads in the family's words, each as wide as its longest cell.
    let head = d(rows[0].protocol);
    let mut table: Vec<Vec<String>> = vec![std::iter::once("protocol".to_string()).chain(columns.iter().map(|id| head.id("metric", id))).chain(std::iter::once("violations".into())).collect()];
    for r in &rows {
        let name = match r.variant {
            Some(v) => format!("{} +{v}", r.protocol),
            None => r.protocol.to_string(),
        };
        let cells = r.metrics.iter().map(|m| match m {
            Some(m) => format!("{} ({})", m.measured.map_or("-".into(), dsviz::ui::text::figure), dsviz::ui::text::textbook(&d(r.protocol), m)),
            None => "-".into(),
        });
        table.push(std::iter::once(name).chain(cells).chain(std::iter::once(r.violations.to_string())).collect());
    }
    let widths: Vec<usize> = (0..table[0].len()).map(|c| table.iter().map(|row| row[c].chars().count()).max().unwrap_or(0)).collect();
    for row in &table {
        let line: Vec<String> = row.iter().zip(&widths).enumerate().map(|(c, (cell, w))| if c == 0 { format!("{cell:<w$}") } else { format!("{cell:>w$}") }).collect();
        println!("{}", line.join("  "));
    }
    Ok(())
}

fn soak(args: &Args) -> Result<(), String> {
    let seeds = args.seeds.unwrap_or(2_000);
    let mut rows = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        let mut scenarios = vec![(format!("{} (defaults)", info.id), Scenario::defaults(&info))];
        for ready in info.scenarios {
            let s = Scenario::parse_strict(ready.fragment, REGISTRY).map_err(|e| format!("{}: {e:?}", ready.fragment))?;
            scenarios.push((format!("{}: {}", info.id, ready.id), s));
        }
        for (title, s) in scenarios {
            let started = std::time::Instant::now();
            let mut r = report::check_report(&s, seeds, args.max_events.min(20_000)).map_err(|e| e.to_string())?;
            let secs = started.elapsed().as_secs_f64();
            r["title"] = serde_json::json!(title);
            r["seconds"] = serde_json::json!((secs * 100.0).round() / 100.0);
            if !args.json {
                println!("{:>6} / {} seeds broke an invariant  {:>7.2}s  {title}", r["violating_seeds"], r["seeds"], secs);
                for (name, k) in r["violations_by_invariant"].as_object().into_iter().flatten() {
                    println!("{:>10}{name}: {k}", "");
                }
            }
            rows.push(r);
        }
    }
    if args.json {
        print_json(&serde_json::json!({ "soak": rows }));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1).collect()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("dsviz: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match args.command.as_str() {
        "list" => {
            list(&args);
            Ok(())
        }
        "run" => run(&args),
        "check" => check(&args),
        "export" => export(&args),
        "soak" => soak(&args),
        "compare" => compare(&args),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'; accepted: list, run, export, check, compare, soak, help")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dsviz: {e}");
            ExitCode::from(2)
        }
    }
}
