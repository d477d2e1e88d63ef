//! What protocols' tests share: an engine on a protocol's defaults with a few parameters
//! changed, a metric read by its id, a ready-made scenario run by its id. Written once
//! here so every test module says only what it tests.
//!
//! Parameters are written as in a link, without the `p.` prefix: `"requests=300&fix=on"`,
//! each value read by its [`ParamSpec::parse`]; a later pair wins over an earlier one, an
//! empty text keeps the defaults. Everything here panics, naming what was wrong, rather
//! than return an error: it is for tests. Generic and unused by the page, it adds nothing
//! to the browser build.

use super::engine::Engine;
use super::history::History;
use super::network::NetworkConfig;
use super::params::{ParamSpec, Params};
use super::protocol::{Metric, Protocol, Setup, Textbook};
use super::scenario::Scenario;
use super::simulation::Simulation;
use super::topology::Topology;

/// A step budget that never runs out: run to rest.
pub const REST: u64 = u64::MAX;

/// How many steps [`run_out`] allows before it calls a run endless.
pub const RUN_OUT_STEPS: u64 = 200_000;

/// The defaults of `specs` with `pairs` (`"name=value&..."`) parsed over them.
pub fn params_from(specs: &[ParamSpec], pairs: &str) -> Params {
    let mut params = Params::defaults(specs);
    for pair in pairs.split('&').filter(|p| !p.is_empty()) {
        let (name, text) = pair.split_once('=').unwrap_or_else(|| panic!("kit: `{pair}` is not name=value (in `{pairs}`)"));
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
            panic!("kit: no parameter `{name}` (in `{pairs}`); there are: {}", known.join(", "));
        };
        let value = spec.parse(text).unwrap_or_else(|e| panic!("kit: parameter `{name}`: {}", e.en(&[])));
        params.0.insert(spec.name, value);
    }
    params
}

/// `P`'s default parameters with `pairs` over them.
pub fn params<P: Protocol>(pairs: &str) -> Params {
    params_from(&P::info().params, pairs)
}

fn topology(text: &str) -> Topology {
    Topology::parse(text).unwrap_or_else(|e| panic!("kit: topology `{text}`: {}", e.en(&[])))
}

/// A setup of `n` nodes on `P`'s default topology.
pub fn setup<P: Protocol>(n: usize, pairs: &str, seed: u64) -> Setup {
    setup_over::<P>(n, P::info().topologies[0].default_topology(), pairs, seed)
}

/// A setup of `n` nodes on the topology written `topo` (`"ring"`, `"tree:3"`, `"edges:0-1.1-2"`).
pub fn setup_on<P: Protocol>(n: usize, topo: &str, pairs: &str, seed: u64) -> Setup {
    setup_over::<P>(n, topology(topo), pairs, seed)
}

fn setup_over<P: Protocol>(n: usize, topology: Topology, pairs: &str, seed: u64) -> Setup {
    Setup::new(n, topology, params::<P>(pairs), seed).unwrap_or_else(|e| panic!("kit: {} on {n} nodes: {}", P::info().id, e.en(&[])))
}

/// The default network with delays from `min` to `max` ticks.
pub fn delays(min: u64, max: u64) -> NetworkConfig {
    NetworkConfig { delay_min: min, delay_max: max, ..NetworkConfig::default() }
}

/// `P` built from `setup` and started on `net`.
pub fn engine_from<P: Protocol>(setup: Setup, net: NetworkConfig) -> Engine<P> {
    let proto = P::build(&setup).unwrap_or_else(|e| panic!("kit: {} refuses its setup: {e}", P::info().id));
    let seed = setup.seed;
    Engine::new(proto, setup, net, seed)
}

/// `P` on `n` nodes, its default topology and network, `pairs` over its defaults.
pub fn engine<P: Protocol>(n: usize, pairs: &str, seed: u64) -> Engine<P> {
    engine_with::<P>(n, pairs, seed, P::info().network)
}

/// As [`engine`], on the network `net`.
pub fn engine_with<P: Protocol>(n: usize, pairs: &str, seed: u64, net: NetworkConfig) -> Engine<P> {
    engine_from::<P>(setup::<P>(n, pairs, seed), net)
}

