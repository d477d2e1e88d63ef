//! What every mutual-exclusion algorithm is judged by, counted as the run goes, and the
//! properties they share. A protocol marks `request` when a node asks, `enter_cs` (and
//! `served`) when it enters, `exit_cs` when it leaves; [`MutexCosts`] does the rest.
//!
//! Delays are counted in message transits along causality, as the textbooks count them:
//! the *enter delay* is the longest chain of sequential transits from a node's request to
//! its entry (2 for a central server: request, grant), the *synchronisation delay* the
//! longest chain from one holder's exit to the next entry (1 for Ricart-Agrawala: the
//! deferred reply). An algorithm whose entry is not caused by the request (the token
//! ring: the token may already be on its way) counts its own way.

use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::protocol::{Breach, Ctx, InputSpec, Metric, Observe, Protocol, ProtocolInfo, Tally, Textbook, WorkloadSpec};
use crate::sim::view::Tone;
use crate::sim::ParamSpec;
use crate::sim::trace::{Event, Trace};
use crate::sim::waves::Waves;
use crate::sim::{NodeId, Time};
use crate::words::{nodes, Text};

/// Every node of the family asks for the critical section the same way: a click, a
/// scenario's input, or the shared workload.
pub const REQUEST: InputSpec = InputSpec::plain("request");

/// The shared workload: a request every `requests` ticks on average, `cs` ticks inside.
pub const WORKLOAD: WorkloadSpec = WorkloadSpec { input: "request", every_param: "requests", hold_param: Some("cs") };

/// Where a node stands towards the critical section, as every textbook names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cs {
    Released,
    Wanted,
    Held,
}

impl Cs {
    /// Role word and tone, the same in every algorithm of the family.
    pub fn look(self) -> (&'static str, Tone) {
        match self {
            Cs::Released => ("released", Tone::Idle),
            Cs::Wanted => ("wanted", Tone::Waiting),
            Cs::Held => ("held", Tone::Active),
        }
    }
}

/// The family's one timer: a node's stay in the critical section ends. Every algorithm
/// draws it as a countdown ring around the node inside.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Leave,
}

/// A mutual-exclusion algorithm's description: the family's request input, its shared
/// workload and the workload's parameters; each protocol adds its topology and scenarios.
pub fn described(id: &'static str, nodes: (usize, usize, usize)) -> ProtocolInfo {
    ProtocolInfo::new(id, &super::FAMILY, nodes).params(workload_params()).inputs(&[REQUEST]).workload(WORKLOAD)
}

/// A node enters the critical section: the milestones the family's costs are counted
/// from, the log's line, and the end of its stay (drawn as a countdown).
pub fn enter<P: Protocol<Timer = Timer>>(stay: Time, ctx: &mut Ctx<P>) {
    ctx.mark("enter_cs");
    ctx.mark("served");
    ctx.note(Text::key("note.enters"));
    ctx.set_timer(stay, Timer::Leave);
}

/// The workload's two parameters (their words are the core's).
pub fn workload_params() -> Vec<ParamSpec> {
    vec![ParamSpec::int("cs", 1, 10_000, 120).short("CS time", "临界区时长"), ParamSpec::int("requests", 0, 100_000, 600).short("requests", "请求间隔")]
}

/// The wave of the last exit (requests use their node's id).
const EXIT: u64 = u64::MAX;

/// Entries, delays and throughput of a mutual-exclusion run.
#[derive(Clone, Debug, Default)]
pub struct MutexCosts {
    waves: Waves,
    entries: u64,
    enter: Tally,
    sync: Tally,
}

/// The textbook figures for one algorithm at the run's N: (value, formula) each.
pub struct MutexTextbook {
    pub messages: (Textbook, Text),
    pub enter: (Textbook, Text),
    pub sync: (Textbook, Text),
}

impl Observe for MutexCosts {
    fn observe(&mut self, e: &Event, log: &Trace) {
        // A request marked on its own send (a silent input) starts its wave before the
        // send carries it.
        if let Some(node) = e.node {
            if log.marks_of(e.id).any(|m| m.tag == "request") {
                self.waves.start(node as u64, node);
            }
        }
        self.waves.observe(e);
        let Some(node) = e.node else { return };
        for m in log.marks_of(e.id) {
            match m.tag {
                "enter_cs" => {
                    self.entries += 1;
                    if let Some(d) = self.waves.depth(node as u64, node) {
                        self.enter.add(d as f64);
                    }
                    self.waves.end(node as u64);
                    if let Some(d) = self.waves.depth(EXIT, node) {
                        self.sync.add(d as f64);
                        self.waves.end(EXIT);
                    }
                }
                "exit_cs" => self.waves.start(EXIT, node),
                _ => {}
            }
        }
    }
}

