//! `cosell-core`: the co-sell domain shared by the CLI, the connector generator and the
//! opportunity-form WebAssembly module.
//!
//! Data flows one way: wire documents ([`referral`], [`webhook`]) and the Dynamics 365
//! opportunity snapshot ([`snapshot`]) are read into typed models, the [`rules`] judge a
//! snapshot, and the [`mapping`] turns one side into the other.
//!
//! Invariants: no I/O, no panics (every bad input is an [`json::InputError`] value), and no
//! data loss (unknown properties and explicit nulls survive a read/write round trip).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

pub mod wire;

pub mod config;
pub mod dataverse;
pub mod iso;
pub mod json;
pub mod mapping;
pub mod name_mark;
pub mod referral;
pub mod rules;
pub mod snapshot;
pub mod status;
pub mod sync;
pub mod webhook;

#[cfg(test)]
mod test_support;

pub use json::InputError;
pub use referral::Referral;
pub use rules::{validate, Finding, RuleId, Severity};
pub use snapshot::Snapshot;
