//! `cosell solution …`: check a Dataverse solution zip offline (issue 9).
//! Owned by the solution work; docs in docs/cli.md, section "solution".

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum SolutionCommand {}

/// Runs one `cosell solution` subcommand and returns its exit code.
pub fn run(command: SolutionCommand) -> ExitCode {
    match command {}
}
