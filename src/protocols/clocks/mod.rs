//! C. Clocks, cuts and ordered multicast: happened-before made visible.

pub mod vector;
