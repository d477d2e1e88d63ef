//! Tests of the core's capabilities, mostly on the test-only [`Showcase`] and
//! [`Multicaster`] protocols, some on the real ones. Each asserts something that a wrong
//! core would get wrong.

use super::act::{Act, AnchoredAct};
use super::engine::Engine;
use super::network::NetworkConfig;
use super::protocol::{Protocol, Setup};
use super::scenario::Scenario;
use super::simulation::Simulation;
use super::testkit::{multicaster, showcase, Showcase, SHOW_WORDS};
use super::trace::{EventKind, Trace};
use super::view::{Glyph, Overlay, Placement, SERIES_POINTS};
use super::{History, NodeId, Params, ParamValue, Topology};
use crate::protocols::mutex::token_ring::TokenRing;
use crate::protocols::REGISTRY;
use crate::words::{Dictionary, Lang, Text, CORE};

fn calm() -> NetworkConfig {
    NetworkConfig::default()
}

fn run_out<P: Protocol>(e: &mut Engine<P>) {
    for _ in 0..100_000 {
        if !e.step() {
            return;
        }
    }
    panic!("the run did not come to rest");
}

/// (from, to) of every message of `kind`, in send order.
fn sends(trace: &Trace, kind: &str) -> Vec<(NodeId, NodeId)> {
    trace.messages().iter().filter(|m| m.kind == kind).map(|m| (m.from, m.to)).collect()
}

fn input(node: NodeId, name: &str, arg: Option<&str>) -> Act {
    Act::Input(node, name.to_string(), arg.map(str::to_string))
}

// ---- groups and placement -------------------------------------------------------------

#[test]
fn send_group_reaches_exactly_the_other_members() {
    let mut e = showcase(5, 100, 0, 1, calm());
    let groups: Vec<(&str, Vec<NodeId>)> = e.groups().iter().map(|g| (g.id, g.members.clone())).collect();
    assert_eq!(groups, vec![("servers", vec![0, 1, 2]), ("clients", vec![3, 4])]);
    assert_eq!(Simulation::placement(&e), Placement::Columns(vec!["servers", "clients"]));
    assert_eq!(Simulation::groups(&e).len(), 2);
    // At start, client 3 greets the servers (client 4 joins later and says nothing yet).
    assert_eq!(sends(&e.trace, "hello"), vec![(3, 0), (3, 1), (3, 2)]);
    // A server's put goes to the other servers, not to itself, not to the clients.
    e.apply(&input(1, "put", Some("5"))).unwrap();
    assert_eq!(sends(&e.trace, "put"), vec![(1, 0), (1, 2)]);
    run_out(&mut e);
    let queues: Vec<&[i64]> = e.world.states.iter().map(|s| s.queue.as_slice()).collect();
    assert_eq!(queues, vec![&[5][..], &[], &[5], &[], &[]]);
    assert_eq!(e.world.states.iter().map(|s| s.hellos).collect::<Vec<_>>(), vec![1, 1, 1, 0, 0]);
}

// ---- node views ------------------------------------------------------------------------

