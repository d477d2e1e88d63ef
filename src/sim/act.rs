//! Interventions: what a user can do to a run, as data. A run is its scenario plus the
//! list of these, each tagged with the step it follows, so the same list replays the
//! same run.

use super::network::{format_percent, parse_percent, DelayShape, NetworkConfig, MAX_DELAY};
use super::params::parse_bool;
use super::rng::Ppm;
use super::{MsgId, NodeId, Time};
use crate::phrase;
use crate::words::Text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    Crash(NodeId),
    Recover(NodeId),
    /// A protocol input, e.g. "request" (node wants the critical section), with its
    /// argument when the input takes one (a command value, a receiver).
    Input(NodeId, String, Option<String>),
    /// Drop one message in flight.
    Drop(MsgId),
    /// Hold one message in flight for this much longer.
    Delay(MsgId, Time),
    /// The network delivers one message twice.
    Duplicate(MsgId),
    Cut(NodeId, NodeId),
    /// Undo a cut and any per-link rule.
    Restore(NodeId, NodeId),
    /// A per-link rule: this link's own delay range and drop rate.
    Link(NodeId, NodeId, (Time, Time), Ppm),
    /// Split the nodes into groups that cannot talk to each other.
    Partition(Vec<Vec<NodeId>>),
    Heal,
    /// New network panel settings.
    Network(NetworkConfig),
    /// Spikes and a long tail on one link, or on every link without its own (None).
    Delays(Option<(NodeId, NodeId)>, DelayShape),
}

/// An intervention applied after engine step `step`, at simulated time `time` (which lies
/// between that step and the next, so a click mid-flight replays mid-flight).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedAct {
    pub step: u64,
    pub time: Option<Time>,
    pub act: Act,
}

/// A protocol milestone an intervention can wait for, so a scenario says what it means
/// ("crash the coordinator after it has sent Prepare twice") and keeps meaning it when
/// timings change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The `nth` send of a message of `kind` (by `by`, or by anyone).
    Send { kind: String, by: Option<NodeId>, nth: u32 },
    /// The `nth` time a handler marks `tag` (by `by`, or by anyone).
    Mark { tag: String, by: Option<NodeId>, nth: u32 },
}

/// An intervention applied the moment its milestone happens, in the middle of the
/// handler if need be (a crash there stops the handler's remaining sends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnchoredAct {
    pub anchor: Anchor,
    pub act: Act,
}

impl Anchor {
    /// `send.prepare.n0.2`, `mark.decided.n0`, `mark.decided`.
    pub fn encode(&self) -> String {
        let (verb, name, by, nth) = match self {
            Anchor::Send { kind, by, nth } => ("send", kind, by, nth),
            Anchor::Mark { tag, by, nth } => ("mark", tag, by, nth),
        };
        let mut out = format!("{verb}.{name}");
        if let Some(b) = by {
            out.push_str(&format!(".n{b}"));
        }
        if *nth != 1 {
            out.push_str(&format!(".{nth}"));
        }
        out
    }

    pub fn parse(text: &str) -> Option<Anchor> {
        let mut parts = text.split('.');
        let verb = parts.next()?;
        let name = parts.next().filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))?.to_string();
        let (mut by, mut nth) = (None, 1u32);
        for p in parts {
            match p.strip_prefix('n') {
                Some(node) if by.is_none() => by = Some(node.parse().ok()?),
                _ => nth = p.parse().ok().filter(|&k| k >= 1)?,
            }
        }
        match verb {
            "send" => Some(Anchor::Send { kind: name, by, nth }),
            "mark" => Some(Anchor::Mark { tag: name, by, nth }),
            _ => None,
        }
    }

    pub fn node(&self) -> Option<NodeId> {
        match self {
            Anchor::Send { by, .. } | Anchor::Mark { by, .. } => *by,
        }
    }
}

