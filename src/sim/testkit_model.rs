//! Small protocols for the model pieces the communication and fault-tolerance chapters
//! stand on (see `docs/CORE.md`, "Pieces"), and their tests: machines that fail
//! together, a fixed-timeout detector under delay spikes, a domino of rollbacks, an
//! application over a reliable channel, and a rumour among ten thousand peers.

use std::cell::Cell;
use std::collections::BTreeMap;

use super::engine::{Engine, RunView};
use super::layered::{Channel, Io};
use super::network::NetworkConfig;
use super::protocol::*;
use super::testkit::{setup, TEST_FAMILY};
use super::topology::Topology;
use super::view::{NodeView, Tone};
use super::{NodeId, Time};

/// The parts of a test protocol that check and count nothing.
macro_rules! nothing_checked {
    () => {
        fn invariants(&self) -> Vec<Invariant<Self>> { Vec::new() }
        fn metrics(&self, _: &Self::Stats, _: &RunView<Self>) -> Vec<Metric> { Vec::new() }
    };
}

fn plain_view(role: &'static str, badge: u64) -> NodeView {
    NodeView::new(role, Tone::Idle).badge(badge)
}

// ---------------------------------------------------------------------------------------
// Machines: nodes 0 and 1 share a machine, as do 2 and 3; the rest stand alone. Every
// node greets the next one at the start; a recovering node counts its recoveries.

