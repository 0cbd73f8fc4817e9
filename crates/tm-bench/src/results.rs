//! The samples of each measurement and how they are printed.

use std::collections::BTreeMap;
use std::time::Duration;

/// The samples of one measurement, in ms.
#[derive(Default)]
pub(crate) struct Series {
    samples: Vec<f64>,
    bytes: usize,
    note: String,
}

impl Series {
    pub(crate) fn push(&mut self, elapsed: Duration) {
        self.samples.push(elapsed.as_secs_f64() * 1000.0);
    }

    pub(crate) fn sorted(&self) -> Vec<f64> {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        s
    }

    pub(crate) fn median(&self) -> f64 {
        let s = self.sorted();
        match s.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        }
    }

    /// Nearest-rank p90.
    pub(crate) fn p90(&self) -> f64 {
        let s = self.sorted();
        if s.is_empty() {
            return f64::NAN;
        }
        let rank = ((0.9 * s.len() as f64).ceil() as usize).clamp(1, s.len());
        s[rank - 1]
    }

    pub(crate) fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }
}

/// Measurements by key, printed in insertion order.
#[derive(Default)]
pub(crate) struct Results {
    order: Vec<(&'static str, String)>,
    series: BTreeMap<&'static str, Series>,
}

impl Results {
    pub(crate) fn declare(&mut self, key: &'static str, label: impl Into<String>) {
        self.order.push((key, label.into()));
        self.series.insert(key, Series::default());
    }

    pub(crate) fn record(
        &mut self,
        measuring: bool,
        key: &'static str,
        elapsed: Duration,
        bytes: usize,
    ) {
        let series = self.series.get_mut(key).expect("declared");
        series.bytes = bytes;
        if measuring {
            series.push(elapsed);
        }
    }

    pub(crate) fn note(&mut self, key: &'static str, note: impl Into<String>) {
        self.series.get_mut(key).expect("declared").note = note.into();
    }

    pub(crate) fn median(&self, key: &str) -> f64 {
        self.series[key].median()
    }

    pub(crate) fn print(&self) {
        println!(
            "\n{:<58} {:>9} {:>9} {:>9} {:>12}",
            "measurement", "median ms", "p90 ms", "min ms", "bytes"
        );
        println!("{}", "-".repeat(101));
        for (key, label) in &self.order {
            let s = &self.series[key];
            if s.samples.is_empty() {
                continue;
            }
            println!(
                "{label:<58} {:>9.2} {:>9.2} {:>9.2} {:>12}{}",
                s.median(),
                s.p90(),
                s.min(),
                s.bytes,
                if s.note.is_empty() {
                    String::new()
                } else {
                    format!("  {}", s.note)
                }
            );
        }
    }
}

// ---------------------------------------------------------------------- setup
