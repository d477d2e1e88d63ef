//! The simulation core is layered: its modules point one way, and it never names the page.
//!
//! The core's modules import each other through `use super::X`, `use crate::sim::X` and
//! paths written inline (`super::monitor::multicast_id(..)`); a name taken from a module
//! that only re-exports it (`crate::sim::History`, `engine::RunView`) counts as an import
//! of the module that defines it. Within every folder of `src/sim/` those imports must
//! form no circle: a circle means no module of it can be read, tested or replaced alone.
//! Test code (`#[cfg(test)]` modules and items) may reach across; the code that ships may
//! not.
//!
//! The core also speaks with its own words: everything it says is in `words::CORE`, and
//! the page's table holds only the page's words.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use dsviz::words::{Words, CORE};

/// A module path below `sim`: `[]` is `sim` itself, `["engine", "step"]` is `sim::engine::step`.
type ModulePath = Vec<String>;

/// One file of the core, its comments removed.
struct Source {
    /// Relative to `src/sim/`, for messages.
    file: String,
    module: ModulePath,
    /// The code that ships (test-only items blanked), one entry per line so what is found
    /// can say where it is; string literals are emptied, so a message that mentions a
    /// path is not an import.
    code: Vec<String>,
    /// The same lines with their string literals, for the word keys they hold.
    text: Vec<String>,
    /// Child modules declared under `#[cfg(test)]` (`mod core_tests;`): test code too.
    test_children: Vec<String>,
}

/// An import of one module by another, with where it was written.
#[derive(Clone, Debug)]
struct Edge {
    from: ModulePath,
    to: ModulePath,
    at: String,
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Remove `//` comments (doc comments included: an intra-doc link is not an import),
/// keeping string literals whole, even when they span lines, or emptying them (their
/// quotes stay) when `keep_strings` is false.
fn strip_comments(text: &str, keep_strings: bool) -> Vec<String> {
    let mut in_string = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut kept = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if in_string {
                if c == '\\' && i + 1 < chars.len() {
                    if keep_strings {
                        kept.extend([c, chars[i + 1]]);
                    }
                    i += 1;
                } else if c == '"' {
                    in_string = false;
                    kept.push(c);
                } else if keep_strings {
                    kept.push(c);
                }
            } else if c == '"' {
                in_string = true;
                kept.push(c);
            } else if c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            } else if c == '\'' {
                // A char literal ('"', '\'', 'x') must not open a string; a lifetime ('a) has
                // no closing quote and is kept as it is.
                let literal_len = if chars.get(i + 1) == Some(&'\\') {
                    chars[i + 2..].iter().position(|&c| c == '\'').map(|p| p + 3)
                } else if chars.get(i + 2) == Some(&'\'') {
                    Some(3)
                } else {
                    None
                };
                match literal_len {
                    Some(len) => {
                        kept.extend(&chars[i..i + len]);
                        i += len - 1;
                    }
                    None => kept.push(c),
                }
            } else {
                kept.push(c);
            }
            i += 1;
        }
        out.push(kept);
    }
    out
}

/// Which lines ship: items under `#[cfg(test)]` do not (a block to its closing brace, a
/// declaration to its semicolon). Also returns the test-only child modules declared on
/// their own (`#[cfg(test)] mod core_tests;`). `code` has its strings emptied, so the
/// braces counted are the code's.
fn shipped_lines(code: &[String]) -> (Vec<bool>, Vec<String>) {
    let mut ships = vec![true; code.len()];
    let mut test_children = Vec::new();
    let mut i = 0;
    while i < code.len() {
        if code[i].trim() != "#[cfg(test)]" {
            i += 1;
            continue;
        }
        ships[i] = false;
        let mut j = i + 1;
        let item = code[j].trim();
        if item.ends_with(';') {
            if let Some(name) = item.trim_start_matches("pub ").strip_prefix("mod ") {
                test_children.push(name.trim_end_matches(';').trim().to_string());
            }
            ships[j] = false;
        } else {
            let mut depth = 0i32;
            loop {
                depth += code[j].matches('{').count() as i32 - code[j].matches('}').count() as i32;
                ships[j] = false;
                if depth <= 0 && code[j].contains('}') {
                    break;
                }
                j += 1;
            }
        }
        i = j + 1;
    }
    (ships, test_children)
}