#[test]
fn node_views_carry_glyphs_rows_and_tables_as_the_state_says() {
    let mut e = showcase(5, 100, 0, 1, calm());
    e.apply(&input(3, "put", Some("7"))).unwrap();
    // Deliver the puts (and the hellos) but stop before the apply timers fire.
    while e.world.states[..3].iter().any(|s| s.queue.is_empty()) {
        assert!(e.step());
    }
    assert!(e.world.states[..3].iter().all(|s| s.apply_armed && s.applied == 0));
    let views = Simulation::node_views(&e);
    for (i, v) in views.iter().enumerate().take(3) {
        assert_eq!(v.role, "server");
        assert!(v.holds(Glyph::Lock) && !v.holds(Glyph::Key), "node {i}: {:?}", v.glyphs);
        assert_eq!(v.holds(Glyph::Crown), i == 0);
        let row = &v.rows[0];
        assert_eq!(row.label, "queue");
        assert_eq!(row.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), vec!["7"]);
        assert_eq!(row.cells[0].shade, 3);
        assert_eq!(row.marked_upto, Some(0), "nothing applied yet");
        let table = v.table.as_ref().unwrap();
        assert_eq!(table.columns, vec!["from", "count"]);
        let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.iter().map(|t| t.en(SHOW_WORDS)).collect()).collect();
        assert_eq!(rows, vec![vec!["n3".to_string(), "1".to_string()]]);
        assert_eq!(v.badge.en(SHOW_WORDS), "1 queued");
    }
    for v in &views[3..] {
        assert_eq!(v.role, "client");
        assert!(v.rows.is_empty() && v.table.is_none() && v.glyphs.is_empty());
    }
    // The apply timer is a countdown, the heartbeat would not be.
    let timers = Simulation::timers(&e);
    assert_eq!(timers.len(), 3);
    assert!(timers.iter().all(|t| t.timer == "apply" && t.countdown && t.due - t.set_at == 100));
    // Two more values from client 3, then everything applied.
    e.apply(&input(3, "put", Some("42"))).unwrap();
    run_out(&mut e);
    let v = &Simulation::node_views(&e)[2];
    assert_eq!(v.rows[0].cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), vec!["7", "42"]);
    assert_eq!(v.rows[0].marked_upto, Some(2));
    assert!(v.holds(Glyph::Key) && !v.holds(Glyph::Lock));
    assert_eq!(v.table.as_ref().unwrap().rows[0][1], Text::from(2u32));
    // Marks carry their keys: the puts' values, and how many were applied.
    let got: Vec<(Option<NodeId>, u64)> = e.trace.marked("got").map(|(ev, m)| (ev.node, m.key)).filter(|x| x.0 == Some(2)).collect();
    assert_eq!(got, vec![(Some(2), 7), (Some(2), 42)]);
    assert!(e.trace.marked("applied").any(|(ev, m)| ev.node == Some(2) && m.key == 2));
}

// ---- charts ----------------------------------------------------------------------------

fn sends_by(trace: &Trace, nodes: std::ops::Range<NodeId>) -> usize {
    trace.events().iter().filter(|ev| matches!(ev.kind, EventKind::Send { .. }) && ev.node.is_some_and(|n| nodes.contains(&n))).count()
}

#[test]
fn charts_follow_the_run_stay_bounded_and_travel_in_time() {
    let mut e = showcase(5, 30, 10, 2, calm());
    let check = |e: &Engine<Showcase>| {
        let charts = Simulation::charts(e);
        assert_eq!(charts.len(), 1);
        let chart = &charts[0];
        assert_eq!(chart.id, "messages");
        assert_eq!(chart.series.len(), 2);
        assert_eq!(chart.series[0].label, Text::Id("series", "servers"));
        let (servers, clients) = (&chart.series[0], &chart.series[1]);
        assert_eq!(servers.last(), Some(sends_by(&e.trace, 0..3) as f64), "at step {}", e.world.step);
        assert_eq!(clients.last(), Some(sends_by(&e.trace, 3..5) as f64));
        for s in [servers, clients] {
            assert!(s.points().len() <= SERIES_POINTS);
            assert!(s.points().windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1), "time and count only grow");
            assert!(s.points().last().unwrap().0 <= e.world.now);
        }
    };
    for _ in 0..50 {
        e.step();
    }
    check(&e);
    let early = e.checkpoint();
    let early_charts = Simulation::charts(&e);
    while e.trace.events().len() < 100_000 {
        assert!(e.step(), "heartbeats never stop");
    }
    check(&e);
    let servers = &Simulation::charts(&e)[0].series[0];
    assert!(servers.points().len() > SERIES_POINTS / 4, "{} points kept", servers.points().len());
    assert!(servers.last().unwrap() > 40_000.0);
    // Back in time, the chart is the one that was drawn then.
    e.restore(&early);
    assert_eq!(Simulation::charts(&e), early_charts);
    check(&e);
}

// ---- overlays --------------------------------------------------------------------------

