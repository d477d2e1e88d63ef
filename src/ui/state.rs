//! The app's one state and its one reducer: every change the UI can make is an
//! [`Action`], and this file is where each is read.
//!
//! The run itself (a [`History`]) is not cloneable, so the state holds it in an
//! `Rc<RefCell<_>>` and changes it in place; `version` tells renders apart. An action that
//! changes nothing returns the same `Rc`, so nothing re-renders.
//!
//! All of it is plain Rust ([`AppState::apply`]), tested natively; only the hookup to Yew's
//! reducer is built for the browser alone.

use std::cell::RefCell;
use std::rc::Rc;

use super::view_settings::{self as view_settings, Stamps, ViewSelection, ViewSettings};
use crate::protocols::REGISTRY;
use crate::sim::scenario::Scenario;
use crate::sim::{Act, EventId, History, MsgId, NodeId, ProtocolInfo, Time};
use crate::words::{Dictionary, Lang, Text};

/// Simulated ticks per second of wall time at 1x.
pub const BASE_SPEED: f64 = 80.0;
pub const SPEEDS: &[f64] = view_settings::VIEW_SPEEDS;
/// The speed a page opens at (1×).
pub const DEFAULT_SPEED: usize = 2;
/// A quiet stretch longer than this (in wall seconds at the current speed) is skipped.
const IDLE_SKIP_SECONDS: f64 = 1.5;
/// Cap on steps per animation frame, so a burst never freezes the page.
const MAX_STEPS_PER_FRAME: u64 = 2_000;
/// Widths of the time-space window in ticks, about 25% apart so fitting it to a growing
/// run zooms out gently.
pub const SPANS: &[Time] = view_settings::VIEW_SPANS;
/// Text sizes the page offers, in percent (everything grows together).
pub const TEXT_SIZES: &[u32] = view_settings::VIEW_TEXT;
/// The window that shows the whole run up to `now` (the cursor sits at 80% of it), or
/// the widest one once the run outgrows it.
pub fn fitting_span(now: Time) -> usize {
    SPANS.iter().position(|&s| s as f64 * 0.8 >= now as f64).unwrap_or(SPANS.len() - 1)
}

/// How far End runs on from the furthest step played (it stops earlier if the run ends).
const END_STRIDE: u64 = 5_000;

/// The furthest step a link may ask for: replaying it takes well under a second.
pub const MAX_LINKED_STEP: u64 = 200_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    None,
    Node(NodeId),
    Message(MsgId),
    Event(EventId),
    Link(NodeId, NodeId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

pub struct AppState {
    pub history: Rc<RefCell<History>>,
    pub version: u64,
    /// The run's settings (its interventions live in the history).
    pub scenario: Scenario,
    /// How the link asked the run to be shown; embedding and presenter mode are read from
    /// here for as long as the page lives.
    pub view: ViewSettings,
    pub info: ProtocolInfo,
    /// The instant the picture shows: the current step's time, or later while playing.
    pub display_time: Time,
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Index into [`SPANS`]: how many ticks the time-space diagram shows; None fits the
    /// run so far (growing with it) until the user zooms.
    pub span: Option<usize>,
    pub selected: Selection,
    /// Problems to show in the banner: a bad URL, a refused intervention.
    pub problems: Vec<Text>,
    /// A short confirmation ("link copied").
    pub notice: Option<Text>,
    /// The language every word on the page is in (part of the link).
    pub lang: Lang,
    pub theme: Theme,
    /// Which stamps the diagram writes (Lamport, vector, both, none).
    pub stamps: Stamps,
    /// Ring one pair of concurrent events whose Lamport stamps look ordered.
    pub converse: bool,
    /// A second selected event, compared with the selected one.
    pub compare: Option<EventId>,
    /// Drawing a cut: per node, the instant placed on its line so far (None: not yet).
    pub cut: Option<Vec<Option<Time>>>,
    /// Id of the ready-made scenario the run comes from: its settings and its own
    /// interventions, perhaps followed by the viewer's.
    pub lesson: Option<&'static str>,
    /// How many of the run's interventions are the lesson's own (the rest are the viewer's).
    pub lesson_acts: usize,
    /// Text size in percent of normal (everything a lecture reads grows together).
    pub text_size: u32,
    /// The guided lesson being followed, if any, and the step of it shown.
    pub guide: Option<Rc<super::guide::Guide>>,
    pub guide_step: usize,
    /// An overlay over the page: the keys, or the library.
    pub overlay: Overlay,
    /// The explanation and the metric values are hidden (to ask the class).
    pub hide_answers: bool,
    /// The selection came from a lesson step: it is shown without its action menu (which
    /// would cover the picture the step is about) until the viewer selects something.
    pub quiet_popup: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    None,
    Keys,
    Library,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.history, &other.history) && self.version == other.version
    }
}

/// The least type scale of presenter mode: 16 px type becomes 18 px.
pub const PRESENT_SCALE: f64 = 1.125;

