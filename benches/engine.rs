//! Engine throughput, scaling, memory and time-travel cost, printed as tables (figures,
//! not assertions):
//!   cargo bench --bench engine
//!
//! 1. Every registered protocol at its default scenario and at its largest N: logged
//!    events and engine steps per second of wall time over a long run (protocols that
//!    come to rest are restarted under the next seed until the step count is reached).
//! 2. mutex-token-ring (a circulating token never comes to rest), as `dsviz run` does it:
//!    the time to run to 10^3, 10^5 and 10^6 events (median of a few runs), the ratio
//!    10^6/10^5 (budget: at most 10.5), the bytes the log holds (`Trace::heap_bytes`) and
//!    the peak heap (a counting global allocator; budget: under 256 MB), and the cost of
//!    building the report (which hashes the whole log once).
//! 3. The cost per step in the last 1,000 steps before 10^3, 10^5 and 10^6 events: it
//!    should be flat (nothing per step may grow with the length of the run).
//! 4. `History::seek` to 20 far targets, back and forward (seeded, so the same targets
//!    every time), in a 100,000-event run: median and max (budget: 16 ms).
//! 5. The queries the page makes every frame, at 1,000, 10,000 and 100,000 events: they
//!    should be flat too.
//! 6. Raft, 5 nodes, a client command every 50 ms (`p.every=50`), played through `History`
//!    (checkpoints on) in frames as the page plays it: simulated seconds computed per wall
//!    second, engine only and with the page's per-frame queries, beside what the fastest
//!    slider speed asks for (`cargo bench --bench engine -- raft`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use dsviz::protocols::REGISTRY;
use dsviz::report;
use dsviz::sim::{History, Scenario};

