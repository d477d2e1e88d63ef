//! # Ordered multicast: what every ordering shares
//!
//! A group of processes multicast messages to one another: each multicast goes to every
//! member, the sender included. The network delivers *to the process*; the process
//! decides when to *deliver to the application*, and may hold a message back until the
//! order it promises allows. The orderings differ only in that decision (and in whether
//! messages first pass through a sequencer), so this file holds everything else: the
//! members, their hold-back queues and delivery logs, the workload, the order monitors,
//! the stall detector and the costs. Each protocol is an [`Order`]: a few lines that say
//! when a held message may be delivered.
//!
//! Every message carries everything any ordering reads: its origin and the origin's
//! sequence number (FIFO), the sender's vector of delivered counts with its own entry
//! set to the sequence number (causal), and, once the sequencer has numbered it, a
//! global sequence number (total). A protocol that ignores a field simply does not look.
//!
//! All three order monitors watch every protocol. Each protocol promises some orders;
//! the monitors of those must never fire within its assumptions (reliable links: a
//! dropped message stalls the sender's later ones), and the others can and do, which is
//! what the scenarios show. A message held back longer than `patience` ticks, or at all
//! once nothing is left to happen, is reported by the `delivery` invariant with the
//! reason it waits (the sequence number or the vector entry it needs).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{multicast_id, multicast_origin, ByMarks, CausalOrder, FifoOrder, Monitor, TotalOrder};
use crate::sim::protocol::*;
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::view::{Cell, CellRow, NodeView, Tone};
use crate::sim::{NetworkConfig, NodeId, ParamSpec, Time};
use crate::words::{nodes, vector as vector_text, Text, Words};

/// The node that numbers multicasts in the sequenced orderings.
pub const SEQUENCER: NodeId = 0;

/// How many delivered messages each member keeps for its picture (the monitors keep
/// their own bounded state; a long run must not grow the nodes).
const DELIVERY_LOG: usize = 12;

/// The members multicast on a click, on a scenario's input, or from the shared workload.
const MULTICAST: InputSpec = InputSpec::plain("multicast");
const WORKLOAD: WorkloadSpec = WorkloadSpec { input: "multicast", every_param: "every", hold_param: None };

/// The family's parameters: the workload's pace, how many multicasts each member makes
/// (so a run comes to rest and the whole diagram can be read), and the stall patience.
fn params() -> Vec<ParamSpec> {
    vec![ParamSpec::int("every", 0, 100_000, 400).short("every", "间隔"), ParamSpec::int("count", 0, 1_000, 2).short("count", "组播数"), ParamSpec::int("patience", 1, 1_000_000, 3_000).short("patience", "耐心")]
}

/// One ordering: when a member may deliver a message it holds.
pub trait Order: Sized + Send + Sync + 'static {
    /// The protocol's id in links and the registry.
    const ID: &'static str;
    /// Its name, summary, scenario texts and what each order monitor means for it.
    const WORDS: Words;
    /// The order it keeps, then the orders it does not, each shown breaking.
    const SCENARIOS: &'static [ReadyScenario];
    /// Multicasts go to the sequencer first, which numbers them and sends them on.
    const SEQUENCED: bool;
    /// The order monitors whose property this protocol promises.
    const PROMISES: &'static [&'static str];
    /// May `member` deliver `d` now? If not, what it waits for.
    fn ready(member: &Member, d: &Data) -> Result<(), Wait>;
    /// May the sequencer number `d` now, given how many of each origin's multicasts it
    /// has numbered? (The hybrid numbers in FIFO and causal order; plain total order
    /// numbers in arrival order.)
    fn numberable(_numbered_prefix: &[u64], _d: &Data) -> Result<(), Wait> {
        Ok(())
    }
}

/// A multicast as it travels.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Data {
    pub origin: NodeId,
    /// The origin's count of its own multicasts, this one included (from 1).
    pub seq: u64,
    /// The origin's delivered counts when it sent, with its own entry set to `seq`.
    pub vector: Vec<u64>,
    /// The sequencer's number (from 1), once it has one.
    pub global: Option<u64>,
}

