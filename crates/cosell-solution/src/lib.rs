//! `cosell-solution`: the Dataverse solution package, generated from cosell-core, and a checker
//! for any solution zip.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::unreachable)
)]
