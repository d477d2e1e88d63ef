//! The same scenario gives the same run natively and in the browser, bit for bit: these
//! digests were taken from a native run and are checked on both targets (natively by
//! `cargo test`, in headless Chrome by `wasm-pack test`). Every ready-made scenario of
//! every protocol is here, plus runs that lean on the network's randomness.
//!
//! Each digest is pinned by its scenario fragment (`PINNED`). A new protocol or scenario
//! needs its row; the test names a missing one and gives the row to paste.
//! `DSVIZ_PRINT_DIGESTS=1 cargo test --test portable -- --nocapture` prints the whole
//! table as it is written (only when the URL format's version changes may the pinned
//! values change).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use dsviz::protocols::REGISTRY;
use dsviz::sim::{History, Scenario};

/// Steps every registry run (a protocol's default run, a ready-made scenario) is taken to.
const STEPS: u64 = 1_500;

/// Pinned runs: (scenario fragment, steps, digest of the trace after that many steps). A
/// row is found by its fragment, so adding a protocol or a scenario adds rows and leaves
/// the others alone. The registry runs come first (their steps are `STEPS`); after them,
/// runs that lean on the network's randomness.
const PINNED: &[(&str, u64, u64)] = &[
    ("v=1&proto=mutex-token-ring", 1_500, 0xfeab2b4536319096),
    ("v=1&proto=mutex-token-ring&n=6&seed=7&p.cs=120&p.requests=400", 1_500, 0x5fb2ea8c0c324d61),
    ("v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0", 1_500, 0xd9a83d4c2351cb2e),
    ("v=1&proto=mutex-token-ring&n=6&seed=1&p.requests=0&act=0:input:3:request,1:drop:1", 1_500, 0x08db99dfd4eb8153),
    ("v=1&proto=mutex-token-ring&n=6&seed=2&p.requests=300&act=0:crash:3", 1_500, 0xee8d141d5abd7d4b),
    ("v=1&proto=mutex-token-ring&n=5&seed=3&p.requests=150&act=0:dup:0,0:delay:1:150", 1_500, 0xcfb0f31981aea0ff),
    ("v=1&proto=mutex-central", 1_500, 0x32433dc829195c25),
    ("v=1&proto=mutex-central&n=6&seed=7&p.cs=120&p.requests=400", 1_500, 0xaadbf93c969b5d09),
    ("v=1&proto=mutex-central&n=6&seed=2&p.requests=300&act=0:crash:0", 1_500, 0xc6734f0a44b02229),
    ("v=1&proto=mutex-lamport", 1_500, 0x5996af1bb896c2b6),
    ("v=1&proto=mutex-lamport&n=3&seed=1&p.requests=0&act=0:input:2:request,0:input:1:request,0:input:0:request", 1_500, 0x3aca01d9290ef39e),
    ("v=1&proto=mutex-lamport&n=3&seed=16&delay=1-600&fifo=0&p.requests=0&act=0:input:0:request,0:input:1:request", 1_500, 0xa2f28b09d654a6f3),
    ("v=1&proto=mutex-ricart-agrawala", 1_500, 0x334296f6f78a014b),
    ("v=1&proto=mutex-ricart-agrawala&n=4&seed=3&p.requests=0&act=0:input:0:request,0:input:1:request,0:input:2:request", 1_500, 0xd93c3207146e66f8),
    ("v=1&proto=mutex-ricart-agrawala&n=4&seed=1&p.requests=0&act=0:input:2:request,1:drop:3", 1_500, 0x19f88b08bbd6fe65),
    ("v=1&proto=mutex-maekawa", 1_500, 0x45fe332dc9a7190a),
    ("v=1&proto=mutex-maekawa&n=9&seed=14&p.cs=120&p.requests=3000", 1_500, 0x9a987d7e4d63e6cc),
    ("v=1&proto=mutex-maekawa&n=9&seed=0&p.requests=0&act=0:input:0:request,0:input:4:request,0:input:8:request", 1_500, 0x31bbe3540bc1b092),
    ("v=1&proto=mutex-maekawa&n=9&seed=0&p.requests=0&p.fix=on&act=0:input:0:request,0:input:4:request,0:input:8:request", 1_500, 0x154f9431b7a9217c),
    ("v=1&proto=election-ring", 1_500, 0x7ca100151b22f8b6),
    ("v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0", 1_500, 0x7ca100151b22f8b6),
    ("v=1&proto=election-ring&n=8&seed=1&p.ids=best&p.initiators=one&p.starter=0", 1_500, 0x25dbc702bc826635),
    ("v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=all", 1_500, 0x8a5964c51bff6e41),
    ("v=1&proto=election-ring&n=8&seed=1&p.ids=ascending&p.initiators=none&act=0:input:1:start,0:input:5:start", 1_500, 0x9b92b15ac4e43561),
    ("v=1&proto=election-ring&n=8&seed=1&p.ids=worst&p.initiators=one&p.starter=0&act=0:crash:3", 1_500, 0x3a895cdbb22dc2f9),
    ("v=1&proto=election-bully", 1_500, 0xdb2f4d0d1479029c),
    ("v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:6:start", 1_500, 0xe96d31ed009023e0),
    ("v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:0:start", 1_500, 0xfbd99cacfc16f65f),
    ("v=1&proto=election-bully&n=8&seed=1&p.initially=elected&act=0:crash:7,0:input:3:start,23:recover:7", 1_500, 0xffadd6e35088f234),
    ("v=1&proto=election-bully&n=8&seed=1&p.initially=elected&p.timeout=50&act=0:crash:7,0:input:5:start", 1_500, 0x7a1133eccd601e02),
    ("v=1&proto=election-all-to-all", 1_500, 0xb337b37ba676cc00),
    ("v=1&proto=election-all-to-all&n=8&seed=1&p.initiators=all", 1_500, 0xb337b37ba676cc00),
    ("v=1&proto=election-all-to-all&n=8&seed=1&p.initiators=one&p.starter=2", 1_500, 0x544d9e1ad98a91fb),
    ("v=1&proto=election-all-to-all&n=8&seed=1&p.initiators=one&p.starter=0&act=0:crash:7", 1_500, 0x072d1870271aa7df),
    ("v=1&proto=election-randomized", 1_500, 0xd2e22395fe057475),
    ("v=1&proto=election-randomized&n=8&seed=18", 1_500, 0xcb368be7a3479573),
    ("v=1&proto=election-randomized&n=8&seed=1", 1_500, 0xd2e22395fe057475),
    ("v=1&proto=election-randomized&n=8&seed=1&p.confirm=20", 1_500, 0xab0ae4da59bccf3b),
    ("v=1&proto=election-tree", 1_500, 0x1b3e41ddec403a12),
    ("v=1&proto=election-tree&n=15&seed=1&topo=tree&p.ids=ascending&p.initiators=leaves", 1_500, 0x1b3e41ddec403a12),
    ("v=1&proto=election-tree&n=15&seed=1&topo=edges:0-1.1-2.2-3.3-4.4-5.5-6.6-7.7-8.8-9.9-10.10-11.11-12.12-13.13-14&p.ids=ascending&p.initiators=leaves", 1_500, 0x6b11faf04393264a),
    ("v=1&proto=election-tree&n=20&seed=3&topo=random-tree&p.ids=random&p.initiators=leaves", 1_500, 0xcfc35ba17feb4454),
    ("v=1&proto=election-tree&n=15&seed=1&topo=tree&p.ids=ascending&p.initiators=leaves&act=0:crash:1", 1_500, 0xc37ddee14bd94e31),
    ("v=1&proto=election-tree&n=15&seed=1&topo=tree&p.ids=ascending&p.initiators=none&act=0:input:0:start", 1_500, 0xff4f64e511830ba8),
    ("v=1&proto=clocks-lamport", 1_500, 0x07464c1aeb47fdd2),
    ("v=1&proto=clocks-lamport&n=3&seed=4&p.actions=4&p.every=250&p.send=60", 1_500, 0xe6c7670e6021e851),
    ("v=1&proto=clocks-lamport&n=3&seed=2&p.actions=5&p.every=150&p.send=30", 1_500, 0xc6c13c045227d28d),
    ("v=1&proto=clocks-lamport&n=3&seed=7&p.actions=4&p.every=200&p.send=40", 1_500, 0x6d9331eb97ac5626),
    ("v=1&proto=clocks-vector", 1_500, 0x2397fb5efd17f26e),
    ("v=1&proto=clocks-vector&n=3&seed=4&p.actions=4&p.every=250&p.send=60", 1_500, 0x868ca41408c44681),
    ("v=1&proto=clocks-vector&n=4&seed=2&p.actions=5&p.every=150&p.send=30", 1_500, 0x4691f3c98955532c),
    ("v=1&proto=clocks-vector&n=3&seed=11&dup=25&p.actions=4&p.every=120&p.send=80", 1_500, 0x76ab895a4f781292),
    ("v=1&proto=snapshot", 1_500, 0x35ae2b8a08dedfe1),
    ("v=1&proto=snapshot&n=3&seed=1&p.money=100&p.payments=6&p.every=100&p.at=250", 1_500, 0x35ae2b8a08dedfe1),
    ("v=1&proto=snapshot&n=4&seed=2&p.payments=6&p.every=100&p.at=250&act=mark.record.n0:input:3:snapshot", 1_500, 0xd72c2d1d4eea6498),
    ("v=1&proto=snapshot&n=3&seed=13&delay=20-400&fifo=0&p.payments=10&p.every=40&p.at=200", 1_500, 0xcdf9a0cdfa68660c),
    ("v=1&proto=multicast-fifo", 1_500, 0x3a2b8b0499a90e36),
    ("v=1&proto=multicast-fifo&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:0:multicast,0:input:0:multicast,0:delay:0:300", 1_500, 0x4d4392410d1e9933),
    ("v=1&proto=multicast-fifo&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-2:400-400/0,0:input:0:multicast,mark.deliver.n1:input:1:multicast", 1_500, 0xa9c725faa542f495),
    ("v=1&proto=multicast-fifo&n=4&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-3:300-300/0,0:link:1-2:300-300/0,0:input:0:multicast,0:input:1:multicast", 1_500, 0x002cdac917393731),
    ("v=1&proto=multicast-causal", 1_500, 0x3a2b8b0499a90e36),
    ("v=1&proto=multicast-causal&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-2:400-400/0,0:input:0:multicast,mark.deliver.n1:input:1:multicast", 1_500, 0x31bb093b9b2cb37f),
    ("v=1&proto=multicast-causal&n=4&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-3:300-300/0,0:link:1-2:300-300/0,0:input:0:multicast,0:input:1:multicast", 1_500, 0x002cdac917393731),
    ("v=1&proto=multicast-total", 1_500, 0xc0590d1cb7b12c97),
    ("v=1&proto=multicast-total&n=4&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-3:300-300/0,0:input:0:multicast,0:input:1:multicast,0:input:2:multicast,0:input:3:multicast", 1_500, 0x357fdce65f424032),
    ("v=1&proto=multicast-total&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:1:multicast,0:input:1:multicast,0:delay:0:300", 1_500, 0x6cefaf6d45929901),
    ("v=1&proto=multicast-total&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:1:multicast,mark.deliver.n2:crash:0,mark.deliver.n2:input:2:multicast", 1_500, 0xb5dc389a0ca7358f),
    ("v=1&proto=multicast-hybrid", 1_500, 0xc0590d1cb7b12c97),
    ("v=1&proto=multicast-hybrid&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:1:multicast,0:input:1:multicast,0:delay:0:300", 1_500, 0x33df302f1349b8ae),
    ("v=1&proto=multicast-hybrid&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:0:multicast,0:delay:1:300,mark.deliver.n1:input:1:multicast", 1_500, 0x6d12849a4d51faec),
    ("v=1&proto=commit-2pc", 1_500, 0x8ca0af43838d4fc4),
    ("v=1&proto=commit-2pc&n=4&seed=1", 1_500, 0x8ca0af43838d4fc4),
    ("v=1&proto=commit-2pc&n=4&seed=1&p.no_vote=2", 1_500, 0x7c1e4a17f0c1a21d),
    ("v=1&proto=commit-2pc&n=4&seed=1&act=send.prepare.n0.2:crash:0", 1_500, 0xfb7c89910629715c),
    ("v=1&proto=commit-3pc", 1_500, 0xe8b628baf68b54d2),
    ("v=1&proto=commit-3pc&n=4&seed=1", 1_500, 0xe8b628baf68b54d2),
    ("v=1&proto=commit-3pc&n=4&seed=1&p.no_vote=2", 1_500, 0xa64ab1e9621791b9),
    ("v=1&proto=commit-3pc&n=4&seed=1&act=send.cancommit.n0.2:crash:0", 1_500, 0xc6a9af6815f6303e),
    ("v=1&proto=commit-3pc&n=4&seed=1&act=send.precommit.n0.1:partition:0.1/2.3", 1_500, 0x288fda6cca076ae3),
    ("v=1&proto=paxos", 1_500, 0x7c74a3e022e8c89e),
    ("v=1&proto=paxos&n=9&seed=1&p.proposers=1&p.acceptors=5&p.learners=3", 1_500, 0x432c09b310fb07ba),
    ("v=1&proto=paxos&n=9&seed=1&p.proposers=1&p.acceptors=5&p.learners=3&p.learning=distinguished", 1_500, 0x506482a9a2300df5),
    ("v=1&proto=paxos&n=9&seed=1&p.proposers=1&p.acceptors=5&p.learners=3&p.learning=set&p.set_size=2", 1_500, 0x98f21f4efebb2ddf),
    ("v=1&proto=paxos&n=6&seed=1&p.proposers=2&p.acceptors=3&p.learners=1&p.gap=400&p.jitter=0", 1_500, 0x374c063b72b42f34),
    ("v=1&proto=paxos&n=8&seed=0&p.proposers=2&p.acceptors=5&p.learners=1&p.backoff=none&p.jitter=0&p.max_rounds=8&p.patience=1000", 1_500, 0x6006dbb1f3ad1408),
    ("v=1&proto=paxos&n=8&seed=0&p.proposers=2&p.acceptors=5&p.learners=1&p.backoff=none&p.jitter=0&p.max_rounds=8&p.distinguished=true", 1_500, 0xf62f72b3e2aaee01),
    ("v=1&proto=paxos&n=7&seed=1&p.proposers=1&p.acceptors=5&p.learners=1&act=0:crash:4,0:crash:5", 1_500, 0xde21181fe620372e),
    ("v=1&proto=paxos&n=7&seed=1&p.proposers=1&p.acceptors=5&p.learners=1&act=0:crash:3,0:crash:4,0:crash:5", 1_500, 0x91051fcf973563f5),
    ("v=1&proto=raft", 1_500, 0xc08f946d6d53ba0e),
    ("v=1&proto=raft&n=5&seed=10&p.every=0", 1_500, 0x09c34bc2681be646),
    ("v=1&proto=raft&n=4&seed=1&p.every=0", 1_500, 0xb2e18c57416760db),
    ("v=1&proto=raft&n=5&seed=10&act=mark.commit.n4.5:crash:4,mark.commit.12:recover:4", 1_500, 0x46fdb1cc22e83f8d),
    ("v=1&proto=raft&n=5&seed=10&act=mark.commit.n4.3:crash:1,mark.commit.15:recover:1", 1_500, 0xb8313f7e27ca6e24),
    ("v=1&proto=raft&n=5&seed=10&act=mark.commit.n4.3:partition:3.4/0.1.2,mark.commit.10:heal", 1_500, 0xda1cd865db1b287b),
    ("v=1&proto=raft&n=7&seed=1", 1_500, 0xb3407913779395bc),
    ("v=1&proto=raft&n=9&seed=1", 1_500, 0x1a6391ba373a921c),
    ("v=1&proto=heartbeat", 1_500, 0x68e462e857d87e3b),
    ("v=1&proto=heartbeat&n=6&seed=2", 1_500, 0x4c115babdf259a68),
    ("v=1&proto=heartbeat&n=6&seed=1&act=mark.beat.n0.40:crash:3", 1_500, 0x221366ff842dee9e),
    ("v=1&proto=heartbeat&n=6&seed=1&act=0:delays:0-3:spike=20/360", 1_500, 0x410bee9a51b85f9b),
    ("v=1&proto=heartbeat&n=6&seed=1&p.phi=2&act=0:delays:0-3:spike=20/360", 1_500, 0x28cd47f4370b0401),
    ("v=1&proto=consistent-hashing", 1_500, 0xd42c7af10659a968),
    ("v=1&proto=consistent-hashing&n=12&seed=1&p.requests=0&act=0:input:0:get=7", 1_500, 0xfb7dca8a30e9325e),
    ("v=1&proto=consistent-hashing&n=11&seed=1&p.r=2&p.requests=0&act=0@100:crash:1,0@100:input:0:get=13", 1_500, 0x110b33aecb5db698),
    ("v=1&proto=consistent-hashing&n=12&seed=1&p.r=2&p.requests=0&act=0@100:recover:11", 1_500, 0x06f28014d894d852),
    ("v=1&proto=consistent-hashing&n=10&seed=1&p.servers=8&p.keys=800&p.vnodes=16&p.requests=0&act=0@100:recover:9", 1_500, 0xf57bb1d068f43b27),
    ("v=1&proto=consistent-hashing&n=11&seed=1&p.requests=0&act=0@100:crash:1,0@100:input:0:get=13", 1_500, 0x2a4ccbc2789f5216),
    // Runs that lean on the network's randomness (drops, duplicates, reordering).
    ("v=1&proto=mutex-token-ring&n=5&seed=3&delay=1-100&drop=2&dup=3&fifo=0&act=4:crash:2,40@900:recover:2", 1_500, 0xb76722b0c1474f74),
    ("v=1&proto=election-ring&n=12&seed=9&p.ids=random&p.initiators=all&delay=1-90&fifo=0", 5_000, 0x2b5c06813a5d0bf9),
    ("v=1&proto=clocks-vector&n=5&seed=5&delay=1-300&dup=10&p.actions=30", 3_000, 0xbf9a3145bb74ea59),
];

