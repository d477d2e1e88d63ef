//! Consistency models as checkers of a whole history of operations ([`super::ops`]):
//! linearizability, read-your-writes, monotonic reads, causal consistency, and
//! convergence at rest (eventual consistency).
//!
//! Every checker takes the history in real-time order, one call or reply at a time, and
//! says at the reply that breaks the model which operations are involved. The same code
//! judges a hand-built history ([`check`]) and a run as it happens ([`HistoryMonitor`], a
//! [`Monitor`]): a breach is then reported at the event of the reply that caused it, with
//! a link to seek there, and checkpoints carry the checker's state, so time travel needs
//! no rescan. Protocol invariants would not do: they see the present state, not the log.
//!
//! Each key is a register of its own. Values written to a key should be distinct, so a
//! read names the write it saw; where a value repeats, a read is credited to the latest
//! write of that value.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use super::breach::Breach;
use super::monitor::{Monitor, Moment};
use super::ops::{ops_text, Call, Key, Op, OpReader, OpStep, Reply, Value, INITIAL};
use super::trace::{Event, Trace};
use super::NodeId;
use crate::phrase;
use crate::words::Text;

/// Why a history breaks a model: the operations involved (indices into the history, the
/// one whose reply broke it first) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counterexample {
    pub ops: Vec<usize>,
    pub detail: Text,
}

impl Counterexample {
    /// The clients involved, in order of first mention.
    pub fn clients(&self, ops: &[Op]) -> Vec<NodeId> {
        let mut out = Vec::new();
        for &i in &self.ops {
            if !out.contains(&ops[i].client) {
                out.push(ops[i].client);
            }
        }
        out
    }
}

/// A consistency model, judged incrementally over a history. `ops` is the history so
/// far: at a call, the operation's reply is not to be read. `writers` names the write
/// behind each value called so far.
pub trait Checker: Clone + Debug + Default + 'static {
    /// The monitor's id (`inv.ID` in the words).
    const ID: &'static str;
    fn call(&mut self, _ops: &[Op], _i: usize) {}
    fn reply(&mut self, ops: &[Op], writers: &Writers, i: usize) -> Result<(), Counterexample>;
}

/// Judge a whole history: calls and replies in instant order (at one instant, calls
/// first, so operations that touch are concurrent).
pub fn check<C: Checker>(ops: &[Op]) -> Result<(), Counterexample> {
    let mut steps: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * ops.len());
    for (i, op) in ops.iter().enumerate() {
        steps.push((op.start, false, i));
        if let Some(end) = op.end.filter(|_| op.reply.is_some()) {
            steps.push((end, true, i));
        }
    }
    steps.sort_unstable();
    // At a call the checker must not see the reply: it is given the history as known then.
    let mut known: Vec<Op> = ops.iter().map(|op| Op { reply: None, end: None, ..*op }).collect();
    let mut c = C::default();
    let mut writers = Writers::default();
    for (_, is_reply, i) in steps {
        if is_reply {
            known[i] = ops[i];
            c.reply(&known, &writers, i)?;
        } else {
            writers.called(&known[i], i);
            c.call(&known, i);
        }
    }
    Ok(())
}

/// Per key, the latest operation called that may write each value.
#[derive(Clone, Debug, Default)]
pub struct Writers(BTreeMap<(Key, Value), usize>);

impl Writers {
    pub fn called(&mut self, op: &Op, i: usize) {
        if let Call::Write(v) | Call::Cas { new: v, .. } = op.call {
            self.0.insert((op.key, v), i);
        }
    }
    /// The write a read of `v` saw: None for the initial value (or a value nobody wrote).
    pub fn of(&self, key: Key, v: Value) -> Option<usize> {
        if v == INITIAL {
            None
        } else {
            self.0.get(&(key, v)).copied()
        }
    }
}

/// Write `a` (None: the initial value) is older than write `b`: it is the initial value
/// and `b` is not, or it replied before `b` was called.
fn older(ops: &[Op], a: Option<usize>, b: Option<usize>) -> bool {
    match (a, b) {
        (None, Some(_)) => true,
        (Some(a), Some(b)) => ops[a].precedes(&ops[b]),
        _ => false,
    }
}

