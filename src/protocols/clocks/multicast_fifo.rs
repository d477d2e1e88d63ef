//! # FIFO-ordered multicast
//!
//! Each member numbers its own multicasts 1, 2, 3, ... and every receiver delivers a
//! sender's messages in that order: message k of sender j is delivered only after message
//! k-1 of j. One that arrives early (links here need not be FIFO) waits in the hold-back
//! queue until the gap is filled. The receiver keeps one counter per sender: how many of
//! its messages it has delivered.
//!
//! That is all FIFO promises. Messages of *different* senders are delivered in whatever
//! order they arrive, so a reply can be delivered before the message it answers (causal
//! order broken), and two members can deliver two senders' messages in opposite orders
//! (total order broken). Both monitors fire in the scenarios. A lost message stalls every
//! later message of its sender at every member that lost it: reliable links are assumed,
//! and the stall detector says so.
//!
//! Cost: N-1 messages per multicast (the sender delivers its own at once).

use super::multicast::{fifo_ready, Data, Member, Multicast, Order, Wait};
use crate::sim::protocol::*;
use crate::words::{w, Words};

pub struct Fifo;
pub type FifoMulticast = Multicast<Fifo>;

impl Order for Fifo {
    const ID: &'static str = "multicast-fifo";
    const WORDS: Words = WORDS;
    const SCENARIOS: &'static [ReadyScenario] = &[
        ReadyScenario { id: "holdback", fragment: "v=1&proto=multicast-fifo&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:input:0:multicast,0:input:0:multicast,0:delay:0:300" },
        ReadyScenario { id: "causal-broken", fragment: "v=1&proto=multicast-fifo&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-2:400-400/0,0:input:0:multicast,mark.deliver.n1:input:1:multicast" },
        ReadyScenario { id: "total-broken", fragment: "v=1&proto=multicast-fifo&n=4&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-3:300-300/0,0:link:1-2:300-300/0,0:input:0:multicast,0:input:1:multicast" },
    ];
    const SEQUENCED: bool = false;
    const PROMISES: &'static [&'static str] = &["fifo"];

    fn ready(member: &Member, d: &Data) -> Result<(), Wait> {
        fifo_ready(member.vector(), d)
    }
}

const WORDS: Words = &[
    w("name", "FIFO-ordered multicast", "FIFO 排序组播"),
    w(
        "summary",
        "Each sender numbers its multicasts; a receiver delivers one sender's messages in that order, holding back any that arrive early. Different senders are not ordered at all: replies can overtake what they answer, and members can disagree on the order.",
        "每个发送者给自己的组播编号；接收者按编号顺序交付同一发送者的消息，提前到达的先保留。不同发送者之间完全不排序：回复可能先于它所回复的消息交付，各成员的交付顺序也可能不同。",
    ),
    w("inv.fifo.about", "Promised here: each sender's messages are delivered in the order it sent them.", "本协议保证：同一发送者的消息按发送顺序交付。"),
    w("inv.causal.about", "Not promised by FIFO multicast: a message can be delivered before one that happened before it, if they come from different senders.", "FIFO 组播不保证：来自不同发送者时，一条消息可能先于因果在前的消息交付。"),
    w("inv.total.about", "Not promised by FIFO multicast: two members can deliver two senders' messages in opposite orders.", "FIFO 组播不保证：两个成员可能以相反顺序交付两个发送者的消息。"),
    w("scenario.holdback", "An early message waits its turn", "提前到达的消息等待轮次"),
    w(
        "scenario.holdback.about",
        "Node 0 multicasts twice; its first message to node 1 is held up in the network, so m0.2 reaches node 1 first. Node 1 receives it but holds it back (it waits for m0.1, sent before it) and delivers both, in order, when m0.1 arrives. Compare the receive and the deliver on node 1's line.",
        "节点 0 连续组播两次；发往节点 1 的第一条消息在网络中被耽搁，于是 m0.2 先到达节点 1。节点 1 收到后将其保留（它在等先发出的 m0.1），m0.1 到达后按顺序交付两条消息。比较节点 1 时间线上的接收与交付。",
    ),
    w("scenario.causal-broken", "FIFO is not causal", "FIFO 不等于因果序"),
    w(
        "scenario.causal-broken.about",
        "Node 0 multicasts m0.1; its link to node 2 is slow. Node 1 delivers m0.1 and answers with m1.1, which happens after it. m1.1 reaches node 2 long before m0.1, and FIFO has no reason to wait (different senders): node 2 delivers the answer before the question, and the causal order monitor fires (the total order one too: node 0 delivered the two the other way round).",
        "节点 0 组播 m0.1，它到节点 2 的链路很慢。节点 1 交付 m0.1 后回复 m1.1，后者因果在前者之后。m1.1 远早于 m0.1 到达节点 2，而 FIFO 没有理由等待（发送者不同）：节点 2 先交付了回复、后交付了问题，因果序监视器报警（全序监视器也报警：节点 0 的交付顺序正好相反）。",
    ),
    w("scenario.total-broken", "FIFO is not total", "FIFO 不等于全序"),
    w(
        "scenario.total-broken.about",
        "Nodes 0 and 1 multicast at the same moment. Node 3 is far from node 0 and node 2 far from node 1, so node 2 delivers m0.1 first and node 3 delivers m1.1 first. Both orders are FIFO; the total order monitor fires because the members disagree.",
        "节点 0 和节点 1 同时组播。节点 3 离节点 0 远，节点 2 离节点 1 远，于是节点 2 先交付 m0.1，节点 3 先交付 m1.1。两种顺序都符合 FIFO；但成员之间顺序不一致，全序监视器报警。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clocks::multicast::testing::*;
    use crate::sim::kit;

    #[test]
    fn fifo_is_kept_and_the_others_can_break() {
        promised_orders_hold_over_many_seeds::<Fifo>();
    }

    #[test]
    fn scenarios_show_what_they_say() {
        let h = kit::ready::<FifoMulticast>("holdback");
        assert_eq!(broken(&h), Vec::<&str>::new());
        assert!(held_at_some_point(&h, 1), "node 1 held m0.2 back");
        // Node 2 delivers the answer first, node 0 the question: total order breaks too.
        assert_eq!(broken(&kit::ready::<FifoMulticast>("causal-broken")), vec!["causal", "total"]);
        assert_eq!(broken(&kit::ready::<FifoMulticast>("total-broken")), vec!["total"]);
    }
}
