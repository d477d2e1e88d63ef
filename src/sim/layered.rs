//! One algorithm over another: an application over a reliable channel, RPC stubs over a
//! transport, a round-based algorithm over a synchronizer.
//!
//! The upper layer is an ordinary [`Protocol`], unchanged: its handlers get a [`Ctx`] of
//! their own whose sends never reach the network. [`Layered`] hands each of them to the
//! lower layer, a [`Channel`], as a payload; the channel puts its own messages on the
//! wire (the payload inside, or acks and the like without one) and hands payloads up when
//! its rules say so (in order, once). So the upper layer never sees the network, and every
//! arrow on the picture is a lower-layer message: its kind is the channel's, its label
//! shows the payload's kind and fields inside ⟨ ⟩, and [`Protocol::layer`] names the
//! layer a kind belongs to. The counts are kept apart in [`LayerStats`]: what the upper
//! layer sent and was handed, and what the channel put on the wire per kind (a
//! retransmission is a kind of its own, so it is counted apart).
//!
//! What is not carried over: the upper layer's invariants, metrics and charts are written
//! over its own states and statistics, which a layered run keeps inside its own; a
//! protocol built on a layer states them over [`LayerState`] itself.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::hash::Hash;

use super::engine::RunView;
use super::protocol::{Ctx, Effects, Input, InputSpec, Invariant, Metric, MsgLabel, Observe, Protocol, ProtocolInfo, Setup};
use super::trace::{Event, EventKind, Trace};
use super::view::{Group, NodeView, Placement};
use super::{NodeId, Time};
use crate::words::Text;

/// The mark on a handler's event for each message the upper layer hands down (keyed by
/// the receiver), and for each payload handed up (keyed by the sender).
pub const UP_SENT: &str = "up_sent";
pub const UP_DELIVERED: &str = "up_delivered";

/// A lower layer that carries payloads of type `A` between nodes.
pub trait Channel<A>: Sized + 'static {
    type State: Clone + Debug + Hash;
    /// What goes on the wire.
    type Msg: Clone + Debug + Hash;
    type Timer: Clone + Debug + PartialEq + Hash;
    /// The layer's name, shown beside its kinds ("rc", "transport").
    const LAYER: &'static str;

    fn build(setup: &Setup) -> Result<Self, String>;
    fn init(&self, me: NodeId, io: &mut Io<Self, A>) -> Self::State;
    /// A crashed node comes back; by default the channel starts afresh.
    fn on_recover(&self, me: NodeId, _old: &Self::State, io: &mut Io<Self, A>) -> Self::State {
        self.init(me, io)
    }
    /// The upper layer hands down `payload` for `to`.
    fn send(&self, me: NodeId, s: &mut Self::State, to: NodeId, payload: A, io: &mut Io<Self, A>);
    fn on_message(&self, me: NodeId, s: &mut Self::State, from: NodeId, m: Self::Msg, io: &mut Io<Self, A>);
    fn on_timer(&self, _me: NodeId, _s: &mut Self::State, _t: Self::Timer, _io: &mut Io<Self, A>) {}
    /// The wire message's own kind and fields.
    fn label(&self, m: &Self::Msg) -> MsgLabel;
    /// The upper layer's message inside, if it carries one.
    fn payload<'m>(&self, m: &'m Self::Msg) -> Option<&'m A>;
    fn timer_name(&self, t: &Self::Timer) -> &'static str;
}

/// What a channel's handler asks for: wire sends, its timers, payloads handed up, notes.
pub struct Io<L: Channel<A>, A> {
    pub me: NodeId,
    pub now: Time,
    /// Nodes in the run.
    pub n: usize,
    sends: Vec<(NodeId, L::Msg)>,
    timers: Vec<(Time, L::Timer)>,
    cancels: Vec<L::Timer>,
    up: Vec<(NodeId, A)>,
    notes: Vec<Text>,
}

impl<L: Channel<A>, A> Io<L, A> {
    fn new(me: NodeId, now: Time, n: usize) -> Self {
        Io { me, now, n, sends: Vec::new(), timers: Vec::new(), cancels: Vec::new(), up: Vec::new(), notes: Vec::new() }
    }
    pub fn send(&mut self, to: NodeId, m: L::Msg) {
        self.sends.push((to, m));
    }
    pub fn set_timer(&mut self, after: Time, t: L::Timer) {
        self.timers.push((after, t));
    }
    pub fn cancel_timer(&mut self, t: L::Timer) {
        self.cancels.push(t);
    }
    /// Hand `payload` from `from` to the upper layer, after this handler.
    pub fn deliver(&mut self, from: NodeId, payload: A) {
        self.up.push((from, payload));
    }
    pub fn note(&mut self, text: Text) {
        self.notes.push(text);
    }
}

