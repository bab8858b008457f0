//! `cosell-solution`: the Dataverse solution package, generated from cosell-core, and a checker
//! for any solution zip.
//!
//! Generation is a pure function of cosell-core's names ([`tables`], [`env_vars`] are keyed by
//! them) and of [`package::Inputs`] (built web resources, connector files, flows):
//! [`package::build`] gives a [`package::Package`], written as a zip ([`package::Package::zip`])
//! or as the golden `solution/` folder ([`package::Package::golden`]). [`check`] reads any
//! solution zip or folder and reports findings.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

pub mod check;
pub mod connectors;
pub mod contents;
pub mod entities;
pub mod env_vars;
pub mod flows;
pub mod form;
pub mod guid;
pub mod manifest;
pub mod package;
pub mod tables;
pub mod views;
pub mod web_resources;
pub mod xml;

use std::fmt;

/// The publisher's customization prefix (cosell-core's `PREFIX` without the underscore).
pub const PREFIX: &str = "cosell";
/// The publisher's option-value prefix: custom choice values are `10000 × 10000 + n`, the
/// numbers cosell-core's choices use (100000000, 100000001, …).
pub const OPTION_VALUE_PREFIX: u32 = 10000;
/// The publisher: unique name, display name, description, website.
pub const PUBLISHER: (&str, &str, &str, &str) = (
    "cosell",
    "cosell",
    "Open-source co-sell between Microsoft Partner Center and Dynamics 365.",
    "https://github.com/cosell/cosell",
);
/// The solution: unique name, display name, description.
pub const SOLUTION: (&str, &str, &str) = (
    "cosell",
    "Co-sell with Microsoft Partner Center",
    "Tables, columns, form, web resources, connectors, connection references and environment variables of cosell.",
);
/// The language of every label (English).
pub const LANGUAGE: &str = "1033";

/// A generation error: which input, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub source: String,
    pub message: String,
}

impl Error {
    pub fn new(source: impl Into<String>, message: impl Into<String>) -> Error {
        Error { source: source.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for Error {}
