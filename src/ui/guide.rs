//! The guided lesson a link asks for (`lesson=`, `lstep=`): which lesson, the engine step
//! of each of its steps, and the fragment that shows a step. Plain Rust, so the reducer
//! that follows a lesson is tested natively; the lesson bar draws it (`lesson.rs`).

use std::rc::Rc;

use crate::lesson::Lesson;
use crate::protocols::REGISTRY;
use crate::words::{Lang, Text};

/// A lesson being followed: the lesson, the engine step of each of its steps, and how a
/// link names it (a shipped id, or its JSON in base64).
#[derive(Debug, PartialEq)]
pub struct Guide {
    pub lesson: Lesson,
    pub points: Vec<u64>,
    pub key: String,
}

fn pairs(fragment: &str) -> Vec<(&str, &str)> {
    let fragment = fragment.trim().trim_start_matches('#');
    let fragment = fragment.split_once('#').map_or(fragment, |(_, f)| f);
    fragment.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or(("proto", p))).collect()
}

/// The fragment that shows step `k` of a lesson: its run, its point, its view.
pub fn step_fragment(g: &Guide, k: usize, lang: Option<Lang>) -> String {
    let mut out = format!("{}&at={}", g.lesson.scenario, g.points[k]);
    if let Some(lang) = lang {
        out.push_str(&format!("&lang={}", lang.code()));
    }
    let step = &g.lesson.steps[k];
    if let Some(sel) = step.sel {
        out.push_str(&format!("&sel={}", sel.encode()));
    }
    if let Some(v) = step.stamps {
        out.push_str(if v { "&stamps=vector" } else { "&stamps=lamport" });
    }
    out
}

/// The lesson a link asks for (`lesson=ID` or the lesson itself, `lstep=K` from 1), and the
/// fragment of the run to show: the link's own run when it has one (a link the page made
/// while following the lesson), else the lesson's run at that step. None: no lesson asked.
#[allow(clippy::type_complexity)]
pub fn from_fragment(fragment: &str) -> Option<Result<(Rc<Guide>, usize, String), Text>> {
    let pairs = pairs(fragment);
    let key = pairs.iter().rev().find(|(k, _)| *k == "lesson")?.1;
    let bad = |at: String, message: String| crate::phrase!("ui.lesson.bad", at, message);
    let lesson = match crate::lesson::from_link(key) {
        Ok(l) => l,
        Err(e) => return Some(Err(bad(e.at, e.message))),
    };
    let points = match lesson.resolve(REGISTRY) {
        Ok(p) => p,
        Err(e) => return Some(Err(bad(e.at, e.message))),
    };
    // A shipped lesson is named by its id; any other travels whole.
    let key = if crate::lesson::shipped(&lesson.id).as_ref() == Some(&lesson) { lesson.id.clone() } else { key.to_string() };
    let n = points.len();
    let lstep = pairs.iter().rev().find(|(k, _)| *k == "lstep").map(|(_, v)| *v);
    let step = match lstep.map(|v| v.parse::<usize>()) {
        None => 0,
        Some(Ok(k)) if (1..=n).contains(&k) => k - 1,
        Some(_) => return Some(Err(crate::phrase!("url.problem", "lstep", crate::phrase!("url.view", lstep.unwrap_or(""), format!("1-{n}"))))),
    };
    let guide = Rc::new(Guide { lesson, points, key });
    let run = if pairs.iter().any(|(k, _)| *k == "proto") {
        fragment.to_string()
    } else {
        // The lesson's run at the step, then the link's own view settings (they win).
        let mut out = step_fragment(&guide, step, None);
        for (k, v) in &pairs {
            if !matches!(*k, "lesson" | "lstep") {
                out.push_str(&format!("&{k}={v}"));
            }
        }
        out
    };
    Some(Ok((guide, step, run)))
}
