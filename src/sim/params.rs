//! Protocol parameters: declared once with their type, range and default; parsed from
//! text (URL, command line) with messages that name what is accepted.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    Int { min: i64, max: i64 },
    Bool,
    Choice(&'static [&'static str]),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamValue {
    Int(i64),
    Bool(bool),
    Choice(&'static str),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Bool(b) => write!(f, "{}", if *b { "on" } else { "off" }),
            ParamValue::Choice(c) => write!(f, "{c}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    /// Stable name (`p.NAME` in URLs); `param.NAME` in the protocol's words says what it does.
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: ParamValue,
}

impl ParamSpec {
    pub fn int(name: &'static str, min: i64, max: i64, default: i64) -> Self {
        ParamSpec { name, kind: ParamKind::Int { min, max }, default: ParamValue::Int(default) }
    }
    pub fn flag(name: &'static str, default: bool) -> Self {
        ParamSpec { name, kind: ParamKind::Bool, default: ParamValue::Bool(default) }
    }
    pub fn choice(name: &'static str, options: &'static [&'static str], default: &'static str) -> Self {
        debug_assert!(options.contains(&default));
        ParamSpec { name, kind: ParamKind::Choice(options), default: ParamValue::Choice(default) }
    }

    /// What the parser accepts, in words, for error messages and `dsviz list`.
    pub fn accepted(&self) -> String {
        match &self.kind {
            ParamKind::Int { min, max } => format!("an integer from {min} to {max}"),
            ParamKind::Bool => "on or off".to_string(),
            ParamKind::Choice(options) => format!("one of {}", options.join(", ")),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ParamKind::Int { .. } => "int",
            ParamKind::Bool => "bool",
            ParamKind::Choice(_) => "choice",
        }
    }

    pub fn parse(&self, text: &str) -> Result<ParamValue, String> {
        let bad = || format!("'{text}' is not accepted; expected {}", self.accepted());
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
}
