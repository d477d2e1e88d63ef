//! dsviz: deterministic, step-able simulations of distributed algorithms.
pub mod sim;
pub mod protocols;
pub mod ui;
pub mod report;
pub mod words;
pub mod lesson;
pub mod shiviz;
