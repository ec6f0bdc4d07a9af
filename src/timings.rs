//! Where a build's time goes, for `ketqua build --timings` (hidden; the
//! benchmark in `bench/` reads it). Two kinds of figure:
//!
//! - **phases**: wall-clock time of each stage of the pipeline, in order;
//! - **work**: time summed over the threads of the parallel render loop
//!   (building views, templates, charts, exports, writing), so their shares
//!   of the loop are visible although they run interleaved.
//!
//! Counters are atomics owned by the renderer: no global state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The phases of one build, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    pub work: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Runs `f` and records its wall time as `phase`.
    pub fn time<T>(&mut self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        self.phases.push((phase, started.elapsed()));
        out
    }

    /// The report printed by `--timings`.
    pub fn report(&self) -> String {
        let mut out = String::from("timings (wall clock):\n");
        let total: Duration = self.phases.iter().map(|(_, d)| *d).sum();
        for (name, d) in &self.phases {
            out.push_str(&format!("  {name:<14}{:>10.1} ms\n", ms(*d)));
        }
        out.push_str(&format!("  {:<14}{:>10.1} ms\n", "total", ms(total)));
        if !self.work.is_empty() {
            out.push_str("inside render and write (summed over threads):\n");
            for (name, d) in &self.work {
                out.push_str(&format!("  {name:<14}{:>10.1} ms\n", ms(*d)));
            }
        }
        out
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A time accumulated from many threads.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn add(&self, d: Duration) {
        self.0
            .fetch_add(d.as_nanos().min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }

    /// Runs `f` and adds its time.
    pub fn time<T>(&self, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        self.add(started.elapsed());
        out
    }

    pub fn get(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}