#[test]
fn overlays_outline_the_selected_nodes_group_only() {
    let e = showcase(5, 100, 0, 1, calm());
    let sets = |sel: Option<NodeId>| -> Vec<(String, Vec<NodeId>)> {
        Simulation::overlays(&e, sel)
            .into_iter()
            .filter_map(|o| match o {
                Overlay::Set { label, nodes } => Some((label.en(SHOW_WORDS), nodes)),
                _ => None,
            })
            .collect()
    };
    assert!(sets(None).is_empty(), "nothing selected, no set");
    assert_eq!(sets(Some(4)), vec![("clients".to_string(), vec![3, 4])]);
    assert_eq!(sets(Some(1)), vec![("servers".to_string(), vec![0, 1, 2])]);
    assert!(sets(Some(9)).is_empty(), "no such node");
    let arrows: Vec<_> = Simulation::overlays(&e, None).into_iter().filter(|o| matches!(o, Overlay::Arrows { .. })).collect();
    assert_eq!(arrows, vec![Overlay::Arrows { label: Text::key("overlay.cycle"), edges: vec![(0, 1), (1, 2), (2, 0)], alarm: true }]);
    // A cut for the diagram: one instant per node.
    let cuts: Vec<_> = Simulation::overlays(&e, None).into_iter().filter(|o| matches!(o, Overlay::Cut { .. })).collect();
    assert_eq!(cuts, vec![Overlay::Cut { label: Text::key("overlay.now"), at: vec![e.world.now; 5], alarm: false }]);
}

// ---- membership ------------------------------------------------------------------------

#[test]
fn a_node_that_joins_later_takes_no_part_until_it_joins() {
    let mut e = showcase(5, 100, 0, 1, calm());
    assert_eq!((e.world.up[4], e.world.absent[4]), (false, true));
    assert_eq!(Simulation::absent(&e), &[false, false, false, false, true]);
    assert!(e.trace.node_events(4).next().is_none(), "no Start event");
    assert_eq!(e.trace.events().iter().filter(|ev| ev.kind == EventKind::Start).count(), 4);
    assert!(e.validate(&input(4, "put", Some("1"))).is_err(), "an absent node takes no input");
    // Messages to it are discarded.
    e.apply(&input(0, "prepare", None)).unwrap();
    assert_eq!(sends(&e.trace, "prepare"), vec![(0, 1), (0, 2), (0, 3), (0, 4)]);
    run_out(&mut e);
    let at4: Vec<&EventKind> = e.trace.node_events(4).map(|ev| &ev.kind).collect();
    assert!(matches!(at4[..], [EventKind::Discard { .. }]), "{at4:?}");
    assert_eq!(e.world.states[4].prepares, 0);
    assert_eq!(e.world.states[3].prepares, 1);
    // It joins: a Join event (not Recover), then its init's effects (greeting the servers).
    let before = e.trace.messages().len();
    e.apply(&Act::Recover(4)).unwrap();
    assert_eq!((e.world.up[4], e.world.absent[4]), (true, false));
    let joined = e.trace.node_events(4).find(|ev| !matches!(ev.kind, EventKind::Discard { .. })).unwrap();
    assert_eq!(joined.kind, EventKind::Join);
    assert!(e.trace.notes_of(joined.id).any(|t| *t == Text::key("note.hello")));
    let new: Vec<(NodeId, NodeId)> = e.trace.messages()[before..].iter().map(|m| (m.from, m.to)).collect();
    assert_eq!(new, vec![(4, 0), (4, 1), (4, 2)]);
    run_out(&mut e);
    assert!(e.world.states[..3].iter().all(|s| s.hellos == 2));
    // Now it is a member like any other: prepares reach it, a crash and recovery is a Recover.
    e.apply(&input(0, "prepare", None)).unwrap();
    run_out(&mut e);
    assert_eq!(e.world.states[4].prepares, 1);
    e.apply(&Act::Crash(4)).unwrap();
    e.apply(&Act::Recover(4)).unwrap();
    assert_eq!(e.trace.events().last().map(|ev| &ev.kind), Some(&EventKind::Send { msg: e.trace.messages().len() - 1 }));
    assert_eq!(e.trace.node_events(4).filter(|ev| ev.kind == EventKind::Recover).count(), 1);
    assert_eq!(e.trace.node_events(4).filter(|ev| ev.kind == EventKind::Join).count(), 1);
}

// ---- inputs with arguments -------------------------------------------------------------