fn read_value(op: &Op) -> Option<Value> {
    match (op.call, op.reply) {
        (Call::Read, Some(Reply::Value(v))) => Some(v),
        _ => None,
    }
}

// ---- linearizability -------------------------------------------------------------------

/// How many configurations a key may have before it is given up as too concurrent to
/// judge (each open operation can double them).
pub const MAX_CONFIGS: usize = 4_096;

/// Linearizability (strong consistency): every operation takes effect at one instant
/// between its call and its reply, and the register's replies are those of that order.
///
/// The search is Wing and Gong's, breadth first and just in time (Lowe's variant): per key
/// it keeps every configuration the history so far allows, a configuration being the
/// register's value and the open operations already placed with the reply each must get.
/// At a reply, open operations are placed in every order until the replying one is, and
/// configurations whose placed reply differs are dropped; the set of configurations is
/// the memo, so an order is never explored twice. An open call that never gets a reply
/// may or may not be placed. The cost is bounded by [`MAX_CONFIGS`] per key: past it, the
/// key is no longer judged (see [`Linearizable::unjudged`]).
#[derive(Clone, Debug, Default)]
pub struct Linearizable {
    keys: BTreeMap<Key, Register>,
    unjudged: BTreeSet<Key>,
}

#[derive(Clone, Debug)]
struct Register {
    configs: BTreeSet<Config>,
    /// Called, not yet replied (or never to be): may be placed.
    open: BTreeSet<usize>,
}

