//! Words a person reads, in Simplified Chinese and English.
//!
//! Everything a URL, the command line's JSON or a test names is a stable id ("me1",
//! "token", "request"); what a person reads is looked up from a key in the current
//! language. The core never stores display text: notes, breaches, badges and captions are
//! [`Text`] (a key plus arguments), so a trace and its hash are the same in every
//! language, and the words are chosen only when something is drawn.
//!
//! Each protocol keeps its words beside its code (`ProtocolInfo::words`), both languages
//! side by side; the engine's and the page's words live in [`CORE`] and `ui::words`.
//! Lookup tries the protocol's table first, so a protocol may say a core word its own way.
//!
//! Key conventions (so the lookup from an id is mechanical):
//! `name`, `summary` (the protocol), `param.NAME`, `input.ID`, `scenario.ID`,
//! `scenario.ID.about`, `inv.ID`, `inv.ID.about`, `metric.ID`, `role.ID`, `detail.ID`,
//! `msg.KIND`, `timer.ID`, `group.ID`, `chart.ID`, `series.ID`; anything else is free
//! (`note.*`, `breach.*`, `why.*`).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lang {
    Zh,
    #[default]
    En,
}

pub const LANGS: &[Lang] = &[Lang::Zh, Lang::En];

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// "zh", "zh-CN", "zh-Hans", "en-GB"... (a browser's language tag or a URL value).
    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.trim().to_ascii_lowercase();
        if t == "zh" || t.starts_with("zh-") || t.starts_with("zh_") {
            Some(Lang::Zh)
        } else if t == "en" || t.starts_with("en-") || t.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The name of the language in itself, for the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }
}

/// Display text as data: language-neutral text, or a phrase looked up by key whose `{0}`,
/// `{1}`… are filled from the arguments (themselves texts, so a phrase can hold a word
/// that is translated too).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Text {
    /// Numbers, ids, vectors, field notation (`term=3`): the same in every language.
    Plain(String),
    Phrase(&'static str, Vec<Text>),
    /// The word for an id under a prefix: `Id("msg", "token")` reads key `msg.token`.
    Id(&'static str, &'static str),
}

impl Text {
    pub fn key(key: &'static str) -> Text {
        Text::Phrase(key, Vec::new())
    }
    pub fn plain(text: impl Into<String>) -> Text {
        Text::Plain(text.into())
    }
    pub fn empty() -> Text {
        Text::Plain(String::new())
    }
    pub fn is_empty(&self) -> bool {
        matches!(self, Text::Plain(s) if s.is_empty())
    }
    /// This text in English with a protocol's words and the core's (for the command line
    /// and tests); never the page's, which the core does not depend on.
    pub fn en(&self, protocol: Words) -> String {
        Dictionary::new(Lang::En, protocol, &[]).render(self)
    }

    /// Every key this text (and its arguments) will look up.
    pub fn keys(&self, out: &mut Vec<String>) {
        match self {
            Text::Plain(_) => {}
            Text::Phrase(k, args) => {
                out.push(k.to_string());
                for a in args {
                    a.keys(out);
                }
            }
            Text::Id(prefix, id) => out.push(format!("{prefix}.{id}")),
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Plain(s)
    }
}
impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::Plain(s.clone())
    }
}
impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::Plain(s.to_string())
    }
}
macro_rules! plain_from {
    ($($t:ty),*) => { $(impl From<$t> for Text { fn from(v: $t) -> Text { Text::Plain(v.to_string()) } })* };
}
plain_from!(u8, u16, u32, u64, usize, i32, i64);

/// A list of nodes, written the same in every language: "0, 3, 5".
pub fn nodes(list: &[usize]) -> Text {
    Text::Plain(list.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "))
}

/// A vector clock: "[1,0,2]".
pub fn vector(v: &[u32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", parts.join(","))
}

/// `phrase!("key")` or `phrase!("key", a, b)`: a [`Text::Phrase`] whose arguments are
/// anything `Into<Text>` (numbers and strings are plain, texts stay phrases).
#[macro_export]
macro_rules! phrase {
    ($key:expr) => { $crate::words::Text::Phrase($key, Vec::new()) };
    ($key:expr, $($arg:expr),+ $(,)?) => { $crate::words::Text::Phrase($key, vec![$($crate::words::Text::from($arg)),+]) };
}

/// One entry of a words table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

/// `w("key", "English", "中文")`, for tables.
pub const fn w(key: &'static str, en: &'static str, zh: &'static str) -> Word {
    Word { key, en, zh }
}

pub type Words = &'static [Word];

impl Word {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// The words one view can use: the current protocol's table, its family's, then the
/// shared ones.
#[derive(Clone, Copy)]
pub struct Dictionary {
    pub lang: Lang,
    pub tables: [Words; 4],
}

impl fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dictionary({})", self.lang.code())
    }
}

impl Dictionary {
    /// `protocol` first, then the core's words, then `extra` (the page's).
    pub fn new(lang: Lang, protocol: Words, extra: Words) -> Dictionary {
        Dictionary { lang, tables: [protocol, &[], CORE, extra] }
    }

    /// A protocol's words in layers: its own, its family's, the core's, then `extra`.
    pub fn for_protocol(lang: Lang, info: &crate::sim::ProtocolInfo, extra: Words) -> Dictionary {
        Dictionary { lang, tables: [info.words, info.family.words, CORE, extra] }
    }

    pub fn find(&self, key: &str) -> Option<&'static Word> {
        self.tables.iter().find_map(|t| t.iter().find(|w| w.key == key))
    }

    /// The word for `key`; a missing key shows itself in brackets (a test walks every key,
    /// so this is never seen in a lecture).
    pub fn word(&self, key: &str) -> String {
        match self.find(key) {
            Some(w) => w.get(self.lang).to_string(),
            None => format!("⟦{key}⟧"),
        }
    }

    /// A word for `key` if the tables have one (for optional words such as a role that
    /// has no entry of its own).
    pub fn try_word(&self, key: &str) -> Option<&'static str> {
        self.find(key).map(|w| w.get(self.lang))
    }

    pub fn render(&self, text: &Text) -> String {
        match text {
            Text::Plain(s) => s.clone(),
            Text::Id(prefix, id) => self.id(prefix, id),
            Text::Phrase(key, args) => {
                let template = self.word(key);
                if args.is_empty() {
                    return template;
                }
                fill(&template, &args.iter().map(|a| self.render(a)).collect::<Vec<_>>())
            }
        }
    }

    /// A keyed word built from a prefix and an id ("role." + "in_cs").
    pub fn id(&self, prefix: &str, id: &str) -> String {
        let key = format!("{prefix}.{id}");
        match self.find(&key) {
            Some(w) => w.get(self.lang).to_string(),
            None => format!("⟦{key}⟧"),
        }
    }
}

