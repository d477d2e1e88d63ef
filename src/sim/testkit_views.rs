//! Small protocols for testing the core's history checkers and view data, not taught
//! anywhere: a primary-backup register whose stale-read bug is a parameter, and one
//! protocol per placement that hands the page a picture to draw.

use super::consistency::{CausalConsistency, Convergence, HistoryMonitor, Linearizable, MonotonicReads, ReadYourWrites};
use super::engine::{Engine, RunView};
use super::monitor::Monitor;
use super::ops::{self, Call, Reply, Value};
use super::params::{ParamSpec, ParamValue, Params};
use super::protocol::*;
use super::testkit::TEST_FAMILY;
use super::topology::Topology;
use super::view::{Group, NodeView, Placement, Ring, Tone, TURN};
use std::collections::BTreeMap;
use super::{Act, NodeId, Time};

// ---------------------------------------------------------------------------------------
// Register: node 0 is the primary, node 1 the backup, the rest are clients of one key (0).
// With `lazy = 0` the primary answers a write once the backup has it and serves the reads
// itself: linearizable. With `lazy > 0` it answers a write at once, sends its value to the
// backup `lazy` ticks later, and the backup serves the reads: a client can read the
// initial value right after its own write was done (stale), yet the copies converge.

pub struct Register {
    lazy: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct RegNode {
    pub value: Value,
    /// Primary, synchronous: clients whose writes wait for the backup's ack, in order.
    pub waiting: Vec<NodeId>,
    pub flush_armed: bool,
    /// Client: an operation is open.
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RegMsg {
    Write(Value),
    Read,
    Replicate(Value),
    Ack,
    WriteOk,
    ReadOk(Value),
}

const WRITE: InputSpec = InputSpec::with("write", ArgKind::Int { min: 1, max: 99 });
const READ: InputSpec = InputSpec::plain("read");

impl Register {
    fn reads_at(&self) -> NodeId {
        if self.lazy > 0 {
            1
        } else {
            0
        }
    }
    fn store(&self, s: &mut RegNode, v: Value, ctx: &mut Ctx<Self>) {
        s.value = v;
        ops::applied(ctx, 0, v);
    }
}

impl Protocol for Register {
    type State = RegNode;
    type Msg = RegMsg;
    type Timer = ();
    type Stats = ();

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("register", &TEST_FAMILY, (3, 8, 4)).params(vec![ParamSpec::int("lazy", 0, 10_000, 0)]).inputs(&[WRITE, READ])
    }
    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Register { lazy: setup.params.int("lazy") as Time })
    }
    fn init(&self, _: NodeId, _: &mut Ctx<Self>) -> RegNode {
        RegNode::default()
    }
    fn on_message(&self, me: NodeId, s: &mut RegNode, from: NodeId, m: RegMsg, ctx: &mut Ctx<Self>) {
        match m {
            RegMsg::Write(v) => {
                self.store(s, v, ctx);
                if self.lazy > 0 {
                    ctx.send(from, RegMsg::WriteOk);
                    if !s.flush_armed {
                        s.flush_armed = true;
                        ctx.set_timer(self.lazy, ());
                    }
                } else {
                    s.waiting.push(from);
                    ctx.send(1, RegMsg::Replicate(v));
                }
            }
            RegMsg::Replicate(v) => {
                self.store(s, v, ctx);
                if self.lazy == 0 {
                    ctx.send(from, RegMsg::Ack);
                }
            }
            RegMsg::Ack if me == 0 && !s.waiting.is_empty() => {
                let client = s.waiting.remove(0);
                ctx.send(client, RegMsg::WriteOk);
            }
            RegMsg::Ack => {}
            RegMsg::Read => ctx.send(from, RegMsg::ReadOk(s.value)),
            RegMsg::WriteOk => {
                s.open = false;
                ops::reply(ctx, me, 0, Reply::Done);
            }
            RegMsg::ReadOk(v) => {
                s.open = false;
                ops::reply(ctx, me, 0, Reply::Value(v));
            }
        }
    }
    fn on_timer(&self, _: NodeId, s: &mut RegNode, _: (), ctx: &mut Ctx<Self>) {
        s.flush_armed = false;
        ctx.send(1, RegMsg::Replicate(s.value));
    }
    fn on_input(&self, me: NodeId, s: &mut RegNode, i: &Input, ctx: &mut Ctx<Self>) {
        s.open = true;
        match i.id {
            "write" => {
                let v = i.arg_int().expect("the engine checked the argument") as Value;
                ops::call(ctx, me, 0, Call::Write(v));
                ctx.send(0, RegMsg::Write(v));
            }
            _ => {
                ops::call(ctx, me, 0, Call::Read);
                ctx.send(self.reads_at(), RegMsg::Read);
            }
        }
    }
    fn label(&self, m: &RegMsg) -> MsgLabel {
        match m {
            RegMsg::Write(v) => MsgLabel::new("write", format!("v={v}")),
            RegMsg::Read => MsgLabel::new("read", ""),
            RegMsg::Replicate(v) => MsgLabel::new("replicate", format!("v={v}")),
            RegMsg::Ack => MsgLabel::new("ack", ""),
            RegMsg::WriteOk => MsgLabel::new("write_ok", ""),
            RegMsg::ReadOk(v) => MsgLabel::new("read_ok", format!("v={v}")),
        }
    }
    fn timer_name(&self, _: &()) -> &'static str {
        "flush"
    }
    fn view(&self, _: NodeId, s: &RegNode) -> NodeView {
        NodeView::new("node", Tone::Idle).badge(s.value)
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![]
    }
    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![
            HistoryMonitor::<Linearizable>::boxed(),
            HistoryMonitor::<ReadYourWrites>::boxed(),
            HistoryMonitor::<MonotonicReads>::boxed(),
            HistoryMonitor::<CausalConsistency>::boxed(),
            Box::new(Convergence::new(vec![0, 1], None)),
        ]
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        vec![]
    }
}

