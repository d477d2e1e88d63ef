//! Words for what happened: event lines for the log, stamps, metric figures. Shared by
//! every view and tested natively.

use crate::sim::network::LossReason;
use crate::sim::protocol::{Metric, Textbook};
use crate::sim::trace::{Event, EventKind, Trace};

pub fn vector(v: &[u32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", parts.join(","))
}

/// One line of the event log, e.g. "n2 receives token (pass 4) from n1".
pub fn describe(trace: &Trace, e: &Event) -> String {
    let node = |n: Option<usize>| n.map_or("network".to_string(), |n| format!("n{n}"));
    let msg = |id: usize| {
        let m = &trace.messages[id];
        if m.text.is_empty() {
            m.kind.to_string()
        } else {
            format!("{} ({})", m.kind, m.text)
        }
    };
    let head = match &e.kind {
        EventKind::Start => format!("{} starts", node(e.node)),
        EventKind::Send { msg: id } => format!("{} sends {} to n{}", node(e.node), msg(*id), trace.messages[*id].to),
        EventKind::Receive { msg: id } => format!("{} receives {} from n{}", node(e.node), msg(*id), trace.messages[*id].from),
        EventKind::Discard { msg: id } => format!("{} is down: {} from n{} is discarded", node(e.node), msg(*id), trace.messages[*id].from),
        EventKind::Lost { msg: id, reason, .. } => {
            let m = &trace.messages[*id];
            let why = match reason {
                LossReason::Random => "lost by the network",
                LossReason::User => "dropped by you",
                LossReason::Cut => "lost: the link is down",
            };
            format!("{} n{}→n{} {why}", msg(*id), m.from, m.to)
        }
        EventKind::Timer { label } => format!("{}: timer '{label}' fires", node(e.node)),
        EventKind::Input { input } => format!("{}: input '{input}'", node(e.node)),
        EventKind::Crash => format!("{} crashes", node(e.node)),
        EventKind::Recover => format!("{} recovers", node(e.node)),
        EventKind::Network { what } => format!("network: {what}"),
        EventKind::Tamper { what, .. } => format!("you: {what}"),
    };
    let mut line = head;
    for note in e.notes.iter().filter(|n| !matches!(e.kind, EventKind::Lost { .. }) || !n.contains("lost")) {
        line.push_str(" — ");
        line.push_str(note);
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
pub fn textbook(m: &Metric) -> String {
    match m.textbook {
        Textbook::Exact(v) => format!("{} = {}", m.formula, figure(v)),
        Textbook::Range(lo, hi) => format!("{} = {}..{}", m.formula, figure(lo), figure(hi)),
        Textbook::Unbounded => m.formula.to_string(),
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

    #[test]
    fn figures_and_textbook_text() {
        assert_eq!(figure(23.0), "23");
        assert_eq!(figure(2.5), "2.5");
        assert_eq!(figure(1.0 / 3.0), "0.33");
        let m = Metric { name: "m", measured: Some(23.0), textbook: Textbook::Exact(23.0), formula: "3N-1" };
        assert_eq!(textbook(&m), "3N-1 = 23");
        assert_eq!(agrees(&m), Some(true));
        let r = Metric { measured: Some(9.0), textbook: Textbook::Range(0.0, 8.0), formula: "0..N", ..m.clone() };
        assert_eq!(textbook(&r), "0..N = 0..8");
        assert_eq!(agrees(&r), Some(false));
        assert_eq!(vector(&[1, 0, 2]), "[1,0,2]");
    }
}
