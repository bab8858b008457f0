//! The `cosell` command line. A stable contract: other tools and CI call it (see docs/cli.md).
//!
//! Exit codes: 0 ok, 1 findings (or stale generated files / lint errors), 2 bad input or usage.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

mod commands;
mod connector_cmds;
mod flow_cmds;
mod io;
mod solution_cmds;

use clap::{Parser, Subcommand};
use commands::Outcome;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code for bad input and usage errors.
const BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(name = "cosell", version, about = "Co-sell between Microsoft Partner Center and Dynamics 365")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Partner Center referral documents.
    #[command(subcommand)]
    Referral(ReferralCommand),
    /// Check an opportunity snapshot; print the findings as a JSON array (exit 1 on any error finding).
    Validate {
        /// The opportunity snapshot (docs/snapshot.md); `-` or absent for standard input.
        file: Option<PathBuf>,
    },
    /// Map between the Dynamics 365 opportunity and the Partner Center referral.
    #[command(subcommand)]
    Map(MapCommand),
    /// The three-way merge against the base in the snapshot's sync state (docs/sync.md).
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Write `openapi/` and `connector/` from the model (`--check`: write nothing, exit 1 if stale).
    Generate(connector_cmds::GenerateArgs),
    /// Lint a Power Platform connector folder against Microsoft's certification rules, offline.
    Lint(connector_cmds::LintArgs),
    /// Power Automate expressions and flows, evaluated and run offline.
    #[command(subcommand)]
    Flow(flow_cmds::FlowCommand),
    /// Dataverse solution packages.
    #[command(subcommand)]
    Solution(solution_cmds::SolutionCommand),
}

#[derive(Subcommand)]
enum ReferralCommand {
    /// Read a referral and write it back as canonical JSON (camelCase, 4-space indent); nothing is lost.
    Normalize {
        /// The referral; `-` or absent for standard input.
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
#[allow(clippy::enum_variant_names)] // the variant names are the contract: to-referral, to-patch, to-crm
enum MapCommand {
    /// Print the referral create payload for an opportunity snapshot.
    ToReferral {
        /// The opportunity snapshot; `-` or absent for standard input.
        file: Option<PathBuf>,
        /// Print the create plan instead: `{"referral", "forMicrosoft"?}`, the docs' two linked
        /// creates for co-sell (the second POSTed with the first response's engagementId).
        #[arg(long)]
        plan: bool,
    },
    /// Print the JSON Patch (with its If-Match eTag) that brings a referral in line with a snapshot.
    ToPatch {
        /// The opportunity snapshot.
        snapshot: PathBuf,
        /// The referral as Partner Center holds it now.
        referral: PathBuf,
    },
    /// Print the field map: one row per synced field (JSON, or `--format markdown`).
    Fields {
        /// `json` (default) or `markdown` (the README's mapping section).
        #[arg(long, value_enum, default_value_t = commands::FieldsFormat::Json)]
        format: commands::FieldsFormat,
    },
    /// Print the Dataverse upsert plan for a referral.
    ToCrm {
        /// The referral; `-` or absent for standard input.
        file: Option<PathBuf>,
        /// A JSON object of environment variable values (schema name to string); defaults when absent.
        #[arg(long, value_name = "FILE")]
        environment: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Print the outbound plan (CRM → Partner Center): PATCH operations, If-Match, conflicts, new base.
    Outbound {
        /// The opportunity snapshot, with its base in `cosell_syncstate`.
        snapshot: PathBuf,
        /// The referral as Partner Center holds it now, when known (adds conflict detection).
        #[arg(long, value_name = "FILE")]
        current: Option<PathBuf>,
    },
    /// Print the inbound plan (Partner Center → CRM): Dataverse writes, conflicts, new base.
    Inbound {
        /// The referral as Partner Center holds it now.
        referral: PathBuf,
        /// The opportunity snapshot, with its base in `cosell_syncstate`.
        snapshot: PathBuf,
    },
    /// Print the inbound plan for a referral's lead (not accepted yet), merged against the lead's base.
    InboundLead {
        /// The referral as Partner Center holds it now.
        referral: PathBuf,
        /// The lead row as Dataverse returns it, with its base in `cosell_syncstate`.
        lead: PathBuf,
    },
    /// Print the plan after a 412: the inbound merge of the re-read referral, then the PATCH left.
    Retry {
        /// The opportunity snapshot, with its base in `cosell_syncstate`.
        snapshot: PathBuf,
        /// The referral re-read from Partner Center.
        referral: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    match cli.command {
        Command::Generate(args) => connector_cmds::generate(&args),
        Command::Lint(args) => connector_cmds::lint(&args),
        Command::Flow(command) => flow_cmds::run(command),
        Command::Solution(command) => solution_cmds::run(command),
        Command::Referral(ReferralCommand::Normalize { file }) => report(commands::normalize(file.as_deref())),
        Command::Validate { file } => report(commands::validate(file.as_deref())),
        Command::Map(MapCommand::ToReferral { file, plan }) => report(commands::to_referral(file.as_deref(), plan)),
        Command::Map(MapCommand::ToPatch { snapshot, referral }) => report(commands::to_patch(&snapshot, &referral)),
        Command::Map(MapCommand::Fields { format }) => report(commands::fields(format)),
        Command::Sync(SyncCommand::Outbound { snapshot, current }) => {
            report(commands::sync_outbound(&snapshot, current.as_deref()))
        }
        Command::Sync(SyncCommand::Inbound { referral, snapshot }) => {
            report(commands::sync_inbound(&referral, &snapshot))
        }
        Command::Sync(SyncCommand::InboundLead { referral, lead }) => {
            report(commands::sync_inbound_lead(&referral, &lead))
        }
        Command::Sync(SyncCommand::Retry { snapshot, referral }) => report(commands::sync_retry(&snapshot, &referral)),
        Command::Map(MapCommand::ToCrm { file, environment }) => {
            report(commands::to_crm(file.as_deref(), environment.as_deref()))
        }
    }
}

/// Help and version go to stdout with exit 0; a usage error goes to stderr with exit 2.
fn usage(e: &clap::Error) -> ExitCode {
    // Printing can only fail when the stream is closed; there is no one left to tell.
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// The exit code of a document command; a failure is one line on stderr.
fn report(result: Result<Outcome, io::Failure>) -> ExitCode {
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(failure) => {
            // As with help output: if stderr is closed there is no one left to tell.
            let _ = writeln!(std::io::stderr(), "cosell: {}", failure.one_line());
            ExitCode::from(BAD_INPUT)
        }
    }
}
