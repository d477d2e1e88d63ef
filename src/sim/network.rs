//! The network between nodes: delays, loss, duplication, FIFO order, partitions and
//! per-link rules. A message's delay and fate are decided when it is sent, so the picture
//! knows both ends of every arrow; later faults (a cut, a partition, a click on the arrow)
//! change that decision explicitly.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rng::{Ppm, SimRng, PPM_ONE};
use super::{NodeId, Time};

/// The network panel: applies to every link without its own rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetworkConfig {
    /// Transit time is drawn uniformly from `delay_min..=delay_max` (simulated ms).
    pub delay_min: Time,
    pub delay_max: Time,
    /// Probability a message is lost, parts per million.
    pub drop: Ppm,
    /// Probability a message arrives twice, parts per million.
    pub duplicate: Ppm,
    /// Links deliver in send order.
    pub fifo: bool,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig { delay_min: 40, delay_max: 80, drop: 0, duplicate: 0, fifo: true }
    }
}

pub const MAX_DELAY: Time = 1_000_000;

/// Delay beyond the uniform range, off by default: real networks are not uniform. Their
/// extra ticks are drawn from a stream of their own ([`super::rng::Stream::Delays`]), so
/// a run without them draws exactly what it always drew, and turning them on leaves
/// every other draw (base delays, losses, copies) where it was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DelayShape {
    pub spike: Option<Spike>,
    pub tail: Option<Tail>,
}

/// With probability `chance` a message takes `extra` ticks more (a pause, a congested
/// switch): the delay a fixed-timeout failure detector mistakes for a crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Spike {
    pub chance: Ppm,
    pub extra: Time,
}

/// A heavy tail: the extra delay passes `scale`·2^(k-1) ticks with probability
/// `chance`^k, a discrete Pareto with tail index log2(1/chance) (25% gives the
/// square-law tail of measured RPC latencies; 50% a tail with no mean, cut at
/// [`MAX_DELAY`]). Drawn with integers only: k coin flips, then a uniform step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Tail {
    pub chance: Ppm,
    pub scale: Time,
}

/// Doublings of a tail's extra delay beyond which it stops (2^24 times the scale passes
/// [`MAX_DELAY`] for any scale).
const TAIL_STEPS: u32 = 24;

impl Spike {
    /// `PERCENT/TICKS`, e.g. `5/400`: 5% of messages take 400 ticks more.
    pub fn parse(text: &str) -> Option<Spike> {
        let (p, x) = text.split_once('/')?;
        let chance = parse_percent(p).filter(|&c| c > 0)?;
        let extra = x.trim().parse().ok().filter(|x| (1..=MAX_DELAY).contains(x))?;
        Some(Spike { chance, extra })
    }
    pub fn encode(self) -> String {
        format!("{}/{}", format_percent(self.chance), self.extra)
    }
}

impl Tail {
    /// `PERCENT/TICKS`, e.g. `25/50`; the percentage is below 100 (at 100 every message
    /// would wait forever).
    pub fn parse(text: &str) -> Option<Tail> {
        let (p, x) = text.split_once('/')?;
        let chance = parse_percent(p).filter(|&c| c > 0 && c < PPM_ONE)?;
        let scale = x.trim().parse().ok().filter(|x| (1..=MAX_DELAY).contains(x))?;
        Some(Tail { chance, scale })
    }
    pub fn encode(self) -> String {
        format!("{}/{}", format_percent(self.chance), self.scale)
    }
}

impl DelayShape {
    pub const NONE: DelayShape = DelayShape { spike: None, tail: None };

    pub fn is_none(&self) -> bool {
        self.spike.is_none() && self.tail.is_none()
    }

