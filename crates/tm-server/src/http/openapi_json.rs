//! `/openapi.json`, kept gzip-compressed for the process's lifetime: its
//! 340 KB of JSON are 40 KB so. Clients that take gzip (browsers, Swagger
//! UI, `requests`) get it as kept; others get it inflated on the way out.

use std::io::{Read, Write};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::precompressed::accepted_coding;
use crate::core::{Coding, Error};

#[derive(Clone)]
pub struct OpenApiJson {
    gzip: Bytes,
}

impl OpenApiJson {
    pub fn new(json: &[u8]) -> Self {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing into a Vec cannot fail.
        let gzip = encoder
            .write_all(json)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Self { gzip: gzip.into() }
    }

    pub fn response(&self, request: &HeaderMap) -> Result<Response, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if accepted_coding(request, &[Coding::Gzip]).is_some() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            return Ok((headers, self.gzip.clone()).into_response());
        }
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(&self.gzip[..])
            .read_to_end(&mut json)
            .map_err(|e| Error::Internal(format!("inflating the OpenAPI document: {e}")))?;
        Ok((headers, json).into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    #[tokio::test]
    async fn gzip_as_kept_or_inflated() {
        let json = br#"{"openapi":"3.1.0","paths":{}}"#.repeat(100);
        let doc = OpenApiJson::new(&json);
        assert!(doc.gzip.len() < json.len() / 10);

        let plain = doc.response(&HeaderMap::new()).unwrap();
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body_of(plain).await, json);

        let mut request = HeaderMap::new();
        request.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        let gzip = doc.response(&request).unwrap();
        assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&body_of(gzip).await[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, json);
    }
}
