//! Nothing outside a protocol's own file knows it by name: the page, the reports and the
//! command line read what they need (fault model, compared metrics, diagram tools, words)
//! from the protocol's description. A protocol or family id written in their code, an
//! input id compared or sent by hand, or a scenario's own id would be a protocol known by
//! id: adding one would mean editing the page. Test modules may name protocols (they run
//! them), and the page's words tables may use the same English words as text.

use std::path::Path;

use dsviz::protocols::REGISTRY;

/// Where no protocol may be known by name.
const PLACES: &[&str] = &["src/ui", "src/report.rs", "src/bin"];

fn sources(path: &Path, out: &mut Vec<(String, String)>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            sources(&p, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        let text = std::fs::read_to_string(path).unwrap();
        // Code only: a file's tests come last, after `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
        out.push((path.display().to_string(), code));
    }
}

/// Every name a protocol's description gives, with what it names. Input ids and
/// one-word scenario ids are ordinary words too ("start", "crash"), so those count only
/// where code uses them as ids (see [`uses_as_id`]).
fn names() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for entry in REGISTRY {
        let info = entry.info();
        out.push((info.id.to_string(), "protocol"));
        out.push((info.family.id.to_string(), "family"));
        out.extend(info.inputs.iter().map(|i| (i.id.to_string(), "input")));
        out.extend(info.scenarios.iter().filter(|s| s.id.contains(['-', '_'])).map(|s| (s.id.to_string(), "scenario")));
    }
    out.sort();
    out.dedup();
    out
}

/// Whether this line uses the literal as the id of a protocol's input: compared with an
/// input's id, or given to an intervention.
fn uses_as_id(line: &str, literal: &str) -> bool {
    line.contains(&format!("== {literal}")) || line.contains(&format!("{literal} ==")) || line.contains("Input(")
}

fn offences(files: &[(String, String)]) -> Vec<String> {
    let names = names();
    let mut found = Vec::new();
    for (path, code) in files {
        for (number, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("w(") || line.trim_start().starts_with("//") {
                continue;
            }
            for (name, what) in &names {
                let literal = format!("\"{name}\"");
                if line.contains(&literal) && (*what != "input" || uses_as_id(line, &literal)) {
                    found.push(format!("{path}:{}: the {what} id {literal}", number + 1));
                }
            }
        }
    }
    found
}

#[test]
fn the_page_reports_and_command_line_name_no_protocol() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for place in PLACES {
        sources(&root.join(place), &mut files);
    }
    assert!(files.len() > 10, "the places were read: {}", files.len());
    let found = offences(&files);
    assert!(found.is_empty(), "known by id instead of by description:\n{}", found.join("\n"));
}

/// The check itself finds what it looks for.
#[test]
fn a_protocol_known_by_id_is_caught() {
    let files = vec![
        ("src/ui/timeline.rs".to_string(), "let clocks = state.info.family == \"clocks\";".to_string()),
        ("src/report.rs".to_string(), "match id { \"raft\" => Some(raft::FAULTS), _ => None }".to_string()),
        ("src/ui/timeline.rs".to_string(), "(inputs.iter().any(|x| x.id == \"local\"), 1)".to_string()),
        ("src/ui/layout.rs".to_string(), "anchor: \"start\",\n    w(\"ui.local\", \"local\", \"本地\"),".to_string()),
    ];
    let found = offences(&files);
    assert!(found.iter().any(|f| f.contains("family id \"clocks\"")), "{found:?}");
    assert!(found.iter().any(|f| f.contains("protocol id \"raft\"")), "{found:?}");
    assert!(found.iter().any(|f| f.contains("input id \"local\"")), "{found:?}");
    assert_eq!(found.len(), 3, "ordinary words are not ids: {found:?}");
}
