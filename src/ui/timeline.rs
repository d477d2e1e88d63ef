//! The time-space diagram: one line per node, time to the right, every event a dot with
//! its Lamport (and vector) stamp, every message a line from its send to its receipt.
//! Selecting an event lights its causal past and future; what lies ahead of the cursor
//! (after stepping back) is drawn faded. Only what is in the window is looked at: events
//! and messages are found by binary search, so a long run draws as fast as a short one.

use std::collections::BTreeSet;

use yew::prelude::*;

use super::hooks::use_box_size;
use super::layout::{self, Anchor, Point, Timeline as Frame};
use super::state::{fitting_span, Action, AppHandle, Selection, SPANS};
use super::text;
use super::topology::kind_slot;
use super::view_settings::Stamps;
use crate::sim::trace::{causal_future, causal_past, happened_before, CutVerdict, Event, EventKind, Trace};
use crate::sim::view::Overlay;
use crate::sim::{Act, EventId, NodeId, Time};
use crate::words::Text;

/// The most events one frame of the diagram draws: enough for a lecture's picture (a
/// dozen lines of a few dozen events each), few enough that playing keeps its frame rate
/// however long the run (measured by tests/e2e/frames.mjs).
const EVENT_BUDGET: usize = 400;
const LEFT: f64 = 64.0;
/// Events at the same instant on one node are spread this far apart, in order.
const SAME_TIME_GAP: f64 = 13.0;
const TOP: f64 = 34.0;
/// Share of the window before the cursor; the rest shows what is in flight and ahead.
const PAST_SHARE: f64 = 0.8;

fn event_class(e: &Event) -> &'static str {
    match e.kind {
        EventKind::Send { .. } => "ev-send",
        EventKind::Receive { .. } => "ev-receive",
        EventKind::Crash | EventKind::Discard { .. } => "ev-crash",
        EventKind::Recover | EventKind::Start | EventKind::Join => "ev-start",
        _ => "ev-local",
    }
}

/// How an event relates to the selected one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    Focus,
    Past,
    Future,
    Concurrent,
}

impl Relation {
    fn class(self) -> &'static str {
        match self {
            Relation::Focus => "focus",
            Relation::Past => "past",
            Relation::Future => "future",
            Relation::Concurrent => "unrelated",
        }
    }
}

/// Causality around the selected event. With vector clocks each event in view is
/// compared with the selection directly (cost: the window, not the run); without them
/// (very large N) the log is walked once.
enum Causality<'a> {
    None,
    Vectors { trace: &'a Trace, focus: EventId, v: Vec<u32> },
    Sets { focus: EventId, past: BTreeSet<EventId>, future: BTreeSet<EventId> },
}

impl Causality<'_> {
    fn of(&self, id: EventId) -> Option<Relation> {
        match self {
            Causality::None => None,
            _ if self.focus() == Some(id) => Some(Relation::Focus),
            Causality::Vectors { trace, v, .. } => {
                let Some(w) = trace.vector(id) else { return Some(Relation::Concurrent) };
                if w.iter().zip(v).all(|(a, b)| a <= b) {
                    Some(Relation::Past)
                } else if v.iter().zip(w).all(|(a, b)| a <= b) {
                    Some(Relation::Future)
                } else {
                    Some(Relation::Concurrent)
                }
            }
            Causality::Sets { past, future, .. } => Some(if past.contains(&id) {
                Relation::Past
            } else if future.contains(&id) {
                Relation::Future
            } else {
                Relation::Concurrent
            }),
        }
    }
    fn focus(&self) -> Option<EventId> {
        match self {
            Causality::None => None,
            Causality::Vectors { focus, .. } | Causality::Sets { focus, .. } => Some(*focus),
        }
    }
}

/// Among the events given (the window), a pair of concurrent events whose Lamport stamps
/// differ, the widest apart: the converse of the clock condition failing. Looks at the
/// last few hundred ticking events only, so it costs the same in any run.
fn converse_pair(trace: &Trace, events: &[&Event]) -> Option<(EventId, EventId)> {
    let cands: Vec<(&Event, &[u32])> = events
        .iter()
        .filter(|e| e.ticks() && !matches!(e.kind, EventKind::Start))
        .filter_map(|e| trace.vector(e.id).map(|v| (*e, v)))
        .collect();
    let cands = &cands[cands.len().saturating_sub(300)..];
    let mut best: Option<(u64, EventId, EventId)> = None;
    for (i, (a, va)) in cands.iter().enumerate() {
        for (b, vb) in &cands[i + 1..] {
            let gap = a.lamport.abs_diff(b.lamport);
            if gap == 0 || best.is_some_and(|(g, ..)| g >= gap) {
                continue;
            }
            let le = va.iter().zip(*vb).all(|(x, y)| x <= y);
            let ge = va.iter().zip(*vb).all(|(x, y)| x >= y);
            if !le && !ge {
                let (lo, hi) = if a.lamport < b.lamport { (a.id, b.id) } else { (b.id, a.id) };
                best = Some((gap, lo, hi));
            }
        }
    }
    best.map(|(_, a, b)| (a, b))
}

/// The one-line verdict on two selected events: the relation and the clock comparison
/// that proves it.
fn pair_verdict(trace: &Trace, a: EventId, b: EventId) -> Text {
    let (ea, eb) = (trace.event(a), trace.event(b));
    match (trace.vector(a), trace.vector(b)) {
        (Some(va), Some(vb)) if ea.ticks() && eb.ticks() && va != vb => {
            let (sa, sb) = (text::vector(va), text::vector(vb));
            if va.iter().zip(vb).all(|(x, y)| x <= y) {
                crate::phrase!("ui.verdict.before", a, b, sa, sb)
            } else if va.iter().zip(vb).all(|(x, y)| x >= y) {
                crate::phrase!("ui.verdict.after", a, b, sa, sb)
            } else {
                crate::phrase!("ui.verdict.concurrent", a, b, sa, sb, ea.lamport, eb.lamport)
            }
        }
        _ if happened_before(trace, a, b) => crate::phrase!("ui.verdict.before_log", a, b),
        _ if happened_before(trace, b, a) => crate::phrase!("ui.verdict.after_log", a, b),
        _ => crate::phrase!("ui.verdict.concurrent_log", a, b),
    }
}