/// `U` running over `L`.
pub struct Layered<U, L> {
    pub upper: U,
    pub lower: L,
}

#[derive(Clone, Debug, Hash)]
pub struct LayerState<US, LS> {
    pub upper: US,
    pub lower: LS,
}

#[derive(Clone, Debug, PartialEq, Hash)]
pub enum LayerTimer<UT, LT> {
    Upper(UT),
    Lower(LT),
}

/// Messages counted per layer, from the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayerStats {
    /// Messages the upper layer handed down (to another node).
    pub upper_sent: u64,
    /// Payloads the channel handed up.
    pub upper_delivered: u64,
    /// Wire messages to another node, per kind of the lower layer.
    pub lower_by_kind: BTreeMap<&'static str, u64>,
}

impl LayerStats {
    pub fn lower_sent(&self) -> u64 {
        self.lower_by_kind.values().sum()
    }
}

impl Observe for LayerStats {
    fn observe(&mut self, event: &Event, log: &Trace) {
        if let EventKind::Send { msg } = event.kind {
            let m = log.message(msg);
            if m.from != m.to {
                *self.lower_by_kind.entry(m.kind).or_insert(0) += 1;
            }
        }
        for mark in log.marks_of(event.id) {
            match mark.tag {
                UP_SENT if event.node != Some(mark.key as NodeId) => self.upper_sent += 1,
                UP_DELIVERED => self.upper_delivered += 1,
                _ => {}
            }
        }
    }
}

impl<U: Protocol, L: Channel<U::Msg>> Layered<U, L> {
    /// Run an upper-layer handler with a context of its own, then pass what it asked
    /// for on: its sends to the channel, everything else to the engine.
    fn upper(&self, me: NodeId, s: &mut LayerState<U::State, L::State>, ctx: &mut Ctx<Self>, handler: impl FnOnce(&U, &mut U::State, &mut Ctx<U>)) {
        let mut uctx = Ctx { me, now: ctx.now, n: ctx.n, rng: &mut *ctx.rng, groups: ctx.groups, out: Effects::default() };
        handler(&self.upper, &mut s.upper, &mut uctx);
        let out = uctx.out;
        self.pass_down(me, s, out, ctx);
    }

    fn pass_down(&self, me: NodeId, s: &mut LayerState<U::State, L::State>, out: Effects<U>, ctx: &mut Ctx<Self>) {
        let mine = &mut ctx.out;
        mine.cancels.extend(out.cancels.into_iter().map(LayerTimer::Upper));
        mine.timers.extend(out.timers.into_iter().map(|(after, t)| (after, LayerTimer::Upper(t))));
        mine.notes.extend(out.notes);
        mine.marks.extend(out.marks);
        mine.silent |= out.silent;
        mine.checkpoints.extend(out.checkpoints);
        mine.rollback = mine.rollback.or(out.rollback);
        let mut io = Io::new(me, ctx.now, ctx.n);
        for (to, payload) in out.sends {
            ctx.mark_with(UP_SENT, to as u64);
            self.lower.send(me, &mut s.lower, to, payload, &mut io);
        }
        self.flush(me, s, io, ctx);
    }

    /// Apply a channel handler's effects, then hand its payloads up, in order.
    fn flush(&self, me: NodeId, s: &mut LayerState<U::State, L::State>, io: Io<L, U::Msg>, ctx: &mut Ctx<Self>) {
        for t in io.cancels {
            ctx.cancel_timer(LayerTimer::Lower(t));
        }
        for (after, t) in io.timers {
            ctx.set_timer(after, LayerTimer::Lower(t));
        }
        for note in io.notes {
            ctx.note(note);
        }
        for (to, m) in io.sends {
            ctx.send(to, m);
        }
        for (from, payload) in io.up {
            ctx.mark_with(UP_DELIVERED, from as u64);
            self.upper(me, s, ctx, |u, us, uctx| u.on_message(me, us, from, payload, uctx));
        }
    }

    /// Start both layers (at init or on recovery): the channel first, so the upper
    /// layer's first sends find it ready.
    fn start(&self, me: NodeId, ctx: &mut Ctx<Self>, lower: impl FnOnce(&L, &mut Io<L, U::Msg>) -> L::State, upper: impl FnOnce(&U, &mut Ctx<U>) -> U::State) -> LayerState<U::State, L::State> {
        let mut io = Io::new(me, ctx.now, ctx.n);
        let lower = lower(&self.lower, &mut io);
        let mut uctx = Ctx { me, now: ctx.now, n: ctx.n, rng: &mut *ctx.rng, groups: ctx.groups, out: Effects::default() };
        let upper = upper(&self.upper, &mut uctx);
        let out = uctx.out;
        let mut s = LayerState { upper, lower };
        self.flush(me, &mut s, io, ctx);
        self.pass_down(me, &mut s, out, ctx);
        s
    }
}

