//! HTTP-level tests of the real server, on SQLite and on PostgreSQL.

mod daemons;
mod harness;

mod activity;
mod admin;
mod api_keys;
mod auth;
mod categories;
mod events;
mod faults;
mod isolation;
mod labels;
mod limits;
mod metrics;
mod moves;
mod openapi;
mod passwords;
mod qbit_auth;
mod qbit_client;
mod qbit_cross_seed;
mod qbit_native;
mod qbit_torrents;
mod rules;
mod secrets_at_rest;
mod server_settings;
mod servers;
mod sessions;
mod state;
mod swarm;
mod targets;
mod throttling;
mod torrents;
mod tracker_status;
mod transport;
