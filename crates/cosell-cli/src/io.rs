//! Reading input documents and writing output documents, with the CLI's error contract:
//! a bad input is one line on stderr naming the file (or `<stdin>`) and the JSON path.

use cosell_core::config::Config;
use cosell_core::{InputError, Referral, Snapshot};
use serde::Serialize;
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

/// Why a command could not finish. Every variant is reported as exit code 2.
#[derive(Debug)]
pub enum Failure {
    /// The input could not be read or is not the document the command expects.
    BadInput {
        /// The file name, or `<stdin>`.
        source: String,
        /// The JSON path of the problem, when the problem is inside the document.
        path: Option<String>,
        message: String,
    },
    /// The output could not be written (for example a closed pipe).
    Output(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadInput { source, path: Some(path), message } => write!(f, "{source}: {path}: {message}"),
            Failure::BadInput { source, path: None, message } => write!(f, "{source}: {message}"),
            Failure::Output(message) => write!(f, "cannot write the output: {message}"),
        }
    }
}

impl Failure {
    /// The failure as exactly one line of text (messages never span lines).
    pub fn one_line(&self) -> String {
        self.to_string().replace(['\r', '\n'], " ")
    }
}

/// An input document: its display name and its text.
pub struct Input {
    pub name: String,
    pub text: String,
}

impl Input {
    /// Reads a file, or standard input when `file` is `None` or `-`.
    pub fn read(file: Option<&Path>) -> Result<Input, Failure> {
        match file.filter(|f| *f != Path::new("-")) {
            Some(path) => Input::read_file(path),
            None => Input::read_stdin(),
        }
    }

    fn read_file(path: &Path) -> Result<Input, Failure> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| bad(&name, None, format!("cannot read the file: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| bad(&name, None, "the file is not UTF-8 text".to_owned()))?;
        Ok(Input { name, text })
    }

    fn read_stdin() -> Result<Input, Failure> {
        let name = "<stdin>".to_owned();
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| bad(&name, None, format!("cannot read: {e}")))?;
        Ok(Input { name, text })
    }

    /// The document as a Partner Center referral (refused without any identifying property).
    pub fn referral(&self) -> Result<Referral, Failure> {
        Referral::from_json(&self.text).map_err(|e| self.error(e))
    }

    /// The document as an opportunity snapshot (see docs/snapshot.md).
    pub fn snapshot(&self) -> Result<Snapshot, Failure> {
        Snapshot::from_json(&self.text).map_err(|e| self.error(e))
    }

    /// The document as environment variables (schema name → value string) turned into a configuration.
    pub fn environment(&self) -> Result<Config, Failure> {
        let value: serde_json::Value = cosell_core::json::from_str(&self.text).map_err(|e| self.error(e))?;
        match &value {
            serde_json::Value::Object(map) => Config::from_environment(map, "$").map_err(|e| self.error(e)),
            other => Err(self.error(InputError::new(
                "$",
                format!(
                    "expected an object of environment variables (schema name to value), found {}",
                    cosell_core::wire::kind(other)
                ),
            ))),
        }
    }

    /// A bad-input failure naming this document.
    pub fn error(&self, e: InputError) -> Failure {
        bad(&self.name, Some(e.path), e.message)
    }
}

fn bad(source: &str, path: Option<String>, message: String) -> Failure {
    Failure::BadInput { source: source.to_owned(), path, message }
}

/// Writes a document to standard output: JSON indented by 4 spaces, with a trailing newline.
pub fn print_json<T: Serialize>(document: &T) -> Result<(), Failure> {
    let text = to_pretty_json(document).map_err(|e| Failure::Output(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Failure::Output(e.to_string()))
}

/// Writes text to standard output as it is.
pub fn print_text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| Failure::Output(e.to_string()))
}

/// The canonical text form of a document: 4-space indent, trailing newline.
pub fn to_pretty_json<T: Serialize>(document: &T) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    document.serialize(&mut ser)?;
    buf.push(b'\n');
    // serde_json writes only valid UTF-8.
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
