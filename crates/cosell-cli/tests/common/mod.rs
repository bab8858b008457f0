//! Running the built `cosell` binary, shared by the CLI contract tests (cli.rs, flow.rs,
//! solution.rs): one runner and one reading of the bad-input contract (docs/cli.md).

#![allow(dead_code)] // each test binary uses its own part

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of `cosell` left behind.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Asserts the bad-input contract: exit 2, nothing on stdout, one line on stderr holding every fragment.
    pub fn assert_bad_input(&self, fragments: &[&str]) {
        assert_eq!(self.code, 2, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout after bad input");
        assert!(self.stderr.starts_with("cosell: "), "{}", self.stderr);
        assert_eq!(self.stderr.lines().count(), 1, "exactly one line: {:?}", self.stderr);
        assert!(self.stderr.ends_with('\n'));
        for fragment in fragments {
            assert!(self.stderr.contains(fragment), "{fragment:?} not in {:?}", self.stderr);
        }
    }

    /// Asserts success with nothing on stderr.
    pub fn ok(self) -> Self {
        self.exit_clean(0)
    }

    /// Asserts exit `code` with nothing on stderr and whole lines on stdout.
    pub fn exit(self, code: i32) -> Self {
        let run = self.exit_clean(code);
        assert!(run.stdout.ends_with('\n'), "stdout ends with a newline: {:?}", run.stdout);
        run
    }

    fn exit_clean(self, code: i32) -> Self {
        assert_eq!(self.code, code, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        assert_eq!(self.stderr, "");
        self
    }

    /// A usage error: exit 2, nothing on stdout, clap's message on stderr.
    pub fn usage(self, fragment: &str) {
        assert_eq!(self.code, 2, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "");
        assert!(self.stderr.contains(fragment), "{fragment:?} not in {:?}", self.stderr);
    }

    /// [`Run::assert_bad_input`], for chaining.
    pub fn bad_input(self, fragments: &[&str]) -> Self {
        self.assert_bad_input(fragments);
        self
    }
}

/// The workspace root (where `../shared/` is found, as in `cargo xtask test`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Runs `cosell ARGS` with `stdin` as standard input, in `dir` (the test's own directory when
/// `None`); a panic on stderr fails the test whatever the exit code.
pub fn run(args: &[&str], stdin: Option<&str>, dir: Option<&Path>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cosell"));
    command.args(args).env("RUST_BACKTRACE", "1").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("the cosell binary runs");
    {
        let mut input = child.stdin.take().unwrap();
        // A command that fails before reading stdin closes it; that is not a test failure.
        let _ = input.write_all(stdin.unwrap_or("").as_bytes());
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}