impl MutexCosts {
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The shared metrics, measured beside `textbook`.
    pub fn metrics<P: Protocol>(&self, run: &RunView<P>, textbook: MutexTextbook) -> Vec<Metric> {
        let per_thousand = (run.now > 0).then(|| self.entries as f64 * 1000.0 / run.now as f64);
        vec![
            Metric {
                id: "messages_per_entry",
                measured: (self.entries > 0).then(|| run.counters.sent as f64 / self.entries as f64),
                textbook: textbook.messages.0,
                formula: textbook.messages.1,
            },
            Metric { id: "enter_mean", measured: self.enter.mean(), textbook: textbook.enter.0.clone(), formula: textbook.enter.1.clone() },
            Metric { id: "enter_worst", measured: self.enter.max, textbook: textbook.enter.0, formula: textbook.enter.1 },
            Metric { id: "sync_mean", measured: self.sync.mean(), textbook: textbook.sync.0, formula: textbook.sync.1 },
            Metric { id: "throughput", measured: per_thousand, textbook: Textbook::Unbounded, formula: Text::key("formula.per_thousand_ticks") },
            Metric { id: "entries", measured: Some(self.entries as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
        ]
    }
}

/// ME1: at most one of `inside` (the live nodes in the critical section).
pub fn me1(inside: Vec<NodeId>) -> Result<(), Breach> {
    if inside.len() <= 1 {
        Ok(())
    } else {
        Err(Breach { detail: phrase!("breach.me1", nodes(&inside)), nodes: inside })
    }
}

/// A textbook figure that is exact, with its formula written as taught.
pub fn exact(value: f64, formula: &'static str) -> (Textbook, Text) {
    (Textbook::Exact(value), Text::plain(formula))
}

/// The time a node has waited, for badges ("since t=…").
pub fn since(t: Time) -> Text {
    phrase!("badge.since", t)
}

/// What every algorithm of the family is tested by, so each file states only its figures.
#[cfg(test)]
pub mod testing {
    use crate::sim::engine::Engine;
    use crate::sim::kit;
    use crate::sim::protocol::Protocol;
    use crate::sim::{Act, NodeId};

    /// Over a thousand seeds of the shared workload on `n` nodes, no property is ever
    /// caught broken and every node that `entries` counts (None: a node that never asks)
    /// enters the critical section at least once.
    pub fn safe_and_live<P: Protocol>(n: usize, entries: fn(NodeId, &P::State) -> Option<u32>) {
        for seed in 0..1_000 {
            let mut e = kit::engine::<P>(n, "requests=300", seed);
            for _ in 0..1_500 {
                e.step();
            }
            assert!(e.trace.violations().is_empty(), "seed {seed}: {:?}", e.trace.violations());
            for (i, s) in e.world.states.iter().enumerate() {
                assert!(entries(i, s).is_none_or(|k| k > 0), "seed {seed}: node {i} never entered");
            }
        }
    }

    /// The nodes `askers` ask one at a time on `n` nodes, each request run to rest before
    /// the next, so every cost is the uncontended one; the run is clean.
    pub fn uncontended<P: Protocol>(n: usize, seed: u64, askers: impl IntoIterator<Item = NodeId>) -> Engine<P> {
        let mut e = kit::engine::<P>(n, "requests=0", seed);
        for i in askers {
            e.apply(&Act::Input(i, "request".into(), None)).unwrap();
            while e.step() {}
        }
        assert!(e.trace.violations().is_empty(), "n={n}: {:?}", e.trace.violations());
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::{EventKind, Mark, MessageRecord};
    use crate::sim::MsgId;

    fn ev(id: usize, node: NodeId, kind: EventKind) -> Event {
        Event { id, step: id as u64, time: id as Time * 10, node: Some(node), kind, lamport: 0, hops: 0, cause: None }
    }

    /// A central server by hand: 0 asks, the server (2) grants, 0 enters, exits, releases;
    /// 1 asked meanwhile and is granted after the release.
    #[test]
    fn delays_are_chains_of_transits() {
        let mut log = Trace::new(0);
        let mut costs = MutexCosts::default();
        let mut push = |log: &mut Trace, e: Event, marks: &[&'static str], msg: Option<(MsgId, NodeId, NodeId)>| {
            let id = e.id;
            if let Some((m, from, to)) = msg {
                if matches!(e.kind, EventKind::Send { .. }) {
                    log.push_message(MessageRecord::new(m, from, to, "m", "".into(), false, 0, id, None));
                }
            }
            log.push_event(e, None);
            for tag in marks {
                log.push_mark(id, Mark { tag, key: 0 });
            }
            costs.observe(log.event(id), log);
        };
        push(&mut log, ev(0, 0, EventKind::Input { input: "request", arg: None, workload: false }), &["request"], None);
        push(&mut log, ev(1, 0, EventKind::Send { msg: 0 }), &[], Some((0, 0, 2)));
        push(&mut log, ev(2, 1, EventKind::Send { msg: 1 }), &["request"], Some((1, 1, 2)));
        push(&mut log, ev(3, 2, EventKind::Receive { msg: 0 }), &[], None);
        push(&mut log, ev(4, 2, EventKind::Send { msg: 2 }), &[], Some((2, 2, 0)));
        push(&mut log, ev(5, 2, EventKind::Receive { msg: 1 }), &[], None);
        push(&mut log, ev(6, 0, EventKind::Receive { msg: 2 }), &["enter_cs"], None);
        push(&mut log, ev(7, 0, EventKind::Timer { timer: "leave" }), &["exit_cs"], None);
        push(&mut log, ev(8, 0, EventKind::Send { msg: 3 }), &[], Some((3, 0, 2)));
        push(&mut log, ev(9, 2, EventKind::Receive { msg: 3 }), &[], None);
        push(&mut log, ev(10, 2, EventKind::Send { msg: 4 }), &[], Some((4, 2, 1)));
        push(&mut log, ev(11, 1, EventKind::Receive { msg: 4 }), &["enter_cs"], None);
        assert_eq!(costs.entries(), 2);
        // Both waited two transits along causality: request → server, grant → node. Node 1
        // also waited through 0's stay, which the synchronisation delay counts.
        assert_eq!((costs.enter.mean(), costs.enter.max), (Some(2.0), Some(2.0)));
        assert_eq!(costs.sync.mean(), Some(2.0), "exit → release → grant");
    }
}
