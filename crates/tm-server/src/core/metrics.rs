//! Prometheus metrics (`GET /metrics`).
//!
//! What this process counts as it goes (HTTP requests and their latency) is
//! recorded through the `metrics` facade into a recorder owned by this
//! [`Core`], never a global one: several servers in one process (the API
//! tests) keep their numbers apart. What can be read off the current state
//! (open live-update streams, each server's snapshot) is computed at scrape
//! time, so there is no second bookkeeping to drift.

use std::time::Duration;

use axum::http::Method;
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use super::Core;

const REQUESTS: &str = "tm_http_requests_total";
const REQUEST_DURATION: &str = "tm_http_request_duration_seconds";
const SSE_CLIENTS: &str = "tm_sse_clients";
const EVENTS_DROPPED: &str = "tm_webhook_events_dropped_total";
/// Upper bounds (seconds) of the latency histogram's buckets: from a list
/// served from memory to a slow client's timeout.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// The route label of a request no route matched.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// This process's own recorder.
pub struct ProcessMetrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for ProcessMetrics {
    fn default() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.into()), &LATENCY_BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        metrics::with_local_recorder(&recorder, || {
            metrics::describe_counter!(
                REQUESTS,
                "HTTP requests answered, by method, route template and status"
            );
            metrics::describe_histogram!(
                REQUEST_DURATION,
                metrics::Unit::Seconds,
                "Time until a request's answer started, by method and route template"
            );
            metrics::describe_gauge!(SSE_CLIENTS, "Open live-update streams (GET /events)");
            metrics::describe_counter!(
                EVENTS_DROPPED,
                "Lifecycle events dropped because the webhook queue was full"
            );
        });
        let handle = recorder.handle();
        Self { recorder, handle }
    }
}

impl ProcessMetrics {
    /// Counts one answered request. `route` is the matched route's template
    /// (`/torrents/{info_hash}`), never the path: ids and hashes would make
    /// a series per torrent.
    pub fn record_request(&self, method: &Method, route: &str, status: u16, took: Duration) {
        let method = method_label(method);
        metrics::with_local_recorder(&self.recorder, || {
            metrics::counter!(REQUESTS, "method" => method, "route" => route.to_owned(),
                "status" => status.to_string())
            .increment(1);
            metrics::histogram!(REQUEST_DURATION, "method" => method, "route" => route.to_owned())
                .record(took.as_secs_f64());
        });
    }

    /// Moves recorded latencies into the histograms, which bounds the memory
    /// they hold between scrapes (or when nobody scrapes).
    pub fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }
}

/// Methods outside the standard set share one label: a client cannot mint
/// series by inventing methods.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

impl Core {
    pub fn process_metrics(&self) -> &ProcessMetrics {
        &self.inner.metrics
    }

    /// The Prometheus text exposition of this process and of every server it
    /// polls. CPU work on large fleets: call it off the async workers.
    pub fn render_metrics(&self) -> String {
        let metrics = self.process_metrics();
        let streams = self.inner.streams.open_total();
        metrics::with_local_recorder(&metrics.recorder, || {
            metrics::gauge!(SSE_CLIENTS).set(streams as f64);
            metrics::counter!(EVENTS_DROPPED).absolute(self.events().dropped());
        });
        let mut text = metrics.handle.render();
        text.push_str(&self.fleet().render_metrics());
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_recorders_keep_their_numbers_apart() {
        let (first, second) = (ProcessMetrics::default(), ProcessMetrics::default());
        let took = Duration::from_millis(3);
        first.record_request(&Method::GET, "/servers/{id}", 200, took);
        first.record_request(&Method::GET, "/servers/{id}", 200, took);
        second.record_request(
            &Method::from_bytes(b"BREW").unwrap(),
            UNMATCHED_ROUTE,
            405,
            took,
        );
        let first = first.handle.render();
        let second = second.handle.render();
        assert!(
            first.contains(
                r#"tm_http_requests_total{method="GET",route="/servers/{id}",status="200"} 2"#
            ),
            "{first}"
        );
        assert!(!first.contains("unmatched"), "{first}");
        assert!(
            second.contains(
                r#"tm_http_requests_total{method="other",route="unmatched",status="405"} 1"#
            ),
            "{second}"
        );
        assert!(
            second.contains(r#"tm_http_request_duration_seconds_bucket{method="other",route="unmatched",le="0.005"} 1"#),
            "{second}"
        );
    }
}
