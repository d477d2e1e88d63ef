//! Protocol parameters: declared once with their type, range and default; parsed from
//! text (URL, command line) with messages that name what is accepted.

use std::collections::BTreeMap;

use crate::phrase;
use crate::words::Text;

#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    Int { min: i64, max: i64 },
    Bool,
    Choice(&'static [&'static str]),
    /// A node id, 0 to N-1: checked against N once N is known ([`ParamSpec::check`]).
    Node,
    /// N distinct positive integers written `5.3.9.1` (e.g. election ids typed in), or
    /// nothing at all, meaning "the protocol chooses".
    IdList,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamValue {
    Int(i64),
    Bool(bool),
    Choice(&'static str),
    Node(usize),
    /// Empty: the protocol chooses.
    IdList(Vec<u32>),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Bool(b) => write!(f, "{}", if *b { "on" } else { "off" }),
            ParamValue::Choice(c) => write!(f, "{c}"),
            ParamValue::Node(i) => write!(f, "{i}"),
            ParamValue::IdList(ids) => write!(f, "{}", ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(".")),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    /// Stable name (`p.NAME` in URLs); `param.NAME` in the protocol's words says what it does.
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: ParamValue,
    /// The header's short label in both languages ("CS time", "临界区时长"); the
    /// longer `param.NAME` words explain it.
    pub short: Option<Short>,
}

/// A label short enough for the header, in English and Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Short {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Short {
    pub fn get(&self, lang: crate::words::Lang) -> &'static str {
        match lang {
            crate::words::Lang::En => self.en,
            crate::words::Lang::Zh => self.zh,
        }
    }
}

