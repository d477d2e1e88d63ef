//! The page's own words (buttons, headings, hints), in both languages. Protocol words live
//! with each protocol; the engine's in `crate::words::CORE`.

use crate::words::{w, Words};

pub const UI: Words = &[
    w("ui.title", "dsviz", "dsviz"),
];
