//! Small process and path helpers shared by the tasks.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the folder above `xtask/`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Runs `cargo ARGS` in the workspace root, failing on a non-zero exit.
pub fn cargo(args: &[&str]) -> Result {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo).args(args).current_dir(root()))
}

/// Runs a prepared command, echoing it, failing on a non-zero exit.
pub fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", describe(cmd));
    let status = cmd.status().map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// One row of `xtask/system-packages.txt`: a Debian package a task needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemPackage {
    /// The command it provides (looked up on PATH, or a path when it has a `/`).
    pub command: &'static str,
    pub package: &'static str,
    /// The version installed while the archive serves it.
    pub pin: &'static str,
    /// The first task that needs it: `dist` (build tools) or `test` (the browser).
    pub task: &'static str,
}

/// The list `.ci/run` reads too.
const SYSTEM_PACKAGES: &str = include_str!("../system-packages.txt");

/// The rows of `xtask/system-packages.txt` (comments and blank lines skipped).
pub fn system_packages() -> Result<Vec<SystemPackage>> {
    parse_system_packages(SYSTEM_PACKAGES)
}

fn parse_system_packages(text: &'static str) -> Result<Vec<SystemPackage>> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            [command, package, pin, task] if matches!(task, "dist" | "test") => {
                rows.push(SystemPackage { command, package, pin, task })
            }
            _ => {
                return Err(format!(
                    "xtask/system-packages.txt:{}: expected `command package version dist|test`, found {line:?}",
                    n + 1
                ))
            }
        }
    }
    Ok(rows)
}

/// Whether `command` can be run: on PATH, or an existing path.
pub fn on_path(command: &str) -> bool {
    if command.contains('/') {
        return Path::new(command).exists();
    }
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(command).is_file()))
}

/// Set once `apt-get update` has run in this process.
static APT_UPDATED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes sure the commands of the packages of `tasks` are there. As root (this project's machines
/// and CI), installs the missing ones: `apt-get update` once per run, then one `apt-get install`,
/// pinned where the archive still serves the pin. Otherwise fails with the exact command to run.
pub fn ensure_system_packages(tasks: &[&str]) -> Result {
    let missing: Vec<SystemPackage> =
        system_packages()?.into_iter().filter(|p| tasks.contains(&p.task) && !on_path(p.command)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let commands = missing.iter().map(|p| p.command).collect::<Vec<_>>().join(", ");
    if !is_root() {
        let pinned = missing.iter().map(|p| format!("{}={}", p.package, p.pin)).collect::<Vec<_>>().join(" ");
        return Err(format!(
            "missing {commands}; install the system packages with:\n    \
             sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y {pinned}"
        ));
    }
    eprintln!("xtask: installing the system packages that provide {commands}");
    if !APT_UPDATED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        run(Command::new("apt-get").args(["update", "-qq"]))?;
    }
    let mut install = Command::new("apt-get");
    install.env("DEBIAN_FRONTEND", "noninteractive").args(["install", "-y", "-qq"]);
    for p in &missing {
        let served = archive_versions(p.package);
        install.arg(install_spec(p, &served));
    }
    run(&mut install)?;
    let still: Vec<&str> = missing.iter().map(|p| p.command).filter(|c| !on_path(c)).collect();
    if still.is_empty() {
        Ok(())
    } else {
        Err(format!("apt-get install succeeded but {} is still missing", still.join(", ")))
    }
}

/// `package=pin` while the archive serves the pin, else `package` (the candidate), said aloud.
fn install_spec(p: &SystemPackage, served: &[String]) -> String {
    if served.iter().any(|v| v == p.pin) {
        format!("{}={}", p.package, p.pin)
    } else {
        eprintln!(
            "xtask: the archive no longer serves {} {} (it has {}); installing its candidate",
            p.package,
            p.pin,
            if served.is_empty() { "none".to_owned() } else { served.join(", ") }
        );
        p.package.to_owned()
    }
}

/// The versions of `package` the configured archives serve (`apt-cache madison`).
fn archive_versions(package: &str) -> Vec<String> {
    let Ok(out) = Command::new("apt-cache").args(["madison", package]).output() else { return Vec::new() };
    madison_versions(&String::from_utf8_lossy(&out.stdout), package)
}

/// Parses `apt-cache madison` lines: `  package | version | archive`.
fn madison_versions(text: &str, package: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('|').map(str::trim);
            (fields.next()? == package).then_some(fields.next()?.to_owned())
        })
        .collect()
}

/// Whether this process runs as root (effective uid 0).
fn is_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(uids) = status.lines().find_map(|l| l.strip_prefix("Uid:")) {
            return uids.split_whitespace().nth(1) == Some("0");
        }
    }
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs the `cosell` command of this workspace (`cargo run -p cosell-cli`), failing on a non-zero exit.
pub fn cosell(args: &[&str]) -> Result {
    let mut full = vec!["run", "--quiet", "--locked", "-p", "cosell-cli", "--"];
    full.extend_from_slice(args);
    cargo(&full)
}

/// Runs `cosell ARGS` and returns its standard output (standard error is passed through); a
/// non-zero exit is an error carrying that output.
pub fn cosell_output(args: &[&str]) -> Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut full = vec!["run", "--quiet", "--locked", "-p", "cosell-cli", "--"];
    full.extend_from_slice(args);
    let output =
        Command::new(cargo).args(&full).current_dir(root()).output().map_err(|e| format!("cannot run cosell: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        return Err(format!("cosell {} failed:\n{text}", args.join(" ")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_list_parses_and_names_each_command_once() {
        let rows = system_packages().unwrap();
        let commands: Vec<&str> = rows.iter().map(|r| r.command).collect();
        for needed in ["chromium", "chromedriver", "node", "npm", "gzip"] {
            assert_eq!(commands.iter().filter(|c| **c == needed).count(), 1, "{needed} in {commands:?}");
        }
        assert!(rows.iter().all(|r| !r.pin.is_empty()));
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let err = parse_system_packages("# c\n\nchromium chromium 1 test\nnode nodejs\n").unwrap_err();
        assert!(err.starts_with("xtask/system-packages.txt:4:"), "{err}");
        assert!(parse_system_packages("a b 1 later\n").is_err(), "unknown task");
    }

    #[test]
    fn madison_lines_give_the_served_versions() {
        let text = "  chromium | 148.0.7778.167-1~deb12u1 | http://deb.example/debian-security bookworm-security/main amd64 Packages\n  \
                    chromium | 147.0.7727.137-1~deb12u1 | http://deb.example/debian bookworm/main amd64 Packages\n\
                    chromium-driver | 148.0 | x\n";
        assert_eq!(madison_versions(text, "chromium"), ["148.0.7778.167-1~deb12u1", "147.0.7727.137-1~deb12u1"]);
        assert!(madison_versions("", "chromium").is_empty());
    }

    #[test]
    fn the_pin_is_installed_while_served_and_the_candidate_after() {
        let p = SystemPackage { command: "gzip", package: "gzip", pin: "1.12-1", task: "dist" };
        assert_eq!(install_spec(&p, &["1.12-1".to_owned()]), "gzip=1.12-1");
        assert_eq!(install_spec(&p, &["1.13-1".to_owned()]), "gzip");
        assert_eq!(install_spec(&p, &[]), "gzip");
    }

    #[test]
    fn commands_are_found_on_path_or_by_path() {
        assert!(on_path("sh"));
        assert!(on_path("/bin/sh"));
        assert!(!on_path("cosell-no-such-command"));
        assert!(!on_path("/no/such/file"));
    }
}