#[test]
fn inputs_take_checked_arguments_and_refusals_change_nothing() {
    let mut e = showcase(5, 100, 0, 1, calm());
    assert!(e.validate(&input(3, "put", Some("7"))).is_ok());
    e.apply_at(&input(3, "put", Some("7")), Some(5)).unwrap();
    let ev = e.trace.events().iter().find(|ev| matches!(ev.kind, EventKind::Input { .. })).unwrap();
    assert_eq!(ev.kind, EventKind::Input { input: "put", arg: Some("7".into()), workload: false });
    assert_eq!((ev.node, ev.time), (Some(3), 5));
    assert!(e.trace.marks_of(ev.id).any(|m| m.tag == "put" && m.key == 7));
    let puts: Vec<&str> = e.trace.messages().iter().filter(|m| m.kind == "put").map(|m| &*m.text).collect();
    assert_eq!(puts, vec!["v=7"; 3]);
    run_out(&mut e);
    assert!(e.world.states[..3].iter().all(|s| s.queue == vec![7]));

    let (now, events, messages) = (e.world.now, e.trace.events().len(), e.trace.messages().len());
    let refused = [
        (input(3, "put", Some("100")), "a whole number from 0 to 99; got '100'"),
        (input(3, "put", Some("-1")), "from 0 to 99"),
        (input(3, "put", Some("seven")), "got 'seven'"),
        (input(3, "put", None), "'put' needs an argument"),
        (input(3, "prepare", Some("1")), "'prepare' takes no argument"),
        (input(3, "get", None), "accepted: put, prepare"),
        (input(4, "put", Some("1")), "node 4 is down"),
    ];
    for (act, why) in refused {
        let err = e.validate(&act).unwrap_err().en(SHOW_WORDS);
        assert!(err.contains(why), "{act:?}: {err}");
        let err = e.apply_at(&act, Some(now + 500)).unwrap_err().en(SHOW_WORDS);
        assert!(err.contains(why), "{act:?}: {err}");
        assert_eq!((e.world.now, e.trace.events().len(), e.trace.messages().len()), (now, events, messages), "{act:?} changed the run");
    }
    // The same refusals through the URL: the scenario parses, the act is refused when due.
    assert_eq!(Act::parse("input:3:put=7"), Ok(input(3, "put", Some("7"))));
}

// ---- milestone-anchored interventions ---------------------------------------------------

fn showcase_with(n: usize, anchors: &[&str]) -> Engine<Showcase> {
    let mut params = Params::defaults(&Showcase::info().params);
    params.0.insert("hold", ParamValue::Int(100));
    let setup = Setup::new(n, Topology::Complete, params, 1).unwrap();
    let anchored = anchors.iter().map(|a| AnchoredAct::parse(a).unwrap()).collect();
    Engine::with_anchors(Showcase::build(&setup).unwrap(), setup, calm(), 1, anchored)
}

#[test]
fn a_crash_anchored_on_the_second_prepare_stops_the_handler_there() {
    // Four nodes: node 0 sends Prepare to 1, 2 and 3 in one handler.
    let mut e = showcase_with(4, &["send.prepare.n0.2:crash:0"]);
    e.apply(&input(0, "prepare", None)).unwrap();
    assert_eq!(sends(&e.trace, "prepare"), vec![(0, 1), (0, 2)], "the third send never happened");
    assert!(!e.world.up[0]);
    let second = e.trace.events().iter().filter(|ev| matches!(ev.kind, EventKind::Send { .. }) && ev.node == Some(0)).nth(1).unwrap();
    let next = e.trace.event(second.id + 1);
    assert_eq!((next.node, &next.kind, next.time), (Some(0), &EventKind::Crash, second.time));
    run_out(&mut e);
    assert_eq!(e.world.states.iter().map(|s| s.prepares).collect::<Vec<_>>(), vec![0, 1, 1, 0]);
    // Anchored on someone else, or on a count never reached, nothing happens.
    let mut other = showcase_with(4, &["send.prepare.n1:crash:0", "send.prepare.n0.4:crash:0"]);
    other.apply(&input(0, "prepare", None)).unwrap();
    assert_eq!(sends(&other.trace, "prepare").len(), 3);
    assert!(other.world.up[0]);
}

#[test]
fn a_crash_anchored_on_a_mark_happens_at_that_event() {
    // Node 1 (a server) crashes on receiving its second value.
    let mut e = showcase_with(4, &["mark.got.n1.2:crash:1"]);
    // All three at once: the values arrive (in order, FIFO links) before the apply timer.
    for v in ["1", "2", "3"] {
        e.apply(&input(2, "put", Some(v))).unwrap();
    }
    run_out(&mut e);
    assert!(!e.world.up[1]);
    assert_eq!(e.world.states[1].queue, vec![1, 2], "the third value found it down");
    assert_eq!(e.world.states[0].queue, vec![1, 2, 3]);
    let got: Vec<_> = e.trace.marked("got").filter(|(ev, _)| ev.node == Some(1)).map(|(ev, m)| (ev.id, m.key)).collect();
    assert_eq!(got.len(), 2);
    let crash = e.trace.event(got[1].0 + 1);
    assert_eq!((crash.node, &crash.kind), (Some(1), &EventKind::Crash));
    assert!(e.trace.node_events(1).any(|ev| matches!(ev.kind, EventKind::Discard { .. })));
    // The crash killed the apply timer armed by the first value: nothing was applied.
    assert_eq!(e.world.states[1].applied, 0);
}