impl AnchoredAct {
    pub fn encode(&self) -> String {
        format!("{}:{}", self.anchor.encode(), self.act.encode())
    }

    /// `ANCHOR:ACT`, e.g. `send.prepare.n0.2:crash:0`.
    pub fn parse(text: &str) -> Result<AnchoredAct, Text> {
        let bad = || phrase!("act.err.anchored", text, Text::key("act.anchor_forms"), ACT_FORMS);
        let (when, act) = text.split_once(':').ok_or_else(bad)?;
        let anchor = Anchor::parse(when).ok_or_else(bad)?;
        let act = Act::parse(act).map_err(|_| bad())?;
        Ok(AnchoredAct { anchor, act })
    }
}

pub const ACT_FORMS: &str = "crash:N, recover:N, input:N:NAME[=ARG], drop:MSG, delay:MSG:TICKS, dup:MSG, cut:A-B, restore:A-B, link:A-B:MIN-MAX/DROP%, partition:0.1/2.3, heal, net:MIN-MAX/DROP%/DUP%/fifo|any, delays:[A-B:]spike=P%/TICKS+tail=P%/TICKS|none";

impl Act {
    /// Short readable form used in URLs and the log, e.g. `crash:3` or `cut:1-2`.
    pub fn encode(&self) -> String {
        match self {
            Act::Crash(n) => format!("crash:{n}"),
            Act::Recover(n) => format!("recover:{n}"),
            Act::Input(n, i, None) => format!("input:{n}:{i}"),
            Act::Input(n, i, Some(arg)) => format!("input:{n}:{i}={arg}"),
            Act::Drop(m) => format!("drop:{m}"),
            Act::Delay(m, t) => format!("delay:{m}:{t}"),
            Act::Duplicate(m) => format!("dup:{m}"),
            Act::Cut(a, b) => format!("cut:{a}-{b}"),
            Act::Restore(a, b) => format!("restore:{a}-{b}"),
            Act::Link(a, b, (lo, hi), drop) => format!("link:{a}-{b}:{lo}-{hi}/{}", format_percent(*drop)),
            Act::Partition(groups) => format!(
                "partition:{}",
                groups.iter().map(|g| g.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(".")).collect::<Vec<_>>().join("/")
            ),
            Act::Heal => "heal".into(),
            Act::Network(c) => format!(
                "net:{}-{}/{}/{}/{}",
                c.delay_min,
                c.delay_max,
                format_percent(c.drop),
                format_percent(c.duplicate),
                if c.fifo { "fifo" } else { "any" }
            ),
            Act::Delays(None, shape) => format!("delays:{}", shape.encode()),
            Act::Delays(Some((a, b)), shape) => format!("delays:{a}-{b}:{}", shape.encode()),
        }
    }

