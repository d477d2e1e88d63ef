//! Stable names of a protocol's messages and timers, derived from their variant names.
//!
//! A timer's id (`timer.ID` in the words) and a message's kind (`msg.KIND`) are, in almost
//! every protocol, the variant's name in snake case: `Timer::Leave` is "leave",
//! `Msg::RequestVote { .. }` is "request_vote". Every message and timer type already
//! derives `Debug`, whose output starts with that name, so the name is read from there
//! once and kept in the symbol table; a protocol writes `label` or `timer_name` only where
//! a name differs or a label shows the message's fields.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::{self, Debug, Write};

/// The longest variant name read; longer ones are cut (no protocol comes near it).
const LONGEST: usize = 48;

/// Collects the leading identifier of a `Debug` rendering and stops the rendering there.
struct Leading {
    buf: [u8; LONGEST],
    len: usize,
}

impl Write for Leading {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if !(b.is_ascii_alphanumeric() || b == b'_') || self.len == LONGEST {
                // The name has ended: the error stops `Debug` from rendering the fields.
                return Err(fmt::Error);
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

thread_local! {
    static SNAKE: RefCell<BTreeMap<&'static str, &'static str>> = const { RefCell::new(BTreeMap::new()) };
}

/// The snake-case name of `value`'s variant (or type, for a struct): `RequestVote { .. }`
/// gives "request_vote".
pub fn variant_name<T: Debug>(value: &T) -> &'static str {
    let mut lead = Leading { buf: [0; LONGEST], len: 0 };
    let _ = write!(lead, "{value:?}");
    let camel = std::str::from_utf8(&lead.buf[..lead.len]).unwrap_or_default();
    SNAKE.with(|known| {
        if let Some(&name) = known.borrow().get(camel) {
            return name;
        }
        let name = super::symbols::intern(&snake_case(camel));
        known.borrow_mut().insert(super::symbols::intern(camel), name);
        name
    })
}

fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The timer type of a protocol that sets no timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoTimer {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code)] // the fields are there to be skipped
    enum Msg {
        RequestVote { term: u64, granted: bool },
        Ack,
        Vote(bool),
    }

    #[derive(Debug)]
    struct Marker {
        _at: u64,
    }

    #[test]
    fn names_are_the_variants_in_snake_case() {
        assert_eq!(variant_name(&Msg::RequestVote { term: 3, granted: true }), "request_vote");
        assert_eq!(variant_name(&Msg::Ack), "ack");
        assert_eq!(variant_name(&Msg::Vote(false)), "vote");
        assert_eq!(variant_name(&Marker { _at: 9 }), "marker");
        // Read once, then the same symbol every time.
        assert!(std::ptr::eq(variant_name(&Msg::Ack), variant_name(&Msg::Ack)));
    }

    #[test]
    fn the_fields_are_never_rendered() {
        struct Loud;
        impl Debug for Loud {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Loud")?;
                panic!("rendered past the name")
            }
        }
        #[derive(Debug)]
        enum Wrapper {
            Outer(#[allow(dead_code)] Loud),
        }
        assert_eq!(variant_name(&Wrapper::Outer(Loud)), "outer");
    }
}