impl Data {
    pub fn id(&self) -> u64 {
        multicast_id(self.origin, self.seq)
    }
    fn name(&self) -> String {
        format!("m{}.{}", self.origin, self.seq)
    }
}

/// Why a held message cannot be delivered yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The origin's earlier multicast `m{origin}.{seq}` has not been delivered.
    Fifo { origin: NodeId, seq: u64 },
    /// Entry `k` of the message's vector says it depends on more of k's multicasts than
    /// have been delivered here.
    Causal { k: NodeId, need: u64, have: u64 },
    /// The sequencer has not numbered it yet (or its number has not arrived).
    Unnumbered,
    /// Global number `want` must be delivered first.
    Global { want: u64 },
}

impl Wait {
    fn text(&self) -> Text {
        match *self {
            Wait::Fifo { origin, seq } => phrase!("wait.fifo", format!("m{origin}.{seq}")),
            Wait::Causal { k, need, have } => phrase!("wait.causal", format!("m{k}.{need}"), k, need, have),
            Wait::Unnumbered => Text::key("wait.unnumbered"),
            Wait::Global { want } => phrase!("wait.global", want),
        }
    }
}

/// A message in a hold-back queue, and since when.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Held {
    pub data: Data,
    pub since: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    /// Multicasts this member has made.
    pub sent: u64,
    /// Multicasts it may still make (`count`; unlimited when 0).
    pub left: u64,
    /// Entry j: how many of j's multicasts this member has delivered.
    pub delivered_from: Vec<u64>,
    /// The next global number to deliver (sequenced orderings), from 1.
    pub next_global: u64,
    /// Received (or, sequenced, sent) but not yet delivered, in arrival order.
    pub holdback: Vec<Held>,
    /// The last few multicasts delivered, oldest first.
    pub recent: Vec<u64>,
    pub delivered: u64,
    /// Ticks delivered messages spent held back, and how many were held at all.
    pub held_ticks: u64,
    pub held_count: u64,
    /// The sequencer's own book: numbers handed out, each origin's multicasts numbered,
    /// and submissions it may not number yet.
    pub numbered: u64,
    pub numbered_from: Vec<Seen>,
    pub unnumbered: Vec<Held>,
}

/// Which of one origin's sequence numbers have been taken in: a contiguous prefix plus
/// the few above it that came early, so memory stays bounded by the reordering.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Seen {
    pub prefix: u64,
    above: Vec<u64>,
}

impl Seen {
    pub fn contains(&self, seq: u64) -> bool {
        seq <= self.prefix || self.above.contains(&seq)
    }
    /// Take `seq` in; false if it was already.
    pub fn insert(&mut self, seq: u64) -> bool {
        if self.contains(seq) {
            return false;
        }
        self.above.push(seq);
        while let Some(i) = self.above.iter().position(|&x| x == self.prefix + 1) {
            self.above.swap_remove(i);
            self.prefix += 1;
        }
        true
    }
}

/// FIFO: the origin's next sequence number.
pub fn fifo_ready(delivered_from: &[u64], d: &Data) -> Result<(), Wait> {
    let next = delivered_from[d.origin] + 1;
    if d.seq == next {
        Ok(())
    } else {
        Err(Wait::Fifo { origin: d.origin, seq: next })
    }
}

/// Causal (Birman-Schiper-Stephenson): the origin's next, and nothing the origin had
/// delivered when it sent that has not been delivered here.
pub fn causal_ready(delivered_from: &[u64], d: &Data) -> Result<(), Wait> {
    fifo_ready(delivered_from, d)?;
    match (0..d.vector.len()).find(|&k| k != d.origin && d.vector[k] > delivered_from[k]) {
        Some(k) => Err(Wait::Causal { k, need: d.vector[k], have: delivered_from[k] }),
        None => Ok(()),
    }
}

