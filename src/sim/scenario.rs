//! A scenario is a run, fully described: protocol, N, topology, seed, network settings,
//! parameters, interventions, and where the cursor stands. It travels as a URL fragment:
//!
//! ```text
//! #v=1&proto=election-ring&n=8&seed=42&topo=ring&delay=40-80&drop=0&dup=0&fifo=1
//!     &p.ids=worst&act=12@340:crash:3,20:heal&at=57
//! ```
//!
//! How the page shows the run (speed, stamps, span, selection, theme, text size, a drawn
//! cut, embedding, presenter mode) is the page's business: those keys pass here unread.
//!
//! Reading is tolerant: unknown keys are ignored; a bad value yields a [`ScenarioError`]
//! naming the key and what is accepted, and that key keeps its default. Callers that must
//! not guess (the command-line runner) treat any error as fatal.

use std::fmt;

use super::act::{parse_range, AnchoredAct, TimedAct};
use super::network::{format_percent, parse_percent, DelayShape, NetworkConfig, Spike, Tail};
use super::params::{parse_bool, Params};
use super::protocol::{ProtocolInfo, Setup};
use super::simulation::{ProtocolEntry, Simulation};
use super::topology::{Graph, Topology, TopologyKind};
use super::Time;
use crate::phrase;
use crate::words::{Dictionary, Lang, Text};

pub const FORMAT_VERSION: &str = "1";
pub const DEFAULT_SEED: u64 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The URL key at fault ("n", "p.ids", "act"...).
    pub key: String,
    /// What is wrong and what is accepted, in words (the core's, so any page can say it).
    pub message: Text,
}

impl ScenarioError {
    /// "key: message", to be read in the viewer's language.
    pub fn text(&self) -> Text {
        phrase!("url.problem", self.key.as_str(), self.message.clone())
    }
}

/// In English, as the command line prints it.
impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Dictionary::new(Lang::En, &[], &[]).render(&self.text()))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub protocol: &'static str,
    pub n: usize,
    pub seed: u64,
    pub topology: Topology,
    pub network: NetworkConfig,
    /// Spikes and a long tail on every link (`spike=5/400`, `tail=25/50`), off unless
    /// the link asks.
    pub delays: DelayShape,
    pub params: Params,
    pub acts: Vec<TimedAct>,
    /// Interventions that wait for a protocol milestone.
    pub anchored: Vec<AnchoredAct>,
    /// The language the link was shared in (a viewing matter: the run is the same).
    pub lang: Option<Lang>,
    /// The step the cursor stands on; None means "at the start".
    pub at: Option<u64>,
    /// The instant the picture shows, when it is later than that step (paused mid-flight).
    pub at_time: Option<Time>,
}

fn find<'a>(registry: &'a [ProtocolEntry], id: &str) -> Option<(&'a ProtocolEntry, ProtocolInfo)> {
    registry.iter().map(|e| (e, e.info())).find(|(_, info)| info.id == id)
}

fn err(key: &str, message: Text) -> ScenarioError {
    ScenarioError { key: key.to_string(), message }
}

/// Undo %XX escapes (a fragment copied through a chat client may come back escaped).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The keys and values of a full URL, a fragment (with or without '#') or a bare
/// protocol id, unescaped, in order. The page reads its own view keys from the same pairs.
pub fn link_pairs(text: &str) -> Vec<(String, String)> {
    let text = text.trim();
    let fragment = match text.split_once('#') {
        Some((_, f)) => f,
        None => text.rsplit_once('?').map_or(text, |(_, q)| q),
    };
    fragment
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            // A bare word is a protocol id.
            None => ("proto".to_string(), percent_decode(p)),
        })
        .collect()
}

impl Scenario {
    /// The protocol's defaults, seed 1, no interventions.
    pub fn defaults(info: &ProtocolInfo) -> Scenario {
        Scenario {
            protocol: info.id,
            n: info.nodes.default,
            seed: DEFAULT_SEED,
            topology: info.topologies[0].default_topology(),
            network: info.network.clone(),
            delays: DelayShape::NONE,
            params: Params::defaults(&info.params),
            acts: Vec::new(),
            anchored: Vec::new(),
            lang: None,
            at: None,
            at_time: None,
        }
    }

    /// The same run without viewing matters (cursor, language): equal runs compare equal.
    pub fn run_only(&self) -> Scenario {
        Scenario { at: None, at_time: None, lang: None, ..self.clone() }
    }

