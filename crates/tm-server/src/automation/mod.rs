//! Automation rules: conditions over the normalised torrents of the fleet's
//! snapshots, actions run through the same core functions as the API's (so
//! every check applies), a record of everything done, and a background
//! engine that runs each enabled rule on its interval.

mod actions;
mod conditions;
mod engine;
mod idle;
mod notify;
mod plan;
mod recipes;
mod rules;
mod share_limits;
mod subject;
#[cfg(test)]
pub(crate) mod test_support;

pub use engine::{RuleRuns, run_engine};
pub use recipes::recipes;
