//! # Totally-ordered multicast with a sequencer
//!
//! One member, the sequencer (node 0), hands out global sequence numbers. A member that
//! multicasts sends its message to the sequencer only; the sequencer gives it the next
//! number and sends it, numbered, to every other member (the origin included, which has
//! been holding its own message back waiting for that number). Every member delivers in
//! number order: #1, #2, #3, ..., holding back any number that arrives early. Since all
//! follow the one sequence, any two members deliver any two messages in the same order.
//!
//! What it does not promise: the sequencer numbers submissions in the order they
//! *arrive*. Links here need not be FIFO, so a member's second message can reach the
//! sequencer before its first and be numbered first: everybody then delivers the two the
//! wrong way round, all in agreement. FIFO order breaks, and with it causal order (one
//! sender's earlier message happened before its later one). The hybrid ordering fixes
//! that by letting the sequencer sort by the sender's counter and vector.
//!
//! Cost: N messages per multicast (one to the sequencer, N-1 numbered copies), N-1 when
//! the sequencer multicasts itself; every message waits for a trip through the
//! sequencer, which also carries the whole group's load. Assumptions: reliable links and
//! a live sequencer. It is a single point of failure: once it crashes no message is ever
//! numbered again, and every later multicast waits forever (the stall detector reports
//! it, with the reason: waiting for the sequencer's number).

use super::multicast::{global_ready, Data, Member, Multicast, Order, Wait};
use crate::sim::protocol::*;
use crate::words::{w, Words};

pub struct Total;
pub type TotalMulticast = Multicast<Total>;

impl Order for Total {
    const ID: &'static str = "multicast-total";
    const WORDS: Words = WORDS;
    const SCENARIOS: &'static [ReadyScenario] = &[
        ReadyScenario { id: "sequenced", fragment: "v=1&proto=multicast-total&n=4&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-3:300-300/0,0:input:0:multicast,0:input:1:multicast,0:input:2:multicast,0:input:3:multicast" },
        ReadyScenario { id: "fifo-broken", fragment: "v=1&proto=multicast-total&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:1:multicast,0:input:1:multicast,0:delay:0:300" },
        ReadyScenario { id: "sequencer-crash", fragment: "v=1&proto=multicast-total&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:1:multicast,mark.deliver.n2:crash:0,mark.deliver.n2:input:2:multicast" },
    ];
    const SEQUENCED: bool = true;
    const PROMISES: &'static [&'static str] = &["total"];

    fn ready(member: &Member, d: &Data) -> Result<(), Wait> {
        global_ready(member.next_global, d)
    }
}

