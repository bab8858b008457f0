//! Dataverse solution tasks (issue 9): build the zip, check it, golden files. Owned by the solution work.
//!
//! - `dist`: `cosell solution pack` → `dist/solution/cosell_<version>.zip`, with the web resources
//!   `form::dist` built into `dist/webresources/cosell_/`.
//! - `test`: the golden `solution/` folder, determinism (two packs, same bytes), `cosell solution
//!   check` on the zip and on the hand-made Microsoft-format fixture (with the XSD pass when
//!   `../shared/vendor/dataverse-schemas/` is present), and Microsoft's web-resource rules
//!   (ESLint with `@microsoft/eslint-plugin-power-apps`, pinned in crates/cosell-solution/eslint).
//! - `bless`: `cosell solution generate`.

use crate::util;
use std::path::{Path, PathBuf};
use std::process::Command;

const ESLINT_DIR: &str = "crates/cosell-solution/eslint";
const FIXTURE: &str = "crates/cosell-solution/tests/fixtures/microsoft-export";
const WEB_RESOURCES: &str = "dist/webresources";
const XMLLINT_PACKAGE: &str = "apt-get install -y libxml2-utils";

/// Writes `dist/solution/cosell_<version>.zip` (after the form web resources are built).
pub fn dist() -> util::Result {
    util::cosell(&["solution", "pack"])
}

/// Golden files, determinism, `cosell solution check`, XSD validation, ESLint on the web resources.
pub fn test() -> util::Result {
    let root = util::root();
    if !root.join(WEB_RESOURCES).join("cosell_/opportunity.js").is_file() {
        crate::form::dist()?;
    }
    util::cosell(&["solution", "generate", "--check"])?;
    ensure_xmllint()?;
    let schemas = root.join("../shared/vendor/dataverse-schemas");
    if !schemas.is_dir() {
        println!("notice: {} is absent; the solution is checked without Microsoft's XSDs", schemas.display());
    }

    let zips: Vec<PathBuf> = ["a", "b"]
        .iter()
        .map(|run| {
            let out = root.join("target/solution-determinism").join(run);
            util::cosell(&["solution", "pack", "--out", &out.to_string_lossy()])?;
            single_zip(&out)
        })
        .collect::<util::Result<_>>()?;
    let [a, b] = [&zips[0], &zips[1]].map(|z| std::fs::read(z).map_err(|e| format!("read {}: {e}", z.display())));
    if a? != b? {
        return Err("two builds of the solution zip differ".to_owned());
    }
    println!("determinism: two builds of {} are byte-identical", file_name(&zips[0]));

    let report = util::cosell_output(&["solution", "check", &zips[0].to_string_lossy()])?;
    if !report.trim_end().ends_with("0 error(s), 0 warning(s)") {
        return Err(format!("cosell solution check {} found problems:\n{report}", zips[0].display()));
    }
    println!("solution check: {} clean", file_name(&zips[0]));
    let report = util::cosell_output(&["solution", "check", FIXTURE])?;
    if !report.lines().last().is_some_and(|summary| summary.starts_with("0 error(s)")) {
        return Err(format!("the Microsoft-format fixture has errors (a false error is a checker bug):\n{report}"));
    }
    println!("solution check: {FIXTURE} has no error");
    eslint(&root)
}

/// Regenerates the checked-in `solution/` folder.
pub fn bless() -> util::Result {
    util::cosell(&["solution", "generate"])
}

/// Microsoft's web-resource rules over the form script and readiness.html's inline scripts.
fn eslint(root: &Path) -> util::Result {
    let dir = root.join(ESLINT_DIR);
    npm_ci(&dir)?;
    let web = root.join(WEB_RESOURCES).join("cosell_");
    let mut files = vec![web.join("opportunity.js")];
    let html_path = web.join("readiness.html");
    let html = std::fs::read_to_string(&html_path).map_err(|e| format!("read {}: {e}", html_path.display()))?;
    let scratch = root.join("target/solution-eslint");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("create {}: {e}", scratch.display()))?;
    let inline = inline_scripts(&html);
    for (i, script) in inline.iter().enumerate() {
        let file = scratch.join(format!("readiness.html.{i}.js"));
        std::fs::write(&file, script).map_err(|e| format!("write {}: {e}", file.display()))?;
        files.push(file);
    }
    if inline.is_empty() {
        println!("eslint: readiness.html has no inline script (it loads opportunity.js, linted here)");
    }
    util::run(&mut eslint_command(root, &dir, &files))?;
    println!("eslint (@microsoft/eslint-plugin-power-apps): {} file(s), 0 problems", files.len());

    // The rules must be live: a script that breaks two of them has to fail.
    let canary = scratch.join("canary.js");
    std::fs::write(&canary, CANARY).map_err(|e| format!("write {}: {e}", canary.display()))?;
    let output = eslint_command(root, &dir, &[canary]).output().map_err(|e| format!("cannot run eslint: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if output.status.success() || !CANARY_RULES.iter().all(|rule| text.contains(rule)) {
        return Err(format!("eslint did not report {CANARY_RULES:?} on a script that breaks them:\n{text}"));
    }
    println!("eslint: the rules are live ({} reported on a canary script)", CANARY_RULES.join(", "));
    Ok(())
}

/// A script breaking two web-resource rules, to prove the ESLint setup reports them.
const CANARY: &str = "var form = Xrm.Page.getAttribute(\"name\");\nvar host = parent.document;\n";
const CANARY_RULES: [&str; 2] =
    ["@microsoft/power-apps/use-client-context", "@microsoft/power-apps/do-not-make-parent-assumption"];

fn eslint_command(root: &Path, dir: &Path, files: &[PathBuf]) -> Command {
    let mut command = Command::new("node");
    command
        .arg(dir.join("node_modules/eslint/bin/eslint.js"))
        .arg("--config")
        .arg(dir.join("eslint.config.mjs"))
        .args(["--max-warnings", "0"])
        .args(files)
        .current_dir(root);
    command
}

/// The bodies of `<script>` elements without a `src`.
fn inline_scripts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        if !tag.contains("src=") && !body[..close].trim().is_empty() {
            out.push(body[..close].to_owned());
        }
        rest = &body[close..];
    }
    out
}

/// `npm ci` in `dir` unless its node_modules matches its package-lock.json.
fn npm_ci(dir: &Path) -> util::Result {
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&installed), std::fs::metadata(dir.join("package-lock.json"))) {
        (Ok(i), Ok(l)) => matches!((i.modified(), l.modified()), (Ok(i), Ok(l)) if i >= l),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    util::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir))
}

/// xmllint for the XSD pass: installed from Debian when running as root, else the command to run.
fn ensure_xmllint() -> util::Result {
    if Command::new("xmllint").arg("--version").output().is_ok() {
        return Ok(());
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return Err(format!("xmllint is missing; install it with:\n    {XMLLINT_PACKAGE}"));
    }
    let install = || util::run(Command::new("apt-get").args(["install", "-y", "libxml2-utils"]));
    install().or_else(|_| util::run(Command::new("apt-get").arg("update")).and_then(|()| install()))
}

fn single_zip(dir: &Path) -> util::Result<PathBuf> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
    let zips: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    match zips.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("expected one zip in {}, found {}", dir.display(), zips.len())),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_skip_external_ones() {
        let html = "<script src=\"opportunity.js\"></script><p>x</p><script>\nvar a = 1;\n</script><script> </script>";
        assert_eq!(inline_scripts(html), ["\nvar a = 1;\n"]);
        assert!(inline_scripts("<script>unterminated").is_empty());
    }
}
