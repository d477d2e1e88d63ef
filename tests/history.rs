//! Time travel and determinism over every registered protocol: the same scenario gives
//! the same run; seeking equals running; stepping back and forth changes nothing;
//! acting in the past forks.
#![cfg(not(target_arch = "wasm32"))]

use dsviz::protocols::REGISTRY;
use dsviz::sim::history::CHECKPOINT_EVERY;
use dsviz::sim::{Act, History, Scenario};

fn every_scenario() -> Vec<Scenario> {
    let mut all = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        all.push(Scenario::defaults(&info));
        for ready in info.scenarios {
            all.push(Scenario::parse_strict(ready.fragment, REGISTRY).unwrap_or_else(|e| panic!("{}: {e:?}", ready.fragment)));
        }
    }
    all
}

fn history(s: &Scenario) -> History {
    History::new(s.start(REGISTRY).expect("scenario starts"), s.acts.clone())
}

/// Run straight to `step` (or the end) and fingerprint: (step, time, trace hash).
fn straight(s: &Scenario, step: u64) -> (u64, u64, u64) {
    let mut h = history(s);
    while h.step() < step && h.forward() {}
    (h.step(), h.sim().now(), h.sim().trace().hash())
}

fn print(h: &History) -> (u64, u64, u64) {
    (h.step(), h.sim().now(), h.sim().trace().hash())
}

#[test]
fn a_link_reproduces_its_run_and_seeds_differ() {
    for s in every_scenario() {
        let a = straight(&s, 700);
        // The run written as a link and read back is the same run (nothing it depends on
        // is left out of the URL). Across processes and targets, tests/portable.rs pins it.
        let relinked = Scenario::parse_strict(&s.to_fragment(), REGISTRY).unwrap();
        assert_eq!(a, straight(&relinked, 700), "{}", s.to_fragment());
        let other = Scenario { seed: s.seed + 1, ..s.clone() };
        // Seeds drive delays: another seed gives another run (unless nothing is random).
        if s.network.delay_min < s.network.delay_max {
            assert_ne!(a.2, straight(&other, 700).2, "seeds {} and {} agree: {}", s.seed, other.seed, s.to_fragment());
        }
    }
}

#[test]
fn seeking_equals_running_straight_there() {
    let targets = [0, 1, 7, CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 1, 600, 2 * CHECKPOINT_EVERY + 3];
    for s in every_scenario() {
        let mut h = history(&s);
        h.seek(900);
        // Seek backwards and forwards in a jumbled order; each must equal a fresh run.
        for &t in targets.iter().rev().chain(targets.iter()) {
            h.seek(t);
            assert_eq!(print(&h), straight(&s, t), "seek({t}) in {}", s.to_fragment());
        }
    }
}

#[test]
fn back_then_forward_changes_nothing() {
    for s in every_scenario() {
        let mut h = history(&s);
        h.seek(300);
        let here = print(&h);
        for _ in 0..5 {
            h.back();
        }
        for _ in 0..5 {
            h.forward();
        }
        assert_eq!(print(&h), here, "{}", s.to_fragment());
        assert!(h.known_trace().known_events().len() >= h.sim().trace().events().len());
    }
}

#[test]
fn acting_in_the_past_forks_and_the_fork_replays() {
    let s = Scenario::parse_strict("v=1&proto=mutex-token-ring&n=5&seed=2&act=50:input:2:request", REGISTRY).unwrap();
    let mut h = history(&s);
    h.seek(400);
    assert_eq!(h.acts().len(), 1);
    let long = h.sim().trace().events().len();
    h.seek(20);
    assert_eq!(h.horizon(), 400, "the horizon stays while looking back");
    assert!(h.known_trace().known_events().len() == long, "the run ahead is still known");
    h.act(Act::Crash(1), None).unwrap();
    assert_eq!(h.horizon(), 20, "acting cuts the future");
    assert_eq!(h.acts().len(), 1, "the later intervention is gone");
    assert_eq!(h.acts()[0].act, Act::Crash(1));
    assert!(h.sim().trace().events().len() < long);
    assert_eq!(h.known_trace().known_events().len(), h.sim().trace().events().len(), "nothing is ahead after a fork");
    // The forked run is a scenario like any other: replaying it from scratch agrees.
    h.seek(300);
    let forked = Scenario { acts: h.acts().to_vec(), ..s.clone() };
    let text = forked.to_fragment();
    let again = Scenario::parse_strict(&text, REGISTRY).unwrap();
    assert_eq!(print(&h), straight(&again, 300), "{text}");
}