pub struct Machines {
    n: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Machine {
    pub recoveries: u32,
    pub got: u32,
}

impl Protocol for Machines {
    type State = Machine; type Msg = (); type Timer = (); type Stats = ();
    fn info() -> ProtocolInfo { ProtocolInfo::new("machines", &TEST_FAMILY, (2, 10, 5)) }
    fn build(s: &Setup) -> Result<Self, String> { Ok(Machines { n: s.n }) }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Machine {
        ctx.send((me + 1) % self.n, ());
        Machine::default()
    }
    fn on_recover(&self, _: NodeId, old: &Machine, _: &mut Ctx<Self>) -> Machine {
        Machine { recoveries: old.recoveries + 1, got: 0 }
    }
    fn fate_groups(&self) -> Vec<Vec<NodeId>> {
        if self.n >= 4 {
            vec![vec![1, 0], vec![2, 3]]
        } else {
            Vec::new()
        }
    }
    fn on_message(&self, _: NodeId, s: &mut Machine, _: NodeId, _: (), ctx: &mut Ctx<Self>) {
        s.got += 1;
        ctx.mark("got");
    }
    fn label(&self, _: &()) -> MsgLabel { MsgLabel::new("hello", "") }
    fn timer_name(&self, _: &()) -> &'static str { "none" }
    fn view(&self, _: NodeId, s: &Machine) -> NodeView { plain_view("node", s.recoveries as u64) }
    nothing_checked!();
}

// ---------------------------------------------------------------------------------------
// Beats: node 0 watches the others with a fixed timeout; each of them sends a heartbeat
// every PERIOD ticks. Nothing ever crashes, so every suspicion is false.

pub const PERIOD: Time = 100;
pub const TIMEOUT: Time = 200;
const CHECK_EVERY: Time = 20;

pub struct Beats;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Watch {
    /// When each node's last heartbeat arrived.
    pub last: Vec<Time>,
    pub suspected: Vec<bool>,
    pub false_suspicions: u32,
}

impl Protocol for Beats {
    type State = Watch; type Msg = (); type Timer = (); type Stats = ();
    fn info() -> ProtocolInfo { ProtocolInfo::new("beats", &TEST_FAMILY, (2, 10, 4)) }
    fn build(_: &Setup) -> Result<Self, String> { Ok(Beats) }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Watch {
        ctx.set_timer(if me == 0 { CHECK_EVERY } else { PERIOD }, ());
        Watch { last: vec![0; ctx.n()], suspected: vec![false; ctx.n()], false_suspicions: 0 }
    }
    fn on_message(&self, _: NodeId, s: &mut Watch, from: NodeId, _: (), ctx: &mut Ctx<Self>) {
        s.last[from] = ctx.now();
        s.suspected[from] = false;
    }
    fn on_timer(&self, me: NodeId, s: &mut Watch, _: (), ctx: &mut Ctx<Self>) {
        if me != 0 {
            ctx.send(0, ());
            ctx.set_timer(PERIOD, ());
            return;
        }
        for j in 1..ctx.n() {
            if !s.suspected[j] && ctx.now() - s.last[j] > TIMEOUT {
                s.suspected[j] = true;
                s.false_suspicions += 1;
            }
        }
        ctx.set_timer(CHECK_EVERY, ());
    }
    fn label(&self, _: &()) -> MsgLabel { MsgLabel::new("beat", "") }
    fn timer_name(&self, _: &()) -> &'static str { "tick" }
    fn view(&self, _: NodeId, s: &Watch) -> NodeView { plain_view("node", s.false_suspicions as u64) }
    nothing_checked!();
}

// ---------------------------------------------------------------------------------------
// Domino: uncoordinated checkpoints. Inputs `send=J` (an application message to J),
// `ckpt` (a local checkpoint) and `fail` (roll back to the latest checkpoint). A node
// that rolls back tells every other node how many messages it has now sent it; a node
// that has received more than that from it holds orphans and rolls back to its latest
// checkpoint that received no more, and tells the others in turn.

pub struct Domino;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ckpt {
    pub key: u64,
    pub sent: Vec<u32>,
    pub recv: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DominoMsg {
    App,
    /// "I have now sent you this many."
    RolledBack(u32),
}

/// Messages sent to and received from each node, and the checkpoints taken (with the
/// counts each saw).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Proc {
    pub sent: Vec<u32>,
    pub recv: Vec<u32>,
    /// Oldest first; a rollback forgets those after the one restored (they are not in
    /// its saved state).
    pub ckpts: Vec<Ckpt>,
}

const DOMINO_INPUTS: &[InputSpec] = &[InputSpec::with("send", ArgKind::Node), InputSpec::plain("ckpt"), InputSpec::plain("fail")];

impl Domino {
    fn checkpoint(s: &mut Proc, ctx: &mut Ctx<Self>) {
        let key = s.ckpts.len() as u64;
        s.ckpts.push(Ckpt { key, sent: s.sent.clone(), recv: s.recv.clone() });
        ctx.checkpoint(key);
    }
    fn roll_back(c: &Ckpt, ctx: &mut Ctx<Self>) {
        ctx.rollback_to(c.key);
        let me = ctx.me();
        for j in (0..ctx.n()).filter(|&j| j != me) {
            ctx.send(j, DominoMsg::RolledBack(c.sent[j]));
        }
    }
}

impl Protocol for Domino {
    type State = Proc; type Msg = DominoMsg; type Timer = (); type Stats = ();
    fn info() -> ProtocolInfo { ProtocolInfo::new("domino", &TEST_FAMILY, (2, 6, 3)).inputs(DOMINO_INPUTS) }
    fn build(_: &Setup) -> Result<Self, String> { Ok(Domino) }
    fn init(&self, _: NodeId, ctx: &mut Ctx<Self>) -> Proc {
        let mut s = Proc { sent: vec![0; ctx.n()], recv: vec![0; ctx.n()], ckpts: Vec::new() };
        Domino::checkpoint(&mut s, ctx);
        s
    }
    fn on_message(&self, _: NodeId, s: &mut Proc, from: NodeId, m: DominoMsg, ctx: &mut Ctx<Self>) {
        match m {
            DominoMsg::App => s.recv[from] += 1,
            DominoMsg::RolledBack(sent) if s.recv[from] > sent => {
                let c = s.ckpts.iter().rev().find(|c| c.recv[from] <= sent).expect("the first checkpoint received nothing");
                Domino::roll_back(c, ctx);
            }
            DominoMsg::RolledBack(_) => {}
        }
    }
    fn on_input(&self, _: NodeId, s: &mut Proc, i: &Input, ctx: &mut Ctx<Self>) {
        match i.id {
            "send" => {
                let to = i.arg_node().expect("checked");
                s.sent[to] += 1;
                ctx.send(to, DominoMsg::App);
            }
            "ckpt" => Domino::checkpoint(s, ctx),
            _ => Domino::roll_back(s.ckpts.last().expect("init took one"), ctx),
        }
    }
    fn label(&self, m: &DominoMsg) -> MsgLabel {
        match m {
            DominoMsg::App => MsgLabel::new("app", ""),
            DominoMsg::RolledBack(k) => MsgLabel::new("rolled_back", format!("sent={k}")),
        }
    }
    fn timer_name(&self, _: &()) -> &'static str { "none" }
    fn view(&self, _: NodeId, s: &Proc) -> NodeView { plain_view("process", s.ckpts.len() as u64) }
    nothing_checked!();
}

// ---------------------------------------------------------------------------------------
// Talk over Reliable: node 0 sends the numbers 0..COUNT to node 1, which keeps what it
// is handed. Talk knows nothing of loss; Reliable numbers each payload per receiver,
// acknowledges everything it receives, retransmits (as its own kind) until acknowledged,
// drops duplicates and hands payloads up in order.

pub struct Talk;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Heard {
    pub got: Vec<u32>,
}

pub const COUNT: u32 = 20;
/// Longer than a round trip at the tests' largest delay, so most retries repair a loss.
const RETRY_AFTER: Time = 200;

impl Protocol for Talk {
    type State = Heard; type Msg = u32; type Timer = (); type Stats = ();
    fn info() -> ProtocolInfo { ProtocolInfo::new("talk", &TEST_FAMILY, (2, 4, 2)) }
    fn build(_: &Setup) -> Result<Self, String> { Ok(Talk) }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Heard {
        if me == 0 {
            for k in 0..COUNT {
                ctx.send(1, k);
            }
        }
        Heard::default()
    }
    fn on_message(&self, _: NodeId, s: &mut Heard, _: NodeId, m: u32, _: &mut Ctx<Self>) {
        s.got.push(m);
    }
    fn label(&self, m: &u32) -> MsgLabel { MsgLabel::new("num", format!("{m}")) }
    fn timer_name(&self, _: &()) -> &'static str { "none" }
    fn view(&self, _: NodeId, s: &Heard) -> NodeView { plain_view("node", s.got.len() as u64) }
    nothing_checked!();
}

pub struct Reliable;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ends<A> {
    next_out: BTreeMap<NodeId, u64>,
    unacked: BTreeMap<(NodeId, u64), A>,
    next_in: BTreeMap<NodeId, u64>,
    held: BTreeMap<(NodeId, u64), A>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Wire<A> {
    Data(u64, A),
    Retx(u64, A),
    Ack(u64),
}

impl<A: Clone + std::fmt::Debug + std::hash::Hash + 'static> Channel<A> for Reliable {
    type State = Ends<A>;
    type Msg = Wire<A>;
    /// Retry (receiver, sequence number).
    type Timer = (NodeId, u64);
    const LAYER: &'static str = "rc";

