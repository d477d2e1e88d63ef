//! Stepping: the event loop and what one happening does (a delivery, a loss, a timer, a
//! workload request), the handlers it runs and the effects they ask for (timers, notes,
//! marks, sends put on the wire).

use super::{ArmedTimer, Engine, Flight, Pending, Saved};
use crate::phrase;
use crate::sim::act::Anchor;
use crate::sim::protocol::{Ctx, Effects, Input, Protocol};
use crate::sim::trace::{Event, EventKind, Mark, MessageRecord, Rollback};
use crate::sim::{EventId, MsgId, NodeId, Time};
use crate::words::Text;

impl<P: Protocol> Engine<P> {
    pub(super) fn schedule_workload(&mut self, me: NodeId, every: Time) {
        let after = self.world.load_rng.between(1, 2 * every);
        let key = self.next_key(self.world.now + after);
        self.world.queue.insert(key, Pending::Workload(me));
    }

    /// Run one handler on `me`'s state and return what it asked for.
    fn run(&mut self, me: NodeId, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) -> Effects<P> {
        let world = &mut self.world;
        let mut ctx = Ctx { me, now: world.now, n: self.setup.n, rng: &mut world.proto_rng, groups: &self.groups, out: Effects::default() };
        handler(&self.proto, &mut world.states[me], &mut ctx);
        ctx.out
    }

    /// Run one handler on `me`'s state, then apply its effects to `event`.
    pub(super) fn handle(&mut self, me: NodeId, event: EventId, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) {
        let out = self.run(me, handler);
        self.apply_effects(me, Some(event), out);
    }

    /// Run a timer or input handler; its firing is logged as `kind` (ticking the clocks
    /// before any send, as if logged first) unless it asked to be silent and sent
    /// something. Returns the logged event, if any.
    pub(super) fn handle_spontaneous(&mut self, me: NodeId, kind: EventKind, handler: impl FnOnce(&P, &mut P::State, &mut Ctx<P>)) -> Option<EventId> {
        let out = self.run(me, handler);
        // A rollback needs an event of its own to stand on.
        let logged = !out.silent || out.sends.is_empty() || out.rollback.is_some();
        let event = logged.then(|| self.local_event(me, kind, None));
        self.apply_effects(me, event, out);
        event
    }

    pub(super) fn next_key(&mut self, due: Time) -> (Time, u64) {
        self.world.seq += 1;
        (due, self.world.seq)
    }

    /// Nothing left to happen: no message in flight, no timer armed, and no workload
    /// request any node could take (a stalled ring with every node waiting is at rest).
    pub fn quiescent(&self) -> bool {
        // Only workload requests can be idle: without a workload, no need to walk the
        // queue (ten thousand armed timers) on every step.
        if self.workload.is_none() {
            return self.world.queue.is_empty();
        }
        self.world.queue.values().all(|p| self.idle(p))
    }

