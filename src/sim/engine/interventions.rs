//! Interventions: what the viewer (or a scenario) does to a run from outside, checked
//! first and then applied: crashes and recoveries, inputs, a message dropped, held or
//! copied, links cut and restored, partitions, network settings, and acts waiting for a
//! protocol milestone.

use super::{kind_text, Engine, Flight, Pending};
use crate::phrase;
use crate::sim::act::{Act, Anchor};
use crate::sim::network::{format_percent, link_key, LossReason};
use crate::sim::protocol::{Input, Protocol};
use crate::sim::trace::EventKind;
use crate::sim::{MsgId, NodeId, Time};
use crate::words::Text;

impl<P: Protocol> Engine<P> {
    /// Count the milestone for every armed intervention it matches; apply those whose
    /// count is reached.
    pub(super) fn fire_anchors(&mut self, matches: impl Fn(&Anchor) -> bool) {
        for i in 0..self.world.armed.len() {
            let a = &mut self.world.armed[i];
            if a.done || !matches(&a.anchored.anchor) {
                continue;
            }
            a.seen += 1;
            let nth = match &a.anchored.anchor {
                Anchor::Send { nth, .. } | Anchor::Mark { nth, .. } => *nth,
            };
            if a.seen == nth {
                a.done = true;
                let act = a.anchored.act.clone();
                if let Err(why) = self.apply(&act) {
                    let last = self.trace.events().len().saturating_sub(1);
                    self.trace.push_note(last, phrase!("note.anchor_skipped", self.world.armed[i].anchored.encode(), why));
                }
            }
        }
    }

