//! ShiViz interchange: a run's event log as a ShiViz log, and a ShiViz log (a student's
//! own program, instrumented with GoVector or by hand) read back for the time-space
//! diagram.
//!
//! The format is two lines per event: a description, then the host and its vector clock
//! as a JSON object, host names as keys:
//!
//! ```text
//! n0 sends ELECTION(7) to n1
//! n0 {"n0":2}
//! n1 receives ELECTION(7) from n0
//! n1 {"n0":2,"n1":2}
//! ```
//!
//! which ShiViz reads with its default parser regex [`SHIVIZ_REGEX`]:
//! `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`. The reader also takes the other common
//! order (GoVector's logs: the host line first, regex
//! `(?<host>\S*) (?<clock>{.*})\n(?<event>.*)`), told apart by the first line.
//!
//! Messages are not in the log: as ShiViz does, they are inferred from the clocks. An
//! event whose clock knows more of another host than its host's previous event did has
//! heard from that host; the event it heard from is the one whose own entry equals the
//! value it now knows. Of those sources, one whose clock another source's clock already
//! covers came in through that other source (knowledge passed on), not by a message of
//! its own, and is dropped.

use std::collections::BTreeMap;
use std::fmt;

use crate::phrase;
use crate::sim::trace::{EventKind, Trace};
use crate::words::{Dictionary, Lang, Text};

/// ShiViz's default parser regex, which [`to_shiviz`] writes for.
pub const SHIVIZ_REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";
/// GoVector's order (host line first), which [`parse_shiviz`] reads too.
pub const GOVECTOR_REGEX: &str = r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)";

/// An event of an imported log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedEvent {
    /// Index into [`ImportedLog::hosts`].
    pub host: usize,
    /// The vector clock, one entry per host (0: nothing known of it).
    pub clock: Vec<u32>,
    pub description: String,
    /// The 1-based line of the host and clock, for pointing back at the file.
    pub line: usize,
}

/// A message inferred from the clocks: from a send event to a receive event (indices into
/// [`ImportedLog::events`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportedMessage {
    pub from: usize,
    pub to: usize,
}

/// A ShiViz log, read and checked: hosts in order of first appearance, events in an order
/// consistent with happened-before (a causal predecessor always comes first), messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedLog {
    pub hosts: Vec<String>,
    pub events: Vec<ImportedEvent>,
    pub messages: Vec<ImportedMessage>,
}

/// What is wrong with a log, and where: the 1-based line and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub message: Text,
}

impl Error {
    /// The problem in the reader's language, with its line.
    pub fn render(&self, words: &Dictionary) -> String {
        let message = words.render(&self.message);
        if self.line == 0 {
            message
        } else {
            words.render(&phrase!("shiviz.at_line", self.line, message))
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&Dictionary::new(Lang::En, &[], &[])))
    }
}

impl std::error::Error for Error {}

fn error(line: usize, message: Text) -> Error {
    Error { line, message }
}