/// Total: the next global number.
pub fn global_ready(next_global: u64, d: &Data) -> Result<(), Wait> {
    match d.global {
        None => Err(Wait::Unnumbered),
        Some(g) if g == next_global => Ok(()),
        Some(_) => Err(Wait::Global { want: next_global }),
    }
}

impl Member {
    /// What this member has delivered, per origin: its causal vector.
    pub fn vector(&self) -> &[u64] {
        &self.delivered_from
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// From the origin to every other member (FIFO, causal).
    Data(Data),
    /// From the origin to the sequencer.
    Submit(Data),
    /// From the sequencer to every other member, numbered.
    Ordered(Data),
}

/// The machinery, for one ordering.
pub struct Multicast<O: Order> {
    n: usize,
    patience: Time,
    count: u64,
    order: PhantomData<O>,
}

/// Counted as the run goes: multicasts made, messages they cost.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    multicasts: u64,
    messages: u64,
}

impl<O: Order> Multicast<O> {
    fn multicast(&self, me: NodeId, s: &mut Member, ctx: &mut Ctx<Self>) {
        s.sent += 1;
        if self.count > 0 {
            s.left = s.left.saturating_sub(1);
        }
        let mut vector = s.delivered_from.clone();
        vector[me] = s.sent;
        let d = Data { origin: me, seq: s.sent, vector, global: None };
        ctx.mark_with("multicast", d.id());
        ctx.note(phrase!("note.multicast", d.name()));
        if !O::SEQUENCED {
            // The sender is a member too: it delivers its own multicast at once.
            self.deliver(me, s, d.clone(), ctx);
            ctx.broadcast(Msg::Data(d));
        } else if me == SEQUENCER {
            self.hold(s, d.clone(), ctx.now());
            self.submit(me, s, d, ctx);
        } else {
            // The sender waits for its own message's number like everyone else.
            self.hold(s, d.clone(), ctx.now());
            ctx.send(SEQUENCER, Msg::Submit(d));
        }
    }

    fn hold(&self, s: &mut Member, d: Data, now: Time) {
        match s.holdback.iter_mut().find(|h| h.data.id() == d.id()) {
            // The numbered copy of a message already held (the sender's own).
            Some(h) => h.data.global = h.data.global.or(d.global),
            None => s.holdback.push(Held { data: d, since: now }),
        }
    }

    /// The sequencer takes a submission: number it (and any it unblocks) if the order
    /// allows, else keep it aside.
    fn submit(&self, me: NodeId, s: &mut Member, d: Data, ctx: &mut Ctx<Self>) {
        if s.numbered_from[d.origin].contains(d.seq) || s.unnumbered.iter().any(|h| h.data.id() == d.id()) {
            ctx.note(phrase!("note.duplicate", d.name()));
            return;
        }
        s.unnumbered.push(Held { data: d, since: ctx.now() });
        let mut numbered_any = false;
        loop {
            let prefix = prefix_of(s);
            let Some(i) = s.unnumbered.iter().position(|h| O::numberable(&prefix, &h.data).is_ok()) else { break };
            let mut d = s.unnumbered.remove(i).data;
            s.numbered += 1;
            s.numbered_from[d.origin].insert(d.seq);
            d.global = Some(s.numbered);
            ctx.note(phrase!("note.numbers", d.name(), s.numbered));
            self.hold(s, d.clone(), ctx.now());
            ctx.broadcast(Msg::Ordered(d));
            numbered_any = true;
        }
        // Say why a submission waits (the hybrid's early ones).
        if let (false, Some(h)) = (numbered_any, s.unnumbered.last()) {
            if let Err(why) = O::numberable(&prefix_of(s), &h.data) {
                ctx.note(phrase!("note.unnumbered", h.data.name(), why.text()));
            }
        }
        self.drain(me, s, ctx);
    }

