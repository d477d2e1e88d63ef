//! # Heartbeats and failure detectors: a fixed timeout against accrual (φ) detection
//!
//! How does a node find out that another has crashed? In an asynchronous network it never
//! can for certain: a crashed node and a slow one (a congested link, a long pause) look the
//! same from outside, since both are silent. The standard answer is the heartbeat. Every
//! monitored node (on the rim, n1 to nN-1) sends a `heartbeat` to the monitor (n0, in the
//! centre) every `period` ticks, each numbered with its incarnation and a sequence number.
//! The monitor never knows who has crashed; it *suspects*, and two detectors run side by
//! side on the very same arrivals, so one run compares them:
//!
//! - **A fixed timeout** (Coulouris et al.'s unreliable failure detector). Each arrival
//!   from node k restarts a countdown of `timeout` ticks (T), drawn as a ring around k. If
//!   it runs out, the detector suspects k. Simple and fast, but blind to the network: a
//!   link whose delays sometimes exceed T produces a false suspicion at every such gap.
//! - **An accrual detector** (Hayashibara, Défago, Yared and Katayama, "The φ accrual
//!   failure detector", SRDS 2004). It keeps the last `window` inter-arrival times of k
//!   and, at any moment, a *suspicion level* φ = −log10 P(a gap at least this long), with
//!   the gaps taken as normal with the window's mean and standard deviation. φ grows with
//!   the silence since the last heartbeat, faster on a steady link and slower on a link
//!   that is known to be jumpy. The detector suspects k when φ reaches the threshold Φ
//!   (`phi`): for normal gaps, Φ = 8 means about one mistake in 10^8 gaps. A slow link
//!   that once fooled it is part of its history afterwards, and stops fooling it.
//!
//! φ is monotone in the time since the last heartbeat, so the detector needs no polling:
//! at each arrival the monitor computes the instant φ will reach Φ and arms a timer for
//! it (the chart's lines cross the dashed threshold exactly when that timer fires).
//!
//! **Bounded retries.** A suspicion is not yet a verdict. The detector that suspects k
//! pings it (`ping`, marked T or φ) and waits `timeout` ticks for a `pong`, up to `retries`
//! times (K); only when every ping goes unanswered does it declare k dead. A heartbeat or
//! a pong clears that detector's suspicion at once, and a node declared dead that is heard
//! from again is taken back (the mistake stays counted). With K = 0 a suspicion is a death.
//! After a real crash at time c, the last heartbeat was sent in (c − P, c] and arrives
//! after one transit d, so the timeout declares the death (K+1)·T after that arrival:
//! between (K+1)·T − P and (K+1)·T + d after the crash.
//!
//! **What is checked.** Completeness: every crashed node is eventually declared dead by
//! both detectors while the monitor lives (a progress monitor, with a patience of ten
//! times the longest the timeout can take). Accuracy: a live node is never declared dead;
//! it cannot be promised by any detector on an asynchronous network, so it is watched to
//! be seen breaking, each breach counted. Metrics: the detection time of each detector
//! after a real crash, false suspicions and false deaths of each, pings sent.
//!
//! **Integers only.** Every quantity that feeds a decision is an integer: gaps in ticks,
//! their sums, the mean and deviation in thousandths of a tick (an integer square root),
//! φ in thousandths (`milli-φ`) from a table of −log10 of the normal tail at steps of a
//! quarter of a standard deviation, linearly interpolated. The run is the same bit for bit
//! on every platform. The window starts with one assumed gap of one period, the deviation
//! never goes below a tenth of the period (perfectly regular arrivals would otherwise make
//! the smallest delay a certain death), and a monitor (re)starting expects each node's
//! first heartbeat within one period.
//!
//! Messages: `heartbeat` (inc.seq), `ping` and `pong` (detector and attempt). Timers:
//! `beat` (a node's period), `timeout` (the fixed detector's countdown on a node, drawn
//! around that node), `alarm` (the instant φ reaches Φ), `retry` (waiting for a pong; the
//! fixed detector's is drawn too).

use std::collections::VecDeque;

use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::monitor::{Moment, Monitor};
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::{Event, EventKind, Trace};
use crate::sim::view::{Chart, ChartKind, Group, NodeView, Series, Table, Tone};
use crate::sim::{NodeId, ParamSpec, Time};
use crate::words::{w, Text, Words};

/// The node that watches all the others.
pub const MONITOR: NodeId = 0;

/// −log10 of the standard normal tail Q(y), in thousandths, for y = −4, −3.75, …, 10.
const PHI_TABLE: [u32; 57] = [
    0, 0, 0, 0, 1, 1, 3, 5, 10, 18, 30, 48, 75, 112, 160, 223, 301, 397, 511, 645, 800, 976, 1175, 1397, 1643, 1913, 2207, 2526, 2870, 3239, 3633, 4053, 4499, 4971, 5469, 5993, 6543, 7119, 7721, 8350, 9006, 9688, 10396, 11131, 11893, 12681, 13496, 14338, 15206, 16101, 17023, 17972, 18947, 19950, 20979, 22035, 23118,
];
/// The table's first y and its step, in thousandths.
const TABLE_FROM: i64 = -4_000;
const TABLE_STEP: i64 = 250;
/// The largest φ ever reported, in thousandths (far beyond any threshold).
const PHI_MAX: u32 = 999_999;

/// φ in thousandths for a normalised gap y (in thousandths of a standard deviation):
/// interpolated in the table, extrapolated along its last step beyond y = 10 (φ > 23,
/// above any threshold accepted), 0 below y = −4. Non-decreasing in y.
pub fn phi_of_y(y_milli: i64) -> u32 {
    let last = PHI_TABLE.len() - 1;
    if y_milli <= TABLE_FROM {
        return PHI_TABLE[0];
    }
    let at = y_milli - TABLE_FROM;
    let i = (at / TABLE_STEP) as usize;
    let (i, frac) = if i >= last { (last - 1, at - (last as i64 - 1) * TABLE_STEP) } else { (i, at % TABLE_STEP) };
    let (a, b) = (PHI_TABLE[i] as i64, PHI_TABLE[i + 1] as i64);
    (a + (b - a) * frac / TABLE_STEP).clamp(0, PHI_MAX as i64) as u32
}

/// φ in thousandths after `elapsed` ticks of silence, for gaps of this mean and deviation
/// (both in thousandths of a tick).
pub fn phi_milli(elapsed: Time, mean_milli: u64, dev_milli: u64) -> u32 {
    let y = (elapsed as i128 * 1_000 - mean_milli as i128) * 1_000 / dev_milli.max(1) as i128;
    phi_of_y(y.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

/// One node's heartbeats as the monitor saw them: the instant φ counts from (the last
/// heartbeat, or a pong since, or when the first one is expected) and a bounded window of
/// the gaps between heartbeats, with their running sums.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arrivals {
    /// The last heartbeat's arrival; None before the first.
    pub last: Option<Time>,
    /// φ counts the silence from here.
    pub since: Time,
    gaps: VecDeque<Time>,
    sum: u64,
    squares: u128,
}

impl Arrivals {
    /// Nothing heard yet: the first heartbeat is expected at `expected`, and the window
    /// holds one assumed gap of `period`.
    pub fn new(expected: Time, period: Time) -> Arrivals {
        let mut a = Arrivals { last: None, since: expected, gaps: VecDeque::new(), sum: 0, squares: 0 };
        a.push(period, 1);
        a
    }

    fn push(&mut self, gap: Time, window: usize) {
        self.gaps.push_back(gap);
        self.sum += gap;
        self.squares += (gap as u128) * (gap as u128);
        while self.gaps.len() > window {
            let old = self.gaps.pop_front().expect("a gap to drop");
            self.sum -= old;
            self.squares -= (old as u128) * (old as u128);
        }
    }

    /// A heartbeat arrives at `now`: its gap from the last one joins the window (the
    /// first heartbeat only sets the clock).
    pub fn record(&mut self, now: Time, window: usize) {
        if let Some(last) = self.last {
            self.push(now.saturating_sub(last), window);
        }
        self.last = Some(now);
        self.since = now;
    }

    /// The gaps in the window, oldest first.
    pub fn gaps(&self) -> impl Iterator<Item = Time> + '_ {
        self.gaps.iter().copied()
    }

    /// Mean gap, in thousandths of a tick.
    pub fn mean_milli(&self) -> u64 {
        self.sum * 1_000 / self.gaps.len().max(1) as u64
    }

    /// Standard deviation of the gaps, in thousandths of a tick, at least `floor_milli`.
    pub fn deviation_milli(&self, floor_milli: u64) -> u64 {
        let n = self.gaps.len().max(1) as u128;
        let spread = (n * self.squares).saturating_sub(self.sum as u128 * self.sum as u128);
        let var = spread * 1_000_000 / (n * n);
        (var.isqrt() as u64).max(floor_milli).max(1)
    }

    /// φ in thousandths after `elapsed` ticks of silence.
    pub fn phi_after(&self, elapsed: Time, floor_milli: u64) -> u32 {
        phi_milli(elapsed, self.mean_milli(), self.deviation_milli(floor_milli))
    }

    /// φ in thousandths at `now`.
    pub fn phi_at(&self, now: Time, floor_milli: u64) -> u32 {
        self.phi_after(now.saturating_sub(self.since), floor_milli)
    }

    /// The fewest ticks of silence after which φ reaches `threshold_milli`.
    pub fn silence_to(&self, threshold_milli: u32, floor_milli: u64) -> Time {
        let reaches = |e: Time| self.phi_after(e, floor_milli) >= threshold_milli;
        let mut hi: Time = self.mean_milli() / 1_000 + 1;
        while !reaches(hi) && hi < (1 << 40) {
            hi *= 2;
        }
        let mut lo: Time = 0;
        if reaches(lo) {
            return 0;
        }
        // reaches(hi) and not reaches(lo): halve the interval.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if reaches(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    }
}

/// One of the two detectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detector {
    /// The fixed timeout.
    Timeout,
    /// The φ accrual detector.
    Accrual,
}

