//! The time-space diagram as data (the component in `timeline.rs` only draws it): one line per node, time to the right, every event a
//! dot with its Lamport (and vector) stamp, every message a line from its send to its
//! receipt. Selecting an event lights its causal past and future; what lies ahead of the
//! cursor (after stepping back) is faded. Only what is in the window is looked at: events
//! and messages are found by binary search, so a long run costs as much as a short one.

use std::collections::{BTreeMap, BTreeSet};

use crate::sim::protocol::{DiagramTools, InputSpec};
use crate::sim::trace::{causal_future, causal_past, happened_before, CutVerdict, Event, EventKind, MessageRecord, Trace};
use crate::sim::view::Overlay;
use crate::sim::{Act, EventId, NodeId, ProtocolInfo, Simulation, Time};
use crate::ui::layout::{self, Anchor, Point, Rect, Size, Timeline as Frame};
use crate::ui::state::{fitting_span, AppState, Selection, SPANS};
use crate::ui::text;
use crate::ui::view_settings::Stamps;
use crate::words::{Dictionary, Text};

/// The most events one frame of the diagram draws: enough for a lecture's picture (a
/// dozen lines of a few dozen events each), few enough that playing keeps its frame rate
/// however long the run (measured by tests/e2e/frames.mjs).
pub const EVENT_BUDGET: usize = 400;
/// Where the process lines start (their names stand left of it).
pub const LEFT: f64 = 64.0;
/// Events at the same instant on one node are spread this far apart, in order.
const SAME_TIME_GAP: f64 = 13.0;
/// Height of the band above the lines (axis numbers, ⚠, cut names).
pub const TOP: f64 = 34.0;
/// Share of the window before the cursor; the rest shows what is in flight and ahead.
const PAST_SHARE: f64 = 0.8;

/// Whether the diagram offers to ring a pair of concurrent events whose Lamport stamps
/// look ordered (the converse of the clock condition), as the protocol's description says.
pub fn shows_converse_pair(info: &ProtocolInfo) -> bool {
    info.show.diagram.converse_pair
}

/// What a hand on the diagram may do on one node's line: make a local event there, draw a
/// message from it to another line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hand {
    pub local: Option<&'static str>,
    pub send: Option<&'static str>,
}

/// The inputs the diagram's gestures stand for (the description's diagram tools) that a
/// node offers now.
pub fn drawing_inputs(tools: &DiagramTools, inputs: &[InputSpec]) -> Hand {
    let offered = |tool: Option<&'static str>| tool.filter(|id| inputs.iter().any(|x| x.id == *id));
    Hand { local: offered(tools.local_input), send: offered(tools.send_input) }
}

impl Hand {
    pub fn any(self) -> bool {
        self.local.is_some() || self.send.is_some()
    }
}

/// The arithmetic of pointing at the diagram: which instant and which line are under the
/// pointer. Small and copied into every handler.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axes {
    pub frame: Frame,
    pub n: usize,
}

impl Axes {
    /// The instant under x (clamped to the window).
    pub fn time_at(&self, x: f64) -> Time {
        let f = &self.frame;
        let k = ((x - f.x0) / (f.x1 - f.x0)).clamp(0.0, 1.0);
        f.t0 + (k * (f.t1 - f.t0) as f64).round() as Time
    }

    /// The node whose line is under y (the nearest at the edges).
    pub fn row_at(&self, y: f64) -> NodeId {
        (((y - self.frame.y0) / self.frame.row).floor().max(0.0) as usize).min(self.n - 1)
    }

    /// A press at x on node `node`'s line while drawing a cut: that node's point moves there.
    pub fn cut_point(&self, node: NodeId, x: f64) -> (NodeId, Time) {
        (node, self.time_at(x))
    }

    /// The line drawn while a message is dragged from `from` (pressed at x0) to (x, y):
    /// its ends, and whether it aims at another line.
    pub fn drag_line(&self, from: NodeId, x0: f64, x: f64, y: f64) -> (Point, Point, bool) {
        (Point::new(x0, self.frame.y(from as f64)), Point::new(x, y), self.row_at(y) != from)
    }

    /// What a release at (x, y) of a press at (x0, y0) on `from`'s line does: a message to
    /// the line under the pointer, or a local event where it started (a press that did
    /// not move), or nothing.
    pub fn release(&self, hands: &[Hand], from: NodeId, (x0, y0): (f64, f64), (x, y): (f64, f64)) -> Option<Act> {
        let to = self.row_at(y);
        let moved = (x - x0).hypot(y - y0) > 6.0;
        let hand = hands.get(from).copied().unwrap_or_default();
        match (hand.send.filter(|_| to != from), hand.local.filter(|_| !moved)) {
            (Some(send), _) => Some(Act::Input(from, send.to_string(), Some(to.to_string()))),
            (None, Some(local)) => Some(Act::Input(from, local.to_string(), None)),
            (None, None) => None,
        }
    }
}

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Focus,
    Past,
    Future,
    Concurrent,
}

