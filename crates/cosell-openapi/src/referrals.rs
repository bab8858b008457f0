//! The Partner Center Referrals API (`https://api.partner.microsoft.com/v1.0/engagements`).
//!
//! Operation ids, methods, paths and parameter names match Microsoft's official connector (the
//! compatibility reference), including its trailing-slash paths that give one resource three
//! PATCH operations; related referrals, the typed patch bodies and typed errors are added.

use crate::common::{
    self, correlation_id, error_responses, json_body, json_response, operation, parameter, path_id, schema_ref, Op,
};
use crate::model_schemas::ModelSchemas;
use crate::text::title_from_name;
use cosell_core::mapping::{PatchOp, DEAL_REGISTRATION_PATCH_PATHS, NEW_REGISTRATION_PATH, PATCHABLE_PATHS};
use cosell_core::referral::{ApiError, DealRegistration, Referral, ReferralPage};
use serde_json::{json, Map, Value};

pub const SERVER: &str = "https://api.partner.microsoft.com/v1.0/engagements";

/// The OpenAPI 3 document of the Referrals API.
pub fn document() -> Result<openapiv3::OpenAPI, String> {
    let mut model = ModelSchemas::new();
    let input = model.add_input::<Referral>("ReferralInput");
    let referral = model.add::<Referral>();
    let page = model.add::<ReferralPage>();
    let error = model.add::<ApiError>();
    let registration = model.add::<DealRegistration>();
    let mut schemas = model.schemas;
    schemas.insert("ReferralPatch".into(), patch_document(PATCHABLE_PATHS, None, "referral"));
    schemas.insert(
        "DealRegistrationCreate".into(),
        patch_document(&[NEW_REGISTRATION_PATH], schemas.get(&registration).cloned(), "new deal registration"),
    );
    schemas.insert(
        "DealRegistrationPatch".into(),
        patch_document(DEAL_REGISTRATION_PATCH_PATHS, None, "deal registration"),
    );
    schemas.remove(&registration);
    let info = common::info(
        "Partner Center Referrals",
        "Read, create and update Microsoft Partner Center co-sell referrals (leads and opportunities) and their deal registrations, generated from the cosell model.",
    );
    let tags = json!([{"name": "Referrals", "description": "Co-sell referrals."}]);
    let ops = vec![
        list(&page, &error),
        related(&page, &error),
        create(&input, &referral, &error),
        get(&referral, &error),
        put(&input, &referral, &error),
        patch(&referral, &error),
        registration_op(
            Registration {
                path: "/referrals/{id}/",
                id: "CreateDealRegistrationByReferralId",
                summary: "Create a deal registration",
                description: "Adds a deal registration (Azure IP co-sell) to a referral.",
                body: "DealRegistrationCreate",
                success: "The request was successful; the deal registration was added.",
            },
            &referral,
            &error,
        ),
        registration_op(
            Registration {
                path: "/referrals/{id}//",
                id: "PatchDealRegistrationByReferralId",
                summary: "Update a deal registration",
                description: "Updates fields of the first deal registration of a referral.",
                body: "DealRegistrationPatch",
                success: "The request was successful; the deal registration was updated.",
            },
            &referral,
            &error,
        ),
    ];
    common::document(info, SERVER, tags, ops, schemas)
}

/// A JSON Patch (RFC 6902) document limited to `paths`; `value_schema` types the value when
/// every path takes the same kind of value.
fn patch_document(paths: &[&str], value_schema: Option<Value>, what: &str) -> Value {
    let ops: Vec<Value> =
        [PatchOp::Replace, PatchOp::Add].iter().filter_map(|op| serde_json::to_value(op).ok()).collect();
    let op_names: Vec<Value> =
        ops.iter().map(|op| json!({"value": op, "displayName": title_from_name(op.as_str().unwrap_or(""))})).collect();
    let path_names: Vec<Value> =
        paths.iter().map(|p| json!({"value": p, "displayName": path_display_name(p)})).collect();
    let mut value = value_schema.unwrap_or_else(|| json!({}));
    if let Value::Object(v) = &mut value {
        v.insert("x-ms-summary".into(), json!("Value"));
        v.insert("description".into(), json!("The new value of the field at the path."));
        v.insert("x-ms-visibility".into(), json!("important"));
    }
    let default_op = if paths.len() == 1 { "add" } else { "replace" };
    json!({
        "type": "array",
        "description": format!("The changes to make to the {what}, as JSON Patch operations."),
        "items": {
            "type": "object",
            "description": "One change.",
            "required": ["op", "path", "value"],
            "properties": {
                "op": {
                    "type": "string", "enum": ops, "x-ms-enum-values": op_names, "default": default_op,
                    "x-ms-summary": "Operation", "x-ms-visibility": "important",
                    "description": "The kind of change: replace an existing field or add to it."
                },
                "path": {
                    "type": "string", "enum": paths, "x-ms-enum-values": path_names,
                    "x-ms-summary": "Field Path", "x-ms-visibility": "important",
                    "description": "The field to change; a path ending in /- appends to a list."
                },
                "value": value
            }
        }
    })
}