impl ParamSpec {
    /// The header's short label, English then Chinese.
    pub fn short(self, en: &'static str, zh: &'static str) -> Self {
        ParamSpec { short: Some(Short { en, zh }), ..self }
    }
    pub fn int(name: &'static str, min: i64, max: i64, default: i64) -> Self {
        ParamSpec { name, kind: ParamKind::Int { min, max }, default: ParamValue::Int(default), short: None }
    }
    pub fn flag(name: &'static str, default: bool) -> Self {
        ParamSpec { name, kind: ParamKind::Bool, default: ParamValue::Bool(default), short: None }
    }
    pub fn choice(name: &'static str, options: &'static [&'static str], default: &'static str) -> Self {
        debug_assert!(options.contains(&default));
        ParamSpec { name, kind: ParamKind::Choice(options), default: ParamValue::Choice(default), short: None }
    }
    /// A node id; `default` must exist for every N the protocol accepts (0 always does).
    pub fn node(name: &'static str, default: usize) -> Self {
        ParamSpec { name, kind: ParamKind::Node, default: ParamValue::Node(default), short: None }
    }
    /// A list of N distinct positive integers; empty (the default) lets the protocol choose.
    pub fn id_list(name: &'static str) -> Self {
        ParamSpec { name, kind: ParamKind::IdList, default: ParamValue::IdList(Vec::new()), short: None }
    }

    /// What the parser accepts, in words, for error messages.
    pub fn accepted_text(&self) -> Text {
        match &self.kind {
            ParamKind::Int { min, max } => phrase!("param.accept.int", *min, *max),
            ParamKind::Bool => Text::key("param.accept.bool"),
            ParamKind::Choice(options) => phrase!("param.accept.choice", options.join(", ")),
            ParamKind::Node => phrase!("param.accept.node", "N-1"),
            ParamKind::IdList => phrase!("param.accept.ids", "N"),
        }
    }

    /// What the parser accepts, in English, for `dsviz list`.
    pub fn accepted(&self) -> String {
        self.accepted_text().en(&[])
    }

    /// What is accepted once the number of nodes is known.
    pub fn accepted_for(&self, n: usize) -> Text {
        match &self.kind {
            ParamKind::Node => phrase!("param.accept.node", n.saturating_sub(1)),
            ParamKind::IdList => phrase!("param.accept.ids", n),
            _ => self.accepted_text(),
        }
    }

    /// Check a parsed value against the number of nodes (node ids below N, one id per
    /// node). The error names the value and what is accepted for this N.
    pub fn check(&self, value: &ParamValue, n: usize) -> Result<(), Text> {
        let fits = match value {
            ParamValue::Node(i) => *i < n,
            ParamValue::IdList(ids) => ids.is_empty() || ids.len() == n,
            _ => true,
        };
        if fits {
            Ok(())
        } else {
            Err(phrase!("param.err.with_n", value.to_string(), n, self.accepted_for(n)))
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ParamKind::Int { .. } => "int",
            ParamKind::Bool => "bool",
            ParamKind::Choice(_) => "choice",
            ParamKind::Node => "node",
            ParamKind::IdList => "id-list",
        }
    }

    pub fn parse(&self, text: &str) -> Result<ParamValue, Text> {
        let bad = || phrase!("param.err.bad", text, self.accepted_text());
        match &self.kind {
            ParamKind::Int { min, max } => {
                let v: i64 = text.trim().parse().map_err(|_| bad())?;
                if v < *min || v > *max {
                    return Err(bad());
                }
                Ok(ParamValue::Int(v))
            }
            ParamKind::Bool => parse_bool(text).map(ParamValue::Bool).ok_or_else(bad),
            ParamKind::Choice(options) => {
                options.iter().find(|o| **o == text.trim()).map(|o| ParamValue::Choice(o)).ok_or_else(bad)
            }
            ParamKind::Node => text.trim().parse().map(ParamValue::Node).map_err(|_| bad()),
            ParamKind::IdList => {
                let mut ids: Vec<u32> = Vec::new();
                for item in text.trim().split('.').filter(|i| !i.is_empty()) {
                    match item.trim().parse::<u32>() {
                        Ok(id) if id > 0 && !ids.contains(&id) => ids.push(id),
                        Ok(id) if id > 0 => return Err(phrase!("param.err.twice", text, id, self.accepted_text())),
                        _ => return Err(phrase!("param.err.not_positive", text, item, self.accepted_text())),
                    }
                }
                Ok(ParamValue::IdList(ids))
            }
        }
    }
}

pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "1" | "on" | "true" | "yes" => Some(true),
        "0" | "off" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Values for every declared parameter (defaults filled in), in name order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params(pub BTreeMap<&'static str, ParamValue>);

impl Params {
    pub fn defaults(specs: &[ParamSpec]) -> Self {
        Params(specs.iter().map(|s| (s.name, s.default.clone())).collect())
    }

    /// The integer parameter `name`. Panics only on a protocol bug (asking for a
    /// parameter it never declared), which its own tests catch.
    pub fn int(&self, name: &str) -> i64 {
        match self.0.get(name) {
            Some(ParamValue::Int(v)) => *v,
            other => panic!("protocol asked for int parameter {name}, found {other:?}"),
        }
    }
    pub fn flag(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(ParamValue::Bool(v)) => *v,
            other => panic!("protocol asked for bool parameter {name}, found {other:?}"),
        }
    }
    pub fn choice(&self, name: &str) -> &'static str {
        match self.0.get(name) {
            Some(ParamValue::Choice(v)) => v,
            other => panic!("protocol asked for choice parameter {name}, found {other:?}"),
        }
    }
    pub fn node(&self, name: &str) -> usize {
        match self.0.get(name) {
            Some(ParamValue::Node(v)) => *v,
            other => panic!("protocol asked for node parameter {name}, found {other:?}"),
        }
    }
    /// Empty when the user gave none: the protocol chooses.
    pub fn id_list(&self, name: &str) -> &[u32] {
        match self.0.get(name) {
            Some(ParamValue::IdList(v)) => v,
            other => panic!("protocol asked for id-list parameter {name}, found {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_and_id_list_parse_then_check_against_n() {
        let node = ParamSpec::node("starter", 0);
        assert_eq!(node.parse("3"), Ok(ParamValue::Node(3)));
        assert!(node.parse("-1").unwrap_err().en(&[]).contains("node id from 0 to N-1"));
        assert!(node.check(&ParamValue::Node(3), 4).is_ok());
        let e = node.check(&ParamValue::Node(4), 4).unwrap_err().en(&[]);
        assert!(e.contains("'4'") && e.contains("4 nodes") && e.contains("0 to 3"), "{e}");

        let ids = ParamSpec::id_list("order");
        assert_eq!(ids.default, ParamValue::IdList(vec![]));
        assert_eq!(ids.parse("5.3.9.1"), Ok(ParamValue::IdList(vec![5, 3, 9, 1])));
        assert_eq!(ids.parse(""), Ok(ParamValue::IdList(vec![])));
        assert_eq!(ids.parse("5.3.9.1").unwrap().to_string(), "5.3.9.1");
        assert!(ids.parse("5.3.5").unwrap_err().en(&[]).contains("5 appears twice"));
        assert!(ids.parse("5.0").unwrap_err().en(&[]).contains("'0'"));
        assert!(ids.parse("5,3").unwrap_err().en(&[]).contains("'5,3'"));
        assert!(ids.check(&ParamValue::IdList(vec![]), 4).is_ok());
        assert!(ids.check(&ParamValue::IdList(vec![4, 3, 2, 1]), 4).is_ok());
        let e = ids.check(&ParamValue::IdList(vec![5, 3, 9]), 4).unwrap_err().en(&[]);
        assert!(e.contains("'5.3.9'") && e.contains("4 distinct"), "{e}");
        assert_eq!((node.type_name(), ids.type_name()), ("node", "id-list"));
    }
}