fn source(file: &str, text: &str) -> Source {
    let path = file.trim_end_matches(".rs");
    let mut module: ModulePath = if path == "mod" { Vec::new() } else { path.split('/').map(String::from).collect() };
    if module.last().map(String::as_str) == Some("mod") {
        module.pop();
    }
    let code = strip_comments(text, false);
    let (ships, test_children) = shipped_lines(&code);
    let only_shipped = |lines: Vec<String>| lines.into_iter().zip(&ships).map(|(l, &keep)| if keep { l } else { String::new() }).collect();
    Source { file: file.to_string(), module, code: only_shipped(code.clone()), text: only_shipped(strip_comments(text, true)), test_children }
}

/// Every `.rs` file under `dir`, as (path relative to `root`, text).
fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.push((relative, fs::read_to_string(&path).unwrap()));
        }
    }
}

fn core_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut files = Vec::new();
    read_tree(&root, &root, &mut files);
    assert!(files.len() > 10, "src/sim/ was not found or is nearly empty");
    files.iter().map(|(f, t)| source(f, t)).collect()
}

/// Parse a path tree at `s[*i..]` (`a::b`, `a::{b, c::{d, e}}`, `*`) into the paths it
/// names. Stops at anything that is not part of a path (`(`, `<`, ` as`, `;`).
fn path_tree(s: &[char], i: &mut usize) -> Vec<Vec<String>> {
    while *i < s.len() && s[*i].is_whitespace() {
        *i += 1;
    }
    if *i < s.len() && s[*i] == '{' {
        *i += 1;
        let mut paths = Vec::new();
        loop {
            while *i < s.len() && (s[*i].is_whitespace() || s[*i] == ',') {
                *i += 1;
            }
            if *i >= s.len() || s[*i] == '}' {
                *i += 1;
                return paths;
            }
            let before = *i;
            paths.extend(path_tree(s, i));
            // Skip what follows a leaf (` as Alias`) up to the next separator.
            while *i < s.len() && s[*i] != ',' && s[*i] != '}' {
                *i += 1;
            }
            assert!(*i > before, "path tree parser made no progress");
        }
    }
    if *i < s.len() && s[*i] == '*' {
        *i += 1;
        return vec![vec!["*".to_string()]];
    }
    let start = *i;
    while *i < s.len() && is_ident_char(s[*i]) {
        *i += 1;
    }
    let ident: String = s[start..*i].iter().collect();
    if ident.is_empty() {
        return vec![Vec::new()];
    }
    if s.get(*i) == Some(&':') && s.get(*i + 1) == Some(&':') {
        *i += 2;
        return path_tree(s, i)
            .into_iter()
            .map(|rest| std::iter::once(ident.clone()).chain(rest).collect())
            .collect();
    }
    vec![vec![ident]]
}

/// Paths inside `sim` that `line` names, made absolute (relative to `sim`), as written
/// from `module`. Paths outside the core (`crate::words`, `std`) are left out.
fn core_paths(module: &[String], line: &str) -> Vec<ModulePath> {
    let s: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let at_word_start = i == 0 || !(is_ident_char(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '$');
        let rest: String = s[i..s.len().min(i + 12)].iter().collect();
        if !at_word_start || !(rest.starts_with("super::") || rest.starts_with("crate::sim::") || rest.starts_with("self::")) {
            i += 1;
            continue;
        }
        let mut base: ModulePath = module.to_vec();
        if rest.starts_with("crate::sim::") {
            base.clear();
            i += "crate::sim::".len();
        } else if rest.starts_with("self::") {
            i += "self::".len();
        } else {
            while s[i..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                if base.pop().is_none() {
                    // Above `sim`: not a path into the core.
                    base = vec!["<outside>".to_string()];
                }
                i += "super::".len();
            }
        }
        for path in path_tree(&s, &mut i) {
            if base.first().map(String::as_str) != Some("<outside>") {
                out.push(base.iter().cloned().chain(path).collect());
            }
        }
    }
    out
}

/// The modules of the core and what each re-exports, to follow a name to where it lives.
struct Modules<'a> {
    by_path: BTreeMap<ModulePath, &'a Source>,
}

