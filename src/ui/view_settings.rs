//! How a link asks the page to show its run: speed, stamps, the diagram's span, what is
//! selected, the theme, the text size, a drawn cut, embedding and presenter mode. None of
//! it changes the run, so the core's [`Scenario`] ignores these keys and the page reads
//! them here, from the same link, with the same banner messages for a bad value.

use crate::phrase;
use crate::sim::params::parse_bool;
use crate::sim::scenario::{link_pairs, Scenario, ScenarioError};
use crate::sim::simulation::ProtocolEntry;
use crate::sim::Time;
use crate::words::Text;

/// Speeds a link may ask for, as multiples of the normal pace (key `speed`).
pub const VIEW_SPEEDS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0];
/// Widths of the time-space window in ticks (key `span`).
pub const VIEW_SPANS: &[Time] = &[200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1600, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10_000, 12_000, 16_000, 20_000];
/// Text sizes, in percent of the normal size (key `text`).
pub const VIEW_TEXT: &[u32] = &[100, 125, 150, 175, 200];

/// What is selected when the link opens (key `sel`): `n3` a node, `e57` an event on the
/// diagram, `m12` a message in flight, `l2-3` a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewSelection {
    Node(usize),
    Event(usize),
    Message(usize),
    Link(usize, usize),
}

impl ViewSelection {
    pub fn encode(self) -> String {
        match self {
            ViewSelection::Node(i) => format!("n{i}"),
            ViewSelection::Event(i) => format!("e{i}"),
            ViewSelection::Message(i) => format!("m{i}"),
            ViewSelection::Link(a, b) => format!("l{a}-{b}"),
        }
    }
    pub fn parse(text: &str) -> Option<ViewSelection> {
        let (kind, rest) = text.split_at(text.char_indices().nth(1).map_or(text.len(), |(i, _)| i));
        let num = |t: &str| t.parse::<usize>().ok();
        match kind {
            "n" => num(rest).map(ViewSelection::Node),
            "e" => num(rest).map(ViewSelection::Event),
            "m" => num(rest).map(ViewSelection::Message),
            "l" => rest.split_once('-').and_then(|(a, b)| Some(ViewSelection::Link(num(a)?, num(b)?))),
            _ => None,
        }
    }
}

/// Which clock stamps the time-space diagram writes beside its events: a lecturer hides
/// them to ask the class first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamps {
    Lamport,
    Vector,
    Both,
    None,
}

impl Stamps {
    pub const ALL: [Stamps; 4] = [Stamps::Lamport, Stamps::Vector, Stamps::Both, Stamps::None];
    /// The link's word. `vector` meant "vectors too" before the modes were split, so old
    /// links keep it for both; vector stamps alone are `vonly`.
    pub fn encode(self) -> &'static str {
        match self {
            Stamps::Lamport => "lamport",
            Stamps::Vector => "vonly",
            Stamps::Both => "vector",
            Stamps::None => "none",
        }
    }
    pub fn parse(v: &str) -> Option<Stamps> {
        match v {
            "lamport" => Some(Stamps::Lamport),
            "vonly" => Some(Stamps::Vector),
            "vector" | "both" => Some(Stamps::Both),
            "none" => Some(Stamps::None),
            _ => None,
        }
    }
    pub fn lamport(self) -> bool {
        matches!(self, Stamps::Lamport | Stamps::Both)
    }
    pub fn vector(self) -> bool {
        matches!(self, Stamps::Vector | Stamps::Both)
    }
}

/// The view settings a link carries; None leaves the viewer's own (or the default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewSettings {
    /// One of [`VIEW_SPEEDS`].
    pub speed: Option<f64>,
    /// Which stamps the diagram writes on its events (`stamps=`, see [`Stamps`]).
    pub stamps: Option<Stamps>,
    /// One of [`VIEW_SPANS`] (key `span`).
    pub zoom: Option<Time>,
    pub select: Option<ViewSelection>,
    /// `theme=dark` or `theme=light`.
    pub dark: Option<bool>,
    /// One of [`VIEW_TEXT`].
    pub text: Option<u32>,
    /// `cut=T0.T1.T2`: a cut drawn on the diagram, one instant per node (the cut passes
    /// right after that instant on that node's line), so a link can show "this
    /// inconsistent cut".
    pub cut: Option<Vec<Time>>,
    /// `embed=1`: just the simulation (topology, diagram, play, step, reset), sized to its
    /// frame, for an `<iframe>` in a course page or a slide.
    pub embed: Option<bool>,
    /// `present=1`: presenter mode, for a projector in a lecture hall: the pictures, the
    /// invariants and the costs on one screen in large type, the settings folded away.
    pub present: Option<bool>,
}