    fn deliver(&self, _me: NodeId, s: &mut Member, d: Data, ctx: &mut Ctx<Self>) {
        s.delivered_from[d.origin] = s.delivered_from[d.origin].max(d.seq);
        if let Some(g) = d.global {
            s.next_global = s.next_global.max(g + 1);
        }
        s.delivered += 1;
        s.recent.push(d.id());
        if s.recent.len() > DELIVERY_LOG {
            s.recent.remove(0);
        }
        ctx.mark_with("deliver", d.id());
    }

    /// Deliver every held message the order allows, until none is ready.
    fn drain(&self, me: NodeId, s: &mut Member, ctx: &mut Ctx<Self>) {
        while let Some(i) = s.holdback.iter().position(|h| O::ready(s, &h.data).is_ok()) {
            let held = s.holdback.remove(i);
            let waited = ctx.now() - held.since;
            if waited > 0 {
                s.held_ticks += waited;
                s.held_count += 1;
            }
            ctx.note(phrase!("note.delivers", held.data.name()));
            self.deliver(me, s, held.data, ctx);
        }
        if let Some(h) = s.holdback.first() {
            if let Err(why) = O::ready(s, &h.data) {
                ctx.note(phrase!("note.holds", h.data.name(), why.text()));
            }
        }
    }
}

/// The sequencer's book: how many of each origin's multicasts it has numbered, in a row.
fn prefix_of(s: &Member) -> Vec<u64> {
    s.numbered_from.iter().map(|x| x.prefix).collect()
}

/// Lost in a partition or dropped: a stalled message's reason names what it waits for.
fn stalled(s: &Member, now: Time, patience: Time, ready: impl Fn(&Member, &Data) -> Result<(), Wait>) -> Option<(Time, Text)> {
    let h = s.holdback.iter().min_by_key(|h| h.since)?;
    let waited = now.saturating_sub(h.since);
    let why = ready(s, &h.data).err().map_or(Text::empty(), |w| w.text());
    (waited >= patience).then(|| (waited, phrase!("held_why", h.data.name(), why)))
}

impl Observe for Stats {
    fn observe(&mut self, e: &Event, log: &Trace) {
        if let EventKind::Send { msg } = e.kind {
            let m = log.message(msg);
            if m.from != m.to {
                self.messages += 1;
            }
        }
        if e.node.is_some() {
            self.multicasts += log.marks_of(e.id).filter(|m| m.tag == "multicast").count() as u64;
        }
    }
}

impl<O: Order> Protocol for Multicast<O> {
    type State = Member;
    type Msg = Msg;
    type Timer = NoTimer;
    type Stats = Stats;

    /// Every ordered multicast runs on the same stage: a complete graph whose links
    /// reorder, so that each protocol's hold-back queue has something to do.
    fn info() -> ProtocolInfo {
        ProtocolInfo::new(O::ID, &super::FAMILY, (2, 12, 3))
            .network(NetworkConfig { delay_min: 40, delay_max: 200, fifo: false, ..NetworkConfig::default() })
            .params(params())
            .inputs(&[MULTICAST])
            .workload(WORKLOAD)
            .scenarios(O::SCENARIOS)
            .show(Show { diagram_first: true, vectors_up_to: 6, diagram: super::CONVERSE_PAIR })
            .words(O::WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Multicast { n: setup.n, patience: setup.params.int("patience") as Time, count: setup.params.int("count") as u64, order: PhantomData })
    }

    fn init(&self, _me: NodeId, _ctx: &mut Ctx<Self>) -> Member {
        Member {
            sent: 0,
            left: if self.count == 0 { u64::MAX } else { self.count },
            delivered_from: vec![0; self.n],
            next_global: 1,
            holdback: Vec::new(),
            recent: Vec::new(),
            delivered: 0,
            held_ticks: 0,
            held_count: 0,
            numbered: 0,
            numbered_from: vec![Seen::default(); self.n],
            unnumbered: Vec::new(),
        }
    }

