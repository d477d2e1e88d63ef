use super::*;
use crate::sim::history::History;
use crate::sim::network::{link_key, DelayShape, Network, Spike, Tail};
use crate::sim::rng::SimRng;
use crate::sim::scenario::Scenario;
use crate::sim::simulation::{entry, ProtocolEntry};
use crate::sim::trace::{EventKind, MessageFate};
use crate::sim::{Act, MsgId};

fn registry() -> Vec<ProtocolEntry> {
    vec![entry::<Machines>(), entry::<Beats>(), entry::<Domino>(), entry::<Rumour>()]
}

fn calm() -> NetworkConfig {
    NetworkConfig { delay_min: 10, delay_max: 10, ..NetworkConfig::default() }
}

// Nodes that fail together.

#[test]
fn a_machine_crashes_and_recovers_as_one() {
    let mut e = Engine::new(Machines { n: 5 }, setup(5, Topology::Ring), calm(), 1);
    e.apply(&Act::Crash(1)).unwrap();
    assert_eq!(e.world.up, [false, false, true, true, true]);
    let crashes: Vec<_> = e.trace.events().iter().filter(|ev| ev.kind == EventKind::Crash).collect();
    assert_eq!(crashes.iter().map(|ev| ev.node).collect::<Vec<_>>(), [Some(1), Some(0)], "the named node first, each crash logged");
    assert_eq!(e.trace.notes_of(crashes[1].id).collect::<Vec<_>>(), [&crate::phrase!("note.fate_shared", 1)]);
    assert_eq!(e.trace.notes_of(crashes[0].id).count(), 0);
    e.apply(&Act::Crash(4)).unwrap();
    assert_eq!(e.world.up, [false, false, true, true, false], "a node on no shared machine fails alone");
    e.apply(&Act::Recover(0)).unwrap();
    assert_eq!(e.world.up, [true, true, true, true, false]);
    assert_eq!((e.world.states[0].recoveries, e.world.states[1].recoveries), (1, 1), "both ran their recovery");
    let recovered: Vec<_> = e.trace.events().iter().filter(|ev| ev.kind == EventKind::Recover).map(|ev| (ev.node, e.trace.notes_of(ev.id).count())).collect();
    assert_eq!(recovered, [(Some(0), 0), (Some(1), 1)]);
    assert!(e.apply(&Act::Recover(1)).is_err(), "already up");
    e.apply(&Act::Recover(4)).unwrap();
    e.apply(&Act::Crash(0)).unwrap();
    let crashed: Vec<_> = e.trace.events().iter().filter(|ev| ev.kind == EventKind::Crash).map(|ev| ev.node).collect();
    assert_eq!(crashed[3..], [Some(0), Some(1)], "whichever member is named goes first");
    assert_eq!(e.fate_group(3), [2, 3]);
    assert_eq!(e.fate_group(4), [4]);
}

#[test]
fn fate_sharing_reaches_links_and_milestones() {
    let reg = registry();
    // A timed act from a link: crashing 3 takes 2 down with it.
    let s = Scenario::parse_strict("proto=machines&n=5&act=0:crash:3", &reg).unwrap();
    let h = History::new(s.start(&reg).unwrap(), s.acts.clone());
    assert_eq!(h.sim().up(), [true, true, false, false, true]);
    // An anchored one, mid-run: when node 1 is greeted, its machine goes down.
    let s = Scenario::parse_strict("proto=machines&n=5&act=mark.got.n1:crash:1", &reg).unwrap();
    let mut sim = s.start(&reg).unwrap();
    while sim.step() {}
    assert_eq!(sim.up(), [false, false, true, true, true]);
    assert_eq!(sim.fate_group(0), [0, 1]);
}

// Delays beyond uniform.