    pub fn parse(text: &str) -> Result<Act, Text> {
        let bad = || phrase!("act.err.bad", text, ACT_FORMS);
        let mut parts = text.splitn(3, ':');
        let verb = parts.next().unwrap_or("");
        let a = parts.next();
        let b = parts.next();
        let num = |s: Option<&str>| s.and_then(|s| s.trim().parse::<usize>().ok()).ok_or_else(bad);
        let pair = |s: Option<&str>| -> Result<(usize, usize), Text> {
            let (x, y) = s.and_then(|s| s.split_once('-')).ok_or_else(bad)?;
            Ok((x.trim().parse().map_err(|_| bad())?, y.trim().parse().map_err(|_| bad())?))
        };
        let act = match verb {
            "crash" => Act::Crash(num(a)?),
            "recover" => Act::Recover(num(a)?),
            "input" => {
                let spec = b.ok_or_else(bad)?;
                let (name, arg) = match spec.split_once('=') {
                    Some((name, arg)) => (name, Some(arg)),
                    None => (spec, None),
                };
                let word = |s: &str, extra: &str| !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c) || extra.contains(c));
                if !word(name, "") || arg.is_some_and(|a| !word(a, ".=")) {
                    return Err(bad());
                }
                Act::Input(num(a)?, name.to_string(), arg.map(str::to_string))
            }
            "drop" => Act::Drop(num(a)?),
            "delay" => {
                let t = b.and_then(|s| s.parse::<Time>().ok()).filter(|t| (1..=MAX_DELAY).contains(t)).ok_or_else(bad)?;
                Act::Delay(num(a)?, t)
            }
            "dup" => Act::Duplicate(num(a)?),
            "cut" => {
                let (x, y) = pair(a)?;
                Act::Cut(x, y)
            }
            "restore" => {
                let (x, y) = pair(a)?;
                Act::Restore(x, y)
            }
            "link" => {
                let (x, y) = pair(a)?;
                let (range, drop) = b.and_then(|r| r.split_once('/')).ok_or_else(bad)?;
                Act::Link(x, y, parse_range(range).ok_or_else(bad)?, parse_percent(drop).ok_or_else(bad)?)
            }
            "partition" => {
                let groups: Result<Vec<Vec<usize>>, Text> = a
                    .ok_or_else(bad)?
                    .split('/')
                    .map(|g| g.split('.').map(|n| n.trim().parse::<usize>().map_err(|_| bad())).collect())
                    .collect();
                let groups = groups?;
                if groups.len() < 2 {
                    return Err(bad());
                }
                Act::Partition(groups)
            }
            "heal" if a.is_none() => Act::Heal,
            "net" => {
                let rest = match (a, b) {
                    (Some(a), None) => a.to_string(),
                    _ => return Err(bad()),
                };
                let f: Vec<&str> = rest.split('/').collect();
                if f.len() != 4 {
                    return Err(bad());
                }
                let (lo, hi) = parse_range(f[0]).ok_or_else(bad)?;
                let fifo = match f[3] {
                    "fifo" => true,
                    "any" => false,
                    other => parse_bool(other).ok_or_else(bad)?,
                };
                Act::Network(NetworkConfig {
                    delay_min: lo,
                    delay_max: hi,
                    drop: parse_percent(f[1]).ok_or_else(bad)?,
                    duplicate: parse_percent(f[2]).ok_or_else(bad)?,
                    fifo,
                })
            }
            "delays" => match (a, b) {
                (Some(shape), None) => Act::Delays(None, DelayShape::parse(shape).ok_or_else(bad)?),
                (Some(_), Some(shape)) => Act::Delays(Some(pair(a)?), DelayShape::parse(shape).ok_or_else(bad)?),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        Ok(act)
    }

    /// Nodes this act names, to check them against N.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Act::Crash(n) | Act::Recover(n) | Act::Input(n, ..) => vec![*n],
            Act::Cut(a, b) | Act::Restore(a, b) | Act::Link(a, b, ..) | Act::Delays(Some((a, b)), _) => vec![*a, *b],
            Act::Partition(g) => g.iter().flatten().copied().collect(),
            _ => vec![],
        }
    }
}

/// A delay range "40-80" (or a single "50"), within 1..=MAX_DELAY.
pub fn parse_range(text: &str) -> Option<(Time, Time)> {
    let (lo, hi) = match text.split_once('-') {
        Some((lo, hi)) => (lo.trim().parse().ok()?, hi.trim().parse().ok()?),
        None => {
            let v = text.trim().parse().ok()?;
            (v, v)
        }
    };
    (1 <= lo && lo <= hi && hi <= MAX_DELAY).then_some((lo, hi))
}

impl TimedAct {
    /// `<step>[@<time>]:<act>`, e.g. `12@340:crash:3`.
    pub fn encode(&self) -> String {
        match self.time {
            Some(t) => format!("{}@{}:{}", self.step, t, self.act.encode()),
            None => format!("{}:{}", self.step, self.act.encode()),
        }
    }

