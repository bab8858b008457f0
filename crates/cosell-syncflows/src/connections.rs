//! The three connections the flows use, tied to the solution's connection references.

use cosell_solution::connectors::{Connector, CONNECTORS, DATAVERSE_API, DATAVERSE_REFERENCE};
use cosell_solution::flows::FlowConnection;

/// A connection a flow action goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Connection {
    /// Microsoft Dataverse (the current environment).
    Dataverse,
    /// The Partner Center Referrals custom connector.
    Referrals,
    /// The Partner Center Events custom connector (webhook registration).
    Events,
}

/// The connectors' titles (`info.title` of `connector/*/apiDefinition.swagger.json`), from which
/// the solution derives their API names; a test keeps them equal to the generated files.
pub const REFERRALS_TITLE: &str = "Partner Center Referrals";
pub const EVENTS_TITLE: &str = "Partner Center Events";

impl Connection {
    fn connector(self) -> Option<(Connector, &'static str)> {
        match self {
            Connection::Dataverse => None,
            Connection::Referrals => CONNECTORS.first().map(|c| (*c, REFERRALS_TITLE)),
            Connection::Events => CONNECTORS.get(1).map(|c| (*c, EVENTS_TITLE)),
        }
    }

    /// The connector's API name (`shared_…`).
    pub fn api(self) -> String {
        match self.connector() {
            Some((c, title)) => c.api_name(title),
            None => DATAVERSE_API.to_owned(),
        }
    }

    /// The key actions name in `host.connectionName`: the API name, as the designer writes it.
    pub fn key(self) -> String {
        self.api()
    }

    /// `host.apiId`.
    pub fn api_id(self) -> String {
        format!("/providers/Microsoft.PowerApps/apis/{}", self.api())
    }

    /// The connection reference's logical name.
    pub fn reference(self) -> &'static str {
        match self.connector() {
            Some((c, _)) => c.reference,
            None => DATAVERSE_REFERENCE,
        }
    }

    /// The flow's `connectionReferences` entry.
    pub fn flow_connection(self) -> FlowConnection {
        FlowConnection { key: self.key(), reference: self.reference().to_owned(), api: self.api() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_generated_connectors() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../connector/");
        for (c, folder) in
            [(Connection::Referrals, "partner-center-referrals"), (Connection::Events, "partner-center-events")]
        {
            let text = std::fs::read_to_string(format!("{root}{folder}/apiDefinition.swagger.json")).unwrap();
            let swagger: serde_json::Value = serde_json::from_str(&text).unwrap();
            let (connector, title) = c.connector().unwrap();
            assert_eq!(connector.folder, folder);
            assert_eq!(swagger["info"]["title"], title);
        }
        assert_eq!(
            Connection::Dataverse.api_id(),
            "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"
        );
        assert_eq!(Connection::Referrals.reference(), "cosell_PartnerCenterReferrals");
    }
}
