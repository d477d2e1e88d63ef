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
use super::view::{NodeView, Tone};
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
                ops::reply(ctx, 0, Reply::Done);
            }
            RegMsg::ReadOk(v) => {
                s.open = false;
                ops::reply(ctx, 0, Reply::Value(v));
            }
        }
    }
    fn on_timer(&self, _: NodeId, s: &mut RegNode, _: (), ctx: &mut Ctx<Self>) {
        s.flush_armed = false;
        ctx.send(1, RegMsg::Replicate(s.value));
    }
    fn on_input(&self, _: NodeId, s: &mut RegNode, i: &Input, ctx: &mut Ctx<Self>) {
        s.open = true;
        match i.id {
            "write" => {
                let v = i.arg_int().expect("the engine checked the argument") as Value;
                ops::call(ctx, 0, Call::Write(v));
                ctx.send(0, RegMsg::Write(v));
            }
            _ => {
                ops::call(ctx, 0, Call::Read);
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
}