    fn build(_: &Setup) -> Result<Self, String> { Ok(Reliable) }
    fn init(&self, _: NodeId, _: &mut Io<Self, A>) -> Ends<A> {
        Ends { next_out: BTreeMap::new(), unacked: BTreeMap::new(), next_in: BTreeMap::new(), held: BTreeMap::new() }
    }
    fn send(&self, _: NodeId, s: &mut Ends<A>, to: NodeId, payload: A, io: &mut Io<Self, A>) {
        let seq = s.next_out.entry(to).or_insert(0);
        let k = *seq;
        *seq += 1;
        s.unacked.insert((to, k), payload.clone());
        io.send(to, Wire::Data(k, payload));
        io.set_timer(RETRY_AFTER, (to, k));
    }
    fn on_message(&self, _: NodeId, s: &mut Ends<A>, from: NodeId, m: Wire<A>, io: &mut Io<Self, A>) {
        match m {
            Wire::Ack(k) => {
                s.unacked.remove(&(from, k));
                io.cancel_timer((from, k));
            }
            Wire::Data(k, a) | Wire::Retx(k, a) => {
                io.send(from, Wire::Ack(k));
                let next = s.next_in.entry(from).or_insert(0);
                if k >= *next {
                    s.held.insert((from, k), a);
                }
                while let Some(a) = s.held.remove(&(from, *next)) {
                    io.deliver(from, a);
                    *next += 1;
                }
            }
        }
    }
    fn on_timer(&self, _: NodeId, s: &mut Ends<A>, (to, k): (NodeId, u64), io: &mut Io<Self, A>) {
        if let Some(a) = s.unacked.get(&(to, k)) {
            io.send(to, Wire::Retx(k, a.clone()));
            io.set_timer(RETRY_AFTER, (to, k));
        }
    }
    fn label(&self, m: &Wire<A>) -> MsgLabel {
        match m {
            Wire::Data(k, _) => MsgLabel::new("rc-data", format!("#{k}")),
            Wire::Retx(k, _) => MsgLabel::new("rc-retx", format!("#{k}")),
            Wire::Ack(k) => MsgLabel::new("rc-ack", format!("#{k}")),
        }
    }
    fn payload<'m>(&self, m: &'m Wire<A>) -> Option<&'m A> {
        match m {
            Wire::Data(_, a) | Wire::Retx(_, a) => Some(a),
            Wire::Ack(_) => None,
        }
    }
    fn timer_name(&self, _: &(NodeId, u64)) -> &'static str { "retry" }
}

