//! The `cosell` command line. A stable contract: other tools and CI call it.
//!
//! Exit codes: 0 ok, 1 findings (or stale generated files / lint errors), 2 bad input.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

mod connector_cmds;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cosell", version, about = "Co-sell between Microsoft Partner Center and Dynamics 365")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write `openapi/` and `connector/` from the model (`--check`: write nothing, exit 1 if stale).
    Generate(connector_cmds::GenerateArgs),
    /// Lint a Power Platform connector folder against Microsoft's certification rules, offline.
    Lint(connector_cmds::LintArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate(args) => connector_cmds::generate(&args),
        Command::Lint(args) => connector_cmds::lint(&args),
    }
}