impl<'a> Modules<'a> {
    fn new(sources: &'a [Source]) -> Self {
        Modules { by_path: sources.iter().map(|s| (s.module.clone(), s)).collect() }
    }

    fn child(module: &[String], name: &str) -> ModulePath {
        module.iter().cloned().chain(std::iter::once(name.to_string())).collect()
    }

    /// What `module` re-exports with `pub use`, as (name or `*`, absolute path).
    fn reexports(&self, module: &[String]) -> Vec<(String, ModulePath)> {
        let Some(source) = self.by_path.get(module) else { return Vec::new() };
        let mut out = Vec::new();
        for line in &source.code {
            let Some(tree) = line.trim().strip_prefix("pub use ") else { continue };
            // A bare first segment names a child module (`pub use act::{Act, ..}` in mod.rs).
            let written = if tree.starts_with("super::") || tree.starts_with("crate::") || tree.starts_with("self::") {
                tree.to_string()
            } else {
                format!("self::{tree}")
            };
            for path in core_paths(module, &written) {
                if let Some(name) = path.last() {
                    out.push((name.clone(), path.clone()));
                }
            }
        }
        out
    }

    /// Whether `module`'s own code declares an item called `name`.
    fn declares(&self, module: &[String], name: &str) -> bool {
        let Some(source) = self.by_path.get(module) else { return false };
        let kinds = ["struct", "enum", "trait", "type", "fn", "const", "static", "mod", "union"];
        source.code.iter().any(|line| {
            let words: Vec<&str> = line.split(|c: char| !is_ident_char(c)).filter(|w| !w.is_empty()).collect();
            words.windows(2).any(|w| kinds.contains(&w[0]) && w[1] == name)
        })
    }

    /// The module that defines what `path` names, following re-exports; `path` is
    /// absolute (relative to `sim`).
    fn defining_module(&self, path: &[String], hops: usize) -> ModulePath {
        assert!(hops < 32, "re-exports go round in a circle at {path:?}");
        let mut module: ModulePath = Vec::new();
        for (k, segment) in path.iter().enumerate() {
            if segment == "self" || segment == "*" {
                return module;
            }
            let child = Self::child(&module, segment);
            if self.by_path.contains_key(&child) {
                module = child;
                continue;
            }
            let reexports = self.reexports(&module);
            if let Some((_, target)) = reexports.iter().find(|(n, _)| n == segment) {
                let rest: ModulePath = target.iter().chain(&path[k + 1..]).cloned().collect();
                return self.defining_module(&rest, hops + 1);
            }
            if !self.declares(&module, segment) {
                for (_, glob) in reexports.iter().filter(|(n, _)| n == "*") {
                    let glob_module = &glob[..glob.len() - 1];
                    let inner = Self::child(glob_module, segment);
                    let found = self.defining_module(&inner, hops + 1);
                    if found != glob_module || self.declares(glob_module, segment) {
                        return found;
                    }
                }
            }
            // Declared here (or a variant, a method, a field of something declared here).
            return module;
        }
        module
    }

    /// Whether `module` is inside a module declared only for tests.
    fn is_test_only(&self, module: &[String]) -> bool {
        (1..=module.len()).any(|k| self.by_path.get(&module[..k - 1]).is_some_and(|parent| parent.test_children.contains(&module[k - 1])))
    }

    /// Every import in the code that ships, from the importing module to the defining one.
    fn edges(&self) -> Vec<Edge> {
        let mut out = Vec::new();
        for source in self.by_path.values() {
            for (n, line) in source.code.iter().enumerate() {
                for path in core_paths(&source.module, line) {
                    let to = self.defining_module(&path, 0);
                    if to != source.module && !self.is_test_only(&source.module) {
                        out.push(Edge { from: source.module.clone(), to, at: format!("src/sim/{}:{}: {}", source.file, n + 1, line.trim()) });
                    }
                }
            }
        }
        out
    }
}

/// The imports between the children of each folder: `a::x -> b::y` is `a -> b` inside
/// their common folder. A module reaching into its own parent (`super::NodeId`) or its
/// own child is not an edge between siblings and does not count.
fn sibling_graphs(edges: &[Edge]) -> BTreeMap<ModulePath, BTreeMap<String, Vec<(String, String)>>> {
    let mut graphs: BTreeMap<ModulePath, BTreeMap<String, Vec<(String, String)>>> = BTreeMap::new();
    for e in edges {
        let common = e.from.iter().zip(&e.to).take_while(|(a, b)| a == b).count();
        if common < e.from.len() && common < e.to.len() {
            let folder = e.from[..common].to_vec();
            graphs.entry(folder).or_default().entry(e.from[common].clone()).or_default().push((e.to[common].clone(), e.at.clone()));
        }
    }
    graphs
}

