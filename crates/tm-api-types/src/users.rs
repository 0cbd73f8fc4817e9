use time::OffsetDateTime;

/// A user as an admin sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub id: String,
    pub username: String,
    pub is_admin: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// An admin let this user reach private targets
    /// (`PUT /admin/users/{id}/targets`).
    #[serde(default)]
    pub allow_private_targets: bool,
    /// The user has a share of the embedded engine ("This machine"), given
    /// by an admin (`PUT /admin/users/{id}/engine`).
    #[serde(default)]
    pub engine_access: bool,
}

/// Whether a user may use the embedded engine ("This machine").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserEngine {
    pub user_id: String,
    /// The user has a "This machine" server. An admin's sees the whole
    /// engine; anyone else's only the torrents they added, which download
    /// in `<downloads>/users/<id>`.
    pub engine_access: bool,
}

/// `PUT /admin/users/{id}/engine`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetUserEngineRequest {
    pub engine_access: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserResponse {
    pub message: String,
    pub user_id: String,
    pub username: String,
    pub is_admin: bool,
}

/// `PUT /admin/users/{id}`: only the fields sent change.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
}

/// Who may create accounts through `POST /auth/register`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone can register.
    Open,
    /// Only admins create users (the very first account can always register).
    Closed,
}

impl RegistrationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Open => "open",
            RegistrationMode::Closed => "closed",
        }
    }
}

impl std::str::FromStr for RegistrationMode {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "open" => Ok(RegistrationMode::Open),
            "closed" => Ok(RegistrationMode::Closed),
            other => Err(format!(
                "registration mode must be 'open' or 'closed', not '{other}'"
            )),
        }
    }
}

/// `GET /admin/settings` and the body of `PUT /admin/settings`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceSettings {
    pub registration_mode: RegistrationMode,
}