/// The verdict on a drawn cut, in words: which message crosses it backwards, or the
/// global state it records (each line's last event inside it, the messages in transit).
fn cut_words(trace: &Trace, frontier: &[Time], verdict: &CutVerdict) -> Text {
    let msg = |id: usize| {
        let m = trace.message(id);
        format!("m{id} n{}→n{}", m.from, m.to)
    };
    match verdict {
        CutVerdict::Inconsistent { crossing } => {
            let names: Vec<String> = crossing.iter().map(|&m| msg(m)).collect();
            crate::phrase!("ui.cut.inconsistent", names.join(", "))
        }
        CutVerdict::Consistent { in_transit } => {
            let events = trace.events();
            let latest = frontier.iter().copied().max().unwrap_or(0);
            let upto = events.partition_point(|e| e.time <= latest);
            let mut last: Vec<Option<&Event>> = vec![None; frontier.len()];
            for e in events[..upto].iter().rev() {
                if let Some(k) = e.node.filter(|&k| k < frontier.len() && last[k].is_none() && e.time <= frontier[k] && e.ticks()) {
                    last[k] = Some(e);
                    if last.iter().all(Option::is_some) {
                        break;
                    }
                }
            }
            let states: Vec<String> = last
                .iter()
                .enumerate()
                .map(|(k, e)| match e {
                    Some(e) => format!("n{k}: e{} L={}", e.id, e.lamport),
                    None => format!("n{k}: —"),
                })
                .collect();
            let transit: Vec<String> = in_transit.iter().map(|&m| msg(m)).collect();
            let transit = if transit.is_empty() { Text::key("ui.cut.no_transit") } else { Text::plain(transit.join(", ")) };
            crate::phrase!("ui.cut.consistent", states.join(" · "), transit)
        }
    }
}

