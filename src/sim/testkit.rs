//! Small protocols for testing the core itself, not taught anywhere.

use super::engine::{Engine, RunView};
use super::network::NetworkConfig;
use super::params::Params;
use super::protocol::*;
use super::topology::Topology;
use super::view::{NodeView, Tone};
use super::NodeId;
use crate::words::Text;

/// The family of the core's test protocols.
pub static TEST_FAMILY: Family = Family { id: "test", words: &[crate::words::w("family.test", "Test", "测试")], compare: &[] };

/// Node 0 pings everyone once; everyone pongs back. Enough to exercise the engine.
pub struct PingPong;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ping {
    Ping,
    Pong,
}

/// PingPong's one timer.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum PingTimer {
    Done,
}

impl Protocol for PingPong {
    type State = u32;
    type Msg = Ping;
    type Timer = PingTimer;
    type Stats = ();
    fn info() -> ProtocolInfo {
        ProtocolInfo::new("ping-pong", &TEST_FAMILY, (2, 10, 3))
    }
    fn build(_: &Setup) -> Result<Self, String> {
        Ok(PingPong)
    }
    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> u32 {
        if me == 0 {
            ctx.broadcast(Ping::Ping);
            ctx.set_timer(1000, PingTimer::Done);
        }
        0
    }
    fn on_message(&self, _: NodeId, s: &mut u32, from: NodeId, m: Ping, ctx: &mut Ctx<Self>) {
        *s += 1;
        if let Ping::Ping = m {
            ctx.send(from, Ping::Pong);
        }
    }
    fn view(&self, _: NodeId, s: &u32) -> NodeView {
        NodeView::new("node", Tone::Idle).badge(*s)
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant { id: "pongs", check: |_, snap| if snap.states[0] <= 2 { Ok(()) } else { Err(Breach { nodes: vec![0], detail: Text::plain("too many") }) } }]
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        vec![]
    }
}

pub fn setup(n: usize, topology: Topology) -> Setup {
    Setup::new(n, topology, Params::default(), 1).expect("a valid test topology")
}

pub fn ping_pong(n: usize, seed: u64, config: NetworkConfig) -> Engine<PingPong> {
    Engine::new(PingPong, setup(n, Topology::Complete), config, seed)
}

// ---------------------------------------------------------------------------------------
// Showcase: one small protocol that uses every capability the core offers a protocol.

use super::monitor::{multicast_id, ByMarks, CausalOrder, FifoOrder, Monitor, TotalOrder};
use super::params::ParamSpec;
use super::trace::{Event, EventKind, Trace};
use super::view::{Cell, CellRow, Chart, ChartKind, Glyph, Group, Overlay, Placement, Series, Table};
use super::Time;
use crate::phrase;
use crate::words::{w, Words};

/// Servers (the first half of the nodes, rounded up) and clients (the rest; the last node
/// joins later). A `put V` input sends V to every server (`send_group`); a server queues
/// what it receives and, `hold` ticks after the first unapplied value, applies its queue
/// (the `Apply` timer, drawn as a countdown). With `beat > 0` every server also sends its
/// beat counter to the other servers every `beat` ticks, so the run never ends. A
/// `prepare` input sends Prepare to every other node in one handler (for anchored crashes).
pub struct Showcase {
    pub n: usize,
    hold: Time,
    beat: Time,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ShowNode {
    /// Values received, in arrival order.
    pub queue: Vec<i64>,
    /// Values before this index are applied.
    pub applied: usize,
    pub apply_armed: bool,
    /// Values received from each sender.
    pub from: std::collections::BTreeMap<NodeId, u32>,
    pub hellos: u32,
    pub beats: u64,
    pub prepares: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ShowMsg {
    Put(i64),
    Hello,
    Prepare,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ShowTimer {
    Apply,
    Beat,
}

/// Messages sent by each group's members, over time.
#[derive(Clone, Debug, Default)]
pub struct ShowStats {
    /// Per group (in `groups()` order): sends so far and their series.
    pub sent: Vec<u64>,
    pub series: Vec<Series>,
}

/// Counted in [`Showcase::observe`], which needs the groups.
impl Observe for ShowStats {}

pub const PUT: InputSpec = InputSpec::with("put", ArgKind::Int { min: 0, max: 99 });
pub const PREPARE: InputSpec = InputSpec::plain("prepare");

impl Showcase {
    pub fn servers(&self) -> usize {
        self.n.div_ceil(2)
    }
    pub fn is_server(&self, me: NodeId) -> bool {
        me < self.servers()
    }
    pub fn group_of(&self, me: NodeId) -> usize {
        if self.is_server(me) {
            0
        } else {
            1
        }
    }
}

impl Protocol for Showcase {
    type State = ShowNode;
    type Msg = ShowMsg;
    type Timer = ShowTimer;
    type Stats = ShowStats;

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("showcase", &TEST_FAMILY, (3, 16, 5))
            .params(vec![ParamSpec::int("hold", 1, 10_000, 100), ParamSpec::int("beat", 0, 10_000, 0)])
            .inputs(&[PUT, PREPARE])
            .words(SHOW_WORDS)
    }

    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Showcase { n: setup.n, hold: setup.params.int("hold") as Time, beat: setup.params.int("beat") as Time })
    }

