//! `cosell flow …`: evaluate Power Automate expressions and run flows offline (issue 8).
//! Owned by the flow-engine work; docs in docs/cli.md, section "flow".

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum FlowCommand {}

/// Runs one `cosell flow` subcommand and returns its exit code.
pub fn run(command: FlowCommand) -> ExitCode {
    match command {}
}