#[function_component(Timeline)]
pub fn timeline() -> Html {
    let state = use_context::<AppHandle>().expect("app context");
    let d = state.dict();
    let boxed = use_node_ref();
    let svg_ref = use_node_ref();
    // A select the user has changed no longer follows its options' `selected`: the key S
    // sets its value directly (as the speed select does).
    let stamps_ref = use_node_ref();
    {
        let stamps_ref = stamps_ref.clone();
        use_effect_with(state.stamps, move |x| {
            if let Some(select) = stamps_ref.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(x.encode());
            }
        });
    }
    // A message being drawn by hand: (from node, start x, start y, pointer x, pointer y).
    // Kept in a cell the handlers read (a press and a release may come before a render),
    // mirrored in state for drawing the line.
    let drag = use_state(|| None::<(NodeId, f64, f64, f64, f64)>);
    let held = use_mut_ref(|| None::<(NodeId, f64, f64)>);
    // The click that ends a drag or places a cut point must not also clear the selection.
    let swallow = use_mut_ref(|| false);
    let size = use_box_size(boxed.clone());
    let h = state.history.borrow();
    let sim = h.sim();
    let n = sim.setup().n;
    let cursor = h.step();
    let trace = h.known_trace();
    let t = state.display_time.max(sim.now());
    let asked = state.span.unwrap_or_else(|| fitting_span(t));
    let row = ((size.h - TOP - 16.0) / n as f64).clamp(14.0, 180.0);
    let height = size.h.max(TOP + row * n as f64 + 10.0);
    let frame_of = |i: usize| {
        let span = SPANS[i];
        Frame::new(t + (span as f64 * (1.0 - PAST_SHARE)) as u64, span, size.w, LEFT, TOP, row)
    };
    // A frame's work follows the events it draws, never the run's length: a window that
    // would hold more than EVENT_BUDGET events is narrowed to the widest that does not
    // (two binary searches per width tried), and the legend says so.
    let events = trace.known_events();
    let in_window = |f: &Frame| events.partition_point(|e| e.time <= f.t1) - events.partition_point(|e| e.time < f.t0);
    let mut span_index = asked;
    while span_index > 0 && in_window(&frame_of(span_index)) > EVENT_BUDGET {
        span_index -= 1;
    }
    let narrowed = span_index < asked;
    let span = SPANS[span_index];
    let frame = frame_of(span_index);
    let now_x = frame.x(t);
    let dense = row < 30.0;
    let show_vectors = state.stamps.vector() && !dense;
    let show_lamport = state.stamps.lamport();
    // The selected event always shows its stamps, unless they are hidden to ask the class.
    let any_stamps = state.stamps != Stamps::None;
    // What a hand on the diagram may do on each line: a local event, a message drawn.
    let offered: Vec<(bool, bool)> = (0..n)
        .map(|i| {
            let inputs = sim.inputs_for(i);
            (inputs.iter().any(|x| x.id == "local"), inputs.iter().any(|x| x.id == "send_to"))
        })
        .collect();
    let cutting = state.cut.is_some();
    let frontier: Option<Vec<Time>> = state.cut.as_ref().and_then(|c| c.iter().copied().collect());
    let cut_verdict = frontier.as_ref().map(|f| trace.cut_verdict(f));
    let (crossing, in_transit): (Vec<usize>, Vec<usize>) = match &cut_verdict {
        Some(CutVerdict::Inconsistent { crossing }) => (crossing.clone(), Vec::new()),
        Some(CutVerdict::Consistent { in_transit }) => (Vec::new(), in_transit.clone()),
        None => (Vec::new(), Vec::new()),
    };
    let compare = state.compare.filter(|&id| id < trace.known_events().len());

    // Causality around the selected event.
    let causality = match state.selected {
        Selection::Event(id) if id < trace.known_events().len() => match trace.vector(id) {
            Some(v) => Causality::Vectors { trace, focus: id, v: v.to_vec() },
            None => Causality::Sets { focus: id, past: causal_past(trace, id), future: causal_future(trace, id) },
        },
        _ => Causality::None,
    };
    let focus = causality.focus().is_some();
    let relation = |id: usize| -> Option<&'static str> { causality.of(id).map(Relation::class) };
    let ahead = |e: &Event| e.step > cursor;
    // The log is in time order, so the window is one slice of it (at most the budget's
    // latest events, even at the narrowest width).
    let last = events.partition_point(|e| e.time <= frame.t1);
    let first = events.partition_point(|e| e.time < frame.t0).max(last.saturating_sub(EVENT_BUDGET));
    let window = &events[first..last];

    // x of every visible event: events sharing an instant on one line are spread out in
    // log order, so a receive and the send it causes never hide each other.
    let mut xs = std::collections::BTreeMap::new();


    let mut last: Option<(usize, u64, usize)> = None;
    for e in window.iter().filter(|e| e.node.is_some()) {
        let node = e.node.expect("filtered");
        let k = match last {
            Some((ln, lt, k)) if ln == node && lt == e.time => k + 1,
            _ => events[..e.id].iter().rev().take(8).filter(|p| p.node == Some(node) && p.time == e.time).count(),
        };
        last = Some((node, e.time, k));
        xs.insert(e.id, frame.x(e.time) + k as f64 * SAME_TIME_GAP);

    }
    let x_of = |id: usize, time: u64| xs.get(&id).copied().unwrap_or_else(|| frame.x(time));

    // Every word on the diagram is placed greedily, the most needed first: row names, the
    // ⚠ of a broken invariant, cut names, then stamps, milestones, vector stamps, and the
    // axis numbers last. A word that would touch one already placed (or a dot, or the
    // edge) tries its other spots or is left out; the dot and its tooltip stay.
    let ts = state.text_size as f64 / 100.0;
    let (fs, row_font) = (16.0 * ts, (18.0 * ts).min(row * 0.8));
    // Left of the clip (x = 38) only the forced row names may stand.
    let mut placer = layout::Placer::new(layout::Rect::new(40.0, 2.0, size.w - 2.0, height));
    for i in 0..n {
        let y = frame.y(i as f64) + 5.0;
        placer.force(layout::text_box(&format!("n{i}"), row_font, Point::new(6.0, y), Anchor::Start));
    }
    let placed_events: Vec<&Event> = window.iter().filter(|e| e.node.is_some()).collect();
    for e in &placed_events {
        let (x, y) = (x_of(e.id, e.time), frame.y(e.node.expect("filtered") as f64));
        placer.block(layout::Rect::disc(Point::new(x, y), 4.0));
    }
    let visible = trace.known_violations();
    let vfirst = visible.partition_point(|v| v.time < frame.t0);
    let shown_violations: Vec<_> = visible[vfirst..].iter().take_while(|v| v.time <= frame.t1).collect();
    let mut warn_shown = Vec::new();
    for v in &shown_violations {
        let x = frame.x(v.time);
        warn_shown.push(placer.place([layout::text_box("⚠", fs, Point::new(x, TOP - 2.0), Anchor::Middle)]).is_some());
    }
    let selected_event = match state.selected {
        Selection::Event(id) => Some(id),
        _ => None,
    };
    let flights = sim.flights();
    let arrivals: std::collections::BTreeMap<usize, u64> = flights.iter().map(|f| (f.id, f.arrive)).collect();
    // Message lines: from the send to the receipt, the death, or where it is now. Only
    // messages sent in the window, or sent at most the longest transit seen before it,
    // can cross it; plus whatever is in flight now (a held message may be older).
    let all = trace.known_messages();
    let from = all.partition_point(|m| m.sent_at + trace.longest_transit < frame.t0);
    let to = all.partition_point(|m| m.sent_at <= frame.t1);
    let mut shown: Vec<usize> = (from..to).collect();
    shown.extend(flights.iter().map(|f| f.id).filter(|&id| id < from));
    let geometry: Vec<MessageLine> = shown.into_iter().map(|id| &all[id]).filter(|m| m.from != m.to).filter_map(|m| {
        let send = &events[m.send_event];
        let ended = trace.known_end_of(m.id).map(|e| &events[e]).filter(|e| !ahead(e) || ahead(send));
        let end_time = ended.map_or(t, |e| e.time);
        if end_time < frame.t0 || send.time > frame.t1 {
            return None;
        }
        let (x1, y1) = (x_of(send.id, send.time), frame.y(m.from as f64));
        let (x2, y2, class, cross) = match ended.map(|e| (e.id, &e.kind)) {
            Some((_, EventKind::Lost { progress, .. })) => {
                let row = layout::row_between(m.from, m.to, *progress as f64 / 1000.0);
                (frame.x(end_time), frame.y(row), "msg-lost", true)
            }
            Some((id, _)) => (x_of(id, end_time), frame.y(m.to as f64), "msg-done", false),
            None => {
                // Still in flight at the cursor: draw it as far as it has got.
                let arrive = arrivals.get(&m.id).copied().unwrap_or(t);
                let k = layout::progress(send.time, arrive, t);
                (frame.x(t), frame.y(layout::row_between(m.from, m.to, k)), "msg-flying", false)
            }
        };
        Some(MessageLine { m, send, from: Point::new(x1, y1), to: Point::new(x2, y2), class, cross })
    }).collect();
    // Stamps keep off the message lines: each line is filed under the columns of the
    // picture it spans, so a stamp is checked against the few lines near it.
    let lines = Lines::new(geometry.iter().map(|g| (g.from.x, g.from.y, g.to.x, g.to.y)), size.w);
    // Lamport stamps (the selected event's first), then milestones, then vectors.
    let mut stamp_at: std::collections::BTreeMap<usize, (Point, Anchor)> = std::collections::BTreeMap::new();
    let mut mark_at: std::collections::BTreeMap<usize, (Point, Anchor)> = std::collections::BTreeMap::new();
    let mut vector_at: std::collections::BTreeMap<usize, (Point, Anchor)> = std::collections::BTreeMap::new();
    // Stamps asked for and not written for want of room (the legend says so).
    let mut wanted = 0usize;
    let order: Vec<&Event> = placed_events.iter().filter(|e| Some(e.id) == selected_event).chain(placed_events.iter().filter(|e| Some(e.id) != selected_event)).copied().collect();
    for e in &order {
        let selected = Some(e.id) == selected_event || Some(e.id) == compare;
        if (dense && !selected) || !(show_lamport || (selected && any_stamps)) {
            continue;
        }
        let (x, y) = (x_of(e.id, e.time), frame.y(e.node.expect("filtered") as f64));
        let text = e.lamport.to_string();
        let mut cands = vec![(Point::new(x, y - 10.0), Anchor::Middle), (Point::new(x - 5.0, y - 8.0), Anchor::End), (Point::new(x + 5.0, y - 8.0), Anchor::Start)];
        if !(show_vectors || selected) {
            cands.extend([(Point::new(x, y + 10.0 + fs), Anchor::Middle), (Point::new(x - 5.0, y + 6.0 + fs), Anchor::End), (Point::new(x + 5.0, y + 6.0 + fs), Anchor::Start)]);
        }
        wanted += 1;
        if let Some(k) = placer.place_if(cands.iter().map(|&(p, a)| layout::text_box(&text, fs, p, a)), |r| !lines.cross(r)) {
            stamp_at.insert(e.id, cands[k]);
        }
    }
    let marks_of = |e: &Event| -> Vec<&'static str> { trace.marks_of(e.id).filter_map(|m| d.try_word(&format!("mark.{}", m.tag))).collect() };
    if !dense {
        for e in &order {
            let marks = marks_of(e);
            if marks.is_empty() {
                continue;
            }
            let (x, y) = (x_of(e.id, e.time), frame.y(e.node.expect("filtered") as f64));
            let text = marks.join(" · ");
            let base = y - 12.0 - fs;
            let cands = [(Point::new(x, base), Anchor::Middle), (Point::new(x - 6.0, base), Anchor::Start), (Point::new(x + 6.0, base), Anchor::End), (Point::new(x, base - fs), Anchor::Middle)];
            if let Some(k) = placer.place(cands.iter().map(|&(p, a)| layout::text_box(&text, fs, p, a))) {
                mark_at.insert(e.id, cands[k]);
            }
        }
    }
    for e in &order {
        let selected = Some(e.id) == selected_event || Some(e.id) == compare;
        if !(show_vectors || (selected && any_stamps)) {
            continue;
        }
        let Some(v) = trace.vector(e.id) else { continue };
        let text = text::vector(v);
        let (x, y) = (x_of(e.id, e.time), frame.y(e.node.expect("filtered") as f64));
        let below = y + 8.0 + fs;
        let cands = [
            (Point::new(x, below), Anchor::Middle),
            (Point::new(x - 6.0, below), Anchor::Start),
            (Point::new(x + 6.0, below), Anchor::End),
            (Point::new(x, below + fs + 2.0), Anchor::Middle),
            (Point::new(x - 6.0, below + fs + 2.0), Anchor::Start),
            (Point::new(x + 6.0, below + fs + 2.0), Anchor::End),
        ];
        // Monospace digits are narrower than the estimate's bold letters.
        wanted += 1;
        if let Some(k) = placer.place_if(cands.iter().map(|&(p, a)| layout::text_box(&text, fs * 0.92, p, a)), |r| !lines.cross(r)) {
            vector_at.insert(e.id, cands[k]);
        }
    }

    // Rows, with crashed stretches drawn broken (from the short list of crashes,
    // recoveries and joins, not from the whole log).
    let mut down_since: Vec<Option<u64>> = vec![None; n];
    let mut stretches: Vec<Vec<(u64, u64)>> = vec![Vec::new(); n];
    for e in trace.lifecycle(true) {
        let Some(i) = e.node.filter(|&i| i < n) else { continue };
        match e.kind {
            EventKind::Crash => down_since[i] = Some(e.time),
            EventKind::Recover => {
                if let Some(s) = down_since[i].take() {
                    stretches[i].push((s, e.time));
                }
            }
            EventKind::Join => {
                stretches[i].push((0, e.time));
                down_since[i] = None;
            }
            _ => {}
        }
    }
    // A node that has not joined yet has been outside since the start.
    for (i, &absent) in sim.absent().iter().enumerate() {
        if absent && down_since[i].is_none() && stretches[i].is_empty() {
            down_since[i] = Some(0);
        }
    }
    let had_down: Vec<usize> = (0..n).filter(|&i| !stretches[i].is_empty()).collect();
    let rows = (0..n).map(|i| {
        let y = frame.y(i as f64);
        let mut down = std::mem::take(&mut stretches[i]);
        if let Some(s) = down_since[i] {
            down.push((s, frame.t1));
        }
        html! {
            <g class="row">
                <text class="row-label" x="6" y={(y + 5.0).to_string()} style={format!("font-size:{row_font:.0}px")}>{format!("n{i}")}</text>
                <line class="row-line" x1={LEFT.to_string()} y1={y.to_string()} x2={frame.x1.to_string()} y2={y.to_string()} />
                { for down.into_iter().filter(|(a, b)| *b >= frame.t0 && *a <= frame.t1).map(|(a, b)| html! {
                    <line class="row-down" x1={frame.x(a.max(frame.t0)).to_string()} y1={y.to_string()} x2={frame.x(b.min(frame.t1)).to_string()} y2={y.to_string()} />
                }) }
            </g>
        }
    });

    let step = layout::tick_step(span, 8);
    let first_tick = frame.t0.div_ceil(step) * step;
    let tick_y = (TOP - 14.0).max(fs * 0.95 + 3.0);
    let tick_times: Vec<u64> = (0..).map(|k| first_tick + k * step).take_while(|&x| x <= frame.t1).collect();
    let tick_shown: Vec<bool> = tick_times.iter().map(|&x| placer.place([layout::text_box(&x.to_string(), fs, Point::new(frame.x(x), tick_y), Anchor::Middle)]).is_some()).collect();
    let ticks = tick_times.iter().zip(&tick_shown).map(|(&x, &shown)| html! {
        <g class="tick"><line x1={frame.x(x).to_string()} y1={(TOP - 8.0).to_string()} x2={frame.x(x).to_string()} y2={(height - 10.0).to_string()} />
        if shown { <text x={frame.x(x).to_string()} y={tick_y.to_string()}>{x}</text> }</g>
    });

    let messages = geometry.into_iter().map(|MessageLine { m, send, from, to, class, cross }| {
        let (x1, y1, x2, y2) = (from.x, from.y, to.x, to.y);
        let lit = match (relation(send.id), trace.known_end_of(m.id).and_then(relation)) {
            (Some("past" | "focus"), Some("past" | "focus")) => Some("past"),
            (Some("future" | "focus"), Some("future" | "focus")) => Some("future"),
            (Some(_), _) => Some("unrelated"),
            _ => None,
        };
        html! {
            <g class={classes!("tl-msg", class, format!("kind-{}", kind_slot(m.kind)), m.token.then_some("token-msg"), lit, ahead(send).then_some("ghost"), crossing.contains(&m.id).then_some("crossing"), in_transit.contains(&m.id).then_some("in-transit"))}
               data-msg={m.id.to_string()} data-kind={m.kind} data-from={m.from.to_string()} data-to={m.to.to_string()}>
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                if cross { <text class="tl-cross" x={x2.to_string()} y={(y2 + 5.0).to_string()}>{"✕"}</text> }
            </g>
        }
    });

    let events = window.iter().filter(|e| e.node.is_some()).map(|e| {
        let node = e.node.expect("filtered");
        let (x, y) = (x_of(e.id, e.time), frame.y(node as f64));
        let selected = state.selected == Selection::Event(e.id);
        let compared = compare == Some(e.id);
        // Milestones with words of their own are shown; the rest are bookkeeping for
        // monitors and metrics (a clock reading, "served").
        let marks = marks_of(e);
        let marked = !marks.is_empty();
        let onclick = {
            let d = state.dispatcher();
            let (id, time) = (e.id, e.time);
            Callback::from(move |ev: MouseEvent| {
                ev.stop_propagation();
                if cutting {
                    // Drawing a cut: an event clicked puts the cut right after it.
                    d.dispatch(Action::CutPoint(node, time));
                } else if ev.shift_key() {
                    d.dispatch(Action::Compare(id));
                } else {
                    d.dispatch(Action::FocusEvent(id));
                }
            })
        };
        let title = format!(
            "{}\nt={} · {} {} · Lamport {}{}",
            d.render(&text::describe(trace, e)),
            e.time,
            d.word("ui.step"),
            e.step,
            e.lamport,
            trace.vector(e.id).map_or(String::new(), |v| format!(" · {} {}", d.word("ui.vector"), text::vector(v)))
        );
        html! {
            <g class={classes!("tl-event", event_class(e), relation(e.id), selected.then_some("selected"), compared.then_some("compared"), marked.then_some("marked"), ahead(e).then_some("ghost"))}
               onclick={onclick} data-event={e.id.to_string()}>
                <title>{title}</title>
                <circle class="hit" cx={x.to_string()} cy={y.to_string()} r="11" />
                if marked { <circle class="mark-ring" cx={x.to_string()} cy={y.to_string()} r="10" /> }
                <circle class="dot" cx={x.to_string()} cy={y.to_string()} r={if dense { "3.5" } else { "5.5" }} />
                if let Some((p, a)) = stamp_at.get(&e.id) {
                    <text class="stamp" x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)} style={format!("text-anchor:{}", a.css())}>{e.lamport}</text>
                }
                if let (Some((p, a)), Some(v)) = (vector_at.get(&e.id), trace.vector(e.id)) {
                    <text class="vstamp" x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)} style={format!("text-anchor:{}", a.css())}>{text::vector(v)}</text>
                }
                if let Some((p, a)) = mark_at.get(&e.id) {
                    <text class="mark-label" x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)} style={format!("text-anchor:{}", a.css())}>{marks.join(" · ")}</text>
                }
            </g>
        }
    });

    let violations = shown_violations.iter().zip(&warn_shown).map(|(v, &warn)| {
        let x = frame.x(v.time);
        html! { <g class="tl-violation"><title>{format!("{}: {}", d.id("inv", v.invariant), d.render(&v.detail))}</title><line x1={x.to_string()} y1={(TOP - 6.0).to_string()} x2={x.to_string()} y2={(height - 10.0).to_string()} />if warn { <text x={x.to_string()} y={(TOP - 2.0).to_string()}>{"⚠"}</text> }</g> }
    });

    // Cuts the protocol draws across the lines (a recovery line, a recorded snapshot).
    let selected_node = match state.selected {
        Selection::Node(i) => Some(i),
        _ => None,
    };
    let overlays = sim.overlays(selected_node);
    // Marked events: the protocol's, and on demand one concurrent pair with ordered
    // Lamport stamps found in the window (unless the protocol marks that very pair).
    let mut marked: Vec<(Text, Vec<EventId>, bool, &'static str)> = overlays
        .iter()
        .filter_map(|o| match o {
            Overlay::Events { label, events, alarm } => Some((label.clone(), events.clone(), *alarm, "protocol")),
            _ => None,
        })
        .collect();
    let converse = state.converse.then(|| converse_pair(trace, &placed_events.iter().filter(|e| !ahead(e)).copied().collect::<Vec<_>>()));
    if let Some(Some((a, b))) = converse {
        if !marked.iter().any(|(_, ev, ..)| ev.contains(&a) && ev.contains(&b)) {
            let label = crate::phrase!("ui.converse_label", a, trace.event(a).lamport, b, trace.event(b).lamport);
            marked.push((label, vec![a, b], false, "converse"));
        }
    }
    // Their names go where no other word is (above the pair, below it, beside it), or
    // stay in the tooltip.
    let marked_html: Vec<Html> = marked.iter().map(|(label, ids, alarm, source)| {
        let points: Vec<Point> = ids.iter().filter_map(|&id| xs.get(&id).map(|&x| Point::new(x, frame.y(trace.event(id).node.unwrap_or(0) as f64)))).collect();
        let line: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", p.x, p.y)).collect();
        let mid = points.iter().fold(Point::new(0.0, f64::MAX), |acc, p| Point::new(acc.x + p.x / points.len() as f64, acc.y.min(p.y)));
        let low = points.iter().map(|p| p.y).fold(f64::MIN, f64::max);
        let words = d.render(label);
        let spots = [Point::new(mid.x, (mid.y - 20.0).max(TOP + 4.0)), Point::new(mid.x, low + 34.0), Point::new(mid.x, mid.y + 34.0)];
        let at = placer.place(spots.iter().map(|&p| layout::text_box(&words, fs, p, Anchor::Middle))).map(|k| spots[k]);
        html! {
            <g class={classes!("tl-marked", alarm.then_some("alarm"))} data-overlay="events" data-source={*source} data-events={ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")}>
                <title>{d.render(label)}</title>
                if points.len() > 1 { <polyline points={line.join(" ")} /> }
                { for points.iter().map(|p| html! { <circle cx={format!("{:.1}", p.x)} cy={format!("{:.1}", p.y)} r="14" /> }) }
                if let (Some(at), false) = (at, points.is_empty()) { <text x={format!("{:.1}", at.x)} y={format!("{:.1}", at.y)}>{words}</text> }
            </g>
        }
    }).collect();
    let converse_missing = matches!(converse, Some(None));
    let cuts: Vec<Html> = overlays.into_iter().filter_map(|o| match o {
        Overlay::Cut { label, at, alarm } => {
            let words = d.render(&label);
            let x = frame.x(at.first().copied().unwrap_or(frame.t0).clamp(frame.t0, frame.t1));
            let spots = [Point::new(x, TOP - 2.0), Point::new(x, height - 6.0)];
            let said = placer.place(spots.iter().map(|&p| layout::text_box(&words, fs, p, Anchor::Middle))).map(|k| spots[k]);
            Some(html! {
                <g class={classes!("tl-cut", alarm.then_some("alarm"))} data-overlay="cut">
                    <title>{words.clone()}</title>
                    <polyline points={layout::cut_points(&frame, &at)} />
                    if let Some(p) = said { <text x={format!("{:.1}", p.x)} y={format!("{:.1}", p.y)}>{words}</text> }
                </g>
            })
        }
        _ => None,
    }).collect();

    let zoom = |delta: isize| {
        let d = state.dispatcher();
        let i = (span_index as isize + delta).clamp(0, SPANS.len() as isize - 1) as usize;
        Callback::from(move |_: MouseEvent| d.dispatch(Action::SetSpan(i)))
    };
    let set_stamps = {
        let d = state.dispatcher();
        Callback::from(move |e: web_sys::Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            if let Some(x) = Stamps::parse(&value) {
                d.dispatch(Action::SetStamps(x));
            }
        })
    };
    let toggle = |action: fn() -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(action()))
    };
    let clear = {
        let d = state.dispatcher();
        let swallow = swallow.clone();
        Callback::from(move |_: MouseEvent| {
            if std::mem::take(&mut *swallow.borrow_mut()) {
                return;
            }
            d.dispatch(Action::Select(Selection::None))
        })
    };

    // The hand on the diagram: a press on a line starts a message (or places the cut),
    // a release on another line sends it, a release where it started is a local event.
    let pointer = {
        let svg_ref = svg_ref.clone();
        move |e: &MouseEvent| -> (f64, f64) {
            match svg_ref.cast::<web_sys::Element>() {
                Some(el) => {
                    let r = el.get_bounding_client_rect();
                    (e.client_x() as f64 - r.left(), e.client_y() as f64 - r.top())
                }
                None => (e.offset_x() as f64, e.offset_y() as f64),
            }
        }
    };
    let time_at = move |x: f64| -> Time {
        let k = ((x - frame.x0) / (frame.x1 - frame.x0)).clamp(0.0, 1.0);
        frame.t0 + (k * (frame.t1 - frame.t0) as f64).round() as Time
    };
    let row_at = move |y: f64| -> usize { (((y - frame.y0) / frame.row).floor().max(0.0) as usize).min(n - 1) };
    let row_hits = (0..n).filter(|&i| cutting || offered[i].0 || offered[i].1).map(|i| {
        let y = frame.y(i as f64);
        let onmousedown = {
            let (d, drag, swallow, pointer, held) = (state.dispatcher(), drag.clone(), swallow.clone(), pointer.clone(), held.clone());
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                let (x, y) = pointer(&e);
                if cutting {
                    *swallow.borrow_mut() = true;
                    d.dispatch(Action::CutPoint(i, time_at(x)));
                } else {
                    *held.borrow_mut() = Some((i, x, y));
                    drag.set(Some((i, x, y, x, y)));
                }
            })
        };
        let title = if cutting { "ui.cut.place_help" } else if offered[i].1 { "ui.hand_help" } else { "ui.hand_local_help" };
        html! {
            <rect class={classes!("row-hit", cutting.then_some("cutting"))} data-row={i.to_string()} x={LEFT.to_string()} y={(y - (row * 0.3).max(8.0)).to_string()}
                  width={(frame.x1 - LEFT).max(0.0).to_string()} height={(row * 0.6).max(16.0).to_string()} {onmousedown}><title>{d.word(title)}</title></rect>
        }
    });
    let onmousemove = {
        let (drag, pointer, held) = (drag.clone(), pointer.clone(), held.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some((from, x0, y0)) = *held.borrow() {
                let (x, y) = pointer(&e);
                drag.set(Some((from, x0, y0, x, y)));
            }
        })
    };
    let onmouseup = {
        let (d, drag, swallow, pointer, held) = (state.dispatcher(), drag.clone(), swallow.clone(), pointer.clone(), held.clone());
        let offered = offered.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((from, x0, y0)) = held.borrow_mut().take() else { return };
            drag.set(None);
            let (x, y) = pointer(&e);
            let to = row_at(y);
            let moved = (x - x0).hypot(y - y0) > 6.0;
            *swallow.borrow_mut() = true;
            if to != from && offered[from].1 {
                d.dispatch(Action::Act(Act::Input(from, "send_to".into(), Some(to.to_string()))));
            } else if !moved && offered[from].0 {
                d.dispatch(Action::Act(Act::Input(from, "local".into(), None)));
            }
        })
    };
    let onmouseleave = {
        let (drag, held) = (drag.clone(), held.clone());
        Callback::from(move |_: MouseEvent| {
            if held.borrow_mut().take().is_some() {
                drag.set(None);
            }
        })
    };
    let drag_line = drag.map(|(from, x0, _, x, y)| {
        let to = row_at(y);
        let y0 = frame.y(from as f64);
        html! { <line class={classes!("drag-line", (to != from).then_some("aimed"))} x1={x0.to_string()} y1={y0.to_string()} x2={x.to_string()} y2={y.to_string()} /> }
    });
    // The cut being drawn: its points, the line through them, its verdict.
    let drawn_cut = state.cut.as_ref().map(|c| {
        let placed: Vec<(usize, Time)> = c.iter().enumerate().filter_map(|(k, t)| t.map(|t| (k, t))).collect();
        let points: Vec<String> = placed.iter().map(|&(k, t)| format!("{:.1},{:.1}", frame.x(t.clamp(frame.t0, frame.t1)), frame.y(k as f64))).collect();
        let class = match &cut_verdict {
            Some(v) if v.consistent() => "consistent",
            Some(_) => "inconsistent",
            None => "partial",
        };
        html! {
            <g class={classes!("user-cut", class)} data-testid="user-cut">
                if points.len() > 1 { <polyline points={points.join(" ")} /> }
                { for placed.iter().map(|&(k, t)| html! { <circle class="cut-point" data-row={k.to_string()} cx={format!("{:.1}", frame.x(t.clamp(frame.t0, frame.t1)))} cy={format!("{:.1}", frame.y(k as f64))} r="6" /> }) }
            </g>
        }
    });
    let cut_line = state.cut.as_ref().map(|c| {
        let placed = c.iter().filter(|t| t.is_some()).count();
        let (text, class) = match (&frontier, &cut_verdict) {
            (Some(f), Some(v)) => (cut_words(trace, f, v), if v.consistent() { "consistent" } else { "inconsistent" }),
            _ => (crate::phrase!("ui.cut.place", placed, c.len()), "partial"),
        };
        let consistent = cut_verdict.as_ref().map(|v| v.consistent().to_string());
        html! { <div class={classes!("tl-verdict", "cut-verdict", class)} data-testid="cut-verdict" data-consistent={consistent}>{d.render(&text)}</div> }
    });
    let pair_line = match (state.selected, compare) {
        (Selection::Event(a), Some(b)) if a < trace.known_events().len() => {
            let text = pair_verdict(trace, a, b);
            let relation = match &text {
                Text::Phrase(k, _) => k.trim_start_matches("ui.verdict.").trim_end_matches("_log"),
                _ => "",
            };
            Some(html! { <div class="tl-verdict pair-verdict" data-testid="pair-verdict" data-relation={relation}>{d.render(&text)}</div> })
        }
        (Selection::Event(_), None) if !cutting => Some(html! { <div class="tl-verdict hint" data-testid="pair-verdict">{d.word("ui.verdict.hint")}</div> }),
        _ => None,
    };
    let hand = offered.iter().any(|o| o.0 || o.1);
    let clocks = trace.vector(0).is_some() && state.info.family == "clocks";
    // Everything drawn has its key: the kinds of dot in view, milestones, crashes, ⚠, cuts.
    let drawn = |class: &str| placed_events.iter().any(|e| event_class(e) == class);
    let any_mark = !mark_at.is_empty() || placed_events.iter().any(|e| !marks_of(e).is_empty());
    let any_down = (0..n).any(|i| down_since[i].is_some()) || !had_down.is_empty();
    let crowded = wanted > stamp_at.len() + vector_at.len();
    let any_cut = sim.overlays(None).iter().any(|o| matches!(o, crate::sim::view::Overlay::Cut { .. }));
    let key = |class: &'static str, word: &str| html! { <span class="key" data-legend={class}><i class={classes!("sw", class)} />{d.word(word)}</span> };
    let legend = if focus {
        html! { <span class="legend">{key("past", "ui.causal_past")}{key("future", "ui.causal_future")}{key("unrelated", "ui.concurrent")}</span> }
    } else {
        html! { <span class="legend hint" data-testid="diagram-legend">
            {key("ev-send", "ui.send")}{key("ev-receive", "ui.receive")}
            if drawn("ev-local") { {key("ev-local", "ui.local_event")} }
            if drawn("ev-start") { {key("ev-start", "ui.start_event")} }
            if drawn("ev-crash") { {key("ev-crash", "ui.crash_event")} }
            if any_mark { {key("mark-ring", "ui.milestone")} }
            if any_down { {key("row-down", "ui.down_line")} }
            if !shown_violations.is_empty() { {key("tl-violation", "ui.broken")} }
            if any_cut { {key("tl-cut", "ui.cut_key")} }
            if !marked.is_empty() { {key("tl-marked", "ui.marked_key")} }
        </span> }
    };
    // How to read and use the diagram: one line under it, so the picture keeps its height
    // (the whole text is the line's tooltip). What the picture leaves out comes first.
    let hints: Vec<(Option<&'static str>, String)> = [
        crowded.then(|| (Some("stamps-crowded"), d.word("ui.stamps_crowded"))),
        narrowed.then(|| (Some("diagram-narrowed"), d.render(&crate::phrase!("ui.diagram_narrowed", EVENT_BUDGET)))),
        Some((None, d.word("ui.diagram_hint"))),
        hand.then(|| (None, d.word("ui.hand_hint"))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let hint_line = html! {
        <div class="timeline-hints hint" title={hints.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n")}>
            { for hints.iter().map(|(id, t)| html! { <span class={classes!(id.is_some().then_some("notice"))} data-testid={id.map(str::to_string)}>{t.clone()}</span> }) }
        </div>
    };

    html! {
        <div class="timeline-box">
            <div class="timeline-bar">
                <b>{d.word("ui.diagram")}</b>
                {legend}
                <span class="spacer" />
                <label class="stamps-pick" title={d.word("ui.stamps_help")}>{d.word("ui.stamps")}
                    <select ref={stamps_ref} data-testid="stamps" onchange={set_stamps}>
                        { for Stamps::ALL.iter().map(|&x| html! { <option value={x.encode()} selected={x == state.stamps}>{d.word(super::state::stamps_word(x))}</option> }) }
                    </select>
                </label>
                if clocks {
                    <button class={classes!("small", state.converse.then_some("on"))} onclick={toggle(|| Action::ToggleConverse)} title={d.word("ui.converse_help")} data-action="converse">{d.word("ui.converse")}</button>
                }
                <button class={classes!("small", cutting.then_some("on"))} onclick={toggle(|| Action::ToggleCut)} title={d.word("ui.cut_help")} data-action="cut">{d.word("ui.cut_draw")}</button>
                <button class="small" onclick={zoom(-1)} title={d.word("ui.zoom_in")} data-action="zoom-in">{"+"}</button>
                <button class="small" onclick={zoom(1)} title={d.word("ui.zoom_out")} data-action="zoom-out">{"−"}</button>
            </div>
            { for pair_line }
            { for cut_line }
            if converse_missing { <div class="tl-verdict hint" data-testid="converse-none">{d.word("ui.converse_none")}</div> }
            <div class="timeline-canvas" ref={boxed}>
            <svg id="timeline" ref={svg_ref} class={classes!(cutting.then_some("cutting"), drag.is_some().then_some("dragging"))} viewBox={format!("0 0 {} {height:.0}", size.w)} width={size.w.to_string()} height={height.to_string()}
                 onclick={clear} {onmousemove} {onmouseup} {onmouseleave} data-events={trace.events().len().to_string()}>
                <g class="ticks">{ for ticks }</g>
                <g class="rows">{ for rows }</g>
                <line class="now-line" x1={now_x.to_string()} y1={(TOP - 10.0).to_string()} x2={now_x.to_string()} y2={(height - 6.0).to_string()} />
                <defs>
                    <clipPath id="timeline-window">
                        <rect x="38" y="0" width={(frame.x1 - 38.0 + 14.0).to_string()} height={height.to_string()} />
                    </clipPath>
                </defs>
                <g clip-path="url(#timeline-window)">
                    <g class="tl-messages">{ for messages }</g>
                    <g class="row-hits">{ for row_hits }</g>
                    <g class="tl-marks">{ for marked_html }</g>
                    <g class="tl-events">{ for events }</g>
                </g>
                <g class="tl-cuts">{ for cuts }{ for drawn_cut }</g>
                { for drag_line }
                <g class="tl-violations">{ for violations }</g>
            </svg>
            </div>
            {hint_line}
        </div>
    }
}

/// One message drawn on the diagram: from its send to its end, or to where it is now.
struct MessageLine<'a> {
    m: &'a crate::sim::trace::MessageRecord,
    send: &'a Event,
    from: Point,
    to: Point,
    /// Done, lost (ends in a ✕ between the lines) or flying.
    class: &'static str,
    cross: bool,
}

/// Message lines on the diagram, filed by the columns of the picture they span, so a word
/// can be checked against the few lines near it.
struct Lines {
    segments: Vec<(f64, f64, f64, f64)>,
    columns: Vec<Vec<usize>>,
}

const COLUMN: f64 = 48.0;

impl Lines {
    fn new(segments: impl Iterator<Item = (f64, f64, f64, f64)>, width: f64) -> Lines {
        let segments: Vec<_> = segments.collect();
        let count = (width / COLUMN).ceil().max(1.0) as usize;
        let mut columns = vec![Vec::new(); count];
        for (i, &(x1, _, x2, _)) in segments.iter().enumerate() {
            for column in &mut columns[Lines::column(x1.min(x2), count)..=Lines::column(x1.max(x2), count)] {
                column.push(i);
            }
        }
        Lines { segments, columns }
    }
    fn column(x: f64, count: usize) -> usize {
        ((x / COLUMN).floor().max(0.0) as usize).min(count - 1)
    }
    /// Whether a line passes through the box (shrunk by a pixel: a line that only grazes
    /// its edge does not cover the word).
    fn cross(&self, r: &layout::Rect) -> bool {
        let r = layout::Rect::new(r.x0 + 1.0, r.y0 + 1.0, r.x1 - 1.0, r.y1 - 1.0);
        let count = self.columns.len();
        (Lines::column(r.x0, count)..=Lines::column(r.x1, count)).any(|c| self.columns[c].iter().any(|&i| segment_meets(self.segments[i], &r)))
    }
}

/// Whether the segment from (x1, y1) to (x2, y2) meets the box (Liang-Barsky clipping).
fn segment_meets((x1, y1, x2, y2): (f64, f64, f64, f64), r: &layout::Rect) -> bool {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, x1 - r.x0), (dx, r.x1 - x1), (-dy, y1 - r.y0), (dy, r.y1 - y1)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
            continue;
        }
        let t = q / p;
        if p < 0.0 {
            if t > t1 {
                return false;
            }
            t0 = t0.max(t);
        } else {
            if t < t0 {
                return false;
            }
            t1 = t1.min(t);
        }
    }
    true
}