    fn on_message(&self, me: NodeId, s: &mut Member, _from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        match m {
            Msg::Submit(d) => self.submit(me, s, d, ctx),
            Msg::Data(d) | Msg::Ordered(d) => {
                // A duplicate of something already delivered or held is ignored.
                let stale = if O::SEQUENCED { d.global.is_some_and(|g| g < s.next_global) } else { d.seq <= s.delivered_from[d.origin] };
                if stale {
                    ctx.note(phrase!("note.duplicate", d.name()));
                    return;
                }
                self.hold(s, d, ctx.now());
                self.drain(me, s, ctx);
            }
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Member, i: &Input, ctx: &mut Ctx<Self>) {
        if i.id == MULTICAST.id && s.left > 0 {
            self.multicast(me, s, ctx);
        }
    }

    /// A member that comes back has lost its queues; it starts afresh but keeps its
    /// sequence number (a new incarnation reusing numbers would confuse everyone).
    fn on_recover(&self, me: NodeId, old: &Member, ctx: &mut Ctx<Self>) -> Member {
        let mut s = self.init(me, ctx);
        s.sent = old.sent;
        s.left = old.left;
        s
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Data(d) => MsgLabel::new("data", d.name()),
            Msg::Submit(d) => MsgLabel::new("submit", d.name()),
            Msg::Ordered(d) => MsgLabel::new("ordered", format!("{} #{}", d.name(), d.global.unwrap_or(0))),
        }
    }


    fn view(&self, me: NodeId, s: &Member) -> NodeView {
        let sequencer = O::SEQUENCED && me == SEQUENCER;
        let (role, tone) = match (sequencer, s.holdback.is_empty()) {
            (true, _) => ("sequencer", Tone::Leader),
            (false, false) => ("holding", Tone::Waiting),
            (false, true) => ("member", Tone::Idle),
        };
        let badge = if O::SEQUENCED { phrase!("badge.next_global", s.next_global) } else { Text::plain(vector_text(&s.delivered_from.iter().map(|&x| x as u32).collect::<Vec<_>>())) };
        let held: Vec<Cell> = s.holdback.iter().map(|h| Cell { text: h.data.name(), shade: h.data.origin as u32 }).collect();
        let log: Vec<Cell> = s.recent.iter().map(|&id| {
            let (origin, seq) = multicast_origin(id);
            Cell { text: format!("m{origin}.{seq}"), shade: origin as u32 }
        }).collect();
        let mut reasons = Text::empty();
        for h in &s.holdback {
            if let Err(why) = O::ready(s, &h.data) {
                let one = phrase!("held_why", h.data.name(), why.text());
                reasons = if reasons.is_empty() { one } else { phrase!("list", reasons, one) };
            }
        }
        if sequencer {
            // Submissions the sequencer may not number yet (the hybrid's early ones).
            let prefix = prefix_of(s);
            for h in &s.unnumbered {
                if let Err(why) = O::numberable(&prefix, &h.data) {
                    let one = phrase!("unnumbered_why", h.data.name(), why.text());
                    reasons = if reasons.is_empty() { one } else { phrase!("list", reasons, one) };
                }
            }
        }
        let mut v = NodeView::new(role, tone)
            .badge(badge)
            .row(CellRow { label: "holdback", cells: held, marked_upto: None })
            .row(CellRow { label: "delivered", cells: log, marked_upto: None })
            .detail("sent", s.sent)
            .detail("delivered_count", s.delivered)
            .detail("waiting", if reasons.is_empty() { Text::plain("-") } else { reasons });
        if O::SEQUENCED {
            v = v.detail("next_global", s.next_global);
            if sequencer {
                let unnumbered: Vec<Cell> = s.unnumbered.iter().map(|h| Cell { text: h.data.name(), shade: h.data.origin as u32 }).collect();
                v = v.detail("numbered", s.numbered).row(CellRow { label: "unnumbered", cells: unnumbered, marked_upto: None });
            }
        } else {
            v = v.detail("vector", vector_text(&s.delivered_from.iter().map(|&x| x as u32).collect::<Vec<_>>()));
        }
        v
    }