#[test]
fn an_anchored_crash_survives_the_url_and_lands_on_its_milestone() {
    let text = "v=1&proto=mutex-token-ring&n=4&seed=1&p.requests=0&act=mark.enter_cs.n2:crash:2,0:input:2:request";
    let s = Scenario::parse_strict(text, REGISTRY).unwrap();
    assert_eq!(s.anchored, vec![AnchoredAct::parse("mark.enter_cs.n2:crash:2").unwrap()]);
    let fragment = s.to_fragment();
    assert!(fragment.contains("act=mark.enter_cs.n2:crash:2,0:input:2:request"), "{fragment}");
    let again = Scenario::parse_strict(&fragment, REGISTRY).unwrap();
    assert_eq!(again, s);
    let run = |s: &Scenario| {
        let mut h = History::new(s.start(REGISTRY).unwrap(), s.acts.clone());
        while h.step() < 500 && h.forward() {}
        assert!(h.problems().is_empty(), "{:?}", h.problems());
        h
    };
    let h = run(&again);
    let trace = h.sim().trace();
    let entries: Vec<_> = trace.marked("enter_cs").map(|(ev, _)| ev.clone()).collect();
    assert_eq!(entries.len(), 1, "node 2 entered once, then nothing could");
    assert_eq!(entries[0].node, Some(2));
    let crash = trace.event(entries[0].id + 1);
    assert_eq!((crash.node, &crash.kind, crash.time), (Some(2), &EventKind::Crash, entries[0].time));
    assert!(!h.sim().up()[2]);
    assert!(h.sim().timers().iter().all(|t| t.node != 2), "its leave timer died with it");
    assert_eq!(run(&s).sim().trace().hash(), trace.hash(), "the same run from either link");
}

// ---- the workload ----------------------------------------------------------------------

fn token_ring(n: usize, seed: u64, requests: i64) -> Engine<TokenRing> {
    let mut params = Params::defaults(&TokenRing::info().params);
    params.0.insert("requests", ParamValue::Int(requests));
    let setup = Setup::new(n, Topology::Ring, params, seed).unwrap();
    Engine::new(TokenRing::build(&setup).unwrap(), setup, calm(), seed)
}

/// Transit time of each of the first `k` token messages.
fn token_transits(e: &Engine<TokenRing>, k: usize) -> Vec<u64> {
    let t = &e.trace;
    t.messages().iter().take(k).map(|m| t.event(t.end_of(m.id).expect("delivered")).time - m.sent_at).collect()
}

#[test]
fn the_workload_asks_and_its_stream_leaves_the_network_alone() {
    let mut e = token_ring(5, 3, 300);
    let first_due = e.flights().next().unwrap().4;
    for _ in 0..3000 {
        e.step();
    }
    let asked = e.trace.events().iter().filter(|ev| matches!(ev.kind, EventKind::Input { input: "request", workload: true, .. })).count();
    assert!(asked > 10, "{asked} workload requests");
    assert!(e.trace.marked("enter_cs").count() > 10);
    assert!(e.trace.events().iter().all(|ev| !matches!(ev.kind, EventKind::Input { workload: false, .. })));
    // Another request rate: other requests at other times, so the token's path in time
    // differs, but every token transit draws the same delay from the network's stream.
    let mut f = token_ring(5, 3, 5_000);
    let mut idle = token_ring(5, 3, 0);
    assert_eq!(f.flights().next().unwrap().4, first_due);
    assert_eq!(idle.flights().next().unwrap().4, first_due);
    for _ in 0..3000 {
        f.step();
        idle.step();
    }
    let k = 60;
    assert!(e.trace.messages().len() > k && f.trace.messages().len() > k && idle.trace.messages().len() > k);
    assert_ne!(e.trace.hash(), f.trace.hash(), "the workloads differ");
    assert_eq!(token_transits(&e, k), token_transits(&f, k));
    assert_eq!(token_transits(&e, k), token_transits(&idle, k));
}