fn format_speed(x: f64) -> String {
    format!("{x}")
}

fn err(key: &str, message: Text) -> ScenarioError {
    ScenarioError { key: key.to_string(), message }
}

impl ViewSettings {
    /// Read the view keys of a link whose run has `n` nodes (a cut has one instant per
    /// node). A bad value is left out and said, as [`Scenario::parse`] says a bad run key.
    pub fn parse(text: &str, n: usize) -> (ViewSettings, Vec<ScenarioError>) {
        let pairs = link_pairs(text);
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let mut errors = Vec::new();
        let mut s = ViewSettings::default();
        if let Some(v) = get("speed") {
            let accepted: Vec<String> = VIEW_SPEEDS.iter().map(|x| format_speed(*x)).collect();
            match v.trim_end_matches(['x', '×']).parse::<f64>().ok().filter(|x| VIEW_SPEEDS.contains(x)) {
                Some(x) => s.speed = Some(x),
                None => errors.push(err("speed", phrase!("url.view", v, accepted.join(", ")))),
            }
        }
        if let Some(v) = get("stamps") {
            match Stamps::parse(v) {
                Some(x) => s.stamps = Some(x),
                None => errors.push(err("stamps", phrase!("url.view", v, "lamport, vector, vonly, none"))),
            }
        }
        if let Some(v) = get("span") {
            let accepted: Vec<String> = VIEW_SPANS.iter().map(|x| x.to_string()).collect();
            match v.parse::<Time>().ok().filter(|x| VIEW_SPANS.contains(x)) {
                Some(x) => s.zoom = Some(x),
                None => errors.push(err("span", phrase!("url.view", v, accepted.join(", ")))),
            }
        }
        if let Some(v) = get("sel") {
            match ViewSelection::parse(v) {
                Some(x) => s.select = Some(x),
                None => errors.push(err("sel", phrase!("url.view", v, "n3, e57, m12, l2-3"))),
            }
        }
        if let Some(v) = get("theme") {
            match v {
                "dark" => s.dark = Some(true),
                "light" => s.dark = Some(false),
                _ => errors.push(err("theme", phrase!("url.view", v, "light, dark"))),
            }
        }
        if let Some(v) = get("text") {
            let accepted: Vec<String> = VIEW_TEXT.iter().map(|x| x.to_string()).collect();
            match v.trim_end_matches('%').parse::<u32>().ok().filter(|x| VIEW_TEXT.contains(x)) {
                Some(x) => s.text = Some(x),
                None => errors.push(err("text", phrase!("url.view", v, accepted.join(", ")))),
            }
        }
        if let Some(v) = get("cut") {
            let example = (0..n).map(|i| (i * 100).to_string()).collect::<Vec<_>>().join(".");
            match v.split('.').map(|x| x.parse::<Time>()).collect::<Result<Vec<_>, _>>() {
                Ok(at) if at.len() == n => s.cut = Some(at),
                Ok(at) => errors.push(err("cut", phrase!("url.cut.count", v, at.len(), n, example))),
                Err(_) => errors.push(err("cut", phrase!("url.cut", v, example))),
            }
        }
        for (key, slot) in [("embed", &mut s.embed), ("present", &mut s.present)] {
            if let Some(v) = get(key) {
                match parse_bool(v) {
                    Some(b) => *slot = Some(b),
                    None => errors.push(err(key, phrase!("url.view", v, "1, 0"))),
                }
            }
        }
        (s, errors)
    }

    /// The keys to append to a run's fragment, each `&key=value`, in a fixed order so
    /// equal views give equal links.
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        if let Some(x) = self.speed {
            out.push_str(&format!("&speed={}", format_speed(x)));
        }
        if let Some(x) = self.stamps {
            out.push_str(&format!("&stamps={}", x.encode()));
        }
        if let Some(x) = self.zoom {
            out.push_str(&format!("&span={x}"));
        }
        if let Some(x) = self.select {
            out.push_str(&format!("&sel={}", x.encode()));
        }
        if let Some(x) = self.dark {
            out.push_str(if x { "&theme=dark" } else { "&theme=light" });
        }
        if let Some(x) = self.text {
            out.push_str(&format!("&text={x}"));
        }
        if let Some(at) = &self.cut {
            out.push_str(&format!("&cut={}", at.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(".")));
        }
        if let Some(x) = self.embed {
            out.push_str(if x { "&embed=1" } else { "&embed=0" });
        }
        if let Some(x) = self.present {
            out.push_str(if x { "&present=1" } else { "&present=0" });
        }
        out
    }

    /// What survives a fresh start (reset, new settings): how the page is framed (embedded,
    /// presenting) and a cut the link drew; the rest is the viewer's to keep or lose.
    pub fn framing(&self) -> ViewSettings {
        ViewSettings { cut: self.cut.clone(), embed: self.embed, present: self.present, ..ViewSettings::default() }
    }
}

