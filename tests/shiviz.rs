//! ShiViz interchange: hand-written logs (both line orders), malformed logs with errors
//! that name their line, and round trips of the product's own runs (export, import: the
//! same events, hosts, happened-before pairs and messages).

use std::collections::{BTreeMap, BTreeSet};

use dsviz::protocols::REGISTRY;
use dsviz::report;
use dsviz::shiviz::{node_names, parse_shiviz, to_shiviz};
use dsviz::sim::trace::EventKind;
use dsviz::sim::Scenario;

/// The example from ShiViz's own documentation, in its default order (description first).
const SHIVIZ_ORDER: &str = r#"client starts
client {"client":1}
client sends a request
client {"client":2}
server starts
server {"server":1}
server receives the request
server {"client":2, "server":2}
server replies
server {"client":2, "server":3}
client gets the reply
client {"client":3, "server":3}
"#;

#[test]
fn a_hand_written_log_in_shivizs_order() {
    let l = parse_shiviz(SHIVIZ_ORDER).unwrap();
    assert_eq!(l.hosts, ["client", "server"]);
    assert_eq!(l.events.len(), 6);
    let pairs: Vec<(&str, &str)> = l.messages.iter().map(|m| (l.events[m.from].description.as_str(), l.events[m.to].description.as_str())).collect();
    assert_eq!(pairs, [("client sends a request", "server receives the request"), ("server replies", "client gets the reply")]);
    // Every predecessor comes first.
    for a in 0..6 {
        for b in 0..6 {
            if l.happened_before(a, b) {
                assert!(a < b, "{a} before {b}");
            }
        }
    }
    let starts: Vec<usize> = l.events.iter().enumerate().filter(|(_, e)| e.description.ends_with("starts")).map(|(i, _)| i).collect();
    assert!(!l.happened_before(starts[0], starts[1]) && !l.happened_before(starts[1], starts[0]), "the two starts are concurrent");
    let cols = l.columns();
    for m in &l.messages {
        assert!(cols[m.from] < cols[m.to], "a message runs left to right");
    }
}

#[test]
fn govector_order_and_blank_lines_and_windows_line_ends() {
    let govector = "a {\"a\":1}\r\nInitialization Complete\r\n\r\na {\"a\":2}\r\nSending to b\r\nb {\"b\":1}\r\nb starts\r\nb {\"a\":2,\"b\":2}\r\nReceived from a\r\n";
    let l = parse_shiviz(govector).unwrap();
    assert_eq!(l.hosts, ["a", "b"]);
    assert_eq!(l.events.len(), 4);
    assert_eq!(l.messages.len(), 1);
    assert_eq!(l.events[l.messages[0].to].description, "Received from a");
}

#[test]
fn knowledge_passed_on_is_not_a_message() {
    // a → b → c: c learns of a only through b; no message from a to c.
    let log = "a sends\na {\"a\":1}\nb gets, sends\nb {\"a\":1,\"b\":1}\nc gets\nc {\"a\":1,\"b\":1,\"c\":1}\n";
    let l = parse_shiviz(log).unwrap();
    let pairs: Vec<(usize, usize)> = l.messages.iter().map(|m| (l.events[m.from].host, l.events[m.to].host)).collect();
    assert_eq!(pairs, [(0, 1), (1, 2)]);
}

fn fails(log: &str, line: usize, words: &str) {
    match parse_shiviz(log) {
        Ok(l) => panic!("accepted a malformed log: {l:?}"),
        Err(e) => {
            assert_eq!(e.line, line, "{e}");
            assert!(e.to_string().contains(words), "'{e}' should say '{words}'");
            assert!(e.to_string().starts_with(&format!("line {line}:")) || line == 0, "{e}");
        }
    }
}

#[test]
fn malformed_logs_say_which_line_and_what_was_expected() {
    fails("", 0, "empty");
    fails("a starts\na {\"a\":1}\nb starts\n", 3, "ends in the middle of an event");
    fails("a starts\na {\"a\":1\n", 2, "expected a host and its vector clock");
    fails("a starts\na {\"a\":1,}\n", 2, "not a JSON object");
    fails("a starts\na {\"a\":-1}\n", 2, "expected a whole number");
    fails("a starts\na {\"b\":1}\n", 2, "no entry");
    fails("a starts\na {\"a\":1}\na again\na {\"a\":1}\n", 4, "1 again");
    fails("a starts\na {\"a\":2}\n", 2, "no event 1");
    fails("b gets\nb {\"a\":3,\"b\":1}\na starts\na {\"a\":1}\n", 2, "logs only 1 events");
    // b knows a's event 2 but not what it knew of c.
    fails("c\nc {\"c\":1}\na1\na {\"a\":1}\na2\na {\"a\":2,\"c\":1}\nb\nb {\"a\":2,\"b\":1}\n", 8, "not everything that event knew");
}

