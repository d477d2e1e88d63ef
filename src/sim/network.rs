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

/// A rule for one link (both directions), from a click on the link or a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkRule {
    pub cut: bool,
    pub delay: Option<(Time, Time)>,
    pub drop: Option<Ppm>,
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
        Network { config, links: BTreeMap::new(), groups: None, last_arrival: BTreeMap::new() }
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
    /// so a seed always means the same run.
    pub fn transit(&mut self, rng: &mut SimRng, from: NodeId, to: NodeId, now: Time) -> Transit {
        if from == to {
            return Transit { due: now, arrive: now, lost: None };
        }
        let rule = self.links.get(&link_key(from, to));
        let (lo, hi) = rule.and_then(|r| r.delay).unwrap_or((self.config.delay_min, self.config.delay_max));
        let drop = rule.and_then(|r| r.drop).unwrap_or(self.config.drop);
        let delay = rng.between(lo, hi).max(1);
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
            let t = net.transit(&mut rng, 0, 1, now);
            assert!(t.due >= last);
            last = t.due;
        }
    }

    #[test]
    fn partition_and_cut_kill_messages() {
        let mut net = Network::new(NetworkConfig::default());
        let mut rng = SimRng::new(1);
        net.groups = Some(vec![0, 0, 1]);
        assert_eq!(net.transit(&mut rng, 0, 2, 0).lost, Some(LossReason::Cut));
        assert_eq!(net.transit(&mut rng, 0, 1, 0).lost, None);
        net.groups = None;
        net.links.insert(link_key(1, 0), LinkRule { cut: true, ..Default::default() });
        assert_eq!(net.transit(&mut rng, 0, 1, 0).lost, Some(LossReason::Cut));
    }
}