const WORDS: Words = &[
    w("name", "Totally-ordered multicast (sequencer)", "全排序组播（定序者）"),
    w(
        "summary",
        "Every multicast goes to a sequencer first, which numbers it and sends it to everyone; members deliver in number order, so all deliver in the same order. The sequencer numbers in arrival order, so one sender's messages can be swapped, and if it crashes nothing is delivered again.",
        "每条组播先发给定序者，由它编号后发给所有成员；成员按序号交付，因此所有成员的交付顺序相同。定序者按到达顺序编号，同一发送者的消息可能被颠倒；定序者一旦崩溃，就再也没有消息能被交付。",
    ),
    w("inv.fifo.about", "Not promised by sequencer multicast: the sequencer numbers in arrival order, so a sender's later message can be numbered, and delivered everywhere, first.", "定序者组播不保证：定序者按到达顺序编号，发送者后发的消息可能先被编号，并在所有成员处先交付。"),
    w("inv.causal.about", "Not promised by sequencer multicast: a message can be numbered before one that happened before it.", "定序者组播不保证：一条消息可能比因果先于它的消息更早被编号。"),
    w("inv.total.about", "Promised here: all members deliver in the sequencer's order, so any two deliver any two messages in the same order.", "本协议保证：所有成员都按定序者的顺序交付，任意两个成员对任意两条消息的交付顺序相同。"),
    w("scenario.sequenced", "Everyone follows the sequencer", "所有成员都遵循定序者"),
    w(
        "scenario.sequenced.about",
        "All four members multicast at tick 0; node 3's link to the sequencer (node 0) takes 300 ticks. The sequencer numbers messages as they reach it: its own m0.1 #1, m1.1 #2, m2.1 #3, and node 3's m3.1 only at tick 300, as #4. Node 2 receives #3 before #2 and holds it back until #2 comes; each member holds its own message until its number arrives (node 3 until tick 600). Every member delivers the same sequence m0.1, m1.1, m2.1, m3.1. It costs 15 messages for 4 multicasts: 4 for each of the three members (one to the sequencer, three numbered copies) and 3 for the sequencer's own.",
        "四个成员在时刻 0 同时组播；节点 3 到定序者（节点 0）的链路需要 300 个时间单位。定序者按消息到达的顺序编号：它自己的 m0.1 为 #1，m1.1 为 #2，m2.1 为 #3，节点 3 的 m3.1 直到时刻 300 才到，编为 #4。节点 2 先收到 #3 后收到 #2，于是保留 #3 直到 #2 到来；每个成员都保留自己的消息，直到它的序号到达（节点 3 一直等到时刻 600）。所有成员交付的都是同一序列 m0.1、m1.1、m2.1、m3.1。4 次组播共用 15 条消息：三个成员各 4 条（一条发给定序者，三条编号副本），定序者自己的组播 3 条。",
    ),
    w("scenario.fifo-broken", "Numbered in the wrong order", "编号顺序颠倒"),
    w(
        "scenario.fifo-broken.about",
        "Node 1 multicasts twice; its first message to the sequencer is held up in the network, so m1.2 arrives first and is numbered #1, and m1.1 becomes #2. Every member, node 1 included, delivers m1.2 before m1.1: total order holds (all agree), but the FIFO monitor fires, and so does the causal one (m1.1 happened before m1.2). The hybrid ordering numbers the same run correctly.",
        "节点 1 连续组播两次；它发往定序者的第一条消息在网络中被耽搁，于是 m1.2 先到达并被编为 #1，m1.1 成为 #2。所有成员（包括节点 1）都先交付 m1.2、后交付 m1.1：全序成立（大家一致），但 FIFO 监视器报警，因果序监视器也报警（m1.1 因果先于 m1.2）。混合排序组播会把同样的运行编号正确。",
    ),
    w("scenario.sequencer-crash", "The sequencer crashes", "定序者崩溃"),
    w(
        "scenario.sequencer-crash.about",
        "Node 1 multicasts m1.1 and the sequencer numbers it #1. The moment node 2 delivers it (tick 88) the sequencer (node 0) crashes, and node 2 multicasts m2.1: its message to the sequencer arrives at a dead node and is discarded, no number ever comes, and node 2 holds its own message back forever. When nothing is left to happen (tick 138) the stall detector reports node 2 holding m2.1, waiting for the sequencer's number. A single sequencer is a single point of failure.",
        "节点 1 组播 m1.1，定序者把它编为 #1。节点 2 交付它的那一刻（时刻 88），定序者（节点 0）崩溃，随后节点 2 组播 m2.1：它发往定序者的消息到达一个已崩溃的节点而被丢弃，序号永远不会到来，节点 2 只能一直保留自己的消息。当再无事件可发生时（时刻 138），停滞检测器报告节点 2 保留着 m2.1，在等待定序者的序号。单一定序者就是单点故障。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clocks::multicast::testing::*;
    use crate::sim::kit::{self, measured};

    #[test]
    fn total_is_kept_and_fifo_and_causal_can_break() {
        promised_orders_hold_over_many_seeds::<Total>();
    }

    #[test]
    fn scenarios_show_what_they_say() {
        let h = kit::ready::<TotalMulticast>("sequenced");
        assert_eq!(broken(&h), Vec::<&str>::new());
        assert_eq!(measured(&h, "multicasts"), Some(4.0));
        assert_eq!(measured(&h, "messages_per_multicast"), Some(15.0 / 4.0));
        assert!(held_at_some_point(&h, 2), "node 2 held #3 until #2 came");
        assert_eq!(broken(&kit::ready::<TotalMulticast>("fifo-broken")), vec!["causal", "fifo"]);
        let h = kit::ready::<TotalMulticast>("sequencer-crash");
        assert_eq!(broken(&h), vec!["delivery"]);
        let v = h.sim().trace().violations().iter().find(|v| v.invariant == "delivery").unwrap().detail.en(&[]);
        assert!(v.contains("node 2") && v.contains("sequencer's number"), "{v}");
    }
}