/// Round trip: each protocol's default scenario and its ready-made ones, run to the end.
#[test]
fn the_products_logs_round_trip() {
    let mut checked = 0;
    let mut messages_checked = 0;
    for entry in REGISTRY {
        let info = entry.info();
        let mut scenarios = vec![Scenario::defaults(&info)];
        for r in info.scenarios {
            scenarios.push(Scenario::parse_strict(r.fragment, REGISTRY).unwrap());
        }
        for s in scenarios {
            let history = report::run(&s, 400).unwrap();
            let trace = history.sim().trace();
            if trace.vector(0).is_none() {
                continue;
            }
            let names = node_names(s.n);
            let text = to_shiviz(trace, &names);
            let log = parse_shiviz(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", s.protocol));
            // The same events: (node, own count) ↔ (host, own entry).
            let ticking: Vec<_> = trace.events().iter().filter(|e| e.ticks()).collect();
            assert_eq!(log.events.len(), ticking.len(), "{}", s.protocol);
            let key = |node: usize, own: u32| (names[node].clone(), own);
            let original: BTreeMap<(String, u32), usize> = ticking.iter().map(|e| (key(e.node.unwrap(), trace.vector(e.id).unwrap()[e.node.unwrap()]), e.id)).collect();
            let imported: BTreeMap<(String, u32), usize> = log.events.iter().enumerate().map(|(i, e)| ((log.hosts[e.host].clone(), e.clock[e.host]), i)).collect();
            assert_eq!(original.keys().collect::<Vec<_>>(), imported.keys().collect::<Vec<_>>(), "{}", s.protocol);
            // The same hosts: every node that logged an event.
            let hosts: BTreeSet<&String> = ticking.iter().map(|e| &names[e.node.unwrap()]).collect();
            assert_eq!(hosts, log.hosts.iter().collect(), "{}", s.protocol);
            // The same happened-before pairs (over a sample of pairs for the long runs).
            let keys: Vec<&(String, u32)> = original.keys().collect();
            let stride = (keys.len() / 60).max(1);
            for a in keys.iter().step_by(stride) {
                for b in keys.iter() {
                    let (oa, ob) = (original[*a], original[*b]);
                    let (ia, ib) = (imported[*a], imported[*b]);
                    assert_eq!(dsviz::sim::trace::happened_before(trace, oa, ob), log.happened_before(ia, ib), "{}: {a:?} → {b:?}", s.protocol);
                }
            }
            // Every inferred message is one the run sent, and every delivered message
            // that brought news (its send was not already known) is found.
            let real: BTreeSet<((String, u32), (String, u32))> = trace
                .messages()
                .iter()
                .filter_map(|m| {
                    let end = trace.end_of(m.id)?;
                    let (send, recv) = (trace.event(m.send_event), trace.event(end));
                    matches!(recv.kind, EventKind::Receive { .. }).then_some(())?;
                    let own = |e: &dsviz::sim::trace::Event| trace.vector(e.id).unwrap()[e.node.unwrap()];
                    Some((key(m.from, own(send)), key(m.to, own(recv))))
                })
                .collect();
            let inferred: BTreeSet<((String, u32), (String, u32))> = log
                .messages
                .iter()
                .map(|m| {
                    let (a, b) = (&log.events[m.from], &log.events[m.to]);
                    ((log.hosts[a.host].clone(), a.clock[a.host]), (log.hosts[b.host].clone(), b.clock[b.host]))
                })
                .collect();
            for m in &inferred {
                assert!(real.contains(m), "{}: inferred {m:?} was never sent", s.protocol);
            }
            let news = real.iter().filter(|(send, recv)| {
                let r = &log.events[imported[recv]];
                let prev = log.events[..imported[recv]].iter().rev().find(|e| e.host == r.host);
                let s_host = log.hosts.iter().position(|h| *h == send.0).unwrap();
                prev.map_or(0, |p| p.clock[s_host]) < send.1 && send.0 != recv.0
            });
            for m in news {
                assert!(inferred.contains(m), "{}: the message {m:?} was not found", s.protocol);
                messages_checked += 1;
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} runs checked");
    assert!(messages_checked > 500, "only {messages_checked} messages checked");
}

/// The regex ShiViz needs is the documented one, and an exported log starts with a
/// description line, then a host line.
#[test]
fn an_exported_log_is_in_shivizs_default_order() {
    assert_eq!(dsviz::shiviz::SHIVIZ_REGEX, r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})");
    let s = Scenario::parse_strict("v=1&proto=election-ring&n=4&seed=1", REGISTRY).unwrap();
    let h = report::run(&s, 1000).unwrap();
    let text = to_shiviz(h.sim().trace(), &node_names(4));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "n0 starts");
    assert!(lines[1].starts_with("n0 {\"n0\":1"), "{}", lines[1]);
    assert!(text.contains(" sends ") && text.contains(" receives "), "{text}");
}

#[test]
fn problems_read_in_chinese_too() {
    use dsviz::words::{Dictionary, Lang};
    let e = parse_shiviz("a starts\na {\"a\":2}\n").unwrap_err();
    let zh = e.render(&Dictionary::new(Lang::Zh, &[], &[]));
    assert!(zh.starts_with("第 2 行：") && zh.contains("没有第 1 个事件"), "{zh}");
    let empty = parse_shiviz("").unwrap_err().render(&Dictionary::new(Lang::Zh, &[], &[]));
    assert!(empty.contains("日志是空的") && empty.contains("n0 {\"n0\":1}"), "{empty}");
}
