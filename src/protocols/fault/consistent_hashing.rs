//! # Consistent hashing
//!
//! Where does a key live when there are many servers, and what happens when a server comes
//! or goes? The naive answer hashes the key and takes the remainder by the number of
//! servers, `hash(k) mod N`: even, simple, and a disaster when N changes, because almost
//! every remainder changes with it (going from N to N+1 servers keeps a key in place only
//! when both remainders agree, about one key in N+1: the rest, N/(N+1) of all keys, move).
//!
//! Consistent hashing (Karger et al., 1997) hashes servers and keys onto the same circle,
//! the *ring*, and gives each key to the first server point clockwise from it. A server
//! that joins takes over only the keys between its point and the point before it; a server
//! that leaves hands only its own keys to its successor. About K/N keys move, a share of
//! 1/N, and only to or from the server that changed. Ring positions of a few servers are
//! uneven (one server may own a third of the circle), so each server may put several
//! *virtual nodes* on the ring: more, smaller arcs whose sum evens out. And since a key's
//! successors are the natural heirs, a key can be stored on the next R distinct servers
//! clockwise, so that one crash loses nothing. (The course notes place a key at the
//! *nearest* server point, either way; the standard version, followed here, takes the
//! first point clockwise.)
//!
//! The system drawn: node 0 is the client, in the middle of the ring. It also keeps the
//! ring's membership list (the job a configuration service does in real systems) and
//! tells the servers each new version of it. Nodes 1 to `servers` start on the ring,
//! each holding the keys it owns and copies of those of its R-1 predecessors; the nodes
//! after them start outside and join when recovered (a click, `recover:N`).
//!
//! - The client asks the key's first server for it (`Get`) or writes it (`Put`, which
//!   the server copies to the key's other R-1 servers with `Replicate`). A server that
//!   does not answer within the timeout is declared down: the client takes it off the
//!   ring and asks the next one.
//! - A server that joins (recovered, or the input "join") sends `Join`; one that leaves
//!   gracefully (the input "leave") sends `Leave`. The client then sends the new list,
//!   `Ring`, to the servers. Each server compares the key's old and new servers: for each
//!   key that gains a server, the first live old holder sends it (`Transfer`); a server
//!   that is no longer among a key's servers drops it.
//!
//! Hashes are portable (`view::mix64`, salted by the run's seed) so a run replays
//! everywhere. The same keys are also placed by `hash mod N` over the sorted list of
//! servers, never used to store anything, so every change is measured both ways: the
//! share of keys whose first server changed on the ring and under mod-N, the load per
//! server (bars), max/mean load, the copies shipped, and the keys with no live copy.
//!
//! Messages: `Get`, `Put`, `Value`, `Stored`, `Replicate`, `Join`, `Leave`, `Ring`,
//! `Transfer`. Timer: the client's `Timeout` (a countdown). Invariant: no key is lost
//! (promised from R = 2: one crash between repairs leaves a copy).

use std::collections::BTreeMap;

use crate::phrase;
use crate::sim::engine::RunView;
use crate::sim::protocol::*;
use crate::sim::topology::TopologyKind;
use crate::sim::trace::{Event, Trace};
use crate::sim::view::{mix64, Chart, ChartKind, ItemMark, NodeView, Placement, Ring, Series, Tone, TURN};
use crate::sim::{NodeId, ParamSpec, Time};
use crate::words::{w, Text, Words};

/// The client, which also keeps the ring's membership list.
pub const CLIENT: NodeId = 0;
/// How long the client waits for an answer before it declares the server down (four
/// round trips at the default delays of 40 to 80 ticks).
pub const TIMEOUT: Time = 400;
/// Tries of one request (the first and the retries at the next server).
const TRIES: u32 = 4;
/// How long keys that moved stay highlighted, in ticks.
pub const HIGHLIGHT: Time = 1_500;

/// Where servers and keys fall: the run's hash functions and the ring built from them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Geometry {
    salt: u64,
    pub keys: u32,
    pub vnodes: u32,
    pub r: usize,
}

impl Geometry {
    /// A key's hash: its angle is the high half, its remainder under mod-N the whole.
    pub fn key_hash(&self, k: u32) -> u64 {
        mix64(self.salt ^ (0x4B45_5900_0000_0000 | k as u64))
    }
    pub fn key_angle(&self, k: u32) -> u32 {
        (((self.key_hash(k) >> 32) * TURN as u64) >> 32) as u32
    }
    /// Server `s`'s point number `v` (0 is its own, drawn with the node).
    pub fn point(&self, s: NodeId, v: u32) -> u32 {
        let h = mix64(self.salt ^ (0x5352_5600_0000_0000 | (s as u64) << 16 | v as u64));
        (((h >> 32) * TURN as u64) >> 32) as u32
    }
    /// Every point of `members`, in clockwise order.
    pub fn points(&self, members: &[NodeId]) -> Vec<(u32, NodeId)> {
        let mut all: Vec<(u32, NodeId)> = members.iter().flat_map(|&s| (0..self.vnodes).map(move |v| (self.point(s, v), s))).collect();
        all.sort_unstable();
        all
    }
    /// The servers of the key at `angle`: the first R distinct servers clockwise.
    pub fn servers_at(&self, points: &[(u32, NodeId)], angle: u32) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = Vec::with_capacity(self.r);
        let start = points.partition_point(|&(a, _)| a < angle);
        for k in 0..points.len() {
            let s = points[(start + k) % points.len()].1;
            if !out.contains(&s) {
                out.push(s);
                if out.len() == self.r {
                    break;
                }
            }
        }
        out
    }
    pub fn servers_of(&self, points: &[(u32, NodeId)], k: u32) -> Vec<NodeId> {
        self.servers_at(points, self.key_angle(k))
    }
    /// Each key's first server on the ring of `members` (None on an empty ring).
    pub fn owners(&self, members: &[NodeId]) -> Vec<Option<NodeId>> {
        let points = self.points(members);
        (0..self.keys)
            .map(|k| {
                let at = points.partition_point(|&(a, _)| a < self.key_angle(k));
                points.get(at).or(points.first()).map(|p| p.1)
            })
            .collect()
    }
    /// Each key's server under `hash mod N`, over the sorted list of `members`.
    pub fn owners_mod(&self, members: &[NodeId]) -> Vec<Option<NodeId>> {
        (0..self.keys).map(|k| (!members.is_empty()).then(|| members[(self.key_hash(k) % members.len() as u64) as usize])).collect()
    }
}

/// Keys per server, in the order of `members`.
fn loads(owners: &[Option<NodeId>], members: &[NodeId]) -> Vec<u32> {
    members.iter().map(|&s| owners.iter().filter(|o| **o == Some(s)).count() as u32).collect()
}

/// The largest load over the mean; None without servers or keys.
fn max_over_mean(loads: &[u32]) -> Option<f64> {
    let total: u32 = loads.iter().sum();
    (total > 0).then(|| *loads.iter().max().expect("servers") as f64 * loads.len() as f64 / total as f64)
}

/// How many keys changed server between two placements.
fn moved(before: &[Option<NodeId>], after: &[Option<NodeId>]) -> Vec<u32> {
    (0..before.len()).filter(|&k| before[k] != after[k]).map(|k| k as u32).collect()
}