    /// `spike=5/400+tail=25/50`, either part alone, or `none`.
    pub fn encode(&self) -> String {
        let parts: Vec<String> = self.spike.map(|s| format!("spike={}", s.encode())).into_iter().chain(self.tail.map(|t| format!("tail={}", t.encode()))).collect();
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join("+")
        }
    }

    pub fn parse(text: &str) -> Option<DelayShape> {
        if text == "none" {
            return Some(DelayShape::NONE);
        }
        let mut shape = DelayShape::NONE;
        for part in text.split('+') {
            match part.split_once('=')? {
                ("spike", v) if shape.spike.is_none() => shape.spike = Some(Spike::parse(v)?),
                ("tail", v) if shape.tail.is_none() => shape.tail = Some(Tail::parse(v)?),
                _ => return None,
            }
        }
        Some(shape)
    }

    /// The extra ticks for one message. Draws nothing for a part that is off.
    pub fn extra(&self, rng: &mut SimRng) -> Time {
        let mut extra = 0;
        if let Some(s) = self.spike {
            if rng.chance(s.chance) {
                extra += s.extra;
            }
        }
        if let Some(t) = self.tail {
            let mut k = 0;
            while k < TAIL_STEPS && rng.chance(t.chance) {
                k += 1;
            }
            if k > 0 {
                let lo = t.scale.saturating_mul(1 << (k - 1)).min(MAX_DELAY);
                let hi = t.scale.saturating_mul(1 << k).saturating_sub(1).min(MAX_DELAY);
                extra += rng.between(lo, hi);
            }
        }
        extra
    }
}

/// A rule for one link (both directions), from a click on the link or a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkRule {
    pub cut: bool,
    pub delay: Option<(Time, Time)>,
    pub drop: Option<Ppm>,
    /// This link's own spikes and tail, in place of the network's (`Some(NONE)`: a calm
    /// link in a spiky network).
    pub shape: Option<DelayShape>,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossReason {
    /// The network's drop rate.
    Random,
    /// The user dropped it.
    User,
    /// The link was cut or a partition separated the ends.
    Cut,
}

impl LossReason {
    pub fn describe(self) -> &'static str {
        match self {
            LossReason::Random => "lost by the network",
            LossReason::User => "dropped by the user",
            LossReason::Cut => "lost on a cut link",
        }
    }
}

/// The decision taken at send time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transit {
    /// When it arrives, or when it dies if lost.
    pub due: Time,
    /// When it would arrive if nothing stopped it (the picture moves the arrow at this pace).
    pub arrive: Time,
    pub lost: Option<LossReason>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    pub config: NetworkConfig,
    pub links: BTreeMap<(NodeId, NodeId), LinkRule>,
    /// Spikes and tail of every link without a shape of its own.
    pub shape: DelayShape,
    /// Group of each node while partitioned; nodes in different groups cannot talk.
    pub groups: Option<Vec<u32>>,
    /// Latest arrival already scheduled per directed link, to keep FIFO order.
    last_arrival: BTreeMap<(NodeId, NodeId), Time>,
}

pub fn link_key(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    (a.min(b), a.max(b))
}