pub const DETECTORS: [Detector; 2] = [Detector::Timeout, Detector::Accrual];

impl Detector {
    fn index(self) -> usize {
        self as usize
    }
    /// Short, language-neutral: "T" or "φ".
    pub fn sign(self) -> &'static str {
        match self {
            Detector::Timeout => "T",
            Detector::Accrual => "φ",
        }
    }
    fn mark(self, what: Milestone) -> &'static str {
        match (self, what) {
            (Detector::Timeout, Milestone::Suspect) => "suspect_t",
            (Detector::Accrual, Milestone::Suspect) => "suspect_phi",
            (Detector::Timeout, Milestone::Dead) => "dead_t",
            (Detector::Accrual, Milestone::Dead) => "dead_phi",
            (Detector::Timeout, Milestone::Trust) => "trust_t",
            (Detector::Accrual, Milestone::Trust) => "trust_phi",
        }
    }
    fn word(self) -> Text {
        Text::Id("detector", self.sign_id())
    }
    fn sign_id(self) -> &'static str {
        match self {
            Detector::Timeout => "timeout",
            Detector::Accrual => "accrual",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Milestone {
    Suspect,
    Dead,
    Trust,
}

/// Which detector and milestone a mark names (`suspect_t`, `dead_phi`...).
fn read_mark(tag: &str) -> Option<(Detector, Milestone)> {
    DETECTORS.into_iter().flat_map(|d| [Milestone::Suspect, Milestone::Dead, Milestone::Trust].map(|m| (d, m))).find(|&(d, m)| d.mark(m) == tag)
}

/// What one detector thinks of one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Alive,
    /// Suspected; `pings` sent so far.
    Suspected { pings: u32 },
    Dead,
}

/// The monitor's record of one watched node.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Watch {
    pub arrivals: Arrivals,
    /// (incarnation, sequence number) of the newest heartbeat counted.
    pub newest: (u32, u64),
    /// By detector: [fixed timeout, accrual].
    pub verdict: [Verdict; 2],
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    /// Watched side: lives so far (a recovery starts a new one) and heartbeats sent in it.
    pub incarnation: u32,
    pub seq: u64,
    pub pongs: u64,
    /// Monitor side: one record per watched node (index k-1 for node k); empty elsewhere.
    pub watches: Vec<Watch>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Heartbeat { incarnation: u32, seq: u64 },
    Ping { by: Detector, attempt: u32 },
    Pong { by: Detector, attempt: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// A watched node's next heartbeat.
    Beat,
    /// The fixed detector's countdown on a node.
    Timeout(NodeId),
    /// The instant φ of a node reaches the threshold.
    Alarm(NodeId),
    /// Waiting for a node's pong to a detector's ping.
    Retry(NodeId, Detector),
}

pub struct Heartbeat {
    n: usize,
    period: Time,
    timeout: Time,
    /// Φ in thousandths.
    threshold: u32,
    window: usize,
    retries: u32,
}

/// How far back the φ chart looks, in periods.
const CHART_PERIODS: Time = 12;
/// Points per line across the φ chart.
const CHART_POINTS: u64 = 96;

impl Heartbeat {
    /// The deviation's floor, in thousandths of a tick: a tenth of the period.
    fn floor(&self) -> u64 {
        self.period * 100
    }

    fn fresh_watches(&self, now: Time) -> Vec<Watch> {
        let w = Watch { arrivals: Arrivals::new(now + self.period, self.period), newest: (0, 0), verdict: [Verdict::Alive; 2] };
        vec![w; self.n - 1]
    }

    /// The fixed countdown from now, and the φ alarm at the instant φ reaches Φ.
    fn arm(&self, k: NodeId, w: &Watch, which: &[Detector], ctx: &mut Ctx<Self>) {
        for &d in which {
            match d {
                Detector::Timeout => {
                    ctx.cancel_timer(Timer::Timeout(k));
                    let from = w.arrivals.since.max(ctx.now());
                    ctx.set_timer(from - ctx.now() + self.timeout, Timer::Timeout(k));
                }
                Detector::Accrual => {
                    ctx.cancel_timer(Timer::Alarm(k));
                    let at = w.arrivals.since + w.arrivals.silence_to(self.threshold, self.floor());
                    ctx.set_timer(at.saturating_sub(ctx.now()).max(1), Timer::Alarm(k));
                }
            }
        }
    }

    fn ping(&self, k: NodeId, d: Detector, attempt: u32, ctx: &mut Ctx<Self>) {
        ctx.send(k, Msg::Ping { by: d, attempt });
        ctx.set_timer(self.timeout, Timer::Retry(k, d));
    }

    fn suspect(&self, k: NodeId, w: &mut Watch, d: Detector, ctx: &mut Ctx<Self>) {
        ctx.mark_with(d.mark(Milestone::Suspect), k as u64);
        if self.retries == 0 {
            self.declare(k, w, d, ctx);
            return;
        }
        w.verdict[d.index()] = Verdict::Suspected { pings: 1 };
        ctx.note(phrase!("note.suspects", k, d.word(), self.retries));
        self.ping(k, d, 1, ctx);
    }

    fn declare(&self, k: NodeId, w: &mut Watch, d: Detector, ctx: &mut Ctx<Self>) {
        w.verdict[d.index()] = Verdict::Dead;
        ctx.mark_with(d.mark(Milestone::Dead), k as u64);
        ctx.note(phrase!("note.declares", k, d.word(), self.retries));
    }

    /// Node k was heard from: `d`'s suspicion (or death sentence) is withdrawn.
    fn trust(&self, k: NodeId, w: &mut Watch, d: Detector, ctx: &mut Ctx<Self>) {
        let was = w.verdict[d.index()];
        if was == Verdict::Alive {
            return;
        }
        w.verdict[d.index()] = Verdict::Alive;
        ctx.cancel_timer(Timer::Retry(k, d));
        ctx.mark_with(d.mark(Milestone::Trust), k as u64);
        let key = if was == Verdict::Dead { "note.revives" } else { "note.withdraws" };
        ctx.note(phrase!(key, k, d.word()));
    }