impl<U: Protocol, L: Channel<U::Msg>> Protocol for Layered<U, L> {
    type State = LayerState<U::State, L::State>;
    type Msg = L::Msg;
    type Timer = LayerTimer<U::Timer, L::Timer>;
    type Stats = LayerStats;

    /// The upper layer's description: an application over a channel is that application.
    fn info() -> ProtocolInfo {
        U::info()
    }
    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Layered { upper: U::build(setup)?, lower: L::build(setup)? })
    }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Self::State {
        self.start(me, ctx, |l, io| l.init(me, io), |u, uctx| u.init(me, uctx))
    }
    fn on_recover(&self, me: NodeId, old: &Self::State, ctx: &mut Ctx<Self>) -> Self::State {
        self.start(me, ctx, |l, io| l.on_recover(me, &old.lower, io), |u, uctx| u.on_recover(me, &old.upper, uctx))
    }
    fn on_message(&self, me: NodeId, s: &mut Self::State, from: NodeId, m: L::Msg, ctx: &mut Ctx<Self>) {
        let mut io = Io::new(me, ctx.now, ctx.n);
        self.lower.on_message(me, &mut s.lower, from, m, &mut io);
        self.flush(me, s, io, ctx);
    }
    fn on_timer(&self, me: NodeId, s: &mut Self::State, t: Self::Timer, ctx: &mut Ctx<Self>) {
        match t {
            LayerTimer::Upper(t) => self.upper(me, s, ctx, |u, us, uctx| u.on_timer(me, us, t, uctx)),
            LayerTimer::Lower(t) => {
                let mut io = Io::new(me, ctx.now, ctx.n);
                self.lower.on_timer(me, &mut s.lower, t, &mut io);
                self.flush(me, s, io, ctx);
            }
        }
    }
    fn on_input(&self, me: NodeId, s: &mut Self::State, i: &Input, ctx: &mut Ctx<Self>) {
        self.upper(me, s, ctx, |u, us, uctx| u.on_input(me, us, i, uctx));
    }
    fn joins_later(&self, me: NodeId) -> bool {
        self.upper.joins_later(me)
    }
    fn fate_groups(&self) -> Vec<Vec<NodeId>> {
        self.upper.fate_groups()
    }
    fn groups(&self) -> Vec<Group> {
        self.upper.groups()
    }
    fn placement(&self) -> Placement {
        self.upper.placement()
    }
    /// The channel's kind and fields, with the payload's inside ⟨ ⟩.
    fn label(&self, m: &L::Msg) -> MsgLabel {
        let mut label = self.lower.label(m);
        if let Some(p) = self.lower.payload(m) {
            let inner = self.upper.label(p);
            label.text = format!("{} ⟨{} {}⟩", label.text, inner.kind, inner.text);
            label.token = inner.token;
        }
        label
    }
    fn layer(&self, _kind: &'static str) -> Option<&'static str> {
        Some(L::LAYER)
    }
    fn timer_name(&self, t: &Self::Timer) -> &'static str {
        match t {
            LayerTimer::Upper(t) => self.upper.timer_name(t),
            LayerTimer::Lower(t) => self.lower.timer_name(t),
        }
    }
    fn countdown(&self, t: &Self::Timer) -> bool {
        matches!(t, LayerTimer::Upper(t) if self.upper.countdown(t))
    }
    fn watches(&self, t: &Self::Timer) -> Option<NodeId> {
        match t {
            LayerTimer::Upper(t) => self.upper.watches(t),
            LayerTimer::Lower(_) => None,
        }
    }
    fn view(&self, me: NodeId, s: &Self::State) -> NodeView {
        self.upper.view(me, &s.upper)
    }
    fn views(&self, states: &[Self::State], now: Time) -> Vec<NodeView> {
        let upper: Vec<U::State> = states.iter().map(|s| s.upper.clone()).collect();
        self.upper.views(&upper, now)
    }
    fn inputs_for(&self, me: NodeId, s: &Self::State) -> Vec<InputSpec> {
        self.upper.inputs_for(me, &s.upper)
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        Vec::new()
    }
    fn metrics(&self, _stats: &LayerStats, _run: &RunView<Self>) -> Vec<Metric> {
        Vec::new()
    }
}
