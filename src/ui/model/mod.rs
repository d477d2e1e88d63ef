//! What the page's two pictures show, computed in plain Rust from the app state: where
//! every node, label, message, dot and line goes, and which words fit. The components in
//! `topology.rs` and `timeline.rs` only turn these models into SVG, so everything a
//! picture decides is tested natively.

pub mod diagram;
pub mod topology;

/// A stable colour slot per message kind (same kind, same colour, every run).
pub fn kind_slot(kind: &str) -> usize {
    kind.bytes().fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize)) % 6
}

#[cfg(test)]
pub(crate) mod testing {
    use std::rc::Rc;

    use crate::ui::state::{Action, AppState, Theme};
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
