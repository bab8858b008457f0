//! `cosell generate` and `cosell lint` (issue 4).

use cosell_lint::{lint_dir_with, Options, VendoredSchemas};
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
    #[arg(required_unless_present = "rules")]
    pub dir: Option<PathBuf>,
    /// `text` (one line per finding) or `json` (the report object; with --rules, the rule list).
    #[arg(long, value_enum, default_value = "text")]
    pub format: LintFormat,
    /// Also validate against Microsoft's 2020 JSON schemas in DIR (else $COSELL_CONNECTOR_SCHEMAS).
    /// Optional: the built-in rules already hold the schemas' structure; schema-only findings are
    /// warnings. Results never depend on the working directory.
    #[arg(long, value_name = "DIR")]
    pub schemas: Option<PathBuf>,
    /// Also report info-severity advice (off by default).
    #[arg(long)]
    pub info: bool,
    /// List every rule with its severity and source, and exit.
    #[arg(long)]
    pub rules: bool,
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
    if args.rules {
        return print_rules(args.format);
    }
    let Some(dir) = &args.dir else {
        eprintln!("cosell lint: a connector folder is required (or --rules)");
        return ExitCode::from(2);
    };
    let explicit = args.schemas.clone().or_else(|| std::env::var_os("COSELL_CONNECTOR_SCHEMAS").map(PathBuf::from));
    let schemas = match explicit.as_deref().map(VendoredSchemas::load).transpose() {
        Ok(schemas) => schemas,
        Err(e) => {
            eprintln!("cosell lint: {e}");
            return ExitCode::from(2);
        }
    };
    let report = match lint_dir_with(dir, &Options { schemas: schemas.as_ref(), info: args.info }) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("cosell lint: {e}");
            return ExitCode::from(2);
        }
    };
    let printed = match args.format {
        LintFormat::Text => Ok(report.to_text()),
        LintFormat::Json => serde_json::to_string_pretty(&report).map(|json| json + "\n"),
    };
    let written = printed.map_err(|e| e.to_string()).and_then(|text| write_stdout(&text));
    if let Err(e) = written {
        eprintln!("cosell lint: {e}");
        return ExitCode::from(2);
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes to stdout; a closed pipe (`cosell lint … | head`) is not an error.
fn write_stdout(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the output: {e}")),
        _ => Ok(()),
    }
}

/// `cosell lint --rules`: the catalogue, as a table or as JSON rows.
fn print_rules(format: LintFormat) -> ExitCode {
    let text = match format {
        LintFormat::Text => Ok(cosell_lint::catalog::table()),
        LintFormat::Json => {
            let rows: Vec<serde_json::Value> = cosell_lint::Rule::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "rule": r.id(),
                        "severity": r.severity(),
                        "source": r.source().name(),
                        "reference": r.source().reference(),
                        "meaning": r.meaning(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows).map(|json| json + "\n").map_err(|e| e.to_string())
        }
    };
    match text.and_then(|t| write_stdout(&t)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cosell lint: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn args(dir: Option<&Path>) -> LintArgs {
        LintArgs { dir: dir.map(Path::to_path_buf), format: LintFormat::Text, schemas: None, info: false, rules: false }
    }

    fn project(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        // The project's connector: no error.
        assert_eq!(lint(&args(Some(&project("connector/partner-center-referrals")))), ExitCode::SUCCESS);
        // A folder that is not there: bad input.
        assert_eq!(lint(&args(Some(Path::new("/nonexistent/connector")))), ExitCode::from(2));
        // No folder and no --rules: bad usage (clap normally refuses this first).
        assert_eq!(lint(&args(None)), ExitCode::from(2));
        // A schema folder that is not there: bad input, never a silent skip.
        let mut bad_schemas = args(Some(&project("connector/partner-center-referrals")));
        bad_schemas.schemas = Some(PathBuf::from("/nonexistent/schemas"));
        assert_eq!(lint(&bad_schemas), ExitCode::from(2));
    }

    #[test]
    fn a_connector_with_an_error_exits_1_in_both_formats() {
        let dir = std::env::temp_dir().join(format!("cosell-lint-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let swagger =
            r#"{"swagger": "3.0", "info": {"title": "T", "version": "1"}, "host": "h.example.com", "paths": {}}"#;
        std::fs::write(dir.join("apiDefinition.swagger.json"), swagger).unwrap();
        for format in [LintFormat::Text, LintFormat::Json] {
            let mut a = args(Some(&dir));
            a.format = format;
            a.info = true;
            assert_eq!(lint(&a), ExitCode::from(1));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rules_lists_the_catalogue_in_both_formats() {
        for format in [LintFormat::Text, LintFormat::Json] {
            let mut a = args(None);
            a.rules = true;
            a.format = format;
            assert_eq!(lint(&a), ExitCode::SUCCESS);
        }
    }
}