    fn init(&self, me: NodeId, ctx: &mut Ctx<Self>) -> ShowNode {
        if self.is_server(me) {
            if self.beat > 0 {
                ctx.set_timer(self.beat, ShowTimer::Beat);
            }
        } else {
            ctx.note(Text::key("note.hello"));
            ctx.send_group("servers", ShowMsg::Hello);
        }
        ShowNode::default()
    }

    fn joins_later(&self, me: NodeId) -> bool {
        me == self.n - 1
    }

    fn on_message(&self, _me: NodeId, s: &mut ShowNode, from: NodeId, m: ShowMsg, ctx: &mut Ctx<Self>) {
        match m {
            ShowMsg::Put(v) => {
                s.queue.push(v);
                *s.from.entry(from).or_insert(0) += 1;
                ctx.mark_with("got", v as u64);
                if !s.apply_armed {
                    s.apply_armed = true;
                    ctx.set_timer(self.hold, ShowTimer::Apply);
                }
            }
            ShowMsg::Hello => s.hellos += 1,
            ShowMsg::Prepare => s.prepares += 1,
        }
    }

    fn on_timer(&self, _me: NodeId, s: &mut ShowNode, t: ShowTimer, ctx: &mut Ctx<Self>) {
        match t {
            ShowTimer::Apply => {
                s.apply_armed = false;
                s.applied = s.queue.len();
                ctx.mark_with("applied", s.applied as u64);
                ctx.note(phrase!("note.applied", s.applied));
            }
            ShowTimer::Beat => {
                s.beats += 1;
                ctx.silent();
                ctx.send_group("servers", ShowMsg::Put(s.beats as i64));
                ctx.set_timer(self.beat, ShowTimer::Beat);
            }
        }
    }

    fn on_input(&self, _me: NodeId, _s: &mut ShowNode, i: &Input, ctx: &mut Ctx<Self>) {
        match i.id {
            "put" => {
                let v = i.arg_int().expect("the engine checked the argument");
                ctx.mark_with("put", v as u64);
                ctx.send_group("servers", ShowMsg::Put(v));
            }
            "prepare" => {
                ctx.mark("prepare");
                ctx.broadcast(ShowMsg::Prepare);
            }
            _ => {}
        }
    }

    fn groups(&self) -> Vec<Group> {
        vec![
            Group { id: "servers", members: (0..self.servers()).collect() },
            Group { id: "clients", members: (self.servers()..self.n).collect() },
        ]
    }

    fn placement(&self) -> Placement {
        Placement::Columns(vec!["servers", "clients"])
    }

    fn label(&self, m: &ShowMsg) -> MsgLabel {
        match m {
            ShowMsg::Put(v) => MsgLabel::new("put", format!("v={v}")),
            ShowMsg::Hello => MsgLabel::new("hello", ""),
            ShowMsg::Prepare => MsgLabel::new("prepare", ""),
        }
    }

    fn countdown(&self, t: &ShowTimer) -> bool {
        matches!(t, ShowTimer::Apply)
    }