    /// Read a scenario from a full URL, a fragment (with or without '#'), or a bare
    /// protocol id. Always returns a runnable scenario plus what was wrong with the text.
    pub fn parse(text: &str, registry: &[ProtocolEntry]) -> (Scenario, Vec<ScenarioError>) {
        let mut errors = Vec::new();
        let pairs = link_pairs(text);
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in &pairs {
            if k != "act" && seen.contains(&k.as_str()) && !errors.iter().any(|e: &ScenarioError| e.key == *k) {
                errors.push(err(k, phrase!("url.twice", k.as_str(), get(k).unwrap_or(""))));
            }
            seen.push(k);
        }

        if let Some(v) = get("v").filter(|v| *v != FORMAT_VERSION) {
            errors.push(err("v", phrase!("url.version", v, FORMAT_VERSION)));
        }
        let default_info = registry[0].info();
        let info = match get("proto") {
            None => default_info,
            Some(id) => match find(registry, id) {
                Some((_, info)) => info,
                None => {
                    let ids: Vec<&str> = registry.iter().map(|e| e.info().id).collect();
                    errors.push(err("proto", phrase!("url.proto", id, ids.join(", "), default_info.id)));
                    default_info
                }
            },
        };
        let mut s = Scenario::defaults(&info);

        if let Some(v) = get("n") {
            let r = info.nodes;
            match v.parse::<usize>() {
                Ok(n) if (r.min..=r.max).contains(&n) => s.n = n,
                _ => errors.push(err("n", phrase!("url.n", v, r.min, r.max, info.id))),
            }
        }
        if let Some(v) = get("seed") {
            match v.parse::<u64>() {
                Ok(seed) => s.seed = seed,
                Err(_) => errors.push(err("seed", phrase!("url.seed", v, u64::MAX))),
            }
        }
        if let Some(v) = get("topo") {
            // Read it, then check its kind against the protocol and its nodes against N.
            let accepted = TopologyKind::describe(info.topologies);
            let id = info.id;
            match Topology::parse_reason(v) {
                Err(why) => errors.push(err("topo", phrase!("url.topo.bad", v, id, why, accepted))),
                Ok(t) if !info.topologies.contains(&t.kind()) => errors.push(err("topo", phrase!("url.topo.kind", v, id, accepted))),
                Ok(t) => match Graph::build(&t, s.n, s.seed) {
                    Ok(_) => s.topology = t,
                    Err(why) => errors.push(err("topo", phrase!("url.topo.build", v, id, s.n, why, accepted))),
                },
            }
        }
        if let Some(v) = get("delay") {
            match parse_range(v) {
                Some((lo, hi)) => (s.network.delay_min, s.network.delay_max) = (lo, hi),
                None => errors.push(err("delay", phrase!("url.delay", v, super::network::MAX_DELAY))),
            }
        }
        for (key, slot) in [("drop", &mut s.network.drop), ("dup", &mut s.network.duplicate)] {
            if let Some(v) = get(key) {
                match parse_percent(v) {
                    Some(p) => *slot = p,
                    None => errors.push(err(key, phrase!("url.percent", v))),
                }
            }
        }
        if let Some(v) = get("spike") {
            match Spike::parse(v) {
                Some(x) => s.delays.spike = Some(x),
                None => errors.push(err("spike", phrase!("url.spike", v, super::network::MAX_DELAY))),
            }
        }
        if let Some(v) = get("tail") {
            match Tail::parse(v) {
                Some(x) => s.delays.tail = Some(x),
                None => errors.push(err("tail", phrase!("url.tail", v, super::network::MAX_DELAY))),
            }
        }
        if let Some(v) = get("fifo") {
            match parse_bool(v) {
                Some(b) => s.network.fifo = b,
                None => errors.push(err("fifo", phrase!("url.fifo", v))),
            }
        }
        for spec in &info.params {
            let key = format!("p.{}", spec.name);
            if let Some(v) = get(&key) {
                match spec.parse(v).and_then(|value| spec.check(&value, s.n).map(|_| value)) {
                    Ok(value) => {
                        s.params.0.insert(spec.name, value);
                    }
                    Err(message) => errors.push(err(&key, message)),
                }
            }
        }
        if let Some(v) = get("lang") {
            match Lang::parse(v) {
                Some(l) => s.lang = Some(l),
                None => errors.push(err("lang", phrase!("url.lang", v))),
            }
        }
        // Interventions may come in one `act=` list or several (hand-written links
        // often add one at a time); every other key counts once.
        let acts = pairs.iter().filter(|(k, _)| k == "act").flat_map(|(_, v)| v.split(','));
        {
            for item in acts.filter(|i| !i.is_empty()) {
                if item.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    match AnchoredAct::parse(item) {
                        Ok(a) => match a.act.nodes().into_iter().chain(a.anchor.node()).find(|&x| x >= s.n) {
                            Some(bad) => errors.push(err("act", phrase!("url.act.node", item, bad, s.n - 1))),
                            None => s.anchored.push(a),
                        },
                        Err(message) => errors.push(err("act", phrase!("url.act.skipped", message))),
                    }
                    continue;
                }
                match TimedAct::parse(item) {
                    Ok(a) => match a.act.nodes().into_iter().find(|&x| x >= s.n) {
                        Some(bad) => errors.push(err("act", phrase!("url.act.node", item, bad, s.n - 1))),
                        None => s.acts.push(a),
                    },
                    Err(message) => errors.push(err("act", phrase!("url.act.skipped", message))),
                }
            }
        }
        if let Some(v) = get("at") {
            let (step, time) = match v.split_once('@') {
                Some((step, time)) => (step, Some(time)),
                None => (v, None),
            };
            match (step.parse::<u64>(), time.map(|t| t.parse::<Time>())) {
                (Ok(at), None) => s.at = Some(at),
                (Ok(at), Some(Ok(t))) => (s.at, s.at_time) = (Some(at), Some(t)),
                _ => errors.push(err("at", phrase!("url.at", v))),
            }
        }
        (s, errors)
    }

    /// As [`Scenario::parse`], but any problem is an error (for the command line).
    pub fn parse_strict(text: &str, registry: &[ProtocolEntry]) -> Result<Scenario, Vec<ScenarioError>> {
        let (s, errors) = Scenario::parse(text, registry);
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }

    /// The fragment, without '#'. Keys come in a fixed order so equal runs give equal links.
    pub fn to_fragment(&self) -> String {
        let c = &self.network;
        let mut out = format!(
            "v={FORMAT_VERSION}&proto={}&n={}&seed={}&topo={}&delay={}-{}&drop={}&dup={}&fifo={}",
            self.protocol,
            self.n,
            self.seed,
            self.topology.encode(),
            c.delay_min,
            c.delay_max,
            format_percent(c.drop),
            format_percent(c.duplicate),
            if c.fifo { 1 } else { 0 }
        );
        if let Some(x) = self.delays.spike {
            out.push_str(&format!("&spike={}", x.encode()));
        }
        if let Some(x) = self.delays.tail {
            out.push_str(&format!("&tail={}", x.encode()));
        }
        for (name, value) in &self.params.0 {
            out.push_str(&format!("&p.{name}={value}"));
        }
        if !self.acts.is_empty() || !self.anchored.is_empty() {
            let acts: Vec<String> = self.anchored.iter().map(|a| a.encode()).chain(self.acts.iter().map(|a| a.encode())).collect();
            out.push_str(&format!("&act={}", acts.join(",")));
        }
        if let Some(lang) = self.lang {
            out.push_str(&format!("&lang={}", lang.code()));
        }
        match (self.at, self.at_time) {
            (Some(at), Some(t)) => out.push_str(&format!("&at={at}@{t}")),
            (Some(at), None) => out.push_str(&format!("&at={at}")),
            _ => {}
        }
        out
    }

    /// The validated settings a protocol is built from, with the topology built for this
    /// N and seed; a topology that cannot be built is an error on key `topo`.
    pub fn setup(&self) -> Result<Setup, ScenarioError> {
        let setup = Setup::new(self.n, self.topology.clone(), self.params.clone(), self.seed).map_err(|m| err("topo", m))?;
        Ok(Setup { delays: self.delays, ..setup })
    }

    /// Start the run at step 0 (interventions are the history's business).
    pub fn start(&self, registry: &[ProtocolEntry]) -> Result<Box<dyn Simulation>, ScenarioError> {
        let (entry, _) = find(registry, self.protocol).ok_or_else(|| err("proto", phrase!("url.no_proto", self.protocol)))?;
        // A protocol refuses a setting only when a parameter's own check missed it (a
        // link's values are checked above), so its sentence stays as the protocol wrote it.
        entry.start(self.setup()?, self.network.clone(), self.seed, self.anchored.clone()).map_err(|m| err("p", Text::plain(m)))
    }
}
