//! Sync-model tasks (issue 7): core benchmarks and the generated README field-map section.

use crate::util;
use std::process::Command;

const BEGIN: &str = "<!-- field-map:begin -->";
const END: &str = "<!-- field-map:end -->";

/// The README's field-map section must equal `cosell map fields --format markdown`.
pub fn test() -> util::Result {
    let readme = std::fs::read_to_string(readme_path()).map_err(|e| format!("cannot read README.md: {e}"))?;
    let expected = with_section(&readme, &field_map()?)?;
    if expected == readme {
        Ok(())
    } else {
        Err("README.md's field-map section is stale: run `cargo xtask bless`".to_owned())
    }
}

/// Core throughput and plan-time scaling benchmarks (10 / 1,000 / 10,000 / 100,000 solution rows).
pub fn bench() -> util::Result {
    util::cargo(&["bench", "--locked", "-p", "cosell-core", "--bench", "scaling"])?;
    util::cargo(&[
        "bench",
        "--locked",
        "-p",
        "cosell-core",
        "--bench",
        "throughput",
        "--",
        "--warm-up-time",
        "1",
        "--measurement-time",
        "3",
    ])
}

/// Regenerates the README's field-map section from the core's table.
pub fn bless() -> util::Result {
    let path = readme_path();
    let readme = std::fs::read_to_string(&path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let updated = with_section(&readme, &field_map()?)?;
    if updated != readme {
        std::fs::write(&path, updated).map_err(|e| format!("cannot write README.md: {e}"))?;
        eprintln!("README.md: field-map section regenerated");
    }
    Ok(())
}

fn readme_path() -> std::path::PathBuf {
    util::root().join("README.md")
}

/// `cosell map fields --format markdown`, run from the workspace.
fn field_map() -> util::Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "--quiet", "--locked", "-p", "cosell-cli", "--", "map", "fields", "--format", "markdown"])
        .current_dir(util::root())
        .output()
        .map_err(|e| format!("cannot run cosell map fields: {e}"))?;
    if !out.status.success() {
        return Err(format!("cosell map fields failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|_| "cosell map fields printed non-UTF-8".to_owned())
}

/// The README with the text between the markers replaced by `table`.
fn with_section(readme: &str, table: &str) -> util::Result<String> {
    let start = readme.find(BEGIN).ok_or_else(|| format!("README.md has no {BEGIN} marker"))?;
    let end = readme.find(END).ok_or_else(|| format!("README.md has no {END} marker"))?;
    if end < start {
        return Err("README.md's field-map markers are out of order".to_owned());
    }
    let head = readme.get(..start + BEGIN.len()).unwrap_or_default();
    let tail = readme.get(end..).unwrap_or_default();
    Ok(format!("{head}\n{table}{tail}"))
}
