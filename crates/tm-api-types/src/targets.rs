//! The egress policy as an admin sets it per user.

/// Whether a user may make the service contact non-public targets
/// (loopback, private and link-local addresses, unix sockets).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserTargets {
    pub user_id: String,
    /// What the admin granted this user.
    pub allow_private_targets: bool,
    /// What is in force: also true for admins and when the server runs
    /// with `--allow-private-targets`.
    pub private_targets_allowed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetUserTargetsRequest {
    pub allow_private_targets: bool,
}
