//! `cosell generate` and `cosell lint` (issue 4).

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `cosell generate`.
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// Write nothing; exit 1 naming every file that differs.
    #[arg(long)]
    pub check: bool,
    /// The project root that holds `openapi/` and `connector/`.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Arguments of `cosell lint`.
#[derive(clap::Args)]
pub struct LintArgs {
    /// The connector folder (holding apiDefinition.swagger.json).
    pub dir: PathBuf,
}

pub fn generate(_args: &GenerateArgs) -> ExitCode {
    eprintln!("cosell generate: not built yet");
    ExitCode::from(2)
}

pub fn lint(_args: &LintArgs) -> ExitCode {
    eprintln!("cosell lint: not built yet");
    ExitCode::from(2)
}
