//! `cosell solution pack|generate|check` (docs/cli.md, "solution"), run as the built binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::Run;

fn root() -> PathBuf {
    common::workspace_root()
}

/// Runs cosell in the workspace root (where ../shared/ is found, as in `cargo xtask test`).
fn cosell(args: &[&str]) -> Run {
    common::run(args, None, Some(&root()))
}

fn bad_input(run: &Run, fragments: &[&str]) {
    run.assert_bad_input(fragments);
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cosell-solution-cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Stand-ins for the built web resources.
fn web_resources(dir: &Path) -> PathBuf {
    let web = dir.join("web");
    std::fs::create_dir_all(web.join("cosell_")).unwrap();
    std::fs::write(web.join("cosell_/opportunity.js"), "var CoSell = {};\n").unwrap();
    std::fs::write(web.join("cosell_/readiness.html"), "<!DOCTYPE html><p>ready</p>\n").unwrap();
    web
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn schemas_present() -> bool {
    root().join("../shared/vendor/dataverse-schemas").is_dir()
        && Command::new("xmllint").arg("--version").output().is_ok()
}

#[test]
fn pack_writes_a_zip_that_checks_clean() {
    let dir = scratch("pack");
    let web = web_resources(&dir);
    let out = dir.join("out");
    let run = cosell(&["solution", "pack", "--web-resources", web.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let zip = out.join(format!("cosell_{}_0.zip", env!("CARGO_PKG_VERSION").replace('.', "_")));
    assert!(run.stdout.starts_with(&zip.display().to_string()), "{}", run.stdout);
    let first = std::fs::read(&zip).unwrap();
    assert_eq!(
        cosell(&["solution", "pack", "--web-resources", web.to_str().unwrap(), "--out", out.to_str().unwrap()]).code,
        0
    );
    assert_eq!(std::fs::read(&zip).unwrap(), first, "byte-identical on every run");

    let check = cosell(&["solution", "check", zip.to_str().unwrap()]);
    assert_eq!((check.code, check.stdout.as_str()), (0, "0 error(s), 0 warning(s)\n"), "{}", check.stderr);
    if schemas_present() {
        assert_eq!(check.stderr, "", "the XSD pass ran");
    } else {
        assert!(check.stderr.starts_with("notice: "), "{}", check.stderr);
    }
    let json = cosell(&["solution", "check", "--format", "json", zip.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn check_reports_findings_with_exit_1() {
    let dir = scratch("broken");
    let copy = dir.join("solution");
    copy_dir(&root().join("solution"), &copy);
    let customizations = copy.join("customizations.xml");
    let text = std::fs::read_to_string(&customizations).unwrap();
    std::fs::write(
        &customizations,
        text.replacen("libraryName=\"cosell_/opportunity.js\"", "libraryName=\"cosell_/gone.js\"", 1),
    )
    .unwrap();
    let run = cosell(&["solution", "check", copy.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error: handler-library customizations.xml#/ImportExportXml/Entities[1]/Entity[1]/FormXml[1]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("1 error(s), 0 warning(s)\n"), "{}", run.stdout);
    let json = cosell(&["solution", "check", "--format", "json", copy.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(json.stdout.starts_with("{\n    \"findings\": [\n        {\n"), "4-space indent: {}", json.stdout);
    assert!(json.stdout.ends_with("}\n"));
    assert_eq!(report["findings"][0]["rule"], "handler-library");
    assert_eq!(report["findings"][0]["severity"], "error");
    assert_eq!(report["findings"][0]["file"], "customizations.xml");
}

#[test]
fn the_checked_in_golden_folder_and_the_microsoft_fixture_check_clean() {
    for path in ["solution", "crates/cosell-solution/tests/fixtures/microsoft-export"] {
        let run = cosell(&["solution", "check", path]);
        assert_eq!((run.code, run.stdout.as_str()), (0, "0 error(s), 0 warning(s)\n"), "{path}: {}", run.stderr);
    }
}

#[test]
fn unreadable_input_exits_2_naming_the_file() {
    bad_input(&cosell(&["solution", "check", "no-such.zip"]), &["no-such.zip", "cannot read the file"]);
    bad_input(&cosell(&["solution", "check", "Cargo.toml"]), &["Cargo.toml", "not a zip file"]);
    bad_input(
        &cosell(&["solution", "check", "--schemas", "/nonexistent", "solution"]),
        &["/nonexistent", "CustomizationsSolution.xsd"],
    );
    let dir = scratch("missing-web");
    bad_input(
        &cosell(&["solution", "pack", "--web-resources", dir.to_str().unwrap(), "--out", dir.to_str().unwrap()]),
        &["cosell_/opportunity.js", "cannot read the file"],
    );
    bad_input(&cosell(&["solution", "pack", "--root", dir.to_str().unwrap()]), &["apiDefinition.swagger.json"]);
    let usage = cosell(&["solution", "check"]);
    assert_eq!(usage.code, 2);
}

#[test]
fn generate_writes_and_checks_the_golden_folder() {
    assert_eq!(cosell(&["solution", "generate", "--check"]).code, 0, "solution/ is current");
    let dir = scratch("generate");
    copy_dir(&root().join("connector"), &dir.join("connector"));
    let stale = cosell(&["solution", "generate", "--check", "--root", dir.to_str().unwrap()]);
    assert_eq!(stale.code, 1);
    assert!(stale.stderr.contains("stale: solution/customizations.xml"), "{}", stale.stderr);
    let written = cosell(&["solution", "generate", "--root", dir.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.lines().any(|l| l == "solution/solution.xml"));
    std::fs::write(dir.join("solution/extra.txt"), "x").unwrap();
    let extra = cosell(&["solution", "generate", "--check", "--root", dir.to_str().unwrap()]);
    assert_eq!((extra.code, extra.stderr.trim()), (1, "stale: solution/extra.txt (run `cosell solution generate`)"));
    assert_eq!(cosell(&["solution", "generate", "--root", dir.to_str().unwrap()]).code, 0);
    assert!(!dir.join("solution/extra.txt").exists(), "files no longer generated are removed");
    assert_eq!(cosell(&["solution", "generate", "--check", "--root", dir.to_str().unwrap()]).code, 0);
}
