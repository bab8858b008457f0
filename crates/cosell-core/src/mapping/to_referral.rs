//! Snapshot → referral create payload.
use crate::referral::Referral;
use crate::snapshot::Snapshot;

/// The three deal types Partner Center knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealType {
    Private,
    PartnerLed,
    CoSell,
}

/// The deal type the seller's choices make.
pub fn deal_type(_s: &Snapshot) -> DealType {
    DealType::Private
}

/// The referral create payload for an opportunity.
pub fn to_referral(_s: &Snapshot) -> Referral {
    Referral::default()
}
