//! # Hybrid-ordered multicast: a sequencer that respects FIFO and causal order
//!
//! As with the plain sequencer, every multicast goes to the sequencer (node 0), which
//! numbers it and sends it to every other member, and members deliver in number order:
//! total order. The difference is what travels with a submission and what the sequencer
//! does with it. The sender's counter (this is its k-th multicast) and its vector of
//! delivered counts ride along, and the sequencer numbers a submission only when that is
//! consistent with what it has numbered so far, by the causal rule applied to its own
//! book: it must be the sender's next message (counter = numbered from that sender + 1),
//! and every message the sender had delivered must already be numbered. A submission that
//! arrives too early waits in the sequencer's unnumbered queue, and the picture says what
//! it waits for. So the one global sequence is also a FIFO and a causal order, and every
//! member delivering along it gets all three.
//!
//! In this model the vector check never has to wait: a member can only have delivered
//! messages that were already numbered. The counter check does the work, when links
//! reorder a sender's submissions on the way to the sequencer. The causal guarantee comes
//! from the two together: an answer is written after its question was delivered, hence
//! numbered, so the answer's number is larger.
//!
//! Cost: as the plain sequencer, N messages per multicast (N-1 when the sequencer
//! multicasts), each a little larger (a counter and a vector of N counters), and an early
//! submission also waits at the sequencer. Assumptions: reliable links (a lost
//! submission blocks all its sender's later ones) and a live sequencer (a single point of
//! failure, as in the plain sequencer ordering).

use super::multicast::{causal_ready, global_ready, Data, Member, Multicast, Order, Wait};
use crate::sim::protocol::*;
use crate::words::{w, Words};

pub struct Hybrid;
pub type HybridMulticast = Multicast<Hybrid>;

impl Order for Hybrid {
    const ID: &'static str = "multicast-hybrid";
    const WORDS: Words = WORDS;
    const SCENARIOS: &'static [ReadyScenario] = &[
        ReadyScenario { id: "fifo-kept", fragment: "v=1&proto=multicast-hybrid&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:1:multicast,0:input:1:multicast,0:delay:0:300" },
        ReadyScenario { id: "causal-kept", fragment: "v=1&proto=multicast-hybrid&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:0:multicast,0:delay:1:300,mark.deliver.n1:input:1:multicast" },
    ];
    const SEQUENCED: bool = true;
    const PROMISES: &'static [&'static str] = &["fifo", "causal", "total"];

    fn ready(member: &Member, d: &Data) -> Result<(), Wait> {
        global_ready(member.next_global, d)
    }

    fn numberable(numbered_prefix: &[u64], d: &Data) -> Result<(), Wait> {
        causal_ready(numbered_prefix, d)
    }
}

const WORDS: Words = &[
    w("name", "Hybrid-ordered multicast", "混合排序组播"),
    w(
        "summary",
        "A sequencer numbers every multicast and members deliver in number order, as in total order; but each submission carries its sender's counter and vector, and the sequencer numbers it only after everything before it, so the one order is also FIFO and causal.",
        "与全排序一样，定序者为每条组播编号，成员按序号交付；但每条提交都携带发送者的计数器和向量，定序者只在它之前的消息都已编号后才给它编号，因此这唯一的顺序同时也是 FIFO 序和因果序。",
    ),
    w("inv.fifo.about", "Promised here: the sequencer numbers each sender's messages in its counter's order, so everyone delivers them in sending order.", "本协议保证：定序者按发送者计数器的顺序编号，因此所有成员按发送顺序交付。"),
    w("inv.causal.about", "Promised here: a message is numbered, and so delivered, only after every message that happened before it.", "本协议保证：一条消息只在所有因果先于它的消息之后才被编号，因而也在它们之后交付。"),
    w("inv.total.about", "Promised here: all members deliver in the sequencer's order.", "本协议保证：所有成员都按定序者的顺序交付。"),
    w("scenario.fifo-kept", "The sequencer waits for the first message", "定序者等待第一条消息"),
    w(
        "scenario.fifo-kept.about",
        "The run that breaks the plain sequencer: node 1 multicasts twice and its first submission is held up, so m1.2 reaches the sequencer first. Its counter says 2 while the sequencer has numbered none of node 1's messages, so it waits in the sequencer's unnumbered queue (see \"why held\": it waits for m1.1). When m1.1 arrives the sequencer numbers it #1 and m1.2 #2, and everyone delivers them in order. No monitor fires.",
        "这是让普通定序者出错的运行：节点 1 连续组播两次，它的第一条提交被耽搁，于是 m1.2 先到达定序者。它的计数器是 2，而定序者还没有给节点 1 的任何消息编号，于是它在定序者的未编号队列中等待（见“保留原因”：它在等 m1.1）。m1.1 到达后，定序者把它编为 #1，把 m1.2 编为 #2，所有成员按顺序交付。没有监视器报警。",
    ),
    w("scenario.causal-kept", "The answer waits for its number", "回复等待它的序号"),
    w(
        "scenario.causal-kept.about",
        "The run that breaks FIFO multicast: the sequencer (node 0) multicasts m0.1 as #1 and its copy to node 2 is held up in the network. Node 1 delivers it at tick 43 and answers with m1.1, which reaches the sequencer at tick 88. Node 1 could only answer after delivering #1, so the sequencer has nothing to wait for and numbers the answer #2 at once. Node 2 receives #2 at tick 157, long before #1, and holds it back (\"why held\": it waits for global number 1); at tick 367 it delivers the question, then the answer. No monitor fires.",
        "这是让 FIFO 组播出错的运行：定序者（节点 0）组播 m0.1 并编为 #1，它发往节点 2 的副本在网络中被耽搁。节点 1 在时刻 43 交付它并回复 m1.1，回复在时刻 88 到达定序者。节点 1 只有交付了 #1 之后才能回复，因此定序者无须等待，立即把回复编为 #2。节点 2 在时刻 157 就收到了 #2，远早于 #1，于是保留它（“保留原因”：须先交付全局序号 1）；时刻 367 它先交付问题，再交付回复。没有监视器报警。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clocks::multicast::testing::*;
    use crate::sim::kit;

    #[test]
    fn all_three_orders_are_kept() {
        promised_orders_hold_over_many_seeds::<Hybrid>();
    }

    #[test]
    fn scenarios_show_what_they_say() {
        let h = kit::ready::<HybridMulticast>("fifo-kept");
        assert_eq!(broken(&h), Vec::<&str>::new());
        let t = h.sim().trace();
        let notes: Vec<String> = t.events().iter().filter(|e| e.node == Some(0)).flat_map(|e| t.notes_of(e.id)).map(|n| n.en(&[])).collect();
        assert!(notes.iter().any(|n| n.contains("keeps m1.2 aside unnumbered: waits for m1.1")), "the sequencer kept m1.2 aside: {notes:?}");
        // Back to tick 100: m1.2 sits in the sequencer's unnumbered queue, and says why.
        let mut h = h;
        h.seek(0);
        h.run_until(100, 1_000);
        let seq = &h.sim().node_views()[0];
        let row = seq.rows.iter().find(|r| r.label == "unnumbered").unwrap();
        assert_eq!(row.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), vec!["m1.2"]);
        let why = seq.details.iter().find(|d| d.0 == "waiting").unwrap().1.en(&[]);
        assert_eq!(why, "m1.2 (unnumbered) waits for m1.1, sent before it");
        let h = kit::ready::<HybridMulticast>("causal-kept");
        assert_eq!(broken(&h), Vec::<&str>::new());
        assert!(held_at_some_point(&h, 2), "node 2 held #2 back");
    }
}