// ---- a counting allocator: live bytes and their high-water mark ----

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Forget the high-water mark; returns the bytes live now (the baseline).
fn reset_peak() -> usize {
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    live
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

// ---- helpers ----

fn scenario(text: &str) -> Scenario {
    Scenario::parse_strict(text, REGISTRY).expect("bench scenarios are valid")
}

const RING: &str = "v=1&proto=mutex-token-ring";

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Events in the log.
fn events(h: &History) -> usize {
    h.sim().trace().events().len()
}

/// SplitMix64: a tiny seeded generator so the seek targets are the same every run.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

// ---- 1. throughput per protocol ----

const STEPS: u64 = 200_000;

fn throughput() {
    println!("## Throughput: {STEPS} steps per row (restarting under the next seed when a run comes to rest)");
    println!("{:<36} {:>9} {:>9} {:>12} {:>12} {:>7}", "scenario", "steps", "events", "events/s", "steps/s", "runs");
    for entry in REGISTRY {
        let info = entry.info();
        for n in [info.nodes.default, info.nodes.max] {
            let mut s = scenario(&format!("v=1&proto={}&n={n}", info.id));
            // Some protocols fix N by their parameters (Paxos: proposers + acceptors +
            // learners), so their largest N does not start with the defaults.
            if let Err(e) = s.start(REGISTRY) {
                println!("{:<36} skipped: {}", format!("{} n={n}", info.id), e.message.en(info.words));
                continue;
            }
            let (mut steps, mut evs, mut runs) = (0u64, 0u64, 0u32);
            let took = secs(|| {
                while steps < STEPS {
                    let mut h = History::new(s.start(REGISTRY).expect("starts"), s.acts.clone());
                    while steps < STEPS && h.forward() {
                        steps += 1;
                    }
                    evs += events(&h) as u64;
                    runs += 1;
                    s.seed += 1;
                }
            });
            println!("{:<36} {:>9} {:>9} {:>12.0} {:>12.0} {:>7}", format!("{} n={n}", info.id), steps, evs, evs as f64 / took, steps as f64 / took, runs);
        }
    }
    println!();
}

// ---- 2. scaling and memory, as `dsviz run` ----

fn scaling() {
    println!("## {RING} as `dsviz run --max-events N` (median of the runs; peak heap above the baseline)");
    println!("{:>9} {:>5} {:>9} {:>10} {:>9} {:>10} {:>11} {:>11} {:>11}", "events", "runs", "steps", "run s", "ns/event", "report ms", "log MiB", "held MiB", "peak MiB");
    let s = scenario(RING);
    let mut medians = Vec::new();
    for (target, reps) in [(1_000usize, 15), (100_000, 5), (1_000_000, 3)] {
        let (mut times, mut reports) = (Vec::new(), Vec::new());
        let (mut steps, mut log, mut held, mut peak) = (0, 0, 0, 0);
        for _ in 0..reps {
            let base = reset_peak();
            let mut history = None;
            times.push(secs(|| history = Some(report::run(&s, target).expect("runs"))));
            let h = history.expect("ran");
            held = LIVE.load(Relaxed) - base;
            reports.push(secs(|| {
                std::hint::black_box(report::run_report(&s, &h));
            }));
            peak = PEAK.load(Relaxed) - base;
            steps = h.step();
            log = h.sim().trace().heap_bytes();
        }
        let t = median(&mut times);
        medians.push(t);
        println!(
            "{:>9} {:>5} {:>9} {:>10.4} {:>9.0} {:>10.1} {:>11.1} {:>11.1} {:>11.1}",
            target,
            reps,
            steps,
            t,
            t * 1e9 / target as f64,
            median(&mut reports) * 1e3,
            mib(log),
            mib(held),
            mib(peak)
        );
    }
    println!("ratio 10^6 / 10^5 run time: {:.2} (budget <= 10.5)", medians[2] / medians[1]);
    println!("(log = Trace::heap_bytes; held = heap live after the run: log + checkpoints + world; peak includes the report)");
    println!();
}

// ---- 3. cost per step, in windows ----

fn per_step_windows() {
    const WINDOW: usize = 1_000;
    const TARGETS: [usize; 3] = [1_000, 100_000, 1_000_000];
    println!("## {RING}: cost per step in the last {WINDOW} steps before N events (median of 3 runs)");
    let s = scenario(RING);
    let mut per_target: Vec<Vec<f64>> = vec![Vec::new(); TARGETS.len()];
    let mut measured = [0usize; 3];
    for _ in 0..3 {
        let mut h = History::new(s.start(REGISTRY).expect("starts"), s.acts.clone());
        // When each of the last WINDOW + 1 steps ended (a ring buffer).
        let mut ring = vec![Instant::now(); WINDOW + 1];
        let mut taken = 0usize;
        for (k, &target) in TARGETS.iter().enumerate() {
            while events(&h) < target && h.forward() {
                taken += 1;
                ring[taken % (WINDOW + 1)] = Instant::now();
            }
            let span = WINDOW.min(taken);
            let from = ring[(taken - span) % (WINDOW + 1)];
            let to = ring[taken % (WINDOW + 1)];
            per_target[k].push((to - from).as_secs_f64() * 1e6 / span.max(1) as f64);
            measured[k] = span;
        }
    }
    println!("{:>9} {:>7} {:>9}", "events", "steps", "us/step");
    for (k, target) in TARGETS.iter().enumerate() {
        println!("{:>9} {:>7} {:>9.3}", target, measured[k], median(&mut per_target[k]));
    }
    println!("(at 10^3 the run has fewer than {WINDOW} steps after start-up: all of them are timed)");
    println!();
}

// ---- 4. seek ----

fn seeks() {
    const TARGETS: usize = 20;
    println!("## {RING}: History::seek to {TARGETS} far targets in a 100,000-event run (budget 16 ms)");
    let s = scenario(RING);
    let mut h = report::run(&s, 100_000).expect("runs");
    let horizon = h.horizon();
    let mut rng = SplitMix(0x5eed);
    let (mut back, mut fwd) = (Vec::new(), Vec::new());
    while back.len() + fwd.len() < TARGETS {
        let here = h.step();
        // Far: at least a quarter of the run away, alternately behind and ahead.
        let want_back = back.len() <= fwd.len();
        let quarter = horizon / 4;
        let target = if want_back {
            if here < quarter {
                h.seek(horizon);
                continue;
            }
            rng.below(here - quarter + 1)
        } else {
            if here + quarter > horizon {
                h.seek(0);
                continue;
            }
            here + quarter + rng.below(horizon - here - quarter + 1)
        };
        let t = Instant::now();
        let reached = h.seek(target);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(reached, target, "every step of the known run is reachable");
        if want_back {
            back.push(ms)
        } else {
            fwd.push(ms)
        }
    }
    let mut all: Vec<f64> = back.iter().chain(&fwd).copied().collect();
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!("{:<10} {:>6} {:>10} {:>10}", "direction", "seeks", "median ms", "max ms");
    println!("{:<10} {:>6} {:>10.3} {:>10.3}", "back", back.len(), median(&mut back.clone()), max(&back));
    println!("{:<10} {:>6} {:>10.3} {:>10.3}", "forward", fwd.len(), median(&mut fwd.clone()), max(&fwd));
    println!("{:<10} {:>6} {:>10.3} {:>10.3}", "all", all.len(), median(&mut all.clone()), max(&all));
    all.clear();
    println!("(horizon {horizon} steps, {} events)", h.known_trace().known_events().len());
    println!();
}

// ---- 5. per-frame queries ----

/// Median microseconds per call of `f`, over batches.
fn per_call_us(mut f: impl FnMut()) -> f64 {
    const CALLS: usize = 200;
    let mut batches: Vec<f64> = (0..9)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..CALLS {
                f();
            }
            t.elapsed().as_secs_f64() * 1e6 / CALLS as f64
        })
        .collect();
    median(&mut batches)
}

