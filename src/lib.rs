//! dsviz: deterministic, step-able simulations of distributed algorithms.
pub mod sim;
pub mod protocols;
#[cfg(target_arch = "wasm32")]
pub mod ui;
