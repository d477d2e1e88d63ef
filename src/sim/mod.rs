//! The simulation core: plain, deterministic Rust with no web imports. The same code runs
//! natively (tests, benchmarks, the command-line runner) and in the browser, and gives the
//! same trace for the same scenario, bit for bit.

pub mod act;
pub mod breach;
pub mod consistency;
pub mod counters;
pub mod monitor;
pub mod named;
pub mod view;
#[cfg(test)]
pub mod testkit;
#[cfg(test)]
mod core_tests;
#[cfg(test)]
pub mod testkit_model;
#[cfg(test)]
mod testkit_views;
pub mod engine;
pub mod fingerprint;
pub mod history;
pub mod kit;
pub mod layered;
pub mod network;
pub mod ops;
pub mod params;
pub mod protocol;
pub mod rng;
pub mod scenario;
pub mod search;
pub mod simulation;
pub mod symbols;
pub mod topology;
pub mod trace;
pub mod waves;

/// Nodes are numbered 0..N.
pub type NodeId = usize;
/// Simulated time in ticks (read as milliseconds in the UI). Never a float, never the wall clock.
pub type Time = u64;
/// Index of an event in the trace.
pub type EventId = usize;
/// Index of a message in the trace.
pub type MsgId = usize;

/// Above this many nodes the engine stops keeping vector clocks (their cost is O(N) per
/// event and nobody can read a 1,000-entry vector); Lamport clocks are always kept.
pub const VECTOR_CLOCK_LIMIT: usize = 64;

pub use act::{Act, Anchor, AnchoredAct, TimedAct};
pub use breach::Breach;
pub use counters::Counters;
pub use engine::{Choice, Engine};
pub use fingerprint::Fingerprinter;
pub use history::History;
pub use network::{LinkRule, LossReason, Network, NetworkConfig};
pub use params::{ParamKind, ParamSpec, ParamValue, Params};
pub use protocol::*;
pub use view::*;
pub use scenario::{Scenario, ScenarioError};
pub use search::{explore, SearchReport};
pub use simulation::{FlightView, InvariantStatus, ProtocolEntry, Simulation, TimerView};
pub use topology::{Graph, Topology, TopologyKind};
pub use trace::{Event, EventKind, Mark, MessageRecord, Trace, Violation};