    /// A member stops at `count` multicasts (clicks included), so a run comes to rest
    /// and its whole diagram can be read; `count=0` lifts the limit.
    fn inputs_for(&self, _me: NodeId, s: &Member) -> Vec<InputSpec> {
        if s.left > 0 {
            vec![MULTICAST]
        } else {
            vec![]
        }
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant {
            id: "delivery",
            check: |p, snap| {
                let stuck: Vec<(NodeId, Time, Text)> = (0..snap.states.len())
                    .filter(|&i| snap.up[i])
                    .filter_map(|i| {
                        let patience = if snap.quiescent { 0 } else { p.patience };
                        stalled(&snap.states[i], snap.now, patience, O::ready).map(|(t, why)| (i, t, why))
                    })
                    .collect();
                let Some((first, waited, why)) = stuck.first().cloned() else { return Ok(()) };
                let who: Vec<NodeId> = stuck.iter().map(|s| s.0).collect();
                Err(Breach { detail: phrase!("breach.held", nodes(&who), first, waited, why), nodes: who })
            },
        }]
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![ByMarks::boxed(FifoOrder::default()), Box::new(CausalOrder::new(self.n)), Box::new(TotalOrder::new(self.n))]
    }

    /// The order monitors this ordering does not promise are there to be seen firing.
    fn promises(&self, id: &str) -> bool {
        !["fifo", "causal", "total"].contains(&id) || O::PROMISES.contains(&id)
    }

    fn metrics(&self, stats: &Stats, run: &RunView<Self>) -> Vec<Metric> {
        let n = self.n as f64;
        let (ticks, held) = run.states.iter().fold((0, 0), |(t, c), s| (t + s.held_ticks, c + s.held_count));
        let delivered: u64 = run.states.iter().map(|s| s.delivered).sum();
        let per = if O::SEQUENCED {
            (Textbook::Range(n - 1.0, n), Text::key("formula.sequenced"))
        } else {
            (Textbook::Exact(n - 1.0), Text::plain("N-1"))
        };
        vec![
            Metric { id: "messages_per_multicast", measured: (stats.multicasts > 0).then(|| stats.messages as f64 / stats.multicasts as f64), textbook: per.0, formula: per.1 },
            Metric { id: "multicasts", measured: Some(stats.multicasts as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
            Metric { id: "deliveries", measured: Some(delivered as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
            Metric { id: "held_back", measured: Some(held as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
            Metric { id: "hold_mean", measured: (held > 0).then(|| ticks as f64 / held as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.counted") },
        ]
    }
}

/// The promised orders, as a sorted list of monitor ids (for tests and the essay).
pub fn promised<O: Order>() -> BTreeMap<&'static str, bool> {
    ["fifo", "causal", "total"].into_iter().map(|id| (id, O::PROMISES.contains(&id))).collect()
}

/// What every ordering's tests check, written once.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::sim::kit;
    use crate::sim::{History, NetworkConfig};

    /// Over many seeds of random delays on links that reorder, the promised orders hold,
    /// nothing stays held back and everyone delivers everything; each order not promised
    /// is broken by some seed.
    pub fn promised_orders_hold_over_many_seeds<O: Order>() {
        let mut seen_broken: BTreeMap<&str, u32> = BTreeMap::new();
        for seed in 0..300u64 {
            let n = 2 + (seed % 5) as usize;
            let net = NetworkConfig { delay_min: 1, delay_max: 200, fifo: false, ..NetworkConfig::default() };
            let mut e = kit::engine_with::<Multicast<O>>(n, "every=60&count=3", seed, net);
            let mut steps = 0;
            while e.step() {
                steps += 1;
                assert!(steps < 100_000, "seed {seed}: the run does not come to rest");
            }
            for v in e.trace.violations() {
                *seen_broken.entry(v.invariant).or_default() += 1;
                assert!(!O::PROMISES.contains(&v.invariant) && v.invariant != "delivery", "seed {seed}: {} broke: {}", v.invariant, v.detail.en(&[]));
            }
            let total = (n * 3) as u64;
            for (i, s) in e.world.states.iter().enumerate() {
                assert_eq!(s.delivered, total, "seed {seed}: node {i} delivered {} of {total}", s.delivered);
                assert!(s.holdback.is_empty() && s.unnumbered.is_empty());
            }
        }
        for id in ["fifo", "causal", "total"] {
            if !O::PROMISES.contains(&id) {
                assert!(seen_broken.contains_key(id), "{id} is not promised, yet no seed broke it: {seen_broken:?}");
            }
        }
    }

    /// The properties the run broke, each once, in order.
    pub fn broken(h: &History) -> Vec<&'static str> {
        let mut ids: Vec<&'static str> = h.sim().trace().violations().iter().map(|v| v.invariant).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Whether `node` held some message back (see [`held_back_by`]).
    pub fn held_at_some_point(h: &History, node: NodeId) -> bool {
        !held_back_by(h, node).is_empty()
    }

    /// The messages `node` held back for the order: delivered in a later event than the
    /// one that brought them (as data, or numbered from the sequencer), by name, in order
    /// of delivery. A sender's wait for its own message's number is not counted (in the
    /// sequenced orders every sender waits so), which is where this differs from the
    /// `held_back` metric, a count over all nodes.
    pub fn held_back_by(h: &History, node: NodeId) -> Vec<String> {
        let t = h.sim().trace();
        let name_of = |id: u64| {
            let (origin, seq) = multicast_origin(id);
            format!("m{origin}.{seq}")
        };
        // Each message's first event at the node, as a position on the node's line.
        let mut reached: BTreeMap<String, usize> = BTreeMap::new();
        let mut held = Vec::new();
        for (at, e) in t.node_events(node).enumerate() {
            let arrived = match e.kind {
                EventKind::Receive { msg } if matches!(t.message(msg).kind, "data" | "ordered") => {
                    // "m0.2", or "m0.2 #3" once numbered.
                    t.message(msg).text.split(' ').next().map(str::to_string)
                }
                _ => None,
            };
            if let Some(name) = arrived {
                reached.entry(name).or_insert(at);
            }
            for m in t.marks_of(e.id).filter(|m| m.tag == "deliver") {
                let name = name_of(m.key);
                if reached.get(&name).is_some_and(|&first| first < at) {
                    held.push(name);
                }
            }
        }
        held
    }

    /// The helper names the node that waited, not any node.
    #[test]
    fn held_back_names_the_node_that_waited() {
        use crate::protocols::clocks::*;
        let by = |h: &History| (0..h.sim().node_views().len()).map(|n| held_back_by(h, n)).collect::<Vec<_>>();
        // m0.2 overtakes m0.1 on its way to nodes 1 and 2; the sender delivers its own at once.
        assert_eq!(by(&kit::ready::<Multicast<multicast_fifo::Fifo>>("holdback")), [vec![], vec!["m0.2"], vec!["m0.2"]]);
        // Node 2 gets node 1's answer before node 0's question (its link from 0 is slow).
        assert_eq!(by(&kit::ready::<Multicast<multicast_causal::Causal>>("holdback")), [vec![], vec![], vec!["m1.1"]]);
        // Node 2 gets its own m2.1 numbered #3 before #2; every sender's wait for its own
        // number is not counted (the sequencer, node 0, delivers as it numbers).
        assert_eq!(by(&kit::ready::<Multicast<multicast_total::Total>>("sequenced")), [vec![], vec![], vec!["m2.1"], vec![]]);
        assert_eq!(by(&kit::ready::<Multicast<multicast_hybrid::Hybrid>>("causal-kept")), [vec![], vec![], vec!["m1.1"]]);
    }
}