pub struct ConsistentHashing {
    n: usize,
    geo: Geometry,
    /// Servers on the ring at the start: nodes 1 to this.
    servers: usize,
}

/// One request of the client.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub id: u32,
    pub key: u32,
    /// The value written; None: a read.
    pub put: Option<u32>,
    pub to: NodeId,
    pub tries: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Node {
    /// The ring as this node knows it: its version and its servers, sorted.
    pub epoch: u32,
    pub members: Vec<NodeId>,
    /// A server's keys, with their values.
    pub store: BTreeMap<u32, u32>,
    /// The client's open request, and what it has counted.
    pub open: Option<Request>,
    pub next_id: u32,
    pub answers: u32,
    pub misses: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Get { id: u32, key: u32 },
    Put { id: u32, key: u32, value: u32 },
    /// The answer to a read: the value, or None when the server holds no copy.
    Value { id: u32, key: u32, value: Option<u32> },
    Stored { id: u32, key: u32 },
    Replicate { key: u32, value: u32 },
    /// A server asks to join; `fresh`: it lost everything (it recovered from a crash).
    Join { fresh: bool },
    Leave,
    /// The ring's new version; `gone`: a server declared down, that can hand nothing over.
    Ring { epoch: u32, members: Vec<NodeId>, gone: Option<NodeId> },
    /// Keys handed over under ring version `epoch`.
    Transfer { epoch: u32, keys: Vec<(u32, u32)> },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    Timeout(u32),
}

const REQUEST: InputSpec = InputSpec::plain("request");
const GET: InputSpec = InputSpec::with("get", ArgKind::Int { min: 0, max: 999 });
const PUT: InputSpec = InputSpec::with("put", ArgKind::Int { min: 0, max: 999 });
const LEAVE: InputSpec = InputSpec::plain("leave");
const JOIN: InputSpec = InputSpec::plain("join");

impl ConsistentHashing {
    fn initial_members(&self) -> Vec<NodeId> {
        (1..=self.servers).collect()
    }

    fn fresh(&self) -> Node {
        Node { epoch: 0, members: self.initial_members(), store: BTreeMap::new(), open: None, next_id: 0, answers: 0, misses: 0 }
    }

    /// The client asks the key's first server (or gives up when the ring is empty).
    fn ask(&self, s: &mut Node, req: Request, ctx: &mut Ctx<Self>) {
        let points = self.geo.points(&s.members);
        let Some(&to) = self.geo.servers_of(&points, req.key).first() else {
            ctx.note(Text::key("note.empty_ring"));
            s.open = None;
            return;
        };
        let req = Request { to, ..req };
        ctx.send(to, match req.put {
            Some(value) => Msg::Put { id: req.id, key: req.key, value },
            None => Msg::Get { id: req.id, key: req.key },
        });
        ctx.set_timer(TIMEOUT, Timer::Timeout(req.id));
        s.open = Some(req);
    }

    /// The client's new version of the ring, told to every server that was or is on it
    /// (and to the one that left, so it hands its keys over), with the change's mark.
    fn change(&self, s: &mut Node, members: Vec<NodeId>, tag: &'static str, server: NodeId, ctx: &mut Ctx<Self>) {
        let gone = (tag == "down").then_some(server);
        let mut told: Vec<NodeId> = s.members.iter().chain(&members).copied().chain(std::iter::once(server)).filter(|&x| Some(x) != gone).collect();
        told.sort_unstable();
        told.dedup();
        s.epoch += 1;
        s.members = members;
        ctx.mark_with(tag, server as u64);
        ctx.note(phrase!(match tag {
            "join" => "note.joins",
            "leave" => "note.leaves_ring",
            _ => "note.declared_down",
        }, server, s.members.len()));
        for x in told {
            ctx.send(x, Msg::Ring { epoch: s.epoch, members: s.members.clone(), gone });
        }
    }

    /// A server takes a new version of the ring: it ships each key it is the first live
    /// old holder of to the key's new servers, and drops the keys it no longer serves.
    fn take_ring(&self, me: NodeId, s: &mut Node, epoch: u32, members: Vec<NodeId>, gone: Option<NodeId>, ctx: &mut Ctx<Self>) {
        if epoch <= s.epoch {
            return;
        }
        let (old, new) = (self.geo.points(&s.members), self.geo.points(&members));
        let mut out: BTreeMap<NodeId, Vec<(u32, u32)>> = BTreeMap::new();
        let mut dropped = Vec::new();
        for (&k, &v) in &s.store {
            let (was, will) = (self.geo.servers_of(&old, k), self.geo.servers_of(&new, k));
            // The first old holder still alive ships; a holder the key had not heard of (a
            // copy from a put during the change) counts as the last.
            let sender = was.iter().copied().find(|&x| Some(x) != gone).unwrap_or(me);
            if sender == me {
                for &h in will.iter().filter(|h| !was.contains(h) && **h != me) {
                    out.entry(h).or_default().push((k, v));
                }
            }
            if !will.contains(&me) {
                dropped.push(k);
            }
        }
        for k in &dropped {
            s.store.remove(k);
        }
        s.epoch = epoch;
        s.members = members;
        let shipped: usize = out.values().map(Vec::len).sum();
        if shipped > 0 {
            ctx.mark_with("shipped", shipped as u64);
        }
        ctx.note(phrase!("note.takes_ring", epoch, shipped, dropped.len()));
        for (to, keys) in out {
            ctx.send(to, Msg::Transfer { epoch, keys });
        }
    }

    /// Which keys have a live copy: on a server that is up, or in a message on its way.
    fn held<'m>(&self, states: &[Node], up: &[bool], in_flight: impl Iterator<Item = &'m Msg>) -> Vec<bool> {
        let mut held = vec![false; self.geo.keys as usize];
        for (i, s) in states.iter().enumerate().filter(|&(i, _)| up[i]) {
            debug_assert!(i != CLIENT || s.store.is_empty());
            for &k in s.store.keys() {
                held[k as usize] = true;
            }
        }
        for m in in_flight {
            match m {
                Msg::Transfer { keys, .. } => keys.iter().for_each(|&(k, _)| held[k as usize] = true),
                Msg::Replicate { key, .. } | Msg::Put { key, .. } => held[*key as usize] = true,
                _ => {}
            }
        }
        held
    }

    fn lost(&self, states: &[Node], up: &[bool], in_flight: &[(NodeId, NodeId, &Msg)]) -> Vec<u32> {
        let held = self.held(states, up, in_flight.iter().map(|f| f.2));
        (0..self.geo.keys).filter(|&k| !held[k as usize]).collect()
    }

    /// The client's membership list (the ring as it is).
    fn members<'a>(&self, states: &'a [Node]) -> &'a [NodeId] {
        &states[CLIENT].members
    }

    /// The largest share of keys one change can move, as taught: 1/N and N/(N+1) with N
    /// the larger of the server counts before and after.
    fn textbook_n(change: &Change) -> usize {
        change.before.max(change.after).max(1)
    }
}

/// One change of the ring, as measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    pub tag: &'static str,
    pub server: NodeId,
    pub at: Time,
    pub before: usize,
    pub after: usize,
    /// Keys whose first server changed, on the ring and under mod-N.
    pub moved_ring: Vec<u32>,
    pub moved_mod: usize,
}

