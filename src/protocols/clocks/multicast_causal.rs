//! # Causally-ordered multicast
//!
//! A message is delivered only after every message that happened before it: if a member
//! delivered a question and then multicast an answer, nobody delivers the answer before
//! the question. This is the Birman-Schiper-Stephenson rule on vector clocks. Each member
//! keeps a vector V: entry j is how many of j's multicasts it has delivered. A multicast
//! carries its sender's V with the sender's own entry raised to the message's number.
//! Member i delivers a message m from j, stamped W, when
//!
//! - W[j] = V[j] + 1: it is the next message from j (FIFO comes for free), and
//! - W[k] <= V[k] for every other k: everything j had delivered when it sent m has been
//!   delivered here too.
//!
//! Otherwise m waits in the hold-back queue, and the picture says which entry blocks it.
//! Each delivery raises one entry of V, which may release others held back.
//!
//! What it does not promise: *concurrent* multicasts (neither happened before the other)
//! are delivered in arrival order, so two members can deliver them the other way round.
//! The total order monitor fires in a scenario. The notes credit causal multicast with
//! "global consistency"; that needs a sequencer (see the total and hybrid orderings).
//!
//! Cost: N-1 messages per multicast, each carrying a vector of N counters (the notes'
//! "logical clock" travels with every message). Assumptions: reliable links (a lost
//! message blocks everything that causally follows it, at the member that lost it) and no
//! sequencer at all: no single point of failure.

use super::multicast::{causal_ready, Data, Member, Multicast, Order, Wait};
use crate::sim::protocol::*;
use crate::words::{w, Words};

pub struct Causal;
pub type CausalMulticast = Multicast<Causal>;

impl Order for Causal {
    const ID: &'static str = "multicast-causal";
    const WORDS: Words = WORDS;
    const SCENARIOS: &'static [ReadyScenario] = &[
        ReadyScenario { id: "holdback", fragment: "v=1&proto=multicast-causal&n=3&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-2:400-400/0,0:input:0:multicast,mark.deliver.n1:input:1:multicast" },
        ReadyScenario { id: "total-broken", fragment: "v=1&proto=multicast-causal&n=4&seed=1&delay=40-80&fifo=0&p.every=0&p.count=0&act=0:link:0-3:300-300/0,0:link:1-2:300-300/0,0:input:0:multicast,0:input:1:multicast" },
    ];
    const SEQUENCED: bool = false;
    const PROMISES: &'static [&'static str] = &["fifo", "causal"];

    fn ready(member: &Member, d: &Data) -> Result<(), Wait> {
        causal_ready(member.vector(), d)
    }
}

const WORDS: Words = &[
    w("name", "Causally-ordered multicast", "因果排序组播"),
    w(
        "summary",
        "Each multicast carries its sender's vector of delivered counts; a receiver delivers it only once it has delivered everything the sender had, so an answer never overtakes its question. Concurrent messages are still delivered in arrival order, which can differ between members.",
        "每条组播携带发送者的已交付计数向量；接收者只有在交付了发送者当时已交付的全部消息之后才交付它，因此回复不会先于问题交付。并发的消息仍按到达顺序交付，各成员之间可能不同。",
    ),
    w("inv.fifo.about", "Promised here: each sender's messages are delivered in the order it sent them (the vector's own entry must be the next one).", "本协议保证：同一发送者的消息按发送顺序交付（向量中发送者自己的分量必须恰好是下一个）。"),
    w("inv.causal.about", "Promised here: a message is delivered only after every message that happened before it.", "本协议保证：一条消息只在所有因果先于它的消息交付之后才交付。"),
    w("inv.total.about", "Not promised by causal multicast: two concurrent messages can be delivered in opposite orders at two members.", "因果组播不保证：两条并发消息在两个成员处可能以相反顺序交付。"),
    w("scenario.holdback", "The answer waits for its question", "回复等待它的问题"),
    w(
        "scenario.holdback.about",
        "Node 0 multicasts m0.1; its link to node 2 is slow (400 ticks). Node 1 delivers m0.1 and answers with m1.1, stamped [1,1,0]. The answer reaches node 2 at tick 88, but node 2's vector is [0,0,0]: entry 0 says the sender had delivered one of node 0's messages and node 2 none, so m1.1 is held back (see \"why held\"). At tick 400 m0.1 arrives and node 2 delivers both, question first. Nothing fires; under FIFO multicast the same run breaks causal order.",
        "节点 0 组播 m0.1，它到节点 2 的链路很慢（400 个时间单位）。节点 1 交付 m0.1 后回复 m1.1，时间戳为 [1,1,0]。回复在时刻 88 到达节点 2，但节点 2 的向量是 [0,0,0]：第 0 个分量表明发送者已交付节点 0 的一条消息而节点 2 一条也没有，于是 m1.1 被保留（见“保留原因”）。时刻 400 m0.1 到达，节点 2 先交付问题、再交付回复。没有监视器报警；同样的运行在 FIFO 组播下会破坏因果序。",
    ),
    w("scenario.total-broken", "Causal is not total", "因果序不等于全序"),
    w(
        "scenario.total-broken.about",
        "Nodes 0 and 1 multicast at the same moment: neither message happened before the other, so the causal rule lets each member deliver them as they come. Node 3 is far from node 0 and node 2 far from node 1, so node 2 delivers m0.1 first and node 3 m1.1 first. Nothing is held back and causal order holds; the total order monitor fires because the members disagree.",
        "节点 0 和节点 1 同时组播：两条消息互不因果先后，因果规则允许各成员按到达顺序交付。节点 3 离节点 0 远，节点 2 离节点 1 远，于是节点 2 先交付 m0.1，节点 3 先交付 m1.1。没有消息被保留，因果序成立；但成员之间顺序不一致，全序监视器报警。",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::clocks::multicast::testing::*;
    use crate::sim::kit;

    #[test]
    fn fifo_and_causal_are_kept_and_total_can_break() {
        promised_orders_hold_over_many_seeds::<Causal>();
    }

    #[test]
    fn scenarios_show_what_they_say() {
        let h = kit::ready::<CausalMulticast>("holdback");
        assert_eq!(broken(&h), Vec::<&str>::new());
        assert!(held_at_some_point(&h, 2), "node 2 held m1.1 back");
        // At tick 200 node 2 holds the answer, blocked by entry 0 of its vector.
        let mut h = h;
        h.seek(0);
        h.run_until(200, 1_000);
        let why = h.sim().node_views()[2].details.iter().find(|d| d.0 == "waiting").unwrap().1.en(&[]);
        assert_eq!(why, "m1.1 waits for m0.1: its sender had delivered 1 of node 0's messages, this node 0");
        assert_eq!(broken(&kit::ready::<CausalMulticast>("total-broken")), vec!["total"]);
    }
}
