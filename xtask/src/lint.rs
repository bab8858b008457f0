//! Connector linter tasks (issue 10): the `cosell lint` command over Microsoft's vendored
//! certified connectors (`../shared/vendor/powerplatform-connectors`, skipped with a notice when
//! absent), one process per connector, as a user runs it.

use crate::util;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How many times the benchmark lints each connector (the median is reported).
const BENCH_ROUNDS: usize = 15;

/// Every vendored certified connector lints with no error through the CLI, from a working
/// directory outside the repository and without the schemas (the built-in rules alone), and
/// `cosell lint --rules` lists the catalogue.
pub fn test() -> util::Result {
    let Some(connectors) = vendored_connectors()? else { return Ok(()) };
    util::cargo(&["build", "--quiet", "--locked", "-p", "cosell-cli"])?;
    let cosell = target_dir().join("debug/cosell");
    let rules = output(Command::new(&cosell).args(["lint", "--rules"]))?;
    if rules.lines().count() < 50 || !rules.contains("RequiredValueEmpty") {
        return Err(format!("`cosell lint --rules` printed an incomplete catalogue:\n{rules}"));
    }
    let outside = std::env::temp_dir();
    for dir in &connectors {
        let mut lint = Command::new(&cosell);
        lint.arg("lint").arg(dir).current_dir(&outside);
        let status = lint.output().map_err(|e| format!("cannot run {}: {e}", cosell.display()))?;
        let text = String::from_utf8_lossy(&status.stdout);
        let summary = text.lines().last().unwrap_or("");
        if !status.status.success() || !summary.starts_with("0 error(s)") {
            return Err(format!(
                "{} has lint errors:\n{text}{}",
                dir.display(),
                String::from_utf8_lossy(&status.stderr)
            ));
        }
        println!("{}: {summary}", name(dir));
    }
    Ok(())
}

/// Wall time of `cosell lint DIR` (release build, one process each, built-in rules only) per
/// vendored connector, and what that means for the 1,010-connector corpus of the issue.
pub fn bench() -> util::Result {
    let Some(connectors) = vendored_connectors()? else { return Ok(()) };
    util::cargo(&["build", "--release", "--quiet", "--locked", "-p", "cosell-cli"])?;
    let cosell = target_dir().join("release/cosell");
    println!("lint (cosell lint DIR, release, one process, median of {BENCH_ROUNDS}):");
    let mut total = Duration::ZERO;
    for dir in &connectors {
        let size = std::fs::metadata(dir.join("apiDefinition.swagger.json")).map(|m| m.len()).unwrap_or(0);
        let mut times = Vec::with_capacity(BENCH_ROUNDS);
        for _ in 0..BENCH_ROUNDS {
            let start = Instant::now();
            let status = Command::new(&cosell)
                .arg("lint")
                .arg(dir)
                .output()
                .map_err(|e| format!("cannot run {}: {e}", cosell.display()))?;
            times.push(start.elapsed());
            if status.status.code() == Some(2) {
                return Err(format!("{}: {}", dir.display(), String::from_utf8_lossy(&status.stderr)));
            }
        }
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        total += median;
        println!("  {:45} {:>7.1} KB  {:>7.2} ms", name(dir), size as f64 / 1024.0, median.as_secs_f64() * 1e3);
    }
    let mean = total.as_secs_f64() / connectors.len().max(1) as f64;
    println!(
        "  mean {:.2} ms per connector; 1,010 connectors at this mean: {:.1} s (budget 10 s)",
        mean * 1e3,
        mean * 1010.0
    );
    Ok(())
}

/// The vendored connector folders, sorted; `None` (with a notice) when the vendor folder is absent.
fn vendored_connectors() -> util::Result<Option<Vec<PathBuf>>> {
    let root = util::root().join("../shared/vendor/powerplatform-connectors");
    if !root.is_dir() {
        println!("notice: {} is absent; skipping the linter over Microsoft's connectors", root.display());
        return Ok(None);
    }
    let entries = std::fs::read_dir(&root).map_err(|e| format!("read {}: {e}", root.display()))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("apiDefinition.swagger.json").is_file())
        .collect();
    dirs.sort();
    Ok(Some(dirs))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| util::root().join("target"))
}

fn name(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn output(cmd: &mut Command) -> util::Result<String> {
    let out = cmd.output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if !out.status.success() {
        return Err(format!("{:?} failed: {}", cmd.get_program(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