/// What a run counts: the ring's changes replayed from the client's marks, each measured
/// on the ring and under mod-N, the copies shipped since the last one, answers and misses.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    started: bool,
    members: Vec<NodeId>,
    pub changes: u32,
    pub last: Option<Change>,
    pub share_ring: Tally,
    pub share_mod: Tally,
    /// Copies shipped since the last change, and over the run.
    pub shipped_since: u64,
    pub shipped: u64,
    pub misses: u64,
    pub answers: u64,
}

impl Observe for Stats {}

impl Stats {
    fn change(&mut self, geo: &Geometry, tag: &'static str, server: NodeId, at: Time) {
        let before = self.members.clone();
        match tag {
            "join" => self.members.push(server),
            _ => self.members.retain(|&x| x != server),
        }
        self.members.sort_unstable();
        self.members.dedup();
        let moved_ring = moved(&geo.owners(&before), &geo.owners(&self.members));
        let moved_mod = moved(&geo.owners_mod(&before), &geo.owners_mod(&self.members)).len();
        let k = geo.keys.max(1) as f64;
        self.share_ring.add(moved_ring.len() as f64 / k);
        self.share_mod.add(moved_mod as f64 / k);
        self.changes += 1;
        self.shipped_since = 0;
        self.last = Some(Change { tag, server, at, before: before.len(), after: self.members.len(), moved_ring, moved_mod });
    }

    /// The keys highlighted at `now`: those the last change moved, for a while.
    pub fn moved_lately(&self, now: Time) -> &[u32] {
        match &self.last {
            Some(c) if now < c.at + HIGHLIGHT => &c.moved_ring,
            _ => &[],
        }
    }
}

impl Protocol for ConsistentHashing {
    type State = Node;
    type Msg = Msg;
    type Timer = Timer;
    type Stats = Stats;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("consistent-hashing", &super::FAMILY, (3, 41, 12))
            .on(&[TopologyKind::Peers])
            .params(vec![
                ParamSpec::int("servers", 1, 40, 10).short("servers", "服务器数"),
                ParamSpec::int("keys", 1, 1_000, 200).short("keys", "键数"),
                ParamSpec::int("vnodes", 1, 64, 1).short("virtual nodes", "虚拟节点"),
                ParamSpec::int("r", 1, 5, 1).short("copies R", "副本数 R"),
                ParamSpec::int("requests", 0, 100_000, 60).short("requests", "请求间隔"),
            ])
            .inputs(&[REQUEST, GET, PUT, LEAVE, JOIN])
            .workload(WorkloadSpec { input: "request", every_param: "requests", hold_param: None })
            .scenarios(&[
                ReadyScenario { id: "ring-at-rest", fragment: "v=1&proto=consistent-hashing&n=12&seed=1&p.requests=0&act=0:input:0:get=7" },
                ReadyScenario { id: "crash-vs-mod", fragment: "v=1&proto=consistent-hashing&n=11&seed=1&p.r=2&p.requests=0&act=0@100:crash:1,0@100:input:0:get=13" },
                ReadyScenario { id: "add-server", fragment: "v=1&proto=consistent-hashing&n=12&seed=1&p.r=2&p.requests=0&act=0@100:recover:11" },
                ReadyScenario { id: "virtual-nodes", fragment: "v=1&proto=consistent-hashing&n=10&seed=1&p.servers=8&p.keys=800&p.vnodes=16&p.requests=0&act=0@100:recover:9" },
                ReadyScenario { id: "crash-one-copy", fragment: "v=1&proto=consistent-hashing&n=11&seed=1&p.requests=0&act=0@100:crash:1,0@100:input:0:get=13" },
            ])
            .words(WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        let p = &setup.params;
        let geo = Geometry { salt: mix64(setup.seed ^ 0x7269_6e67), keys: p.int("keys") as u32, vnodes: p.int("vnodes") as u32, r: p.int("r") as usize };
        // Servers past the nodes there are cannot start: every node but the client does.
        let servers = (p.int("servers") as usize).min(setup.n - 1);
        Ok(ConsistentHashing { n: setup.n, geo, servers })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> Node {
        let mut s = self.fresh();
        if me == CLIENT {
            ctx.note(phrase!("note.client_ready", self.servers, self.geo.keys));
        } else if me <= self.servers {
            // Every server starts with the keys it serves on the first ring.
            let points = self.geo.points(&s.members);
            s.store = (0..self.geo.keys).filter(|&k| self.geo.servers_of(&points, k).contains(&me)).map(|k| (k, 0)).collect();
        }
        s
    }

    fn joins_later(&self, me: NodeId) -> bool {
        me > self.servers
    }

    fn on_recover(&self, me: NodeId, old: &Node, ctx: &mut Ctx<Self>) -> Node {
        if me == CLIENT {
            // The membership list is kept on stable storage; the open request is lost.
            return Node { open: None, ..old.clone() };
        }
        ctx.note(Text::key("note.asks_to_join"));
        ctx.send(CLIENT, Msg::Join { fresh: true });
        Node { epoch: old.epoch, members: old.members.clone(), ..self.fresh() }
    }

    fn on_message(&self, me: NodeId, s: &mut Node, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        let missing = matches!(m, Msg::Value { value: None, .. });
        match m {
            Msg::Get { id, key } => ctx.send(from, Msg::Value { id, key, value: s.store.get(&key).copied() }),
            Msg::Put { id, key, value } => {
                s.store.insert(key, value);
                let points = self.geo.points(&s.members);
                for x in self.geo.servers_of(&points, key).into_iter().filter(|&x| x != me) {
                    ctx.send(x, Msg::Replicate { key, value });
                }
                ctx.send(from, Msg::Stored { id, key });
            }
            Msg::Replicate { key, value } => {
                s.store.insert(key, value);
            }
            Msg::Transfer { epoch, keys } => {
                ctx.note(phrase!("note.receives", keys.len(), from));
                // Sent under an older ring than this server knows: it keeps only the keys
                // it still serves (the newer ring's handover covers the rest).
                let points = (epoch < s.epoch).then(|| self.geo.points(&s.members));
                let serves = |k: u32| points.as_ref().is_none_or(|p| self.geo.servers_of(p, k).contains(&me));
                s.store.extend(keys.into_iter().filter(|&(k, _)| serves(k)));
            }
            Msg::Ring { epoch, members, gone } => self.take_ring(me, s, epoch, members, gone, ctx),
            Msg::Value { id, key, .. } | Msg::Stored { id, key } if me == CLIENT && s.open.as_ref().is_some_and(|r| r.id == id) => {
                ctx.cancel_timer(Timer::Timeout(id));
                s.open = None;
                if missing {
                    s.misses += 1;
                    ctx.mark_with("miss", key as u64);
                    ctx.note(phrase!("note.missing", key, from));
                } else {
                    s.answers += 1;
                    ctx.mark_with("answered", key as u64);
                }
            }
            Msg::Join { fresh } if me == CLIENT => {
                let on = s.members.contains(&from);
                if on && fresh {
                    // Back from a crash nobody noticed: it lost its keys, so it leaves the
                    // ring as a crashed server would and joins anew.
                    let without = s.members.iter().copied().filter(|&x| x != from).collect();
                    self.change(s, without, "down", from, ctx);
                }
                if !on || fresh {
                    let mut with = s.members.clone();
                    with.push(from);
                    with.sort_unstable();
                    with.dedup();
                    self.change(s, with, "join", from, ctx);
                }
            }
            Msg::Leave if me == CLIENT && s.members.contains(&from) => {
                if s.members.len() == 1 {
                    ctx.note(Text::key("note.last_server"));
                } else {
                    let without = s.members.iter().copied().filter(|&x| x != from).collect();
                    self.change(s, without, "leave", from, ctx);
                }
            }
            _ => {}
        }
    }

    fn on_timer(&self, _me: NodeId, s: &mut Node, t: Timer, ctx: &mut Ctx<Self>) {
        let Timer::Timeout(id) = t;
        let Some(req) = s.open.clone().filter(|r| r.id == id) else { return };
        if s.members.contains(&req.to) && s.members.len() > 1 {
            let without = s.members.iter().copied().filter(|&x| x != req.to).collect();
            self.change(s, without, "down", req.to, ctx);
        }
        if req.tries + 1 >= TRIES {
            ctx.note(phrase!("note.gives_up", req.key));
            ctx.mark_with("gave_up", req.key as u64);
            s.open = None;
        } else {
            self.ask(s, Request { tries: req.tries + 1, ..req }, ctx);
        }
    }

    fn on_input(&self, me: NodeId, s: &mut Node, i: &Input, ctx: &mut Ctx<Self>) {
        match i.id {
            "request" | "get" | "put" if me == CLIENT && s.open.is_none() => {
                let key = match i.arg_int() {
                    Some(k) => k as u32,
                    None => ctx.random_between(0, self.geo.keys as u64 - 1) as u32,
                };
                if key >= self.geo.keys {
                    ctx.note(phrase!("note.no_such_key", key, self.geo.keys - 1));
                    return;
                }
                // The workload writes one request in four.
                let write = i.id == "put" || i.id == "request" && ctx.random_between(0, 3) == 0;
                let id = s.next_id;
                s.next_id += 1;
                let put = write.then_some(id + 1);
                ctx.mark_with("ask", key as u64);
                ctx.silent();
                self.ask(s, Request { id, key, put, to: CLIENT, tries: 0 }, ctx);
            }
            "leave" if me != CLIENT && s.members.contains(&me) => {
                ctx.note(Text::key("note.asks_to_leave"));
                ctx.silent();
                ctx.send(CLIENT, Msg::Leave);
            }
            "join" if me != CLIENT && !s.members.contains(&me) => {
                ctx.note(Text::key("note.asks_to_join"));
                ctx.silent();
                ctx.send(CLIENT, Msg::Join { fresh: false });
            }
            _ => {}
        }
    }

    fn label(&self, m: &Msg) -> MsgLabel {
        let value = |v: Option<u32>| v.map_or("∅".to_string(), |v| format!("={v}"));
        match m {
            Msg::Get { key, .. } => MsgLabel::new("get", format!("k{key}")),
            Msg::Put { key, value: v, .. } => MsgLabel::new("put", format!("k{key}={v}")),
            Msg::Value { key, value: v, .. } => MsgLabel::new("value", format!("k{key}{}", value(*v))),
            Msg::Stored { key, .. } => MsgLabel::new("stored", format!("k{key}")),
            Msg::Replicate { key, value: v } => MsgLabel::new("replicate", format!("k{key}={v}")),
            Msg::Join { .. } => MsgLabel::new("join", ""),
            Msg::Leave => MsgLabel::new("leave", ""),
            Msg::Ring { epoch, members, .. } => MsgLabel::new("ring", format!("v{epoch} ×{}", members.len())),
            Msg::Transfer { keys, .. } => MsgLabel::new("transfer", format!("×{}", keys.len())),
        }
    }

    fn timer_name(&self, _: &Timer) -> &'static str {
        "timeout"
    }