    fn on_monitor(&self, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        let Some(w) = s.watches.get_mut(from.wrapping_sub(1)) else { return };
        match m {
            Msg::Heartbeat { incarnation, seq } => {
                if (incarnation, seq) <= w.newest {
                    ctx.note(phrase!("note.stale", from, format!("{incarnation}.{seq}")));
                    return;
                }
                if incarnation > w.newest.0 && w.arrivals.last.is_some() {
                    // A node back from a crash is a new node: the silence of its crash
                    // is no gap of its link, and its history starts afresh.
                    w.arrivals = Arrivals::new(ctx.now(), self.period);
                    ctx.mark_with("rejoin", from as u64);
                    ctx.note(phrase!("note.rejoins", from, incarnation));
                }
                w.newest = (incarnation, seq);
                w.arrivals.record(ctx.now(), self.window);
                ctx.mark_with("beat", from as u64);
                for d in DETECTORS {
                    self.trust(from, w, d, ctx);
                }
                self.arm(from, w, &DETECTORS, ctx);
            }
            Msg::Pong { by, .. } => {
                if w.verdict[by.index()] == Verdict::Alive {
                    return;
                }
                self.trust(from, w, by, ctx);
                if by == Detector::Accrual {
                    // φ counts the silence from the pong; the window keeps heartbeats only.
                    w.arrivals.since = ctx.now();
                }
                self.arm(from, w, &[by], ctx);
            }
            Msg::Ping { .. } => {}
        }
    }
}

// ---- what the run counts ---------------------------------------------------------------

/// One stretch of a node's φ curve: from `from`, φ counts the silence since `shape.0`
/// with the window's mean and deviation (thousandths) as they were then; no shape while
/// the monitor is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stretch {
    from: Time,
    shape: Option<(Time, u64, u64)>,
}

impl Stretch {
    /// φ at `t`, as a figure, at most `cap`.
    fn value(&self, t: Time, cap: f64) -> f64 {
        let Some((since, mean, dev)) = self.shape else { return 0.0 };
        (phi_milli(t.saturating_sub(since), mean, dev) as f64 / 1_000.0).min(cap)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Built on the first event, from the protocol's settings.
    ready: bool,
    /// The monitor's arrivals, followed from its `beat` and `trust_phi` marks.
    mirror: Vec<Arrivals>,
    /// Per node, the recent stretches of its φ curve (for the chart).
    curve: Vec<VecDeque<Stretch>>,
    /// Which nodes are really up (from crashes and recoveries).
    up: Vec<bool>,
    /// Per node and detector: declared dead now.
    dead: Vec<[bool; 2]>,
    /// Per node: when it crashed, while a detector has yet to declare it dead.
    crashed_at: Vec<Option<Time>>,
    pending: Vec<[bool; 2]>,
    pub detection: [Tally; 2],
    pub suspicions: [u64; 2],
    pub false_suspicions: [u64; 2],
    pub false_deaths: [u64; 2],
    pub pings: u64,
    /// The longest transit of a heartbeat so far.
    pub longest_transit: Time,
}

impl Heartbeat {
    fn stats_ready(&self, st: &mut Stats) {
        if st.ready {
            return;
        }
        st.ready = true;
        st.up = vec![true; self.n];
        st.dead = vec![[false; 2]; self.n];
        st.crashed_at = vec![None; self.n];
        st.pending = vec![[false; 2]; self.n];
        st.curve = vec![VecDeque::new(); self.n];
        self.monitor_starts(st, 0);
    }

    fn monitor_starts(&self, st: &mut Stats, now: Time) {
        st.mirror = (0..self.n).map(|_| Arrivals::new(now + self.period, self.period)).collect();
        st.dead = vec![[false; 2]; self.n];
        for k in 1..self.n {
            self.stretch(st, k, now);
        }
    }

    /// A new stretch of node k's curve from `now`.
    fn stretch(&self, st: &mut Stats, k: NodeId, now: Time) {
        let a = &st.mirror[k];
        let shape = Some((a.since, a.mean_milli(), a.deviation_milli(self.floor())));
        self.push_stretch(st, k, Stretch { from: now, shape }, now);
    }

    fn push_stretch(&self, st: &mut Stats, k: NodeId, s: Stretch, now: Time) {
        let curve = &mut st.curve[k];
        curve.push_back(s);
        // Keep the stretches the chart shows, and the one that covers its left edge.
        let horizon = now.saturating_sub(CHART_PERIODS * self.period);
        while curve.len() > 1 && curve[1].from <= horizon {
            curve.pop_front();
        }
        while curve.len() > 4 * CHART_POINTS as usize {
            curve.pop_front();
        }
    }

    fn observe_event(&self, st: &mut Stats, e: &Event, log: &Trace) {
        self.stats_ready(st);
        let Some(node) = e.node else { return };
        match e.kind {
            EventKind::Crash => {
                st.up[node] = false;
                if node == MONITOR {
                    st.crashed_at.iter_mut().for_each(|c| *c = None);
                    for k in 1..self.n {
                        self.push_stretch(st, k, Stretch { from: e.time, shape: None }, e.time);
                    }
                } else if st.up[MONITOR] {
                    st.crashed_at[node] = Some(e.time);
                    st.pending[node] = [!st.dead[node][0], !st.dead[node][1]];
                }
            }
            EventKind::Recover => {
                st.up[node] = true;
                if node == MONITOR {
                    self.monitor_starts(st, e.time);
                    for k in 1..self.n {
                        if !st.up[k] {
                            st.crashed_at[k] = Some(e.time);
                            st.pending[k] = [true, true];
                        }
                    }
                } else {
                    st.crashed_at[node] = None;
                }
            }
            EventKind::Send { msg } if log.message(msg).kind == "ping" => st.pings += 1,
            EventKind::Receive { msg } if node == MONITOR && log.message(msg).kind == "heartbeat" => {
                st.longest_transit = st.longest_transit.max(e.time.saturating_sub(log.message(msg).sent_at));
            }
            _ => {}
        }
        for m in log.marks_of(e.id) {
            let k = m.key as NodeId;
            if k >= self.n {
                continue;
            }
            if m.tag == "rejoin" {
                st.mirror[k] = Arrivals::new(e.time, self.period);
                continue;
            }
            if m.tag == "beat" {
                st.mirror[k].record(e.time, self.window);
                self.stretch(st, k, e.time);
                continue;
            }
            let Some((d, what)) = read_mark(m.tag) else { continue };
            let i = d.index();
            match what {
                Milestone::Suspect => {
                    st.suspicions[i] += 1;
                    if st.up[k] {
                        st.false_suspicions[i] += 1;
                    }
                }
                Milestone::Dead => {
                    st.dead[k][i] = true;
                    if st.up[k] {
                        st.false_deaths[i] += 1;
                    } else if let (Some(c), true) = (st.crashed_at[k], st.pending[k][i]) {
                        st.detection[i].add(e.time.saturating_sub(c) as f64);
                        st.pending[k][i] = false;
                    }
                }
                Milestone::Trust => {
                    st.dead[k][i] = false;
                    if d == Detector::Accrual && st.mirror[k].since < e.time {
                        st.mirror[k].since = e.time;
                        self.stretch(st, k, e.time);
                    }
                }
            }
        }
    }