/// `/details/dealValue` → `Details Deal Value`, `/team/-` → `Team (Append)`.
fn path_display_name(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "-" => "(Append)".to_owned(),
            s if s.bytes().all(|b| b.is_ascii_digit()) => format!("#{}", s.parse::<u32>().unwrap_or(0) + 1),
            s => title_from_name(s),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Headers the official connector sends on every call: an internal content type and caller id.
fn fixed_headers() -> [Value; 2] {
    let mut content_type = parameter(
        "content-type",
        "header",
        "Content Type",
        "The content type of the request.",
        json!({"type": "string", "default": "application/json"}),
    );
    content_type.insert("required".into(), json!(true));
    content_type.insert("x-ms-visibility".into(), json!("internal"));
    let mut caller = parameter(
        "X-Caller-Id",
        "header",
        "Caller ID",
        "Identifies the calling application to Partner Center.",
        json!({"type": "string", "default": "cosell-connector"}),
    );
    caller.insert("required".into(), json!(true));
    caller.insert("x-ms-visibility".into(), json!("internal"));
    [Value::Object(content_type), Value::Object(caller)]
}

/// `params` followed by the correlation id and the fixed headers.
fn with_headers(mut params: Vec<Value>) -> Value {
    params.push(correlation_id());
    params.extend(fixed_headers());
    Value::Array(params)
}

fn referral_id() -> Value {
    path_id("id", "Referral ID", "The ID of the referral.")
}

fn with_errors(mut responses: Map<String, Value>, error: &str) -> Value {
    error_responses(&mut responses, Some(error));
    Value::Object(responses)
}

fn odata(name: &str, summary: &str, description: &str, schema: Value) -> Value {
    let mut p = parameter(name, "query", summary, description, schema);
    p.insert("x-ms-visibility".into(), json!("advanced"));
    Value::Object(p)
}

/// The optional OData query options of the list operations.
fn odata_options(with_filter: bool) -> Vec<Value> {
    let mut out =
        vec![odata("$expand", "Expand Query", "Related entities to expand inline.", json!({"type": "string"}))];
    if with_filter {
        out.push(odata(
            "$filter",
            "Filter Query",
            "An OData filter, such as status eq 'New' and direction eq 'Incoming'.",
            json!({"type": "string"}),
        ));
    }
    out.extend([
        odata(
            "$select",
            "Select Query",
            "The properties to include, such as id,status,customerProfile.",
            json!({"type": "string"}),
        ),
        odata("$orderby", "Order By", "The sort order, such as createdDateTime desc.", json!({"type": "string"})),
        odata("$top", "Top Count", "The number of referrals to return.", json!({"type": "integer", "format": "int32"})),
        odata("$skip", "Skip Count", "The number of referrals to skip.", json!({"type": "integer", "format": "int32"})),
        odata(
            "$count",
            "Count",
            "Whether to include the total number of matching referrals.",
            json!({"type": "boolean"}),
        ),
    ]);
    out
}

fn list(page: &str, error: &str) -> Op {
    let mut op = operation(
        "GetAllReferrals",
        "Get all referrals",
        "Lists the partner's referrals, filtered and sorted with OData query options.",
        "important",
    );
    op.insert("parameters".into(), with_headers(odata_options(true)));
    op.insert("x-ms-pageable".into(), json!({"nextLinkName": "@odata.nextLink"}));
    let mut responses = Map::new();
    responses.insert("200".into(), json_response("A page of referrals.", schema_ref(page)));
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: "/referrals", method: "get", value: Value::Object(op) }
}

fn related(page: &str, error: &str) -> Op {
    let mut op = operation(
        "GetRelatedReferrals",
        "Get related referrals",
        "Lists the referrals of an engagement, such as Microsoft's referral connected to a shared co-sell referral.",
        "advanced",
    );
    let mut filter = parameter(
        "$filter",
        "query",
        "Engagement Filter",
        "The engagement to list, written engagementId eq 'ENGAGEMENT-ID' (see the referral's related referrals link).",
        json!({"type": "string"}),
    );
    filter.insert("required".into(), json!(true));
    filter.insert("x-ms-visibility".into(), json!("important"));
    op.insert("parameters".into(), with_headers(vec![Value::Object(filter)]));
    op.insert("x-ms-pageable".into(), json!({"nextLinkName": "@odata.nextLink"}));
    let mut responses = Map::new();
    responses.insert("200".into(), json_response("The related referrals.", schema_ref(page)));
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: "/referrals/", method: "get", value: Value::Object(op) }
}

