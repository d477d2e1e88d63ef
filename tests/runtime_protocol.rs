//! A protocol described at runtime is an ordinary protocol: built from owned text (as a
//! file or a student's script would give it), put in the list beside the compiled ones,
//! it is found by a link, takes its parameters and inputs, runs, speaks its own words and
//! replays the same run from the same link.

use dsviz::sim::symbols::{intern, keep, list, words};
use dsviz::sim::*;
use dsviz::words::{Dictionary, Lang};

/// One Rust type serving any number of runtime descriptions: every node answers each
/// `Shout` with an `Echo`, and a `shout` input makes a node shout to all others.
struct Echo {
    info: ProtocolInfo,
    rounds: i64,
}

#[derive(Clone, Debug, Hash)]
enum Msg {
    Shout(i64),
    Echo,
}

impl Protocol for Echo {
    type State = u32;
    type Msg = Msg;
    type Timer = NoTimer;
    type Stats = ();

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("echo-template", keep(Family { id: "runtime", words: &[], compare: &[] }), (2, 16, 3))
    }
    fn describe(&self) -> ProtocolInfo {
        self.info.clone()
    }
    fn build(_: &Setup) -> Result<Self, String> {
        unreachable!("a runtime entry builds its instances itself")
    }
    fn init(&self, _: NodeId, _: &mut Ctx<Self>) -> u32 {
        0
    }
    fn on_message(&self, _: NodeId, heard: &mut u32, from: NodeId, m: Msg, ctx: &mut Ctx<Self>) {
        *heard += 1;
        if let Msg::Shout(round) = m {
            ctx.send(from, Msg::Echo);
            if round + 1 < self.rounds {
                ctx.broadcast(Msg::Shout(round + 1));
            }
        }
    }
    fn on_input(&self, _: NodeId, _: &mut u32, input: &Input, ctx: &mut Ctx<Self>) {
        if input.id == "shout" {
            ctx.broadcast(Msg::Shout(0));
        }
    }
    fn view(&self, _: NodeId, heard: &u32) -> NodeView {
        NodeView::new("node", Tone::Idle).badge(*heard)
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        Vec::new()
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        Vec::new()
    }
}

/// The description as a loader would make it: every name and word is a `String` first.
fn described(name: String) -> ProtocolInfo {
    let id = intern(&name);
    let fragment = format!("v=1&proto={name}&n=4&seed=7&p.rounds=2&act=0:input:1:shout");
    let family = keep(Family { id: intern("runtime"), words: words([("family.runtime".into(), "Written at runtime".into(), "运行时编写".into())]), compare: &[] });
    ProtocolInfo::new(id, family, (2, 16, 3))
        .params(vec![ParamSpec::int(intern("rounds"), 1, 5, 1).short(intern("rounds"), intern("轮数"))])
        .inputs(list(vec![InputSpec::plain(intern("shout"))]))
        .scenarios(list(vec![ReadyScenario { id: intern("two-rounds"), fragment: intern(&fragment) }]))
        .words(words([
            ("name".into(), format!("Echo {name}"), "回声".into()),
            ("msg.shout".into(), "shout".into(), "喊话".into()),
            ("msg.echo".into(), "echo".into(), "回声".into()),
        ]))
}

fn entry(name: &str) -> ProtocolEntry {
    let info = described(name.to_string());
    let made = info.clone();
    ProtocolEntry::runtime(info, move |setup, network, seed, anchored| {
        let rounds = setup.params.int("rounds");
        Ok(Box::new(Engine::with_anchors(Echo { info: made.clone(), rounds }, setup, network, seed, anchored)) as Box<dyn Simulation>)
    })
}

fn run(fragment: &str, registry: &[ProtocolEntry]) -> History {
    let s = Scenario::parse_strict(fragment, registry).unwrap_or_else(|e| panic!("{e:?}"));
    let mut h = History::new(s.start(registry).unwrap(), s.acts.clone());
    while h.forward() {}
    h
}

#[test]
fn a_runtime_description_runs_from_a_link_like_a_compiled_one() {
    let mut registry: Vec<ProtocolEntry> = dsviz::protocols::REGISTRY.to_vec();
    registry.push(entry("echo-4"));
    let ready = registry.last().unwrap().info().scenarios[0].fragment;
    let h = run(ready, &registry);
    let sim = h.sim();
    assert_eq!(sim.info().id, "echo-4", "the run knows its own description");
    // Node 1 shouts to 3 nodes (round 0); each shouts again to 3 (round 1); every shout is echoed.
    let shouts = sim.trace().messages().iter().filter(|m| m.kind == "shout").count();
    let echoes = sim.trace().messages().iter().filter(|m| m.kind == "echo").count();
    assert_eq!((shouts, echoes), (3 + 3 * 3, 3 + 3 * 3));
    // Its words come from the description, in both languages, layered over its family's.
    let d = Dictionary::for_protocol(Lang::Zh, &sim.info(), &[]);
    assert_eq!((d.word("msg.shout"), d.id("family", "runtime"), d.word("name")), ("喊话".to_string(), "运行时编写".to_string(), "回声".to_string()));
    // The same link replays the same run.
    assert_eq!(run(ready, &registry).sim().trace().hash(), sim.trace().hash());
}

#[test]
fn a_runtime_description_is_checked_like_a_compiled_one() {
    let mut registry: Vec<ProtocolEntry> = dsviz::protocols::REGISTRY.to_vec();
    registry.push(entry("echo-5"));
    let errors = Scenario::parse_strict("v=1&proto=echo-5&p.rounds=9", &registry).unwrap_err();
    assert!(errors.iter().any(|e| e.key == "p.rounds"), "the declared range is enforced: {errors:?}");
    let s = Scenario::parse_strict("v=1&proto=echo-5&n=3", &registry).unwrap();
    let sim = s.start(&registry).unwrap();
    assert!(sim.validate(&Act::Input(0, "shout".into(), None)).is_ok(), "an input declared at runtime is accepted");
    assert!(sim.validate(&Act::Input(0, "whisper".into(), None)).is_err(), "an undeclared one is not");
    // Without the entry the link names no known protocol.
    assert!(Scenario::parse_strict("v=1&proto=echo-5", dsviz::protocols::REGISTRY).is_err());
}