    fn view(&self, me: NodeId, s: &ShowNode) -> NodeView {
        let server = self.is_server(me);
        let pending = s.queue.len() > s.applied;
        let tone = if pending { Tone::Waiting } else { Tone::Idle };
        let mut v = NodeView::new(if server { "server" } else { "client" }, tone)
            .badge(phrase!("badge.queued", s.queue.len()))
            .glyph_if(pending, Glyph::Lock)
            .glyph_if(s.applied > 0, Glyph::Key)
            .glyph_if(me == 0, Glyph::Crown)
            .detail("hellos", s.hellos)
            .detail("prepares", s.prepares);
        if server {
            v = v
                .row(CellRow {
                    label: "queue",
                    cells: s.queue.iter().map(|&x| Cell { text: x.to_string(), shade: (x % 4) as u32 }).collect(),
                    marked_upto: Some(s.applied),
                })
                .table(Table {
                    columns: vec!["from", "count"],
                    rows: s.from.iter().map(|(&f, &c)| vec![phrase!("ev.node", f), Text::from(c)]).collect(),
                });
        }
        v
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant {
            id: "applied_prefix",
            check: |_, snap| Breach::unless_empty(snap.live_where(|s| s.applied > s.queue.len()), |bad| phrase!("breach.applied", crate::words::nodes(bad))),
        }]
    }

    fn observe(&self, stats: &mut ShowStats, e: &Event, _log: &Trace) {
        if stats.series.is_empty() {
            let groups = self.groups();
            stats.sent = vec![0; groups.len()];
            stats.series = groups.iter().map(|g| Series::new(Text::Id("series", g.id))).collect();
        }
        if let (EventKind::Send { .. }, Some(node)) = (&e.kind, e.node) {
            let g = self.group_of(node);
            stats.sent[g] += 1;
            stats.series[g].push(e.time, stats.sent[g] as f64);
        }
    }

    fn metrics(&self, stats: &ShowStats, _run: &RunView<Self>) -> Vec<Metric> {
        vec![Metric {
            id: "sent",
            measured: Some(stats.sent.iter().sum::<u64>() as f64),
            textbook: Textbook::Unbounded,
            formula: Text::key("formula.counted"),
        }]
    }

    fn charts(&self, stats: &ShowStats, _run: &RunView<Self>) -> Vec<Chart> {
        vec![Chart { id: "messages", kind: ChartKind::Lines, series: stats.series.clone() }]
    }

    /// The selected node's group, outlined; and always the fixed cycle 0 → 1 → 2 → 0.
    fn overlays(&self, run: &RunView<Self>, selected: Option<NodeId>) -> Vec<Overlay> {
        let mut out = vec![Overlay::Arrows { label: Text::key("overlay.cycle"), edges: vec![(0, 1), (1, 2), (2, 0)], alarm: true }];
        if let Some(me) = selected.filter(|&me| me < self.n) {
            let group = &self.groups()[self.group_of(me)];
            out.push(Overlay::Set { label: Text::Id("group", group.id), nodes: group.members.clone() });
        }
        // The frontier now: every node's line up to the present (a consistent cut).
        out.push(Overlay::Cut { label: Text::key("overlay.now"), at: vec![run.now; self.n], alarm: false });
        out
    }
}

pub const SHOW_WORDS: Words = &[
    w("name", "Showcase", "能力展示"),
    w("summary", "A test protocol that uses every capability of the core.", "一个使用核心全部能力的测试协议。"),
    w("param.hold", "Ticks before a server applies what it received", "服务器应用所收值之前等待的时间单位数"),
    w("param.beat", "Ticks between a server's heartbeats (0: none)", "服务器心跳之间的时间单位数（0：无心跳）"),
    w("input.put", "Put a value…", "写入一个值…"),
    w("input.prepare", "Send Prepare to everyone", "向所有节点发送 Prepare"),
    w("role.server", "server", "服务器"),
    w("role.client", "client", "客户端"),
    w("group.servers", "servers", "服务器组"),
    w("overlay.now", "now", "此刻"),
    w("group.clients", "clients", "客户端组"),
    w("series.servers", "sent by servers", "服务器发出"),
    w("series.clients", "sent by clients", "客户端发出"),
    w("chart.messages", "messages sent over time", "随时间发送的消息数"),
    w("overlay.cycle", "a fixed cycle", "固定的环路"),
    w("badge.queued", "{0} queued", "已排队 {0} 个"),
    w("detail.queue", "received values", "收到的值"),
    w("detail.from", "sender", "发送者"),
    w("detail.count", "values", "值的个数"),
    w("detail.hellos", "hellos received", "收到的问候数"),
    w("detail.prepares", "prepares received", "收到的 Prepare 数"),
    w("msg.put", "put", "写入"),
    w("msg.hello", "hello", "问候"),
    w("msg.prepare", "prepare", "准备"),
    w("timer.apply", "apply", "应用"),
    w("timer.beat", "heartbeat", "心跳"),
    w("note.hello", "greets the servers", "向服务器问候"),
    w("note.applied", "applies {0} values", "应用了 {0} 个值"),
    w("inv.applied_prefix", "applied prefix", "已应用前缀"),
    w("inv.applied_prefix.about", "A node never applies more values than it has received.", "节点应用的值绝不多于它收到的值。"),
    w("breach.applied", "nodes {0} applied values they never received", "节点 {0} 应用了从未收到的值"),
    w("metric.sent", "messages sent", "已发送消息数"),
];