/// A link as the page reads it: the run, how to show it, and every problem in the order
/// the link's keys are read (the run's, then the view's, then interventions and cursor).
pub fn parse_link(text: &str, registry: &[ProtocolEntry]) -> (Scenario, ViewSettings, Vec<ScenarioError>) {
    let (scenario, mut errors) = Scenario::parse(text, registry);
    let (view, view_errors) = ViewSettings::parse(text, scenario.n);
    // Interventions and the cursor are read after the view keys; a key given twice is
    // said before everything.
    let twice = |e: &ScenarioError| matches!(e.message, Text::Phrase("url.twice", _));
    let mut at = errors.len();
    while at > 0 && matches!(errors[at - 1].key.as_str(), "act" | "at") && !twice(&errors[at - 1]) {
        at -= 1;
    }
    errors.splice(at..at, view_errors);
    (scenario, view, errors)
}

/// The fragment of a run shown as `view` says (without '#').
pub fn link(scenario: &Scenario, view: &ViewSettings) -> String {
    scenario.to_fragment() + &view.to_query()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::REGISTRY;
    use crate::words::{Dictionary, Lang};

    fn banner(text: &str, lang: Lang) -> Vec<String> {
        let d = Dictionary::new(lang, &[], crate::ui::words::UI);
        parse_link(text, REGISTRY).2.iter().map(|e| d.render(&e.text())).collect()
    }

    #[test]
    fn view_keys_round_trip_after_the_run() {
        let base = Scenario::parse_strict("proto=election-ring&n=8", REGISTRY).unwrap().to_fragment();
        let framed = format!("{base}&at=12&speed=4&stamps=vector&span=600&sel=e57&theme=dark&text=150&cut=0.1.2.3.4.5.6.7&embed=1&present=0");
        let (scenario, view, errors) = parse_link(&framed, REGISTRY);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(view.speed, Some(4.0));
        assert_eq!(view.stamps, Some(Stamps::Both));
        assert_eq!(view.select, Some(ViewSelection::Event(57)));
        assert_eq!(view.cut.as_deref(), Some(&[0, 1, 2, 3, 4, 5, 6, 7][..]));
        assert_eq!((view.embed, view.present), (Some(true), Some(false)));
        assert_eq!(link(&scenario, &view), framed);
        // The core reads the same link without a word about the view keys.
        assert!(Scenario::parse_strict(&framed, REGISTRY).is_ok());
    }

    #[test]
    fn a_bad_view_value_says_the_same_in_both_languages() {
        let en = banner("v=1&proto=election-ring&n=3&speed=3&cut=1.2", Lang::En);
        assert_eq!(
            en,
            [
                "speed: '3' is not accepted; expected one of 0.25, 0.5, 1, 2, 4, 8",
                "cut: '1.2' gives 2 instants, but there are 3 nodes; expected one per node, e.g. 0.100.200"
            ]
        );
        let zh = banner("v=1&proto=election-ring&n=3&theme=sepia", Lang::Zh);
        assert_eq!(zh.len(), 1);
        assert!(zh[0].starts_with("theme") && zh[0].contains("不接受“sepia”；应为以下之一：light, dark"), "{zh:?}");
    }

    #[test]
    fn problems_keep_the_order_the_keys_are_read_in() {
        let keys: Vec<String> = parse_link("v=1&proto=election-ring&n=3&at=x&embed=2&n=4&act=zz&fifo=9", REGISTRY).2.into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["n", "fifo", "embed", "act", "at"]);
    }

    #[test]
    fn a_fresh_start_keeps_only_the_framing() {
        let (_, view, _) = parse_link("proto=election-ring&n=3&speed=2&sel=n1&cut=1.2.3&embed=1&present=1", REGISTRY);
        assert_eq!(view.framing(), ViewSettings { cut: Some(vec![1, 2, 3]), embed: Some(true), present: Some(true), ..Default::default() });
    }
}
