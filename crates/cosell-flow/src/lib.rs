//! `cosell-flow`: Power Automate's workflow definition language and flow runner, in Rust, offline.
//!
//! - [`expr`]: the expression language (`@expr`, `@{…}` templates, every documented function).
//! - [`run`]: the flow runner (triggers, actions, `runAfter`, scopes, loops, retries, run record).
//! - [`fake`]: fake Partner Center (Referrals, Events) and Dataverse services behind the connectors.
//!
//! Invariants: pure and deterministic (no clock, no randomness, no network: time and random
//! numbers come from the caller through [`expr::Scope`]); never panics on any input.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

pub mod expr;
pub mod fake;
pub mod run;
