//! `cosell solution pack|generate|check` (issue 9): build the Dataverse solution zip, keep the
//! golden `solution/` folder current, check any solution zip offline. Docs: docs/cli.md.

use clap::Subcommand;
use cosell_solution::check::{self, Options};
use cosell_solution::connectors::{ConnectorFiles, CONNECTORS};
use cosell_solution::contents;
use cosell_solution::package::{self, ExternalFile, Inputs, Package};
use cosell_solution::web_resources::WEB_RESOURCES;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The document holding the generated contents list.
const DOC: &str = "docs/solution.md";

#[derive(Subcommand)]
pub enum SolutionCommand {
    /// Write dist/solution/cosell_<version>.zip from the model, connector/ and the built web resources.
    Pack {
        /// The project root (holding connector/ and dist/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The folder holding cosell_/opportunity.js and cosell_/readiness.html (else ROOT/dist/webresources).
        #[arg(long)]
        web_resources: Option<PathBuf>,
        /// Where the zip goes (else ROOT/dist/solution).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the golden solution/ folder and the contents list of docs/solution.md (`--check`:
    /// write nothing, exit 1 naming every stale file).
    Generate {
        #[arg(long)]
        check: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Check a solution zip or unpacked folder offline; print the findings (exit 1 on errors).
    Check {
        /// The solution .zip, or a folder holding its entries.
        path: PathBuf,
        /// `text` (one line per finding) or `json`.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Microsoft's solution XSDs (else $COSELL_SOLUTION_SCHEMAS, else ../shared/vendor/dataverse-schemas when present).
        #[arg(long)]
        schemas: Option<PathBuf>,
    },
}

/// Output format of `cosell solution check`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Runs one `cosell solution` subcommand and returns its exit code.
pub fn run(command: SolutionCommand) -> ExitCode {
    let result = match command {
        SolutionCommand::Pack { root, web_resources, out } => pack(&root, web_resources.as_deref(), out.as_deref()),
        SolutionCommand::Generate { check, root } => generate(&root, check),
        SolutionCommand::Check { path, format, schemas } => run_check(&path, format, schemas),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "cosell: {}", message.replace(['\r', '\n'], " "));
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: cannot read the file: {e}", path.display()))
}

/// The generator's inputs: connector files from ROOT/connector, web resources from `web` (or
/// empty placeholders when `None`: the golden files never hold their bytes).
fn inputs(root: &Path, web: Option<&Path>) -> Result<Inputs, String> {
    let mut connectors = Vec::new();
    for c in CONNECTORS {
        let dir = root.join("connector").join(c.folder);
        connectors.push(ConnectorFiles {
            folder: c.folder.to_owned(),
            swagger: read(&dir.join("apiDefinition.swagger.json"))?,
            api_properties: read(&dir.join("apiProperties.json"))?,
        });
    }
    let mut web_resources = Vec::new();
    for w in WEB_RESOURCES {
        let source = format!("dist/webresources/{}", w.name);
        let bytes = match web {
            Some(dir) => read(&dir.join(w.name))?,
            None => Vec::new(),
        };
        web_resources.push(ExternalFile { name: w.name.to_owned(), source, bytes });
    }
    Ok(Inputs { version: env!("CARGO_PKG_VERSION").to_owned(), web_resources, connectors, flows: Vec::new() })
}

fn build(root: &Path, web: Option<&Path>) -> Result<Package, String> {
    package::build(&inputs(root, web)?).map_err(|e| e.to_string())
}

fn pack(root: &Path, web: Option<&Path>, out: Option<&Path>) -> Result<ExitCode, String> {
    let web = web.map(Path::to_path_buf).unwrap_or_else(|| root.join("dist/webresources"));
    let package = build(root, Some(&web))?;
    let zip = package.zip().map_err(|e| e.to_string())?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| root.join("dist/solution"));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: cannot create the folder: {e}", out.display()))?;
    let file = out.join(package.zip_name());
    std::fs::write(&file, &zip).map_err(|e| format!("{}: cannot write the file: {e}", file.display()))?;
    println!("{} ({} bytes)", file.display(), zip.len());
    Ok(ExitCode::SUCCESS)
}

/// The golden `solution/` folder, and the contents list in docs/solution.md (when that file exists).
fn generate(root: &Path, check_only: bool) -> Result<ExitCode, String> {
    let inputs = inputs(root, None)?;
    let package = package::build(&inputs).map_err(|e| e.to_string())?;
    let dir = root.join("solution");
    let mut golden: Vec<(String, Vec<u8>)> = package.golden();
    let doc_path = root.join(DOC);
    if let Ok(doc) = std::fs::read_to_string(&doc_path) {
        let list = contents::markdown(&inputs).map_err(|e| e.to_string())?;
        let spliced = contents::splice(&doc, &list)
            .ok_or_else(|| format!("{}: the contents markers are missing ({})", doc_path.display(), contents::BEGIN))?;
        golden.push((format!("../{DOC}"), spliced.into_bytes()));
    }
    let mut stale: Vec<String> = golden
        .iter()
        .filter(|(path, bytes)| std::fs::read(dir.join(path)).ok().as_deref() != Some(bytes.as_slice()))
        .map(|(path, _)| path.clone())
        .collect();
    let existing = check::load(&dir).map(|f| f.entries).unwrap_or_default();
    let extra: Vec<String> =
        existing.iter().map(|(p, _)| p.clone()).filter(|p| !golden.iter().any(|(g, _)| g == p)).collect();
    let show = |path: &str| path.strip_prefix("../").map_or_else(|| format!("solution/{path}"), str::to_owned);
    if check_only {
        stale.extend(extra);
        for path in &stale {
            eprintln!("stale: {} (run `cosell solution generate`)", show(path));
        }
        return Ok(if stale.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    for path in extra {
        std::fs::remove_file(dir.join(&path)).map_err(|e| format!("solution/{path}: cannot remove the file: {e}"))?;
    }
    for (path, bytes) in &golden {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create the folder: {e}", parent.display()))?;
        }
        std::fs::write(&file, bytes).map_err(|e| format!("{}: cannot write the file: {e}", file.display()))?;
        println!("{}", show(path));
    }
    Ok(ExitCode::SUCCESS)
}

fn run_check(path: &Path, format: Format, schemas: Option<PathBuf>) -> Result<ExitCode, String> {
    let files = check::load(path).map_err(|e| e.to_string())?;
    let explicit = schemas.or_else(|| std::env::var_os("COSELL_SOLUTION_SCHEMAS").map(PathBuf::from));
    let schemas = match explicit {
        Some(dir) if !dir.join("CustomizationsSolution.xsd").is_file() => {
            return Err(format!("{}: no CustomizationsSolution.xsd in this folder", dir.display()))
        }
        Some(dir) => Some(dir),
        None => Some(PathBuf::from("../shared/vendor/dataverse-schemas")).filter(|d| d.is_dir()),
    };
    let report = check::check(&files, &Options { schemas });
    for notice in &report.notices {
        eprintln!("notice: {notice}");
    }
    let text = match format {
        Format::Text => report.to_text(),
        Format::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n",
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