/// The runs the registry asks for: every protocol's default run and every ready-made
/// scenario of every protocol, each for `STEPS` steps.
fn registry_runs() -> Vec<String> {
    let mut out = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        out.push(format!("v=1&proto={}", info.id));
        out.extend(info.scenarios.iter().map(|ready| ready.fragment.to_string()));
    }
    out
}

/// A row of `PINNED`, as it is written there.
fn row(fragment: &str, steps: u64, digest: u64) -> String {
    let steps = steps.to_string();
    let mut grouped = String::new();
    for (i, c) in steps.chars().enumerate() {
        if i > 0 && (steps.len() - i) % 3 == 0 {
            grouped.push('_');
        }
        grouped.push(c);
    }
    format!("    ({fragment:?}, {grouped}, {digest:#018x}),")
}

fn digest(fragment: &str, steps: u64) -> u64 {
    let scenario = Scenario::parse_strict(fragment, REGISTRY).unwrap_or_else(|e| panic!("{fragment}: {e:?}"));
    let start = scenario.start(REGISTRY).unwrap_or_else(|e| panic!("{fragment} does not start: {e:?}"));
    let mut history = History::new(start, scenario.acts.clone());
    history.seek(steps);
    history.sim().trace().hash()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn runs_are_identical_on_every_target() {
    // A run is pinned once: a second row could disagree with the first unnoticed.
    for (i, (fragment, steps, _)) in PINNED.iter().enumerate() {
        assert!(
            !PINNED[..i].iter().any(|(f, s, _)| f == fragment && s == steps),
            "{fragment} at {steps} steps is pinned twice"
        );
    }
    let registry = registry_runs();
    let pinned = |fragment: &str, steps: u64| PINNED.iter().any(|(f, s, _)| *f == fragment && *s == steps);

    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("DSVIZ_PRINT_DIGESTS").is_some() {
        // The whole table, in the order it is written: the registry runs, then the rest.
        for fragment in &registry {
            println!("{}", row(fragment, STEPS, digest(fragment, STEPS)));
        }
        println!("    // Runs that lean on the network's randomness (drops, duplicates, reordering).");
        for &(fragment, steps, _) in PINNED {
            if !(steps == STEPS && registry.iter().any(|f| f == fragment)) {
                println!("{}", row(fragment, steps, digest(fragment, steps)));
            }
        }
    }

    // Every protocol's default run and every ready-made scenario is pinned; a missing
    // one is named with the row to paste into `PINNED`.
    let missing: Vec<String> = registry
        .iter()
        .filter(|fragment| !pinned(fragment, STEPS))
        .map(|fragment| row(fragment, STEPS, digest(fragment, STEPS)))
        .collect();
    assert!(missing.is_empty(), "registry runs with no pinned digest; add these rows to PINNED:\n{}", missing.join("\n"));

    let mut wrong = Vec::new();
    for &(fragment, steps, want) in PINNED {
        let got = digest(fragment, steps);
        if got != want {
            wrong.push(format!("{fragment} at {steps} steps: digest {got:#018x}, pinned {want:#018x}"));
        }
        // The language a link was shared in is a viewing matter: the run is the same.
        for lang in ["zh", "en"] {
            let in_lang = digest(&format!("{fragment}&lang={lang}"), steps);
            if in_lang != got {
                wrong.push(format!("{fragment}&lang={lang} at {steps} steps: digest {in_lang:#018x}, {got:#018x} without lang"));
            }
        }
    }
    assert!(wrong.is_empty(), "runs that differ from their pinned digest:\n{}", wrong.join("\n"));
}