fn frame_queries() {
    // The diagram's default view is a few seconds of simulated time.
    const SPAN: u64 = 5_000;
    println!("## {RING}: per-frame queries, us per call (window = last {SPAN} ticks)");
    println!("{:>8} {:>11} {:>9} {:>11} {:>9} {:>8} {:>13} {:>15} {:>9}", "events", "node_views", "flights", "invariants", "metrics", "timers", "window events", "window messages", "in window");
    let s = scenario(RING);
    let mut h = History::new(s.start(REGISTRY).expect("starts"), s.acts.clone());
    for target in [1_000, 10_000, 100_000] {
        while events(&h) < target && h.forward() {}
        let sim = h.sim();
        let trace = sim.trace();
        let t1 = sim.now();
        let t0 = t1.saturating_sub(SPAN);
        let nv = per_call_us(|| drop(std::hint::black_box(sim.node_views())));
        let fl = per_call_us(|| drop(std::hint::black_box(sim.flights())));
        let inv = per_call_us(|| drop(std::hint::black_box(sim.invariants())));
        let me = per_call_us(|| drop(std::hint::black_box(sim.metrics())));
        let ti = per_call_us(|| drop(std::hint::black_box(sim.timers())));
        let window_events = || {
            let evs = trace.events();
            let first = evs.partition_point(|e| e.time < t0);
            let last = evs.partition_point(|e| e.time <= t1);
            &evs[first..last]
        };
        // Messages that cross the window: sent at most `longest_transit` before it opens
        // (messages are logged in send order, so that is one slice), and not ended before it.
        let window_messages = || {
            let ms = trace.messages();
            let since = t0.saturating_sub(trace.longest_transit);
            let first = ms.partition_point(|m| m.sent_at < since);
            let last = ms.partition_point(|m| m.sent_at <= t1);
            ms[first..last].iter().filter(|m| trace.end_of(m.id).is_none_or(|e| trace.event(e).time >= t0)).count()
        };
        let we = per_call_us(|| _ = std::hint::black_box(window_events().len()));
        let wm = per_call_us(|| _ = std::hint::black_box(window_messages()));
        let shown = format!("{}e {}m", window_events().len(), window_messages());
        println!("{:>8} {:>11.2} {:>9.2} {:>11.2} {:>9.2} {:>8.2} {:>13.2} {:>15.2} {:>9}", events(&h), nv, fl, inv, me, ti, we, wm, shown);
    }
    println!();
}

// ---- 6. Raft with a command every 50 ms ----

fn raft_rate() {
    const FRAGMENT: &str = "v=1&proto=raft&n=5&seed=1&p.every=50";
    const SIMULATED: u64 = 120_000;
    // The fastest slider speed: 8x of 80 ticks per wall second, at 60 frames a second.
    let fastest = 80.0 * 8.0;
    let per_frame = (fastest / 60.0_f64).ceil() as u64;
    println!("## raft n=5, a command every 50 ms ({FRAGMENT}): {} simulated s played through History in frames of {per_frame} ticks", SIMULATED / 1000);
    println!("{:<26} {:>9} {:>9} {:>12} {:>13} {:>12}", "", "steps", "events", "wall s", "sim s/wall s", "x fastest");
    let s = Scenario::parse_strict(FRAGMENT, REGISTRY).expect("the Raft scenario parses");
    for queries in [false, true] {
        let mut h = History::new(s.start(REGISTRY).expect("starts"), s.acts.clone());
        let mut frame = 0u64;
        let took = secs(|| {
            while h.sim().now() < SIMULATED {
                frame += per_frame;
                h.run_until(frame, 2_000);
                if queries {
                    std::hint::black_box((h.sim().node_views(), h.sim().flights(), h.sim().invariants(), h.sim().metrics(), h.sim().timers()));
                }
            }
        });
        let rate = h.sim().now() as f64 / 1000.0 / took;
        let name = if queries { "engine + frame queries" } else { "engine (History)" };
        println!("{:<26} {:>9} {:>9} {:>12.3} {:>13.1} {:>12.0}", name, h.step(), events(&h), took, rate, rate * 1000.0 / fastest);
        assert!(h.sim().trace().violations().is_empty(), "inside its assumptions");
        let (kept, spacing) = h.checkpoints();
        if queries {
            println!("(checkpoints kept {kept}, every {spacing} steps; the fastest slider speed needs {:.2} sim s per wall s)", fastest / 1000.0);
        }
    }
    println!();
}

fn main() {
    // `cargo bench` passes --bench; a name filter may follow: run only the sections named.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wants = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    println!("dsviz engine bench ({} cores visible; timings on a shared machine are noisy)\n", std::thread::available_parallelism().map_or(1, |n| n.get()));
    if wants("throughput") {
        throughput();
    }
    if wants("scaling") {
        scaling();
    }
    if wants("steps") {
        per_step_windows();
    }
    if wants("seek") {
        seeks();
    }
    if wants("frame") {
        frame_queries();
    }
    if wants("raft") {
        raft_rate();
    }
}
