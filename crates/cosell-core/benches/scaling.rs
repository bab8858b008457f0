//! Plan time against the number of solution rows: 10, 1,000 and 100,000.
//!
//! Every plan (create payload, patch, Dataverse upsert plan, both merges) must grow linearly:
//! the printed time per row stays flat from 10,000 to 100,000 rows (the last column, per-row
//! time at 100,000 over 10,000, stays near 1; a quadratic step makes it ~10). Between 1,000 and
//! 10,000 rows the per-row time steps up once, when the working set leaves the caches and large
//! allocations go to fresh pages.
//!
//! Run: `cargo bench -p cosell-core --bench scaling` (or `cargo xtask bench`).

use cosell_core::config::Config;
use cosell_core::referral::Referral;
use cosell_core::{mapping, sync, Snapshot};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [usize; 4] = [10, 1_000, 10_000, 100_000];

/// One plan being timed.
type Stage<'a> = (&'static str, &'a dyn Fn(&Snapshot, &Referral));

fn snapshot(rows: usize, base: &str) -> Snapshot {
    let solutions: Vec<Value> = (0..rows)
        .map(|i| json!({ "cosell_partnercentersolutionid": format!("row-{i}"), "cosell_solutionid": format!("SOL-{i}"), "cosell_name": format!("Solution {i}") }))
        .collect();
    Snapshot::from_value(&json!({
        "opportunity": {
            "opportunityid": "5b4f2e8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "name": "Contoso", "estimatedvalue": 60000,
            "estimatedclosedate": "2026-12-31", "description": "d", "statecode": 0,
            "cosell_syncwithpartnercenter": true, "cosell_referralvisibility": 100000001,
            "cosell_syncstate": base,
            "transactioncurrencyid": { "isocurrencycode": "USD" },
            "parentaccountid": { "name": "Contoso", "address1_postalcode": "98052", "address1_country": "US" }
        },
        "solutions": solutions
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn referral(rows: usize) -> Referral {
    let solutions: Vec<Value> =
        (0..rows).rev().map(|i| json!({ "id": format!("SOL-{}", i + rows / 2), "type": "Name" })).collect();
    serde_json::from_value(json!({
        "id": "r1", "eTag": "\"e2\"", "status": "Active", "substatus": "Accepted", "type": "Independent",
        "name": "Contoso", "customerProfile": { "name": "Contoso", "address": { "postalCode": "98052", "country": "US" } },
        "consent": { "consentToShareReferralWithMicrosoftSellers": true },
        "details": { "dealValue": 50000, "currency": "USD", "notes": "n", "requirements": { "solutions": solutions } }
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The median time of `f` over enough runs to last about half a second.
fn time(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(1));
    let runs = (Duration::from_millis(500).as_nanos() / once.as_nanos()).clamp(3, 1_000) as usize;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let config = Config::default();
    let stages: [Stage; 5] = [
        ("to-referral", &|s, _| drop(black_box(mapping::to_referral(s)))),
        ("to-patch", &|s, r| drop(black_box(mapping::to_patch(s, r)))),
        ("to-crm", &|_, r| drop(black_box(mapping::to_crm(r, &config)))),
        ("merge outbound", &|s, r| drop(black_box(sync::outbound(s, sync::stored_base(s).unwrap(), Some(r))))),
        ("merge inbound", &|s, r| drop(black_box(sync::inbound(r, s, sync::stored_base(s).unwrap())))),
    ];
    println!("plan time by solution rows (median):");
    println!(
        "{:<16} {:>14} {:>14} {:>14} {:>14}   ns per row at 1k / 10k / 100k",
        "stage", "10 rows", "1,000 rows", "10,000 rows", "100,000 rows"
    );
    for (name, stage) in stages {
        let mut per_row = Vec::new();
        let mut cells = Vec::new();
        for rows in SIZES {
            let r = referral(rows);
            let base = sync::base_of_referral(&referral(rows)).to_json();
            let s = snapshot(rows, &base);
            let t = time(|| stage(&s, &r));
            cells.push(format!("{:>11.3} ms", t.as_secs_f64() * 1e3));
            per_row.push(t.as_nanos() as f64 / rows as f64);
        }
        println!(
            "{name:<16} {}   {:.0} / {:.0} / {:.0} (100k/10k per row: {:.2})",
            cells.join(" "),
            per_row[1],
            per_row[2],
            per_row[3],
            per_row[3] / per_row[2]
        );
    }
}
