//! B. Leader election: at most one coordinator per election, and at rest every live node
//! names the live node with the largest id.

pub mod shared;

pub mod ring;
pub mod all_to_all;
pub mod randomized;
