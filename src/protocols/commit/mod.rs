//! D. Commit and consensus: two- and three-phase commit (and, later, Paxos and Raft).

pub mod shared;
pub mod three_phase;
pub mod two_phase;

/// What the commit protocols' tests share.
#[cfg(test)]
pub(crate) mod tests {
    use super::shared::{Node, Phase, Vote};
    use crate::sim::protocol::{Protocol, Setup, Textbook};
    use crate::sim::rng::SimRng;
    use crate::sim::scenario::Scenario;
    use crate::sim::{Engine, History, NetworkConfig, Params, Topology};

    pub fn params<P: Protocol>(pairs: &[(&str, &str)]) -> Params {
        let specs = P::info().params;
        let mut p = Params::defaults(&specs);
        for (name, text) in pairs {
            let spec = specs.iter().find(|s| s.name == *name).unwrap();
            p.0.insert(spec.name, spec.parse(text).unwrap());
        }
        p
    }

    pub fn setup<P: Protocol>(n: usize, pairs: &[(&str, &str)], seed: u64) -> Setup {
        Setup::new(n, Topology::Star, params::<P>(pairs), seed).unwrap()
    }

    /// Delays from 1 to 100 ticks: a round trip stays below the timeout of 300.
    pub fn random_delays() -> NetworkConfig {
        NetworkConfig { delay_min: 1, delay_max: 100, ..Default::default() }
    }

    /// A vote per node (index 0 unused): mostly yes, sometimes no, sometimes silent.
    pub fn random_votes(n: usize, draw: &mut SimRng) -> Vec<Vote> {
        let bias = draw.below(3);
        (0..n)
            .map(|i| match (i, draw.below(10 + 10 * bias)) {
                (0, _) => Vote::Yes,
                (_, 0) => Vote::No,
                (_, 1) => Vote::Silent,
                _ => Vote::Yes,
            })
            .collect()
    }

    pub fn run_out<P: Protocol>(e: &mut Engine<P>) {
        for _ in 0..200_000 {
            if !e.step() {
                return;
            }
        }
        panic!("the run did not come to rest");
    }

    pub fn metric<P: Protocol>(e: &Engine<P>, name: &str) -> (Option<f64>, Textbook) {
        let m = e.proto.metrics(&e.world.stats, &e.run_view()).into_iter().find(|m| m.id == name).unwrap();
        (m.measured, m.textbook)
    }

    /// At rest: the coordinator decided (commit exactly when every vote was yes) and every
    /// participant that answered holds the same outcome, with its locks released.
    pub fn check_outcome(states: &[Node], votes: &[Vote], seed: u64) {
        let commit = votes[1..].iter().all(|&v| v == Vote::Yes);
        let want = if commit { Phase::Committed } else { Phase::Aborted };
        assert_eq!(states[0].phase, want, "seed {seed}: {votes:?}");
        for (i, s) in states.iter().enumerate().skip(1) {
            if votes[i] == Vote::Silent {
                assert_eq!(s.phase, Phase::Init, "seed {seed}");
            } else {
                assert_eq!(s.phase, want, "seed {seed}: node {i} {votes:?}");
            }
            assert!(!s.locks, "seed {seed}: node {i} still holds its locks");
        }
    }

    pub fn run_scenario<P: Protocol>(id: &str) -> History {
        let registry = crate::protocols::REGISTRY;
        let ready = P::info().scenarios.iter().find(|s| s.id == id).copied().unwrap();
        let scenario = Scenario::parse_strict(ready.fragment, registry).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(scenario.protocol, P::info().id);
        let mut h = History::new(scenario.start(registry).unwrap(), scenario.acts.clone());
        while h.forward() {}
        assert!(h.problems().is_empty(), "{id}: {:?}", h.problems());
        h
    }

    pub fn measured(h: &History, id: &str) -> Option<f64> {
        h.sim().metrics().into_iter().find(|m| m.id == id).unwrap().measured
    }

    /// The participants' roles (node 1 onwards).
    pub fn roles(h: &History) -> Vec<&'static str> {
        h.sim().node_views().iter().skip(1).map(|v| v.role).collect()
    }
}