    /// Why `act` cannot be applied now, if it cannot; nothing changes either way.
    pub fn validate(&self, act: &Act) -> Result<(), Text> {
        let n = self.setup.n;
        if let Some(bad) = act.nodes().into_iter().find(|&x| x >= n) {
            return Err(phrase!("err.no_node", bad, n - 1));
        }
        match act {
            Act::Crash(node) if !self.world.up[*node] => Err(phrase!("err.already_down", *node)),
            Act::Recover(node) if self.world.up[*node] => Err(phrase!("err.not_down", *node)),
            Act::Input(node, name, arg) => {
                if !self.world.up[*node] {
                    return Err(phrase!("err.input_down", *node));
                }
                let info = self.proto.describe();
                let Some(spec) = info.inputs.iter().find(|i| i.id == name) else {
                    let names: Vec<&str> = info.inputs.iter().map(|i| i.id).collect();
                    return Err(phrase!("err.no_input", name.clone(), if names.is_empty() { "-".into() } else { names.join(", ") }));
                };
                spec.check(arg.as_deref(), n)
            }
            Act::Drop(id) | Act::Delay(id, _) | Act::Duplicate(id) => self.live_flight(*id).map(|_| ()),
            Act::Cut(a, b) | Act::Link(a, b, ..) | Act::Delays(Some((a, b)), _) if a == b => Err(phrase!("err.self_link", *a)),
            Act::Partition(groups) => {
                let mut seen = vec![false; n];
                for &m in groups.iter().flatten() {
                    if std::mem::replace(&mut seen[m], true) {
                        return Err(phrase!("err.two_groups", m));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Apply an intervention at `at` (a moment between this step and the next). A refused
    /// intervention changes nothing, not even the clock.
    pub fn apply_at(&mut self, act: &Act, at: Option<Time>) -> Result<(), Text> {
        self.validate(act)?;
        if let Some(t) = at {
            self.advance_to(t);
        }
        self.apply(act)
    }

    /// Apply an intervention now. Errors name what cannot be done (e.g. the message has
    /// already arrived); the run is unchanged then.
    pub fn apply(&mut self, act: &Act) -> Result<(), Text> {
        self.validate(act)?;
        let n = self.setup.n;
        match act {
            Act::Crash(node) => {
                // The named node first, then the rest of its machine that is still up.
                let falling: Vec<NodeId> = std::iter::once(*node).chain(self.fate_group(*node).into_iter().filter(|&m| m != *node && self.world.up[m])).collect();
                for m in falling {
                    self.crash(m);
                    if m != *node {
                        self.trace.push_note(self.trace.events().len() - 1, phrase!("note.fate_shared", *node));
                    }
                }
            }
            Act::Recover(node) => {
                // Members that never joined stay out: a machine coming back does not add them.
                let rising: Vec<NodeId> = std::iter::once(*node).chain(self.fate_group(*node).into_iter().filter(|&m| m != *node && !self.world.up[m] && !self.world.absent[m])).collect();
                for m in rising {
                    self.recover(m, (m != *node).then(|| phrase!("note.fate_shared", *node)));
                }
            }
            Act::Input(node, name, arg) => {
                let me = *node;
                let spec = *self.proto.describe().inputs.iter().find(|i| i.id == name).expect("validated");
                let offered = self.proto.inputs_for(me, &self.world.states[me]).iter().any(|i| i.id == spec.id);
                let input = Input { id: spec.id, arg: arg.clone() };
                let kind = EventKind::Input { input: spec.id, arg: arg.as_deref().map(Box::from), workload: false };
                let event = self.handle_spontaneous(me, kind, |p, s, ctx| p.on_input(me, s, &input, ctx));
                if let Some(event) = event.filter(|_| !offered) {
                    self.trace.push_note(event, phrase!("note.input_ignored", me, Text::Id("input", spec.id)));
                }
            }
            Act::Drop(id) => {
                let key = self.live_flight(*id)?.key;
                self.world.queue.remove(&key);
                self.world.flights.get_mut(id).expect("checked").lost = Some(LossReason::User);
                self.lose(*id);
            }
            Act::Delay(id, extra) => {
                let flight = self.live_flight(*id)?;
                let (old_key, from, to, due) = (flight.key, flight.from, flight.to, flight.due + extra);
                self.reschedule(*id, old_key, due);
                if self.world.network.config.fifo {
                    // Later messages on a FIFO link may not overtake the held one.
                    let behind: Vec<MsgId> = self
                        .world
                        .flights
                        .iter()
                        .filter(|(m, f)| **m != *id && f.from == from && f.to == to && f.lost.is_none() && f.key > old_key && f.due < due)
                        .map(|(m, _)| *m)
                        .collect();
                    for m in behind {
                        let key = self.world.flights[&m].key;
                        self.reschedule(m, key, due);
                    }
                    self.world.network.hold_fifo(from, to, due);
                }
                let kind = self.trace.message(*id).kind;
                let what = phrase!("net.held", kind_text(kind), from, to, *extra);
                self.push_event(None, EventKind::Tamper { msg: *id, what: Box::new(what) }, None);
            }
            Act::Duplicate(id) => {
                let flight = self.live_flight(*id)?.clone();
                self.world.counters.duplicated += 1;
                let copy = self.launch(flight.from, flight.to, flight.payload, flight.send_event, Some(*id));
                let kind = self.trace.message(*id).kind;
                let what = phrase!("net.duplicated", kind_text(kind), flight.from, flight.to, copy);
                self.push_event(None, EventKind::Tamper { msg: *id, what: Box::new(what) }, None);
            }
            Act::Cut(a, b) => {
                self.world.network.links.entry(link_key(*a, *b)).or_default().cut = true;
                self.network_event(phrase!("net.cut", *a, *b));
                self.kill_disconnected();
            }
            Act::Restore(a, b) => {
                self.world.network.links.remove(&link_key(*a, *b));
                self.network_event(phrase!("net.restored", *a, *b));
            }
            Act::Link(a, b, range, drop) => {
                let rule = self.world.network.links.entry(link_key(*a, *b)).or_default();
                rule.delay = Some(*range);
                rule.drop = Some(*drop);
                self.network_event(phrase!("net.link_rule", *a, *b, format!("{}-{}", range.0, range.1), format_percent(*drop)));
            }
            Act::Partition(groups) => {
                let mut group_of = vec![u32::MAX; n];
                for (g, members) in groups.iter().enumerate() {
                    for &m in members {
                        group_of[m] = g as u32;
                    }
                }
                // Nodes not named form one more group of their own.
                for g in group_of.iter_mut().filter(|g| **g == u32::MAX) {
                    *g = groups.len() as u32;
                }
                self.world.network.groups = Some(group_of);
                self.network_event(phrase!("net.partition", act.encode().trim_start_matches("partition:").to_string()));
                self.kill_disconnected();
            }
            Act::Heal => {
                self.world.network.groups = None;
                for rule in self.world.network.links.values_mut() {
                    rule.cut = false;
                }
                self.network_event(Text::key("net.healed"));
            }
            Act::Network(config) => {
                self.world.network.config = config.clone();
                self.network_event(phrase!("net.settings", act.encode().trim_start_matches("net:").to_string()));
            }
            Act::Delays(None, shape) => {
                self.world.network.shape = *shape;
                self.network_event(phrase!("net.delays", shape.encode()));
            }
            Act::Delays(Some((a, b)), shape) => {
                self.world.network.links.entry(link_key(*a, *b)).or_default().shape = Some(*shape);
                self.network_event(phrase!("net.link_delays", *a, *b, shape.encode()));
            }
        }
        self.settle();
        Ok(())
    }

    fn crash(&mut self, node: NodeId) {
        self.world.up[node] = false;
        // A crashed node's timers die with it.
        self.cancel_timers_of(node);
        self.push_event(Some(node), EventKind::Crash, None);
    }

    /// Bring `me` back (or in, the first time) and run its recovery. The note goes on
    /// before the handler's sends are logged: notes are kept in event order.
    fn recover(&mut self, me: NodeId, note: Option<Text>) {
        self.world.up[me] = true;
        let kind = if std::mem::replace(&mut self.world.absent[me], false) { EventKind::Join } else { EventKind::Recover };
        let event = self.local_event(me, kind, None);
        if let Some(note) = note {
            self.trace.push_note(event, note);
        }
        self.handle(me, event, |p, s, ctx| *s = p.on_recover(me, s, ctx));
    }

    fn network_event(&mut self, what: Text) {
        self.push_event(None, EventKind::Network { what: Box::new(what) }, None);
    }

    fn live_flight(&self, id: MsgId) -> Result<&Flight<P::Msg>, Text> {
        match self.world.flights.get(&id) {
            Some(f) if f.lost.is_none() => Ok(f),
            Some(_) => Err(phrase!("err.being_lost", id)),
            None if id < self.trace.messages().len() => Err(phrase!("err.arrived", id)),
            None => Err(phrase!("err.no_message", id)),
        }
    }

    fn reschedule(&mut self, id: MsgId, old_key: (Time, u64), due: Time) {
        self.world.queue.remove(&old_key);
        let key = self.next_key(due);
        self.world.queue.insert(key, Pending::Deliver(id));
        let f = self.world.flights.get_mut(&id).expect("rescheduled message is in flight");
        f.key = key;
        f.due = due;
        f.arrive = due;
    }

    /// Messages crossing a link that just went down are lost at once.
    fn kill_disconnected(&mut self) {
        let doomed: Vec<MsgId> = self
            .world
            .flights
            .iter()
            .filter(|(_, f)| f.lost.is_none() && !self.world.network.connected(f.from, f.to))
            .map(|(id, _)| *id)
            .collect();
        for id in doomed {
            let key = self.world.flights[&id].key;
            self.world.queue.remove(&key);
            self.world.flights.get_mut(&id).expect("listed above").lost = Some(LossReason::Cut);
            self.lose(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::engine;
    use crate::sim::{Act, EventKind, NetworkConfig};
    use crate::words::Words;

    const NO_WORDS: Words = &[];

    #[test]
    fn dropping_and_duplicating_are_counted_and_checked() {
        let mut e = engine(3, NetworkConfig::default());
        // Messages 0 and 1 are the pings.
        e.apply(&Act::Duplicate(0)).unwrap();
        e.apply(&Act::Drop(1)).unwrap();
        assert!(e.apply(&Act::Drop(1)).unwrap_err().en(NO_WORDS).contains("no longer in flight"));
        assert!(e.apply(&Act::Crash(9)).unwrap_err().en(NO_WORDS).contains("nodes are 0 to 2"));
        while e.step() {}
        assert_eq!((e.world.counters.dropped, e.world.counters.duplicated), (1, 1));
        // Node 1 answered twice, so node 0 saw 2 pongs: still within the invariant.
        assert!(e.trace.violations().is_empty());
    }

    #[test]
    fn a_refused_intervention_leaves_the_clock_alone() {
        let mut e = engine(3, NetworkConfig::default());
        let before = e.world.now;
        assert!(e.apply_at(&Act::Drop(99), Some(before + 30)).is_err());
        assert_eq!(e.world.now, before, "the clock did not move");
        assert!(e.apply_at(&Act::Crash(2), Some(before + 30)).is_ok());
        assert_eq!(e.world.now, before + 30);
    }

    #[test]
    fn partitions_kill_crossing_messages_and_crashes_discard() {
        let mut e = engine(3, NetworkConfig::default());
        e.apply(&Act::Partition(vec![vec![0], vec![1, 2]])).unwrap();
        assert_eq!(e.world.counters.dropped, 2);
        let mut e = engine(3, NetworkConfig::default());
        e.apply(&Act::Crash(2)).unwrap();
        while e.step() {}
        assert!(e.trace.events().iter().any(|ev| matches!(ev.kind, EventKind::Discard { .. }) && ev.node == Some(2)));
    }
}