// ---------------------------------------------------------------------------------------
// Rumour: push gossip among peers. Node 0 knows the rumour; every node that knows it
// pushes it to a peer drawn at random every ROUND ticks, PUSHES times. `calls` counts
// handler runs (a test's window on the engine's work, never part of the run).

pub const ROUND: Time = 100;
pub const PUSHES: u32 = 16;

pub struct Rumour {
    pub calls: Cell<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gossiper {
    pub knows: bool,
    pub pushed: u32,
}

impl Rumour {
    fn push(&self, me: NodeId, s: &mut Gossiper, ctx: &mut Ctx<Self>) {
        let peer = ctx.random_between(0, ctx.n() as u64 - 2) as NodeId;
        ctx.send(if peer >= me { peer + 1 } else { peer }, ());
        s.pushed += 1;
        if s.pushed < PUSHES {
            ctx.set_timer(ROUND, ());
        }
    }
}

impl Protocol for Rumour {
    type State = Gossiper; type Msg = (); type Timer = (); type Stats = ();
    fn info() -> ProtocolInfo { ProtocolInfo::new("rumour", &TEST_FAMILY, (2, 10_000, 1_000)).on(&[super::topology::TopologyKind::Peers]) }
    fn build(_: &Setup) -> Result<Self, String> { Ok(Rumour { calls: Cell::new(0) }) }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Gossiper {
        self.calls.set(self.calls.get() + 1);
        if me == 0 {
            ctx.set_timer(ROUND, ());
        }
        Gossiper { knows: me == 0, pushed: 0 }
    }
    fn on_message(&self, _: NodeId, s: &mut Gossiper, _: NodeId, _: (), ctx: &mut Ctx<Self>) {
        self.calls.set(self.calls.get() + 1);
        if !s.knows {
            s.knows = true;
            ctx.set_timer(ROUND, ());
        }
    }
    fn on_timer(&self, me: NodeId, s: &mut Gossiper, _: (), ctx: &mut Ctx<Self>) {
        self.calls.set(self.calls.get() + 1);
        self.push(me, s, ctx);
    }
    fn label(&self, _: &()) -> MsgLabel { MsgLabel::new("rumour", "") }
    fn timer_name(&self, _: &()) -> &'static str { "round" }
    fn view(&self, _: NodeId, s: &Gossiper) -> NodeView { plain_view("node", s.knows as u64) }
    nothing_checked!();
}

pub fn rumour(n: usize, seed: u64) -> Engine<Rumour> {
    Engine::new(Rumour { calls: Cell::new(0) }, setup(n, Topology::Peers), NetworkConfig::default(), seed)
}

mod tests;