/// As [`engine_with`], on the topology written `topo`.
pub fn engine_on<P: Protocol>(n: usize, topo: &str, pairs: &str, seed: u64, net: NetworkConfig) -> Engine<P> {
    engine_from::<P>(setup_on::<P>(n, topo, pairs, seed), net)
}

/// The engine a scenario starts, typed, at step 0. The scenario must have no
/// interventions (those are a [`History`]'s business: see [`run`]).
pub fn engine_of<P: Protocol>(scenario: &Scenario) -> Engine<P> {
    assert_eq!(scenario.protocol, P::info().id, "kit: the scenario is not of this protocol");
    assert!(scenario.acts.is_empty() && scenario.anchored.is_empty(), "kit: engine_of does not apply interventions");
    let setup = scenario.setup().unwrap_or_else(|e| panic!("kit: {e}"));
    engine_from::<P>(setup, scenario.network.clone())
}

/// Step until the run comes to rest; panics if it has not after [`RUN_OUT_STEPS`].
pub fn run_out<P: Protocol>(e: &mut Engine<P>) {
    for _ in 0..RUN_OUT_STEPS {
        if !e.step() {
            return;
        }
    }
    panic!("the run did not come to rest");
}

/// A run whose metrics can be read: an engine, or a history.
pub trait Metered {
    fn all_metrics(&self) -> Vec<Metric>;
}

impl<P: Protocol> Metered for Engine<P> {
    fn all_metrics(&self) -> Vec<Metric> {
        Simulation::metrics(self)
    }
}

impl Metered for History {
    fn all_metrics(&self) -> Vec<Metric> {
        self.sim().metrics()
    }
}

/// The metric `id` of a run, as it stands; panics if the protocol has no such metric.
pub fn metric(of: &impl Metered, id: &str) -> Metric {
    let all = of.all_metrics();
    let known: Vec<&str> = all.iter().map(|m| m.id).collect();
    let known = known.join(", ");
    all.into_iter().find(|m| m.id == id).unwrap_or_else(|| panic!("kit: no metric `{id}`; there are: {known}"))
}

/// What the metric `id` measured so far.
pub fn measured(of: &impl Metered, id: &str) -> Option<f64> {
    metric(of, id).measured
}

/// What the metric `id` measured, beside what the textbook says.
pub fn reading(of: &impl Metered, id: &str) -> (Option<f64>, Textbook) {
    let m = metric(of, id);
    (m.measured, m.textbook)
}

/// `P`'s ready-made scenario `id`, parsed.
pub fn scenario<P: Protocol>(id: &str) -> Scenario {
    let info = P::info();
    let ready = info.scenarios.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("kit: {} has no scenario `{id}`", info.id));
    let s = Scenario::parse_strict(ready.fragment, crate::protocols::REGISTRY).unwrap_or_else(|e| panic!("kit: scenario `{id}`: {e:?}"));
    assert_eq!(s.protocol, info.id, "kit: scenario `{id}` is of another protocol");
    s
}

/// The scenario written `fragment`, with its interventions, run for at most `steps`
/// steps or to rest ([`REST`]); no problem may come up on the way.
pub fn run(fragment: &str, steps: u64) -> History {
    let s = Scenario::parse_strict(fragment, crate::protocols::REGISTRY).unwrap_or_else(|e| panic!("kit: {fragment}: {e:?}"));
    play(&s, steps, fragment)
}

/// `P`'s ready-made scenario `id`, run to rest.
pub fn ready<P: Protocol>(id: &str) -> History {
    ready_for::<P>(id, REST)
}

/// `P`'s ready-made scenario `id`, run for at most `steps` steps.
pub fn ready_for<P: Protocol>(id: &str, steps: u64) -> History {
    play(&scenario::<P>(id), steps, id)
}

fn play(s: &Scenario, steps: u64, what: &str) -> History {
    let registry = crate::protocols::REGISTRY;
    let mut h = History::new(s.start(registry).unwrap_or_else(|e| panic!("kit: {what}: {e}")), s.acts.clone());
    while h.step() < steps && h.forward() {}
    assert!(h.problems().is_empty(), "{what}: {:?}", h.problems());
    h
}