fn register(n: usize, lazy: i64) -> Engine<Register> {
    let mut params = Params::defaults(&Register::info().params);
    params.0.insert("lazy", ParamValue::Int(lazy));
    let setup = Setup::new(n, Topology::Complete, params, 7).expect("a valid test topology");
    Engine::new(Register::build(&setup).expect("valid settings"), setup, Register::info().network, 7)
}

fn run_out<P: Protocol>(e: &mut Engine<P>) {
    for _ in 0..10_000 {
        if !e.step() {
            return;
        }
    }
    panic!("the run did not come to rest");
}

/// Apply `act` and step until `client`'s operation has its reply.
fn ask(e: &mut Engine<Register>, client: NodeId, input: &str, arg: Option<&str>) {
    e.apply(&Act::Input(client, input.to_string(), arg.map(str::to_string))).unwrap();
    while e.world.states[client].open {
        assert!(e.step(), "the operation never got its reply");
    }
}

// ---------------------------------------------------------------------------------------
// Pictured: nodes that do nothing but hand the page a placement. `shape` picks it: 0 a
// server in the centre and clients on the rim; 1 the four lanes of a remote call; 2 a
// hash ring of servers with `vnodes` points each and `keys` keys on it; 3 a field of dots.

pub struct Pictured {
    n: usize,
    shape: i64,
    vnodes: u32,
    keys: u32,
}

use super::view::ring_angle as ring_hash;

impl Pictured {
    /// Node `i`'s points: its own first, then its virtual ones.
    fn points_of(&self, i: NodeId) -> Vec<u32> {
        (0..self.vnodes.max(1)).map(|v| ring_hash(i as u64 * 1_000 + v as u64)).collect()
    }
    fn key_angle(k: u32) -> u32 {
        ring_hash(1_000_000_007 + k as u64)
    }
    /// Owner of each key, found the protocol's own way: the first point clockwise in a
    /// sorted map of the points.
    fn owners(&self) -> Vec<NodeId> {
        let points: BTreeMap<u32, NodeId> = (0..self.n).flat_map(|i| self.points_of(i).into_iter().map(move |a| (a, i))).collect();
        (0..self.keys).map(|k| *points.range(Self::key_angle(k)..).next().or(points.iter().next()).expect("servers on the ring").1).collect()
    }
}