    fn countdown(&self, _: &Timer) -> bool {
        true
    }

    fn view(&self, me: NodeId, s: &Node) -> NodeView {
        if me == CLIENT {
            let badge = match &s.open {
                Some(r) => Text::plain(format!("k{}{} → n{}", r.key, r.put.map_or("?".to_string(), |v| format!("={v}")), r.to)),
                None => phrase!("badge.ring_version", s.epoch, s.members.len()),
            };
            let tone = if s.open.is_some() { Tone::Waiting } else { Tone::Leader };
            return NodeView::new("client", tone)
                .badge(badge)
                .detail("ring_version", s.epoch)
                .detail("members", Text::plain(s.members.iter().map(|m| format!("n{m}")).collect::<Vec<_>>().join(" ")))
                .detail("answers", s.answers)
                .detail("misses", s.misses);
        }
        let on = s.members.contains(&me);
        let keys: Vec<String> = s.store.keys().take(12).map(|k| format!("k{k}")).collect();
        let more = if s.store.len() > 12 { " …" } else { "" };
        NodeView::new(if on { "server" } else { "off_ring" }, if on { Tone::Active } else { Tone::Idle })
            .badge(phrase!("badge.keys", s.store.len()))
            .detail("ring_version", s.epoch)
            .detail("keys_held", Text::plain(format!("{}{more}", keys.join(" "))))
    }

    fn inputs_for(&self, me: NodeId, s: &Node) -> Vec<InputSpec> {
        match (me == CLIENT, s.members.contains(&me)) {
            (true, _) if s.open.is_none() => vec![REQUEST, GET, PUT],
            (true, _) => vec![],
            (false, true) => vec![LEAVE],
            (false, false) => vec![JOIN],
        }
    }

    fn placement(&self) -> Placement {
        let members = self.initial_members();
        let owners = self.geo.owners(&members);
        self.ring(&members, &owners, &[], &[])
    }

