//! Engine throughput and time-travel cost, printed as a table (figures, not assertions):
//!   cargo bench --bench engine
//! Each protocol's default scenario (and a larger one) runs for a fixed number of engine
//! steps; we report logged events and steps per second of wall time, and the cost of
//! seeking far ahead, back to the start, and back to the far step again.

use std::time::Instant;

use dsviz::protocols::REGISTRY;
use dsviz::sim::{History, Scenario};

const STEPS: u64 = 200_000;

fn fragment_for(id: &str, n: Option<usize>) -> String {
    match n {
        Some(n) => format!("v=1&proto={id}&n={n}"),
        None => format!("v=1&proto={id}"),
    }
}

fn main() {
    println!("{:<44} {:>9} {:>9} {:>13} {:>13} {:>10} {:>10}", "scenario", "steps", "events", "events/s", "steps/s", "seek 0 ms", "seek far ms");
    for entry in REGISTRY {
        let info = (entry.info)();
        for n in [None, Some(info.nodes.max)] {
            let text = fragment_for(info.id, n);
            let mut scenario = Scenario::parse_strict(&text, REGISTRY).expect("bench scenarios are valid");
            // Keep protocols that come to rest busy: many seeds, one after another.
            let started = Instant::now();
            let (mut steps, mut events, mut last) = (0u64, 0u64, None);
            while steps < STEPS {
                let mut h = History::new(scenario.start(REGISTRY).expect("starts"), vec![]);
                while steps < STEPS && h.forward() {
                    steps += 1;
                }
                events += h.sim().trace().events().len() as u64;
                scenario.seed += 1;
                last = Some(h);
            }
            let secs = started.elapsed().as_secs_f64();
            let mut h = last.expect("ran at least once");
            let far = h.step();
            let t = Instant::now();
            h.seek(0);
            let back_ms = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            h.seek(far);
            let far_ms = t.elapsed().as_secs_f64() * 1e3;
            println!(
                "{:<44} {:>9} {:>9} {:>13.0} {:>13.0} {:>10.2} {:>10.2}",
                format!("{} n={}", info.id, scenario.n),
                steps,
                events,
                events as f64 / secs,
                steps as f64 / secs,
                back_ms,
                far_ms
            );
        }
    }
}