#[test]
fn a_click_between_steps_replays_at_its_instant() {
    let s = Scenario::parse_strict("v=1&proto=mutex-token-ring&n=4&seed=5&p.requests=0", REGISTRY).unwrap();
    let mut h = history(&s);
    h.seek(3);
    let next = h.sim().next_due().unwrap();
    let t = h.sim().now() + (next - h.sim().now()) / 2;
    h.act(Act::Input(2, "request".into(), None), Some(t)).unwrap();
    assert_eq!(h.acts()[0].time, Some(t));
    h.seek(40);
    let replay = Scenario { acts: h.acts().to_vec(), ..s };
    assert_eq!(print(&h), straight(&replay, 40));
    let input = h.sim().trace().events().iter().find(|e| matches!(e.kind, dsviz::sim::EventKind::Input { .. })).unwrap();
    assert_eq!(input.time, t, "the input happened where it was clicked");
}

#[test]
fn interventions_that_cannot_apply_are_reported_not_fatal() {
    let s = Scenario::parse_strict("v=1&proto=mutex-token-ring&n=4&act=0:drop:99,3:recover:1", REGISTRY).unwrap();
    let mut h = history(&s);
    h.seek(10);
    let problems = h.problems().iter().map(|p| p.en(&[])).collect::<Vec<_>>().join("\n");
    assert!(problems.contains("drop:99") && problems.contains("does not exist"), "{problems}");
    assert!(problems.contains("recover:1") && problems.contains("not down"), "{problems}");
    assert_eq!(h.step(), 10);
}

#[test]
fn the_log_is_in_time_order() {
    // The diagram finds its window by binary search on event times.
    for s in every_scenario() {
        let mut h = history(&s);
        h.seek(800);
        let times: Vec<u64> = h.sim().trace().events().iter().map(|e| e.time).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}", s.to_fragment());
    }
}

#[test]
fn a_refused_intervention_changes_nothing() {
    let s = Scenario::parse_strict("v=1&proto=mutex-token-ring&n=4&seed=3", REGISTRY).unwrap();
    let mut h = history(&s);
    h.seek(10);
    let before = print(&h);
    // Message 0 arrived long ago: the drop is refused, at a later instant than the step's.
    let why = h.act(Act::Drop(0), Some(h.sim().now() + 15)).unwrap_err();
    assert!(why.en(&[]).contains("no longer in flight"), "{}", why.en(&[]));
    assert_eq!(print(&h), before, "not the clock, not the log");
    assert!(h.acts().is_empty(), "nothing is recorded");
    // The next accepted act at that instant carries its own time.
    let t = h.sim().now() + 15;
    h.act(Act::Crash(2), Some(t)).unwrap();
    assert_eq!(h.acts()[0].time, Some(t));
}

#[test]
fn checkpoints_stay_bounded_on_a_long_run_and_seeking_still_agrees() {
    use dsviz::sim::history::MAX_CHECKPOINTS;
    let s = Scenario::parse_strict("v=1&proto=mutex-token-ring&n=5&seed=4&p.requests=200", REGISTRY).unwrap();
    let mut h = history(&s);
    let end = 300_000;
    while h.step() < end && h.forward() {}
    let (kept, spacing) = h.checkpoints();
    assert!(kept <= MAX_CHECKPOINTS, "{kept} checkpoints");
    assert!(spacing > CHECKPOINT_EVERY && end / spacing <= MAX_CHECKPOINTS as u64, "spacing {spacing}");
    // Far seeks, back and forth, land exactly where a straight run does.
    for t in [1_000, 299_999, 7, 150_001, 0, 298_000] {
        h.seek(t);
        assert_eq!(print(&h), straight(&s, t), "seek({t})");
    }
}
