//! Mapping between the opportunity snapshot and the Partner Center referral.