impl Protocol for Pictured {
    type State = u32;
    type Msg = ();
    type Timer = ();
    type Stats = ();

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("pictured", &TEST_FAMILY, (1, 1_000, 5)).params(vec![
            ParamSpec::int("shape", 0, 3, 0),
            ParamSpec::int("vnodes", 1, 100, 1),
            ParamSpec::int("keys", 0, 1_000, 0),
        ])
    }
    fn build(setup: &Setup) -> Result<Self, String> {
        let p = &setup.params;
        Ok(Pictured { n: setup.n, shape: p.int("shape"), vnodes: p.int("vnodes") as u32, keys: p.int("keys") as u32 })
    }
    fn init(&self, me: NodeId, _: &mut Ctx<Self>) -> u32 {
        // A server holds the keys it owns.
        if self.shape == 2 {
            self.owners().iter().filter(|&&o| o == me).count() as u32
        } else {
            0
        }
    }
    fn on_message(&self, _: NodeId, _: &mut u32, _: NodeId, _: (), _: &mut Ctx<Self>) {}
    fn groups(&self) -> Vec<Group> {
        match self.shape {
            0 => vec![Group { id: "server", members: vec![0] }, Group { id: "clients", members: (1..self.n).collect() }],
            1 => ["client", "client_stub", "server_stub", "server"].iter().enumerate().map(|(i, &id)| Group { id, members: vec![i] }).filter(|g| g.members[0] < self.n).collect(),
            _ => Vec::new(),
        }
    }
    fn placement(&self) -> Placement {
        match self.shape {
            0 => Placement::CentreRim { centre: "server" },
            1 => Placement::Lanes(vec!["client", "client_stub", "server_stub", "server"]),
            2 => {
                let mut ring = Ring::new((0..self.n).map(|i| self.points_of(i)[0]).collect());
                for i in 0..self.n {
                    for &a in &self.points_of(i)[1..] {
                        ring = ring.virtual_point(i, a);
                    }
                }
                let mut keys: Vec<(u32, u32, NodeId)> = self.owners().into_iter().enumerate().map(|(k, o)| (Self::key_angle(k as u32), k as u32, o)).collect();
                keys.sort_unstable();
                Placement::Angles(keys.into_iter().fold(ring, |r: Ring, (a, k, o)| r.item(format!("k{k}"), a, o)))
            }
            _ => Placement::Field,
        }
    }
    fn label(&self, _: &()) -> MsgLabel {
        MsgLabel::new("none", "")
    }
    fn timer_name(&self, _: &()) -> &'static str {
        "none"
    }
    fn view(&self, _: NodeId, s: &u32) -> NodeView {
        NodeView::new("node", if *s > 0 { Tone::Active } else { Tone::Idle }).badge(*s)
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![]
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        vec![]
    }
}

fn pictured(n: usize, shape: i64, vnodes: i64, keys: i64) -> Engine<Pictured> {
    let mut params = Params::defaults(&Pictured::info().params);
    for (name, v) in [("shape", shape), ("vnodes", vnodes), ("keys", keys)] {
        params.0.insert(name, ParamValue::Int(v));
    }
    let setup = Setup::new(n, Topology::Complete, params, 1).expect("a valid test topology");
    Engine::new(Pictured::build(&setup).expect("valid settings"), setup, Pictured::info().network, 1)
}

// ---------------------------------------------------------------------------------------
// Watcher: node 0 arms one timer about each other node (after 10·k ticks) and counts its
// firings; each other node is drawn as node 0 sees it ("unseen", then "seen"), with the
// time of the picture as its badge.

pub struct Watcher;