impl Network {
    pub fn new(config: NetworkConfig) -> Self {
        Network { config, links: BTreeMap::new(), shape: DelayShape::NONE, groups: None, last_arrival: BTreeMap::new() }
    }

    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        if a == b {
            return true;
        }
        if self.links.get(&link_key(a, b)).is_some_and(|r| r.cut) {
            return false;
        }
        match &self.groups {
            Some(g) => g.get(a) == g.get(b),
            None => true,
        }
    }

    /// Decide delay and fate of a message sent now. Draw order is fixed (delay, then loss)
    /// so a seed always means the same run; the extra of a spike or tail comes from
    /// `extra_rng`, and only when the link has one.
    pub fn transit(&mut self, rng: &mut SimRng, extra_rng: &mut SimRng, from: NodeId, to: NodeId, now: Time) -> Transit {
        if from == to {
            return Transit { due: now, arrive: now, lost: None };
        }
        let rule = self.links.get(&link_key(from, to));
        let (lo, hi) = rule.and_then(|r| r.delay).unwrap_or((self.config.delay_min, self.config.delay_max));
        let drop = rule.and_then(|r| r.drop).unwrap_or(self.config.drop);
        let shape = rule.and_then(|r| r.shape).unwrap_or(self.shape);
        let delay = rng.between(lo, hi).max(1) + shape.extra(extra_rng);
        if !self.connected(from, to) {
            // Dies half way, so the picture shows it leave and vanish.
            return Transit { due: now + delay.div_ceil(2), arrive: now + delay, lost: Some(LossReason::Cut) };
        }
        if rng.chance(drop) {
            return Transit { due: now + delay.div_ceil(2), arrive: now + delay, lost: Some(LossReason::Random) };
        }
        let mut due = now + delay;
        if self.config.fifo {
            let last = self.last_arrival.entry((from, to)).or_insert(0);
            due = due.max(*last);
            *last = due;
        }
        Transit { due, arrive: due, lost: None }
    }

    /// Whether a send should produce a second copy.
    pub fn duplicates(&self, rng: &mut SimRng, from: NodeId, to: NodeId) -> bool {
        from != to && rng.chance(self.config.duplicate)
    }

    /// A message on a FIFO link was held back to `due`: later messages on the link must
    /// not overtake it.
    pub fn hold_fifo(&mut self, from: NodeId, to: NodeId, due: Time) {
        if self.config.fifo {
            let last = self.last_arrival.entry((from, to)).or_insert(0);
            *last = (*last).max(due);
        }
    }
}

/// Parse a percentage such as "5", "0.5" or "12.25%" into parts per million, without
/// floats so the same text always gives the same rate.
pub fn parse_percent(text: &str) -> Option<Ppm> {
    let t = text.trim().trim_end_matches('%');
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 4 || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac_ppm: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<4}").parse().ok()? };
    let ppm = whole.checked_mul(10_000)?.checked_add(frac_ppm)?;
    (ppm <= PPM_ONE as u64).then_some(ppm as Ppm)
}

pub fn format_percent(ppm: Ppm) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}")
    } else {
        format!("{whole}.{}", format!("{frac:04}").trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_round_trip() {
        for (text, ppm) in [("0", 0), ("5", 50_000), ("0.5", 5_000), ("12.25", 122_500), ("100", PPM_ONE), ("0.0001", 1)] {
            assert_eq!(parse_percent(text), Some(ppm), "{text}");
            assert_eq!(parse_percent(&format_percent(ppm)), Some(ppm));
        }
        for bad in ["", "x", "101", "-1", "1.23456", "1e3", "."] {
            assert_eq!(parse_percent(bad), None, "{bad}");
        }
    }

    #[test]
    fn fifo_never_reorders_a_link() {
        let mut net = Network::new(NetworkConfig { delay_min: 1, delay_max: 100, ..Default::default() });
        let mut rng = SimRng::new(3);
        let mut last = 0;
        for now in 0..200 {
            let t = net.transit(&mut rng, &mut SimRng::new(0), 0, 1, now);
            assert!(t.due >= last);
            last = t.due;
        }
    }

    #[test]
    fn partition_and_cut_kill_messages() {
        let mut net = Network::new(NetworkConfig::default());
        let mut rng = SimRng::new(1);
        net.groups = Some(vec![0, 0, 1]);
        assert_eq!(net.transit(&mut rng, &mut SimRng::new(0), 0, 2, 0).lost, Some(LossReason::Cut));
        assert_eq!(net.transit(&mut rng, &mut SimRng::new(0), 0, 1, 0).lost, None);
        net.groups = None;
        net.links.insert(link_key(1, 0), LinkRule { cut: true, ..Default::default() });
        assert_eq!(net.transit(&mut rng, &mut SimRng::new(0), 0, 1, 0).lost, Some(LossReason::Cut));
    }
}
