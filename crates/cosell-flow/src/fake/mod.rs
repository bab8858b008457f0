//! Fake services behind the connectors: Partner Center Referrals and Events, Dataverse.
