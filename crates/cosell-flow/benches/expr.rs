//! Expressions evaluated per second on a mix like a generated co-sell flow's: templates,
//! safe navigation into action outputs, comparisons, dates, formatting and time zones.
//! Each iteration parses and evaluates every expression of the mix (as the runner does, from
//! the definition's strings), then evaluates them parsed once ([`CompiledTemplate`]);
//! criterion's `thrpt` lines are expressions per second.
//!
//! Run: `cargo bench -p cosell-flow --bench expr`.

use std::cell::Cell;
use std::hint::black_box;

use cosell_flow::expr::{evaluate_template, CompiledTemplate, Scope};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};

/// The flow strings, in the proportions a sync flow has them (mostly outputs and templates).
const MIX: &[&str] = &[
    "@triggerBody()?['referral']?['id']",
    "referrals/@{triggerBody()?['referral']?['id']}/events",
    "@equals(body('Get_referral')?['status'], 'Active')",
    "@outputs('List_rows')?['body/value']",
    "@length(body('List_rows')?['value'])",
    "@coalesce(triggerBody()?['referral']?['dealValue'], 0)",
    "@if(empty(body('List_rows')?['value']), null, first(body('List_rows')?['value'])?['opportunityid'])",
    "@and(greater(variables('count'), 0), not(empty(triggerBody()?['referral']?['email'])))",
    "@concat('msdyn_referrals(', triggerBody()?['referral']?['id'], ')')",
    "@toLower(trim(triggerBody()?['referral']?['email']))",
    "@formatDateTime(utcNow(), 'yyyy-MM-ddTHH:mm:ssZ')",
    "@addDays(utcNow(), 30, 'yyyy-MM-dd')",
    "@convertTimeZone(utcNow(), 'UTC', 'Pacific Standard Time', 'g')",
    "Deal @{triggerBody()?['referral']?['name']} worth @{formatNumber(triggerBody()?['referral']?['dealValue'], 'C2')} closes @{formatDateTime(triggerBody()?['referral']?['closeDate'], 'D')}",
    "@union(variables('ids'), createArray(triggerBody()?['referral']?['id']))",
    "@string(body('Get_referral'))",
    "@int(variables('count'))",
    "@split(triggerBody()?['referral']?['tags'], ';')",
    "@guid()",
    "plain text with no expression",
];

struct BenchScope {
    trigger: Value,
    referral: Value,
    rows: Value,
    random: Cell<u64>,
}

impl Scope for BenchScope {
    fn runtime(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        Some(Ok(match (name, args.first().and_then(Value::as_str)) {
            ("triggerBody", _) => self.trigger.clone(),
            ("body", Some("Get_referral")) => self.referral.clone(),
            ("body", _) => self.rows.clone(),
            ("outputs", _) => json!({"statusCode": 200, "body": self.rows}),
            ("variables", Some("count")) => json!(3),
            ("variables", _) => json!(["a", "b"]),
            _ => return None,
        }))
    }

    fn now_unix_millis(&self) -> i64 {
        1_773_581_256_000
    }

    fn next_random(&self) -> u64 {
        let next = self.random.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.random.set(next);
        next
    }
}

fn scope() -> BenchScope {
    let referral = json!({
        "id": "4b1c6a1e-2f7d-4c3e-9a57-0d0b7f2e9c11", "name": "Contoso ERP rollout", "status": "Active",
        "email": "  Seller@Contoso.com ", "dealValue": 125000.5, "closeDate": "2026-06-30T00:00:00Z", "tags": "erp;cloud;q2",
    });
    BenchScope {
        trigger: json!({"referral": referral}),
        referral,
        rows: json!({"value": [{"opportunityid": "7f0e", "name": "Contoso"}, {"opportunityid": "81aa", "name": "Fabrikam"}]}),
        random: Cell::new(1),
    }
}

fn mix(c: &mut Criterion) {
    let scope = scope();
    for text in MIX {
        if let Err(e) = evaluate_template(text, &scope) {
            panic!("{text}: {e}");
        }
    }
    let mut group = c.benchmark_group("expressions");
    group.throughput(Throughput::Elements(MIX.len() as u64));
    group.bench_function("flow mix (parse + evaluate)", |b| {
        b.iter(|| {
            for text in MIX {
                let _ = black_box(evaluate_template(black_box(text), &scope));
            }
        })
    });
    let compiled: Vec<CompiledTemplate> = MIX.iter().filter_map(|text| CompiledTemplate::new(text).ok()).collect();
    group.bench_function("flow mix (evaluate, parsed once)", |b| {
        b.iter(|| {
            for template in &compiled {
                let _ = black_box(template.evaluate(&scope));
            }
        })
    });
    group.finish();
    if std::env::var_os("EXPR_BENCH_EACH").is_some() {
        let mut each = c.benchmark_group("each");
        for (index, text) in MIX.iter().enumerate() {
            each.bench_function(format!("{index:02}"), |b| {
                b.iter(|| black_box(evaluate_template(black_box(text), &scope)))
            });
        }
        each.finish();
    }
}

criterion_group!(benches, mix);
criterion_main!(benches);