impl Default for Register {
    fn default() -> Self {
        Register { configs: BTreeSet::from([Config { value: INITIAL, placed: Vec::new() }]), open: BTreeSet::new() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Config {
    value: Value,
    /// Open operations already placed, with the reply each must get, by operation.
    placed: Vec<(usize, Reply)>,
}

impl Config {
    fn placed(&self, i: usize) -> Option<Reply> {
        self.placed.iter().find(|p| p.0 == i).map(|p| p.1)
    }
    fn place(&self, i: usize, call: Call) -> Config {
        let (value, reply) = match call {
            Call::Read => (self.value, Reply::Value(self.value)),
            Call::Write(v) => (v, Reply::Done),
            Call::Cas { expect, new } if expect == self.value => (new, Reply::Swapped(true)),
            Call::Cas { .. } => (self.value, Reply::Swapped(false)),
        };
        let mut placed = self.placed.clone();
        let at = placed.partition_point(|p| p.0 < i);
        placed.insert(at, (i, reply));
        Config { value, placed }
    }
    fn without(mut self, i: usize) -> Config {
        self.placed.retain(|p| p.0 != i);
        self
    }
}

impl Linearizable {
    /// Keys given up as too concurrent to judge.
    pub fn unjudged(&self) -> &BTreeSet<Key> {
        &self.unjudged
    }
}

fn reply_text(r: Reply) -> String {
    match r {
        Reply::Done => "done".to_string(),
        Reply::Value(v) => v.to_string(),
        Reply::Swapped(s) => (if s { "ok" } else { "fail" }).to_string(),
        Reply::Refused => "no".to_string(),
    }
}

impl Checker for Linearizable {
    const ID: &'static str = "linearizable";

    fn call(&mut self, ops: &[Op], i: usize) {
        if !self.unjudged.contains(&ops[i].key) {
            self.keys.entry(ops[i].key).or_default().open.insert(i);
        }
    }

    fn reply(&mut self, ops: &[Op], writers: &Writers, i: usize) -> Result<(), Counterexample> {
        let op = ops[i];
        let (Some(actual), Some(reg)) = (op.reply, self.keys.get_mut(&op.key)) else { return Ok(()) };
        reg.open.remove(&i);
        if actual == Reply::Refused {
            // A refusal took no effect: drop every explanation that needed it.
            reg.configs.retain(|c| c.placed(i).is_none());
            if reg.configs.is_empty() {
                return Err(Counterexample { ops: vec![i], detail: phrase!("breach.refused_seen", op.text()) });
            }
            return Ok(());
        }
        let mut seen: BTreeSet<Config> = BTreeSet::new();
        let mut frontier: Vec<Config> = std::mem::take(&mut reg.configs).into_iter().collect();
        let mut kept = BTreeSet::new();
        let mut possible = BTreeSet::new();
        while let Some(c) = frontier.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            if seen.len() > MAX_CONFIGS {
                self.keys.remove(&op.key);
                self.unjudged.insert(op.key);
                return Ok(());
            }
            if let Some(r) = c.placed(i) {
                possible.insert(r);
                if r == actual {
                    kept.insert(c.without(i));
                }
                continue;
            }
            frontier.push(c.place(i, op.call));
            for &p in reg.open.iter().filter(|&&p| c.placed(p).is_none()) {
                frontier.push(c.place(p, ops[p].call));
            }
        }
        if !kept.is_empty() {
            reg.configs = kept;
            return Ok(());
        }
        // Name the reply, the replies it could have had, and the writes behind those.
        let mut involved = vec![i];
        for r in &possible {
            if let Reply::Value(v) = r {
                involved.extend(writers.of(op.key, *v).filter(|w| !involved.contains(w)));
            }
        }
        if let Some(w) = read_value(&op).and_then(|v| writers.of(op.key, v)).filter(|w| !involved.contains(w)) {
            involved.push(w);
        }
        let could = Text::plain(possible.iter().map(|&r| reply_text(r)).collect::<Vec<_>>().join(" / "));
        let detail = if involved.len() > 1 {
            phrase!("breach.linearizable", op.text(), could, ops_text(ops, &involved[1..]))
        } else {
            phrase!("breach.linearizable_alone", op.text(), could)
        };
        Err(Counterexample { detail, ops: involved })
    }
}

// ---- session guarantees ----------------------------------------------------------------

/// Read-your-writes: once a client's write is done, its later reads of that key return
/// that write or one not older than it (older: the initial value, or a write that replied
/// before the client's write was called).
#[derive(Clone, Debug, Default)]
pub struct ReadYourWrites {
    /// (client, key) → the client's latest done write.
    own: BTreeMap<(NodeId, Key), usize>,
}

impl Checker for ReadYourWrites {
    const ID: &'static str = "read_your_writes";

    fn reply(&mut self, ops: &[Op], writers: &Writers, i: usize) -> Result<(), Counterexample> {
        let op = ops[i];
        if op.written().is_some() {
            self.own.insert((op.client, op.key), i);
        }
        let (Some(v), Some(&mine)) = (read_value(&op), self.own.get(&(op.client, op.key))) else { return Ok(()) };
        let saw = writers.of(op.key, v);
        if saw != Some(mine) && older(ops, saw, Some(mine)) {
            return Err(Counterexample { ops: vec![i, mine], detail: phrase!("breach.read_your_writes", op.text(), ops[mine].text()) });
        }
        Ok(())
    }
}

/// A read and the write it saw (None: the initial value).
type Seen = (usize, Option<usize>);

/// Monotonic reads: a client's read never returns a write older than one an earlier read
/// of the same key by that client returned.
#[derive(Clone, Debug, Default)]
pub struct MonotonicReads {
    /// (client, key) → (read, the write it saw) for the newest writes seen so far.
    seen: BTreeMap<(NodeId, Key), Vec<Seen>>,
}

impl Checker for MonotonicReads {
    const ID: &'static str = "monotonic_reads";

    fn reply(&mut self, ops: &[Op], writers: &Writers, i: usize) -> Result<(), Counterexample> {
        let op = ops[i];
        let Some(v) = read_value(&op) else { return Ok(()) };
        let saw = writers.of(op.key, v);
        let seen = self.seen.entry((op.client, op.key)).or_default();
        if let Some(&(earlier, _)) = seen.iter().find(|&&(_, w)| older(ops, saw, w)) {
            return Err(Counterexample { ops: vec![i, earlier], detail: phrase!("breach.monotonic_reads", op.text(), ops[earlier].text()) });
        }
        // Keep only the newest: what `saw` makes older can no longer be the bar.
        seen.retain(|&(_, w)| !older(ops, w, saw));
        seen.push((i, saw));
        Ok(())
    }
}

// ---- causal consistency ----------------------------------------------------------------

/// Writes in a causal past, per key.
type Past = BTreeMap<Key, BTreeSet<usize>>;

fn join(into: &mut Past, from: &Past) {
    for (k, ws) in from {
        into.entry(*k).or_default().extend(ws);
    }
}

/// Causal consistency, judged by its bad patterns (Bouajjani, Enea, Guerraoui and
/// Hamza, 2017) on the causal order that the history itself shows: a client's operations
/// in its order, and each write before the reads that returned it. A read breaks it when
/// it returns a value nobody wrote, returns the initial value although a write of its key
/// happened before it, or returns a write that another write of its key, also before the
/// read, causally overwrote. Cycles in the causal order itself are not looked for.
#[derive(Clone, Debug, Default)]
pub struct CausalConsistency {
    /// The causal past of each write, at its call.
    past_of: BTreeMap<usize, Past>,
    /// Each client's causal past so far.
    known: BTreeMap<NodeId, Past>,
}

impl Checker for CausalConsistency {
    const ID: &'static str = "causal_consistency";

    fn call(&mut self, ops: &[Op], i: usize) {
        let op = ops[i];
        if matches!(op.call, Call::Write(_) | Call::Cas { .. }) {
            let known = self.known.entry(op.client).or_default();
            self.past_of.insert(i, known.clone());
            known.entry(op.key).or_default().insert(i);
        }
    }

    fn reply(&mut self, ops: &[Op], writers: &Writers, i: usize) -> Result<(), Counterexample> {
        let op = ops[i];
        if op.reply == Some(Reply::Refused) || op.reply == Some(Reply::Swapped(false)) {
            // Not a write after all.
            if let Some(ws) = self.known.get_mut(&op.client).and_then(|k| k.get_mut(&op.key)) {
                ws.remove(&i);
            }
            self.past_of.remove(&i);
            return Ok(());
        }
        let Some(v) = read_value(&op) else { return Ok(()) };
        let saw = writers.of(op.key, v);
        let known = self.known.entry(op.client).or_default();
        let before: Vec<usize> = known.get(&op.key).map(|ws| ws.iter().copied().collect()).unwrap_or_default();
        match saw {
            None if v != INITIAL => return Err(Counterexample { ops: vec![i], detail: phrase!("breach.thin_air", op.text()) }),
            None => {
                if let Some(&w) = before.last() {
                    return Err(Counterexample { ops: vec![i, w], detail: phrase!("breach.causal_initial", op.text(), ops[w].text()) });
                }
            }
            Some(w) => {
                let over = before.iter().copied().find(|&w2| w2 != w && self.past_of.get(&w2).is_some_and(|p| p.get(&op.key).is_some_and(|s| s.contains(&w))));
                if let Some(w2) = over {
                    return Err(Counterexample { ops: vec![i, w, w2], detail: phrase!("breach.causal_overwritten", op.text(), ops[w].text(), ops[w2].text()) });
                }
                // The reader now knows what the writer knew, and the write.
                if let Some(p) = self.past_of.get(&w) {
                    join(known, p);
                }
                known.entry(op.key).or_default().insert(w);
            }
        }
        Ok(())
    }
}

// ---- eventual consistency --------------------------------------------------------------

/// What each replica holds: replica → key → value (a key not held is the initial value).
pub type Replicas = BTreeMap<NodeId, BTreeMap<Key, Value>>;

/// Convergence, the promise of eventual consistency once writes stop: the replicas hold the
/// same value of every key, and that value is the initial one or one some operation may
/// have written. Replicas not listed in `up` are not compared.
pub fn converged(replicas: &Replicas, up: &[NodeId], ops: &[Op]) -> Result<(), Breach> {
    let live: Vec<(&NodeId, &BTreeMap<Key, Value>)> = replicas.iter().filter(|(r, _)| up.contains(r)).collect();
    let keys: BTreeSet<Key> = live.iter().flat_map(|(_, s)| s.keys().copied()).collect();
    for k in keys {
        let held: Vec<(NodeId, Value)> = live.iter().map(|(&r, s)| (r, s.get(&k).copied().unwrap_or(INITIAL))).collect();
        let first = held[0].1;
        if held.iter().any(|&(_, v)| v != first) {
            let values = held.iter().map(|(r, v)| format!("n{r}={v}")).collect::<Vec<_>>().join(", ");
            return Err(Breach { nodes: held.iter().map(|h| h.0).collect(), detail: phrase!("breach.diverged", k, values) });
        }
        if first != INITIAL && !ops.iter().any(|op| op.key == k && op.may_write() == Some(first)) {
            return Err(Breach { nodes: held.iter().map(|h| h.0).collect(), detail: phrase!("breach.converged_thin_air", k, first) });
        }
    }
    Ok(())
}

/// Convergence at rest, as a monitor: replicas report their copies with `op_apply` and
/// `op_forget` marks, and whenever nothing is left to happen the live replicas must agree
/// ([`converged`]). A run whose timers never stop is judged after `patience` ticks without
/// a call, when given.
#[derive(Clone, Debug)]
pub struct Convergence {
    replicas: Vec<NodeId>,
    patience: Option<super::Time>,
    reader: OpReader,
    held: Replicas,
    last_call: super::Time,
}

impl Convergence {
    pub fn new(replicas: Vec<NodeId>, patience: Option<super::Time>) -> Convergence {
        let held = replicas.iter().map(|&r| (r, BTreeMap::new())).collect();
        Convergence { replicas, patience, reader: OpReader::default(), held, last_call: 0 }
    }
}

impl Monitor for Convergence {
    fn id(&self) -> &'static str {
        "eventual"
    }
    fn check(&mut self, events: &[Event], log: &Trace, moment: &Moment) -> Result<(), Breach> {
        for e in events {
            for step in self.reader.read(e, log) {
                match step {
                    OpStep::Call(_) => self.last_call = e.time,
                    OpStep::Apply { replica, change } => {
                        if let Some(copy) = self.held.get_mut(&replica) {
                            match change {
                                Some((k, v)) => {
                                    copy.insert(k, v);
                                }
                                None => copy.clear(),
                            }
                        }
                    }
                    OpStep::Reply(_) => {}
                }
            }
        }
        let settled = self.patience.is_some_and(|p| moment.now.saturating_sub(self.last_call) >= p);
        if !(moment.quiescent || settled) {
            return Ok(());
        }
        let up: Vec<NodeId> = self.replicas.iter().copied().filter(|&r| moment.up.get(r).copied().unwrap_or(false)).collect();
        converged(&self.held, &up, &self.reader.ops)
    }
}

// ---- the monitor -----------------------------------------------------------------------

/// A [`Checker`] run over the log as it grows. The history it keeps grows with the run's
/// operations (a teaching run has tens to hundreds). It reports the first breach for good:
/// a history that broke a model stays broken.
#[derive(Clone, Debug, Default)]
pub struct HistoryMonitor<C: Checker> {
    reader: OpReader,
    writers: Writers,
    checker: C,
    broken: Option<Breach>,
}

impl<C: Checker> HistoryMonitor<C> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn boxed() -> Box<dyn Monitor> {
        Box::new(Self::default())
    }
    pub fn checker(&self) -> &C {
        &self.checker
    }
    pub fn ops(&self) -> &[Op] {
        &self.reader.ops
    }
}

