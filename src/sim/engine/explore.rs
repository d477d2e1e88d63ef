//! Exploration: the happenings that could come next, running any one of them instead of
//! the earliest, and a fingerprint of the state, for a search over orderings and losses
//! ([`crate::sim::search`]).

use std::hash::{Hash, Hasher};

use super::{Engine, Pending};
use crate::sim::fingerprint::Fingerprinter;
use crate::sim::network::LossReason;
use crate::sim::protocol::Protocol;
use crate::sim::{NodeId, Time};

/// One of the things that could happen next, for a search over orderings: a pending
/// happening (a delivery, a doomed message dying, a timer) identified by its queue key,
/// or, when `lose` is set, the network losing the message that key would deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Choice {
    /// When it is due (for a loss: when the message would have arrived).
    pub due: Time,
    seq: u64,
    /// Lose the message instead of delivering it.
    pub lose: bool,
}

impl<P: Protocol> Engine<P> {
    /// Everything that could happen next; a search may run any of them with
    /// [`Engine::step_choice`] instead of the earliest.
    pub fn choices(&self) -> Vec<Choice> {
        self.world.queue.keys().map(|&(due, seq)| Choice { due, seq, lose: false }).collect()
    }

    /// [`Engine::choices`], then one "lose it" choice per message in flight that would
    /// still arrive (not one already doomed), in queue order: the network may lose any
    /// message, so a search over faults branches on it.
    pub fn choices_with_loss(&self) -> Vec<Choice> {
        let mut all = self.choices();
        let losses = self.world.queue.iter().filter(|(_, p)| matches!(p, Pending::Deliver(_)));
        all.extend(losses.map(|(&(due, seq), _)| Choice { due, seq, lose: true }));
        all
    }

    /// Run one of [`Engine::choices`] (or [`Engine::choices_with_loss`]) as the next
    /// step. False, with nothing changed, if it is not pending any more. A loss happens
    /// now (the clock does not move): the message dies as if the network dropped it,
    /// counted in `counters.dropped` and logged as lost.
    pub fn step_choice(&mut self, choice: Choice) -> bool {
        let key = (choice.due, choice.seq);
        match (self.world.queue.get(&key), choice.lose) {
            (None, _) => false,
            (Some(_), false) => {
                self.run_pending(key);
                true
            }
            (Some(&Pending::Deliver(id)), true) => {
                self.world.queue.remove(&key);
                self.world.step += 1;
                self.world.flights.get_mut(&id).expect("a queued delivery is in flight").lost = Some(LossReason::Random);
                self.lose(id);
                self.settle();
                true
            }
            (Some(_), true) => false,
        }
    }