    /// Node k's φ line over the chart's last `CHART_PERIODS` periods up to `now`, on a
    /// grid of `CHART_POINTS` and at each stretch's start (the value just before the
    /// heartbeat, then after it), capped at one and a half times the threshold.
    fn phi_line(&self, st: &Stats, k: NodeId, now: Time) -> Series {
        let mut line = Series::new(phrase!("series.node", k));
        let Some(curve) = st.curve.get(k).filter(|c| !c.is_empty()) else { return line };
        let cap = 1.5 * self.threshold as f64 / 1_000.0;
        let t0 = now.saturating_sub(CHART_PERIODS * self.period);
        let step = (CHART_PERIODS * self.period / CHART_POINTS).max(1);
        // Before the first stretch nothing is known: 0.
        let at = |i: usize, t: Time| if curve[i].from > t { 0.0 } else { curve[i].value(t, cap) };
        let (mut i, mut grid) = (0, t0);
        loop {
            let boundary = curve.get(i + 1).map(|s| s.from).filter(|&b| b <= now);
            match boundary {
                Some(b) if b <= grid => {
                    if b >= t0 {
                        line.push(b, at(i, b));
                    }
                    i += 1;
                    if b >= t0 {
                        line.push(b, at(i, b));
                    }
                }
                _ => {
                    line.push(grid, at(i, grid));
                    if grid >= now {
                        break;
                    }
                    grid = (grid + step).min(now);
                }
            }
        }
        line
    }
}

impl Observe for Stats {}

impl Protocol for Heartbeat {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("heartbeat", &super::FAMILY, (2, 16, 6))
            .on(&[TopologyKind::Star])
            .params(vec![
                ParamSpec::int("period", 10, 10_000, 100).short("period P", "心跳周期 P"),
                ParamSpec::int("timeout", 1, 100_000, 160).short("timeout T", "超时 T"),
                ParamSpec::int("phi", 1, 20, 8).short("φ threshold", "φ 阈值"),
                ParamSpec::int("window", 2, 200, 20).short("window", "窗口"),
                ParamSpec::int("retries", 0, 10, 2).short("retries K", "重试 K"),
            ])
            .scenarios(SCENARIOS)
            .faults(FAULTS)
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        if setup.topology.kind() != TopologyKind::Star {
            return Err("the monitor watches every node directly: use the star topology".into());
        }
        let p = &setup.params;
        let int = |name: &str, lo: i64, hi: i64| -> Result<i64, String> {
            let v = p.int(name);
            if (lo..=hi).contains(&v) {
                Ok(v)
            } else {
                Err(format!("{name} {v} is out of range; give {lo} to {hi}"))
            }
        };
        Ok(Heartbeat {
            n: setup.n,
            period: int("period", 10, 10_000)? as Time,
            timeout: int("timeout", 1, 100_000)? as Time,
            threshold: int("phi", 1, 20)? as u32 * 1_000,
            window: int("window", 2, 200)? as usize,
            retries: int("retries", 0, 10)? as u32,
        })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = Node { incarnation: 0, seq: 0, pongs: 0, watches: Vec::new() };
        if me == MONITOR {
            s.watches = self.fresh_watches(ctx.now());
            for k in 1..self.n {
                self.arm(k, &s.watches[k - 1], &DETECTORS, ctx);
            }
            ctx.note(phrase!("note.watches", self.n - 1, self.timeout, self.threshold / 1_000));
        } else {
            // Nodes start out of step, as real ones do: the first beat within a period.
            let first = ctx.random_between(1, self.period);
            ctx.set_timer(first, Timer::Beat);
        }
        s
    }

    /// The monitor comes back knowing nothing and watches afresh; a watched node starts a
    /// new incarnation, so its heartbeats are not taken for old copies.
    fn on_recover(&self, me: NodeId, old: &Node, ctx: &mut Ctx<Self>) -> Node {
        let mut s = self.init(me, ctx);
        s.incarnation = old.incarnation + 1;
        s
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        if me == MONITOR {
            self.on_monitor(s, from, m, ctx);
        } else if let Msg::Ping { by, attempt } = m {
            s.pongs += 1;
            ctx.send(from, Msg::Pong { by, attempt });
        }
    }

    fn on_timer(&self, me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        match t {
            Timer::Beat => {
                s.seq += 1;
                ctx.silent();
                ctx.send(MONITOR, Msg::Heartbeat { incarnation: s.incarnation, seq: s.seq });
                ctx.set_timer(self.period, Timer::Beat);
            }
            Timer::Timeout(k) | Timer::Alarm(k) if me == MONITOR => {
                let d = if matches!(t, Timer::Timeout(_)) { Detector::Timeout } else { Detector::Accrual };
                let Some(w) = s.watches.get_mut(k.wrapping_sub(1)) else { return };
                if w.verdict[d.index()] == Verdict::Alive {
                    self.suspect(k, w, d, ctx);
                }
            }
            Timer::Retry(k, d) if me == MONITOR => {
                let Some(w) = s.watches.get_mut(k.wrapping_sub(1)) else { return };
                if let Verdict::Suspected { pings } = w.verdict[d.index()] {
                    if pings < self.retries {
                        w.verdict[d.index()] = Verdict::Suspected { pings: pings + 1 };
                        ctx.note(phrase!("note.pings_again", k, d.word(), pings + 1, self.retries));
                        self.ping(k, d, pings + 1, ctx);
                    } else {
                        self.declare(k, w, d, ctx);
                    }
                }
            }
            _ => {}
        }
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        match m {
            Msg::Heartbeat { incarnation, seq } => MsgLabel::new("heartbeat", format!("#{incarnation}.{seq}")),
            Msg::Ping { by, attempt } => MsgLabel::new("ping", format!("{} {attempt}/{}", by.sign(), self.retries)),
            Msg::Pong { by, attempt } => MsgLabel::new("pong", format!("{} {attempt}", by.sign())),
        }
    }

    fn countdown(&self, t: &Timer) -> bool {
        matches!(t, Timer::Timeout(_) | Timer::Retry(_, Detector::Timeout))
    }

    fn watches(&self, t: &Timer) -> Option<NodeId> {
        match *t {
            Timer::Timeout(k) | Timer::Alarm(k) | Timer::Retry(k, _) => Some(k),
            Timer::Beat => None,
        }
    }

    fn groups(&self) -> Vec<Group> {
        vec![Group { id: "monitor", members: vec![MONITOR] }, Group { id: "watched", members: (1..self.n).collect() }]
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        if me == MONITOR {
            // Who is in doubt and who is dead (by either detector), by name: a crashed
            // node is drawn crossed out, so its verdict is read here.
            let dead: Vec<NodeId> = (1..=s.watches.len()).filter(|&k| s.watches[k - 1].verdict.contains(&Verdict::Dead)).collect();
            let doubt: Vec<NodeId> = (1..=s.watches.len()).filter(|&k| !dead.contains(&k) && s.watches[k - 1].verdict.iter().any(|v| *v != Verdict::Alive)).collect();
            let names = |l: &[NodeId]| Text::plain(l.iter().map(|k| format!("n{k}")).collect::<Vec<_>>().join(" "));
            let badge = match (doubt.is_empty(), dead.is_empty()) {
                (true, true) => Text::key("badge.all_trusted"),
                (false, true) => phrase!("badge.suspects", names(&doubt)),
                (true, false) => phrase!("badge.dead", names(&dead)),
                (false, false) => phrase!("badge.suspects_dead", names(&doubt), names(&dead)),
            };
            return NodeView::new("monitor", Tone::Leader).badge(badge).detail("watched", s.watches.len());
        }
        NodeView::new("watched", Tone::Idle).badge(phrase!("badge.sent", s.seq)).detail("incarnation", s.incarnation).detail("sent", s.seq).detail("pongs", s.pongs)
    }