/// Replace `{0}`, `{1}`… in `template` with `args`.
pub fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| after[..close].parse::<usize>().ok().map(|i| (i, close))) {
            Some((i, close)) => {
                out.push_str(args.get(i).map_or("", |s| s.as_str()));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Words the engine and the event log use, whatever the protocol.
pub const CORE: Words = &[
    // Reading a ShiViz log: each problem names its line and what is accepted.
    w("shiviz.at_line", "line {0}: {1}", "第 {0} 行：{1}"),
    w("shiviz.empty", "the log is empty; expected two lines per event: a description, then the host and its vector clock, as in\n  n0 sends a message\n  n0 {\"n0\":1}", "日志是空的；每个事件应有两行：先是描述，再是主机名和它的向量时钟，例如\n  n0 sends a message\n  n0 {\"n0\":1}"),
    w("shiviz.want_description", "a description after the host and clock line", "主机与时钟行之后的一行描述"),
    w("shiviz.want_clock", "a host and clock line (such as n0 {\"n0\":1}) after the description", "描述之后的一行主机与时钟（如 n0 {\"n0\":1}）"),
    w("shiviz.unfinished", "the log ends in the middle of an event: expected {0}", "日志在一个事件的中途结束了：缺少{0}"),
    w("shiviz.order_govector", "GoVector's order: a host and clock line, then a description", "GoVector 的顺序：先主机与时钟行，再描述"),
    w("shiviz.order_shiviz", "ShiViz's default order: a description, then a host and clock line", "ShiViz 的默认顺序：先描述，再主机与时钟行"),
    w("shiviz.not_a_clock_line", "expected a host and its vector clock, such as n0 {\"n0\":1}, found '{0}' (the log is read in {1})", "这里应是主机名和它的向量时钟，如 n0 {\"n0\":1}，实际是“{0}”（日志按{1}读取）"),
    w("shiviz.bad_json", "the clock is not a JSON object ({0}); expected something like {1}", "时钟不是 JSON 对象（{0}）；应形如 {1}"),
    w("shiviz.not_an_object", "the clock is not a JSON object of host names and counts", "时钟不是由主机名和计数组成的 JSON 对象"),
    w("shiviz.bad_count", "the clock's entry for '{0}' is {1}; expected a whole number (0 or more)", "时钟中“{0}”的值是 {1}；应为非负整数"),
    w("shiviz.no_own_entry", "the clock has no entry (of 1 or more) for its own host '{0}'; expected it to count {0}'s events", "时钟里没有本主机“{0}”的条目（至少为 1）；它应记录 {0} 的事件数"),
    w("shiviz.no_description", "expected a description of the event before its host and clock line", "主机与时钟行之前应有一行事件描述"),
    w("shiviz.own_again", "{0}'s own entry is {1} again; expected each of {0}'s events to count one more than the last", "{0} 自己的条目又是 {1}；{0} 的每个事件应比上一个多 1"),
    w("shiviz.own_skips", "{0}'s own entry is {1}, but {0} has no event {2}; expected {0}'s entries to go 1, 2, 3, …", "{0} 自己的条目是 {1}，但 {0} 没有第 {2} 个事件；{0} 的条目应依次为 1、2、3……"),
    w("shiviz.unknown_event", "the clock knows {0}'s event {1}, but {0} logs only {2} events", "时钟知道 {0} 的第 {1} 个事件，但日志里 {0} 只有 {2} 个事件"),
    w("shiviz.forgets", "the clock knows {0}'s event {1} (line {2}) but not everything that event knew; expected each entry to be at least that event's", "时钟知道 {0} 的第 {1} 个事件（第 {2} 行），却不知道那个事件已知的全部；每个条目都应不小于那个事件的对应条目"),
    // Families, as the catalogue's sections.
    // Topologies.
    w("topo.ring", "ring", "环"),
    w("topo.complete", "complete graph", "全连接图"),
    w("topo.star", "star", "星形"),
    w("topo.tree", "tree", "树"),
    w("topo.random-tree", "random tree", "随机树"),
    w("topo.grid", "grid", "网格"),
    w("topo.edges", "edge list", "边列表"),
    w("topo.peers", "peers (no links drawn)", "对等（不画连线）"),
    w("yes", "yes", "是"),
    w("no", "no", "否"),
    w("unknown", "unknown", "未知"),
    // Roles every protocol shares.
    w("role.crashed", "crashed", "已崩溃"),
    w("role.absent", "not joined", "未加入"),
    // The event log.
    w("ev.start", "{0} starts", "{0} 启动"),
    w("ev.send", "{0} sends {1} to {2}", "{0} 向 {2} 发送 {1}"),
    w("ev.receive", "{0} receives {1} from {2}", "{0} 收到来自 {2} 的 {1}"),
    w("ev.discard", "{0} is down: {1} from {2} is discarded", "{0} 已宕机：来自 {2} 的 {1} 被丢弃"),
    w("ev.lost", "{0} {1}→{2} {3}", "{0} {1}→{2} {3}"),
    w("ev.timer", "{0}: timer '{1}' fires", "{0}：定时器“{1}”到期"),
    w("ev.input", "{0}: {1}", "{0}：{1}"),
    w("ev.workload", "{0}: {1} (workload)", "{0}：{1}（负载）"),
    w("ev.crash", "{0} crashes", "{0} 崩溃"),
    w("ev.recover", "{0} recovers", "{0} 恢复"),
    w("ev.join", "{0} joins", "{0} 加入"),
    w("ev.network", "network: {0}", "网络：{0}"),
    w("ev.tamper", "you: {0}", "你：{0}"),
    w("ev.node", "n{0}", "n{0}"),
    w("ev.network_node", "network", "网络"),
    w("ev.kind_text", "{0} ({1})", "{0}（{1}）"),
    w("ev.with_note", "{0} — {1}", "{0} —— {1}"),
    // Why a message died.
    w("loss.random", "lost by the network", "被网络丢失"),
    w("loss.user", "dropped by you", "被你丢弃"),
    w("loss.cut", "lost: the link is down", "丢失：链路已断开"),
    w("loss.short.random", "lost", "丢失"),
    w("loss.short.user", "dropped", "已丢弃"),
    w("loss.short.cut", "cut off", "被切断"),
    // What the engine says about interventions and the network.
    w("note.down_discard", "node {0} is down; message discarded", "节点 {0} 已宕机；消息被丢弃"),
    w("note.rollback", "rolls back to checkpoint {0}: {1} events undone", "回滚到检查点 {0}：撤销了 {1} 个事件"),
    w("note.fate_shared", "on the same machine as node {0}: fails and recovers with it", "与节点 {0} 在同一台机器上：随它一起崩溃和恢复"),
    w("note.input_ignored", "node {0} ignores '{1}' in its current state", "节点 {0} 在当前状态下忽略“{1}”"),
    w("net.held", "{0} {1}→{2} held {3} longer", "{0} {1}→{2} 被延迟 {3}"),
    w("net.duplicated", "{0} {1}→{2} duplicated as message {3}", "{0} {1}→{2} 被复制为消息 {3}"),
    w("net.cut", "link {0}-{1} cut", "链路 {0}-{1} 被切断"),
    w("net.restored", "link {0}-{1} restored", "链路 {0}-{1} 已恢复"),
    w("net.link_rule", "link {0}-{1}: delay {2}, drop {3}%", "链路 {0}-{1}：延迟 {2}，丢失率 {3}%"),
    w("net.partition", "partition {0}", "分区 {0}"),
    w("net.healed", "network healed", "网络已愈合"),
    w("net.delays", "extra delays on every link: {0}", "所有链路的额外延迟：{0}"),
    w("net.link_delays", "extra delays on link {0}-{1}: {2}", "链路 {0}-{1} 的额外延迟：{2}"),
    w("net.settings", "network settings {0}", "网络设置 {0}"),
    // Shared monitor words.
    w("inv.progress", "ME2 progress", "ME2 无饥饿"),
    w("inv.progress.about", "Every request is eventually served: no request waits while nothing moves it forward.", "每个请求最终都会被满足：不会有请求在无人推进时一直等待。"),
    w("breach.stalled", "no progress for {0} ticks while nodes {1} wait: {2}", "已有 {0} 个时间单位没有进展，节点 {1} 仍在等待：{2}"),
    w("breach.stalled_at_rest", "nothing is left to happen, yet nodes {0} wait: {1}", "已经没有任何事件可发生，但节点 {0} 仍在等待：{1}"),
    w("why.unknown", "nothing in flight can serve them", "没有任何在途的消息能满足它们"),
    w("inv.fifo", "FIFO delivery", "FIFO 交付"),
    w("inv.fifo.about", "Messages from one sender are delivered in the order it sent them.", "同一发送者的消息按其发送顺序交付。"),
    w("inv.causal", "causal delivery", "因果序交付"),
    w("inv.causal.about", "A message is delivered only after every message that happened before it.", "一条消息只在所有因果先于它的消息交付之后才交付。"),
    w("inv.total", "total order", "全序"),
    w("inv.total.about", "Every node delivers the messages it shares with another in the same order.", "任意两个节点对共同交付的消息采用相同的顺序。"),
    w("inv.clock_condition", "clock condition", "时钟条件"),
    w("inv.clock_condition.about", "a → b implies C(a) < C(b), checked on every line and every message.", "若 a → b，则 C(a) < C(b)：逐条进程线、逐条消息检查。"),
    w("breach.fifo", "node {0} delivered message {1} of node {2} before message {3}", "节点 {0} 先交付了节点 {2} 的第 {1} 条消息，再交付第 {3} 条"),
    w("breach.causal", "node {0} delivered {1} before {2}, which happened before it", "节点 {0} 先交付 {1}，而因果先于它的 {2} 尚未交付"),
    w("breach.total", "nodes {0} and {1} deliver {2} and {3} in different orders", "节点 {0} 与 {1} 以不同顺序交付 {2} 和 {3}"),
    w("breach.clock", "event {0} → event {1} but C {2} ≥ C {3}", "事件 {0} → 事件 {1}，但 C {2} ≥ C {3}"),
    // Consistency models over a history of client operations (sim::consistency).
    w("inv.linearizable", "linearizability", "线性一致性"),
    w("inv.linearizable.about", "Every operation takes effect at one instant between its call and its reply, and every reply is what that order gives.", "每个操作都在其调用与返回之间的某一瞬间生效，且每个返回值都与这一顺序相符。"),
    w("inv.read_your_writes", "read your writes", "读己之写"),
    w("inv.read_your_writes.about", "Once a client's write is done, its reads of that key never return anything older.", "客户端的写完成后，它对该键的读取不会返回更旧的值。"),
    w("inv.monotonic_reads", "monotonic reads", "单调读"),
    w("inv.monotonic_reads.about", "A client's reads of a key never go back to a value older than one it has already read.", "客户端对同一键的读取不会退回到比已读到的值更旧的值。"),
    w("inv.causal_consistency", "causal consistency", "因果一致性"),
    w("inv.causal_consistency.about", "A read never returns a value overwritten by a write that happened before it, nor the initial value once a write of its key happened before it.", "读取不会返回已被因果先于它的写覆盖的值；若某次写因果先于它，也不会返回初始值。"),
    w("inv.eventual", "convergence at rest", "静止时收敛"),
    w("inv.eventual.about", "Once writes stop and nothing is left to happen, every live replica holds the same value of every key.", "当写入停止且再无事件可发生时，所有存活副本上每个键的值都相同。"),
    w("breach.linearizable", "no order of the operations explains {0}: between its call and its reply it could only return {1} (see {2})", "没有任何操作顺序能解释 {0}：在其调用与返回之间，它只可能返回 {1}（参见 {2}）"),
    w("breach.linearizable_alone", "no order of the operations explains {0}: between its call and its reply it could only return {1}", "没有任何操作顺序能解释 {0}：在其调用与返回之间，它只可能返回 {1}"),
    w("breach.refused_seen", "{0} was refused, yet another operation saw its effect", "{0} 被拒绝了，但另一个操作却看到了它的效果"),
    w("breach.read_your_writes", "{0} does not see the client's own earlier write {1}", "{0} 没有看到该客户端自己先前的写 {1}"),
    w("breach.monotonic_reads", "{0} returns an older value than {1}, read earlier by the same client", "{0} 返回的值比同一客户端先前读到的 {1} 更旧"),
    w("breach.causal_initial", "{0} returns the initial value, yet {1} happened before it", "{0} 返回了初始值，但 {1} 因果先于它"),
    w("breach.causal_overwritten", "{0} returns the value of {1}, which {2} overwrote before the read", "{0} 返回了 {1} 写入的值，而该值在这次读之前已被 {2} 覆盖"),
    w("breach.thin_air", "{0} returns a value nobody wrote", "{0} 返回了一个无人写过的值"),
    w("breach.diverged", "at rest, the replicas disagree on key {0}: {1}", "已静止，但各副本在键 {0} 上不一致：{1}"),
    w("breach.converged_thin_air", "at rest, the replicas agree that key {0} holds {1}, which nobody wrote", "已静止，各副本一致认为键 {0} 的值是 {1}，但无人写过这个值"),
    // Why an intervention was refused.
    w("err.no_node", "node {0} does not exist; nodes are 0 to {1}", "节点 {0} 不存在；节点编号为 0 到 {1}"),
    w("err.already_down", "node {0} is already down", "节点 {0} 已经宕机"),
    w("err.not_down", "node {0} is not down", "节点 {0} 没有宕机"),
    w("err.input_down", "node {0} is down; recover it first", "节点 {0} 已宕机；请先恢复它"),
    w("err.no_input", "'{0}' is not an input of this protocol; accepted: {1}", "“{0}”不是本协议的输入；可用：{1}"),
    w("err.input_no_arg", "'{0}' takes no argument; got '{1}'", "“{0}”不带参数；收到“{1}”"),
    w("err.input_needs_arg", "'{0}' needs an argument", "“{0}”需要一个参数"),
    w("err.input_int", "'{0}' takes a whole number from {2} to {3}; got '{1}'", "“{0}”的参数应为 {2} 到 {3} 的整数；收到“{1}”"),
    w("err.input_node", "'{0}' takes a node from 0 to {2}; got '{1}'", "“{0}”的参数应为 0 到 {2} 的节点；收到“{1}”"),
    w("err.input_word", "'{0}' takes a short word of letters, digits and . - _ =; got '{1}'", "“{0}”的参数应为由字母、数字和 . - _ = 组成的短词；收到“{1}”"),
    w("err.being_lost", "message {0} is already being lost", "消息 {0} 已在丢失中"),
    w("err.arrived", "message {0} is no longer in flight", "消息 {0} 已不在途中"),
    w("err.no_message", "message {0} does not exist", "消息 {0} 不存在"),
    w("err.self_link", "a link joins two different nodes; got {0}-{0}", "链路必须连接两个不同的节点；收到 {0}-{0}"),
    w("err.two_groups", "node {0} is in two groups of the partition", "节点 {0} 同时出现在分区的两个组中"),
    w("note.anchor_skipped", "intervention {0} skipped: {1}", "干预 {0} 被跳过：{1}"),
    w("note.skipped", "intervention {0} skipped: {1}", "干预 {0} 被跳过：{1}"),
    // Mutual exclusion, shared by the family (src/protocols/mutex/costs.rs).
    w("role.released", "RELEASED", "RELEASED（释放）"),
    w("role.wanted", "WANTED", "WANTED（请求中）"),
    w("role.held", "HELD", "HELD（持有）"),
    w("inv.me1", "ME1 mutual exclusion", "ME1 互斥"),
    w("inv.me1.about", "At most one node is in the critical section.", "任一时刻至多一个节点在临界区内。"),
    w("breach.me1", "nodes {0} are in the critical section together", "节点 {0} 同时在临界区内"),
    w("inv.me3", "ME3 happened-before order", "ME3 因果序"),
    w("inv.me3.about", "Entries to the critical section follow happened-before: a request that happened before another is served first.", "进入临界区的次序遵守因果先后关系：因果先于另一请求的请求先得到满足。"),
    w("breach.me3", "node {0} entered the critical section while node {1}, whose request happened before its own, still waits", "节点 {0} 进入了临界区，而请求因果先于它的节点 {1} 仍在等待"),
    w("metric.messages_per_entry", "messages per CS entry", "每次进入临界区的消息数"),
    w("metric.enter_mean", "enter delay, mean (transits)", "进入延迟，平均（传输次数）"),
    w("metric.enter_worst", "enter delay, worst (transits)", "进入延迟，最坏（传输次数）"),
    w("metric.sync_mean", "sync delay, mean (transits)", "同步延迟，平均（传输次数）"),
    w("metric.throughput", "CS entries per 1000 ticks", "每 1000 个时间单位进入临界区的次数"),
    w("metric.entries", "CS entries", "进入临界区次数"),
    w("formula.per_thousand_ticks", "counted", "计数"),
    w("badge.since", "since t={0}", "自 t={0}"),
    w("timer.leave", "leave CS", "离开临界区"),
    w("mark.request", "request", "请求"),
    w("mark.enter_cs", "enter CS", "进入临界区"),
    w("mark.exit_cs", "exit CS", "离开临界区"),
    w("input.request", "Request the critical section", "请求进入临界区"),
    w("param.cs", "Ticks a node spends in the critical section", "节点在临界区内停留的时间单位数"),
    w("param.requests", "Mean ticks between a node's random requests (0: only clicks request)", "节点随机请求之间的平均间隔（0：仅由点击发出请求）"),
    // Leader election, shared by the family (src/protocols/election/shared.rs).
    w("param.order", "Ids typed in, one per node in node order (e.g. 3.1.4.2); empty: use the ids layout", "手动输入的标识符，按节点顺序每个节点一个（如 3.1.4.2）；留空则使用 ids 布局"),
    w("input.start", "Start an election here", "在此发起选举"),
    w("role.participant", "participant", "参与者"),
    w("role.leader", "leader", "协调者"),
    w("role.knows_leader", "knows leader", "已知协调者"),
    w("role.non_participant", "non-participant", "非参与者"),
    w("badge.id", "id {0}", "标识 {0}"),
    w("badge.leader_self", "id {0} · leader", "标识 {0} · 协调者"),
    w("badge.leader", "id {0} · leader {1}", "标识 {0} · 协调者 {1}"),
    w("badge.seen", "id {0} · max {1}", "标识 {0} · 最大 {1}"),
    w("leader_at", "id {0} (node {1})", "标识 {0}（节点 {1}）"),
    w("leader_id", "id {0}", "标识 {0}"),
    w("this_node", "this node", "本节点"),
    w("detail.identifier", "identifier", "标识符"),
    w("detail.coordinator", "coordinator", "协调者"),
    w("detail.largest", "largest id seen", "见过的最大标识符"),
    w("mark.start", "start", "发起"),
    w("mark.elected", "elected", "当选"),
    w("inv.one_coordinator", "one coordinator", "唯一协调者"),
    w("inv.one_coordinator.about", "At most one node declares itself coordinator in one election (between two moments of rest), counting only nodes still up.", "同一次选举中（两次静止之间）至多一个节点宣布自己是协调者，只计仍存活的节点。"),
    w("inv.agreement", "agreement at rest", "静止时一致"),
    w("inv.agreement.about", "Once an election has begun and nothing is left to happen, every live node names the same coordinator: the live node with the largest id.", "选举开始后、且再无事件可发生时，所有存活节点都认定同一个协调者：标识符最大的存活节点。"),
    w("breach.two_leaders", "nodes {0} each declared themselves coordinator in the same election", "节点 {0} 在同一次选举中都宣布自己是协调者"),
    w("breach.disagree", "at rest, but not every live node names id {0} (node {1}), the largest live id: {2}", "已静止，但并非所有存活节点都认定最大的存活标识 {0}（节点 {1}）：{2}"),
    w("clause.knows_none", "node {0} knows none", "节点 {0} 不知道协调者"),
    w("clause.names", "node {0} names {1}", "节点 {0} 认定 {1}"),
    w("list", "{0}; {1}", "{0}；{1}"),
    w("metric.messages", "messages per election", "每次选举的消息数"),
    w("metric.turnaround", "turnaround (transits)", "周转时间（传输次数）"),
    w("metric.finished", "elections finished", "已完成的选举"),
    w("param.ids", "Ids in node order: ascending (node i has id i+1), descending, or random (a permutation drawn from the run's seed); order overrides them", "按节点顺序的标识符：ascending（节点 i 的标识为 i+1）、descending（递减），或 random（由本次运行的种子生成的排列）；order 优先于它"),
    w("metric.collisions", "collisions", "冲突次数"),
    // Ordered multicast, shared by the family (src/protocols/clocks/multicast.rs).
    w("input.multicast", "Multicast a message to the group", "向组内组播一条消息"),
    w("param.every", "Mean ticks between a member's multicasts from the workload (0: only clicks)", "工作负载中每个成员两次组播之间的平均间隔（0：仅由点击发出）"),
    w("param.count", "Multicasts each member makes, clicks included (0: no limit)", "每个成员发出的组播数，含点击（0：不限）"),
    // Shared by every family with a stall detector (multicast hold-back, commit in doubt, Paxos).
    w("param.patience", "Ticks something may stay stuck (a message held back, a participant in doubt holding its locks, learners waiting) before the detector reports it", "某事停滞多少时间单位后由检测器报告（消息被保留、参与者持锁处于不确定状态、学习者等待）"),
    w("role.member", "member", "成员"),
    w("role.holding", "holding back", "保留中"),
    w("role.sequencer", "sequencer", "定序者"),
    w("detail.holdback", "hold-back queue", "保留队列"),
    w("detail.delivered", "delivered (latest last)", "已交付（最新在后）"),
    w("detail.delivered_count", "messages delivered", "已交付消息数"),
    w("detail.sent", "multicasts sent", "已发出的组播"),
    w("detail.waiting", "why held", "保留原因"),
    w("detail.vector", "delivered per sender", "各发送者已交付数"),
    w("detail.next_global", "next global number", "下一个全局序号"),
    w("detail.numbered", "numbers handed out", "已分配的序号"),
    w("badge.next_global", "next #{0}", "下一个 #{0}"),
    w("msg.data", "data", "数据"),
    w("msg.submit", "to sequencer", "发往定序者"),
    w("msg.ordered", "numbered", "已编号"),
    w("mark.deliver", "deliver", "交付"),
    w("wait.fifo", "waits for {0}, sent before it", "等待先于它发出的 {0}"),
    w("wait.causal", "waits for {0}: its sender had delivered {2} of node {1}'s messages, this node {3}", "等待 {0}：发送者发送时已交付节点 {1} 的 {2} 条消息，本节点只交付了 {3} 条"),
    w("wait.unnumbered", "waits for the sequencer's number", "等待定序者分配序号"),
    w("wait.global", "waits for global number {0} first", "须先交付全局序号 {0}"),
    w("held_why", "{0} {1}", "{0}{1}"),
    w("note.multicast", "multicasts {0}", "组播 {0}"),
    w("note.numbers", "numbers {0} as #{1} and sends it to everyone", "把 {0} 编为 #{1}，并发给所有成员"),
    w("note.delivers", "delivers {0}", "交付 {0}"),
    w("note.holds", "holds {0} back: {1}", "保留 {0}：{1}"),
    w("note.duplicate", "ignores a second copy of {0}", "忽略 {0} 的重复副本"),
    w("note.unnumbered", "keeps {0} aside unnumbered: {1}", "暂不给 {0} 编号：{1}"),
    w("unnumbered_why", "{0} (unnumbered) {1}", "{0}（未编号）{1}"),
    w("detail.unnumbered", "not yet numbered", "尚未编号"),
    w("inv.delivery", "no message stuck", "无消息滞留"),
    w("inv.delivery.about", "No message waits in a hold-back queue longer than the patience, or at all once nothing is left to happen.", "没有消息在保留队列中等待超过耐心时限；当再无事件可发生时，队列中不应有任何消息。"),
    w("breach.held", "node(s) {0} hold messages back: node {1} for {2} ticks, {3}", "节点 {0} 有消息滞留：节点 {1} 已等待 {2} 个时间单位，{3}"),
    w("metric.messages_per_multicast", "messages per multicast", "每次组播的消息数"),
    w("metric.multicasts", "multicasts", "组播次数"),
    w("metric.deliveries", "deliveries", "交付次数"),
    w("metric.held_back", "messages held back", "被保留过的消息数"),
    w("metric.hold_mean", "mean hold-back time (ticks)", "平均保留时间（时间单位）"),
    w("formula.sequenced", "N (N-1 when the sequencer multicasts)", "N（定序者自己组播时为 N-1）"),
    // Commit, shared by 2PC and 3PC (src/protocols/commit/shared.rs).
    w("role.coordinator", "coordinator", "协调者"),
    w("role.working", "working", "工作中"),
    w("role.ready", "voted yes, in doubt", "已投赞成票，不确定"),
    w("role.precommitted", "pre-committed", "已预提交"),
    w("role.committed", "committed", "已提交"),
    w("role.aborted", "aborted", "已中止"),
    w("role.silent", "failed before voting", "投票前失效"),
    w("phase.init", "working", "工作中"),
    w("phase.ready", "in doubt", "不确定"),
    w("phase.pre", "pre-committed", "已预提交"),
    w("phase.commit", "committed", "已提交"),
    w("phase.abort", "aborted", "已中止"),
    w("badge.votes", "{0} yes", "{0} 票赞成"),
    w("badge.pre_acks", "pre · {0} acks", "预提交 · {0} 个确认"),
    w("badge.acks", "{0} · {1} acks", "{0} · {1} 个确认"),
    w("badge.asking", "asking for the outcome", "询问结果中"),
    w("badge.committed_end", "committed · done", "已提交 · 完成"),
    w("badge.aborted_end", "aborted · done", "已中止 · 完成"),
    w("badge.backup", "backup · {0}", "后备 · {0}"),
    w("detail.log", "log", "日志"),
    w("detail.phase", "phase", "阶段"),
    w("detail.locks", "holds locks", "持有锁"),
    w("detail.yes_votes", "yes votes", "赞成票"),
    w("detail.acks", "acknowledgements", "确认数"),
    w("detail.pre_acks", "PreCommit acknowledgements", "PreCommit 确认数"),
    w("detail.backup", "backup coordinator", "后备协调者"),
    w("detail.older_records", "older log records", "更早的日志记录"),
    w("param.no_vote", "The participant that votes no (0: every participant votes yes)", "投反对票的参与者（0：所有参与者都投赞成票）"),
    w("param.silent", "The participant that fails before voting and never answers (0: none)", "投票前失效、从不应答的参与者（0：没有）"),
    w("msg.vote", "vote", "投票"),
    w("msg.ack", "Ack", "Ack（确认）"),
    w("msg.inquire", "inquire", "询问结果"),
    w("mark.voted", "voted", "已投票"),
    w("mark.decided", "decided", "已决定"),
    w("mark.committed", "committed", "已提交"),
    w("mark.aborted", "aborted", "已中止"),
    w("inv.atomicity", "atomicity", "原子性"),
    w("inv.atomicity.about", "Never has one node committed the transaction while another aborted it (a crashed node's log counts).", "任何时候都不会出现一个节点已提交事务而另一个节点已中止的情况（崩溃节点的日志也算）。"),
    w("inv.nonblocking", "no blocking", "无阻塞"),
    w("inv.nonblocking.about", "No live participant stays in doubt holding its locks once nothing is left to happen, or for longer than the patience.", "当再无事件可发生，或超过耐心时限时，没有存活的参与者仍处于不确定状态并持有锁。"),
    w("breach.atomicity", "nodes {0} committed but nodes {1} aborted", "节点 {0} 已提交，而节点 {1} 已中止"),
    w("breach.blocked_at_rest", "nothing is left to happen, yet participants {0} are in doubt, holding their locks: {1}", "已无事件可发生，但参与者 {0} 仍处于不确定状态并持有锁：{1}"),
    w("breach.blocked", "participants {0} have been in doubt, holding their locks, for {1} ticks or more: {2}", "参与者 {0} 处于不确定状态并持有锁已达 {1} 个时间单位以上：{2}"),
    w("why.coordinator_down", "the coordinator is down and only it knows the outcome", "协调者已宕机，而只有它知道结果"),
    w("why.no_news", "no outcome is on its way to them", "没有结果正在送往它们"),
    w("metric.commit_messages", "messages per transaction", "每个事务的消息数"),
    w("metric.phase1_messages", "messages in phase 1 (voting)", "第一阶段消息数（投票）"),
    w("metric.phase2_messages", "messages in phase 2 (outcome)", "第二阶段消息数（结果）"),
    w("formula.commit_faults", "no textbook count once a fault happened", "发生故障后没有教科书计数"),
    w("note.votes_no", "cannot commit: logs no, aborts at once and votes no", "无法提交：写入 no，立即中止，投反对票"),
    w("note.late_prepare", "has answered already: ignores another request", "已经答复过：忽略重复的请求"),
    w("note.commits", "logs commit, makes the changes permanent, releases its locks and acknowledges", "写入 commit，使修改生效，释放锁并确认"),
    w("note.rolls_back", "logs abort, undoes the changes, releases its locks and acknowledges", "写入 abort，撤销修改，释放锁并确认"),
    w("note.silent_ignores", "has failed: answers nothing", "已失效：不作任何应答"),
    w("note.fails_before_voting", "fails before voting: it will never answer", "在投票前失效：它永远不会应答"),
    w("note.late_vote", "a vote from n{0} comes after the decision", "来自 n{0} 的投票在决定之后才到达"),
    w("note.got_no", "n{0} votes no: the transaction must abort", "n{0} 投反对票：事务必须中止"),
    w("note.all_yes", "every vote is yes: logs commit (the decision) and sends Commit", "全部赞成：写入 commit（即决定）并发送 Commit"),
    w("note.got_yes", "n{0} votes yes ({1} of {2})", "n{0} 投赞成票（{2} 票中的第 {1} 票）"),
    w("note.acks_again", "knows the outcome already: acknowledges again", "已知道结果：再次确认"),
    w("note.all_acks", "every participant acknowledged: logs end; the transaction is over", "所有参与者都已确认：写入 end，事务结束"),
    w("note.tells", "tells n{0} the outcome", "把结果告诉 n{0}"),
    w("note.undecided_yet", "n{0} asks for the outcome, but there is none yet", "n{0} 询问结果，但尚无结果"),
    w("note.coord_resends", "back up with the outcome in its log: sends it again to every participant", "恢复后日志中有结果：再次发给每个参与者"),
    w("note.coord_over", "back up: its log says the transaction is over", "恢复：日志表明事务已结束"),
    w("note.recovers_unvoted", "back up without a vote in its log: it promised nothing and waits for the outcome", "恢复后日志中没有投票：它未作任何承诺，等待结果"),
    w("note.recovers_decided", "back up with the outcome in its log: nothing left to do", "恢复后日志中已有结果：无事可做"),
    // Metric formulas that are words rather than algebra.
    w("formula.counted", "counted", "计数"),
    // What is wrong with a hand-edited link (the scenario URL), key by key.
    w("url.problem", "{0}: {1}", "{0}：{1}"),
    w("url.list", "{0}, {1}", "{0}、{1}"),
    w("url.twice", "'{0}' is given more than once; the last value '{1}' is used", "“{0}”出现了不止一次；使用最后一个值“{1}”"),
    w("url.version", "format version '{0}' is not supported; accepted: {1} (read as version {1})", "不支持格式版本“{0}”；可接受：{1}（按版本 {1} 读取）"),
    w("url.proto", "'{0}' is not a protocol; accepted: {1} (showing {2})", "“{0}”不是一个协议；可接受：{1}（显示 {2}）"),
    w("url.no_proto", "'{0}' is not a protocol", "“{0}”不是一个协议"),
    w("url.n", "'{0}' is not accepted; expected a whole number of nodes from {1} to {2} for {3}", "不接受“{0}”；{3} 的节点数应为 {1} 到 {2} 的整数"),
    w("url.seed", "'{0}' is not accepted; expected a whole number from 0 to {1}", "不接受“{0}”；应为 0 到 {1} 的整数"),
    w("url.topo.bad", "'{0}' is not accepted for {1} ({2}); accepted: {3}", "{1} 不接受“{0}”（{2}）；可接受：{3}"),
    w("url.topo.kind", "'{0}' is not accepted for {1}; accepted: {2}", "{1} 不接受“{0}”；可接受：{2}"),
    w("url.topo.build", "'{0}' is not accepted for {1} with {2} nodes ({3}); accepted: {4}", "{1} 在 {2} 个节点时不接受“{0}”（{3}）；可接受：{4}"),
    w("url.delay", "'{0}' is not accepted; expected MIN-MAX ticks with 1 <= MIN <= MAX <= {1}, e.g. 40-80", "不接受“{0}”；应为 MIN-MAX 个时间单位，且 1 <= MIN <= MAX <= {1}，例如 40-80"),
    w("url.percent", "'{0}' is not accepted; expected a percentage from 0 to 100 with at most 4 decimals, e.g. 0.5", "不接受“{0}”；应为 0 到 100 之间的百分比，最多 4 位小数，例如 0.5"),
    w("url.spike", "'{0}' is not accepted; expected PERCENT/TICKS: with that chance (above 0, at most 100, up to 4 decimals) a message takes TICKS more (1 to {1}), e.g. 5/400", "不接受“{0}”；应为 百分比/时间单位：消息以该概率（大于 0，至多 100，最多 4 位小数）多花 TICKS 个时间单位（1 到 {1}），例如 5/400"),
    w("url.tail", "'{0}' is not accepted; expected PERCENT/TICKS: the extra delay passes TICKS (1 to {1}) with that chance and doubles again with it each time (above 0, below 100), e.g. 25/50", "不接受“{0}”；应为 百分比/时间单位：额外延迟以该概率（大于 0，小于 100）超过 TICKS 个时间单位（1 到 {1}），并且每次以同样概率再翻倍，例如 25/50"),
    w("url.fifo", "'{0}' is not accepted; expected 1 or 0 (on/off, true/false)", "不接受“{0}”；应为 1 或 0（on/off、true/false）"),
    w("url.lang", "'{0}' is not accepted; expected zh or en", "不接受“{0}”；应为 zh 或 en"),
    w("url.act.node", "'{0}' names node {1}, but nodes are 0 to {2}; skipped", "“{0}”提到了节点 {1}，但节点编号为 0 到 {2}；已跳过"),
    w("url.act.skipped", "{0}; skipped", "{0}；已跳过"),
    w("url.at", "'{0}' is not accepted; expected a step number, optionally with the instant shown, e.g. 57 or 57@1230", "不接受“{0}”；应为步数，可附带所显示的时刻，例如 57 或 57@1230"),
    // View settings in a link: the scenario parser reports them, the page applies them.
    w("url.cut", "'{0}' is not accepted; expected one instant per node, whole numbers joined by dots, e.g. {1}", "不接受“{0}”；应为每个节点一个时刻，用点连接的整数，例如 {1}"),
    w("url.cut.count", "'{0}' gives {1} instants, but there are {2} nodes; expected one per node, e.g. {3}", "“{0}”给出了 {1} 个时刻，但共有 {2} 个节点；应为每个节点一个，例如 {3}"),
    w("url.view", "'{0}' is not accepted; expected one of {1}", "不接受“{0}”；应为以下之一：{1}"),
    // Topologies as written in a link, and what is wrong with one.
    w("topo.form.tree", "tree, tree:D (D children per node, {0} to {1})", "tree、tree:D（每个节点 D 个子节点，{0} 到 {1}）"),
    w("topo.form.edges", "edges:A-B.C-D... (undirected edges between nodes 0 to N-1, no self-loops or repeats)", "edges:A-B.C-D...（节点 0 到 N-1 之间的无向边，不能有自环或重复）"),
    w("topo.err.parse", "'{0}' is not accepted ({1}); accepted: {2}", "不接受“{0}”（{1}）；可接受：{2}"),
    w("topo.err.unknown", "'{0}' is not a topology", "“{0}”不是一种拓扑"),
    w("topo.err.arity", "the number of children in tree:D must be a whole number from {0} to {1}, not '{2}'", "tree:D 中的子节点数必须是 {0} 到 {1} 的整数，而不是“{2}”"),
    w("topo.err.edges_list", "edges needs its list, e.g. edges:0-1.1-2", "edges 需要给出边列表，例如 edges:0-1.1-2"),
    w("topo.err.no_arg", "{0} takes no ':' argument", "{0} 不接受“:”后的参数"),
    w("topo.err.edge_form", "edge '{0}' is not two node numbers joined by '-', e.g. 0-1", "边“{0}”不是用“-”连接的两个节点编号，例如 0-1"),
    w("topo.err.edges_empty", "the edge list is empty; write edges as A-B separated by '.', e.g. edges:0-1.1-2", "边列表为空；请把每条边写成 A-B，并用“.”分隔，例如 edges:0-1.1-2"),
    w("topo.err.self_loop", "edge {0}-{1} links a node to itself; self-loops are not accepted", "边 {0}-{1} 把节点连到它自己；不接受自环"),
    w("topo.err.twice", "edge {0}-{1} is listed twice; each link is undirected and listed once", "边 {0}-{1} 出现了两次；链路是无向的，每条只能列出一次"),
    w("topo.err.tree_arity", "tree:{0} has {0} children per node; accepted: {1} to {2}", "tree:{0} 每个节点有 {0} 个子节点；可接受：{1} 到 {2}"),
    w("topo.err.complete_limit", "a complete graph of {0} nodes would store every pair; up to {1} nodes are drawn complete, beyond that use peers (anyone may talk to anyone, no edges)", "{0} 个节点的完全图要存储每一对节点；至多 {1} 个节点可用完全图，更多时请用 peers（任意两点都可通信，不存储边）"),
    w("topo.err.edge_node", "edge {0}-{1} names node {2}, but with {3} nodes they are 0 to {4}", "边 {0}-{1} 提到了节点 {2}，但 {3} 个节点的编号为 0 到 {4}"),
    // Parameter values: what is accepted, and what is wrong.
    w("param.accept.int", "an integer from {0} to {1}", "{0} 到 {1} 的整数"),
    w("param.accept.bool", "on or off", "on 或 off"),
    w("param.accept.choice", "one of {0}", "{0} 之一"),
    w("param.accept.node", "a node id from 0 to {0}", "0 到 {0} 的节点编号"),
    w("param.accept.ids", "{0} distinct whole numbers from 1 to 4294967295 separated by '.', e.g. 5.3.9.1, or nothing to let the protocol choose", "{0} 个互不相同的整数（1 到 4294967295），用“.”分隔，例如 5.3.9.1；或留空，由协议选择"),
    w("param.err.bad", "'{0}' is not accepted; expected {1}", "不接受“{0}”；应为 {1}"),
    w("param.err.with_n", "'{0}' is not accepted with {1} nodes; expected {2}", "{1} 个节点时不接受“{0}”；应为 {2}"),
    w("param.err.twice", "'{0}' is not accepted: {1} appears twice; expected {2}", "不接受“{0}”：{1} 出现了两次；应为 {2}"),
    w("param.err.not_positive", "'{0}' is not accepted: '{1}' is not a positive whole number; expected {2}", "不接受“{0}”：“{1}”不是正整数；应为 {2}"),
    // Interventions as written in a link.
    w("act.anchor_forms", "send.KIND[.nNODE][.COUNT] or mark.TAG[.nNODE][.COUNT], e.g. send.prepare.n0.2", "send.KIND[.nNODE][.COUNT] 或 mark.TAG[.nNODE][.COUNT]（例如 send.prepare.n0.2）"),
    w("act.err.bad", "'{0}' is not an intervention; accepted forms: {1}", "“{0}”不是有效的干预；可用的形式：{1}"),
    w("act.err.timed", "'{0}' is not a timed intervention; expected STEP[@TIME]:ACT, e.g. 12@340:crash:3, where ACT is one of {1}", "“{0}”不是有效的定时干预；应为 STEP[@TIME]:ACT，例如 12@340:crash:3，其中 ACT 为以下之一：{1}"),
    w("act.err.timed_act", "'{0}' is not an intervention; expected STEP[@TIME]:ACT where ACT is one of {1}", "“{0}”不是有效的干预；应为 STEP[@TIME]:ACT，其中 ACT 为以下之一：{1}"),
    w("act.err.anchored", "'{0}' is not an anchored intervention; expected ANCHOR:ACT where ANCHOR is {1} and ACT is one of {2}", "“{0}”不是有效的锚定干预；应为 ANCHOR:ACT，其中 ANCHOR 为 {1}，ACT 为以下之一：{2}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_render_in_both_languages_with_arguments() {
        let d_en = Dictionary::new(Lang::En, &[], &[]);
        let d_zh = Dictionary::new(Lang::Zh, &[], &[]);
        let t = phrase!("ev.send", phrase!("ev.node", 1), Text::plain("token"), phrase!("ev.node", 2));
        assert_eq!(d_en.render(&t), "n1 sends token to n2");
        assert_eq!(d_zh.render(&t), "n1 向 n2 发送 token");
        assert_eq!(d_en.render(&Text::key("no.such.key")), "⟦no.such.key⟧");
        assert_eq!(fill("{1} and {0}, {x}", &["a".into(), "b".into()]), "b and a, {x}");
    }

    #[test]
    fn language_tags_parse() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn core_words_are_unique_and_complete() {
        let mut keys: Vec<&str> = CORE.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "a key is defined twice");
        for w in CORE {
            assert!(!w.en.is_empty() && !w.zh.is_empty(), "{} lacks a language", w.key);
            // Both languages use the same placeholders.
            for i in 0..6 {
                let p = format!("{{{i}}}");
                assert_eq!(w.en.contains(&p), w.zh.contains(&p), "{}: placeholder {p}", w.key);
            }
        }
    }
}
