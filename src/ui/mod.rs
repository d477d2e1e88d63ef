//! The browser UI (Yew). It sees the core only through `Simulation`, `History` and the
//! protocol-agnostic view data; one reducer owns the app state.

pub mod chart;
pub mod diagram_model;
pub mod guide;
pub mod layout;
pub mod state;
pub mod text;
pub mod topology_model;
pub mod view_settings;
pub mod words;

/// The components: they draw the models above and exist only in the browser.
macro_rules! page_components {
    ($($name:ident),* $(,)?) => { $( #[cfg(target_arch = "wasm32")] mod $name; )* };
}
page_components!(app, controls, export, hooks, lesson, library, import, panels, popup, timeline, topology);

#[cfg(target_arch = "wasm32")]
pub use app::{start, App};