    /// A watched node is drawn as the monitor sees it: the worse of the two verdicts sets
    /// its colour and role, the badge says which detector and shows φ now.
    fn views(&self, states: &[Node], now: Time) -> Vec<NodeView> {
        let monitor = &states[MONITOR];
        let mut views: Vec<NodeView> = states.iter().enumerate().map(|(i, s)| self.view(i, s)).collect();
        let mut table = Table { columns: vec!["node", "timeout_verdict", "phi_now", "accrual_verdict", "mean_gap"], rows: Vec::new() };
        for (i, w) in monitor.watches.iter().enumerate() {
            let k = i + 1;
            let phi = w.arrivals.phi_at(now, self.floor());
            let phi_text = Text::plain(format!("{:.1}", phi as f64 / 1_000.0));
            let [t, a] = w.verdict;
            let verdict = |v: Verdict| match v {
                Verdict::Alive => Text::key("verdict.alive"),
                Verdict::Suspected { pings } => phrase!("verdict.suspected", pings, self.retries),
                Verdict::Dead => Text::key("verdict.dead"),
            };
            table.rows.push(vec![Text::plain(format!("n{k}")), verdict(t), phi_text.clone(), verdict(a), Text::plain(format!("{:.0}", w.arrivals.mean_milli() as f64 / 1_000.0))]);
            let dead = [t, a].map(|v| v == Verdict::Dead);
            let doubt = [t, a].map(|v| v != Verdict::Alive);
            let (role, tone, which) = if dead.iter().any(|&d| d) {
                ("declared_dead", Tone::Alert, dead)
            } else if doubt.iter().any(|&d| d) {
                ("suspected", Tone::Waiting, doubt)
            } else {
                ("trusted", Tone::Done, [false, false])
            };
            let by = match which {
                [true, true] => Some("both"),
                [true, false] => Some("timeout"),
                [false, true] => Some("accrual"),
                [false, false] => None,
            };
            let badge = match by {
                Some(by) => phrase!("badge.verdict", Text::Id("by", by), phi_text.clone()),
                None => phrase!("badge.phi", phi_text.clone()),
            };
            let own = std::mem::replace(&mut views[k], NodeView::new(role, tone));
            let mut v = NodeView::new(role, tone).badge(badge).detail("timeout_verdict", verdict(t)).detail("accrual_verdict", verdict(a)).detail("phi_now", phi_text);
            v.details.extend(own.details);
            views[k] = v;
        }
        views[MONITOR] = std::mem::replace(&mut views[MONITOR], NodeView::new("monitor", Tone::Leader)).table(table);
        views
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        Vec::new()
    }

    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        // The longest the fixed timeout can take after a crash, ten times over: φ on a
        // jumpy link takes longer than the timeout, never unboundedly so.
        let patience = 10 * ((self.retries as Time + 1) * self.timeout + 2 * self.period);
        vec![Box::new(Completeness::new(self.n, patience)), Box::new(Accuracy)]
    }

    /// Accuracy is watched to be seen breaking: no detector can promise it on a network
    /// whose delays have no bound.
    fn promises(&self, id: &str) -> bool {
        id != "accuracy"
    }

    fn observe(&self, stats: &mut Stats, event: &Event, log: &Trace) {
        self.observe_event(stats, event, log);
    }

    fn metrics(&self, st: &Stats, _run: &RunView<Self>) -> Vec<Metric> {
        let (k, t, p) = (self.retries as f64, self.timeout as f64, self.period as f64);
        let open = |key: &'static str| (Textbook::Unbounded, Text::key(key));
        let count = |id: &'static str, v: u64, (textbook, formula): (Textbook, Text)| Metric { id, measured: Some(v as f64), textbook, formula };
        let d = st.longest_transit as f64;
        let total: u64 = st.suspicions.iter().sum();
        vec![
            Metric {
                id: "detect_timeout",
                measured: st.detection[0].mean(),
                textbook: Textbook::Range(((k + 1.0) * t - p).max(0.0), (k + 1.0) * t + d),
                formula: Text::key("formula.detect_timeout"),
            },
            Metric { id: "detect_accrual", measured: st.detection[1].mean(), textbook: Textbook::Unbounded, formula: Text::key("formula.detect_accrual") },
            count("false_suspicions_timeout", st.false_suspicions[0], open("formula.false_timeout")),
            count("false_suspicions_accrual", st.false_suspicions[1], open("formula.false_accrual")),
            count("false_deaths_timeout", st.false_deaths[0], open("formula.false_deaths")),
            count("false_deaths_accrual", st.false_deaths[1], open("formula.false_deaths")),
            count("pings", st.pings, (Textbook::Range(if self.retries > 0 { total as f64 } else { 0.0 }, k * total as f64), Text::key("formula.pings"))),
        ]
    }

    fn charts(&self, st: &Stats, run: &RunView<Self>) -> Vec<Chart> {
        let mut phi = vec![Series::threshold(Text::key("series.threshold"), self.threshold as f64 / 1_000.0)];
        phi.extend((1..self.n).map(|k| self.phi_line(st, k, run.now)));
        let mut mistakes = Vec::new();
        for d in DETECTORS {
            let mut s = Series::new(d.word());
            s.push(run.now, st.false_suspicions[d.index()] as f64);
            mistakes.push(s);
        }
        vec![Chart { id: "phi", kind: ChartKind::Lines, series: phi }, Chart { id: "false_suspicions", kind: ChartKind::Bars, series: mistakes }]
    }
}

// ---- monitors ----------------------------------------------------------------------------

/// Every crashed node is eventually declared dead by both detectors, while the monitor
/// lives: a crash (or the monitor coming back while the node is down) opens a wait, both
/// `dead_*` marks (or the node's recovery) close it, the monitor's crash forgets them all.
#[derive(Clone, Debug)]
pub struct Completeness {
    patience: Time,
    /// Per node and detector: declared dead now.
    dead: Vec<[bool; 2]>,
    /// Per node: waiting since.
    open: Vec<Option<Time>>,
}

impl Completeness {
    pub fn new(n: usize, patience: Time) -> Completeness {
        Completeness { patience, dead: vec![[false; 2]; n], open: vec![None; n] }
    }
}

impl Monitor for Completeness {
    fn id(&self) -> &'static str {
        "completeness"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        let n = self.open.len();
        for e in events {
            let Some(node) = e.node.filter(|&x| x < n) else { continue };
            match e.kind {
                EventKind::Crash if node == MONITOR => self.open.iter_mut().for_each(|o| *o = None),
                EventKind::Crash if moment.up[MONITOR] && self.dead[node] != [true, true] => self.open[node] = Some(e.time),
                EventKind::Recover if node == MONITOR => {
                    self.dead = vec![[false; 2]; n];
                    for k in 1..n {
                        self.open[k] = (!moment.up[k]).then_some(e.time);
                    }
                }
                EventKind::Recover => self.open[node] = None,
                _ => {}
            }
            for m in log.marks_of(e.id) {
                let (Some((d, what)), k) = (read_mark(m.tag), m.key as NodeId) else { continue };
                if k >= n {
                    continue;
                }
                match what {
                    Milestone::Dead => self.dead[k][d.index()] = true,
                    Milestone::Trust => self.dead[k][d.index()] = false,
                    Milestone::Suspect => {}
                }
                if self.dead[k] == [true, true] {
                    self.open[k] = None;
                }
            }
        }
        if !moment.up[MONITOR] {
            return Ok(());
        }
        let waiting: Vec<NodeId> = (1..n).filter(|&k| self.open[k].is_some()).collect();
        let Some(since) = waiting.iter().filter_map(|&k| self.open[k]).min() else { return Ok(()) };
        let late = moment.now.saturating_sub(since);
        if moment.quiescent || late >= self.patience {
            Err(Breach { detail: phrase!("breach.undetected", crate::words::nodes(&waiting), late), nodes: waiting })
        } else {
            Ok(())
        }
    }
}

/// A live node is never declared dead: each `dead_*` mark on a node that is up breaks it
/// (for that step: each mistake is its own breach).
#[derive(Clone, Debug)]
pub struct Accuracy;

impl Monitor for Accuracy {
    fn id(&self) -> &'static str {
        "accuracy"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        for e in events {
            for m in log.marks_of(e.id) {
                if let Some((d, Milestone::Dead)) = read_mark(m.tag) {
                    let k = m.key as NodeId;
                    if moment.up.get(k).copied().unwrap_or(false) {
                        return Err(Breach { detail: phrase!("breach.live_declared_dead", k, d.word()), nodes: vec![k] });
                    }
                }
            }
        }
        Ok(())
    }
}

// ---- description -------------------------------------------------------------------------

pub const FAULTS: FaultModel = FaultModel {
    crash: true,
    recover: true,
    max_down: MaxDown::AllButOne,
    drop: true,
    partition: true,
    slow: true,
    safety: &["completeness"],
    window: 3_000,
};

const SCENARIOS: &[ReadyScenario] = &[
    ReadyScenario { id: "steady", fragment: "v=1&proto=heartbeat&n=6&seed=2" },
    ReadyScenario { id: "crash", fragment: "v=1&proto=heartbeat&n=6&seed=1&act=mark.beat.n0.40:crash:3" },
    ReadyScenario { id: "slow-link", fragment: "v=1&proto=heartbeat&n=6&seed=1&act=0:delays:0-3:spike=20/360" },
    ReadyScenario { id: "low-threshold", fragment: "v=1&proto=heartbeat&n=6&seed=1&p.phi=2&act=0:delays:0-3:spike=20/360" },
];

