//! A bounded breadth-first search over what could happen next, for model checking.
//!
//! From a starting run, every pending happening (and, if asked, the network losing any
//! message in flight) is tried as the next step; states whose [`Engine::fingerprint`]
//! was seen before are not expanded again. Invariants are checked on every transition,
//! and the first (hence shortest) path that breaks each one is reported.
//!
//! What "same state" means is [`Engine::fingerprint`]'s: it leaves out the random
//! generator, so two merged states may draw different numbers later (delays, the fates
//! of sends under a drop or duplicate rate, a protocol's own random choices). For
//! orderings and losses chosen by the search itself this does not matter; for randomness
//! inside handlers the search explores one representative of each merged state.
//!
//! How states are kept: the protocol need not be `Clone`, so the search works on one
//! [`Engine::fork`] of the start (the protocol rebuilt from its setup) and keeps, for each
//! state on the frontier, a clone of its world and log; a transition restores them into
//! the working engine and takes one step. That is the simplest correct scheme: the world
//! is already `Clone` (it is what checkpoints are made of), and the log has to come along
//! because message ids are positions in it. Replaying every path from the start would
//! keep less in memory but costs a replay per expansion; the searches this is for are
//! small (a few thousand states), so the clones are cheap.

use std::collections::{BTreeSet, HashSet, VecDeque};

use super::engine::{Choice, Engine, World};
use super::protocol::Protocol;
use super::trace::Trace;

/// What a search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchReport {
    /// Distinct states (fingerprints) reached, the start included.
    pub states: usize,
    /// Steps taken: every choice tried from every expanded state.
    pub transitions: usize,
    /// The longest path to a new state.
    pub max_depth_reached: usize,
    /// Each invariant broken somewhere, with the shortest path (in choices from the
    /// start) that breaks it, in the order found. An invariant already broken at the
    /// start is reported with an empty path.
    pub violations: Vec<(String, Vec<Choice>)>,
}

/// Explore the runs that follow `start`, breadth first, up to `depth` choices deep and
/// until `max_states` distinct states have been seen. With `with_loss`, losing any
/// message in flight is one more choice (see [`Engine::choices_with_loss`]).
///
/// `start` is not changed. Replay a reported path on a [`Engine::fork`] of it with
/// [`Engine::step_choice`] to watch the violation happen.
pub fn explore<P: Protocol>(start: &Engine<P>, depth: usize, max_states: usize, with_loss: bool) -> SearchReport {
    let mut work = start.duplicate().expect("a protocol rebuilds from the setup it was built from");
    let mut report = SearchReport { states: 0, transitions: 0, max_depth_reached: 0, violations: Vec::new() };
    if max_states == 0 {
        return report;
    }
    let mut reported = BTreeSet::new();
    let mut note = |broken: &[&'static str], path: &[Choice], report: &mut SearchReport| {
        for name in broken {
            if reported.insert(*name) {
                report.violations.push((name.to_string(), path.to_vec()));
            }
        }
    };
    note(&start.broken(), &[], &mut report);
    let mut seen = HashSet::new();
    seen.insert(start.fingerprint());
    report.states = 1;
    let mut frontier: VecDeque<(World<P>, Trace, Vec<Choice>)> = VecDeque::new();
    frontier.push_back((start.world.clone(), start.trace.clone(), Vec::new()));
    'search: while let Some((world, trace, path)) = frontier.pop_front() {
        if path.len() >= depth {
            continue;
        }
        work.world.clone_from(&world);
        work.trace.clone_from(&trace);
        let choices = if with_loss { work.choices_with_loss() } else { work.choices() };
        for (i, choice) in choices.into_iter().enumerate() {
            if report.states >= max_states {
                break 'search;
            }
            if i > 0 {
                work.world.clone_from(&world);
                work.trace.clone_from(&trace);
            }
            let taken = work.step_choice(choice);
            debug_assert!(taken, "a listed choice is pending");
            report.transitions += 1;
            let mut next = path.clone();
            next.push(choice);
            note(&work.broken(), &next, &mut report);
            if seen.insert(work.fingerprint()) {
                report.states += 1;
                report.max_depth_reached = report.max_depth_reached.max(next.len());
                frontier.push_back((work.world.clone(), work.trace.clone(), next));
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::mutex::token_ring::TokenRing;
    use crate::sim::params::{ParamValue, Params};
    use crate::sim::protocol::Setup;
    use crate::sim::topology::Topology;
    use crate::sim::NetworkConfig;

    fn token_ring(n: usize, requests: i64) -> Engine<TokenRing> {
        let mut params = Params::defaults(&<TokenRing as Protocol>::info().params);
        params.0.insert("requests", ParamValue::Int(requests));
        let setup = Setup::new(n, Topology::Ring, params, 1).unwrap();
        Engine::new(TokenRing::build(&setup).unwrap(), setup, NetworkConfig::default(), 1)
    }

    /// Replay a reported path on a fork of the start and say what is broken at its end.
    fn replay<P: Protocol>(start: &Engine<P>, path: &[Choice]) -> BTreeSet<&'static str> {
        let mut e = start.duplicate().unwrap();
        for &c in path {
            assert!(e.step_choice(c), "the path replays: {c:?}");
        }
        e.broken().into_iter().collect()
    }

    #[test]
    fn token_ring_without_loss_keeps_its_invariants() {
        let start = token_ring(3, 0);
        let report = explore(&start, 8, 10_000, false);
        assert!(report.violations.is_empty(), "{:?}", report.violations);
        // No timers and one token: one path, one new state per step.
        assert_eq!((report.states, report.transitions, report.max_depth_reached), (9, 8, 8));
    }

    #[test]
    fn token_ring_with_loss_finds_the_lost_token() {
        let start = token_ring(3, 0);
        let report = explore(&start, 3, 10_000, true);
        let (name, path) = report.violations.iter().find(|(name, _)| name == "one_token").expect("the token can be lost");
        assert_eq!(path.len(), 1, "losing the first hop is the shortest way: {path:?}");
        assert!(path[0].lose);
        assert!(replay(&start, path).contains(name.as_str()));
        assert!(start.trace.violations().is_empty() && start.world.counters.dropped == 0, "the start is untouched");
    }

    #[test]
    fn token_ring_with_requests_and_loss_never_lets_two_in() {
        // The workload asks at every node: requests interleave with the token in every
        // order, and losing the token is found, but never two nodes in the CS. (Progress
        // is a property of time, which a search over orderings does not advance far.)
        let start = token_ring(3, 300);
        let report = explore(&start, 4, 10_000, true);
        let names: Vec<&str> = report.violations.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"one_token"), "{names:?}");
        for (name, path) in &report.violations {
            assert!(replay(&start, path).contains(name.as_str()), "{name}: {path:?}");
        }
        assert!(!names.contains(&"me1"), "losing messages never lets two in");
    }

    #[test]
    fn the_state_budget_is_respected() {
        let start = token_ring(4, 300);
        let report = explore(&start, 50, 25, true);
        assert_eq!(report.states, 25);
        assert_eq!(explore(&start, 50, 0, true).states, 0);
        assert_eq!(explore(&start, 0, 100, true), SearchReport { states: 1, transitions: 0, max_depth_reached: 0, violations: vec![] });
    }
}