fn create(input: &str, referral: &str, error: &str) -> Op {
    let mut op =
        operation("CreateReferral", "Create a referral", "Creates a referral and returns it as stored.", "important");
    op.insert("parameters".into(), with_headers(vec![]));
    op.insert("requestBody".into(), json_body(schema_ref(input), "The referral to create."));
    op.insert("x-codegen-request-body-name".into(), json!("Referral"));
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json_response("The request was successful; the referral was created.", schema_ref(referral)),
    );
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: "/referrals", method: "post", value: Value::Object(op) }
}

fn get(referral: &str, error: &str) -> Op {
    let mut op = operation("GetReferralById", "Get a referral by ID", "Reads one referral by its ID.", "important");
    op.insert("parameters".into(), with_headers(vec![referral_id()]));
    let mut responses = Map::new();
    responses.insert("200".into(), json_response("The referral.", schema_ref(referral)));
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: "/referrals/{id}", method: "get", value: Value::Object(op) }
}

fn put(input: &str, referral: &str, error: &str) -> Op {
    let mut op = operation(
        "UpdateReferralById",
        "Update a referral by ID (deprecated)",
        "Replaces a whole referral; prefer the patch operation, which changes only the given fields.",
        "advanced",
    );
    let mut if_match = parameter(
        "if-match",
        "header",
        "ETag",
        "The referral's eTag, so the update fails if someone changed the referral meanwhile.",
        json!({"type": "string"}),
    );
    if_match.insert("required".into(), json!(true));
    op.insert("parameters".into(), with_headers(vec![referral_id(), Value::Object(if_match)]));
    op.insert("requestBody".into(), json_body(schema_ref(input), "The whole referral, without its links."));
    op.insert("x-codegen-request-body-name".into(), json!("odataReferral"));
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json_response("The request was successful; the referral was updated.", schema_ref(referral)),
    );
    responses.insert(
        "412".into(),
        json_response("The eTag did not match: the referral changed meanwhile.", schema_ref(error)),
    );
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: "/referrals/{id}", method: "put", value: Value::Object(op) }
}

fn prefer() -> Value {
    let mut p = parameter(
        "Prefer",
        "header",
        "Return Representation",
        "Send return=representation to get the updated referral back instead of an empty answer.",
        json!({"type": "string", "enum": ["return=representation"],
               "x-ms-enum-values": [{"value": "return=representation", "displayName": "Return the Updated Referral"}]}),
    );
    p.insert("x-ms-visibility".into(), json!("advanced"));
    Value::Object(p)
}

fn optional_if_match() -> Value {
    let mut p = parameter(
        "If-Match",
        "header",
        "ETag",
        "The referral's eTag; when given, the update fails if someone changed the referral meanwhile.",
        json!({"type": "string"}),
    );
    p.insert("x-ms-visibility".into(), json!("advanced"));
    Value::Object(p)
}

fn patch(referral: &str, error: &str) -> Op {
    let mut op = operation(
        "PatchReferralById",
        "Update specific fields of a referral",
        "Changes only the given fields of a referral, with JSON Patch replace and add operations.",
        "important",
    );
    op.insert("parameters".into(), with_headers(vec![referral_id(), optional_if_match(), prefer()]));
    op.insert("requestBody".into(), json_body(schema_ref("ReferralPatch"), "The changes to make."));
    op.insert("x-codegen-request-body-name".into(), json!("Referral"));
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json_response("The updated referral (with Prefer: return=representation).", schema_ref(referral)),
    );
    responses.insert("204".into(), json!({"description": "The request was successful; the referral was updated."}));
    responses.insert(
        "412".into(),
        json_response("The eTag did not match: the referral changed meanwhile.", schema_ref(error)),
    );
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: "/referrals/{id}", method: "patch", value: Value::Object(op) }
}

/// The texts of one deal registration operation.
struct Registration {
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    description: &'static str,
    body: &'static str,
    success: &'static str,
}

fn registration_op(r: Registration, referral: &str, error: &str) -> Op {
    let mut op = operation(r.id, r.summary, r.description, "advanced");
    op.insert("parameters".into(), with_headers(vec![referral_id(), prefer()]));
    op.insert("requestBody".into(), json_body(schema_ref(r.body), "The deal registration changes."));
    op.insert("x-codegen-request-body-name".into(), json!("Referral"));
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json_response("The updated referral (with Prefer: return=representation).", schema_ref(referral)),
    );
    responses.insert("204".into(), json!({"description": r.success}));
    op.insert("responses".into(), with_errors(responses, error));
    op.insert("tags".into(), json!(["Referrals"]));
    Op { path: r.path, method: "patch", value: Value::Object(op) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_display_names() {
        assert_eq!(super::path_display_name("/details/dealValue"), "Details Deal Value");
        assert_eq!(super::path_display_name("/team/-"), "Team (Append)");
        assert_eq!(super::path_display_name("/registrations/0/contract/term"), "Registrations #1 Contract Term");
    }
}