// ---- countdown through the Simulation trait -----------------------------------------------

#[test]
fn the_leave_timer_is_a_countdown_while_in_the_cs() {
    let s = Scenario::parse_strict("v=1&proto=mutex-token-ring&n=4&seed=1&p.requests=0&p.cs=120", REGISTRY).unwrap();
    let mut sim = s.start(REGISTRY).unwrap();
    assert!(sim.timers().is_empty());
    sim.apply_at(&input(2, "request", None), None).unwrap();
    while sim.node_views()[2].role != "held" {
        assert!(sim.step());
    }
    let timers = sim.timers();
    assert_eq!(timers.len(), 1, "{timers:?}");
    let t = &timers[0];
    assert_eq!((t.node, t.timer, t.countdown, t.due - t.set_at, t.set_at), (2, "leave", true, 120, sim.now()));
    while sim.node_views()[2].role == "held" {
        assert!(sim.step());
    }
    assert!(sim.timers().is_empty());
}

// ---- order monitors --------------------------------------------------------------------

#[test]
fn ordered_runs_keep_the_order_monitors_quiet() {
    let mut e = multicaster(3, 4);
    assert!(!e.world.network.config.fifo);
    for node in [0, 0, 1, 2, 0] {
        e.apply(&input(node, "send", None)).unwrap();
        run_out(&mut e);
    }
    let ids: Vec<&str> = e.verdicts().map(|(id, _)| id).collect();
    assert_eq!(ids, vec!["fifo", "causal", "total"]);
    assert!(e.broken().is_empty(), "{:?}", e.trace.violations());
    assert_eq!(e.world.states.iter().map(|s| s.delivered.len()).sum::<usize>(), 15, "five multicasts, each delivered by all three");
}

#[test]
fn an_overtaking_message_trips_fifo_causal_and_total() {
    let mut e = multicaster(3, 4);
    e.apply(&input(0, "send", None)).unwrap();
    e.apply(&input(0, "send", None)).unwrap();
    // Messages: m0.1 to 1 and 2, then m0.2 to 1 and 2. Node 1 gets them swapped, node 2 not.
    assert_eq!(sends(&e.trace, "data"), vec![(0, 1), (0, 2), (0, 1), (0, 2)]);
    e.apply(&Act::Delay(0, 1_000)).unwrap();
    e.apply(&Act::Delay(3, 2_000)).unwrap();
    run_out(&mut e);
    let m = |seq| super::monitor::multicast_id(0, seq);
    assert_eq!(e.world.states[1].delivered, vec![m(2), m(1)]);
    assert_eq!(e.world.states[2].delivered, vec![m(1), m(2)]);
    let mut broken = e.broken();
    broken.sort_unstable();
    assert_eq!(broken, vec!["causal", "fifo", "total"]);
    let fifo = e.trace.violations().iter().find(|v| v.invariant == "fifo").unwrap();
    assert_eq!(fifo.nodes, vec![1, 0]);
    assert_eq!(fifo.detail.en(&[]), "node 1 delivered message 2 of node 0 before message 1");
    assert_eq!(e.trace.violations().iter().filter(|v| v.invariant == "fifo").count(), 1, "reported once");
}

#[test]
fn a_relayed_message_overtaking_its_cause_trips_causal_but_not_fifo() {
    let mut e = multicaster(3, 4);
    e.apply(&input(0, "send", None)).unwrap();
    // m0.1 to node 2 is held up; node 1 delivers it and multicasts m1.1 (caused by it).
    e.apply(&Act::Delay(1, 1_000)).unwrap();
    while e.world.states[1].delivered.is_empty() {
        assert!(e.step());
    }
    e.apply(&input(1, "send", None)).unwrap();
    run_out(&mut e);
    let (m01, m11) = (super::monitor::multicast_id(0, 1), super::monitor::multicast_id(1, 1));
    assert_eq!(e.world.states[2].delivered, vec![m11, m01]);
    let broken = e.broken();
    assert!(broken.contains(&"causal") && !broken.contains(&"fifo"), "{broken:?}");
    let causal = e.trace.violations().iter().find(|v| v.invariant == "causal").unwrap();
    assert_eq!(causal.nodes, vec![2]);
    assert_eq!(causal.detail.en(&[]), "node 2 delivered m1.1 before m0.1, which happened before it");
}

