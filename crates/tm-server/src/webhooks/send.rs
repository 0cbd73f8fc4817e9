//! One attempt to deliver one event to one webhook: a signed POST through
//! the egress policy (after DNS resolution, no redirects), recorded; worth
//! retrying (with `backoff_after`) on network errors, 5xx and 429.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tm_backends::TargetPolicy;
use zeroize::Zeroizing;

use crate::core::{Core, now_millis, refusal_in};
use crate::db::DeliveryRow;

/// How long one attempt may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Waits before the 2nd, 3rd, 4th and 5th attempt.
const BACKOFF: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
];
const USER_AGENT: &str = concat!("torrent-manager/", env!("CARGO_PKG_VERSION"));

/// A webhook ready to send to.
pub struct Target {
    pub webhook_id: String,
    pub url: String,
    pub secret: Zeroizing<String>,
    /// The owner's egress policy, as of now.
    pub policy: TargetPolicy,
}

/// How one attempt went.
struct Outcome {
    status_code: Option<u16>,
    error: Option<String>,
    /// Worth another attempt (network error, 5xx, 429).
    retry: bool,
}

/// One event's delivery as queued: what to send, and which attempt this is.
pub struct Delivery<'a> {
    /// The event's name (`torrent.added`).
    pub event: &'a str,
    pub event_id: &'a str,
    pub body: &'a [u8],
    /// 1 for the first attempt.
    pub attempt: u32,
}

/// How one recorded attempt went.
pub struct Attempted {
    /// The attempt's record; `None` when it could not be stored (the
    /// webhook was deleted meanwhile, or the database is away).
    pub record: Option<DeliveryRow>,
    /// Worth another attempt (network error, 5xx, 429).
    pub retry: bool,
}

/// How long to wait after failed attempt number `attempt` before the next
/// one; `None` when it was the last.
pub fn backoff_after(attempt: u32) -> Option<Duration> {
    let index = usize::try_from(attempt).ok()?.checked_sub(1)?;
    BACKOFF.get(index).copied()
}

/// Sends the delivery to `target` once and records the attempt.
pub async fn attempt(core: &Core, target: &Target, delivery: &Delivery<'_>) -> Attempted {
    let id = uuid::Uuid::now_v7().to_string();
    let at = now_millis();
    let (outcome, took) = {
        // Closed only if the bus is dropped: then send anyway.
        let _slot = core.events().sending().acquire().await.ok();
        let started = Instant::now();
        (send(target, delivery, &id).await, started.elapsed())
    };
    let row = DeliveryRow {
        id,
        webhook_id: target.webhook_id.clone(),
        event: delivery.event.to_string(),
        event_id: delivery.event_id.to_string(),
        at,
        attempt: i64::from(delivery.attempt),
        ok: outcome.status_code.is_some_and(|c| (200..300).contains(&c)),
        status_code: outcome.status_code.map(i64::from),
        error: outcome.error,
        duration_ms: took.as_millis().min(i64::MAX as u128) as i64,
    };
    let record = match core.store().insert_delivery(&row).await {
        Ok(()) => Some(row),
        Err(error) => {
            tracing::debug!(%error, webhook = %row.webhook_id, "delivery not recorded");
            None
        }
    };
    Attempted {
        record,
        retry: outcome.retry,
    }
}

/// One signed POST.
async fn send(target: &Target, delivery: &Delivery<'_>, delivery_id: &str) -> Outcome {
    let failed = |error: String, retry: bool| Outcome {
        status_code: None,
        error: Some(error),
        retry,
    };
    let url = match url::Url::parse(&target.url) {
        Ok(url) => url,
        Err(e) => return failed(format!("not a valid URL ({e})"), false),
    };
    // An IP literal is dialled without asking the resolver: check it here.
    if let Err(refusal) = target
        .policy
        .check_host_literal(url.host_str().unwrap_or_default())
    {
        return failed(format!("Target not allowed: {refusal}"), false);
    }
    let signature = match crate::crypto::hmac_sha256_hex(target.secret.as_bytes(), delivery.body) {
        Ok(hex) => format!("sha256={hex}"),
        Err(error) => return failed(error.to_string(), false),
    };
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .dns_resolver(target.policy.resolver())
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
    {
        Ok(client) => client,
        Err(error) => return failed(format!("could not prepare the request: {error}"), false),
    };
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-TM-Event", delivery.event)
        .header("X-TM-Delivery", delivery_id)
        .header("X-TM-Signature", signature)
        .body(delivery.body.to_vec())
        .send()
        .await;
    match sent {
        Ok(response) => outcome_of(response.status()),
        Err(error) => {
            let (reason, retry) = describe(&error);
            failed(reason, retry)
        }
    }
}

/// What an answer's status means for the delivery.
fn outcome_of(status: StatusCode) -> Outcome {
    let code = status.as_u16();
    let (error, retry) = if status.is_success() {
        (None, false)
    } else if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        (Some(format!("HTTP {code}")), true)
    } else if status.is_redirection() {
        (
            Some(format!("HTTP {code}: redirects are not followed")),
            false,
        )
    } else {
        (Some(format!("HTTP {code}")), false)
    };
    Outcome {
        status_code: Some(code),
        error,
        retry,
    }
}

/// Names the cause of a failed request (never text from the far side), and
/// whether it is worth retrying.
fn describe(error: &reqwest::Error) -> (String, bool) {
    if let Some(refusal) = refusal_in(error) {
        return (format!("Target not allowed: {refusal}"), false);
    }
    let reason = if error.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        "the request failed".to_string()
    };
    (reason, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_judged_as_the_contract_says() {
        let judged = |code: u16| {
            let outcome = outcome_of(StatusCode::from_u16(code).unwrap());
            (outcome.error.is_none(), outcome.retry)
        };
        assert_eq!(judged(200), (true, false));
        assert_eq!(judged(204), (true, false));
        assert_eq!(judged(500), (false, true));
        assert_eq!(judged(503), (false, true));
        assert_eq!(judged(429), (false, true));
        assert_eq!(judged(404), (false, false));
        assert_eq!(judged(302), (false, false));
        // Five attempts at most.
        assert_eq!(BACKOFF.len() + 1, 5);
        assert_eq!(backoff_after(1), Some(Duration::from_secs(1)));
        assert_eq!(backoff_after(4), Some(Duration::from_secs(120)));
        assert_eq!(backoff_after(5), None);
        assert_eq!(backoff_after(0), None);
    }
}
