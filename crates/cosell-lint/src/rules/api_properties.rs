//! apiProperties.json rules: brand colour, secrets, and auth consistent with the swagger.

use super::Sink;
use crate::pointer::join;
use serde_json::Value;

pub fn check(props: &Value, swagger: &Value, sink: &mut Sink) {
    let Some(properties) = props.get("properties") else {
        sink.error("RequiredValueEmpty", "", "apiProperties.json must have a 'properties' object.");
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
        sink.warning(
            "SecurityDefinitionMismatch",
            "/properties/connectionParameters",
            "The swagger declares OAuth 2.0 but apiProperties.json has no 'oauthSetting' connection parameter.",
        );
    }
}

fn brand_color(color: Option<&Value>, sink: &mut Sink) {
    let pointer = "/properties/iconBrandColor";
    let Some(color) = color.and_then(Value::as_str) else {
        sink.error("RequiredValueEmpty", pointer, "'iconBrandColor' is required.");
        return;
    };
    let hex = color.strip_prefix('#').is_some_and(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if !hex {
        sink.warning("InvalidIconBrandColor", pointer, format!("'{color}' is not a #RRGGBB colour."));
    } else if color.eq_ignore_ascii_case("#007ee5") || color.eq_ignore_ascii_case("#ffffff") {
        sink.warning("InvalidIconBrandColor", pointer, format!("'{color}' is not allowed as a brand colour."));
    }
}

/// A client secret in a committed file is a leaked credential: paconn injects it with `--secret`.
fn secret(settings: Option<&Value>, pointer: &str, sink: &mut Sink) {
    let value = settings.and_then(|s| s.get("clientSecret"));
    if value.and_then(Value::as_str).is_some_and(|s| !s.is_empty()) {
        sink.error(
            "ClientSecretNotAllowed",
            &join(pointer, "clientSecret"),
            "Never store a client secret in apiProperties.json; pass it to paconn with --secret.",
        );
    }
}
