//! Throughput of the co-sell core beside plain `serde_json::Value` parsing of the same documents.
//!
//! Documents: every referral sample and referral fixture, and every opportunity snapshot fixture
//! (tests/fixtures). Each benchmark processes the whole set once per iteration; criterion reports
//! elements (documents) per second. After criterion's report a summary prints documents per
//! second for each stage, taken from the same measurements, and the ratio of the full pipeline
//! (parse + validate + map) to plain `Value` parsing of the same documents. Target: ≥ 50%.
//!
//! Run: `cargo bench -p cosell-core --bench throughput -- --warm-up-time 1 --measurement-time 3`
//! (or `cargo xtask bench`).

use cosell_core::config::Config;
use cosell_core::referral::Referral;
use cosell_core::{mapping, validate, Snapshot};
use criterion::{BenchmarkGroup, Criterion, Throughput};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The documents of one kind, as text.
struct Corpus {
    referrals: Vec<String>,
    snapshots: Vec<String>,
}

impl Corpus {
    fn load() -> Corpus {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let read_dir = |dir: &str, keep: &dyn Fn(&str) -> bool| -> Vec<String> {
            let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("tests/fixtures/{dir}: {e}"))
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .filter(|p| keep(&p.file_name().unwrap().to_string_lossy()))
                .collect();
            names.sort();
            names.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
        };
        // Whole referrals only: PUT/create/get samples (not patches, pages, fragments or webhooks).
        let is_referral_sample = |n: &str| {
            n.starts_with("1.4.4-put")
                || n.starts_with("2.5.1-create")
                || n.starts_with("2.5.3")
                || n.starts_with("2.5.4")
                || n.starts_with("2.5.6")
                || n.starts_with("2.6")
        };
        let mut referrals = read_dir("samples", &is_referral_sample);
        referrals.extend(read_dir("referrals", &|_| true));
        let snapshots = read_dir("snapshots", &|_| true);
        Corpus { referrals, snapshots }
    }

    fn bytes(docs: &[String]) -> usize {
        docs.iter().map(String::len).sum()
    }
}

thread_local! {
    /// Per benchmark: (documents processed, time taken), summed over every measured batch.
    static TOTALS: RefCell<BTreeMap<String, (u64, Duration)>> = const { RefCell::new(BTreeMap::new()) };
}

/// A criterion group that also records its totals under `group/id` for the summary.
struct Group<'a> {
    name: &'static str,
    inner: BenchmarkGroup<'a, criterion::measurement::WallTime>,
}

fn group<'a>(c: &'a mut Criterion, name: &'static str) -> Group<'a> {
    Group { name, inner: c.benchmark_group(name) }
}

impl Group<'_> {
    fn finish(self) {
        self.inner.finish();
    }
}

/// Benchmarks `work` over a set of `docs` documents and records the totals for the summary.
fn bench(group: &mut Group<'_>, id: &'static str, docs: usize, work: impl Fn()) {
    let key = format!("{}/{id}", group.name);
    group.inner.throughput(Throughput::Elements(docs as u64));
    group.inner.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                work();
            }
            let took = start.elapsed();
            TOTALS.with(|t| {
                let mut t = t.borrow_mut();
                let entry = t.entry(key.clone()).or_insert((0, Duration::ZERO));
                entry.0 += iters * docs as u64;
                entry.1 += took;
            });
            took
        })
    });
}

fn parse_referral(text: &str) -> Referral {
    cosell_core::json::from_str(text).unwrap()
}

