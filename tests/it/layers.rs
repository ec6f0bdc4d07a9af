//! The modules' layers: `src/` is read as Rust (syn), each top-level
//! module's uses of the others are gathered (test code excluded), and the
//! graph must follow the layers of ARCHITECTURE.md with no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The crate's top-level modules, lowest layer first. A module may use the
/// modules of its own layer and of the layers before it, never one of a
/// later layer; within a layer, no cycle.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations",
        &[
            "vi", "escape", "i18n", "diag", "packed", "target", "overall", "timings",
        ],
    ),
    ("load", &["load", "theme", "markdown"]),
    ("model", &["intern", "model", "urls", "round"]),
    (
        "check",
        &[
            "scan",
            "consistency",
            "highlight",
            "public",
            "rollup",
            "timeline",
        ],
    ),
    // The output folder: below render, which hands each file to its `Sink`.
    ("write", &["write"]),
    (
        "render",
        &["rows", "chart", "view", "export", "search", "render"],
    ),
    // Office files into content: above load and the model, used by `cli`
    // only.
    ("import", &["import"]),
    ("pipeline", &["cache", "build", "init", "serve", "cli"]),
];

#[test]
fn the_modules_follow_the_layers_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    let layer_of: BTreeMap<&str, usize> = LAYERS
        .iter()
        .enumerate()
        .flat_map(|(i, (_, modules))| modules.iter().map(move |m| (*m, i)))
        .collect();

    let mut problems = Vec::new();
    for module in graph.keys() {
        if !layer_of.contains_key(module.as_str()) {
            problems.push(format!(
                "module `{module}` is in no layer: add it to LAYERS"
            ));
        }
    }
    for (module, uses) in &graph {
        let Some(&from) = layer_of.get(module.as_str()) else {
            continue;
        };
        for used in uses {
            if let Some(&to) = layer_of.get(used.as_str())
                && to > from
            {
                problems.push(format!(
                    "`{module}` ({}) uses `{used}` ({}), a later layer",
                    LAYERS[from].0, LAYERS[to].0
                ));
            }
        }
    }
    for cycle in cycles(&graph) {
        problems.push(format!("a cycle: {}", cycle.join(" → ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_uses_and_cycles() {
    // The checker itself: a use through `use crate::…`, a path in code and
    // `super::` are found; doc links and test modules are not uses.
    let file: syn::File = syn::parse_str(
        r#"
        use crate::vi::{self, fold};
        /// See [`crate::build::check`].
        fn f() { let _ = crate::model::Site::default(); super::urls::unit_url(); }
        #[cfg(test)]
        mod tests { use crate::build; }
        "#,
    )
    .unwrap();
    let mut uses = Uses::new(1);
    uses.visit_file(&file);
    let found: Vec<&str> = uses.found.iter().map(String::as_str).collect();
    assert_eq!(found, ["model", "urls", "vi"]);

    let graph: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(m, u)| (m.to_owned(), BTreeSet::from([u.to_owned()])))
        .collect();
    assert_eq!(cycles(&graph), [vec!["a", "b", "c", "a"]]);
}

/// Each top-level module of the crate and the top-level modules it uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let lib = parse(&src.join("lib.rs"));
    let mut graph = BTreeMap::new();
    for module in child_modules(&lib) {
        let mut uses = BTreeSet::new();
        let file = module_file(src, &module);
        gather(&file, &src.join(&module), 1, &mut uses);
        uses.remove(&module);
        graph.insert(module, uses);
    }
    graph
}

/// Gathers the uses of a module's file and of its submodules' files.
fn gather(file: &Path, dir: &Path, depth: usize, into: &mut BTreeSet<String>) {
    let ast = parse(file);
    let mut uses = Uses::new(depth);
    uses.visit_file(&ast);
    into.extend(uses.found);
    for child in child_modules(&ast) {
        gather(
            &module_file(dir, &child),
            &dir.join(&child),
            depth + 1,
            into,
        );
    }
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn module_file(dir: &Path, module: &str) -> PathBuf {
    let flat = dir.join(format!("{module}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(module).join("mod.rs")
    }
}

/// The `mod name;` declarations of a file (not test modules, not inline ones).
fn child_modules(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.content.is_none() && !is_test(&m.attrs) => {
                Some(m.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

pub(crate) fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

/// The top-level modules named by `crate::…` and `super::…` paths of a file
/// `depth` modules below the crate root.
struct Uses {
    depth: usize,
    found: BTreeSet<String>,
}

impl Uses {
    fn new(depth: usize) -> Uses {
        Uses {
            depth,
            found: BTreeSet::new(),
        }
    }

    fn segments(&mut self, names: &[String]) {
        let supers = names.iter().take_while(|n| *n == "super").count();
        let at = if names.first().is_some_and(|n| n == "crate") {
            Some(1)
        } else if supers > 0 && supers >= self.depth {
            Some(supers)
        } else {
            None
        };
        if let Some(name) = at.and_then(|i| names.get(i)) {
            self.found.insert(name.clone());
        }
    }
}

impl<'ast> Visit<'ast> for Uses {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_test(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut names = Vec::new();
        use_paths(&item.tree, &mut names, self);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.segments(&names);
        syn::visit::visit_path(self, path);
    }
}

/// Every path a `use` tree names, each given to `uses`.
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, uses: &mut Uses) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, uses);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            prefix.push(n.ident.to_string());
            uses.segments(prefix);
            prefix.pop();
        }
        syn::UseTree::Rename(r) => {
            prefix.push(r.ident.to_string());
            uses.segments(prefix);
            prefix.pop();
        }
        syn::UseTree::Glob(_) => uses.segments(prefix),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_paths(t, prefix, uses)),
    }
}

/// The cycles of the graph, each once, starting from its least module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = BTreeSet::new();
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        walk(graph, start, &mut path, &mut found);
    }
    found.into_iter().collect()
}

fn walk(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    path: &mut Vec<String>,
    found: &mut BTreeSet<Vec<String>>,
) {
    let last = path.last().cloned().unwrap_or_default();
    for next in graph.get(&last).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_owned());
            found.insert(cycle);
        } else if next.as_str() > start && !path.contains(next) {
            path.push(next.clone());
            walk(graph, start, path, found);
            path.pop();
        }
    }
}

/// The attributes of an item.
pub(crate) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}