#[test]
fn concurrent_multicasts_delivered_on_receipt_disagree_only_on_total_order() {
    let mut e = multicaster(3, 4);
    e.apply(&input(0, "send", None)).unwrap();
    e.apply(&input(1, "send", None)).unwrap();
    run_out(&mut e);
    // Node 0 delivers m1.1 first, node 1 delivers m0.1 first: they disagree on position 0.
    assert_eq!(e.broken(), vec!["total"]);
    let total = e.trace.violations().iter().find(|v| v.invariant == "total").unwrap();
    assert_eq!(total.nodes.len(), 2);
    assert!(total.detail.en(&[]).contains("in different orders"), "{}", total.detail.en(&[]));
}

#[test]
fn order_monitors_travel_in_time_with_the_run() {
    let mut e = multicaster(3, 4);
    let start = e.checkpoint();
    e.apply(&input(0, "send", None)).unwrap();
    e.apply(&input(1, "send", None)).unwrap();
    run_out(&mut e);
    assert_eq!(e.broken(), vec!["total"]);
    e.restore(&start);
    e.fork();
    assert!(e.broken().is_empty(), "the monitors' memory went back too");
    e.apply(&input(0, "send", None)).unwrap();
    run_out(&mut e);
    e.apply(&input(1, "send", None)).unwrap();
    run_out(&mut e);
    assert!(e.broken().is_empty(), "{:?}", e.trace.violations());
}

// ---- the progress monitor ----------------------------------------------------------------

#[test]
fn a_lost_token_is_named_as_the_reason_node_3_waits() {
    let ready = TokenRing::info().scenarios.iter().find(|s| s.id == "lost-token").unwrap();
    let s = Scenario::parse_strict(ready.fragment, REGISTRY).unwrap();
    let mut h = History::new(s.start(REGISTRY).unwrap(), s.acts.clone());
    while h.forward() {}
    assert!(h.sim().quiescent());
    let v = h.sim().trace().violations().iter().find(|v| v.invariant == "progress").unwrap();
    assert_eq!(v.nodes, vec![3]);
    let words = TokenRing::info().words;
    assert_eq!(v.detail.en(words), "nothing is left to happen, yet nodes 3 wait: the token is lost");
}

#[test]
fn under_a_workload_a_lost_token_stalls_the_ring_and_the_monitor_says_why() {
    let mut e = token_ring(6, 5, 300);
    // Run a while, then drop the token in flight while someone waits for it.
    for _ in 0..400 {
        e.step();
    }
    while !(e.world.states.iter().any(|s| s.wanting_since.is_some() && !s.in_cs) && e.flights().next().is_some()) {
        assert!(e.step());
    }
    assert!(e.trace.violations().is_empty());
    let token = e.flights().next().unwrap().0;
    e.apply(&Act::Drop(token)).unwrap();
    let dropped_at = e.world.now;
    let patience = 2 * 6 * (200 + 120);
    // The workload goes on asking until every live node waits; then nothing can change,
    // the run is at rest, and the monitor fires (or earlier, once the patience is out).
    while e.step() {}
    assert!(e.quiescent());
    let v = e.trace.violations().iter().find(|v| v.invariant == "progress").cloned().expect("the progress monitor fired");
    assert!(v.time <= dropped_at + patience + 600, "fired at {}, dropped at {dropped_at}", v.time);
    let text = v.detail.en(TokenRing::info().words);
    assert!(text.ends_with("wait: the token is lost"), "{text}");
    assert_eq!(v.nodes, (0..6).collect::<Vec<_>>(), "at rest, every node waits");
    assert!(e.trace.violations().iter().any(|v| v.invariant == "one_token"));
}

// ---- vector clocks: a message drawn by hand ------------------------------------------------

#[test]
fn send_to_sends_exactly_one_message_to_the_chosen_node() {
    let s = Scenario::parse_strict("v=1&proto=clocks-vector&n=3&seed=1", REGISTRY).unwrap();
    let mut sim = s.start(REGISTRY).unwrap();
    while sim.step() {}
    let (messages, events) = (sim.trace().messages().len(), sim.trace().events().len());
    sim.apply_at(&input(0, "send_to", Some("2")), None).unwrap();
    let new = &sim.trace().messages()[messages..];
    assert_eq!(new.len(), 1);
    assert_eq!((new[0].from, new[0].to), (0, 2));
    // One event: the send itself (deciding to send is not an event of its own).
    let logged: Vec<&EventKind> = sim.trace().events()[events..].iter().map(|ev| &ev.kind).collect();
    assert_eq!(logged, vec![&EventKind::Send { msg: messages }]);
    while sim.step() {}
    assert_eq!(sim.trace().end_of(messages).map(|ev| sim.trace().event(ev).node), Some(Some(2)));
    assert!(sim.validate(&input(0, "send_to", Some("3"))).unwrap_err().en(&[]).contains("from 0 to 2; got '3'"));
    assert!(sim.validate(&input(0, "send_to", None)).is_err());
}

