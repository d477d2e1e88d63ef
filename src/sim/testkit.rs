//! Small protocols for testing the core itself, not taught anywhere.

use super::engine::{Engine, RunView};
use super::network::NetworkConfig;
use super::params::Params;
use super::protocol::*;
use super::topology::{Topology, TopologyKind};
use super::view::{NodeView, Tone};
use super::NodeId;
use crate::words::Text;

/// Node 0 pings everyone once; everyone pongs back. Enough to exercise the engine.
pub struct PingPong;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ping {
    Ping,
    Pong,
}

impl Protocol for PingPong {
    type State = u32;
    type Msg = Ping;
    type Timer = ();
    type Stats = ();
    fn info() -> ProtocolInfo {
        ProtocolInfo {
            id: "ping-pong",
            family: "test",
            nodes: NodeRange { min: 2, max: 10, default: 3 },
            topologies: &[TopologyKind::Complete],
            network: NetworkConfig::default(),
            params: vec![],
            inputs: &[],
            workload: None,
            scenarios: &[],
            show: Show::default(),
            words: &[],
        }
    }
    fn build(_: &Setup) -> Result<Self, String> {
        Ok(PingPong)
    }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> u32 {
        if me == 0 {
            ctx.broadcast(Ping::Ping);
            ctx.set_timer(1000, ());
        }
        0
    }
    fn on_message(&self, _: NodeId, s: &mut u32, from: NodeId, m: Ping, ctx: &mut Ctx<Self>) {
        *s += 1;
        if let Ping::Ping = m {
            ctx.send(from, Ping::Pong);
        }
    }
    fn label(&self, m: &Ping) -> MsgLabel {
        MsgLabel::new(if matches!(m, Ping::Ping) { "ping" } else { "pong" }, "")
    }
    fn timer_name(&self, _: &()) -> &'static str {
        "done"
    }
    fn view(&self, _: NodeId, s: &u32) -> NodeView {
        NodeView::new("node", Tone::Idle).badge(*s)
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "pongs", check: |_, snap| if snap.states[0] <= 2 { Ok(()) } else { Err(Breach { nodes: vec![0], detail: Text::plain("too many") }) } }]
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        vec![]
    }
}

pub fn setup(n: usize, topology: Topology) -> Setup {
    Setup::new(n, topology, Params::default(), 1).expect("a valid test topology")
}

pub fn ping_pong(n: usize, seed: u64, config: NetworkConfig) -> Engine<PingPong> {
    Engine::new(PingPong, setup(n, Topology::Complete), config, seed)
}
