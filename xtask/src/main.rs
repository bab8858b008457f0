//! `cargo xtask` — the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask dist`  builds every shipped artifact into `dist/`.
//! - `cargo xtask test`  runs every test the project has (what CI runs).
//! - `cargo xtask demo`  serves the opportunity-form demo on localhost.
//! - `cargo xtask bless` regenerates the checked-in `openapi/` and `connector/` golden files.
//! - `cargo xtask bench` runs the benchmarks and prints their numbers.

mod connector;
mod flow;
mod form;
mod lint;
mod solution;
mod sync;
mod util;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = args.get(1..).unwrap_or(&[]);
    let result = match task {
        "dist" => dist(),
        "test" => test(),
        "demo" => form::demo(rest),
        "form-test" => form::test(),
        "bless" => bless(),
        "bench" => bench(),
        _ => {
            eprintln!("usage: cargo xtask <dist|test|demo|bless|bench>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the `cosell` binary, the connector packages and the form web resources into `dist/`.
fn dist() -> util::Result {
    let root = util::root();
    util::cargo(&["build", "--release", "--locked", "-p", "cosell-cli"])?;
    let bin_dir = root.join("dist/bin");
    std::fs::create_dir_all(&bin_dir).map_err(|e| format!("create {}: {e}", bin_dir.display()))?;
    let built = root.join("target/release/cosell");
    std::fs::copy(&built, bin_dir.join("cosell")).map_err(|e| format!("copy {}: {e}", built.display()))?;
    println!("dist/bin/cosell");
    connector::dist()?;
    form::dist()?;
    solution::dist()?;
    Ok(())
}

/// A named step of `cargo xtask test`.
type Stage = (&'static str, fn() -> util::Result);

/// Every test: formatting, lints, unit/integration/property tests, golden files, WebAssembly and browser tests.
///
/// Ends with one line counting the stages, so a reader (or CI) sees the verdict last.
fn test() -> util::Result {
    let stages: [Stage; 9] = [
        ("format", || util::cargo(&["fmt", "--all", "--", "--check"])),
        ("clippy", || util::cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])),
        ("cargo test", || util::cargo(&["test", "--workspace", "--locked"])),
        ("sync model", sync::test),
        ("connector", connector::test),
        ("lint", lint::test),
        ("flow", flow::test),
        ("form", form::test),
        ("solution", solution::test),
    ];
    for (done, (name, stage)) in stages.iter().enumerate() {
        if let Err(e) = stage() {
            eprintln!("xtask test: stage {name} failed");
            println!("stages: {done} passed, 1 failed");
            return Err(e);
        }
    }
    println!("stages: {} passed, 0 failed", stages.len());
    Ok(())
}

/// Regenerates every checked-in generated file: connectors, core-derived docs, the solution.
fn bless() -> util::Result {
    connector::bless()?;
    sync::bless()?;
    solution::bless()
}

/// Benchmarks (numbers, not pass/fail): core, linter, flow engine, form bundle.
fn bench() -> util::Result {
    sync::bench()?;
    lint::bench()?;
    flow::bench()?;
    form::bench()
}