    /// A canonical hash of what the future depends on: every node's state and whether it
    /// is up, the armed timers (node, timer, ticks until due) and the messages in flight
    /// (from, to, payload, doomed or not, ticks until due). Timers and messages are
    /// hashed as multisets, so the order they were made in, their ids and sequence
    /// numbers do not matter; nor do absolute time, the log, the counters, the step, the
    /// engine's clocks, the network settings or the random generator. Worlds reached by
    /// different interleavings that are the same state get the same fingerprint.
    ///
    /// "Ticks until due" is clamped at zero: a search may run a late happening first,
    /// and then everything already overdue behaves alike (it runs at the current time).
    pub fn fingerprint(&self) -> u64 {
        let w = &self.world;
        let now = w.now;
        let mut h = Fingerprinter::new();
        w.states.hash(&mut h);
        w.up.hash(&mut h);
        let mut timers: Vec<u64> = w
            .timers
            .values()
            .map(|t| {
                let mut th = Fingerprinter::new();
                (t.node, &t.timer, t.due.saturating_sub(now)).hash(&mut th);
                th.finish()
            })
            .collect();
        timers.sort_unstable();
        timers.hash(&mut h);
        let mut flights: Vec<u64> = w
            .flights
            .values()
            .map(|f| {
                let mut fh = Fingerprinter::new();
                (f.from, f.to, &f.payload, f.lost.is_some(), f.due.saturating_sub(now)).hash(&mut fh);
                fh.finish()
            })
            .collect();
        flights.sort_unstable();
        flights.hash(&mut h);
        // The workload's next requests, per node (they shape the future like timers).
        let mut requests: Vec<(NodeId, Time)> = w.queue.iter().filter_map(|(k, p)| if let Pending::Workload(n) = p { Some((*n, k.0.saturating_sub(now))) } else { None }).collect();
        requests.sort_unstable();
        requests.hash(&mut h);
        w.absent.hash(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::tests::engine;
    use crate::sim::testkit::PingPong;
    use crate::sim::{Act, EventKind, NetworkConfig};

    #[test]
    fn any_pending_happening_can_be_chosen_and_clocks_stay_sound() {
        // Run the latest-due happening each time: an order the delays would not produce,
        // but one an asynchronous network allows (what a search over orderings explores).
        let mut e = engine(1, NetworkConfig::default());
        let mut last_due = None;
        while let Some(&latest) = e.choices().last() {
            assert!(e.step_choice(latest));
            last_due = Some(latest.due);
        }
        assert!(e.quiescent() && last_due.is_some());
        for ev in e.trace.events() {
            if let (EventKind::Receive { .. }, Some(cause)) = (&ev.kind, ev.cause) {
                assert!(e.trace.event(cause).lamport < ev.lamport);
            }
        }
        assert_eq!(e.world.counters.delivered, 4);
        assert!(!e.step_choice(Choice { due: 0, seq: 0, lose: false }), "a choice that is not pending is refused");
    }

    /// After both pings: the two pongs in flight, in queue order (the timer is due last).
    fn both_pings_delivered() -> (Engine<PingPong>, Choice, Choice) {
        let mut e = engine(5, NetworkConfig::default());
        let pings = e.choices();
        assert_eq!(pings.len(), 3, "two pings and the timer");
        assert!(e.step_choice(pings[0]) && e.step_choice(pings[1]));
        let pongs = e.choices();
        assert_eq!(pongs.len(), 3, "two pongs and the timer");
        assert!(pongs[2].due == 1000 && pongs[1].due < 1000);
        (e, pongs[0], pongs[1])
    }

    #[test]
    fn interleavings_that_reach_the_same_state_share_a_fingerprint() {
        let (mut a, first, second) = both_pings_delivered();
        let mut b = a.duplicate().unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert!(a.step_choice(first) && a.step_choice(second));
        assert!(b.step_choice(second) && b.step_choice(first));
        assert_ne!(a.trace.hash(), b.trace.hash(), "the logs tell the two orders apart");
        assert_eq!(a.fingerprint(), b.fingerprint());
        // The pings, too, in either order: message ids, sequence numbers and send order differ.
        let mut c = engine(5, NetworkConfig { delay_min: 50, delay_max: 50, ..Default::default() });
        let mut d = c.duplicate().unwrap();
        let (p, q) = (c.choices()[0], c.choices()[1]);
        assert!(c.step_choice(p) && c.step_choice(q));
        assert!(d.step_choice(q) && d.step_choice(p));
        assert_eq!(c.fingerprint(), d.fingerprint());
        while let Some(&next) = c.choices().first() {
            c.step_choice(next);
        }
        while let Some(&last) = d.choices().get(1).or(d.choices().first()) {
            d.step_choice(last);
        }
        assert_eq!(c.fingerprint(), d.fingerprint());
    }

    #[test]
    fn different_states_fingerprint_differently() {
        let (e, first, second) = both_pings_delivered();
        let mut prints = vec![e.fingerprint()];
        let after = |c: &[Choice]| {
            let mut x = e.duplicate().unwrap();
            for &c in c {
                assert!(x.step_choice(c));
            }
            x
        };
        // One pong in: from node 1 or node 2 (the same count at node 0, a different pong left).
        prints.push(after(&[first]).fingerprint());
        prints.push(after(&[second]).fingerprint());
        prints.push(after(&[first, second]).fingerprint());
        // A pong lost rather than delivered; a node down; a message doomed to be lost.
        prints.push(after(&[Choice { lose: true, ..first }]).fingerprint());
        let mut crashed = e.duplicate().unwrap();
        crashed.apply(&Act::Crash(1)).unwrap();
        prints.push(crashed.fingerprint());
        let mut doomed = e.duplicate().unwrap();
        doomed.world.flights.values_mut().next().unwrap().lost = Some(LossReason::Random);
        prints.push(doomed.fingerprint());
        // The same state later on the clock is not the same: the timer is nearer.
        let mut later = e.duplicate().unwrap();
        later.advance_to(later.next_due().unwrap());
        prints.push(later.fingerprint());
        let distinct: std::collections::BTreeSet<u64> = prints.iter().copied().collect();
        assert_eq!(distinct.len(), prints.len(), "{prints:x?}");
    }

    #[test]
    fn the_network_can_be_chosen_to_lose_any_live_message() {
        let mut e = engine(3, NetworkConfig::default());
        assert_eq!(e.choices().len(), 3);
        let all = e.choices_with_loss();
        assert_eq!(all.len(), 5, "two pings, the timer, and losing either ping: {all:?}");
        let lose_first = all[3];
        assert!(lose_first.lose && lose_first.due == e.choices()[0].due);
        assert!(!e.step_choice(Choice { lose: true, ..all[2] }), "a timer cannot be lost");
        assert!(e.step_choice(lose_first));
        assert_eq!((e.world.step, e.world.now, e.world.counters.dropped), (1, 0, 1));
        assert!(matches!(e.trace.events().last().unwrap().kind, EventKind::Lost { msg: 0, reason: LossReason::Random, .. }));
        assert_eq!(e.trace.end_of(0), Some(e.trace.events().len() - 1));
        assert!(!e.step_choice(lose_first), "gone already");
        assert_eq!(e.choices_with_loss().len(), 3);
        while e.step() {}
        assert_eq!(e.world.counters.delivered, 2, "the other ping and its pong");
        // A message already doomed by the network is not offered again as a loss.
        let doomed = engine(3, NetworkConfig { drop: 1_000_000, ..Default::default() });
        assert_eq!(doomed.choices_with_loss().len(), doomed.choices().len());
    }

    /// Every path of the execution tree up to `depth` choices, counted without merging
    /// states: what a search that did not fingerprint would walk.
    fn paths(e: &Engine<PingPong>, depth: usize, with_loss: bool) -> usize {
        let choices = if with_loss { e.choices_with_loss() } else { e.choices() };
        if depth == 0 || choices.is_empty() {
            return 1;
        }
        1 + choices
            .into_iter()
            .map(|c| {
                let mut next = e.duplicate().unwrap();
                assert!(next.step_choice(c));
                paths(&next, depth - 1, with_loss)
            })
            .sum::<usize>()
    }

    #[test]
    fn search_merges_interleavings_and_branches_on_loss() {
        let start = engine(5, NetworkConfig::default());
        let plain = crate::sim::search::explore(&start, 20, 100_000, false);
        // Two pings, two pongs and a timer: every run is over within 5 steps.
        assert_eq!(plain.max_depth_reached, 5, "{plain:?}");
        let tree = paths(&start, 20, false);
        assert!(plain.states < tree, "{} states, {tree} prefixes of paths", plain.states);
        assert!(plain.transitions < tree);
        assert!(plain.violations.is_empty());
        let lossy = crate::sim::search::explore(&start, 20, 100_000, true);
        assert!(lossy.states > plain.states, "{} with loss, {} without", lossy.states, plain.states);
        assert!(lossy.states < paths(&start, 20, true));
        assert!(lossy.violations.is_empty(), "losing pongs never makes too many");
        // The same search twice gives the same answer.
        assert_eq!(crate::sim::search::explore(&start, 20, 100_000, true), lossy);
    }
}
