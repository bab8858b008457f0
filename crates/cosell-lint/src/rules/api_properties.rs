//! apiProperties.json rules: brand colour, secrets, and auth consistent with the swagger.

use super::Sink;
use crate::catalog::Rule;
use crate::pointer::join;
use serde_json::Value;

pub fn check(props: &Value, swagger: &Value, sink: &mut Sink) {
    let Some(properties) = props.get("properties") else {
        sink.report(Rule::RequiredValueEmpty, "", "apiProperties.json must have a 'properties' object.");
        return;
    };
    brand_color(properties.get("iconBrandColor"), sink);
    let parameters = properties.get("connectionParameters").and_then(Value::as_object);
    let mut oauth = false;
    for (name, parameter) in parameters.into_iter().flatten() {
        let pointer = join("/properties/connectionParameters", name);
        if parameter.get("type").and_then(Value::as_str) == Some("oauthSetting") {
            oauth = true;
            secret(parameter.get("oAuthSettings"), &join(&pointer, "oAuthSettings"), sink);
        }
    }
    let sets = properties.pointer("/connectionParameterSets/values").and_then(Value::as_array);
    for (i, set) in sets.into_iter().flatten().enumerate() {
        for (name, parameter) in set.get("parameters").and_then(Value::as_object).into_iter().flatten() {
            if parameter.get("type").and_then(Value::as_str) == Some("oauthSetting") {
                oauth = true;
                let pointer = format!("/properties/connectionParameterSets/values/{i}/parameters/{name}/oAuthSettings");
                secret(parameter.get("oAuthSettings"), &pointer, sink);
            }
        }
    }
    let swagger_oauth = swagger
        .get("securityDefinitions")
        .and_then(Value::as_object)
        .is_some_and(|d| d.values().any(|s| s.get("type").and_then(Value::as_str) == Some("oauth2")));
    if swagger_oauth && !oauth {
        sink.report(
            Rule::SecurityDefinitionMismatch,
            "/properties/connectionParameters",
            "The swagger declares OAuth 2.0 but apiProperties.json has no 'oauthSetting' connection parameter.",
        );
    }
}

fn brand_color(color: Option<&Value>, sink: &mut Sink) {
    let pointer = "/properties/iconBrandColor";
    let Some(color) = color.and_then(Value::as_str) else {
        sink.report(Rule::RequiredValueEmpty, pointer, "'iconBrandColor' is required.");
        return;
    };
    let hex = color.strip_prefix('#').is_some_and(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if !hex {
        sink.report(Rule::InvalidIconBrandColor, pointer, format!("'{color}' is not a #RRGGBB colour."));
    } else if color.eq_ignore_ascii_case("#007ee5") || color.eq_ignore_ascii_case("#ffffff") {
        sink.report(Rule::InvalidIconBrandColor, pointer, format!("'{color}' is not allowed as a brand colour."));
    }
}

/// Words that mark a client secret value as a placeholder, compared lower-case. UNCERTAIN:
/// a heuristic; the placeholders seen in certified connectors are `[[DUMMY]]`,
/// `YOUR_CLIENT_SECRET`, `<Enter your client secret>`, `test` and `Value-From-Your-…`.
const PLACEHOLDER_MARKS: [&str; 14] = [
    "dummy",
    "your",
    "placeholder",
    "secret",
    "replace",
    "enter",
    "example",
    "sample",
    "changeme",
    "xxx",
    "***",
    "test",
    "value",
    "todo",
];

/// A value that only stands for a secret: a placeholder word, or `<…>`, `[[…]]`, `{{…}}`.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.trim().to_lowercase();
    let wrapped = [("<", ">"), ("[[", "]]"), ("{{", "}}"), ("${", "}")]
        .iter()
        .any(|(open, close)| lower.starts_with(open) && lower.ends_with(close));
    wrapped || PLACEHOLDER_MARKS.iter().any(|mark| lower.contains(mark))
}

/// A client secret in a committed file is a leaked credential: paconn injects it with `--secret`.
fn secret(settings: Option<&Value>, pointer: &str, sink: &mut Sink) {
    let value = settings.and_then(|s| s.get("clientSecret")).and_then(Value::as_str);
    if value.is_some_and(|s| !s.is_empty() && !is_placeholder(s)) {
        sink.report(
            Rule::ClientSecretNotAllowed,
            &join(pointer, "clientSecret"),
            "Never store a client secret in apiProperties.json; pass it to paconn with --secret.",
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_recognised() {
        for value in ["[[DUMMY]]", "YOUR_CLIENT_SECRET", "<Enter your client secret>", "test", "{{secret}}"] {
            assert!(super::is_placeholder(value), "{value}");
        }
        assert!(!super::is_placeholder("q8X~aZ3kP0vLmN7rT2wY5bC9dF1gH4jK6"));
    }
}