pub enum Action {
    /// Load a scenario from a URL fragment (page load, hash change, ready-made scenario).
    Load(String),
    TogglePlay,
    Pause,
    /// An animation frame: `ms` of wall time passed.
    Tick(f64),
    StepForward,
    StepBack,
    Seek(u64),
    /// Back to step 0, keeping the settings and the interventions.
    Rewind,
    /// Start afresh: the same settings, without any intervention.
    Reset,
    /// Restart with new settings (protocol, N, topology, seed, parameter); drops interventions.
    Configure(Configure),
    Act(Act),
    Select(Selection),
    /// Select an event on the diagram or in the log and move the cursor there.
    SelectEvent(EventId),
    /// Select an event on the diagram without moving the cursor (its causal future stays
    /// drawn in full, the axis stays put).
    FocusEvent(EventId),
    /// To the last step: the furthest step played so far, or onwards to the run's end.
    End,
    SetSpeed(usize),
    /// One speed faster (+1) or slower (-1).
    NudgeSpeed(isize),
    SetSpan(usize),
    SetTextSize(u32),
    SetStamps(Stamps),
    /// The next stamps mode (a key, so a lecturer can reveal them without the mouse).
    CycleStamps,
    ToggleConverse,
    /// Compare this event with the selected one (shift-click).
    Compare(EventId),
    /// Start or stop drawing a cut.
    ToggleCut,
    /// Place the cut on a node's line at an instant.
    CutPoint(NodeId, Time),
    ToggleTheme,
    DismissProblems,
    Notice(Option<Text>),
    SetLang(Lang),
    /// To step k of the lesson: its run, its point, its view.
    LessonGo(usize),
    /// The next (+1) or previous (-1) lesson step.
    LessonNudge(isize),
    /// Leave the lesson (its bar goes).
    LessonClose,
    /// Open or close an overlay (opening the one shown closes it).
    ToggleOverlay(Overlay),
    ToggleHideAnswers,
    /// Presenter mode on or off (`present=1`).
    TogglePresent,
    /// Esc: close the overlay, else clear the selection.
    Escape,
    /// Crash the selected node, or recover it if it is down.
    CrashOrRecoverSelected,
    DropSelected,
    /// Select the next (+1) or previous (-1) node.
    NudgeNode(isize),
}

pub enum Configure {
    Protocol(String),
    Nodes(usize),
    Topology(String),
    Seed(u64),
    Param(&'static str, String),
}

impl AppState {
    /// Build the state for a URL fragment; problems with it land in the banner. The
    /// link's language wins over `lang` (the browser's or the viewer's choice).
    pub fn load(fragment: &str, theme: Theme, lang: Lang) -> AppState {
        match super::guide::from_fragment(fragment) {
            None => Self::load_run(fragment, theme, lang),
            Some(Err(problem)) => {
                let mut s = Self::load_run(fragment, theme, lang);
                s.problems.insert(0, problem);
                s
            }
            Some(Ok((guide, step, run))) => {
                let mut s = Self::load_run(&run, theme, lang);
                s.guide = Some(guide);
                s.guide_step = step;
                s.quiet_popup = true;
                s
            }
        }
    }

    /// The run of a fragment (no lesson).
    fn load_run(fragment: &str, theme: Theme, lang: Lang) -> AppState {
        let (scenario, view, errors) = view_settings::parse_link(fragment, REGISTRY);
        let lang = scenario.lang.unwrap_or(lang);
        let mut problems: Vec<Text> = errors.iter().map(|e| e.text()).collect();
        let (scenario, sim) = match scenario.start(REGISTRY) {
            Ok(sim) => (scenario, sim),
            Err(e) => {
                problems.push(crate::phrase!("ui.problem.defaults", e.text()));
                let info = crate::protocols::find(scenario.protocol).map(|e| e.info()).unwrap_or_else(|| REGISTRY[0].info());
                let defaults = Scenario::defaults(&info);
                let sim = defaults.start(REGISTRY).expect("a protocol's defaults always start");
                (defaults, sim)
            }
        };
        let info = sim.info();
        let mut history = History::new(sim, scenario.acts.clone());
        if let Some(mut at) = scenario.at {
            if at > MAX_LINKED_STEP {
                problems.push(crate::phrase!("ui.problem.too_far", at, MAX_LINKED_STEP));
                at = MAX_LINKED_STEP;
            }
            let reached = history.seek(at);
            if reached < at {
                problems.push(crate::phrase!("ui.problem.past_end", at, reached));
            }
        }
        problems.extend(history.problems().iter().cloned());
        // A link made while paused mid-flight shows the same instant, never past the next happening.
        let now = history.sim().now();
        let display_time = match (scenario.at_time, history.sim().next_due()) {
            (Some(t), Some(next)) => t.clamp(now, next.max(now)),
            (Some(t), None) => t.max(now),
            (None, _) => now,
        };
        // The lesson this run comes from: its settings and interventions, perhaps with the
        // viewer's own after them. Where one scenario extends another (the same settings,
        // more interventions), the run is the one that matches the most of them.
        let lesson = info
            .scenarios
            .iter()
            .filter_map(|r| {
                let ready = Scenario::parse_strict(r.fragment, REGISTRY).ok()?;
                let k = ready.acts.len();
                let prefix = scenario.acts.len() >= k && scenario.acts[..k] == ready.acts[..];
                let mine = Scenario { acts: scenario.acts.iter().take(k).cloned().collect(), ..scenario.clone() };
                (prefix && ready.run_only() == mine.run_only()).then_some((r.id, k))
            })
            .fold(None, |best: Option<(&'static str, usize)>, m| match best {
                Some(b) if b.1 >= m.1 => Some(b),
                _ => Some(m),
            });
        let known = history.known_trace().known_events().len();
        let n = scenario.n;
        let selected = match view.select {
            Some(ViewSelection::Node(i)) if i < n => Selection::Node(i),
            Some(ViewSelection::Event(i)) if i < known => Selection::Event(i),
            Some(ViewSelection::Message(i)) => Selection::Message(i),
            Some(ViewSelection::Link(a, b)) if a < n && b < n && a != b => Selection::Link(a.min(b), a.max(b)),
            Some(other) => {
                problems.push(crate::phrase!("url.problem", "sel", crate::phrase!("url.view", other.encode(), format!("n0-n{}, e0-e{}", n - 1, known.saturating_sub(1)))));
                Selection::None
            }
            None => Selection::None,
        };
        let linked_cut: Option<Vec<Option<Time>>> = view.cut.as_ref().filter(|c| c.len() == n).map(|c| c.iter().map(|&t| Some(t)).collect());
        let theme = match view.dark {
            Some(true) => Theme::Dark,
            Some(false) => Theme::Light,
            None => theme,
        };
        let state = AppState {
            history: Rc::new(RefCell::new(history)),
            version: 0,
            scenario,
            view: view.clone(),
            info,
            display_time,
            playing: false,
            speed: view.speed.and_then(|x| SPEEDS.iter().position(|&s| s == x)).unwrap_or(DEFAULT_SPEED),
            span: view.zoom.and_then(|x| SPANS.iter().position(|&s| s == x)),
            selected,
            problems,
            notice: None,
            lang,
            theme,
            stamps: Stamps::Lamport,
            converse: false,
            compare: None,
            // A cut from the link, one instant per node (the scenario checked the count).
            cut: linked_cut,
            lesson: lesson.map(|(id, _)| id),
            lesson_acts: lesson.map_or(0, |(_, k)| k),
            text_size: view.text.unwrap_or(100),
            guide: None,
            guide_step: 0,
            overlay: Overlay::None,
            hide_answers: false,
            quiet_popup: false,
        }
        .with_default_vectors();
        match view.stamps {
            Some(v) => AppState { stamps: v, ..state },
            None => state,
        }
    }

