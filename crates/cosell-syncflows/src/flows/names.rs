//! The flows' display names: Microsoft's names where the flow does the same job (§4.2 of the
//! research), so an admin who knows the Microsoft solution finds their way.

pub const WEBHOOK_REGISTRATION: &str = "Partner Center Webhook Registration";
pub const WEBHOOK_SHOW: &str = "Partner Center Webhook Registration - Show";
pub const CUSTOMIZE: &str = "[Customize] Create or Get Details from Dynamics 365";
pub const INBOUND_HELPER: &str = "Partner Center to Dynamics 365 - Helper";
pub const OUTBOUND_HELPER: &str = "Dynamics 365 to Partner Center - Helper";
pub const RECEIVER: &str = "Partner Center to Dynamics 365";
pub const OUTBOUND: &str = "Dynamics 365 to Partner Center";
pub const SOLUTIONS: &str = "Dynamics 365 Microsoft Solutions to Partner Center";
pub const LEAD_DECISION: &str = "Dynamics 365 Lead Qualification to Partner Center";
pub const BACKFILL: &str = "Partner Center Referrals Backfill";