    fn placement_now(&self, run: &RunView<Self>) -> Placement {
        let members = self.members(run.states);
        let owners = self.geo.owners(members);
        let lost = self.lost(run.states, run.up, &run.in_flight);
        self.ring(members, &owners, run.stats.moved_lately(run.now), &lost)
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant {
            id: "no_key_lost",
            check: |p, snap| {
                let lost = p.lost(snap.states, snap.up, &snap.in_flight);
                if lost.is_empty() {
                    return Ok(());
                }
                let named: Vec<String> = lost.iter().take(6).map(|k| format!("k{k}")).collect();
                let more = if lost.len() > 6 { " …" } else { "" };
                // The crashed servers the lost keys died with.
                let down: Vec<NodeId> = (1..p.n).filter(|&i| !snap.up[i] && lost.iter().any(|k| snap.states[i].store.contains_key(k))).collect();
                Err(Breach { nodes: down, detail: phrase!("breach.keys_lost", lost.len(), format!("{}{more}", named.join(" "))) })
            },
        }]
    }

    fn promises(&self, id: &str) -> bool {
        id != "no_key_lost" || self.geo.r >= 2
    }

    fn observe(&self, stats: &mut Stats, event: &Event, log: &Trace) {
        if !stats.started {
            stats.started = true;
            stats.members = self.initial_members();
        }
        for m in log.marks_of(event.id) {
            match m.tag {
                "join" | "leave" | "down" => stats.change(&self.geo, m.tag, m.key as NodeId, event.time),
                "shipped" => {
                    stats.shipped += m.key;
                    stats.shipped_since += m.key;
                }
                "miss" => stats.misses += 1,
                "answered" => stats.answers += 1,
                _ => {}
            }
        }
    }

    fn metrics(&self, stats: &Stats, run: &RunView<Self>) -> Vec<Metric> {
        let members = self.members(run.states);
        let k = self.geo.keys as f64;
        let (ring_load, mod_load) = (loads(&self.geo.owners(members), members), loads(&self.geo.owners_mod(members), members));
        let big_n = stats.last.as_ref().map_or(members.len().max(1), Self::textbook_n);
        let copies = self.geo.r.min(big_n);
        let lost = self.lost(run.states, run.up, &run.in_flight).len();
        let (lost_textbook, lost_formula) = if self.geo.r >= 2 { (Textbook::Exact(0.0), Text::plain("0 (R ≥ 2)")) } else { (Textbook::Unbounded, Text::key("formula.lost")) };
        let spread = if self.geo.vnodes > 1 { Text::plain("1 + O(√(ln N / v))") } else { Text::plain("O(ln N)") };
        vec![
            Metric { id: "moved_ring", measured: stats.last.as_ref().map(|c| c.moved_ring.len() as f64 / k), textbook: Textbook::Exact(1.0 / big_n as f64), formula: Text::plain(format!("1/N = 1/{big_n}")) },
            Metric {
                id: "moved_mod",
                measured: stats.last.as_ref().map(|c| c.moved_mod as f64 / k),
                textbook: Textbook::Exact((big_n - 1) as f64 / big_n as f64),
                formula: Text::plain(format!("(N-1)/N = {}/{big_n}", big_n - 1)),
            },
            Metric { id: "moved_ring_mean", measured: stats.share_ring.mean(), textbook: Textbook::Unbounded, formula: Text::plain("1/N") },
            Metric { id: "moved_mod_mean", measured: stats.share_mod.mean(), textbook: Textbook::Unbounded, formula: Text::plain("(N-1)/N") },
            Metric {
                id: "shipped",
                measured: stats.last.as_ref().map(|_| stats.shipped_since as f64),
                textbook: Textbook::Exact((copies as f64 * k / big_n as f64).round()),
                formula: Text::plain(format!("R·K/N = {copies}·{}/{big_n}", self.geo.keys)),
            },
            Metric { id: "load_max_mean", measured: max_over_mean(&ring_load), textbook: Textbook::Unbounded, formula: spread },
            Metric { id: "load_max_mean_mod", measured: max_over_mean(&mod_load), textbook: Textbook::Unbounded, formula: Text::plain("≈ 1") },
            Metric { id: "keys_lost", measured: Some(lost as f64), textbook: lost_textbook, formula: lost_formula },
            Metric { id: "misses", measured: Some(stats.misses as f64), textbook: Textbook::Unbounded, formula: Text::key("formula.misses") },
        ]
    }

    fn charts(&self, stats: &Stats, run: &RunView<Self>) -> Vec<Chart> {
        let members = self.members(run.states);
        let bars = |owners: Vec<Option<NodeId>>| -> Vec<Series> {
            let mean = self.geo.keys as f64 / members.len().max(1) as f64;
            let mut series: Vec<Series> = members
                .iter()
                .zip(loads(&owners, members))
                .map(|(&s, load)| {
                    let mut x = Series::new(phrase!("series.node", s));
                    x.push(run.now, load as f64);
                    x
                })
                .collect();
            series.push(Series::threshold(Text::key("series.mean"), mean));
            series
        };
        let mut moved = Vec::new();
        if let Some(c) = &stats.last {
            for (label, share) in [("series.ring", c.moved_ring.len()), ("series.mod_n", c.moved_mod)] {
                let mut x = Series::new(Text::key(label));
                x.push(c.at, (100.0 * share as f64 / self.geo.keys as f64).round());
                moved.push(x);
            }
            moved.push(Series::threshold(Text::key("series.one_in_n"), (100.0 / Self::textbook_n(c) as f64).round()));
        }
        // Loads under mod N are even by construction: the metric says so; the bars are the ring's.
        let mut charts = vec![Chart { id: "load", kind: ChartKind::Bars, series: bars(self.geo.owners(members)) }];
        if !moved.is_empty() {
            charts.push(Chart { id: "moved", kind: ChartKind::Bars, series: moved });
        }
        charts
    }
}

impl ConsistentHashing {
    /// The ring as drawn: each server at its own point, its virtual points, servers off the
    /// ring dimmed inside it, the client in the middle, every key at its hash with its
    /// first server, marked when it moved a moment ago or has no live copy.
    fn ring(&self, members: &[NodeId], owners: &[Option<NodeId>], moved: &[u32], lost: &[u32]) -> Placement {
        let angles = (0..self.n).map(|i| if i == CLIENT { 0 } else { self.geo.point(i, 0) }).collect();
        let mut ring = Ring::new(angles).centre(CLIENT);
        for s in 1..self.n {
            if members.contains(&s) {
                for v in 1..self.geo.vnodes {
                    ring = ring.virtual_point(s, self.geo.point(s, v));
                }
            } else {
                ring = ring.off(s);
            }
        }
        let mut keys: Vec<(u32, u32)> = (0..self.geo.keys).map(|k| (self.geo.key_angle(k), k)).collect();
        keys.sort_unstable();
        for (angle, k) in keys {
            let Some(owner) = owners[k as usize] else { continue };
            let mark = if lost.binary_search(&k).is_ok() {
                ItemMark::Lost
            } else if moved.binary_search(&k).is_ok() {
                ItemMark::Moved
            } else {
                ItemMark::Held
            };
            ring = ring.marked_item(format!("k{k}"), angle, owner, mark);
        }
        Placement::Angles(ring)
    }
}