/// `count` messages on link 0-1 of `shape`d and plain networks with the same seed: the
/// shaped delays and the extra each got.
fn delays(shape: DelayShape, count: usize) -> (Vec<Time>, Vec<Time>) {
    let config = NetworkConfig { delay_min: 40, delay_max: 80, fifo: false, ..NetworkConfig::default() };
    let (mut plain, mut shaped) = (Network::new(config.clone()), Network::new(config));
    shaped.shape = shape;
    let (mut a, mut b, mut extra_rng) = (SimRng::new(5), SimRng::new(5), SimRng::new(6));
    let mut out = (Vec::new(), Vec::new());
    for _ in 0..count {
        let base = plain.transit(&mut a, &mut SimRng::new(0), 0, 1, 0).due;
        let due = shaped.transit(&mut b, &mut extra_rng, 0, 1, 0).due;
        out.0.push(due);
        out.1.push(due - base);
    }
    out
}

fn percentile(sorted: &[Time], p: usize) -> Time {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[test]
fn spikes_and_tails_shape_the_delay_percentiles() {
    let (mut plain, none) = delays(DelayShape::NONE, 20_000);
    assert!(none.iter().all(|&x| x == 0));
    plain.sort_unstable();
    assert!(percentile(&plain, 99) <= 80);
    // 10% of messages take 400 more: the 85th percentile is untouched, the 95th is not.
    let spike = DelayShape { spike: Some(Spike { chance: 100_000, extra: 400 }), tail: None };
    let (mut spiked, extra) = delays(spike, 20_000);
    spiked.sort_unstable();
    assert!(percentile(&spiked, 85) <= 80 && (440..=480).contains(&percentile(&spiked, 95)), "{} {}", percentile(&spiked, 85), percentile(&spiked, 95));
    let hit = extra.iter().filter(|&&x| x == 400).count();
    assert!((1_800..2_200).contains(&hit) && extra.iter().all(|&x| x == 0 || x == 400), "{hit}");
    // A tail at 25% per doubling past 50 ticks: P(extra >= 50·2^k) = 0.25^(k+1).
    let tail = DelayShape { spike: None, tail: Some(Tail { chance: 250_000, scale: 50 }) };
    let (_, extra) = delays(tail, 40_000);
    let beyond = |x: Time| extra.iter().filter(|&&e| e >= x).count() as f64 / extra.len() as f64;
    for (x, p) in [(50, 0.25), (100, 0.0625), (200, 0.015_625), (400, 0.003_906)] {
        assert!((beyond(x) - p).abs() < p * 0.15, "P(extra >= {x}) = {} against {p}", beyond(x));
    }
    assert!(extra.iter().all(|&e| e == 0 || e >= 50));
}

#[test]
fn a_link_without_a_shape_draws_as_before() {
    let config = NetworkConfig { delay_min: 1, delay_max: 100, drop: 200_000, ..NetworkConfig::default() };
    let (mut plain, mut shaped) = (Network::new(config.clone()), Network::new(config));
    let tail = DelayShape { spike: Some(Spike { chance: 500_000, extra: 300 }), tail: Some(Tail { chance: 500_000, scale: 20 }) };
    shaped.links.insert(link_key(0, 1), crate::sim::LinkRule { shape: Some(tail), ..Default::default() });
    let (mut a, mut b, mut extra) = (SimRng::new(9), SimRng::new(9), SimRng::new(10));
    let mut spiked = 0;
    for now in 0..2_000 {
        let (to, plain_extra) = if now % 2 == 0 { (2, &mut SimRng::new(0)) } else { (1, &mut SimRng::new(0)) };
        let p = plain.transit(&mut a, plain_extra, 0, to, now);
        let s = shaped.transit(&mut b, &mut extra, 0, to, now);
        assert_eq!(p.lost, s.lost, "losses are drawn as before");
        if to == 2 {
            assert_eq!(p, s, "a link without a shape is untouched");
        } else {
            assert!(s.arrive >= p.arrive);
            spiked += (s.arrive > p.arrive) as u32;
        }
    }
    assert!(spiked > 500, "{spiked}");
}

/// False suspicions of Beats' fixed-timeout detector up to time 20,000.
fn false_suspicions(url: &str) -> u32 {
    let s = Scenario::parse_strict(url, &registry()).unwrap();
    let mut e = Engine::new(Beats, s.setup().unwrap(), s.network.clone(), s.seed);
    while e.step_before(20_000) {}
    e.world.states[0].false_suspicions
}

#[test]
fn a_fixed_timeout_suspects_the_living_under_spikes() {
    // Beats every 100, delays 40-80: gaps stay under 140, well inside the timeout of 200.
    assert_eq!(false_suspicions("proto=beats&n=4&delay=40-80"), 0);
    let spiky = false_suspicions("proto=beats&n=4&delay=40-80&spike=5/300");
    assert!(spiky >= 10, "{spiky}");
    assert!(false_suspicions("proto=beats&n=4&delay=40-80&spike=20/300") > spiky, "more spikes, more false suspicions");
    // A long tail suspects too, with rarer but longer stalls.
    assert!(false_suspicions("proto=beats&n=4&delay=40-80&tail=25/60") > 0);
}

#[test]
fn delay_shapes_travel_in_links_and_acts() {
    let reg = registry();
    let s = Scenario::parse_strict("proto=beats&n=4&spike=2.5/300&tail=25/60", &reg).unwrap();
    assert_eq!(s.delays, DelayShape { spike: Some(Spike { chance: 25_000, extra: 300 }), tail: Some(Tail { chance: 250_000, scale: 60 }) });
    assert!(s.to_fragment().contains("&spike=2.5/300&tail=25/60"));
    assert_eq!(Scenario::parse_strict(&s.to_fragment(), &reg).unwrap(), s);
    assert!(!Scenario::parse_strict("proto=beats", &reg).unwrap().to_fragment().contains("spike"), "off, and not written, by default");
    for (url, key) in [("proto=beats&spike=0/300", "spike"), ("proto=beats&spike=5", "spike"), ("proto=beats&tail=100/60", "tail"), ("proto=beats&tail=5/0", "tail")] {
        let errors = Scenario::parse_strict(url, &reg).unwrap_err();
        let text = errors[0].to_string();
        assert!(errors[0].key == key && text.contains("PERCENT/TICKS") && text.contains(url.rsplit('=').next().unwrap()), "{url}: {text}");
    }
    // As an act: on one link, then refused on a node's link to itself.
    let mut e = Engine::new(Beats, setup(4, Topology::Complete), NetworkConfig::default(), 1);
    let act = Act::parse("delays:1-0:spike=50/1000").unwrap();
    e.apply(&act).unwrap();
    assert_eq!(e.world.network.links[&(0, 1)].shape.and_then(|s| s.spike), Some(Spike { chance: 500_000, extra: 1000 }));
    assert!(matches!(e.trace.events().last().unwrap().kind, EventKind::Network { .. }));
    assert!(e.apply(&Act::parse("delays:2-2:none").unwrap()).is_err());
    e.apply(&Act::parse("delays:tail=10/5").unwrap()).unwrap();
    assert_eq!(e.world.network.shape.tail, Some(Tail { chance: 100_000, scale: 5 }));
}

// Rollback.

fn domino() -> Engine<Domino> {
    Engine::new(Domino, setup(3, Topology::Complete), calm(), 1)
}

/// Each input in turn, the run settling after each: `(node, "send", Some(to))`.
fn script(e: &mut Engine<Domino>, inputs: &[(NodeId, &str, Option<NodeId>)]) {
    for &(node, name, arg) in inputs {
        e.apply(&Act::Input(node, name.into(), arg.map(|a| a.to_string()))).unwrap();
        while e.step() {}
    }
}

fn fates(e: &Engine<Domino>) -> Vec<(MsgId, MessageFate)> {
    e.trace.message_fates()
}

#[test]
fn a_domino_of_rollbacks_finds_lost_and_orphaned_messages() {
    use MessageFate::{Lost, Orphaned};
    let mut e = domino();
    // m0: p0 → p1, then p1 checkpoints; m1: p1 → p0, then p0 checkpoints; m2: p0 → p1;
    // m3: p2 → p1; m4: p1 → p2.
    script(&mut e, &[(0, "send", Some(1)), (1, "ckpt", None), (1, "send", Some(0)), (0, "ckpt", None), (0, "send", Some(1)), (2, "send", Some(1)), (1, "send", Some(2))]);
    assert!(fates(&e).is_empty() && e.trace.rollbacks().is_empty());
    let receipt = |e: &Engine<Domino>, m: MsgId| e.trace.end_of(m).unwrap();
    let before = e.trace.events().len();
    // p1 fails and goes back to its checkpoint 1: its sends m1 and m4 are orphaned, the
    // receipts of m2 and m3 lost; its receipt of m0 stays.
    e.apply(&Act::Input(1, "fail".into(), None)).unwrap();
    assert_eq!(fates(&e), [(1, Orphaned), (2, Lost), (3, Lost), (4, Orphaned)]);
    assert!(!e.trace.rolled_back(receipt(&e, 0)) && e.trace.rolled_back(receipt(&e, 2)));
    assert!(e.trace.rolled_back(e.trace.message(4).send_event));
    assert!((before..e.trace.events().len()).all(|ev| !e.trace.rolled_back(ev)), "the rollback and its notices are recovery");
    assert_eq!((e.world.states[1].sent.clone(), e.world.states[1].recv.clone()), (vec![0, 0, 0], vec![1, 0, 0]), "p1's state is its checkpoint's");
    // Undone on p1's line: two inputs and their two sends, two receipts.
    assert_eq!(e.trace.notes_of(before).collect::<Vec<_>>(), [&crate::phrase!("note.rollback", 1, 6)]);
    // The domino: p0 holds orphan m1 and goes back to its first checkpoint (its own
    // checkpoint 1 received m1); p2 holds m4; then p1 holds m0, sent in p0's undone
    // stretch. Each step of the fall changes the verdicts.
    let mut seen = vec![fates(&e)];
    while e.step() {
        if e.trace.rollbacks().len() > seen.len() {
            seen.push(fates(&e));
        }
    }
    let fell: Vec<(NodeId, u64)> = e.trace.rollbacks().iter().map(|r| (r.node, r.checkpoint)).collect();
    assert_eq!(fell, [(1, 1), (0, 0), (2, 0), (1, 0)]);
    assert_eq!(seen[1..], [vec![(0, Orphaned), (3, Lost), (4, Orphaned)], vec![(0, Orphaned)], vec![]]);
    // Back at the start, everywhere: the recovery line is the initial checkpoints.
    for s in &e.world.states {
        assert_eq!((s.sent.iter().sum::<u32>(), s.recv.iter().sum::<u32>(), s.ckpts.len()), (0, 0, 1));
    }
    for m in 0..5 {
        assert!(e.trace.rolled_back(e.trace.message(m).send_event) && e.trace.rolled_back(receipt(&e, m)), "m{m}");
    }
}

#[test]
fn rollbacks_follow_the_cursor_and_replay() {
    let mut e = domino();
    script(&mut e, &[(0, "send", Some(1)), (0, "ckpt", None), (1, "send", Some(0))]);
    let cp = e.checkpoint();
    e.apply(&Act::Input(0, "fail".into(), None)).unwrap();
    while e.step() {}
    assert_eq!(e.trace.rollbacks().len(), 1);
    let full = e.trace.hash();
    e.restore(&cp);
    assert!(e.trace.rollbacks().is_empty() && e.trace.message_fates().is_empty());
    e.apply(&Act::Input(0, "fail".into(), None)).unwrap();
    while e.step() {}
    assert_eq!(e.trace.hash(), full);
    assert_eq!(e.trace.message_fates(), [(1, MessageFate::Lost)]);
}

// Layered protocols.

#[test]
fn the_upper_layer_gets_each_message_once_and_in_order_over_a_bad_network() {
    type Stack = crate::sim::layered::Layered<Talk, Reliable>;
    let bad = NetworkConfig { delay_min: 10, delay_max: 200, drop: 300_000, duplicate: 100_000, fifo: false };
    for seed in 0..5 {
        let proto = Stack { upper: Talk, lower: Reliable };
        let mut e = Engine::new(proto, setup(2, Topology::Complete), bad.clone(), seed);
        while e.step() {}
        assert_eq!(e.world.states[1].upper.got, (0..COUNT).collect::<Vec<_>>(), "seed {seed}");
        let stats = &e.world.stats;
        assert_eq!((stats.upper_sent, stats.upper_delivered), (COUNT as u64, COUNT as u64));
        let (data, retx) = (stats.lower_by_kind["rc-data"], stats.lower_by_kind["rc-retx"]);
        assert_eq!(data, COUNT as u64, "one data message per payload");
        assert!(retx > 0 && e.world.counters.dropped > 0, "seed {seed}: losses were repaired");
        assert_eq!(stats.lower_sent(), e.world.counters.sent);
        assert_eq!(e.proto.layer("rc-ack"), Some("rc"));
    }
    let e = Engine::new(Stack { upper: Talk, lower: Reliable }, setup(2, Topology::Complete), bad.clone(), 0);
    assert_eq!(&*e.trace.message(3).text, "#3 ⟨num 3⟩", "the payload shows inside the wire message");
    // The same application straight on the network sees the losses and the copies.
    let mut raw = Engine::new(Talk, setup(2, Topology::Complete), bad, 0);
    while raw.step() {}
    assert_ne!(raw.world.states[1].got, (0..COUNT).collect::<Vec<_>>());
}

// Scale.

#[test]
fn ten_thousand_peers_cost_one_handler_a_step() {
    let reg = registry();
    let s = Scenario::parse_strict("proto=rumour&n=10000&topo=peers", &reg).unwrap();
    assert!(s.setup().unwrap().graph.edges().is_empty(), "peers store no edges");
    let complete = Scenario::parse("proto=machines&n=5&topo=complete", &reg).0;
    assert!(crate::sim::Graph::build(&complete.topology, 1_001, 1).unwrap_err().en(&[]).contains("peers"));
    let mut e = rumour(10_000, 3);
    assert_eq!(e.proto.calls.get(), 10_000, "one init each");
    let mut steps = 0;
    while e.step() {
        steps += 1;
        assert_eq!(e.proto.calls.get(), 10_000 + steps, "each step runs exactly one handler on one node");
    }
    let informed = e.world.states.iter().filter(|s| s.knows).count();
    assert!(informed > 9_900, "{informed}");
    let pushes: u64 = e.world.states.iter().map(|s| s.pushed as u64).sum();
    assert_eq!(e.world.counters.sent, pushes);
    assert!(e.trace.vector(0).is_none(), "no vector clocks at this size");
}

#[test]
fn memory_grows_linearly_with_peers() {
    // Per node: the same number of events and messages (PUSHES pushes each, the informed
    // all but everyone), so the log's bytes per node barely move from 1,000 to 10,000.
    let per_node = |n: usize| {
        let mut e = rumour(n, 3);
        while e.step() {}
        (e.trace.heap_bytes() / n, e.trace.events().len() / n)
    };
    let (small, large) = (per_node(1_000), per_node(10_000));
    assert!(large.0 <= small.0 * 5 / 4 && large.1 <= small.1 + 2, "{small:?} {large:?}");
}

/// `cargo test --release --lib scale_figures -- --ignored --nocapture` prints steps per
/// second and bytes per node. Not an assertion: machines differ.
#[test]
#[ignore]
fn scale_figures() {
    for n in [1_000, 10_000] {
        let start = std::time::Instant::now();
        let mut e = rumour(n, 3);
        let built = start.elapsed();
        let mut steps = 0u64;
        while e.step() {
            steps += 1;
        }
        let secs = start.elapsed().as_secs_f64() - built.as_secs_f64();
        let world = std::mem::size_of::<Gossiper>() + 2 + 8 + 4;
        println!(
            "N={n}: {steps} steps in {secs:.3}s = {:.0} steps/s (start {:.1} ms); log {} bytes/node ({} events/node); world {} bytes/node in its per-node vectors",
            steps as f64 / secs,
            built.as_secs_f64() * 1e3,
            e.trace.heap_bytes() / n,
            e.trace.events().len() / n,
            world
        );
    }
}
