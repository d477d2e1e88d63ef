//! The same scenario gives the same run natively and in the browser, bit for bit: these
//! digests were taken from a native run and are checked on both targets (natively by
//! `cargo test`, in headless Chrome by `wasm-pack test`).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use dsviz::protocols::REGISTRY;
use dsviz::sim::{History, Scenario};

/// (scenario, steps to run, trace digest).
const RUNS: &[(&str, u64, u64)] = &[
    ("v=1&proto=mutex-token-ring&n=6&seed=7&p.cs=120&p.requests=400", 2_000, 0x5f5a5a90c34a5097),
    ("v=1&proto=mutex-token-ring&n=5&seed=3&delay=1-100&drop=2&dup=3&fifo=0&act=4:crash:2,40@900:recover:2", 1_500, 0xa65641dc31347014),
    ("v=1&proto=election-ring&n=12&seed=9&p.ids=random&p.initiators=all&delay=1-90&fifo=0", 5_000, 0x474ca5ef7c3a3330),
];

fn digest(fragment: &str, steps: u64) -> u64 {
    let scenario = Scenario::parse_strict(fragment, REGISTRY).expect("a valid scenario");
    let mut history = History::new(scenario.start(REGISTRY).expect("starts"), scenario.acts.clone());
    history.seek(steps);
    history.sim().trace().hash()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn runs_are_identical_on_every_target() {
    for (fragment, steps, expected) in RUNS {
        let got = digest(fragment, *steps);
        assert_eq!(got, *expected, "{fragment}: digest {got:#018x}");
    }
}
