//! qBittorrent's parameters: from the query string, an urlencoded form or
//! a multipart form (the `.torrent` files of `torrents/add`), whichever the
//! client sends; its clients differ.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::error::QbitError;
use crate::core::Error;

pub struct Params {
    fields: HashMap<String, String>,
    /// Multipart parts with a file name (or named `torrents`).
    pub files: Vec<Vec<u8>>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// A parameter qBittorrent requires: 400 without it.
    pub fn required(&self, name: &str) -> Result<&str, QbitError> {
        self.get(name)
            .ok_or_else(|| QbitError::bad_request(&format!("Missing parameter: {name}")))
    }

    /// The first of `names` present (4.x and 5.x synonyms).
    pub fn either(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| self.get(name))
    }

    fn insert(&mut self, name: String, value: String) {
        // A repeated field (several `urls`) keeps every value, one a line.
        self.fields
            .entry(name)
            .and_modify(|old| {
                old.push('\n');
                old.push_str(&value);
            })
            .or_insert(value);
    }
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = QbitError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut params = Params {
            fields: HashMap::new(),
            files: Vec::new(),
        };
        let query = request.uri().query().unwrap_or_default().to_string();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            params.insert(name.into_owned(), value.into_owned());
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(request, state)
                .await
                .map_err(|r| QbitError::bad_request(&r.body_text()))?;
            while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
                let name = field.name().unwrap_or_default().to_string();
                if field.file_name().is_some() || name == "torrents" {
                    params
                        .files
                        .push(field.bytes().await.map_err(multipart_error)?.to_vec());
                } else {
                    let value = field.text().await.map_err(multipart_error)?;
                    params.insert(name, value);
                }
            }
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            let body = Bytes::from_request(request, state)
                .await
                .map_err(|r| QbitError::bad_request(&r.body_text()))?;
            for (name, value) in url::form_urlencoded::parse(&body) {
                params.insert(name.into_owned(), value.into_owned());
            }
        }
        Ok(params)
    }
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> QbitError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        QbitError(Error::TooLarge("the upload is too large".into()))
    } else {
        QbitError::bad_request(&error.body_text())
    }
}