    fn with_default_vectors(mut self) -> Self {
        self.stamps = self.default_stamps();
        self
    }

    /// Vector stamps beside the Lamport ones for small runs of protocols that teach them.
    fn default_stamps(&self) -> Stamps {
        if self.scenario.n <= self.info.show.vectors_up_to {
            Stamps::Both
        } else {
            Stamps::Lamport
        }
    }

    /// The words of this page: the protocol's, the core's and the page's, in its language.
    pub fn dict(&self) -> Dictionary {
        Dictionary::for_protocol(self.lang, &self.info, super::words::UI)
    }

    /// Presenter mode: one screen for a projector, in large type.
    pub fn presenting(&self) -> bool {
        self.view.present == Some(true) && self.view.embed != Some(true)
    }

    /// How much larger than normal the page's type is drawn: the chosen text size, and in
    /// presenter mode at least 18/16 (the smallest type, 16 px at normal size, reads 18 px).
    pub fn type_scale(&self) -> f64 {
        let chosen = self.text_size as f64 / 100.0;
        if self.presenting() {
            chosen.max(PRESENT_SCALE)
        } else {
            chosen
        }
    }

    /// The fragment that reproduces the run at the cursor.
    pub fn fragment(&self) -> String {
        let h = self.history.borrow();
        let now = h.sim().now();
        let at_time = Some(self.display_time).filter(|&t| t > now);
        let at = Some(h.step()).filter(|&s| s > 0 || at_time.is_some());
        let embed = self.view.embed.filter(|&e| e);
        // A cut goes into the link once every line has its point.
        let cut = self.cut.as_ref().and_then(|c| c.iter().copied().collect::<Option<Vec<Time>>>());
        let present = Some(true).filter(|_| self.presenting());
        let view = ViewSettings {
            speed: Some(SPEEDS[self.speed]).filter(|_| self.speed != DEFAULT_SPEED),
            stamps: Some(self.stamps).filter(|&v| v != self.default_stamps()),
            zoom: self.span.map(|i| SPANS[i]),
            select: match self.selected {
                Selection::None => None,
                Selection::Node(i) => Some(ViewSelection::Node(i)),
                Selection::Event(i) => Some(ViewSelection::Event(i)),
                Selection::Message(i) => Some(ViewSelection::Message(i)),
                Selection::Link(a, b) => Some(ViewSelection::Link(a, b)),
            },
            dark: Some(self.theme == Theme::Dark),
            text: Some(self.text_size).filter(|&t| t != 100),
            cut,
            embed,
            present,
        };
        let scenario = Scenario { acts: h.acts().to_vec(), at, at_time, lang: Some(self.lang), ..self.scenario.clone() };
        let mut out = view_settings::link(&scenario, &view);
        if let Some(g) = &self.guide {
            out.push_str(&format!("&lesson={}&lstep={}", g.key, self.guide_step + 1));
        }
        out
    }

    /// A copy with the same run and everything else as given by `change`, one version on.
    pub(crate) fn next(self: &Rc<Self>, change: impl FnOnce(&mut AppState)) -> Rc<Self> {
        let mut s = AppState {
            history: self.history.clone(),
            version: self.version + 1,
            scenario: self.scenario.clone(),
            view: self.view.clone(),
            info: self.info.clone(),
            display_time: self.display_time,
            playing: self.playing,
            speed: self.speed,
            span: self.span,
            selected: self.selected,
            problems: self.problems.clone(),
            notice: self.notice.clone(),
            lang: self.lang,
            theme: self.theme,
            stamps: self.stamps,
            converse: self.converse,
            compare: self.compare,
            cut: self.cut.clone(),
            lesson: self.lesson,
            lesson_acts: self.lesson_acts,
            text_size: self.text_size,
            guide: self.guide.clone(),
            guide_step: self.guide_step,
            overlay: self.overlay,
            hide_answers: self.hide_answers,
            quiet_popup: self.quiet_popup,
        };
        change(&mut s);
        Rc::new(s)
    }

