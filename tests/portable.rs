//! The same scenario gives the same run natively and in the browser, bit for bit: these
//! digests were taken from a native run and are checked on both targets (natively by
//! `cargo test`, in headless Chrome by `wasm-pack test`). Every ready-made scenario of
//! every protocol is here, plus runs that lean on the network's randomness.
//!
//! `DSVIZ_PRINT_DIGESTS=1 cargo test --test portable -- --nocapture` prints the table
//! (only when the URL format's version changes may the pinned values change).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use dsviz::protocols::REGISTRY;
use dsviz::sim::{History, Scenario};

/// Steps to run each ready-made scenario for.
const STEPS: u64 = 1_500;

/// Extra runs: (scenario, steps).
const EXTRA: &[(&str, u64)] = &[
    ("v=1&proto=mutex-token-ring&n=5&seed=3&delay=1-100&drop=2&dup=3&fifo=0&act=4:crash:2,40@900:recover:2", 1_500),
    ("v=1&proto=election-ring&n=12&seed=9&p.ids=random&p.initiators=all&delay=1-90&fifo=0", 5_000),
    ("v=1&proto=clocks-vector&n=5&seed=5&delay=1-300&dup=10&p.actions=30", 3_000),
];

/// Digests in the order of `runs()`.
const DIGESTS: &[u64] = &[
    0xfeab2b4536319096,
    0x5fb2ea8c0c324d61,
    0xd9a83d4c2351cb2e,
    0x08db99dfd4eb8153,
    0xee8d141d5abd7d4b,
    0xcfb0f31981aea0ff,
    0x32433dc829195c25,
    0xaadbf93c969b5d09,
    0xc6734f0a44b02229,
    0x5996af1bb896c2b6,
    0x3aca01d9290ef39e,
    0xa2f28b09d654a6f3,
    0x334296f6f78a014b,
    0xd93c3207146e66f8,
    0x19f88b08bbd6fe65,
    0x45fe332dc9a7190a,
    0x9a987d7e4d63e6cc,
    0x31bbe3540bc1b092,
    0x154f9431b7a9217c,
    0x7ca100151b22f8b6,
    0x7ca100151b22f8b6,
    0x25dbc702bc826635,
    0x8a5964c51bff6e41,
    0x9b92b15ac4e43561,
    0x3a895cdbb22dc2f9,
    0xdb2f4d0d1479029c,
    0xe96d31ed009023e0,
    0xfbd99cacfc16f65f,
    0xffadd6e35088f234,
    0x7a1133eccd601e02,
    0xb337b37ba676cc00,
    0xb337b37ba676cc00,
    0x544d9e1ad98a91fb,
    0x072d1870271aa7df,
    0xd2e22395fe057475,
    0xcb368be7a3479573,
    0xd2e22395fe057475,
    0xab0ae4da59bccf3b,
    0x1b3e41ddec403a12,
    0x1b3e41ddec403a12,
    0x6b11faf04393264a,
    0xcfc35ba17feb4454,
    0xc37ddee14bd94e31,
    0xff4f64e511830ba8,
    0x07464c1aeb47fdd2,
    0xe6c7670e6021e851,
    0xc6c13c045227d28d,
    0x6d9331eb97ac5626,
    0x2397fb5efd17f26e,
    0x868ca41408c44681,
    0x4691f3c98955532c,
    0x76ab895a4f781292,
    0x35ae2b8a08dedfe1,
    0x35ae2b8a08dedfe1,
    0xd72c2d1d4eea6498,
    0xcdf9a0cdfa68660c,
    0x3a2b8b0499a90e36,
    0x4d4392410d1e9933,
    0xa9c725faa542f495,
    0x002cdac917393731,
    0x3a2b8b0499a90e36,
    0x31bb093b9b2cb37f,
    0x002cdac917393731,
    0xc0590d1cb7b12c97,
    0x357fdce65f424032,
    0x6cefaf6d45929901,
    0xb5dc389a0ca7358f,
    0xc0590d1cb7b12c97,
    0x33df302f1349b8ae,
    0x6d12849a4d51faec,
    0x8ca0af43838d4fc4,
    0x8ca0af43838d4fc4,
    0x7c1e4a17f0c1a21d,
    0xfb7c89910629715c,
    0xe8b628baf68b54d2,
    0xe8b628baf68b54d2,
    0xa64ab1e9621791b9,
    0xc6a9af6815f6303e,
    0x288fda6cca076ae3,
    0x7c74a3e022e8c89e,
    0x432c09b310fb07ba,
    0x506482a9a2300df5,
    0x98f21f4efebb2ddf,
    0x374c063b72b42f34,
    0x6006dbb1f3ad1408,
    0xf62f72b3e2aaee01,
    0xde21181fe620372e,
    0x91051fcf973563f5,
    0xc08f946d6d53ba0e,
    0x09c34bc2681be646,
    0xb2e18c57416760db,
    0x46fdb1cc22e83f8d,
    0xb8313f7e27ca6e24,
    0xda1cd865db1b287b,
    0xb3407913779395bc,
    0x1a6391ba373a921c,
    0xb76722b0c1474f74,
    0x2b5c06813a5d0bf9,
    0xbf9a3145bb74ea59,
];

fn runs() -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        out.push((format!("v=1&proto={}", info.id), STEPS));
        for ready in info.scenarios {
            out.push((ready.fragment.to_string(), STEPS));
        }
    }
    out.extend(EXTRA.iter().map(|(f, s)| (f.to_string(), *s)));
    out
}

fn digest(fragment: &str, steps: u64) -> u64 {
    let scenario = Scenario::parse_strict(fragment, REGISTRY).expect("a valid scenario");
    let mut history = History::new(scenario.start(REGISTRY).expect("starts"), scenario.acts.clone());
    history.seek(steps);
    history.sim().trace().hash()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn runs_are_identical_on_every_target() {
    let runs = runs();
    let got: Vec<u64> = runs.iter().map(|(f, s)| digest(f, *s)).collect();
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("DSVIZ_PRINT_DIGESTS").is_some() {
        for (d, (f, _)) in got.iter().zip(&runs) {
            println!("    {d:#018x}, // {f}");
        }
    }
    assert_eq!(got.len(), DIGESTS.len(), "every protocol and every ready-made scenario has a pinned digest");
    // The language a link was shared in is a viewing matter: the run is the same.
    for ((fragment, steps), want) in runs.iter().zip(DIGESTS) {
        for lang in ["zh", "en"] {
            assert_eq!(digest(&format!("{fragment}&lang={lang}"), *steps), *want, "{fragment} in {lang}");
        }
    }
    for ((fragment, _), (got, want)) in runs.iter().zip(got.iter().zip(DIGESTS)) {
        assert_eq!(got, want, "{fragment}: digest {got:#018x}");
    }
}