impl<C: Checker> Monitor for HistoryMonitor<C> {
    fn id(&self) -> &'static str {
        C::ID
    }
    fn check(&mut self, events: &[Event], log: &Trace, _: &Moment) -> Result<(), Breach> {
        for e in events {
            for step in self.reader.read(e, log) {
                let verdict = match step {
                    OpStep::Call(i) => {
                        self.writers.called(&self.reader.ops[i], i);
                        self.checker.call(&self.reader.ops, i);
                        Ok(())
                    }
                    OpStep::Reply(i) => self.checker.reply(&self.reader.ops, &self.writers, i),
                    OpStep::Apply { .. } => Ok(()),
                };
                if let (Err(cx), None) = (verdict, &self.broken) {
                    self.broken = Some(Breach { nodes: cx.clients(&self.reader.ops), detail: cx.detail });
                }
            }
        }
        self.broken.clone().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ops::Op;

    const X: Key = 0;
    const Y: Key = 1;

    fn lin(h: &[Op]) -> Result<(), Counterexample> {
        check::<Linearizable>(h)
    }

    #[test]
    fn a_stale_read_after_a_completed_write_is_not_linearizable() {
        let h = [Op::write(1, X, 1, (0, 1)), Op::read(2, X, 0, (2, 3))];
        let cx = lin(&h).unwrap_err();
        assert_eq!(cx.ops, vec![1, 0], "the read, then the write it should have seen");
        assert_eq!(cx.clients(&h), vec![2, 1]);
        assert_eq!(cx.detail.en(&[]), "no order of the operations explains n2:R(k0)→0: between its call and its reply it could only return 1 (see n1:W(k0,1))");
        // Overlapping in time, the read may take effect first.
        let overlapping = [Op::write(1, X, 1, (0, 3)), Op::read(2, X, 0, (2, 4))];
        assert!(lin(&overlapping).is_ok());
        // Touching instants count as overlapping: one precedes the other only strictly.
        assert!(lin(&[Op::write(1, X, 1, (0, 2)), Op::read(2, X, 0, (2, 4))]).is_ok());
    }

    #[test]
    fn concurrent_writes_may_be_read_in_either_order_but_not_flip_back() {
        let w = [Op::write(1, X, 1, (0, 10)), Op::write(2, X, 2, (0, 10))];
        for (a, b) in [(1, 2), (2, 1)] {
            let h = [w[0], w[1], Op::read(3, X, a, (1, 2)), Op::read(4, X, b, (3, 4))];
            assert!(lin(&h).is_ok(), "reads {a} then {b}");
        }
        // Once both writes are done, the register holds one of them for good.
        let h = [w[0], w[1], Op::read(3, X, 1, (11, 12)), Op::read(4, X, 2, (13, 14))];
        let cx = lin(&h).unwrap_err();
        assert_eq!(cx.ops, vec![3, 0, 1], "the second read, what it could have returned (1), and the write it saw");
        assert!(cx.detail.en(&[]).contains("could only return 1"), "{}", cx.detail.en(&[]));
    }

    #[test]
    fn an_unanswered_write_may_have_happened_but_cannot_be_unseen() {
        let open = Op::open(1, X, Call::Write(1), 0);
        assert!(lin(&[open, Op::read(2, X, 0, (5, 6)), Op::read(2, X, 1, (7, 8))]).is_ok(), "not yet, then taken effect");
        assert!(lin(&[open, Op::read(2, X, 0, (5, 6))]).is_ok(), "maybe never");
        let cx = lin(&[open, Op::read(2, X, 1, (5, 6)), Op::read(3, X, 0, (7, 8))]).unwrap_err();
        assert_eq!(cx.ops, vec![2, 0], "the read of the initial value, and the open write it can no longer miss");
        assert!(cx.detail.en(&[]).ends_with("could only return 1 (see n1:W(k0,1)→?)"), "{}", cx.detail.en(&[]));
    }

    #[test]
    fn a_refused_write_takes_no_effect() {
        let refused = Op::new(1, X, Call::Write(1), Reply::Refused, (0, 5));
        assert!(lin(&[refused, Op::read(2, X, 0, (6, 7))]).is_ok());
        let cx = lin(&[refused, Op::read(2, X, 1, (2, 3))]).unwrap_err();
        assert_eq!(cx.ops, vec![0]);
        assert_eq!(cx.detail.en(&[]), "n1:W(k0,1)→no was refused, yet another operation saw its effect");
    }

    #[test]
    fn two_compare_and_swaps_from_the_same_value_cannot_both_win() {
        let cas = |c, won| Op::new(c, X, Call::Cas { expect: 0, new: c as Value }, Reply::Swapped(won), (0, 10));
        assert!(lin(&[cas(1, true), cas(2, false), Op::read(3, X, 1, (11, 12))]).is_ok());
        let cx = lin(&[cas(1, true), cas(2, true)]).unwrap_err();
        assert_eq!(cx.ops, vec![1]);
        assert!(cx.detail.en(&[]).contains("could only return fail"), "{}", cx.detail.en(&[]));
        assert!(lin(&[cas(1, true), cas(2, false), Op::read(3, X, 2, (11, 12))]).is_err(), "the loser's value never lands");
    }

    #[test]
    fn keys_are_judged_apart() {
        // On its own key, each stale read is fine; the history is linearizable per key.
        let h = [Op::write(1, X, 1, (0, 1)), Op::read(2, Y, 0, (2, 3)), Op::write(1, Y, 2, (4, 5)), Op::read(2, X, 1, (6, 7))];
        assert!(lin(&h).is_ok());
    }

    #[test]
    fn too_much_concurrency_is_left_unjudged_not_guessed() {
        let mut c = Linearizable::default();
        let mut w = Writers::default();
        let mut h: Vec<Op> = (0..20).map(|i| Op::open(i, X, Call::Write(i as Value + 1), i as u64)).collect();
        h.push(Op::read(30, X, 0, (100, 101)));
        for i in 0..h.len() {
            w.called(&h[i], i);
            c.call(&h, i);
        }
        assert!(c.reply(&h, &w, 20).is_ok());
        assert_eq!(c.unjudged().iter().copied().collect::<Vec<_>>(), vec![X]);
        // Another key is still judged.
        let mut h2 = h.clone();
        h2.extend([Op::write(40, Y, 1, (200, 201)), Op::read(41, Y, 0, (202, 203))]);
        for i in [21, 22] {
            w.called(&h2[i], i);
            c.call(&h2, i);
            let verdict = c.reply(&h2, &w, i);
            assert_eq!(verdict.is_err(), i == 22, "the write, then its stale read");
        }
    }

    #[test]
    fn read_your_writes_compares_with_the_clients_own_write() {
        let rw = |h: &[Op]| check::<ReadYourWrites>(h);
        let cx = rw(&[Op::write(1, X, 1, (0, 1)), Op::read(1, X, 0, (2, 3))]).unwrap_err();
        assert_eq!(cx.ops, vec![1, 0]);
        assert_eq!(cx.detail.en(&[]), "n1:R(k0)→0 does not see the client's own earlier write n1:W(k0,1)");
        // Someone else's stale read is not this guarantee's business.
        assert!(rw(&[Op::write(1, X, 1, (0, 1)), Op::read(2, X, 0, (2, 3))]).is_ok());
        // A newer write by another client, or one concurrent with the client's own, is fine.
        assert!(rw(&[Op::write(1, X, 1, (0, 1)), Op::write(2, X, 2, (2, 3)), Op::read(1, X, 2, (4, 5))]).is_ok());
        assert!(rw(&[Op::write(2, X, 2, (0, 10)), Op::write(1, X, 1, (1, 2)), Op::read(1, X, 2, (3, 4))]).is_ok());
        // An older one, done before the client's write began, is not.
        assert!(rw(&[Op::write(2, X, 2, (0, 1)), Op::write(1, X, 1, (2, 3)), Op::read(1, X, 2, (4, 5))]).is_err());
    }

    #[test]
    fn a_read_that_goes_back_in_time_breaks_monotonic_reads() {
        let mr = |h: &[Op]| check::<MonotonicReads>(h);
        let w = [Op::write(1, X, 1, (0, 1)), Op::write(1, X, 2, (2, 3))];
        let cx = mr(&[w[0], w[1], Op::read(2, X, 2, (4, 5)), Op::read(2, X, 1, (6, 7))]).unwrap_err();
        assert_eq!(cx.ops, vec![3, 2]);
        assert_eq!(cx.detail.en(&[]), "n2:R(k0)→1 returns an older value than n2:R(k0)→2, read earlier by the same client");
        assert!(mr(&[w[0], Op::read(2, X, 1, (2, 3)), Op::read(2, X, 0, (4, 5))]).is_err(), "back to the initial value");
        // Forward is fine; so is another client seeing older values; so are concurrent writes.
        assert!(mr(&[w[0], w[1], Op::read(2, X, 1, (4, 5)), Op::read(2, X, 2, (6, 7))]).is_ok());
        assert!(mr(&[w[0], w[1], Op::read(2, X, 2, (4, 5)), Op::read(3, X, 1, (6, 7))]).is_ok());
        let c = [Op::write(1, X, 1, (0, 10)), Op::write(2, X, 2, (0, 10))];
        assert!(mr(&[c[0], c[1], Op::read(3, X, 2, (1, 2)), Op::read(3, X, 1, (3, 4))]).is_ok());
    }

    #[test]
    fn causal_consistency_follows_what_clients_saw() {
        let cc = |h: &[Op]| check::<CausalConsistency>(h);
        // 1 writes x; 2 reads it and writes y; 3 reads y, then x's initial value.
        let chain = [Op::write(1, X, 1, (0, 1)), Op::read(2, X, 1, (2, 3)), Op::write(2, Y, 2, (4, 5)), Op::read(3, Y, 2, (6, 7))];
        let mut h = chain.to_vec();
        h.push(Op::read(3, X, 0, (8, 9)));
        let cx = cc(&h).unwrap_err();
        assert_eq!(cx.ops, vec![4, 0]);
        assert_eq!(cx.detail.en(&[]), "n3:R(k0)→0 returns the initial value, yet n1:W(k0,1) happened before it");
        h[4] = Op::read(3, X, 1, (8, 9));
        assert!(cc(&h).is_ok());
        // A value overwritten in the writer's own order, after the newer one was read.
        let over = [Op::write(1, X, 1, (0, 1)), Op::write(1, X, 2, (2, 3)), Op::read(2, X, 2, (4, 5)), Op::read(2, X, 1, (6, 7))];
        let cx = cc(&over).unwrap_err();
        assert_eq!(cx.ops, vec![3, 0, 1]);
        assert_eq!(cx.detail.en(&[]), "n2:R(k0)→1 returns the value of n1:W(k0,1), which n1:W(k0,2) overwrote before the read");
        // Stale but causally innocent: the reader knows nothing of the write.
        let stale = [Op::write(1, X, 1, (0, 1)), Op::read(2, X, 0, (2, 3))];
        assert!(cc(&stale).is_ok());
        assert!(lin(&stale).is_err(), "yet not linearizable");
        let cx = cc(&[Op::read(2, X, 7, (0, 1))]).unwrap_err();
        assert_eq!(cx.detail.en(&[]), "n2:R(k0)→7 returns a value nobody wrote");
    }

    #[test]
    fn convergence_compares_the_live_replicas() {
        let copies = |vals: &[(NodeId, Value)]| -> Replicas { vals.iter().map(|&(r, v)| (r, BTreeMap::from([(X, v)]))).collect() };
        let ops = [Op::write(5, X, 3, (0, 1))];
        assert!(converged(&copies(&[(0, 3), (1, 3), (2, 3)]), &[0, 1, 2], &ops).is_ok());
        let b = converged(&copies(&[(0, 3), (1, 0), (2, 3)]), &[0, 1, 2], &ops).unwrap_err();
        assert_eq!(b.nodes, vec![0, 1, 2]);
        assert_eq!(b.detail.en(&[]), "at rest, the replicas disagree on key 0: n0=3, n1=0, n2=3");
        assert!(converged(&copies(&[(0, 3), (1, 0), (2, 3)]), &[0, 2], &ops).is_ok(), "a crashed replica is not compared");
        let b = converged(&copies(&[(0, 4), (1, 4)]), &[0, 1], &ops).unwrap_err();
        assert_eq!(b.detail.en(&[]), "at rest, the replicas agree that key 0 holds 4, which nobody wrote");
        // A replica that never heard of a key holds its initial value.
        let mut partial = copies(&[(0, 3)]);
        partial.insert(1, BTreeMap::new());
        assert!(converged(&partial, &[0, 1], &ops).is_err());
    }
}