    /// A new run from `fragment`, keeping the viewer's own choices (theme, speed, zoom,
    /// text size) unless the fragment sets them.
    fn reload(&self, fragment: &str) -> AppState {
        let mut s = AppState::load(fragment, self.theme, self.lang);
        s.version = self.version + 1;
        let view = &s.view;
        if view.speed.is_none() {
            s.speed = self.speed;
        }
        if view.zoom.is_none() {
            s.span = self.span;
        }
        if view.text.is_none() {
            s.text_size = self.text_size;
        }
        s.hide_answers = self.hide_answers;
        // An embedded page stays embedded through reset and new settings.
        if s.view.embed.is_none() {
            s.view.embed = self.view.embed;
        }
        // So does a page in presenter mode.
        if s.view.present.is_none() {
            s.view.present = self.view.present;
        }
        s
    }

    /// As [`AppState::reload`], keeping the lesson being followed (the viewer leaves its
    /// run to play and may come back to it).
    fn reload_keeping_lesson(&self, fragment: &str) -> AppState {
        let mut s = self.reload(fragment);
        if s.guide.is_none() {
            s.guide = self.guide.clone();
            s.guide_step = self.guide_step;
        }
        s
    }

    /// Whether the run shown is the lesson's own run (the viewer may have acted, changed a
    /// setting or picked another protocol).
    pub fn on_lesson_run(&self) -> bool {
        let Some(g) = &self.guide else { return false };
        let run = g.lesson.run();
        let h = self.history.borrow();
        h.acts() == &run.acts[..] && Scenario { acts: run.acts.clone(), ..self.scenario.run_only() } == run
    }

    /// Whether the viewer has left the lesson's current step (another step, another run).
    pub fn off_lesson_step(&self) -> bool {
        let Some(g) = &self.guide else { return false };
        !self.on_lesson_run() || g.points.get(self.guide_step) != Some(&self.history.borrow().step())
    }

    /// To step `k` of the lesson: back on its run if the viewer left it, at its point, with
    /// its view.
    fn lesson_go(self: &Rc<Self>, k: usize) -> Rc<Self> {
        let Some(g) = self.guide.clone() else { return self.clone() };
        let k = k.min(g.points.len() - 1);
        let point = g.points[k];
        let step = &g.lesson.steps[k];
        let select = |n: usize, known: usize| match step.sel {
            Some(ViewSelection::Node(i)) if i < n => Selection::Node(i),
            Some(ViewSelection::Event(i)) if i < known => Selection::Event(i),
            Some(ViewSelection::Message(i)) => Selection::Message(i),
            Some(ViewSelection::Link(a, b)) if a < n && b < n && a != b => Selection::Link(a.min(b), a.max(b)),
            _ => Selection::None,
        };
        if self.on_lesson_run() {
            self.history.borrow_mut().seek(point);
            let known = self.history.borrow().known_trace().known_events().len();
            return self.next(|s| {
                s.playing = false;
                s.sync_time();
                s.guide_step = k;
                s.selected = select(s.scenario.n, known);
                if let Some(v) = step.stamps {
                    s.stamps = if v { Stamps::Both } else { Stamps::Lamport };
                }
                s.overlay = Overlay::None;
                s.quiet_popup = true;
            });
        }
        let mut s = self.reload(&super::guide::step_fragment(&g, k, Some(self.lang)));
        s.guide = Some(g);
        s.guide_step = k;
        s.quiet_popup = true;
        Rc::new(s)
    }

    fn now(&self) -> Time {
        self.history.borrow().sim().now()
    }

