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

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod controls;
#[cfg(target_arch = "wasm32")]
mod export;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod lesson;
#[cfg(target_arch = "wasm32")]
mod library;
#[cfg(target_arch = "wasm32")]
mod import;
#[cfg(target_arch = "wasm32")]
mod panels;
#[cfg(target_arch = "wasm32")]
mod popup;
#[cfg(target_arch = "wasm32")]
mod timeline;
#[cfg(target_arch = "wasm32")]
mod topology;

#[cfg(target_arch = "wasm32")]
pub use app::{start, App};