/// A circle in the graph, as the imports that make it, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<(String, String)>>) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &BTreeMap<String, Vec<(String, String)>>, path: &mut Vec<(String, String)>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|(n, _)| n == node) {
            return Some(path[start..].iter().map(|(n, at)| format!("{n} imports the next in {at}")).collect());
        }
        if done.contains(node) {
            return None;
        }
        for (next, at) in graph.get(node).into_iter().flatten() {
            path.push((node.to_string(), at.clone()));
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
            path.pop();
        }
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn cycles(sources: &[Source]) -> Vec<String> {
    let modules = Modules::new(sources);
    let mut found = Vec::new();
    for (folder, graph) in sibling_graphs(&modules.edges()) {
        if let Some(cycle) = find_cycle(&graph) {
            found.push(format!("in src/sim/{}:\n  {}", folder.join("/"), cycle.join("\n  ")));
        }
    }
    found
}

#[test]
fn the_core_modules_import_each_other_one_way() {
    let found = cycles(&core_sources());
    assert!(found.is_empty(), "modules of src/sim/ import each other in a circle:\n{}", found.join("\n"));
}

/// The layering the core is built on, pinned so a move that quietly turns it around is
/// seen: these modules are leaves (they import no other module of the core), and the
/// protocol interface does not import the engine that drives it.
#[test]
fn the_core_leaves_stay_leaves() {
    let sources = core_sources();
    let modules = Modules::new(&sources);
    let edges = modules.edges();
    let imports = |from: &str| -> BTreeSet<String> { edges.iter().filter(|e| e.from.first().map(String::as_str) == Some(from) && e.to.first().map(String::as_str) != Some(from)).filter_map(|e| e.to.first().cloned()).collect() };
    for leaf in ["breach", "counters", "rng", "view", "fingerprint"] {
        assert!(modules.by_path.contains_key(&vec![leaf.to_string()]), "sim::{leaf} is gone; update this test");
        assert!(imports(leaf).is_empty(), "sim::{leaf} is meant to be a leaf, but imports {:?}", imports(leaf));
    }
    for (from, below) in [("protocol", "engine"), ("monitor", "protocol"), ("monitor", "engine"), ("trace", "engine")] {
        assert!(!imports(from).contains(below), "sim::{from} imports sim::{below}, which sits above it");
    }
    assert!(imports("engine").contains("protocol"), "the edge finder no longer sees the engine import the protocol interface");
}

/// The checker itself: a circle made through an inline path and a re-export is found,
/// the same circle closed only in test code is not, and a child reaching into its parent
/// is not a circle.
#[test]
fn the_cycle_finder_sees_circles_through_reexports_and_inline_paths() {
    let tree = |b_text: &str| {
        vec![
            source("mod.rs", "pub mod a;\npub mod b;\npub mod deep;\n#[cfg(test)]\nmod checks;\npub type NodeId = usize;\npub use a::Thing;\n"),
            source("a.rs", "use super::{NodeId, b::{Other, More}};\npub struct Thing;\n#[cfg(test)]\nmod tests {\n    use crate::sim::deep::inner::Helper;\n}\n"),
            source("b.rs", b_text),
            source("deep/mod.rs", "mod inner;\npub use inner::Helper;\n"),
            source("deep/inner.rs", "use super::super::NodeId;\npub struct Helper(super::Marker);\n"),
            source("checks.rs", "use super::b::Other;\n"),
        ]
    };
    assert!(cycles(&tree("pub struct Other;\npub struct More;\n")).is_empty());
    // The circle closed through `crate::sim::Thing`, which mod.rs re-exports from `a`.
    let through_reexport = cycles(&tree("pub struct Other;\npub struct More;\nfn f() -> crate::sim::Thing { todo!() }\n"));
    assert_eq!(through_reexport.len(), 1, "{through_reexport:?}");
    assert!(through_reexport[0].contains("b.rs:3"), "{through_reexport:?}");
    // Through `deep`, a folder: b -> deep (inline, via its re-export) -> a.
    let mut via_folder = tree("pub struct Other;\npub struct More;\nfn f() { let _ = super::deep::Helper; }\n");
    via_folder[4] = source("deep/inner.rs", "pub struct Helper(crate::sim::a::Thing);\n");
    assert!(cycles(&via_folder).iter().any(|c| c.contains("deep")), "{:?}", cycles(&via_folder));
    // Closed only in test code: not a circle of the code that ships.
    assert!(cycles(&tree("pub struct Other;\npub struct More;\n#[cfg(test)]\nmod tests {\n    use super::super::a::Thing;\n}\n")).is_empty());
    // Mentioned only in a comment or a string: not an import.
    assert!(cycles(&tree("pub struct Other;\npub struct More;\n// see super::a::Thing\nconst S: &str = \"super::a::Thing\";\n")).is_empty());
}