const WORDS: Words = &[
    w("name", "Consistent hashing", "一致性哈希"),
    w(
        "summary",
        "Servers and keys hashed onto one ring; each key belongs to the first server clockwise. When a server joins or leaves, only its neighbour's keys move (about 1/N of them), where hash mod N would move almost all. Virtual nodes even out the load; copies on the next R servers survive a crash.",
        "服务器和键都被哈希到同一个环上，每个键归顺时针方向遇到的第一个服务器。服务器加入或离开时，只有它相邻区段的键需要移动（约 1/N），而取模哈希几乎要搬动全部键。虚拟节点让负载更均匀；在后继的 R 个服务器上存放副本，可以扛过一次崩溃。",
    ),
    w("param.servers", "Servers on the ring at the start: nodes 1 to this (at most N-1); the nodes after them wait outside and join when recovered", "开始时在环上的服务器：节点 1 到该数（至多 N-1）；其后的节点在环外等待，恢复时加入"),
    w("param.keys", "Keys stored on the ring (k0, k1, …), each placed by its hash", "环上存放的键数（k0、k1……），每个键按其哈希值放置"),
    w("param.vnodes", "Points per server on the ring (1: the server's own only; more: virtual nodes that even out the load)", "每个服务器在环上的点数（1：只有自身的点；更多：用虚拟节点使负载均匀）"),
    w("param.r", "Copies of each key: on its first R distinct servers clockwise (R ≥ 2 survives one crash)", "每个键的副本数：存放在顺时针方向前 R 个不同的服务器上（R ≥ 2 可扛过一次崩溃）"),
    w("param.requests", "Mean ticks between the client's requests from the workload, one write in four (0: only clicks)", "工作负载中客户端请求的平均间隔（每四次中一次写；0：仅由点击发出）"),
    w("input.request", "Read or write a random key", "读或写一个随机的键"),
    w("input.get", "Read key number …", "读取编号为……的键"),
    w("input.put", "Write key number …", "写入编号为……的键"),
    w("input.leave", "Leave the ring, handing its keys over", "离开环，并交出自己的键"),
    w("input.join", "Join the ring again", "重新加入环"),
    w("role.client", "client", "客户端"),
    w("role.server", "server", "服务器"),
    w("role.off_ring", "off the ring", "不在环上"),
    w("badge.keys", "{0} keys", "{0} 个键"),
    w("badge.ring_version", "ring v{0}: {1} servers", "环版本 {0}：{1} 台服务器"),
    w("detail.ring_version", "ring version known", "已知的环版本"),
    w("detail.members", "servers on the ring", "环上的服务器"),
    w("detail.answers", "answers received", "收到的应答"),
    w("detail.misses", "reads that found no copy", "未找到副本的读取"),
    w("detail.keys_held", "keys held", "持有的键"),
    w("msg.get", "get", "读取"),
    w("msg.put", "put", "写入"),
    w("msg.value", "value", "值"),
    w("msg.stored", "stored", "已存"),
    w("msg.replicate", "replicate", "复制"),
    w("msg.join", "join", "加入"),
    w("msg.leave", "leave", "离开"),
    w("msg.ring", "ring", "环"),
    w("msg.transfer", "transfer", "移交"),
    w("timer.timeout", "answer timeout", "应答超时"),
    w("note.client_ready", "keeps the ring: {0} servers, {1} keys", "维护环：{0} 台服务器，{1} 个键"),
    w("note.joins", "adds n{0} to the ring ({1} servers)", "把 n{0} 加入环（{1} 台服务器）"),
    w("note.leaves_ring", "takes n{0} off the ring as it asked ({1} servers)", "应 n{0} 的要求把它移出环（{1} 台服务器）"),
    w("note.declared_down", "hears nothing from n{0}: declares it down and takes it off the ring ({1} servers)", "收不到 n{0} 的应答：判定其宕机并移出环（{1} 台服务器）"),
    w("note.takes_ring", "takes ring v{0}: ships {1} keys, drops {2}", "采用环版本 {0}：移交 {1} 个键，丢弃 {2} 个"),
    w("note.receives", "receives {0} keys from n{1}", "从 n{1} 收到 {0} 个键"),
    w("note.missing", "k{0} is not at n{1}: no copy there", "k{0} 不在 n{1}：那里没有副本"),
    w("note.gives_up", "gives up on k{0}", "放弃 k{0}"),
    w("note.no_such_key", "there is no key k{0} (keys go from k0 to k{1})", "不存在键 k{0}（键从 k0 到 k{1}）"),
    w("note.empty_ring", "no server is on the ring", "环上没有服务器"),
    w("note.last_server", "the last server may not leave the ring", "最后一台服务器不能离开环"),
    w("note.asks_to_join", "asks to join the ring", "请求加入环"),
    w("note.asks_to_leave", "asks to leave the ring", "请求离开环"),
    w("inv.no_key_lost", "no key lost", "没有键丢失"),
    w("inv.no_key_lost.about", "Every key has a copy on a live server or on its way to one. Promised from R = 2 copies, for one crash between repairs.", "每个键都在某台存活的服务器上或正在传往某台服务器。从 R = 2 个副本起得到保证（两次修复之间至多一次崩溃）。"),
    w("breach.keys_lost", "{0} keys have no live copy: {1}", "{0} 个键没有存活的副本：{1}"),
    w("metric.moved_ring", "share of keys moved by the last change, on the ring", "上一次变更移动的键比例（环）"),
    w("metric.moved_mod", "share moved by the same change under hash mod N", "同一变更在取模哈希下移动的比例"),
    w("metric.moved_ring_mean", "mean share moved per change, on the ring", "每次变更平均移动比例（环）"),
    w("metric.moved_mod_mean", "mean share moved per change, under mod N", "每次变更平均移动比例（取模）"),
    w("metric.shipped", "copies shipped since the last change", "上一次变更以来移交的副本数"),
    w("metric.load_max_mean", "max/mean load on the ring", "环上的最大负载/平均负载"),
    w("metric.load_max_mean_mod", "max/mean load under mod N", "取模哈希下的最大负载/平均负载"),
    w("metric.keys_lost", "keys with no live copy", "没有存活副本的键"),
    w("metric.misses", "reads that found no copy", "未找到副本的读取"),
    w("formula.lost", "K/N per crash (R = 1)", "每次崩溃 K/N（R = 1）"),
    w("formula.misses", "0 once handovers are done", "移交完成后为 0"),
    w("chart.load", "keys per server", "每台服务器的键数"),
    w("chart.moved", "keys moved (%)", "移动的键（%）"),
    w("series.node", "n{0}", "n{0}"),
    w("series.mean", "mean", "平均"),
    w("series.ring", "ring", "环"),
    w("series.mod_n", "mod N", "取模"),
    w("series.one_in_n", "1/N", "1/N"),
    w("scenario.ring-at-rest", "The ring at rest: keys and their servers", "静止的环：键与其服务器"),
    w(
        "scenario.ring-at-rest.about",
        "Ten servers and two hundred keys, all placed by their hashes on one circle. Each key belongs to the first server point clockwise from it: the arc before a server is its share. The arcs are uneven with one point per server, and the load bars say so. The client in the middle asks k7's server for it.",
        "十台服务器、两百个键，都按哈希值放在同一个圆上。每个键属于从它出发顺时针遇到的第一个服务器点：服务器前面的那段弧就是它负责的部分。每台服务器只有一个点时，弧长很不均匀，负载柱状图也显示了这一点。位于中间的客户端向 k7 所在的服务器读取它。",
    ),
    w("scenario.crash-vs-mod", "A server crashes: the ring against mod N", "服务器崩溃：环与取模哈希对比"),
    w(
        "scenario.crash-vs-mod.about",
        "Every key has two copies (R = 2). Server n1 crashes; the client's read of k13 times out, it declares n1 down and tells the servers the new ring. Only n1's keys change server, about a tenth, and the next servers already hold copies, so nothing is lost; the same change under hash mod N would move nine keys in ten. Compare the two bars.",
        "每个键有两个副本（R = 2）。服务器 n1 崩溃；客户端读取 k13 超时，它判定 n1 宕机，并把新的环告诉各服务器。只有 n1 的键换了服务器，约十分之一，而后继服务器早已持有副本，所以没有丢失；同样的变更在取模哈希下会移动十分之九的键。请比较两根柱子。",
    ),
    w("scenario.add-server", "Adding a server", "加入一台服务器"),
    w(
        "scenario.add-server.about",
        "n11 waits outside the ring and joins: it takes over only the keys between its point and the point before it, which its successor ships to it (with their second copies). About 1/11 of the keys move, all to the newcomer; under mod N nearly all of them would.",
        "n11 在环外等待，然后加入：它只接管从前一个点到它自己的点之间的键，由它的后继把这些键（连同第二份副本）移交过来。约 1/11 的键移动，并且全部移到新服务器；取模哈希下几乎所有键都要移动。",
    ),
    w("scenario.virtual-nodes", "Virtual nodes even out the load", "虚拟节点使负载均匀"),
    w(
        "scenario.virtual-nodes.about",
        "Each server puts sixteen points on the ring, so its share is the sum of many small arcs: the load bars stand close to the mean (max/mean below 1.5, against about 3 with one point each). When n9 joins, it takes a few keys from every server instead of many from one.",
        "每台服务器在环上放十六个点，它负责的部分是许多小段弧之和：负载柱都接近平均值（最大/平均低于 1.5，而每台只有一个点时约为 3）。n9 加入时，它从每台服务器各取一些键，而不是从一台那里取走许多。",
    ),
    w("scenario.crash-one-copy", "One copy only: a crash loses keys", "只有一个副本：崩溃丢失键"),
    w(
        "scenario.crash-one-copy.about",
        "The same crash with a single copy of each key (R = 1): n1's keys die with it. The monitor names them at once, and the read of k13 that follows finds nothing at n1's successor. Try R = 2 in the header.",
        "同样的崩溃，但每个键只有一个副本（R = 1）：n1 的键随它一起消失。监视器立刻指出这些键，随后对 k13 的读取在 n1 的后继上什么也找不到。试试在顶栏把 R 设为 2。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kit::{self, measured};
    use crate::sim::{Act, Simulation};

    fn engine(n: usize, pairs: &str, seed: u64) -> crate::sim::engine::Engine<ConsistentHashing> {
        kit::engine::<ConsistentHashing>(n, &format!("requests=0&{pairs}"), seed)
    }

    /// Apply `act` and run to rest.
    fn then(e: &mut crate::sim::engine::Engine<ConsistentHashing>, act: Act) {
        e.apply(&act).unwrap();
        kit::run_out(e);
    }

    /// Every key is stored exactly on its R servers of the client's ring.
    fn placed_as_the_ring_says(e: &crate::sim::engine::Engine<ConsistentHashing>) {
        let geo = &e.proto.geo;
        let members = e.world.states[CLIENT].members.clone();
        let points = geo.points(&members);
        for k in 0..geo.keys {
            let mut want = geo.servers_of(&points, k);
            want.sort_unstable();
            let have: Vec<NodeId> = (1..e.n()).filter(|&i| e.world.up[i] && e.world.states[i].store.contains_key(&k)).collect();
            assert_eq!(have, want, "k{k}");
        }
    }

    #[test]
    fn the_keys_moved_when_a_server_leaves_are_exactly_the_keys_it_owned() {
        for seed in 0..20 {
            let mut e = engine(11, "r=1", seed);
            let server = 1 + seed as usize % 10;
            let owned: Vec<u32> = e.world.states[server].store.keys().copied().collect();
            then(&mut e, Act::Input(server, "leave".into(), None));
            let c = e.world.stats.last.clone().expect("a change");
            assert_eq!((c.tag, c.server, c.before, c.after), ("leave", server, 10, 9));
            assert_eq!(c.moved_ring, owned, "seed {seed}: the moved keys are the leaver's");
            assert!(e.world.states[server].store.is_empty(), "it handed everything over");
            placed_as_the_ring_says(&e);
            assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
            // Under mod N the same change moves most keys.
            assert!(c.moved_mod > owned.len(), "seed {seed}: {} under mod N, {} on the ring", c.moved_mod, owned.len());
        }
    }

    #[test]
    fn with_two_copies_a_single_crash_loses_no_key() {
        for seed in 0..40 {
            for r in [2, 3] {
                let mut e = engine(11, &format!("r={r}&vnodes={}", 1 + seed % 4), seed);
                let victim = 1 + (seed as usize * 7) % 10;
                e.apply(&Act::Crash(victim)).unwrap();
                // A read of one of its keys makes the client notice.
                let key = e.proto.geo.owners(&e.world.states[CLIENT].members).iter().position(|&o| o == Some(victim)).expect("the victim owns keys");
                then(&mut e, Act::Input(CLIENT, "get".into(), Some(key.to_string())));
                assert!(e.trace.violations().is_empty(), "seed {seed}, R={r}: {:?}", e.trace.violations());
                assert_eq!(measured(&e, "keys_lost"), Some(0.0));
                assert_eq!(e.world.stats.last.as_ref().map(|c| (c.tag, c.server)), Some(("down", victim)));
                assert_eq!(e.world.states[CLIENT].misses, 0, "the read found the copy at the next server");
                placed_as_the_ring_says(&e);
            }
        }
    }

    #[test]
    fn with_one_copy_a_crash_loses_the_keys_of_the_crashed_server_and_the_monitor_says_so() {
        let mut e = engine(11, "r=1", 3);
        let owned: Vec<u32> = e.world.states[4].store.keys().copied().collect();
        e.apply(&Act::Crash(4)).unwrap();
        e.step();
        let v = e.trace.violations().iter().find(|v| v.invariant == "no_key_lost").expect("the monitor names the loss");
        assert_eq!(v.nodes, vec![4]);
        assert!(v.detail.en(WORDS).starts_with(&format!("{} keys have no live copy: k", owned.len())), "{}", v.detail.en(WORDS));
        assert!(!e.proto.promises("no_key_lost"), "one copy promises nothing");
        assert_eq!(measured(&e, "keys_lost"), Some(owned.len() as f64));
        then(&mut e, Act::Input(CLIENT, "get".into(), Some(owned[0].to_string())));
        assert_eq!(e.world.states[CLIENT].misses, 1, "the successor has no copy to give");
    }

    /// The share of keys whose first server changes when server `n + 1` joins `n`, on the
    /// ring and under mod N, measured by the run.
    fn join_share(n: usize, seed: u64, pairs: &str) -> (f64, f64) {
        let mut e = engine(n + 2, &format!("servers={n}&keys=1000&{pairs}"), seed);
        then(&mut e, Act::Recover(n + 1));
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
        placed_as_the_ring_says(&e);
        (measured(&e, "moved_ring").unwrap(), measured(&e, "moved_mod").unwrap())
    }

    #[test]
    fn over_many_seeds_a_joining_server_takes_about_one_key_in_n_plus_one() {
        // With one point per server the new server's arc is the gap before a random point,
        // whose mean is exactly 1/(N+1) of the turn and whose spread is about as large
        // (sd ≈ 1/(N+1)): over 200 seeds the mean's sd is ≈ 1/(N+1)/√200, 7% of it; the
        // keys' own sampling adds less. A 20% band is three sds. Mod N: a key stays only
        // when its remainders by N and N+1 agree, about 1 in N+1.
        for n in [4usize, 10] {
            let seeds = 200;
            let (mut ring, mut modn) = (0.0, 0.0);
            for seed in 0..seeds {
                let (r, m) = join_share(n, seed, "");
                ring += r;
                modn += m;
            }
            let (ring, modn) = (ring / seeds as f64, modn / seeds as f64);
            let want = 1.0 / (n + 1) as f64;
            assert!((ring - want).abs() < 0.2 * want, "N={n}: ring moved {ring:.4}, want {want:.4}");
            let want_mod = n as f64 / (n + 1) as f64;
            assert!((modn - want_mod).abs() < 0.03, "N={n}: mod N moved {modn:.4}, want {want_mod:.4}");
        }
    }

    #[test]
    fn virtual_nodes_even_out_the_load() {
        let spread = |vnodes: u32| {
            let mut total = 0.0;
            for seed in 0..30 {
                let e = engine(11, &format!("keys=1000&vnodes={vnodes}"), seed);
                total += measured(&e, "load_max_mean").unwrap();
            }
            total / 30.0
        };
        let (one, many) = (spread(1), spread(32));
        assert!(one > 1.8 && many < 1.4, "max/mean with one point {one:.2}, with 32: {many:.2}");
    }

    #[test]
    fn a_put_reaches_all_r_copies_and_a_get_reads_it_back() {
        let mut e = engine(11, "r=3", 5);
        then(&mut e, Act::Input(CLIENT, "put".into(), Some("42".into())));
        let holders: Vec<NodeId> = (1..11).filter(|&i| e.world.states[i].store.get(&42) == Some(&1)).collect();
        assert_eq!(holders.len(), 3, "{holders:?}");
        then(&mut e, Act::Input(CLIENT, "get".into(), Some("42".into())));
        assert_eq!((e.world.states[CLIENT].answers, e.world.states[CLIENT].misses), (2, 0));
        // A key past the last is refused by name.
        then(&mut e, Act::Input(CLIENT, "get".into(), Some("999".into())));
        assert!(e.trace.events().iter().rev().take(3).any(|ev| e.trace.notes_of(ev.id).any(|t| t.en(WORDS) == "there is no key k999 (keys go from k0 to k199)")));
    }

    #[test]
    fn a_server_that_left_can_join_again_and_gets_its_keys_back() {
        let mut e = engine(11, "r=2", 9);
        let before: Vec<u32> = e.world.states[6].store.keys().copied().collect();
        then(&mut e, Act::Input(6, "leave".into(), None));
        assert_eq!(e.proto.inputs_for(6, &e.world.states[6]), vec![JOIN]);
        then(&mut e, Act::Input(6, "join".into(), None));
        assert_eq!(e.world.states[6].store.keys().copied().collect::<Vec<_>>(), before);
        assert_eq!(e.world.stats.changes, 2);
        placed_as_the_ring_says(&e);
        // A crash nobody noticed, then a recovery: the server comes back empty, is taken
        // off and put back, and gets its keys again.
        e.apply(&Act::Crash(6)).unwrap();
        then(&mut e, Act::Recover(6));
        assert_eq!(e.world.stats.changes, 4);
        assert_eq!(e.world.states[6].store.keys().copied().collect::<Vec<_>>(), before);
        placed_as_the_ring_says(&e);
        assert!(e.trace.violations().is_empty(), "{:?}", e.trace.violations());
    }

    #[test]
    fn the_ring_drawn_follows_the_run() {
        let mut e = engine(12, "r=2&vnodes=3", 1);
        let Placement::Angles(ring) = Simulation::placement(&e) else { panic!("a ring") };
        assert_eq!((ring.centre.clone(), ring.off.clone()), (vec![CLIENT], vec![11]));
        assert_eq!(ring.virtual_points.len(), 10 * 2, "two more points for each of the ten servers");
        assert_eq!(ring.items.len(), 200);
        assert!(ring.items.iter().all(|i| i.mark == ItemMark::Held && ring.owner_at(i.angle) == Some(i.owner)));
        then(&mut e, Act::Recover(11));
        let Placement::Angles(ring) = Simulation::placement(&e) else { panic!("a ring") };
        let moved: Vec<&str> = ring.items.iter().filter(|i| i.mark == ItemMark::Moved).map(|i| i.label.as_str()).collect();
        assert!(!moved.is_empty() && ring.items.iter().filter(|i| i.mark == ItemMark::Moved).all(|i| i.owner == 11), "the moved keys went to the newcomer: {moved:?}");
        assert!(ring.off.is_empty());
        // Later the highlight fades.
        e.advance_to(e.world.now + HIGHLIGHT);
        let Placement::Angles(ring) = Simulation::placement(&e) else { panic!("a ring") };
        assert!(ring.items.iter().all(|i| i.mark == ItemMark::Held));
    }

    #[test]
    fn the_ready_scenarios_run() {
        let h = kit::ready_for::<ConsistentHashing>("ring-at-rest", kit::REST);
        assert_eq!(h.sim().trace().marked("answered").count(), 1);
        let h = kit::ready::<ConsistentHashing>("crash-vs-mod");
        let last = |id| kit::measured(&h, id).unwrap();
        assert!(last("moved_ring") < 0.25 && last("moved_mod") > 0.7, "ring {} mod {}", last("moved_ring"), last("moved_mod"));
        assert_eq!(last("keys_lost"), 0.0);
        assert!(h.sim().trace().violations().is_empty());
        let h = kit::ready::<ConsistentHashing>("add-server");
        assert!(kit::measured(&h, "moved_ring").unwrap() < 0.25 && kit::measured(&h, "shipped").unwrap() > 0.0);
        let h = kit::ready::<ConsistentHashing>("virtual-nodes");
        assert!(kit::measured(&h, "load_max_mean").unwrap() < 1.4);
        let h = kit::ready::<ConsistentHashing>("crash-one-copy");
        assert!(kit::measured(&h, "keys_lost").unwrap() > 0.0 && kit::measured(&h, "misses") == Some(1.0));
    }

    /// The figures for the issue's closing note: N = 10 servers, the 11th added, and one
    /// of the ten removed, over 200 seeds each (`cargo test --lib consistent_hashing::
    /// tests::figures -- --ignored --nocapture`).
    /// The figures for the issue's closing note: N = 10 servers, the 11th added, and one
    /// of the ten removed, over 200 seeds each (`cargo test --lib consistent_hashing::
    /// tests::figures -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn keys_for_scenarios() {
        let e = engine(11, "", 1);
        let owners = e.proto.geo.owners(&e.world.states[CLIENT].members);
        for s in 1..11 {
            println!("n{s} owns {:?}", (0..200).filter(|&k| owners[k] == Some(s)).collect::<Vec<_>>());
        }
    }

    #[test]
    #[ignore]
    fn figures() {
        let seeds = 200;
        let (mut ring, mut modn) = (0.0, 0.0);
        for seed in 0..seeds {
            let (r, m) = join_share(10, seed, "");
            ring += r;
            modn += m;
        }
        println!("add the 11th to 10: ring {:.4}, mod N {:.4} (means over {seeds} seeds, 1000 keys)", ring / seeds as f64, modn / seeds as f64);
        let (mut ring, mut modn) = (0.0, 0.0);
        for seed in 0..seeds {
            let mut e = engine(11, "keys=1000", seed);
            then(&mut e, Act::Input(1 + seed as usize % 10, "leave".into(), None));
            ring += measured(&e, "moved_ring").unwrap();
            modn += measured(&e, "moved_mod").unwrap();
        }
        println!("remove one of 10: ring {:.4}, mod N {:.4}", ring / seeds as f64, modn / seeds as f64);
        for v in [1, 4, 16, 64] {
            let mut total = 0.0;
            for seed in 0..seeds {
                total += measured(&engine(11, &format!("keys=1000&vnodes={v}"), seed), "load_max_mean").unwrap();
            }
            println!("vnodes {v}: max/mean load {:.3}", total / seeds as f64);
        }
    }
}