fn benchmarks(c: &mut Criterion, corpus: &Corpus) {
    let referral_models: Vec<Referral> = corpus.referrals.iter().map(|t| parse_referral(t)).collect();
    let snapshot_models: Vec<Snapshot> = corpus.snapshots.iter().map(|t| Snapshot::from_json(t).unwrap()).collect();
    let config = Config::default();
    let (nr, ns) = (corpus.referrals.len(), corpus.snapshots.len());

    let mut g = group(c, "referrals");
    bench(&mut g, "value-parse", nr, || {
        for t in &corpus.referrals {
            black_box(serde_json::from_str::<serde_json::Value>(t).unwrap());
        }
    });
    bench(&mut g, "parse", nr, || {
        for t in &corpus.referrals {
            black_box(parse_referral(t));
        }
    });
    bench(&mut g, "write", nr, || {
        for r in &referral_models {
            black_box(serde_json::to_string(r).unwrap());
        }
    });
    bench(&mut g, "map-to-crm", nr, || {
        for r in &referral_models {
            black_box(mapping::to_crm(r, &config));
        }
    });
    g.finish();

    let mut g = group(c, "snapshots");
    bench(&mut g, "value-parse", ns, || {
        for t in &corpus.snapshots {
            black_box(serde_json::from_str::<serde_json::Value>(t).unwrap());
        }
    });
    bench(&mut g, "parse", ns, || {
        for t in &corpus.snapshots {
            black_box(Snapshot::from_json(t).unwrap());
        }
    });
    bench(&mut g, "validate", ns, || {
        for s in &snapshot_models {
            black_box(validate(s));
        }
    });
    bench(&mut g, "map-to-referral", ns, || {
        for s in &snapshot_models {
            black_box(mapping::to_referral(s));
        }
    });
    g.finish();

    // The whole pipeline over both sets, beside Value parsing of exactly the same texts.
    let mut g = group(c, "pipeline");
    bench(&mut g, "value-parse", nr + ns, || {
        for t in corpus.referrals.iter().chain(&corpus.snapshots) {
            black_box(serde_json::from_str::<serde_json::Value>(t).unwrap());
        }
    });
    bench(&mut g, "parse-validate-map", nr + ns, || {
        for t in &corpus.referrals {
            let r = parse_referral(t);
            black_box(mapping::to_crm(&r, &config));
        }
        for t in &corpus.snapshots {
            let s = Snapshot::from_json(t).unwrap();
            black_box(validate(&s));
            black_box(mapping::to_referral(&s));
        }
    });
    g.finish();
}

fn rate(id: &str) -> Option<f64> {
    TOTALS.with(|t| t.borrow().get(id).map(|(n, d)| *n as f64 / d.as_secs_f64()))
}

fn summary(corpus: &Corpus) {
    println!();
    println!(
        "cosell-core throughput: {} referrals ({} bytes), {} snapshots ({} bytes)",
        corpus.referrals.len(),
        Corpus::bytes(&corpus.referrals),
        corpus.snapshots.len(),
        Corpus::bytes(&corpus.snapshots)
    );
    let ids: Vec<String> = TOTALS.with(|t| t.borrow().keys().cloned().collect());
    for id in &ids {
        if let Some(r) = rate(id) {
            println!("  {id:<36} {r:>12.0} documents/s");
        }
    }
    let ratio = |a: &str, b: &str| rate(a).zip(rate(b)).map(|(x, y)| 100.0 * x / y);
    if let Some(p) = ratio("pipeline/parse-validate-map", "pipeline/value-parse") {
        let verdict = if p >= 50.0 { "meets" } else { "MISSES" };
        println!("  parse+validate+map vs Value parsing: {p:.0}% ({verdict} the 50% target)");
    }
    if let Some(p) = ratio("referrals/parse", "referrals/value-parse") {
        println!("  referral parse vs Value parsing:     {p:.0}%");
    }
    if let Some(p) = ratio("snapshots/parse", "snapshots/value-parse") {
        println!("  snapshot parse vs Value parsing:     {p:.0}%");
    }
}

fn main() {
    let corpus = Corpus::load();
    let mut c = Criterion::default().configure_from_args();
    benchmarks(&mut c, &corpus);
    c.final_summary();
    // `cargo bench` passes --bench; under `cargo test` each benchmark runs once and rates mean nothing.
    if std::env::args().any(|a| a == "--bench") {
        summary(&corpus);
    }
}
