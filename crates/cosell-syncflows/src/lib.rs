//! `cosell-syncflows`: the sync's Power Automate flows, generated from cosell-core.
//!
//! Data flows one way: [`cosell_core::sync::FIELDS`] (the field map) → [`transform`] (one Power
//! Automate expression per transform and direction, proven equal to the core's Rust functions by
//! property tests) → [`flows`] (each flow's definition, built with the typed [`wdl`] builder) →
//! [`cosell_solution::flows::Flow`] values the solution generator packs. No flow JSON is written
//! by hand, and nothing here does I/O or reads a clock: the output is a pure function of the core.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]

pub mod connections;
pub mod expr;
pub mod flows;
pub mod transform;
pub mod wdl;

pub use flows::flows;
