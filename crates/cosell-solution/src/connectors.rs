//! The two custom connectors (from `connector/`) and the connection references flows use.

use crate::guid::Guid;
use crate::xml::{el, leaf, El};
use crate::PREFIX;

/// A custom connector of the solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connector {
    /// Its folder under `connector/`.
    pub folder: &'static str,
    /// The connection reference flows bind to it.
    pub reference: &'static str,
    pub reference_display: &'static str,
}

/// Every custom connector, in the order the solution lists them.
pub const CONNECTORS: [Connector; 2] = [
    Connector {
        folder: "partner-center-referrals",
        reference: "cosell_PartnerCenterReferrals",
        reference_display: "Partner Center Referrals",
    },
    Connector {
        folder: "partner-center-events",
        reference: "cosell_PartnerCenterEvents",
        reference_display: "Partner Center Events",
    },
];

/// The connection reference of Microsoft's Dataverse connector.
pub const DATAVERSE_REFERENCE: &str = "cosell_Dataverse";
/// The Dataverse connector's API name.
pub const DATAVERSE_API: &str = "shared_commondataserviceforapps";

/// A connector's files, as `cosell generate` writes them to `connector/<folder>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorFiles {
    pub folder: String,
    /// `apiDefinition.swagger.json`.
    pub swagger: Vec<u8>,
    /// `apiProperties.json`.
    pub api_properties: Vec<u8>,
}

/// What the solution reads from a connector's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorInfo {
    pub title: String,
    pub description: String,
    pub brand_color: String,
    /// `properties.connectionParameters` of apiProperties.json, as JSON text.
    pub connection_parameters: String,
}

impl ConnectorFiles {
    /// The files of `connector` among `all`; an error names the missing folder.
    pub fn of<'a>(all: &'a [ConnectorFiles], connector: &Connector) -> Result<&'a ConnectorFiles, crate::Error> {
        all.iter().find(|f| f.folder == connector.folder).ok_or_else(|| {
            crate::Error::new(format!("connector/{}", connector.folder), "the connector's files are missing")
        })
    }
}

impl ConnectorInfo {
    /// Reads the swagger's `info` and apiProperties' `properties`; errors name the file and JSON path.
    pub fn read(files: &ConnectorFiles) -> Result<ConnectorInfo, crate::Error> {
        let swagger = parse(&files.swagger, &files.folder, "apiDefinition.swagger.json")?;
        let props = parse(&files.api_properties, &files.folder, "apiProperties.json")?;
        let text = |v: &serde_json::Value, pointer: &str, file: &str| {
            v.pointer(pointer).and_then(|t| t.as_str()).map(str::to_owned).ok_or_else(|| {
                crate::Error::new(format!("connector/{}/{file}", files.folder), format!("{pointer}: expected a string"))
            })
        };
        let parameters = props.pointer("/properties/connectionParameters").cloned().unwrap_or_default();
        Ok(ConnectorInfo {
            title: text(&swagger, "/info/title", "apiDefinition.swagger.json")?,
            description: text(&swagger, "/info/description", "apiDefinition.swagger.json")?,
            brand_color: text(&props, "/properties/iconBrandColor", "apiProperties.json")?,
            connection_parameters: pretty(&parameters),
        })
    }
}

fn parse(bytes: &[u8], folder: &str, file: &str) -> Result<serde_json::Value, crate::Error> {
    serde_json::from_slice(bytes).map_err(|e| crate::Error::new(format!("connector/{folder}/{file}"), e.to_string()))
}

/// JSON text with 4-space indentation, as the project writes every JSON file.
pub fn pretty(value: &serde_json::Value) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    // Serializing a Value into a Vec cannot fail.
    let _ = serde::Serialize::serialize(value, &mut ser);
    String::from_utf8_lossy(&buf).into_owned()
}

impl Connector {
    /// The connector's `name`: the prefix, then `_` + the lower-case title with `_` as `5F` and
    /// spaces as `-20` (`cosell_5Fpartner-20center-20referrals`). UNCERTAIN: the maker portal's rule,
    /// inferred from exported names (`admin_5Foffice-20365-20management-20api`).
    pub fn name(&self, title: &str) -> String {
        format!("{PREFIX}_{}", encode(&format!("_{}", title.to_lowercase())))
    }

    /// The API name flows call it by: `shared_` + the name lower-cased, `_` as `-5f` (UNCERTAIN, as above).
    pub fn api_name(&self, title: &str) -> String {
        format!("shared_{}", self.name(title).to_lowercase().replace('_', "-5f"))
    }

    pub fn id(&self) -> Guid {
        Guid::named(&format!("connector:{}", self.folder))
    }

    pub fn openapi_file(&self, title: &str) -> String {
        format!("Connector/{}_openapidefinition.json", self.name(title))
    }

    pub fn parameters_file(&self, title: &str) -> String {
        format!("Connector/{}_connectionparameters.json", self.name(title))
    }

    /// The `<Connector>` node of customizations.xml.
    pub fn node(&self, info: &ConnectorInfo) -> El {
        el("Connector")
            .child(leaf("connectorid", self.id().to_string()))
            .child(leaf("description", info.description.as_str()))
            .child(leaf("displayname", info.title.as_str()))
            .child(leaf("iconbrandcolor", info.brand_color.as_str()))
            .child(leaf("name", self.name(&info.title)))
            // UNCERTAIN: 0 is what Microsoft's own export (CoE kit) writes for a custom connector.
            .child(leaf("connectortype", "0"))
            .child(leaf("openapidefinition", format!("/{}", self.openapi_file(&info.title))))
            .child(leaf("connectionparameters", format!("/{}", self.parameters_file(&info.title))))
    }

    /// Its `<connectionreference>` node.
    pub fn reference_node(&self, info: &ConnectorInfo) -> El {
        reference_node(
            self.reference,
            self.reference_display,
            &format!("/providers/Microsoft.PowerApps/apis/{}", self.api_name(&info.title)),
        )
        // UNCERTAIN: from third-party generators "shaped like an import-verified export".
        .child(el("customconnectorid").child(leaf("connectorid", self.id().to_string())))
    }
}

/// A `<connectionreference>`, as Microsoft's CoE kit exports one.
pub fn reference_node(logical_name: &str, display: &str, connector_id: &str) -> El {
    el("connectionreference")
        .attr("connectionreferencelogicalname", logical_name)
        .child(leaf("connectionreferencedisplayname", display))
        .child(leaf("connectorid", connector_id))
        .child(leaf("iscustomizable", "1"))
        .child(leaf("statecode", "0"))
        .child(leaf("statuscode", "1"))
}

/// `_` → `5F`, space → `-20`, other characters kept.
fn encode(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '_' => "5F".to_owned(),
            ' ' => "-20".to_owned(),
            '-' => "-2D".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_exported_encoding() {
        let c = CONNECTORS[0];
        // The CoE kit's "Office 365 Management API" is admin_5Foffice-20365-20management-20api.
        assert_eq!(
            format!("admin_{}", encode("_office 365 management api")),
            "admin_5Foffice-20365-20management-20api"
        );
        assert_eq!(c.name("Partner Center Referrals"), "cosell_5Fpartner-20center-20referrals");
        assert_eq!(c.api_name("Partner Center Referrals"), "shared_cosell-5f5fpartner-20center-20referrals");
    }
}
