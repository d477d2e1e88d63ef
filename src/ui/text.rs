//! Words for what happened: event lines for the log and the caption, metric figures.
//! Shared by every view and tested natively; everything is rendered through a
//! [`Dictionary`], so the log reads in the viewer's language.

use crate::phrase;
use crate::sim::network::LossReason;
use crate::sim::protocol::{Metric, Textbook};
use crate::sim::trace::{Event, EventKind, Trace};
use crate::words::{Dictionary, Text};

pub use crate::words::vector;

/// "n3", or "network" for events off the node lines.
fn node(e: &Event) -> Text {
    e.node.map_or(Text::key("ev.network_node"), |n| phrase!("ev.node", n))
}

/// A message as the log names it: its kind in words, with its key fields.
pub fn message(trace: &Trace, id: usize) -> Text {
    let m = trace.message(id);
    let kind = Text::Id("msg", m.kind);
    if m.text.is_empty() {
        kind
    } else {
        phrase!("ev.kind_text", kind, m.text.to_string())
    }
}

pub fn loss(reason: LossReason) -> Text {
    Text::key(match reason {
        LossReason::Random => "loss.random",
        LossReason::User => "loss.user",
        LossReason::Cut => "loss.cut",
    })
}

/// The short word drawn where a message died.
pub fn loss_short(reason: LossReason) -> Text {
    Text::key(match reason {
        LossReason::Random => "loss.short.random",
        LossReason::User => "loss.short.user",
        LossReason::Cut => "loss.short.cut",
    })
}

/// What an event is, without its notes: "n2 receives token (#4) from n1".
pub fn event_head(trace: &Trace, e: &Event) -> Text {
    let n = |x: usize| phrase!("ev.node", x);
    match &e.kind {
        EventKind::Start => phrase!("ev.start", node(e)),
        EventKind::Send { msg } => phrase!("ev.send", node(e), message(trace, *msg), n(trace.message(*msg).to)),
        EventKind::Receive { msg } => phrase!("ev.receive", node(e), message(trace, *msg), n(trace.message(*msg).from)),
        EventKind::Discard { msg } => phrase!("ev.discard", node(e), message(trace, *msg), n(trace.message(*msg).from)),
        EventKind::Lost { msg, reason, .. } => {
            let m = trace.message(*msg);
            phrase!("ev.lost", message(trace, *msg), m.from, m.to, loss(*reason))
        }
        EventKind::Timer { timer } => phrase!("ev.timer", node(e), Text::Id("timer", timer)),
        EventKind::Input { input, arg, workload } => {
            let what = match arg {
                Some(a) => phrase!("ev.kind_text", Text::Id("input", input), a.to_string()),
                None => Text::Id("input", input),
            };
            phrase!(if *workload { "ev.workload" } else { "ev.input" }, node(e), what)
        }
        EventKind::Crash => phrase!("ev.crash", node(e)),
        EventKind::Recover => phrase!("ev.recover", node(e)),
        EventKind::Join => phrase!("ev.join", node(e)),
        EventKind::Network { what } => phrase!("ev.network", (**what).clone()),
        EventKind::Tamper { what, .. } => phrase!("ev.tamper", (**what).clone()),
    }
}

/// One line of the event log, with the handler's notes.
pub fn describe(trace: &Trace, e: &Event) -> Text {
    let mut line = event_head(trace, e);
    for note in trace.notes_of(e.id) {
        line = phrase!("ev.with_note", line, note.clone());
    }
    line
}

/// A figure for the metrics table: integers without decimals, others with two at most.
pub fn figure(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// "3N-1 = 23", "0..N = 0..8", or the formula alone when the textbook gives an order.
pub fn textbook(d: &Dictionary, m: &Metric) -> String {
    let formula = d.render(&m.formula);
    match m.textbook {
        Textbook::Exact(v) => format!("{formula} = {}", figure(v)),
        Textbook::Range(lo, hi) => format!("{formula} = {}..{}", figure(lo), figure(hi)),
        Textbook::Unbounded => formula,
    }
}

/// Whether the measured figure agrees with the textbook one (None when there is nothing
/// to compare).
pub fn agrees(m: &Metric) -> Option<bool> {
    let x = m.measured?;
    match m.textbook {
        Textbook::Exact(v) => Some((x - v).abs() < 1e-9),
        Textbook::Range(lo, hi) => Some(x >= lo - 1e-9 && x <= hi + 1e-9),
        Textbook::Unbounded => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::Lang;

    #[test]
    fn figures_and_textbook_text() {
        let d = Dictionary::new(Lang::En, &[], &[]);
        assert_eq!(figure(23.0), "23");
        assert_eq!(figure(2.5), "2.5");
        assert_eq!(figure(1.0 / 3.0), "0.33");
        let m = Metric { id: "m", measured: Some(23.0), textbook: Textbook::Exact(23.0), formula: Text::plain("3N-1") };
        assert_eq!(textbook(&d, &m), "3N-1 = 23");
        assert_eq!(agrees(&m), Some(true));
        let r = Metric { measured: Some(9.0), textbook: Textbook::Range(0.0, 8.0), formula: Text::plain("0..N"), ..m.clone() };
        assert_eq!(textbook(&d, &r), "0..N = 0..8");
        assert_eq!(agrees(&r), Some(false));
        assert_eq!(vector(&[1, 0, 2]), "[1,0,2]");
    }
}
