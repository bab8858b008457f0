//! The `cosell` command line.
fn main() {}
