//! Categories of the qBittorrent-compatible API (`/api/v2`): where the
//! torrents Sonarr or Radarr add in each one go.

/// A category: torrents added in it through `/api/v2` (Sonarr's, Radarr's)
/// go to its server and save path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub name: String,
    /// The directory its torrents are saved in; `null`: the server's own
    /// download directory.
    pub save_path: Option<String>,
    /// The server its torrents go to; `null`: the user's default server
    /// (whichever it is when the torrent is added).
    pub server_id: Option<String>,
    /// The name of the server `server_id` names; `null` when `server_id` is.
    pub server_name: Option<String>,
}

/// `GET /categories`: the caller's categories, by name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryList {
    pub categories: Vec<Category>,
}

/// `PUT /categories/{name}`: the whole category, created or replaced; a
/// field left out is `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// An absolute directory on the server; `null` or empty: the server's
    /// own download directory.
    #[serde(default)]
    pub save_path: Option<String>,
    /// One of your servers; `null`: your default server.
    #[serde(default)]
    pub server_id: Option<String>,
}