/// Lines of code (comments removed) in `text` that name the page.
fn names_of_the_page(file: &str, text: &str) -> Vec<String> {
    let lines = strip_comments(text, false);
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let names_ui = (0..chars.len()).any(|i| {
            chars[i..].starts_with(&['u', 'i', ':', ':']) && (i == 0 || !is_ident_char(chars[i - 1]))
        });
        if names_ui {
            out.push(format!("{file}:{}: {}", n + 1, line.trim()));
        }
    }
    out
}

#[test]
fn the_core_does_not_name_the_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    read_tree(root, &root.join("src/sim"), &mut files);
    // The command line's report and the word machinery render the core's texts.
    for file in ["src/report.rs", "src/words.rs"] {
        files.push((file.to_string(), fs::read_to_string(root.join(file)).unwrap()));
    }
    let found: Vec<String> = files.iter().flat_map(|(f, t)| names_of_the_page(f, t)).collect();
    assert!(found.is_empty(), "the core names the page (crate::ui):\n{}", found.join("\n"));
    assert_eq!(names_of_the_page("x.rs", "use crate::ui::words::UI; // ui:: in a comment is fine\nlet gui::x = \"ui::\";"), vec!["x.rs:1: use crate::ui::words::UI;".to_string()]);
}

/// Keys the core's shipped code asks for by name: `phrase!("key"` and `Text::key("key")`.
fn keys_written_in(sources: &[&Source]) -> BTreeMap<String, String> {
    let mut keys = BTreeMap::new();
    for source in sources {
        for (n, line) in source.text.iter().enumerate() {
            for opener in ["phrase!(\"", "Text::key(\""] {
                for (at, _) in line.match_indices(opener) {
                    let rest = &line[at + opener.len()..];
                    if let Some(end) = rest.find('"') {
                        keys.entry(rest[..end].to_string()).or_insert_with(|| format!("{}:{}", source.file, n + 1));
                    }
                }
            }
        }
    }
    keys
}

fn table_has(table: Words, key: &str) -> bool {
    table.iter().any(|w| w.key == key)
}

#[test]
fn everything_the_core_says_is_in_its_own_words() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = core_sources();
    for file in ["src/report.rs", "src/words.rs"] {
        sources.push(source(file, &fs::read_to_string(root.join(file)).unwrap()));
    }
    let modules = Modules::new(&sources);
    let shipped: Vec<&Source> = sources.iter().filter(|s| !modules.is_test_only(&s.module)).collect();
    let keys = keys_written_in(&shipped);
    // If the scan broke, the check below would pass vacuously.
    assert!(keys.contains_key("url.problem") && keys.contains_key("url.n") && keys.len() > 50, "the key scan found only {keys:?}");
    let missing: Vec<String> = keys.iter().filter(|(k, _)| !table_has(CORE, k)).map(|(k, at)| format!("{k} (asked for at {at})")).collect();
    assert!(missing.is_empty(), "the core asks for words that are not in words::CORE:\n{}", missing.join("\n"));
}

#[test]
fn no_word_is_both_the_cores_and_the_pages() {
    let both: Vec<&str> = dsviz::ui::words::UI.iter().map(|w| w.key).filter(|k| table_has(CORE, k)).collect();
    assert!(both.is_empty(), "defined in words::CORE and in ui::words::UI: {both:?}");
}
