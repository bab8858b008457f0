//! `cosell generate` and `cosell lint` (issue 4).

use cosell_lint::{lint_dir, VendoredSchemas};
use std::path::{Path, PathBuf};
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
    /// The Microsoft Entra ID app (client) id of the connections (else $COSELL_CLIENT_ID, else a
    /// placeholder of zeros). Never a secret.
    #[arg(long)]
    pub client_id: Option<String>,
}

/// Output format of `cosell lint`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
}

/// Arguments of `cosell lint`.
#[derive(clap::Args)]
pub struct LintArgs {
    /// The connector folder (holding apiDefinition.swagger.json).
    pub dir: PathBuf,
    /// `text` (one line per finding) or `json` (the report object).
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
    /// Microsoft's connector JSON schemas (else $COSELL_CONNECTOR_SCHEMAS, else
    /// ../shared/vendor/powerplatform-schemas when present).
    #[arg(long)]
    pub schemas: Option<PathBuf>,
}

pub fn generate(args: &GenerateArgs) -> ExitCode {
    let client_id = args
        .client_id
        .clone()
        .or_else(|| std::env::var("COSELL_CLIENT_ID").ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| cosell_openapi::PLACEHOLDER_CLIENT_ID.to_owned());
    let options = cosell_openapi::Options { client_id };
    let files = match cosell_openapi::generate(&options) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("cosell generate: {e}");
            return ExitCode::from(2);
        }
    };
    if args.check {
        let stale = cosell_openapi::stale(&args.root, &files);
        for path in &stale {
            eprintln!("stale: {} (run `cosell generate`)", path.display());
        }
        return if stale.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    match cosell_openapi::write(&args.root, &files) {
        Ok(()) => {
            for f in &files {
                println!("{}", f.path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cosell generate: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn lint(args: &LintArgs) -> ExitCode {
    let explicit = args.schemas.clone().or_else(|| std::env::var_os("COSELL_CONNECTOR_SCHEMAS").map(PathBuf::from));
    let schemas = match load_schemas(explicit.as_deref()) {
        Ok(schemas) => schemas,
        Err(e) => {
            eprintln!("cosell lint: {e}");
            return ExitCode::from(2);
        }
    };
    let report = match lint_dir(&args.dir, schemas.as_ref()) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("cosell lint: {e}");
            return ExitCode::from(2);
        }
    };
    match args.format {
        LintFormat::Text => print!("{}", report.to_text()),
        LintFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("cosell lint: {e}");
                return ExitCode::from(2);
            }
        },
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The explicit schema folder, or the vendored one when it exists (with a notice when it does not).
fn load_schemas(explicit: Option<&Path>) -> Result<Option<VendoredSchemas>, String> {
    if let Some(dir) = explicit {
        return VendoredSchemas::load(dir).map(Some).map_err(|e| e.to_string());
    }
    let default = Path::new("../shared/vendor/powerplatform-schemas");
    if default.is_dir() {
        VendoredSchemas::load(default).map(Some).map_err(|e| e.to_string())
    } else {
        eprintln!("notice: {} not found; schema validation skipped (use --schemas DIR)", default.display());
        Ok(None)
    }
}