// ---- words ---------------------------------------------------------------------------------

#[test]
fn the_showcase_says_everything_in_both_languages() {
    let mut e = showcase(5, 30, 10, 1, calm());
    e.apply(&input(3, "put", Some("7"))).unwrap();
    e.apply(&Act::Recover(4)).unwrap();
    e.apply(&input(1, "prepare", None)).unwrap();
    for _ in 0..300 {
        e.step();
    }
    let info = Showcase::info();
    let mut keys: Vec<String> = ["name", "summary"].iter().map(|k| k.to_string()).collect();
    keys.extend(info.params.iter().map(|p| format!("param.{}", p.name)));
    keys.extend(info.inputs.iter().map(|i| format!("input.{}", i.id)));
    keys.push(format!("family.{}", info.family.id));
    for g in e.groups() {
        keys.push(format!("group.{}", g.id));
    }
    for v in Simulation::node_views(&e) {
        keys.push(format!("role.{}", v.role));
        v.badge.keys(&mut keys);
        keys.extend(v.details.iter().map(|(k, _)| format!("detail.{k}")));
        for t in v.details.iter().map(|(_, t)| t) {
            t.keys(&mut keys);
        }
        keys.extend(v.rows.iter().map(|r| format!("detail.{}", r.label)));
        if let Some(table) = &v.table {
            keys.extend(table.columns.iter().map(|c| format!("detail.{c}")));
            table.rows.iter().flatten().for_each(|t| t.keys(&mut keys));
        }
    }
    for m in e.trace.messages() {
        keys.push(format!("msg.{}", m.kind));
    }
    for t in Simulation::timers(&e) {
        keys.push(format!("timer.{}", t.timer));
    }
    for ev in e.trace.events() {
        if let EventKind::Timer { timer } = ev.kind {
            keys.push(format!("timer.{timer}"));
        }
        e.trace.notes_of(ev.id).for_each(|t| t.keys(&mut keys));
    }
    for c in Simulation::charts(&e) {
        keys.push(format!("chart.{}", c.id));
        c.series.iter().for_each(|s| s.label.keys(&mut keys));
    }
    for o in Simulation::overlays(&e, Some(0)) {
        match o {
            Overlay::Set { label, .. } | Overlay::Arrows { label, .. } | Overlay::Cut { label, .. } | Overlay::Events { label, .. } => label.keys(&mut keys),
        }
    }
    for m in Simulation::metrics(&e) {
        keys.push(format!("metric.{}", m.id));
        m.formula.keys(&mut keys);
    }
    for i in Simulation::invariants(&e) {
        keys.push(format!("inv.{}", i.id));
        keys.push(format!("inv.{}.about", i.id));
    }
    keys.push("breach.applied".into());
    keys.sort();
    keys.dedup();
    for lang in [Lang::En, Lang::Zh] {
        let d = Dictionary::for_protocol(lang, &Showcase::info(), &[]);
        for k in &keys {
            let w = d.find(k).unwrap_or_else(|| panic!("no words for '{k}'"));
            assert!(!w.en.is_empty() && !w.zh.is_empty(), "{k}");
        }
    }
    // Every entry is used, in real Chinese, with the same placeholders in both languages.
    for w in SHOW_WORDS {
        assert!(keys.iter().any(|k| k == w.key), "'{}' is never used", w.key);
        assert!(w.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "'{}' is not Chinese: {}", w.key, w.zh);
        for i in 0..4 {
            let p = format!("{{{i}}}");
            assert_eq!(w.en.contains(&p), w.zh.contains(&p), "{}: {p}", w.key);
        }
        assert!(CORE.iter().all(|c| c.key != w.key), "'{}' shadows a core word", w.key);
    }
    assert_eq!(Dictionary::new(Lang::Zh, SHOW_WORDS, &[]).render(&crate::phrase!("badge.queued", 3)), "已排队 3 个");
}
