//! Where a build's time goes, for `ketqua build --timings` (hidden; the
//! benchmark in `bench/` reads it). Two kinds of figure:
//!
//! - **phases**: wall-clock time of each stage of the pipeline, in order;
//! - **work**: time summed over the threads of the parallel render loop
//!   (building views, templates, charts, exports, writing), so their shares
//!   of the loop are visible although they run interleaved.
//!
//! Each phase also has its CPU time (user + system, all threads of the
//! process; on Linux), which a loaded machine inflates far less than wall
//! time, and which shows how well a phase uses the cores.
//!
//! Counters are atomics owned by the renderer: no global state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The phases of one build, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    /// CPU time of each phase, where the platform tells it.
    pub cpu: Vec<(&'static str, Duration)>,
    pub work: Vec<(&'static str, Duration)>,
    /// Resident memory at the end of each phase, in bytes, where the
    /// platform tells it: what a phase leaves held for the next ones.
    pub memory: Vec<(&'static str, u64)>,
}

/// The start of a phase (see [`Timings::record`]).
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Timings {
    /// Now, to time a phase from.
    pub fn mark() -> Mark {
        Mark {
            wall: Instant::now(),
            cpu: process_cpu(),
        }
    }

    /// Records the time from `started` to now as `phase`.
    pub fn record(&mut self, phase: &'static str, started: Mark) {
        self.phases.push((phase, started.wall.elapsed()));
        if let (Some(before), Some(now)) = (started.cpu, process_cpu()) {
            self.cpu.push((phase, now.saturating_sub(before)));
        }
        if let Some(bytes) = resident_memory() {
            self.memory.push((phase, bytes));
        }
    }

    /// Runs `f` and records its time as `phase`.
    pub fn time<T>(&mut self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let started = Timings::mark();
        let out = f();
        self.record(phase, started);
        out
    }

    /// Puts the phases of `earlier` before these.
    pub fn prepend(&mut self, earlier: Timings) {
        fn before<T>(list: &mut Vec<T>, mut first: Vec<T>) {
            first.append(list);
            *list = first;
        }
        before(&mut self.phases, earlier.phases);
        before(&mut self.cpu, earlier.cpu);
        before(&mut self.work, earlier.work);
        before(&mut self.memory, earlier.memory);
    }

    /// The report printed by `--timings`.
    pub fn report(&self) -> String {
        let mut out = String::from("timings (wall clock):\n");
        let total: Duration = self.phases.iter().map(|(_, d)| *d).sum();
        for (name, d) in &self.phases {
            out.push_str(&format!("  {name:<14}{:>10.1} ms\n", ms(*d)));
        }
        out.push_str(&format!("  {:<14}{:>10.1} ms\n", "total", ms(total)));
        if !self.cpu.is_empty() {
            out.push_str("cpu time (user + system, all threads):\n");
            let total: Duration = self.cpu.iter().map(|(_, d)| *d).sum();
            for (name, d) in &self.cpu {
                out.push_str(&format!("  {name:<14}{:>10.1} ms\n", ms(*d)));
            }
            out.push_str(&format!("  {:<14}{:>10.1} ms\n", "total", ms(total)));
        }
        if !self.memory.is_empty() {
            out.push_str("resident memory after each phase:\n");
            for (name, bytes) in &self.memory {
                out.push_str(&format!("  {name:<14}{:>10.1} MB\n", *bytes as f64 / 1e6));
            }
        }
        if !self.work.is_empty() {
            out.push_str("inside render and write (summed over threads):\n");
            for (name, d) in &self.work {
                out.push_str(&format!("  {name:<14}{:>10.1} ms\n", ms(*d)));
            }
        }
        out
    }
}

/// The CPU time the process has used so far (user + system, all threads:
/// the clock `CLOCK_PROCESS_CPUTIME_ID`).
#[cfg(target_os = "linux")]
fn process_cpu() -> Option<Duration> {
    use rustix::time::{ClockId, clock_gettime};
    let now = clock_gettime(ClockId::ProcessCPUTime);
    let secs = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    Some(Duration::new(secs, nanos))
}

/// The process's resident memory now (the second field of
/// `/proc/self/statm`, in pages).
#[cfg(target_os = "linux")]
fn resident_memory() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * u64::try_from(rustix::param::page_size()).ok()?)
}

#[cfg(not(target_os = "linux"))]
fn resident_memory() -> Option<u64> {
    None
}

#[cfg(not(target_os = "linux"))]
fn process_cpu() -> Option<Duration> {
    None
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A time accumulated from many threads.
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn add(&self, d: Duration) {
        self.0
            .fetch_add(d.as_nanos().min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }

    /// Runs `f` and adds its time.
    pub(crate) fn time<T>(&self, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        self.add(started.elapsed());
        out
    }

    pub(crate) fn get(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::Timings;

    #[test]
    fn each_phase_is_reported_with_its_cpu_time_where_known() {
        let mut timings = Timings::default();
        let sum = timings.time("spin", || {
            (0..1_000_000u64).map(std::hint::black_box).sum::<u64>()
        });
        assert_eq!(sum, 499_999_500_000);
        timings.time("other", || ());
        let report = timings.report();
        let names: Vec<&str> = timings.phases.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["spin", "other"]);
        if cfg!(target_os = "linux") {
            let cpu: Vec<&str> = timings.cpu.iter().map(|(n, _)| *n).collect();
            assert_eq!(cpu, ["spin", "other"]);
            assert!(
                report.contains("cpu time (user + system, all threads):\n  spin"),
                "{report}"
            );
            let held: Vec<&str> = timings.memory.iter().map(|(n, _)| *n).collect();
            assert_eq!(held, ["spin", "other"]);
            assert!(timings.memory.iter().all(|(_, bytes)| *bytes > 0));
            assert!(
                report.contains("resident memory after each phase:\n  spin"),
                "{report}"
            );
        }
    }
}