    pub fn parse(text: &str) -> Result<TimedAct, Text> {
        let bad = || phrase!("act.err.timed", text, ACT_FORMS);
        let (when, act) = text.split_once(':').ok_or_else(bad)?;
        let (step, time) = match when.split_once('@') {
            Some((s, t)) => (s.parse().map_err(|_| bad())?, Some(t.parse().map_err(|_| bad())?)),
            None => (when.parse().map_err(|_| bad())?, None),
        };
        let act = Act::parse(act).map_err(|_| phrase!("act.err.timed_act", text, ACT_FORMS))?;
        Ok(TimedAct { step, time, act })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::{Spike, Tail};

    #[test]
    fn acts_round_trip() {
        let acts = [
            Act::Crash(3),
            Act::Recover(0),
            Act::Input(2, "request".into(), None),
            Act::Input(1, "put".into(), Some("k.7".into())),
            Act::Drop(17),
            Act::Delay(4, 250),
            Act::Duplicate(9),
            Act::Cut(1, 2),
            Act::Restore(2, 1),
            Act::Link(0, 3, (200, 400), 25_000),
            Act::Partition(vec![vec![0, 1], vec![2, 3, 4]]),
            Act::Heal,
            Act::Network(NetworkConfig { delay_min: 10, delay_max: 90, drop: 5_000, duplicate: 100_000, fifo: false }),
            Act::Delays(None, DelayShape { spike: Some(Spike { chance: 50_000, extra: 400 }), tail: None }),
            Act::Delays(Some((2, 5)), DelayShape { spike: Some(Spike { chance: 1, extra: 1 }), tail: Some(Tail { chance: 250_000, scale: 50 }) }),
            Act::Delays(Some((0, 1)), DelayShape::NONE),
        ];
        for act in acts {
            assert_eq!(Act::parse(&act.encode()), Ok(act.clone()), "{}", act.encode());
            let timed = TimedAct { step: 12, time: Some(340), act };
            assert_eq!(TimedAct::parse(&timed.encode()), Ok(timed));
        }
    }

    #[test]
    fn bad_acts_name_the_accepted_forms() {
        let shapes = ["delays", "delays:spike=0/400", "delays:spike=5/0", "delays:tail=100/50", "delays:tail=5", "delays:spike=5/4+spike=5/4", "delays:1-2", "delays:x-2:none", "delays:bump=5/4"];
        for bad in ["explode:3", "crash", "crash:x", "delay:3", "delay:3:0", "cut:1", "partition:1", "net:1-2/x/0/fifo", "input:1:"].into_iter().chain(shapes) {
            let err = Act::parse(bad).unwrap_err().en(&[]);
            assert!(err.contains(bad) && err.contains("crash:N"), "{bad}: {err}");
        }
        assert!(TimedAct::parse("x:crash:1").unwrap_err().en(&[]).contains("STEP[@TIME]:ACT"));
        assert!(Act::parse("input:1:put=a b").is_err(), "arguments are single words");
    }

    #[test]
    fn anchored_acts_round_trip_and_refuse_nonsense() {
        for text in ["send.prepare.n0.2:crash:0", "mark.decided.n0:crash:0", "mark.decided:heal", "send.token.3:drop:4"] {
            let a = AnchoredAct::parse(text).unwrap();
            assert_eq!(a.encode(), text);
        }
        let a = AnchoredAct::parse("send.prepare.n0.2:crash:0").unwrap();
        assert_eq!(a.anchor, Anchor::Send { kind: "prepare".into(), by: Some(0), nth: 2 });
        for bad in ["send:crash:0", "shout.x:crash:0", "send.x.0:crash:0", "send.x.nq:crash:0", "mark.x:explode"] {
            let err = AnchoredAct::parse(bad).unwrap_err().en(&[]);
            assert!(err.contains("ANCHOR:ACT") && err.contains("send.KIND"), "{bad}: {err}");
        }
    }
}
