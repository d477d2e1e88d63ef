//! Names made at runtime, kept for the life of the page.
//!
//! The log records ids (a message kind, a timer, an input, a mark) as `&'static str`: a
//! trace of a million events holds pointers, not a million strings, and compiled
//! protocols name everything with literals. A protocol described at runtime (built from
//! a file, later from a student's script) has its names as owned text. Registering it
//! interns each distinct name once, as a compiler's symbol table does, so the rest of the
//! core treats both kinds of protocol alike. The table only grows by names no one has
//! used before: loading the same description twice adds nothing.

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::words::{Word, Words};

thread_local! {
    static NAMES: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
}

/// The one `&'static str` for `name`: equal names give the same pointer.
pub fn intern(name: &str) -> &'static str {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(&known) = names.get(name) {
            return known;
        }
        let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
        names.insert(kept);
        kept
    })
}

/// A words table from owned (key, English, Chinese) triples.
pub fn words(entries: impl IntoIterator<Item = (String, String, String)>) -> Words {
    let table: Vec<Word> = entries.into_iter().map(|(key, en, zh)| Word { key: intern(&key), en: intern(&en), zh: intern(&zh) }).collect();
    Box::leak(table.into_boxed_slice())
}

/// A list the description holds as `&'static [T]`, made from a runtime `Vec`.
pub fn list<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// A value the description points to (its family), made at runtime.
pub fn keep<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_are_one_symbol_and_different_names_are_not() {
        let a = intern(&String::from("heartbeat"));
        let b = intern(&format!("heart{}", "beat"));
        assert!(std::ptr::eq(a, b), "one symbol per name");
        assert_eq!(a, "heartbeat");
        assert_ne!(intern("ping"), intern("pong"));
    }

    #[test]
    fn a_runtime_words_table_reads_like_a_compiled_one() {
        let table = words([("msg.ping".to_string(), "ping".to_string(), "探测".to_string())]);
        let d = crate::words::Dictionary::new(crate::words::Lang::Zh, table, &[]);
        assert_eq!(d.word("msg.ping"), "探测");
    }
}