/// Whether `a`'s clock is at or below `b`'s in every entry.
fn covers(b: &[u32], a: &[u32]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

impl ImportedLog {
    /// Does event `a` happen before event `b`? (By the clocks: `a`'s is below `b`'s.)
    pub fn happened_before(&self, a: usize, b: usize) -> bool {
        let (va, vb) = (&self.events[a].clock, &self.events[b].clock);
        va != vb && covers(vb, va)
    }

    /// A column for each event on a drawing: one more than the latest of its host's
    /// previous event and the sends it receives (the longest causal chain to it), so every
    /// message runs left to right and concurrent events may share a column.
    pub fn columns(&self) -> Vec<usize> {
        let mut col = vec![0usize; self.events.len()];
        let mut last_on_host: Vec<Option<usize>> = vec![None; self.hosts.len()];
        let mut sources: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for m in &self.messages {
            sources.entry(m.to).or_default().push(m.from);
        }
        for (i, e) in self.events.iter().enumerate() {
            let before = last_on_host[e.host].map(|p| col[p] + 1).unwrap_or(0);
            let heard = sources.get(&i).into_iter().flatten().map(|&s| col[s] + 1).max().unwrap_or(0);
            col[i] = before.max(heard);
            last_on_host[e.host] = Some(i);
        }
        col
    }
}

/// Is this line a host and its clock (`name {...}`)?
fn clock_line(line: &str) -> bool {
    let line = line.trim_end();
    match line.split_once(' ') {
        Some((host, rest)) => !host.is_empty() && !host.contains(char::is_whitespace) && rest.trim_start().starts_with('{') && line.ends_with('}'),
        None => false,
    }
}

/// Read a ShiViz log (description lines and host-and-clock lines, in either order; blank
/// lines between events are allowed). Every problem names its line.
pub fn parse_shiviz(text: &str) -> Result<ImportedLog, Error> {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r'))).filter(|(_, l)| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return Err(error(0, Text::key("shiviz.empty")));
    }
    // The first line tells the order: a clock line first is GoVector's order.
    let host_first = clock_line(lines[0].1);
    if lines.len() % 2 == 1 {
        let (n, _) = lines[lines.len() - 1];
        let what = Text::key(if host_first { "shiviz.want_description" } else { "shiviz.want_clock" });
        return Err(error(n, phrase!("shiviz.unfinished", what)));
    }
    let mut hosts: Vec<String> = Vec::new();
    // Per event: host name, clock by name, description, line.
    let mut raw: Vec<(usize, BTreeMap<String, u32>, String, usize)> = Vec::new();
    for pair in lines.chunks(2) {
        let ((cn, cl), (_, dl)) = if host_first { (pair[0], pair[1]) } else { (pair[1], pair[0]) };
        if !clock_line(cl) {
            let order = Text::key(if host_first { "shiviz.order_govector" } else { "shiviz.order_shiviz" });
            return Err(error(cn, phrase!("shiviz.not_a_clock_line", shorten(cl), order)));
        }
        let (host, clock) = cl.trim_end().split_once(' ').expect("a clock line has a space");
        let clock: serde_json::Value = serde_json::from_str(clock.trim()).map_err(|e| error(cn, phrase!("shiviz.bad_json", e.to_string(), format!("{{\"{host}\":3,\"n1\":2}}"))))?;
        let Some(map) = clock.as_object() else { return Err(error(cn, Text::key("shiviz.not_an_object"))) };
        let mut entries = BTreeMap::new();
        for (name, v) in map {
            let count = v.as_u64().and_then(|c| u32::try_from(c).ok()).ok_or_else(|| error(cn, phrase!("shiviz.bad_count", name.as_str(), v.to_string())))?;
            if count > 0 {
                entries.insert(name.clone(), count);
            }
        }
        if !entries.contains_key(host) {
            return Err(error(cn, phrase!("shiviz.no_own_entry", host)));
        }
        if dl.trim().is_empty() || clock_line(dl) && !host_first {
            return Err(error(cn - 1, Text::key("shiviz.no_description")));
        }
        for name in std::iter::once(host).chain(entries.keys().map(String::as_str)) {
            if !hosts.iter().any(|h| h == name) {
                hosts.push(name.to_string());
            }
        }
        raw.push((hosts.iter().position(|h| h == host).expect("added"), entries, dl.trim().to_string(), cn));
    }
    let width = hosts.len();
    let index = |name: &str| hosts.iter().position(|h| h == name).expect("every name is a host");
    let mut events: Vec<ImportedEvent> = raw
        .into_iter()
        .map(|(host, entries, description, line)| {
            let mut clock = vec![0; width];
            for (name, c) in entries {
                clock[index(&name)] = c;
            }
            ImportedEvent { host, clock, description, line }
        })
        .collect();

    // Each host's events by their own entry, which must go up by one per event (ShiViz's
    // rule: the clock counts the host's events).
    let mut by_host: Vec<Vec<usize>> = vec![Vec::new(); width];
    {
        let mut order: Vec<usize> = (0..events.len()).collect();
        order.sort_by_key(|&i| (events[i].host, events[i].clock[events[i].host], events[i].line));
        for i in order {
            let e = &events[i];
            let list = &mut by_host[e.host];
            let expected = list.len() as u32 + 1;
            let own = e.clock[e.host];
            if own != expected {
                let name = &hosts[e.host];
                let problem = if own < expected { phrase!("shiviz.own_again", name.as_str(), own) } else { phrase!("shiviz.own_skips", name.as_str(), own, expected) };
                return Err(error(e.line, problem));
            }
            list.push(i);
        }
    }
    // Knowledge of another host's event must be knowledge of an event in the log, and of
    // everything that event knew.
    for e in &events {
        for (g, &k) in e.clock.iter().enumerate() {
            if k == 0 || g == e.host {
                continue;
            }
            let Some(&source) = by_host[g].get(k as usize - 1) else {
                return Err(error(e.line, phrase!("shiviz.unknown_event", hosts[g].as_str(), k, by_host[g].len())));
            };
            if !covers(&e.clock, &events[source].clock) {
                return Err(error(e.line, phrase!("shiviz.forgets", hosts[g].as_str(), k, events[source].line)));
            }
        }
    }
    // An order consistent with happened-before: a predecessor's clock is smaller in
    // every entry, so its sum is smaller.
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (events[i].clock.iter().map(|&c| c as u64).sum::<u64>(), events[i].host));
    let mut new_index = vec![0; events.len()];
    for (k, &i) in order.iter().enumerate() {
        new_index[i] = k;
    }
    events = order.iter().map(|&i| events[i].clone()).collect();
    for list in &mut by_host {
        for i in list.iter_mut() {
            *i = new_index[*i];
        }
    }

    // Messages from clock jumps.
    let mut messages = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; width];
    for (i, e) in events.iter().enumerate() {
        let before = previous[e.host].map(|p| events[p].clock.clone()).unwrap_or_else(|| vec![0; width]);
        let sources: Vec<usize> = (0..width).filter(|&g| g != e.host && e.clock[g] > before[g]).map(|g| by_host[g][e.clock[g] as usize - 1]).collect();
        for &s in &sources {
            let passed_on = sources.iter().any(|&t| t != s && covers(&events[t].clock, &events[s].clock));
            if !passed_on {
                messages.push(ImportedMessage { from: s, to: i });
            }
        }
        previous[e.host] = Some(i);
    }
    messages.sort();
    Ok(ImportedLog { hosts, events, messages })
}

fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        s.push('…');
    }
    s
}

/// What an event of the run says in the log's description line (English: ShiViz and the
/// people who read its logs take the ids as they are).
fn describe(trace: &Trace, names: &[String], id: usize) -> String {
    let e = trace.event(id);
    let me = e.node.map_or("", |n| names[n].as_str());
    let msg = |m: usize| {
        let r = trace.message(m);
        if r.text.is_empty() {
            r.kind.to_string()
        } else {
            format!("{} {}", r.kind, r.text)
        }
    };
    let name = |n: usize| names.get(n).map_or("?", String::as_str).to_string();
    match &e.kind {
        EventKind::Start => format!("{me} starts"),
        EventKind::Send { msg: m } => format!("{me} sends {} to {}", msg(*m), name(trace.message(*m).to)),
        EventKind::Receive { msg: m } => format!("{me} receives {} from {}", msg(*m), name(trace.message(*m).from)),
        EventKind::Timer { timer } => format!("{me} timer {timer}"),
        EventKind::Input { input, arg, .. } => match arg {
            Some(a) => format!("{me} input {input} {a}"),
            None => format!("{me} input {input}"),
        },
        EventKind::Recover => format!("{me} recovers"),
        EventKind::Join => format!("{me} joins"),
        EventKind::Crash => format!("{me} crashes"),
        EventKind::Discard { .. } => format!("{me} discards a message"),
        EventKind::Tamper { .. } | EventKind::Network { .. } | EventKind::Lost { .. } => format!("{me} event {id}"),
    }
    .replace('\n', " ")
}

/// The run's log up to the cursor as a ShiViz log (ShiViz's default order; see
/// [`SHIVIZ_REGEX`]): every event on a node's line that ticks its clocks (a crash or a
/// discard ticks nothing, and ShiViz wants every event to count one more). `names` names
/// the nodes (n0, n1, …). Empty when the run keeps no vector clocks (very large N).
pub fn to_shiviz(trace: &Trace, names: &[String]) -> String {
    let mut out = String::new();
    for e in trace.events() {
        if !e.ticks() {
            continue;
        }
        let Some(v) = trace.vector(e.id) else { continue };
        let clock: Vec<String> = v.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| format!("{}:{c}", serde_json::to_string(&names[i]).expect("a string"))).collect();
        out.push_str(&describe(trace, names, e.id));
        out.push('\n');
        out.push_str(&format!("{} {{{}}}\n", names[e.node.expect("ticking events are on a line")], clock.join(",")));
    }
    out
}

/// The usual node names, n0 … n(N-1).
pub fn node_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("n{i}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_host_exchange() {
        let log = "a starts\na {\"a\":1}\nb starts\nb {\"b\":1}\na sends\na {\"a\":2}\nb receives\nb {\"a\":2,\"b\":2}\n";
        let l = parse_shiviz(log).unwrap();
        assert_eq!(l.hosts, ["a", "b"]);
        assert_eq!(l.events.len(), 4);
        assert_eq!(l.messages.len(), 1);
        let m = l.messages[0];
        assert_eq!(l.events[m.from].description, "a sends");
        assert_eq!(l.events[m.to].description, "b receives");
    }
}