impl Protocol for Watcher {
    type State = Vec<u32>;
    type Msg = ();
    type Timer = NodeId;
    type Stats = ();

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("watcher", &TEST_FAMILY, (2, 8, 4))
    }
    fn build(_: &Setup) -> Result<Self, String> {
        Ok(Watcher)
    }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Vec<u32> {
        if me == 0 {
            for k in 1..ctx.n() {
                ctx.set_timer(10 * k as Time, k);
            }
        }
        vec![0; ctx.n()]
    }
    fn on_message(&self, _: NodeId, _: &mut Vec<u32>, _: NodeId, _: (), _: &mut Ctx<Self>) {}
    fn on_timer(&self, _: NodeId, s: &mut Vec<u32>, k: NodeId, _: &mut Ctx<Self>) {
        s[k] += 1;
    }
    fn label(&self, _: &()) -> MsgLabel {
        MsgLabel::new("none", "")
    }
    fn timer_name(&self, _: &NodeId) -> &'static str {
        "watch"
    }
    fn countdown(&self, _: &NodeId) -> bool {
        true
    }
    fn watches(&self, k: &NodeId) -> Option<NodeId> {
        Some(*k)
    }
    fn view(&self, _: NodeId, _: &Vec<u32>) -> NodeView {
        NodeView::new("self", Tone::Idle)
    }
    fn views(&self, states: &[Vec<u32>], now: Time) -> Vec<NodeView> {
        let seen = |k: usize| states[0][k] > 0;
        (0..states.len()).map(|k| if k == 0 { self.view(0, &states[0]) } else { NodeView::new(if seen(k) { "seen" } else { "unseen" }, Tone::Active) }.badge(now)).collect()
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![]
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Client 2 writes 5, then reads; client 3 reads; then the run comes to rest.
    fn write_then_read(lazy: i64) -> Engine<Register> {
        let mut e = register(4, lazy);
        ask(&mut e, 2, "write", Some("5"));
        ask(&mut e, 2, "read", None);
        ask(&mut e, 3, "read", None);
        run_out(&mut e);
        e
    }

    #[test]
    fn the_log_holds_the_history_of_operations() {
        let e = write_then_read(0);
        let h = ops::history(&e.trace);
        let kinds: Vec<(NodeId, Call, Option<Reply>)> = h.iter().map(|o| (o.client, o.call, o.reply)).collect();
        assert_eq!(kinds, vec![(2, Call::Write(5), Some(Reply::Done)), (2, Call::Read, Some(Reply::Value(5))), (3, Call::Read, Some(Reply::Value(5)))]);
        assert!(h.windows(2).all(|w| w[0].precedes(&w[1])), "each operation was asked after the previous one's reply");
        assert!(h.iter().all(|o| o.replied_at.unwrap() > o.called_at), "replies come after their calls, a round trip later");
        let text: Vec<String> = h.iter().map(|o| o.text().en(&[])).collect();
        assert_eq!(text, vec!["n2:W(k0,5)", "n2:R(k0)→5", "n3:R(k0)→5"]);
        // The marks' tags have no dots, so interventions can be anchored to them.
        let anchor = crate::sim::Anchor::parse("mark.op_write.n2");
        assert_eq!(anchor, Some(crate::sim::Anchor::Mark { tag: "op_write".to_string(), by: Some(2), nth: 1 }));
    }

    #[test]
    fn a_synchronous_primary_backup_register_keeps_every_model() {
        let e = write_then_read(0);
        assert!(e.broken().is_empty(), "{:?}", e.trace.violations());
        let ids: Vec<&str> = e.verdicts().map(|(id, _)| id).collect();
        assert_eq!(ids, vec!["linearizable", "read_your_writes", "monotonic_reads", "causal_consistency", "eventual"]);
    }

    #[test]
    fn a_lazy_backup_serving_reads_is_stale_but_converges() {
        let e = write_then_read(500);
        let h = ops::history(&e.trace);
        assert_eq!(h[1].reply, Some(Reply::Value(0)), "the backup had not heard of the write yet");
        let mut broken = e.broken();
        broken.sort_unstable();
        assert_eq!(broken, vec!["causal_consistency", "linearizable", "read_your_writes"], "monotonic reads hold: one backup only moves forward");
        let lin = e.trace.violations().iter().find(|v| v.invariant == "linearizable").unwrap();
        assert_eq!(lin.nodes, vec![2]);
        assert_eq!(lin.detail.en(&[]), "no order of the operations explains n2:R(k0)→0: between its call and its reply it could only return 5 (see n2:W(k0,5))");
        assert_eq!(Some(lin.event), ops::events_of(&h[1]).1, "reported at the stale read's reply");
        let ryw = e.trace.violations().iter().find(|v| v.invariant == "read_your_writes").unwrap();
        assert_eq!(ryw.detail.en(&[]), "n2:R(k0)→0 does not see the client's own earlier write n2:W(k0,5)");
        // The copies still converge once the primary flushes.
        assert!(e.world.states[..2].iter().all(|s| s.value == 5));
    }

    #[test]
    fn convergence_is_judged_at_rest_only() {
        // A lazy write not yet flushed: the copies differ, but the run is not at rest.
        let mut e = register(4, 500);
        ask(&mut e, 2, "write", Some("5"));
        assert_eq!((e.world.states[0].value, e.world.states[1].value), (5, 0));
        assert!(!e.broken().contains(&"eventual"));
        // The backup crashes before the flush: at rest, only the primary is compared.
        e.apply(&Act::Crash(1)).unwrap();
        run_out(&mut e);
        assert!(!e.broken().contains(&"eventual"), "{:?}", e.trace.violations());
        // It comes back with what it had (0): the copies disagree at rest.
        e.apply(&Act::Recover(1)).unwrap();
        run_out(&mut e);
        let v = e.trace.violations().iter().find(|v| v.invariant == "eventual").expect("diverged at rest");
        assert_eq!(v.detail.en(&[]), "at rest, the replicas disagree on key 0: n0=5, n1=0");
    }

    /// Every node has exactly one band, in the order the placement names the groups.
    fn placed_once(e: &Engine<Pictured>) -> Vec<Vec<NodeId>> {
        let bands = e.proto.placement().bands(e.n(), e.groups()).expect("a placement by groups");
        let mut all: Vec<NodeId> = bands.concat();
        all.sort_unstable();
        assert_eq!(all, (0..e.n()).collect::<Vec<_>>(), "{bands:?}");
        bands
    }

    #[test]
    fn a_server_sits_in_the_centre_of_its_clients() {
        let e = pictured(6, 0, 1, 0);
        assert_eq!(e.proto.placement(), Placement::CentreRim { centre: "server" });
        assert_eq!(placed_once(&e), vec![vec![0], vec![1, 2, 3, 4, 5]]);
    }

    #[test]
    fn the_four_lanes_of_a_remote_call_come_in_order() {
        let e = pictured(4, 1, 1, 0);
        assert_eq!(placed_once(&e), vec![vec![0], vec![1], vec![2], vec![3]]);
        // A fifth node (a second client) is in no lane: it still gets a place, last.
        assert_eq!(placed_once(&pictured(5, 1, 1, 0)), vec![vec![0], vec![1], vec![2], vec![3], vec![4]]);
    }

    #[test]
    fn a_hash_ring_hands_over_its_virtual_points_and_keys() {
        let e = pictured(5, 2, 8, 200);
        let Placement::Angles(ring) = e.proto.placement() else { panic!("a ring") };
        // Each node at its own angle, and at its declared virtual points, and nowhere else.
        assert_eq!(ring.len(), 5);
        for i in 0..5 {
            let mut mine: Vec<u32> = ring.points().iter().filter(|p| p.1 == i).map(|p| p.0).collect();
            let mut declared = vec![ring[i]];
            declared.extend(ring.virtual_points.iter().filter(|p| p.0 == i).map(|p| p.1));
            mine.sort_unstable();
            declared.sort_unstable();
            assert_eq!((mine.len(), &mine), (8, &declared), "node {i}");
        }
        // Keys come sorted by angle, each owned by the first point at or after it, round the top.
        assert_eq!(ring.items.len(), 200);
        assert!(ring.items.windows(2).all(|w| w[0].angle <= w[1].angle));
        let points = ring.points();
        for item in &ring.items {
            let clockwise = |a: u32| (a + TURN - item.angle) % TURN;
            let first = points.iter().min_by_key(|&&(a, n)| (clockwise(a), n)).unwrap();
            assert_eq!(item.owner, first.1, "{} at {}", item.label, item.angle);
            assert_eq!(ring.owner_at(item.angle), Some(item.owner));
        }
        // What each server holds is what the ring says it owns.
        for i in 0..5 {
            assert_eq!(e.world.states[i] as usize, ring.items.iter().filter(|k| k.owner == i).count());
        }
    }

    #[test]
    fn virtual_nodes_even_out_the_load() {
        let spread = |vnodes| {
            let e = pictured(5, 2, vnodes, 1_000);
            let load: Vec<u32> = e.world.states.clone();
            assert_eq!(load.iter().sum::<u32>(), 1_000);
            (*load.iter().max().unwrap(), *load.iter().min().unwrap())
        };
        let (one_max, one_min) = spread(1);
        let (many_max, many_min) = spread(64);
        assert!(many_max - many_min < one_max - one_min, "64 points each: {many_min}..{many_max}; one each: {one_min}..{one_max}");
        assert!(many_max < 300, "no server holds much more than its fifth: {many_max}");
    }

    #[test]
    fn a_thousand_nodes_make_a_field() {
        let e = pictured(1_000, 3, 1, 0);
        assert_eq!(e.proto.placement(), Placement::Field);
        assert_eq!(e.proto.placement().bands(1_000, e.groups()), None, "a field is not by groups");
        assert_eq!(e.world.states.len(), 1_000);
    }

    #[test]
    fn a_timer_about_another_node_is_drawn_there_and_nodes_are_drawn_as_another_sees_them() {
        use crate::sim::Simulation;
        use crate::words::Text;
        let setup = Setup::new(4, Topology::Complete, Params::defaults(&[]), 1).expect("a valid test topology");
        let mut e = Engine::new(Watcher, setup, Watcher::info().network, 1);
        let about: Vec<(NodeId, NodeId, bool)> = e.timers().iter().map(|t| (t.node, t.about, t.countdown)).collect();
        assert_eq!(about, vec![(0, 1, true), (0, 2, true), (0, 3, true)], "owned by node 0, each about its node");
        let roles = |e: &Engine<Watcher>| e.node_views().iter().map(|v| v.role).collect::<Vec<_>>();
        assert_eq!(roles(&e), vec!["self", "unseen", "unseen", "unseen"]);
        assert!(e.step());
        assert_eq!(roles(&e), vec!["self", "seen", "unseen", "unseen"], "node 1 as node 0 sees it, from node 0's state");
        assert_eq!(e.node_views()[2].badge, Text::plain("10"), "the picture is of the moment");
        while e.step() {}
        assert_eq!(roles(&e), vec!["self", "seen", "seen", "seen"]);
        assert!(e.timers().is_empty());
    }
}