pub fn showcase(n: usize, hold: i64, beat: i64, seed: u64, config: NetworkConfig) -> Engine<Showcase> {
    let mut params = Params::defaults(&Showcase::info().params);
    params.0.insert("hold", super::params::ParamValue::Int(hold));
    params.0.insert("beat", super::params::ParamValue::Int(beat));
    let setup = Setup::new(n, Topology::Complete, params, seed).expect("a valid test topology");
    Engine::new(Showcase::build(&setup).expect("valid settings"), setup, config, seed)
}

// ---------------------------------------------------------------------------------------
// Multicaster: each `send` input multicasts to every other node; the sender delivers its
// own message at once and the others on receipt, whatever the order, so the order
// monitors have something to judge. (The monitors count the sender among those who
// deliver, as the textbooks' definitions do: without the self-delivery, the causal and
// total order monitors would report runs that are in order.)

const SEND: InputSpec = InputSpec::plain("send");

pub struct Multicaster {
    pub n: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Caster {
    pub sent: u64,
    /// Multicast ids in delivery order.
    pub delivered: Vec<u64>,
}

impl Protocol for Multicaster {
    type State = Caster;
    type Msg = u64;
    type Timer = NoTimer;
    type Stats = ();

    fn info() -> ProtocolInfo {
        ProtocolInfo::new("multicaster", &TEST_FAMILY, (2, 10, 3))
            .network(NetworkConfig { fifo: false, ..NetworkConfig::default() })
            .inputs(&[SEND])
    }
    fn build(setup: &Setup) -> Result<Self, String> {
        Ok(Multicaster { n: setup.n })
    }
    fn init(&self, _: NodeId, _: &mut Ctx<Self>) -> Caster {
        Caster::default()
    }
    fn on_message(&self, _: NodeId, s: &mut Caster, _: NodeId, id: u64, ctx: &mut Ctx<Self>) {
        s.delivered.push(id);
        ctx.mark_with("deliver", id);
    }
    fn on_input(&self, me: NodeId, s: &mut Caster, _: &Input, ctx: &mut Ctx<Self>) {
        s.sent += 1;
        let id = multicast_id(me, s.sent);
        ctx.mark_with("multicast", id);
        s.delivered.push(id);
        ctx.mark_with("deliver", id);
        ctx.broadcast(id);
    }
    fn label(&self, id: &u64) -> MsgLabel {
        let (origin, seq) = super::monitor::multicast_origin(*id);
        MsgLabel::new("data", format!("m{origin}.{seq}"))
    }
    fn view(&self, _: NodeId, s: &Caster) -> NodeView {
        NodeView::new("node", Tone::Idle).badge(s.delivered.len())
    }
    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![]
    }
    fn monitors(&self) -> Vec<Box<dyn Monitor>> {
        vec![ByMarks::boxed(FifoOrder::default()), Box::new(CausalOrder::new(self.n)), Box::new(TotalOrder::new(self.n))]
    }
    fn metrics(&self, _: &(), _: &RunView<Self>) -> Vec<Metric> {
        vec![]
    }
}

pub fn multicaster(n: usize, seed: u64) -> Engine<Multicaster> {
    let config = Multicaster::info().network;
    Engine::new(Multicaster { n }, setup(n, Topology::Complete), config, seed)
}