    /// Time of the next happening that can change something, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.world.queue.iter().find(|(_, p)| !self.idle(p)).map(|(k, _)| k.0)
    }

    /// A workload request its node cannot take now: it changes nothing until something
    /// else happens first.
    fn idle(&self, pending: &Pending) -> bool {
        matches!(pending, Pending::Workload(me) if !self.wants_request(*me))
    }

    /// Take one step: the earliest pending happening. Returns false when quiescent.
    pub fn step(&mut self) -> bool {
        self.step_before(Time::MAX)
    }

    /// Take one step if something is due at or before `limit`. A workload request the
    /// node cannot take now (it is down, or already asked) is not a step of its own: it
    /// is passed over, rescheduled, and the next happening is taken instead, so every
    /// step shows something.
    pub fn step_before(&mut self, limit: Time) -> bool {
        if self.quiescent() {
            return false;
        }
        loop {
            let Some((&key, &pending)) = self.world.queue.iter().next() else { return false };
            if key.0 > limit {
                return false;
            }
            match pending {
                Pending::Workload(me) if !self.wants_request(me) => {
                    self.world.queue.remove(&key);
                    self.world.now = self.world.now.max(key.0);
                    let every = self.workload.map_or(1, |w| w.every);
                    self.schedule_workload(me, every);
                }
                _ => {
                    self.run_pending(key);
                    return true;
                }
            }
        }
    }

    /// Whether node `me` can take the workload's input now.
    fn wants_request(&self, me: NodeId) -> bool {
        self.workload.is_some_and(|w| self.world.up[me] && self.proto.inputs_for(me, &self.world.states[me]).iter().any(|i| i.id == w.input))
    }

    pub(super) fn run_pending(&mut self, key: (Time, u64)) {
        let pending = self.world.queue.remove(&key).expect("key taken from the queue");
        self.world.step += 1;
        self.world.now = self.world.now.max(key.0);
        match pending {
            Pending::Deliver(id) => self.deliver(id),
            Pending::Lose(id) => self.lose(id),
            Pending::Fire(id) => self.fire(id),
            Pending::Workload(me) => self.workload(me),
        }
        self.settle();
    }

    /// Move the clock forward to `time` without anything happening (so an intervention
    /// lands exactly where the user clicked). Never past the next happening.
    pub fn advance_to(&mut self, time: Time) {
        let limit = self.next_due().unwrap_or(Time::MAX);
        self.world.now = self.world.now.max(time.min(limit));
    }

    pub(super) fn push_event(&mut self, node: Option<NodeId>, kind: EventKind, cause: Option<EventId>) -> EventId {
        let id = self.trace.events().len();
        let (lamport, hops) = match node {
            Some(n) => (self.world.lamport[n], self.world.hops[n]),
            None => (0, 0),
        };
        let vector = node.and_then(|n| self.world.vector.get(n)).map(|v| v.as_slice());
        self.trace.push_event(Event { id, step: self.world.step, time: self.world.now, node, kind, lamport, hops, cause }, vector);
        id
    }

    /// An event on `me`'s line that ticks its clocks.
    pub(super) fn local_event(&mut self, me: NodeId, kind: EventKind, cause: Option<EventId>) -> EventId {
        self.world.lamport[me] += 1;
        if let Some(v) = self.world.vector.get_mut(me) {
            v[me] += 1;
        }
        self.push_event(Some(me), kind, cause)
    }

    fn deliver(&mut self, id: MsgId) {
        let flight = self.world.flights.remove(&id).expect("delivered message is in flight");
        let to = flight.to;
        if !self.world.up[to] {
            let e = self.push_event(Some(to), EventKind::Discard { msg: id }, Some(flight.send_event));
            self.trace.push_note(e, phrase!("note.down_discard", to));
            self.trace.end_message(id, e);
            return;
        }
        // Receive rule: merge the sender's clocks, then tick.
        let w = &mut self.world;
        w.lamport[to] = w.lamport[to].max(flight.lamport);
        if let (Some(mine), Some(theirs)) = (w.vector.get_mut(to), flight.vector.as_ref()) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a = (*a).max(*b);
            }
        }
        w.hops[to] = w.hops[to].max(flight.hops + 1);
        if flight.from != to {
            w.counters.delivered += 1;
        }
        let event = self.local_event(to, EventKind::Receive { msg: id }, Some(flight.send_event));
        self.trace.end_message(id, event);
        let (from, payload) = (flight.from, flight.payload);
        self.handle(to, event, |p, s, ctx| p.on_message(to, s, from, payload, ctx));
    }

    pub(super) fn lose(&mut self, id: MsgId) {
        let flight = self.world.flights.remove(&id).expect("lost message is in flight");
        let reason = flight.lost.expect("a Lose is only queued for a lost message");
        self.world.counters.dropped += 1;
        let span = flight.arrive.saturating_sub(flight.sent_at).max(1);
        let progress = (self.world.now.saturating_sub(flight.sent_at) * 1000 / span).min(1000) as u32;
        let e = self.push_event(None, EventKind::Lost { msg: id, reason, progress }, Some(flight.send_event));
        self.trace.end_message(id, e);
    }

    fn fire(&mut self, timer_id: super::TimerId) {
        let Some(armed) = self.world.timers.remove(&timer_id) else { return };
        let me = armed.node;
        let timer = self.proto.timer_name(&armed.timer);
        self.handle_spontaneous(me, EventKind::Timer { timer }, |p, s, ctx| p.on_timer(me, s, armed.timer, ctx));
    }

    /// The workload asks `me` for its input (when the node is up and the protocol offers
    /// the input now), then schedules the next request.
    fn workload(&mut self, me: NodeId) {
        let Some(w) = self.workload else { return };
        if self.wants_request(me) {
            let input = Input { id: w.input, arg: None };
            self.handle_spontaneous(me, EventKind::Input { input: w.input, arg: None, workload: true }, |p, s, ctx| p.on_input(me, s, &input, ctx));
        }
        self.schedule_workload(me, w.every);
    }

    /// Apply what a handler asked for, in a fixed order: cancels, timers, notes and marks
    /// (on the handler's event, or on its first send when it is silent), then each send
    /// as its own event (a send is an event in Lamport's sense, so it ticks the clock).
    /// A milestone-anchored crash of `me` stops the remaining sends.
    pub(super) fn apply_effects(&mut self, me: NodeId, event: Option<EventId>, out: Effects<P>) {
        // A rollback comes first: the handler's timers and sends are its recovery.
        let rolled = out.rollback.zip(event).map(|(key, at)| self.roll_back(me, key, at));
        for cancel in &out.cancels {
            let ids: Vec<_> = self.world.timers.range((me, 0)..=(me, u64::MAX)).filter(|(_, t)| &t.timer == cancel).map(|(id, _)| *id).collect();
            for id in ids {
                let t = self.world.timers.remove(&id).expect("listed above");
                self.world.queue.remove(&t.key);
            }
        }
        for (after, timer) in out.timers {
            let due = self.world.now + after;
            let key = self.next_key(due);
            self.world.next_timer += 1;
            let id = self.world.next_timer;
            self.world.queue.insert(key, Pending::Fire((me, id)));
            self.world.timers.insert((me, id), ArmedTimer { node: me, timer, set_at: self.world.now, due, key });
        }
        let mut words = Some((out.notes, out.marks));
        if let Some(event) = event {
            self.attach(me, event, words.take().expect("not taken yet"));
        }
        for (to, msg) in out.sends {
            if !self.world.up[me] {
                break;
            }
            let send_event = self.send(me, to, msg);
            if let Some(w) = words.take() {
                self.attach(me, send_event, w);
            }
        }
        let last = self.trace.events().len() - 1;
        if let Some(mut r) = rolled {
            r.handler_end = last;
            self.trace.push_rollback(r);
        }
        for key in out.checkpoints {
            self.world.saved.insert((me, key), Saved { kept: last, state: self.world.states[me].clone() });
        }
    }

    /// Disarm every timer of `node` (it crashed, or went back to a checkpoint).
    pub(super) fn cancel_timers_of(&mut self, node: NodeId) {
        let ids: Vec<_> = self.world.timers.range((node, 0)..=(node, u64::MAX)).map(|(id, _)| *id).collect();
        for id in ids {
            let t = self.world.timers.remove(&id).expect("listed above");
            self.world.queue.remove(&t.key);
        }
    }

    /// Put `me` back to its checkpoint `key` from its event `at`: state restored, timers
    /// cancelled, later checkpoints forgotten, a note on the event. Returns the record,
    /// which is logged once the handler's sends are known.
    fn roll_back(&mut self, me: NodeId, key: u64, at: EventId) -> Rollback {
        let saved = self.world.saved.get(&(me, key)).unwrap_or_else(|| panic!("protocol bug: node {me} rolls back to checkpoint {key}, which it never took"));
        let kept = saved.kept;
        self.world.states[me] = self.proto.restored(me, &saved.state, &self.world.states[me]);
        self.world.saved.retain(|&(node, _), s| node != me || s.kept <= kept);
        self.cancel_timers_of(me);
        let (touched, undone) = self.trace.stretch(me, kept, at);
        self.trace.push_note(at, phrase!("note.rollback", key, undone));
        Rollback { node: me, checkpoint: key, kept, at, handler_end: at, touched }
    }

    /// Put a handler's notes and marks on its event; milestones may set off interventions.
    fn attach(&mut self, me: NodeId, event: EventId, (notes, marks): (Vec<Text>, Vec<Mark>)) {
        for note in notes {
            self.trace.push_note(event, note);
        }
        for mark in marks {
            self.trace.push_mark(event, mark);
            self.fire_anchors(|a| matches!(a, Anchor::Mark { tag, by, .. } if tag == mark.tag && by.is_none_or(|b| b == me)));
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, payload: P::Msg) -> EventId {
        assert!(to < self.setup.n, "protocol bug: node {from} sent to node {to} of {}", self.setup.n);
        let kind = self.proto.label(&payload).kind;
        let send_event = self.local_event(from, EventKind::Send { msg: self.trace.messages().len() }, None);
        if from != to {
            self.world.counters.sent += 1;
            *self.world.counters.by_kind.entry(kind).or_insert(0) += 1;
        }
        let duplicate = self.world.network.duplicates(&mut self.world.net_rng, from, to);
        let id = self.launch(from, to, payload.clone(), send_event, None);
        if duplicate {
            self.world.counters.duplicated += 1;
            self.launch(from, to, payload, send_event, Some(id));
        }
        if !self.world.armed.is_empty() {
            self.fire_anchors(|a| matches!(a, Anchor::Send { kind: k, by, .. } if k == kind && by.is_none_or(|b| b == from)));
        }
        send_event
    }

    /// Put one copy of a message on the wire; its delay and fate are decided now.
    pub(super) fn launch(&mut self, from: NodeId, to: NodeId, payload: P::Msg, send_event: EventId, copy_of: Option<MsgId>) -> MsgId {
        let now = self.world.now;
        let transit = self.world.network.transit(&mut self.world.net_rng, &mut self.world.delay_rng, from, to, now);
        let label = self.proto.label(&payload);
        let id = self.trace.messages().len();
        self.trace.push_message(MessageRecord::new(id, from, to, label.kind, label.text.into_boxed_str(), label.token, now, send_event, copy_of));
        let key = self.next_key(transit.due);
        self.world.queue.insert(key, if transit.lost.is_some() { Pending::Lose(id) } else { Pending::Deliver(id) });
        let sender = self.trace.event(send_event);
        let flight = Flight {
            from,
            to,
            payload,
            sent_at: now,
            due: transit.due,
            arrive: transit.arrive,
            lost: transit.lost,
            key,
            lamport: sender.lamport,
            vector: self.trace.vector(send_event).map(|v| v.to_vec()),
            hops: sender.hops,
            send_event,
        };
        self.world.flights.insert(id, flight);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::engine;
    use crate::sim::{EventKind, NetworkConfig};

    #[test]
    fn clocks_follow_lamports_rules() {
        let mut e = engine(1, NetworkConfig::default());
        while e.step() {}
        assert_eq!(e.world.counters.sent, 4);
        assert_eq!(e.world.counters.delivered, 4);
        for ev in e.trace.events() {
            if let (EventKind::Receive { msg }, Some(cause)) = (&ev.kind, ev.cause) {
                let send = e.trace.event(cause);
                assert!(ev.lamport > send.lamport, "receive after send");
                assert!(crate::sim::trace::happened_before(&e.trace, cause, ev.id));
                assert_eq!(e.trace.end_of(*msg), Some(ev.id));
            }
        }
        // The timer fires last, after both pongs.
        assert!(matches!(e.trace.events().last().unwrap().kind, EventKind::Timer { .. }));
    }
}