    /// Keep the picture's instant in step with the cursor after a jump.
    fn sync_time(&mut self) {
        self.display_time = self.now();
    }
}

impl AppState {
    /// The state after `action`: the same `Rc` when nothing changes (nothing re-renders),
    /// else a new state one version on. The run itself changes in place.
    pub fn apply(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Load(fragment) => {
                let s = self.reload(&fragment);
                let span = if s.view.zoom.is_some() { s.span } else { None };
                Rc::new(AppState { span, ..s })
            }
            Action::TogglePlay => {
                let ended = self.history.borrow().sim().quiescent();
                if ended && !self.playing {
                    return self.next(|s| s.notice = Some(Text::key("ui.notice.ended")));
                }
                // Pausing snaps nothing: the picture stays mid-flight where it is.
                self.next(|s| {
                    s.playing = !s.playing;
                    s.notice = None;
                })
            }
            Action::Pause if !self.playing => self,
            Action::Pause => self.next(|s| s.playing = false),
            Action::Tick(_) if !self.playing => self,
            Action::Tick(ms) => {
                let per_second = BASE_SPEED * SPEEDS[self.speed];
                let advance = (ms.clamp(0.0, 250.0) / 1000.0 * per_second).round() as Time;
                let mut target = self.display_time + advance.max(1);
                let mut h = self.history.borrow_mut();
                // Nothing in flight and nothing due for a while: skip the empty stretch
                // rather than make the hall watch it.
                if let Some(next) = h.sim().next_due() {
                    let idle = h.sim().flights().is_empty();
                    if idle && next > target + (IDLE_SKIP_SECONDS * per_second) as Time {
                        target = next;
                    }
                }
                h.run_until(target, MAX_STEPS_PER_FRAME);
                let ended = h.sim().quiescent();
                let now = h.sim().now();
                // Under load the frame's step budget may run out before `target`: the
                // picture then shows no later than the next happening not yet simulated.
                let shown = super::layout::visible_time(target, now, h.sim().next_due());
                drop(h);
                self.next(|s| {
                    s.display_time = shown;
                    if ended {
                        s.playing = false;
                        s.display_time = now;
                    }
                })
            }
            Action::StepForward => {
                let moved = self.history.borrow_mut().forward();
                if !moved {
                    return self.next(|s| s.notice = Some(Text::key("ui.notice.ended")));
                }
                self.next(|s| {
                    s.playing = false;
                    s.sync_time();
                })
            }
            Action::StepBack => {
                if self.history.borrow().step() == 0 {
                    return self;
                }
                self.history.borrow_mut().back();
                self.next(|s| {
                    s.playing = false;
                    s.sync_time();
                })
            }
            Action::Seek(step) => {
                self.history.borrow_mut().seek(step);
                self.next(|s| {
                    s.playing = false;
                    s.sync_time();
                })
            }
            Action::Rewind => {
                self.history.borrow_mut().seek(0);
                self.next(|s| {
                    s.playing = false;
                    s.selected = Selection::None;
                    s.sync_time();
                })
            }
            Action::Reset => {
                let fresh = Scenario { acts: Vec::new(), at: None, at_time: None, ..self.scenario.clone() };
                let mut s = self.reload_keeping_lesson(&view_settings::link(&fresh, &self.view.framing()));
                s.notice = Some(Text::key("ui.notice.afresh"));
                Rc::new(s)
            }
            Action::Configure(change) => {
                let mut scenario = Scenario { acts: Vec::new(), at: None, at_time: None, ..self.scenario.clone() };
                match change {
                    Configure::Protocol(id) => match crate::protocols::find(&id) {
                        Some(entry) => scenario = Scenario::defaults(&entry.info()),
                        None => return self,
                    },
                    Configure::Nodes(n) => scenario.n = n.clamp(self.info.nodes.min, self.info.nodes.max),
                    Configure::Topology(name) => match crate::sim::Topology::parse(&name) {
                        Ok(t) => scenario.topology = t,
                        Err(e) => return self.next(|s| s.problems = vec![crate::phrase!("url.problem", "topo", e)]),
                    },
                    Configure::Seed(seed) => scenario.seed = seed,
                    Configure::Param(name, text) => {
                        let Some(spec) = self.info.params.iter().find(|p| p.name == name) else { return self };
                        match spec.parse(&text) {
                            Ok(v) => {
                                scenario.params.0.insert(spec.name, v);
                            }
                            Err(e) => return self.next(|s| s.problems = vec![crate::phrase!("url.problem", format!("p.{name}"), e)]),
                        }
                    }
                }
                Rc::new(self.reload_keeping_lesson(&view_settings::link(&scenario, &self.view.framing())))
            }
            Action::Act(act) => {
                let t = self.display_time;
                let result = self.history.borrow_mut().act(act, Some(t));
                match result {
                    Ok(()) => self.next(|s| {
                        s.sync_time();
                        s.display_time = s.display_time.max(t);
                        if let Selection::Message(_) = s.selected {
                            s.selected = Selection::None;
                        }
                    }),
                    Err(why) => self.next(|s| s.notice = Some(crate::phrase!("ui.notice.not_done", why))),
                }
            }
            Action::Select(sel) if sel == self.selected && !self.quiet_popup => self,
            Action::Select(sel) => self.next(|s| {
                s.selected = sel;
                s.compare = None;
                s.quiet_popup = false;
                // Something picked while playing would move away from under its menu.
                if s.playing && sel != Selection::None {
                    s.playing = false;
                    s.notice = Some(Text::key("ui.notice.paused_select"));
                }
            }),
            Action::FocusEvent(id) => {
                if id >= self.history.borrow().known_trace().known_events().len() {
                    return self;
                }
                self.next(|s| {
                    if s.playing {
                        s.playing = false;
                        s.notice = Some(Text::key("ui.notice.paused_select"));
                    }
                    s.selected = Selection::Event(id);
                    s.compare = None;
                })
            }
            Action::End => {
                let (step, horizon) = {
                    let h = self.history.borrow();
                    (h.step(), h.horizon())
                };
                let target = if step < horizon { horizon } else { step + END_STRIDE };
                self.history.borrow_mut().seek(target);
                self.next(|s| {
                    s.playing = false;
                    s.sync_time();
                })
            }
            Action::SelectEvent(id) => {
                let step = self.history.borrow().known_trace().known_events().get(id).map(|e| e.step);
                let Some(step) = step else { return self };
                self.history.borrow_mut().seek(step);
                self.next(|s| {
                    s.playing = false;
                    s.selected = Selection::Event(id);
                    s.sync_time();
                })
            }
            Action::SetSpeed(i) => self.next(|s| s.speed = i.min(SPEEDS.len() - 1)),
            Action::NudgeSpeed(by) => {
                let i = (self.speed as isize + by).clamp(0, SPEEDS.len() as isize - 1) as usize;
                if i == self.speed {
                    return self;
                }
                self.next(|s| {
                    s.speed = i;
                    s.notice = Some(crate::phrase!("ui.notice.speed", format!("{}×", SPEEDS[i])));
                })
            }
            Action::SetSpan(i) => self.next(|s| s.span = Some(i.min(SPANS.len() - 1))),
            Action::SetTextSize(t) if t == self.text_size || !TEXT_SIZES.contains(&t) => self,
            Action::SetTextSize(t) => self.next(|s| s.text_size = t),
            Action::SetStamps(x) if x == self.stamps => self,
            Action::SetStamps(x) => self.next(|s| s.stamps = x),
            Action::CycleStamps => {
                let k = Stamps::ALL.iter().position(|&x| x == self.stamps).unwrap_or(0);
                let next = Stamps::ALL[(k + 1) % Stamps::ALL.len()];
                self.next(|s| {
                    s.stamps = next;
                    s.notice = Some(Text::key(stamps_word(next)));
                })
            }
            Action::ToggleConverse => self.next(|s| s.converse = !s.converse),
            Action::Compare(id) => {
                if id >= self.history.borrow().known_trace().known_events().len() {
                    return self;
                }
                match self.selected {
                    Selection::Event(first) if first != id => self.next(|s| {
                        s.compare = Some(id);
                        s.playing = false;
                    }),
                    _ => self.next(|s| {
                        s.selected = Selection::Event(id);
                        s.compare = None;
                        s.playing = false;
                    }),
                }
            }
            Action::ToggleCut => self.next(|s| {
                s.cut = match s.cut {
                    Some(_) => None,
                    None => Some(vec![None; s.scenario.n]),
                };
                s.playing = false;
            }),
            Action::CutPoint(node, t) => {
                let Some(cut) = &self.cut else { return self };
                if node >= cut.len() {
                    return self;
                }
                self.next(|s| {
                    if let Some(cut) = &mut s.cut {
                        cut[node] = Some(t);
                    }
                })
            }
            Action::ToggleTheme => self.next(|s| {
                s.theme = match s.theme {
                    Theme::Light => Theme::Dark,
                    Theme::Dark => Theme::Light,
                }
            }),
            Action::DismissProblems => self.next(|s| s.problems.clear()),
            Action::Notice(n) if n == self.notice => self,
            Action::Notice(n) => self.next(|s| s.notice = n),
            Action::SetLang(lang) if lang == self.lang => self,
            Action::SetLang(lang) => self.next(|s| s.lang = lang),
            Action::LessonGo(k) => self.lesson_go(k),
            Action::LessonNudge(by) => {
                let Some(g) = &self.guide else { return self.next(|s| s.notice = Some(Text::key("ui.lesson.none"))) };
                let k = (self.guide_step as isize + by).clamp(0, g.points.len() as isize - 1) as usize;
                // At the first or last step, a nudge returns to it if the viewer has left it.
                self.lesson_go(k)
            }
            Action::LessonClose => self.next(|s| s.guide = None),
            Action::ToggleOverlay(o) => self.next(|s| s.overlay = if s.overlay == o { Overlay::None } else { o }),
            Action::TogglePresent => self.next(|s| s.view.present = Some(!s.presenting())),
            Action::ToggleHideAnswers => self.next(|s| {
                s.hide_answers = !s.hide_answers;
                s.notice = Some(Text::key(if s.hide_answers { "ui.notice.hidden" } else { "ui.notice.revealed" }));
            }),
            Action::Escape if self.overlay != Overlay::None => self.next(|s| s.overlay = Overlay::None),
            Action::Escape => self.apply(Action::Select(Selection::None)),
            Action::CrashOrRecoverSelected => {
                let Selection::Node(i) = self.selected else { return self.next(|s| s.notice = Some(Text::key("ui.notice.select_node"))) };
                let up = self.history.borrow().sim().up().get(i).copied().unwrap_or(false);
                self.apply(Action::Act(if up { Act::Crash(i) } else { Act::Recover(i) }))
            }
            Action::DropSelected => {
                let Selection::Message(m) = self.selected else { return self.next(|s| s.notice = Some(Text::key("ui.notice.select_message"))) };
                self.apply(Action::Act(Act::Drop(m)))
            }
            Action::NudgeNode(by) => {
                let n = self.scenario.n as isize;
                let i = match self.selected {
                    Selection::Node(i) => (i as isize + by).rem_euclid(n) as usize,
                    _ if by < 0 => self.scenario.n - 1,
                    _ => 0,
                };
                self.apply(Action::Select(Selection::Node(i)))
            }
        }
    }
}