const WORDS: Words = &[
    w("name", "Heartbeats: fixed timeout vs φ accrual", "心跳：固定超时与 φ 累积检测"),
    w(
        "summary",
        "Nodes send heartbeats to a monitor. A fixed timeout suspects a node whenever a gap exceeds T; an accrual detector turns the history of gaps into a suspicion level φ and suspects only when φ passes its threshold. A suspected node is pinged up to K times before it is declared dead. A slow link fools the timeout, not φ.",
        "各节点向监视器发送心跳。固定超时检测器只要间隔超过 T 就怀疑节点；累积检测器根据到达间隔的历史算出怀疑程度 φ，只有 φ 超过阈值才怀疑。被怀疑的节点会先被探测（ping）至多 K 次，才被宣告死亡。慢链路骗得过固定超时，骗不过 φ。",
    ),
    w("param.period", "Ticks between two heartbeats of a node (P)", "一个节点两次心跳之间的时间（P）"),
    w("param.timeout", "The fixed detector suspects a node after this many ticks without a heartbeat (T); also how long a ping waits for its pong", "固定超时检测器在这么多个时间单位收不到心跳后怀疑节点（T）；也是一次 ping 等待 pong 的时长"),
    w("param.phi", "The accrual detector suspects a node when φ reaches this level (Φ): for normally spread gaps, about one mistake in 10^Φ", "当 φ 达到这一水平（Φ）时，累积检测器怀疑节点：若间隔服从正态分布，约每 10^Φ 次才错一次"),
    w("param.window", "How many recent gaps between heartbeats the accrual detector remembers", "累积检测器记住的最近心跳间隔个数"),
    w("param.retries", "Pings a detector sends a suspected node, each waiting T, before declaring it dead (K); 0: a suspicion is a death", "检测器宣告节点死亡前向被怀疑节点发送的 ping 次数（K），每次等待 T；0 表示一被怀疑即宣告死亡"),
    w("role.monitor", "monitor", "监视器"),
    w("role.watched", "watched node", "被监视节点"),
    w("role.trusted", "trusted", "被信任"),
    w("role.suspected", "suspected", "被怀疑"),
    w("role.declared_dead", "declared dead", "被宣告死亡"),
    w("group.monitor", "monitor", "监视器"),
    w("group.watched", "watched nodes", "被监视节点"),
    w("detector.timeout", "timeout", "超时"),
    w("detector.accrual", "φ", "φ"),
    w("by.timeout", "by the timeout", "超时判定"),
    w("by.accrual", "by φ", "φ 判定"),
    w("by.both", "by both", "两者判定"),
    w("badge.phi", "φ {0}", "φ {0}"),
    w("badge.verdict", "{0} · φ {1}", "{0} · φ {1}"),
    w("badge.all_trusted", "trusts all", "全部信任"),
    w("badge.suspects", "suspects {0}", "怀疑 {0}"),
    w("badge.dead", "{0} dead", "{0} 已死亡"),
    w("badge.suspects_dead", "suspects {0} · {1} dead", "怀疑 {0} · {1} 已死亡"),
    w("badge.sent", "{0} sent", "已发 {0}"),
    w("verdict.alive", "alive", "存活"),
    w("verdict.suspected", "suspected, ping {0}/{1}", "被怀疑，ping {0}/{1}"),
    w("verdict.dead", "dead", "死亡"),
    w("detail.watched", "nodes watched", "监视的节点数"),
    w("detail.node", "node", "节点"),
    w("detail.timeout_verdict", "timeout says", "超时判定"),
    w("detail.accrual_verdict", "φ detector says", "φ 检测器判定"),
    w("detail.phi_now", "φ now", "当前 φ"),
    w("detail.mean_gap", "mean gap", "平均间隔"),
    w("detail.incarnation", "incarnation", "化身编号"),
    w("detail.sent", "heartbeats sent", "已发心跳"),
    w("detail.pongs", "pongs sent", "已发 pong"),
    w("msg.heartbeat", "heartbeat", "心跳"),
    w("msg.ping", "ping", "ping"),
    w("msg.pong", "pong", "pong"),
    w("timer.beat", "next heartbeat", "下一次心跳"),
    w("timer.timeout", "timeout", "超时"),
    w("timer.alarm", "φ alarm", "φ 警报"),
    w("timer.retry", "waiting for a pong", "等待 pong"),
    w("mark.suspect_t", "T suspects", "T 怀疑"),
    w("mark.suspect_phi", "φ suspects", "φ 怀疑"),
    w("mark.dead_t", "T: dead", "T：死亡"),
    w("mark.dead_phi", "φ: dead", "φ：死亡"),
    w("note.watches", "watches {0} nodes: timeout {1} ticks, φ threshold {2}", "监视 {0} 个节点：超时 {1} 个时间单位，φ 阈值 {2}"),
    w("note.suspects", "the {1} detector suspects n{0} and pings it (1/{2})", "{1}检测器怀疑 n{0}，向它发送 ping（1/{2}）"),
    w("note.pings_again", "no pong from n{0} for the {1} detector: pings again ({2}/{3})", "{1}检测器没有收到 n{0} 的 pong：再次 ping（{2}/{3}）"),
    w("note.declares", "the {1} detector declares n{0} dead ({2} pings unanswered)", "{1}检测器宣告 n{0} 死亡（{2} 次 ping 无应答）"),
    w("note.withdraws", "heard from n{0}: the {1} detector withdraws its suspicion", "收到 n{0} 的消息：{1}检测器撤销怀疑"),
    w("note.revives", "heard from n{0}, declared dead by the {1} detector: it was alive after all", "收到 n{0} 的消息，而{1}检测器已宣告它死亡：原来它还活着"),
    w("note.rejoins", "n{0} is back in incarnation {1}: its history of gaps starts afresh", "n{0} 以第 {1} 个化身回来了：它的间隔历史重新开始"),
    w("note.stale", "an old copy of n{0}'s heartbeat {1}: ignored", "n{0} 的心跳 {1} 的旧副本：忽略"),
    w("inv.completeness", "completeness", "完整性"),
    w("inv.completeness.about", "Every crashed node is eventually declared dead by both detectors, as long as the monitor lives.", "只要监视器活着，每个崩溃的节点最终都会被两个检测器宣告死亡。"),
    w("inv.accuracy", "accuracy", "准确性"),
    w("inv.accuracy.about", "No live node is declared dead. No detector can promise it when delays have no bound: each breach is a mistake, counted.", "活着的节点不会被宣告死亡。延迟没有上界时，任何检测器都无法保证这一点：每次违反都是一次误判，计入统计。"),
    w("breach.undetected", "nodes {0} crashed and are still not declared dead by both detectors after {1} ticks", "节点 {0} 已崩溃，但 {1} 个时间单位后仍未被两个检测器都宣告死亡"),
    w("breach.live_declared_dead", "the {1} detector declared n{0} dead, but n{0} is alive", "{1}检测器宣告 n{0} 死亡，但 n{0} 还活着"),
    w("metric.detect_timeout", "detection time after a crash, timeout (ticks)", "崩溃后的检测时间，超时（时间单位）"),
    w("metric.detect_accrual", "detection time after a crash, φ (ticks)", "崩溃后的检测时间，φ（时间单位）"),
    w("metric.false_suspicions_timeout", "false suspicions, timeout", "误怀疑次数，超时"),
    w("metric.false_suspicions_accrual", "false suspicions, φ", "误怀疑次数，φ"),
    w("metric.false_deaths_timeout", "live nodes declared dead, timeout", "活节点被宣告死亡，超时"),
    w("metric.false_deaths_accrual", "live nodes declared dead, φ", "活节点被宣告死亡，φ"),
    w("metric.pings", "pings sent", "发送的 ping 数"),
    w("formula.detect_timeout", "(K+1)·T − P … (K+1)·T + D (D: longest heartbeat transit)", "(K+1)·T − P … (K+1)·T + D（D：心跳最长传输时间）"),
    w("formula.detect_accrual", "when φ reaches Φ, then K·T: longer on a jumpy link", "φ 达到 Φ 的时刻，再加 K·T：链路越不稳定越长"),
    w("formula.false_timeout", "one per gap longer than T", "每个长于 T 的间隔一次"),
    w("formula.false_accrual", "about 10^−Φ per gap, if gaps were normal", "若间隔服从正态分布，约每个间隔 10^−Φ 次"),
    w("formula.false_deaths", "a gap longer than (K+1)·T", "间隔长于 (K+1)·T 时"),
    w("formula.pings", "1 to K per suspicion", "每次怀疑 1 到 K 次"),
    w("chart.phi", "suspicion level φ per node", "各节点的怀疑程度 φ"),
    w("chart.false_suspicions", "false suspicions", "误怀疑次数"),
    w("series.threshold", "threshold Φ", "阈值 Φ"),
    w("series.node", "n{0}", "n{0}"),
    w("scenario.steady", "Steady heartbeats", "平稳的心跳"),
    w(
        "scenario.steady.about",
        "Five nodes send a heartbeat every 100 ticks over links of 40 to 80 ticks, so the gaps the monitor sees vary from 60 to 140. The timeout of 160 ticks never runs out, and each node's φ rises between heartbeats and drops back at each one, well below the threshold: nobody is suspected.",
        "五个节点每 100 个时间单位发送一次心跳，链路延迟 40 到 80，因此监视器看到的间隔在 60 到 140 之间。160 的超时从不耗尽；每个节点的 φ 在两次心跳之间上升，心跳一到便回落，始终远低于阈值：没有节点被怀疑。",
    ),
    w("scenario.crash", "A real crash, detected by both", "真实崩溃，两个检测器都发现"),
    w(
        "scenario.crash.about",
        "n3 crashes after the monitor has counted 40 heartbeats. Its countdown runs out 160 ticks after its last heartbeat, and its φ line climbs through the threshold a little later. Each detector pings n3 twice, hears nothing, and declares it dead: compare the two detection times with the textbook range.",
        "监视器收到 40 次心跳后，n3 崩溃。它的倒计时在最后一次心跳后 160 个时间单位耗尽，φ 曲线稍后也越过阈值。每个检测器向 n3 发送两次 ping，没有应答，便宣告它死亡：把两个检测时间与教科书的范围相比较。",
    ),
    w("scenario.low-threshold", "The same slow link, φ threshold 2", "同一条慢链路，φ 阈值为 2"),
    w(
        "scenario.low-threshold.about",
        "The slow link of the previous scenario with Φ = 2 instead of 8: φ now suspects whenever a silence has a chance below 1 in 100: the spikes, and now and then the ordinary jitter of the calm links, fool it nearly as often as the timeout. A low threshold detects a real crash sooner and errs more often: the trade-off a threshold sets, as a timeout does.",
        "与上一个场景相同的慢链路，但 Φ = 2 而不是 8：只要一段沉默出现的概率低于百分之一，φ 就怀疑：延迟，以及平稳链路上偶尔的普通抖动，骗过它的次数几乎和超时一样多。低阈值能更早发现真正的崩溃，也更常出错：阈值和超时一样，设定的是这种权衡。",
    ),
    w("scenario.slow-link", "A slow link fools the timeout, not φ", "慢链路骗过超时，骗不过 φ"),
    w(
        "scenario.slow-link.about",
        "The link between the monitor and n3 delays one message in five by 360 ticks more; n3 never crashes. Each delayed heartbeat leaves a gap of 400 ticks or more: the fixed timeout suspects n3 every time, and sometimes its pings, stuck behind the late heartbeat, run out and it declares a live node dead. The accrual detector is caught by the first spike, then remembers the jumpy gaps: its threshold moves out of reach of the spikes and it stops suspecting.",
        "监视器与 n3 之间的链路让五分之一的消息多延迟 360 个时间单位；n3 从未崩溃。每个被延迟的心跳都留下 400 以上的间隔：固定超时每次都怀疑 n3，有时它的 ping 也堵在迟到的心跳后面而耗尽，于是把一个活着的节点宣告死亡。累积检测器被第一次延迟骗过，之后记住了忽长忽短的间隔：它的阈值移到延迟够不着的地方，不再怀疑。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured};
    use crate::sim::{Act, Engine, Simulation};

    fn floor() -> u64 {
        10_000
    }

    #[test]
    fn phi_matches_the_normal_tail() {
        // −log10 Q(y) for y = 0, 1, 2, 3, 5, 6 (from the normal distribution's tail).
        for (y, want) in [(0, 301), (1_000, 800), (2_000, 1_643), (3_000, 2_870), (5_000, 6_543), (6_000, 9_006)] {
            assert_eq!(phi_of_y(y), want, "y = {y}");
        }
        // Between the table's points, interpolated within a few thousandths.
        let mid = phi_of_y(5_500) as i64;
        assert!((mid - 7_721).abs() < 40, "{mid}");
        // Monotone everywhere, 0 far below the mean, growing beyond the table.
        let mut last = 0;
        for y in (-10_000..20_000).step_by(37) {
            let p = phi_of_y(y);
            assert!(p >= last, "φ falls at y = {y}");
            last = p;
        }
        assert_eq!(phi_of_y(-8_000), 0);
        assert!(phi_of_y(12_000) > phi_of_y(10_000));
    }

    #[test]
    fn the_window_keeps_its_mean_and_deviation_in_integers() {
        let mut a = Arrivals::new(100, 100);
        assert_eq!((a.mean_milli(), a.deviation_milli(floor())), (100_000, 10_000), "the assumed gap, the floor");
        a.record(100, 4);
        for t in [180, 300, 380, 500] {
            a.record(t, 4);
        }
        // Gaps 80, 120, 80, 120 (the assumed one dropped out): mean 100, deviation 20.
        assert_eq!(a.gaps().collect::<Vec<_>>(), vec![80, 120, 80, 120]);
        assert_eq!((a.mean_milli(), a.deviation_milli(floor())), (100_000, 20_000));
        // φ one deviation past the mean, two past it.
        assert_eq!(a.phi_after(120, floor()), 800);
        assert_eq!(a.phi_at(500 + 140, floor()), 1_643);
        // φ = 8 needs y ≈ 5.612: 100 + 5.612 · 20 ≈ 212.2 ticks of silence.
        let e = a.silence_to(8_000, floor());
        assert_eq!(e, 213);
        assert!(a.phi_after(e, floor()) >= 8_000 && a.phi_after(e - 1, floor()) < 8_000);
        // A jumpy history pushes the same threshold far out.
        let mut b = a.clone();
        for t in [1_000, 1_020, 1_040, 1_140] {
            b.record(t, 4);
        }
        assert!(b.silence_to(8_000, floor()) > 1_000, "{}", b.silence_to(8_000, floor()));
    }

    fn run(fragment: &str, steps: u64) -> crate::sim::History {
        kit::run(fragment, steps)
    }

    fn m(h: &crate::sim::History, id: &str) -> f64 {
        measured(h, id).unwrap_or(0.0)
    }

    #[test]
    fn steady_heartbeats_raise_no_suspicion() {
        let h = kit::ready_for::<Heartbeat>("steady", 2_000);
        assert!(h.sim().trace().violations().is_empty(), "{:?}", h.sim().trace().violations());
        assert_eq!((m(&h, "false_suspicions_timeout"), m(&h, "false_suspicions_accrual"), m(&h, "pings")), (0.0, 0.0, 0.0));
        assert!(h.sim().node_views().iter().skip(1).all(|v| v.role == "trusted"));
        assert!(h.sim().now() > 15_000, "{}", h.sim().now());
    }

    #[test]
    fn a_real_crash_is_always_detected_by_both_within_the_textbook_range() {
        for seed in 0..200 {
            let victim = 1 + (seed as usize % 5);
            let f = format!("v=1&proto=heartbeat&n=6&seed={seed}&act=mark.beat.n0.{}:crash:{victim}", 10 + seed % 37);
            let h = run(&f, 1_500);
            let v = h.sim().trace().violations();
            assert!(v.is_empty(), "seed {seed}: {v:?}");
            let views = h.sim().node_views();
            assert_eq!(views[victim].role, "declared_dead", "seed {seed}");
            let st = &h.sim().trace();
            assert_eq!(st.marked("dead_t").count(), 1, "seed {seed}");
            assert_eq!(st.marked("dead_phi").count(), 1, "seed {seed}");
            let (got, book) = kit::reading(&h, "detect_timeout");
            let Textbook::Range(lo, hi) = book else { panic!("{book:?}") };
            let got = got.unwrap_or_else(|| panic!("seed {seed}: no detection time"));
            assert!(lo <= got && got <= hi, "seed {seed}: {got} outside {lo}..{hi}");
            assert!(measured(&h, "detect_accrual").is_some(), "seed {seed}");
            assert_eq!(m(&h, "false_suspicions_timeout") + m(&h, "false_suspicions_accrual"), 0.0, "seed {seed}");
            // K pings each from both detectors, no more.
            assert_eq!(m(&h, "pings"), 4.0, "seed {seed}");
        }
    }

    #[test]
    fn crashes_and_recoveries_at_random_are_always_detected_over_many_seeds() {
        for seed in 0..100u64 {
            let mut e: Engine<Heartbeat> = kit::engine(5, "", seed);
            let mut rng = crate::sim::rng::SimRng::stream(seed, crate::sim::rng::Stream::Build);
            for round in 0..6 {
                for _ in 0..rng.between(50, 300) {
                    e.step();
                }
                let k = rng.between(1, 4) as usize;
                let act = if e.world.up[k] { Act::Crash(k) } else { Act::Recover(k) };
                e.apply(&act).unwrap_or_else(|err| panic!("seed {seed} round {round}: {err:?}"));
            }
            for _ in 0..1_500 {
                e.step();
            }
            assert!(e.trace.violations().iter().all(|v| v.invariant != "completeness"), "seed {seed}: {:?}", e.trace.violations());
            let views = Simulation::node_views(&e);
            for (k, v) in views.iter().enumerate().skip(1).filter(|&(k, _)| !e.world.up[k]) {
                assert_eq!(v.role, "declared_dead", "seed {seed}: n{k} is down");
            }
        }
    }

    #[test]
    fn the_completeness_monitor_catches_a_detector_that_never_decides() {
        // A threshold reached only after an enormous silence and retries that take long:
        // a patience computed for the defaults runs out first.
        let mut c = Completeness::new(3, 100);
        let mut e: Engine<Heartbeat> = kit::engine(3, "", 1);
        for _ in 0..20 {
            e.step();
        }
        e.apply(&Act::Crash(2)).unwrap();
        let from = e.trace.events().len() - 1;
        let up = e.world.up.clone();
        let why = || Text::empty();
        let crash = &e.trace.events()[from..];
        let moment = Moment { now: e.world.now, quiescent: false, up: &up, why_stalled: &why };
        assert!(c.check(crash, &e.trace, &moment).is_ok());
        let later = Moment { now: e.world.now + 100, quiescent: false, up: &up, why_stalled: &why };
        let b = c.check(&[], &e.trace, &later).unwrap_err();
        assert_eq!(b.nodes, vec![2]);
    }

    /// (false suspicions, false deaths) of (timeout, φ) in the slow-link scenario.
    fn slow_link(steps: u64) -> ([f64; 2], [f64; 2]) {
        let h = kit::ready_for::<Heartbeat>("slow-link", steps);
        let f = [m(&h, "false_suspicions_timeout"), m(&h, "false_suspicions_accrual")];
        let d = [m(&h, "false_deaths_timeout"), m(&h, "false_deaths_accrual")];
        let breaches = h.sim().trace().violations().iter().filter(|v| v.invariant == "accuracy").count() as f64;
        assert!(breaches <= d[0] + d[1] && (d[0] + d[1] == 0.0) == (breaches == 0.0), "{breaches} {d:?}");
        assert!(h.sim().trace().violations().iter().all(|v| v.invariant == "accuracy"), "{:?}", h.sim().trace().violations());
        (f, d)
    }

    #[test]
    fn a_slow_link_fools_the_timeout_far_more_than_phi() {
        let (f, d) = slow_link(3_000);
        println!("slow link, 3000 steps: false suspicions timeout {} φ {}; false deaths timeout {} φ {}", f[0], f[1], d[0], d[1]);
        assert!(f[0] >= 5.0, "{f:?}");
        assert!(f[1] * 3.0 <= f[0], "{f:?}");
        assert!(d[0] >= 1.0 && d[1] == 0.0, "{d:?}");
    }

    #[test]
    fn fixed_timeout_false_suspicions_appear_when_delays_exceed_the_timeout() {
        for seed in 0..20 {
            // Delays below the timeout: never; a spike above it on every link: often.
            let calm = run(&format!("v=1&proto=heartbeat&n=4&seed={seed}&delay=40-80"), 1_000);
            assert_eq!(m(&calm, "false_suspicions_timeout"), 0.0, "seed {seed}");
            let spiky = run(&format!("v=1&proto=heartbeat&n=4&seed={seed}&spike=10/300"), 1_000);
            assert!(m(&spiky, "false_suspicions_timeout") >= 3.0, "seed {seed}");
            assert!(m(&spiky, "false_suspicions_accrual") < m(&spiky, "false_suspicions_timeout"), "seed {seed}");
        }
    }

    #[test]
    fn the_timeout_is_drawn_around_the_node_it_watches() {
        let h = kit::ready_for::<Heartbeat>("steady", 50);
        let timers = h.sim().timers();
        let rings: Vec<(NodeId, NodeId)> = timers.iter().filter(|t| t.countdown).map(|t| (t.node, t.about)).collect();
        assert_eq!(rings.len(), 5, "{timers:?}");
        assert!(rings.iter().all(|&(owner, about)| owner == MONITOR && about != MONITOR));
        let charts = h.sim().charts();
        assert_eq!(charts[0].thresholds().next().and_then(|t| t.level()), Some(8.0));
        assert_eq!(charts[0].lines().count(), 5);
        assert!(charts[0].lines().all(|l| l.points().len() > 10 && l.points().len() < 300));
    }

    #[test]
    fn a_suspected_node_is_drawn_as_the_monitor_sees_it() {
        // K = 3 so the pings outlast the spike: a suspicion, no death.
        let f = "v=1&proto=heartbeat&n=4&seed=3&p.retries=3&act=0:delays:0-2:spike=100/300";
        let mut h = run(f, 0);
        let mut seen = false;
        for _ in 0..600 {
            let v = &h.sim().node_views()[2];
            if v.role == "suspected" {
                assert_eq!(v.tone, Tone::Waiting);
                assert!(v.badge.en(WORDS).starts_with("by "), "{:?}", v.badge.en(WORDS));
                seen = true;
                break;
            }
            assert!(h.forward());
        }
        assert!(seen, "n2 was never suspected");
        assert!(h.sim().node_views()[1].role == "trusted");
        assert!(h.sim().node_views()[0].table.as_ref().is_some_and(|t| t.rows.len() == 3));
    }

    #[test]
    fn a_recovered_node_is_trusted_again_in_a_new_incarnation() {
        let h = run("v=1&proto=heartbeat&n=4&seed=2&act=100:crash:1,400:recover:1", 800);
        let views = h.sim().node_views();
        assert_eq!(views[1].role, "trusted");
        assert!(h.sim().trace().marked("trust_t").count() == 1 && h.sim().trace().marked("trust_phi").count() == 1);
        assert!(h.sim().trace().violations().is_empty(), "{:?}", h.sim().trace().violations());
    }

    #[test]
    fn no_retries_make_a_suspicion_a_death() {
        let h = run("v=1&proto=heartbeat&n=3&seed=1&p.retries=0&act=100:crash:2", 600);
        assert_eq!(m(&h, "pings"), 0.0);
        assert_eq!(h.sim().node_views()[2].role, "declared_dead");
    }

    #[test]
    fn build_refuses_other_topologies() {
        let setup = kit::setup_on::<Heartbeat>(4, "complete", "", 1);
        assert!(Heartbeat::build(&setup).is_err());
    }

    #[test]
    fn the_ready_scenarios_load_and_run() {
        for s in SCENARIOS {
            let h = kit::ready_for::<Heartbeat>(s.id, 1_500);
            assert!(h.sim().steps() >= 1_500, "{}", s.id);
        }
        let h = kit::ready_for::<Heartbeat>("crash", 1_500);
        assert_eq!(h.sim().node_views()[3].role, "declared_dead");
    }
}