impl Relation {
    pub fn class(self) -> &'static str {
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
pub enum Causality<'a> {
    None,
    Vectors { trace: &'a Trace, focus: EventId, v: Vec<u32> },
    Sets { focus: EventId, past: BTreeSet<EventId>, future: BTreeSet<EventId> },
}

impl<'a> Causality<'a> {
    /// Around `selected`, if it is an event the run knows.
    pub fn around(trace: &'a Trace, selected: Selection) -> Causality<'a> {
        match selected {
            Selection::Event(id) if id < trace.known_events().len() => match trace.vector(id) {
                Some(v) => Causality::Vectors { trace, focus: id, v: v.to_vec() },
                None => Causality::Sets { focus: id, past: causal_past(trace, id), future: causal_future(trace, id) },
            },
            _ => Causality::None,
        }
    }

    pub fn of(&self, id: EventId) -> Option<Relation> {
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

    pub fn focus(&self) -> Option<EventId> {
        match self {
            Causality::None => None,
            Causality::Vectors { focus, .. } | Causality::Sets { focus, .. } => Some(*focus),
        }
    }
}

/// Among the events given (the window), a pair of concurrent events whose Lamport stamps
/// differ, the widest apart: the converse of the clock condition failing. Looks at the
/// last few hundred ticking events only, so it costs the same in any run.
pub fn converse_pair(trace: &Trace, events: &[&Event]) -> Option<(EventId, EventId)> {
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
pub fn pair_verdict(trace: &Trace, a: EventId, b: EventId) -> Text {
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
pub fn cut_words(trace: &Trace, frontier: &[Time], verdict: &CutVerdict) -> Text {
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

/// One process line: where it runs, and the stretches where its node was down.
pub struct Row {
    pub y: f64,
    /// x from and to of each stretch down, inside the window.
    pub down: Vec<(f64, f64)>,
}

/// A time on the axis: its line, and its number if there was room for it.
pub struct Tick {
    pub x: f64,
    pub time: Time,
    pub labelled: bool,
}

/// One message drawn on the diagram: from its send to its end, or to where it is now.
pub struct MessageLine {
    pub id: usize,
    pub kind: &'static str,
    pub token: bool,
    pub from_node: NodeId,
    pub to_node: NodeId,
    pub from: Point,
    pub to: Point,
    /// Done, lost (ends in a ✕ between the lines) or flying.
    pub class: &'static str,
    pub cross: bool,
    /// Lit as part of the selected event's past or future, or shown unrelated.
    pub lit: Option<&'static str>,
    /// Sent ahead of the cursor (after stepping back).
    pub ghost: bool,
    /// Crosses the drawn cut backwards / is in transit across it.
    pub crossing: bool,
    pub in_transit: bool,
}

/// A word placed on the diagram: where, and which end of it stands there.
pub type Spot = (Point, Anchor);

/// One event's dot and its words.
pub struct EventDot {
    pub id: EventId,
    pub node: NodeId,
    pub time: Time,
    pub at: Point,
    pub class: &'static str,
    pub relation: Option<&'static str>,
    pub selected: bool,
    pub compared: bool,
    pub ghost: bool,
    pub lamport: u64,
    /// Milestones with words of their own, joined (empty: none).
    pub marks: String,
    pub stamp_at: Option<Spot>,
    pub vector_at: Option<(Spot, String)>,
    pub mark_at: Option<Spot>,
    /// What the event was, its time, step and stamps: the dot's tooltip.
    pub title: String,
}

/// A broken invariant: its line, its ⚠ if there was room.
pub struct ViolationMark {
    pub x: f64,
    pub warn: bool,
    pub title: String,
}

/// Events ringed together: the protocol's, or the converse pair.
pub struct MarkedEvents {
    pub words: String,
    pub ids: Vec<EventId>,
    pub alarm: bool,
    pub source: &'static str,
    pub points: Vec<Point>,
    pub label_at: Option<Point>,
}

/// A cut the protocol draws across the lines (a recovery line, a recorded snapshot).
pub struct CutOverlay {
    pub words: String,
    pub alarm: bool,
    pub points: String,
    pub label_at: Option<Point>,
}

/// The cut the viewer is drawing: its points so far and how it stands.
pub struct UserCut {
    pub points: Vec<(NodeId, Point)>,
    /// consistent, inconsistent, or partial (not every line has its point yet).
    pub class: &'static str,
}

/// A line of words over the diagram: the cut's verdict, or the two events' relation.
pub struct VerdictLine {
    pub text: Text,
    pub class: &'static str,
    /// `data-consistent` of a cut's verdict, `data-relation` of a pair's.
    pub data: Option<String>,
}

/// A place on a line where a press starts a message, a local event or a cut point.
pub struct RowHit {
    pub node: NodeId,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub title: &'static str,
}

/// The diagram, ready to draw.
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub axes: Axes,
    pub span_index: usize,
    pub now_x: f64,
    pub dense: bool,
    pub row_font: f64,
    pub cutting: bool,
    pub logged_events: usize,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    pub tick_y: f64,
    pub messages: Vec<MessageLine>,
    pub events: Vec<EventDot>,
    pub violations: Vec<ViolationMark>,
    pub marked: Vec<MarkedEvents>,
    pub cuts: Vec<CutOverlay>,
    pub user_cut: Option<UserCut>,
    pub cut_line: Option<VerdictLine>,
    pub pair_line: Option<VerdictLine>,
    pub converse_missing: bool,
    pub converse_button: bool,
    pub hands: Vec<Hand>,
    pub row_hits: Vec<RowHit>,
    /// The keys the legend shows (class, words); `causal` when they are past/future.
    pub legend: Vec<(&'static str, &'static str)>,
    pub causal: bool,
    /// What the picture leaves out (with its test id), then how to read and use it.
    pub hints: Vec<(Option<&'static str>, String)>,
}

impl Diagram {
    /// The span index one zoom step in (-1) or out (+1).
    pub fn zoomed(&self, delta: isize) -> usize {
        (self.span_index as isize + delta).clamp(0, SPANS.len() as isize - 1) as usize
    }
}

/// The window of the run the diagram shows: the widest span up to the one asked for
/// that holds at most [`EVENT_BUDGET`] events (two binary searches per width tried),
/// and the events in it (at most the budget's latest, even at the narrowest width).
pub fn window(events: &[Event], asked: usize, frame_of: impl Fn(usize) -> Frame) -> (usize, Frame, std::ops::Range<usize>) {
    let in_window = |f: &Frame| events.partition_point(|e| e.time <= f.t1) - events.partition_point(|e| e.time < f.t0);
    let mut span_index = asked;
    while span_index > 0 && in_window(&frame_of(span_index)) > EVENT_BUDGET {
        span_index -= 1;
    }
    let frame = frame_of(span_index);
    let last = events.partition_point(|e| e.time <= frame.t1);
    let first = events.partition_point(|e| e.time < frame.t0).max(last.saturating_sub(EVENT_BUDGET));
    (span_index, frame, first..last)
}

/// x of every visible event: events sharing an instant on one line are spread out in log
/// order, so a receive and the send it causes never hide each other.
fn event_xs(events: &[Event], window: &[Event], frame: &Frame) -> BTreeMap<EventId, f64> {
    let mut xs = BTreeMap::new();
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
    xs
}

/// Everything the diagram shows of `state` in a box of `size`.
pub fn build(state: &AppState, size: Size) -> Diagram {
    let d = state.dict();
    let h = state.history.borrow();
    let sim = h.sim();
    let n = sim.setup().n;
    let cursor = h.step();
    let trace = h.known_trace();
    let t = state.display_time.max(sim.now());
    let row = ((size.h - TOP - 16.0) / n as f64).clamp(14.0, 180.0);
    let height = size.h.max(TOP + row * n as f64 + 10.0);
    let frame_of = |i: usize| {
        let span = SPANS[i];
        Frame::new(t + (span as f64 * (1.0 - PAST_SHARE)) as u64, span, size.w, LEFT, TOP, row)
    };
    let events = trace.known_events();
    let asked = state.span.unwrap_or_else(|| fitting_span(t));
    let (span_index, frame, range) = window(events, asked, frame_of);
    let window = &events[range];
    let dense = row < 30.0;
    let tools = state.info.show.diagram;
    let hands: Vec<Hand> = (0..n).map(|i| drawing_inputs(&tools, &sim.inputs_for(i))).collect();
    let frontier: Option<Vec<Time>> = state.cut.as_ref().and_then(|c| c.iter().copied().collect());
    let cut_verdict = frontier.as_ref().map(|f| trace.cut_verdict(f));
    let compare = state.compare.filter(|&id| id < events.len());
    let causality = Causality::around(trace, state.selected);
    let ahead = |e: &Event| e.step > cursor;
    let xs = event_xs(events, window, &frame);
    let x_of = |id: usize, time: u64| xs.get(&id).copied().unwrap_or_else(|| frame.x(time));
    let placed_events: Vec<&Event> = window.iter().filter(|e| e.node.is_some()).collect();
    let ts = state.text_size as f64 / 100.0;
    let fs = 16.0 * ts;
    let row_font = (18.0 * ts).min(row * 0.8);

    // Every word on the diagram is placed greedily, the most needed first: row names, the
    // ⚠ of a broken invariant, then stamps, milestones, vector stamps, the axis numbers,
    // the names of marked events and of cuts last. A word that would touch one already
    // placed (or a dot, or the edge) tries its other spots or is left out; the dot and
    // its tooltip stay. Left of the clip (x = 38) only the forced row names may stand.
    let mut placer = layout::Placer::new(Rect::new(40.0, 2.0, size.w - 2.0, height));
    for i in 0..n {
        placer.force(layout::text_box(&format!("n{i}"), row_font, Point::new(6.0, frame.y(i as f64) + 5.0), Anchor::Start));
    }
    for e in &placed_events {
        placer.block(Rect::disc(Point::new(x_of(e.id, e.time), frame.y(e.node.expect("filtered") as f64)), 4.0));
    }
    let violations = violations(&mut placer, trace, &d, &frame, fs);
    let messages = message_lines(sim, trace, &frame, t, &x_of, &ahead);
    let stamps = StampPlan { dense, fs, stamps: state.stamps, selected: state.selected, compare };
    let marks_of = |e: &Event| -> Vec<&'static str> { trace.marks_of(e.id).filter_map(|m| d.try_word(&format!("mark.{}", m.tag))).collect() };
    let placed = stamps.place(&mut placer, trace, &placed_events, &messages, size.w, &frame, &x_of, &marks_of);
    let (rows, any_down) = rows(sim, trace, &frame, n);
    let tick_y = (TOP - 14.0).max(fs * 0.95 + 3.0);
    let ticks = ticks(&mut placer, &frame, SPANS[span_index], tick_y, fs);
    let messages = lit_messages(messages, trace, &causality, cut_verdict.as_ref(), &ahead);
    let dots: Vec<EventDot> = placed_events
        .iter()
        .map(|e| {
            let node = e.node.expect("filtered");
            EventDot {
                id: e.id,
                node,
                time: e.time,
                at: Point::new(x_of(e.id, e.time), frame.y(node as f64)),
                class: event_class(e),
                relation: causality.of(e.id).map(Relation::class),
                selected: state.selected == Selection::Event(e.id),
                compared: compare == Some(e.id),
                ghost: ahead(e),
                lamport: e.lamport,
                marks: marks_of(e).join(" · "),
                stamp_at: placed.lamport.get(&e.id).copied(),
                vector_at: placed.vector.get(&e.id).copied().zip(trace.vector(e.id).map(text::vector)),
                mark_at: placed.marks.get(&e.id).copied(),
                title: event_title(&d, trace, e),
            }
        })
        .collect();
    let protocol_marks = Marks { placer: &mut placer, trace, d: &d, frame: &frame, xs: &xs, fs, height };
    let converse = state.converse.then(|| converse_pair(trace, &placed_events.iter().filter(|e| !ahead(e)).copied().collect::<Vec<_>>()));
    let (marked, cuts) = protocol_marks.draw(sim.overlays(match state.selected {
        Selection::Node(i) => Some(i),
        _ => None,
    }), converse.flatten());
    let cutting = state.cut.is_some();
    let (user_cut, cut_line) = drawn_cut(state.cut.as_deref(), trace, &frame, frontier.as_deref(), cut_verdict.as_ref());
    let pair_line = pair_line(state.selected, compare, cutting, trace);
    let row_hits = row_hits(&hands, cutting, &frame, row);
    let causal = causality.focus().is_some();
    let legend = if causal {
        vec![("past", "ui.causal_past"), ("future", "ui.causal_future"), ("unrelated", "ui.concurrent")]
    } else {
        let drawn = |class: &str| dots.iter().any(|e| e.class == class);
        let any_mark = !placed.marks.is_empty() || dots.iter().any(|e| !e.marks.is_empty());
        let any_cut = sim.overlays(None).iter().any(|o| matches!(o, Overlay::Cut { .. }));
        // Everything drawn has its key: the kinds of dot in view, milestones, crashes, ⚠, cuts.
        [
            (true, ("ev-send", "ui.send")),
            (true, ("ev-receive", "ui.receive")),
            (drawn("ev-local"), ("ev-local", "ui.local_event")),
            (drawn("ev-start"), ("ev-start", "ui.start_event")),
            (drawn("ev-crash"), ("ev-crash", "ui.crash_event")),
            (any_mark, ("mark-ring", "ui.milestone")),
            (any_down, ("row-down", "ui.down_line")),
            (!violations.is_empty(), ("tl-violation", "ui.broken")),
            (any_cut, ("tl-cut", "ui.cut_key")),
            (!marked.is_empty(), ("tl-marked", "ui.marked_key")),
        ]
        .into_iter()
        .filter_map(|(shown, key)| shown.then_some(key))
        .collect()
    };
    // How to read and use the diagram: what the picture leaves out first.
    let hints = [
        (placed.wanted > placed.lamport.len() + placed.vector.len()).then(|| (Some("stamps-crowded"), d.word("ui.stamps_crowded"))),
        (span_index < asked).then(|| (Some("diagram-narrowed"), d.render(&crate::phrase!("ui.diagram_narrowed", EVENT_BUDGET)))),
        Some((None, d.word("ui.diagram_hint"))),
        hands.iter().any(|h| h.any()).then(|| (None, d.word("ui.hand_hint"))),
    ]
    .into_iter()
    .flatten()
    .collect();
    Diagram {
        width: size.w,
        height,
        axes: Axes { frame, n },
        span_index,
        now_x: frame.x(t),
        dense,
        row_font,
        cutting,
        logged_events: trace.events().len(),
        rows,
        ticks,
        tick_y,
        messages,
        events: dots,
        violations,
        converse_missing: matches!(converse, Some(None)),
        converse_button: trace.vector(0).is_some() && shows_converse_pair(&state.info),
        marked,
        cuts,
        user_cut,
        cut_line,
        pair_line,
        hands,
        row_hits,
        legend,
        causal,
        hints,
    }
}

/// What the event was, its time, step and stamps: the dot's tooltip.
fn event_title(d: &Dictionary, trace: &Trace, e: &Event) -> String {
    format!(
        "{}\nt={} · {} {} · Lamport {}{}",
        d.render(&text::describe(trace, e)),
        e.time,
        d.word("ui.step"),
        e.step,
        e.lamport,
        trace.vector(e.id).map_or(String::new(), |v| format!(" · {} {}", d.word("ui.vector"), text::vector(v)))
    )
}

/// Broken invariants in the window: a line each, and its ⚠ where there is room.
fn violations(placer: &mut layout::Placer, trace: &Trace, d: &Dictionary, frame: &Frame, fs: f64) -> Vec<ViolationMark> {
    let visible = trace.known_violations();
    let first = visible.partition_point(|v| v.time < frame.t0);
    visible[first..]
        .iter()
        .take_while(|v| v.time <= frame.t1)
        .map(|v| {
            let x = frame.x(v.time);
            let warn = placer.place([layout::text_box("⚠", fs, Point::new(x, TOP - 2.0), Anchor::Middle)]).is_some();
            ViolationMark { x, warn, title: format!("{}: {}", d.id("inv", v.invariant), d.render(&v.detail)) }
        })
        .collect()
}

/// The message lines lit by the selection (both ends in its past, or in its future) and
/// marked by the drawn cut (crossing it backwards, in transit across it).
fn lit_messages(lines: Vec<Geometry>, trace: &Trace, causality: &Causality, verdict: Option<&CutVerdict>, ahead: &impl Fn(&Event) -> bool) -> Vec<MessageLine> {
    let relation = |id: usize| causality.of(id).map(Relation::class);
    let (crossing, in_transit): (&[usize], &[usize]) = match verdict {
        Some(CutVerdict::Inconsistent { crossing }) => (crossing, &[]),
        Some(CutVerdict::Consistent { in_transit }) => (&[], in_transit),
        None => (&[], &[]),
    };
    lines
        .into_iter()
        .map(|(m, send, from, to, class, cross)| {
            let lit = match (relation(send.id), trace.known_end_of(m.id).and_then(relation)) {
                (Some("past" | "focus"), Some("past" | "focus")) => Some("past"),
                (Some("future" | "focus"), Some("future" | "focus")) => Some("future"),
                (Some(_), _) => Some("unrelated"),
                _ => None,
            };
            MessageLine {
                id: m.id,
                kind: m.kind,
                token: m.token,
                from_node: m.from,
                to_node: m.to,
                from,
                to,
                class,
                cross,
                lit,
                ghost: ahead(send),
                crossing: crossing.contains(&m.id),
                in_transit: in_transit.contains(&m.id),
            }
        })
        .collect()
}

/// The words placed last: names of marked events and of the protocol's cuts.
struct Marks<'p, 'a> {
    placer: &'p mut layout::Placer,
    trace: &'a Trace,
    d: &'a Dictionary,
    frame: &'a Frame,
    xs: &'a BTreeMap<EventId, f64>,
    fs: f64,
    height: f64,
}

impl Marks<'_, '_> {
    /// Marked events: the protocol's, and on demand one concurrent pair with ordered
    /// Lamport stamps found in the window (unless the protocol marks that very pair); then
    /// the cuts the protocol draws across the lines (a recovery line, a recorded snapshot).
    fn draw(self, overlays: Vec<Overlay>, converse: Option<(EventId, EventId)>) -> (Vec<MarkedEvents>, Vec<CutOverlay>) {
        let (trace, frame, fs) = (self.trace, self.frame, self.fs);
        let mut marked: Vec<(Text, Vec<EventId>, bool, &'static str)> = overlays
            .iter()
            .filter_map(|o| match o {
                Overlay::Events { label, events, alarm } => Some((label.clone(), events.clone(), *alarm, "protocol")),
                _ => None,
            })
            .collect();
        if let Some((a, b)) = converse {
            if !marked.iter().any(|(_, ev, ..)| ev.contains(&a) && ev.contains(&b)) {
                let label = crate::phrase!("ui.converse_label", a, trace.event(a).lamport, b, trace.event(b).lamport);
                marked.push((label, vec![a, b], false, "converse"));
            }
        }
        // Their names go where no other word is (above the pair, below it, beside it), or
        // stay in the tooltip.
        let marked = marked
            .into_iter()
            .map(|(label, ids, alarm, source)| {
                let points: Vec<Point> = ids.iter().filter_map(|&id| self.xs.get(&id).map(|&x| Point::new(x, frame.y(trace.event(id).node.unwrap_or(0) as f64)))).collect();
                let mid = points.iter().fold(Point::new(0.0, f64::MAX), |acc, p| Point::new(acc.x + p.x / points.len() as f64, acc.y.min(p.y)));
                let low = points.iter().map(|p| p.y).fold(f64::MIN, f64::max);
                let words = self.d.render(&label);
                let spots = [Point::new(mid.x, (mid.y - 20.0).max(TOP + 4.0)), Point::new(mid.x, low + 34.0), Point::new(mid.x, mid.y + 34.0)];
                let label_at = self.placer.place(spots.iter().map(|&p| layout::text_box(&words, fs, p, Anchor::Middle))).map(|k| spots[k]).filter(|_| !points.is_empty());
                MarkedEvents { words, ids, alarm, source, points, label_at }
            })
            .collect();
        let cuts = overlays
            .into_iter()
            .filter_map(|o| match o {
                Overlay::Cut { label, at, alarm } => {
                    let words = self.d.render(&label);
                    let x = frame.x(at.first().copied().unwrap_or(frame.t0).clamp(frame.t0, frame.t1));
                    let spots = [Point::new(x, TOP - 2.0), Point::new(x, self.height - 6.0)];
                    let label_at = self.placer.place(spots.iter().map(|&p| layout::text_box(&words, fs, p, Anchor::Middle))).map(|k| spots[k]);
                    Some(CutOverlay { words, alarm, points: layout::cut_points(frame, &at), label_at })
                }
                _ => None,
            })
            .collect();
        (marked, cuts)
    }
}

/// The cut the viewer is drawing: its points and, once every line has one, its verdict
/// in words; until then how many are placed.
fn drawn_cut(cut: Option<&[Option<Time>]>, trace: &Trace, frame: &Frame, frontier: Option<&[Time]>, verdict: Option<&CutVerdict>) -> (Option<UserCut>, Option<VerdictLine>) {
    let Some(cut) = cut else { return (None, None) };
    let class = match verdict {
        Some(v) if v.consistent() => "consistent",
        Some(_) => "inconsistent",
        None => "partial",
    };
    let points = cut.iter().enumerate().filter_map(|(k, t)| t.map(|t| (k, Point::new(frame.x(t.clamp(frame.t0, frame.t1)), frame.y(k as f64))))).collect();
    let text = match (frontier, verdict) {
        (Some(f), Some(v)) => cut_words(trace, f, v),
        _ => crate::phrase!("ui.cut.place", cut.iter().filter(|t| t.is_some()).count(), cut.len()),
    };
    (Some(UserCut { points, class }), Some(VerdictLine { text, class, data: verdict.map(|v| v.consistent().to_string()) }))
}

/// The relation of two selected events, or how to select the second.
fn pair_line(selected: Selection, compare: Option<EventId>, cutting: bool, trace: &Trace) -> Option<VerdictLine> {
    match (selected, compare) {
        (Selection::Event(a), Some(b)) if a < trace.known_events().len() => {
            let text = pair_verdict(trace, a, b);
            let relation = match &text {
                Text::Phrase(k, _) => k.trim_start_matches("ui.verdict.").trim_end_matches("_log").to_string(),
                _ => String::new(),
            };
            Some(VerdictLine { text, class: "pair-verdict", data: Some(relation) })
        }
        (Selection::Event(_), None) if !cutting => Some(VerdictLine { text: Text::key("ui.verdict.hint"), class: "hint", data: None }),
        _ => None,
    }
}

/// The lines a press may start on: every line while drawing a cut, else those where the
/// hand makes a local event or draws a message.
fn row_hits(hands: &[Hand], cutting: bool, frame: &Frame, row: f64) -> Vec<RowHit> {
    (0..hands.len())
        .filter(|&i| cutting || hands[i].any())
        .map(|i| RowHit {
            node: i,
            y: frame.y(i as f64) - (row * 0.3).max(8.0),
            width: (frame.x1 - LEFT).max(0.0),
            height: (row * 0.6).max(16.0),
            title: if cutting {
                "ui.cut.place_help"
            } else if hands[i].send.is_some() {
                "ui.hand_help"
            } else {
                "ui.hand_local_help"
            },
        })
        .collect()
}

/// A message line before it is lit: the message, its send, its ends, class and ✕.
type Geometry<'t> = (&'t MessageRecord, &'t Event, Point, Point, &'static str, bool);

/// Message lines: from the send to the receipt, the death, or where it is now. Only
/// messages sent in the window, or sent at most the longest transit seen before it, can
/// cross it; plus whatever is in flight now (a held message may be older).
fn message_lines<'t>(sim: &dyn Simulation, trace: &'t Trace, frame: &Frame, t: Time, x_of: &impl Fn(usize, u64) -> f64, ahead: &impl Fn(&Event) -> bool) -> Vec<Geometry<'t>> {
    let flights = sim.flights();
    let arrivals: BTreeMap<usize, u64> = flights.iter().map(|f| (f.id, f.arrive)).collect();
    let events = trace.known_events();
    let all = trace.known_messages();
    let from = all.partition_point(|m| m.sent_at + trace.longest_transit < frame.t0);
    let to = all.partition_point(|m| m.sent_at <= frame.t1);
    let mut shown: Vec<usize> = (from..to).collect();
    shown.extend(flights.iter().map(|f| f.id).filter(|&id| id < from));
    shown
        .into_iter()
        .map(|id| &all[id])
        .filter(|m| m.from != m.to)
        .filter_map(|m| {
            let send = &events[m.send_event];
            let ended = trace.known_end_of(m.id).map(|e| &events[e]).filter(|e| !ahead(e) || ahead(send));
            let end_time = ended.map_or(t, |e| e.time);
            if end_time < frame.t0 || send.time > frame.t1 {
                return None;
            }
            let start = Point::new(x_of(send.id, send.time), frame.y(m.from as f64));
            let (end, class, cross) = match ended.map(|e| (e.id, &e.kind)) {
                Some((_, EventKind::Lost { progress, .. })) => {
                    let row = layout::row_between(m.from, m.to, *progress as f64 / 1000.0);
                    (Point::new(frame.x(end_time), frame.y(row)), "msg-lost", true)
                }
                Some((id, _)) => (Point::new(x_of(id, end_time), frame.y(m.to as f64)), "msg-done", false),
                None => {
                    // Still in flight at the cursor: drawn as far as it has got.
                    let arrive = arrivals.get(&m.id).copied().unwrap_or(t);
                    let k = layout::progress(send.time, arrive, t);
                    (Point::new(frame.x(t), frame.y(layout::row_between(m.from, m.to, k))), "msg-flying", false)
                }
            };
            Some((m, send, start, end, class, cross))
        })
        .collect()
}

/// Which stamps to write and how large.
struct StampPlan {
    dense: bool,
    fs: f64,
    stamps: Stamps,
    selected: Selection,
    compare: Option<EventId>,
}

/// Where the stamps and milestone names went, and how many stamps were asked for.
struct PlacedWords {
    lamport: BTreeMap<EventId, Spot>,
    marks: BTreeMap<EventId, Spot>,
    vector: BTreeMap<EventId, Spot>,
    wanted: usize,
}

impl StampPlan {
    /// Lamport stamps (the selected event's first), then milestones, then vectors; none
    /// over a message line.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &self,
        placer: &mut layout::Placer,
        trace: &Trace,
        placed_events: &[&Event],
        messages: &[Geometry],
        width: f64,
        frame: &Frame,
        x_of: &impl Fn(usize, u64) -> f64,
        marks_of: &impl Fn(&Event) -> Vec<&'static str>,
    ) -> PlacedWords {
        let fs = self.fs;
        // Stamps keep off the message lines: each line is filed under the columns of the
        // picture it spans, so a stamp is checked against the few lines near it.
        let lines = Lines::new(messages.iter().map(|g| (g.2.x, g.2.y, g.3.x, g.3.y)), width);
        let selected_event = match self.selected {
            Selection::Event(id) => Some(id),
            _ => None,
        };
        let show_vectors = self.stamps.vector() && !self.dense;
        let show_lamport = self.stamps.lamport();
        // The selected event always shows its stamps, unless they are hidden to ask the class.
        let any_stamps = self.stamps != Stamps::None;
        let mut out = PlacedWords { lamport: BTreeMap::new(), marks: BTreeMap::new(), vector: BTreeMap::new(), wanted: 0 };
        let order: Vec<&Event> = placed_events.iter().filter(|e| Some(e.id) == selected_event).chain(placed_events.iter().filter(|e| Some(e.id) != selected_event)).copied().collect();
        let at = |e: &Event| (x_of(e.id, e.time), frame.y(e.node.expect("filtered") as f64));
        for e in &order {
            let selected = Some(e.id) == selected_event || Some(e.id) == self.compare;
            if (self.dense && !selected) || !(show_lamport || (selected && any_stamps)) {
                continue;
            }
            let (x, y) = at(e);
            let text = e.lamport.to_string();
            let mut cands = vec![(Point::new(x, y - 10.0), Anchor::Middle), (Point::new(x - 5.0, y - 8.0), Anchor::End), (Point::new(x + 5.0, y - 8.0), Anchor::Start)];
            if !(show_vectors || selected) {
                cands.extend([(Point::new(x, y + 10.0 + fs), Anchor::Middle), (Point::new(x - 5.0, y + 6.0 + fs), Anchor::End), (Point::new(x + 5.0, y + 6.0 + fs), Anchor::Start)]);
            }
            out.wanted += 1;
            if let Some(k) = placer.place_if(cands.iter().map(|&(p, a)| layout::text_box(&text, fs, p, a)), |r| !lines.cross(r)) {
                out.lamport.insert(e.id, cands[k]);
            }
        }
        if !self.dense {
            for e in &order {
                let marks = marks_of(e);
                if marks.is_empty() {
                    continue;
                }
                let (x, y) = at(e);
                let text = marks.join(" · ");
                let base = y - 12.0 - fs;
                let cands = [(Point::new(x, base), Anchor::Middle), (Point::new(x - 6.0, base), Anchor::Start), (Point::new(x + 6.0, base), Anchor::End), (Point::new(x, base - fs), Anchor::Middle)];
                if let Some(k) = placer.place(cands.iter().map(|&(p, a)| layout::text_box(&text, fs, p, a))) {
                    out.marks.insert(e.id, cands[k]);
                }
            }
        }
        for e in &order {
            let selected = Some(e.id) == selected_event || Some(e.id) == self.compare;
            if !(show_vectors || (selected && any_stamps)) {
                continue;
            }
            let Some(v) = trace.vector(e.id) else { continue };
            let text = text::vector(v);
            let (x, y) = at(e);
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
            out.wanted += 1;
            if let Some(k) = placer.place_if(cands.iter().map(|&(p, a)| layout::text_box(&text, fs * 0.92, p, a)), |r| !lines.cross(r)) {
                out.vector.insert(e.id, cands[k]);
            }
        }
        out
    }
}

/// The process lines, with crashed stretches drawn broken (from the short list of
/// crashes, recoveries and joins, not from the whole log), and whether any node was ever
/// down (the legend's key for it).
fn rows(sim: &dyn Simulation, trace: &Trace, frame: &Frame, n: usize) -> (Vec<Row>, bool) {
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
    let any_down = (0..n).any(|i| down_since[i].is_some() || !stretches[i].is_empty());
    let rows = (0..n)
        .map(|i| {
            let mut down = std::mem::take(&mut stretches[i]);
            if let Some(s) = down_since[i] {
                down.push((s, frame.t1));
            }
            let down = down.into_iter().filter(|(a, b)| *b >= frame.t0 && *a <= frame.t1).map(|(a, b)| (frame.x(a.max(frame.t0)), frame.x(b.min(frame.t1)))).collect();
            Row { y: frame.y(i as f64), down }
        })
        .collect();
    (rows, any_down)
}

/// The axis: a line every readable step, numbered where the number finds room.
fn ticks(placer: &mut layout::Placer, frame: &Frame, span: Time, tick_y: f64, fs: f64) -> Vec<Tick> {
    let step = layout::tick_step(span, 8);
    let first_tick = frame.t0.div_ceil(step) * step;
    (0..)
        .map(|k| first_tick + k * step)
        .take_while(|&x| x <= frame.t1)
        .map(|time| {
            let x = frame.x(time);
            let labelled = placer.place([layout::text_box(&time.to_string(), fs, Point::new(x, tick_y), Anchor::Middle)]).is_some();
            Tick { x, time, labelled }
        })
        .collect()
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
    fn cross(&self, r: &Rect) -> bool {
        let r = Rect::new(r.x0 + 1.0, r.y0 + 1.0, r.x1 - 1.0, r.y1 - 1.0);
        let count = self.columns.len();
        (Lines::column(r.x0, count)..=Lines::column(r.x1, count)).any(|c| self.columns[c].iter().any(|&i| segment_meets(self.segments[i], &r)))
    }
}

/// Whether the segment from (x1, y1) to (x2, y2) meets the box (Liang-Barsky clipping).
fn segment_meets((x1, y1, x2, y2): (f64, f64, f64, f64), r: &Rect) -> bool {
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

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::sim::trace::causal_past;
    use crate::ui::state::testing::{page, page_at};
    use crate::ui::state::Action;

    /// 78 steps, 82 events, 30 messages among 4 nodes with vector clocks.
    const VECTOR_RUN: &str = "v=1&proto=clocks-vector&n=4&seed=3&p.actions=12";
    const SCREEN: Size = Size { w: 1280.0, h: 360.0, top: 0.0, label_room: 0.0 };

    /// The whole run in one window (the widest span).
    fn whole(s: Rc<AppState>) -> Rc<AppState> {
        s.apply(Action::SetSpan(SPANS.len() - 1))
    }

    #[test]
    fn the_window_holds_at_most_the_budget_in_a_run_of_ten_thousand_events() {
        let s = page("v=1&proto=mutex-token-ring&n=8&seed=1&p.requests=50&p.cs=10");
        let mut step = 0;
        while s.history.borrow().known_trace().known_events().len() < 10_000 {
            step += 2_000;
            s.history.borrow_mut().seek(step);
        }
        let s = whole(s.apply(Action::Seek(step)));
        let model = build(&s, SCREEN);
        assert!(!model.events.is_empty());
        assert!(model.events.len() <= EVENT_BUDGET, "{} events drawn", model.events.len());
        assert!(model.span_index < SPANS.len() - 1, "the window was narrowed");
        assert!(model.hints.iter().any(|(id, _)| *id == Some("diagram-narrowed")));
        // The window keeps the latest events: the last one logged is drawn.
        let h = s.history.borrow();
        let last = h.known_trace().known_events().iter().rfind(|e| e.node.is_some() && e.step <= h.step()).unwrap();
        assert!(model.events.iter().any(|e| e.id == last.id));
    }

    #[test]
    fn a_selected_events_causal_past_and_future_are_happened_before() {
        let s = whole(page_at(VECTOR_RUN, 78));
        let focus = 40;
        let s = s.apply(Action::FocusEvent(focus));
        let model = build(&s, SCREEN);
        assert!(model.causal);
        let h = s.history.borrow();
        let trace = h.known_trace();
        let v = trace.vector(focus).unwrap().to_vec();
        let past_by_log = causal_past(trace, focus);
        let mut seen = (0, 0, 0);
        for dot in &model.events {
            let e = trace.event(dot.id);
            if dot.id == focus {
                assert_eq!(dot.relation, Some("focus"));
                continue;
            }
            if !e.ticks() {
                continue;
            }
            let w = trace.vector(dot.id).unwrap();
            let before = w != &v[..] && w.iter().zip(&v).all(|(a, b)| a <= b);
            let after = w != &v[..] && v.iter().zip(w).all(|(a, b)| a <= b);
            let expected = if before {
                seen.0 += 1;
                "past"
            } else if after {
                seen.1 += 1;
                "future"
            } else {
                seen.2 += 1;
                "unrelated"
            };
            assert_eq!(dot.relation, Some(expected), "event {} against {focus}", dot.id);
            assert_eq!(before, past_by_log.contains(&dot.id), "the log agrees about event {}", dot.id);
        }
        assert!(seen.0 > 0 && seen.1 > 0 && seen.2 > 0, "past, future and concurrent events all drawn: {seen:?}");
        // A message is lit when both its ends are.
        for m in &model.messages {
            let msg = trace.message(m.id);
            let ends = [Some(msg.send_event), trace.known_end_of(m.id)].map(|e| e.and_then(|e| model.events.iter().find(|d| d.id == e)).and_then(|d| d.relation));
            if ends.iter().all(|r| matches!(r, Some("past" | "focus"))) {
                assert_eq!(m.lit, Some("past"), "m{}", m.id);
            }
        }
    }

    #[test]
    fn an_inconsistent_cut_names_the_message_that_crosses_it() {
        let s = whole(page_at(VECTOR_RUN, 78));
        let (m, send_at, received_at, end) = {
            let h = s.history.borrow();
            let trace = h.known_trace();
            let m = trace.known_messages().iter().find(|m| trace.known_end_of(m.id).is_some()).unwrap().clone();
            (m.clone(), trace.event(m.send_event).time, trace.event(trace.known_end_of(m.id).unwrap()).time, h.sim().now())
        };
        // The receipt inside the cut, the send after it: an effect without its cause.
        let mut s = s.apply(Action::ToggleCut);
        for node in 0..4 {
            let t = if node == m.from { send_at - 1 } else if node == m.to { received_at } else { end };
            s = s.apply(Action::CutPoint(node, t));
        }
        let model = build(&s, SCREEN);
        let line = model.cut_line.as_ref().unwrap();
        assert_eq!((line.class, line.data.as_deref()), ("inconsistent", Some("false")));
        let words = s.dict().render(&line.text);
        assert!(words.starts_with("Inconsistent cut") && words.contains(&format!("m{} n{}→n{}", m.id, m.from, m.to)), "{words}");
        let drawn = model.messages.iter().find(|l| l.id == m.id).unwrap();
        assert!(drawn.crossing);
        assert_eq!(model.user_cut.as_ref().unwrap().class, "inconsistent");
        // Everything inside: consistent, nothing in transit at the end of the run.
        let s = (0..4).fold(s, |s, node| s.apply(Action::CutPoint(node, end)));
        let model = build(&s, SCREEN);
        let line = model.cut_line.unwrap();
        assert_eq!(line.class, "consistent");
        assert!(s.dict().render(&line.text).starts_with("Consistent cut. Global state: n0: e"));
    }

    #[test]
    fn stamps_stay_off_the_message_lines_and_each_other() {
        // The window that fits the run, on a wide screen.
        let s = page_at(VECTOR_RUN, 78);
        let model = build(&s, Size::new(1920.0, 720.0));
        let lines = Lines::new(model.messages.iter().map(|m| (m.from.x, m.from.y, m.to.x, m.to.y)), model.width);
        let fs = 16.0;
        let mut boxes = Vec::new();
        for e in &model.events {
            if let Some((p, a)) = e.stamp_at {
                boxes.push(layout::text_box(&e.lamport.to_string(), fs, p, a));
            }
            if let Some(((p, a), v)) = &e.vector_at {
                boxes.push(layout::text_box(v, fs * 0.92, *p, *a));
            }
        }
        assert!(boxes.len() > 20, "most events have their stamps: {}", boxes.len());
        for (i, b) in boxes.iter().enumerate() {
            assert!(!lines.cross(b), "a stamp over a message line: {b:?}");
            assert!(boxes[i + 1..].iter().all(|c| !b.overlaps(c)), "two stamps overlap: {b:?}");
        }
    }

    #[test]
    fn a_message_in_flight_ends_where_it_has_got_to() {
        let mut s = page(VECTOR_RUN);
        while s.history.borrow().sim().flights().is_empty() {
            s = s.apply(Action::StepForward);
        }
        let flight = s.history.borrow().sim().flights()[0].clone();
        let t = flight.sent_at + (flight.arrive - flight.sent_at) / 2;
        let s = s.next(|s| s.display_time = t);
        let model = build(&s, SCREEN);
        let line = model.messages.iter().find(|m| m.id == flight.id).unwrap();
        let frame = model.axes.frame;
        assert_eq!(line.class, "msg-flying");
        assert!((line.to.x - frame.x(t)).abs() < 1e-9);
        let k = layout::progress(flight.sent_at, flight.arrive, t);
        assert!((line.to.y - frame.y(layout::row_between(flight.from, flight.to, k))).abs() < 1e-9);
        assert!((0.4..0.6).contains(&k), "halfway: {k}");
    }

    #[test]
    fn gestures_find_the_instant_and_the_line_under_the_pointer() {
        let s = page_at(VECTOR_RUN, 30);
        let model = build(&s, SCREEN);
        let axes = model.axes;
        let f = axes.frame;
        for t in [f.t0, (f.t0 + f.t1) / 2, f.t1] {
            assert!(axes.time_at(f.x(t)).abs_diff(t) <= 1, "{t}");
        }
        assert_eq!(axes.time_at(-50.0), f.t0, "left of the lines is the window's start");
        for i in 0..4 {
            assert_eq!(axes.row_at(f.y(i as f64)), i);
        }
        assert_eq!(axes.row_at(10_000.0), 3, "below the last line is the last line");
        assert_eq!(axes.cut_point(2, f.x(f.t1)), (2, f.t1));
        let y = |i: usize| f.y(i as f64);
        assert_eq!(axes.release(&model.hands, 0, (200.0, y(0)), (260.0, y(2))), Some(Act::Input(0, "send_to".into(), Some("2".into()))));
        assert_eq!(axes.release(&model.hands, 1, (200.0, y(1)), (202.0, y(1) + 1.0)), Some(Act::Input(1, "local".into(), None)));
        assert_eq!(axes.release(&model.hands, 1, (200.0, y(1)), (280.0, y(1))), None, "a drag along its own line does nothing");
        let (start, end, aimed) = axes.drag_line(0, 200.0, 260.0, y(2));
        assert_eq!((start.y, end.y, aimed), (y(0), y(2), true));
        assert_eq!(model.row_hits.len(), 4, "every line takes the hand");
        assert!(model.converse_button);
    }

    #[test]
    fn the_converse_pair_is_concurrent_with_ordered_lamport_stamps() {
        let s = whole(page_at(VECTOR_RUN, 78)).apply(Action::ToggleConverse);
        let model = build(&s, SCREEN);
        let pair = model.marked.iter().find(|m| m.source == "converse").expect("a pair in a run this size");
        let h = s.history.borrow();
        let trace = h.known_trace();
        let (a, b) = (pair.ids[0], pair.ids[1]);
        assert!(trace.event(a).lamport < trace.event(b).lamport);
        assert!(!happened_before(trace, a, b) && !happened_before(trace, b, a));
        assert_eq!(pair.points.len(), 2);
        assert!(model.legend.contains(&("tl-marked", "ui.marked_key")));
    }
}