/// The words naming a stamps mode.
pub fn stamps_word(x: Stamps) -> &'static str {
    match x {
        Stamps::Lamport => "ui.stamps.lamport",
        Stamps::Vector => "ui.stamps.vector",
        Stamps::Both => "ui.stamps.both",
        Stamps::None => "ui.stamps.none",
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.apply(action)
    }
}

/// What components reach through context.
#[cfg(target_arch = "wasm32")]
pub type AppHandle = yew::UseReducerHandle<AppState>;

/// Pages on real runs, for the tests of the page's models.
#[cfg(test)]
pub(crate) mod testing {
    use std::rc::Rc;

    use super::{Action, AppState, Theme};
    use crate::words::Lang;

    /// The page opened on `fragment` (a real run, from the real core).
    pub fn page(fragment: &str) -> Rc<AppState> {
        let s = AppState::load(fragment, Theme::Light, Lang::En);
        assert!(s.problems.is_empty(), "{fragment}: {:?}", s.problems);
        Rc::new(s)
    }

    /// The page at step `step` of its run.
    pub fn page_at(fragment: &str, step: u64) -> Rc<AppState> {
        page(fragment).apply(Action::Seek(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 78 steps, 82 events, 30 messages.
    const VECTOR_RUN: &str = "v=1&proto=clocks-vector&n=4&seed=3&p.actions=12";

    fn open(fragment: &str) -> Rc<AppState> {
        Rc::new(AppState::load(fragment, Theme::Light, Lang::En))
    }

    fn step(s: &AppState) -> u64 {
        s.history.borrow().step()
    }

    /// `lost-token` is `idle` with interventions after it: its link is named `lost-token`,
    /// and `idle` stays `idle`, with or without the viewer's own interventions after it.
    #[test]
    fn a_link_is_named_after_the_scenario_it_matches_the_most_of() {
        let info = crate::protocols::find("mutex-token-ring").unwrap().info();
        let fragment = |id: &str| info.scenarios.iter().find(|r| r.id == id).unwrap().fragment;
        assert_eq!(open(fragment("lost-token")).lesson, Some("lost-token"));
        assert_eq!(open(fragment("idle")).lesson, Some("idle"));
        assert_eq!(open(&format!("{}&act=0:input:2:request", fragment("idle"))).lesson, Some("idle"));
    }

    #[test]
    fn play_pause_and_frames_move_the_picture_only_while_playing() {
        let s = open(VECTOR_RUN);
        assert!(!s.playing);
        let t0 = s.display_time;
        // A frame while paused changes nothing, not even the version.
        let same = s.clone().apply(Action::Tick(16.0));
        assert!(Rc::ptr_eq(&same, &s));
        let playing = s.apply(Action::TogglePlay);
        assert!(playing.playing);
        let v = playing.version;
        let later = playing.apply(Action::Tick(250.0));
        assert!(later.display_time > t0, "a frame while playing moves time on");
        assert!(later.version > v);
        let paused = later.clone().apply(Action::Pause);
        assert!(!paused.playing);
        assert_eq!(paused.display_time, later.display_time, "pausing snaps nothing");
        let again = paused.clone().apply(Action::Pause);
        assert!(Rc::ptr_eq(&again, &paused), "pausing a paused page is no change");
    }

    #[test]
    fn steps_forward_and_back_and_seek_move_the_cursor_and_the_clock() {
        let s = open(VECTOR_RUN);
        assert_eq!(step(&s), 0);
        let s = s.apply(Action::StepForward).apply(Action::StepForward).apply(Action::StepForward);
        assert_eq!(step(&s), 3);
        assert_eq!(s.display_time, s.history.borrow().sim().now());
        let s = s.apply(Action::StepBack);
        assert_eq!(step(&s), 2);
        let s = s.apply(Action::Seek(20));
        assert_eq!(step(&s), 20);
        assert_eq!(s.display_time, s.history.borrow().sim().now());
        let s = s.apply(Action::Seek(0));
        let unchanged = s.clone().apply(Action::StepBack);
        assert!(Rc::ptr_eq(&unchanged, &s), "no step before the first");
        // The run's furthest step is remembered: End goes back to it.
        let s = s.apply(Action::End);
        assert_eq!(step(&s), 20);
    }

    #[test]
    fn an_intervention_in_the_past_forks_the_run() {
        let s = open(VECTOR_RUN).apply(Action::Seek(30)).apply(Action::Seek(10));
        assert_eq!(s.history.borrow().horizon(), 30);
        let s = s.apply(Action::Act(Act::Crash(1)));
        let h = s.history.borrow();
        assert_eq!(h.step(), 10);
        assert_eq!(h.horizon(), 10, "the future after the fork is forgotten");
        assert_eq!(h.acts().len(), 1);
        assert_eq!(h.acts()[0].act, Act::Crash(1));
        assert!(!h.sim().up()[1]);
        drop(h);
        // The link carries the intervention, and reopening it gives the same run.
        let reopened = open(&s.fragment());
        assert_eq!(reopened.history.borrow().acts(), s.history.borrow().acts());
        assert_eq!(step(&reopened), 10);
    }

    #[test]
    fn a_refused_intervention_is_a_notice_and_leaves_the_run() {
        let s = open(VECTOR_RUN).apply(Action::Seek(5));
        let s = s.apply(Action::Act(Act::Drop(999_999)));
        assert!(matches!(&s.notice, Some(Text::Phrase("ui.notice.not_done", _))), "{:?}", s.notice);
        assert!(s.history.borrow().acts().is_empty());
    }

    #[test]
    fn changing_a_setting_starts_a_new_run_and_keeps_the_viewers_choices() {
        let s = open(VECTOR_RUN).apply(Action::Seek(12)).apply(Action::Act(Act::Crash(2))).apply(Action::SetSpeed(4)).apply(Action::ToggleTheme);
        let old = s.history.clone();
        let s = s.apply(Action::Configure(Configure::Nodes(5)));
        assert!(!Rc::ptr_eq(&old, &s.history), "a new run");
        assert_eq!(s.scenario.n, 5);
        assert_eq!(step(&s), 0);
        assert!(s.history.borrow().acts().is_empty(), "interventions are dropped");
        assert_eq!((s.speed, s.theme), (4, Theme::Dark));
        let s = s.apply(Action::Configure(Configure::Seed(9)));
        assert_eq!((s.scenario.seed, s.scenario.n), (9, 5));
        // A bad topology is a problem in the banner, and the run stays.
        let before = s.history.clone();
        let s = s.apply(Action::Configure(Configure::Topology("nonsense".into())));
        assert!(Rc::ptr_eq(&before, &s.history));
        assert_eq!(s.problems.len(), 1);
    }

    #[test]
    fn selecting_an_event_moves_the_cursor_and_focusing_does_not() {
        let s = open(VECTOR_RUN).apply(Action::Seek(40));
        let (id, at) = {
            let h = s.history.borrow();
            let e = h.known_trace().known_events().iter().find(|e| e.step > 5 && e.step < 40).expect("an event mid-run").clone();
            (e.id, e.step)
        };
        let focused = s.clone().apply(Action::FocusEvent(id));
        assert_eq!(focused.selected, Selection::Event(id));
        assert_eq!(step(&focused), 40, "focusing keeps the cursor");
        let selected = focused.apply(Action::SelectEvent(id));
        assert_eq!(selected.selected, Selection::Event(id));
        assert_eq!(step(&selected), at);
        // Shift-click compares with the selected one; Esc clears both.
        let other = if id > 0 { id - 1 } else { id + 1 };
        let compared = selected.apply(Action::Compare(other));
        assert_eq!((compared.selected, compared.compare), (Selection::Event(id), Some(other)));
        let cleared = compared.apply(Action::Escape);
        assert_eq!((cleared.selected, cleared.compare), (Selection::None, None));
        // An event the run does not know is no selection.
        let nothing = cleared.clone().apply(Action::FocusEvent(usize::MAX));
        assert!(Rc::ptr_eq(&nothing, &cleared));
    }

    #[test]
    fn a_cut_is_drawn_point_by_point_and_travels_in_the_link_once_whole() {
        let s = open(VECTOR_RUN).apply(Action::Seek(30)).apply(Action::ToggleCut);
        assert_eq!(s.cut, Some(vec![None; 4]));
        let s = s.apply(Action::CutPoint(0, 100)).apply(Action::CutPoint(1, 150)).apply(Action::CutPoint(2, 120));
        assert!(!s.fragment().contains("cut="), "a partial cut is not linked");
        let s = s.apply(Action::CutPoint(3, 90));
        assert!(s.fragment().contains("&cut=100.150.120.90"), "{}", s.fragment());
        let reopened = open(&s.fragment());
        assert_eq!(reopened.cut, Some(vec![Some(100), Some(150), Some(120), Some(90)]));
    }

    #[test]
    fn the_copied_link_is_the_opened_one_with_its_view_keys_in_order() {
        let link = "v=1&proto=clocks-vector&n=4&seed=3&topo=complete&delay=40-120&drop=0&dup=0&fifo=0&p.actions=6&p.every=150&p.send=60&lang=zh&at=25&speed=4&stamps=none&span=600&sel=n2&theme=dark&text=150&embed=1";
        let s = open(link);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let normalised = open(&s.fragment());
        assert_eq!(normalised.fragment(), s.fragment());
        let copied = s.fragment();
        for key in ["&speed=4", "&stamps=none", "&span=600", "&sel=n2", "&theme=dark", "&text=150", "&embed=1", "&lang=zh", "&at=25"] {
            assert!(copied.contains(key), "{key} in {copied}");
        }
        let positions: Vec<usize> = ["&at=", "&speed=", "&stamps=", "&span=", "&sel=", "&theme=", "&text=", "&embed="].iter().map(|k| copied.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{copied}");
        // Embedded: presenter mode is off whatever the link says, and reset stays embedded.
        assert!(!s.presenting());
        let reset = s.apply(Action::Reset);
        assert_eq!(reset.view.embed, Some(true));
        assert!(reset.fragment().contains("&embed=1"));
    }

    #[test]
    fn a_bad_view_value_lands_in_the_banner_and_the_rest_loads() {
        let s = open("v=1&proto=clocks-vector&n=4&seed=3&speed=3&sel=n9");
        let d = s.dict();
        let banner: Vec<String> = s.problems.iter().map(|p| d.render(p)).collect();
        assert_eq!(banner[0], "speed: '3' is not accepted; expected one of 0.25, 0.5, 1, 2, 4, 8");
        assert!(banner[1].starts_with("sel: 'n9' is not accepted"), "{banner:?}");
        assert_eq!(s.speed, DEFAULT_SPEED);
        assert_eq!(s.selected, Selection::None);
        let zh = open("v=1&proto=clocks-vector&n=4&lang=zh&speed=3");
        assert_eq!(zh.dict().render(&zh.problems[0]), "speed：不接受“3”；应为以下之一：0.25, 0.5, 1, 2, 4, 8");
    }

    #[test]
    fn presenter_mode_toggles_and_survives_new_settings() {
        let s = open(VECTOR_RUN);
        assert!(!s.presenting());
        let s = s.apply(Action::TogglePresent);
        assert!(s.presenting());
        assert!(s.type_scale() >= PRESENT_SCALE);
        assert!(s.fragment().ends_with("&present=1"), "{}", s.fragment());
        let s = s.apply(Action::Configure(Configure::Seed(4)));
        assert!(s.presenting());
    }
}
