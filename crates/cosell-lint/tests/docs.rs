//! `docs/lint.md` lists every rule exactly as the catalogue has it (id, severity, source, meaning).

use std::path::Path;

const BEGIN: &str = "<!-- rules:begin (generated from cosell_lint::catalog::markdown; a test checks it) -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn the_rule_table_in_docs_is_the_catalogue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find(BEGIN).expect("docs/lint.md lacks the rules:begin marker") + BEGIN.len();
    let end = text[start..].find(END).expect("docs/lint.md lacks the rules:end marker") + start;
    let expected = cosell_lint::catalog::markdown();
    assert!(text[start..end] == expected, "docs/lint.md's rule table is stale; replace it with:\n{expected}");
}
