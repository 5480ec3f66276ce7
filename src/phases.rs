//! Wall-clock time per pipeline phase and the process's peak memory, for `--profile-phases`:
//! so a user with a slow account can say where the time went. Never part of an output file
//! (they stay byte-identical); printed on stderr only.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Phases(Mutex<Vec<(String, Duration)>>);

impl Phases {
    /// Runs `f`, recording how long it took under `name`.
    pub fn time<T>(&self, name: &str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.record(name, start.elapsed());
        out
    }

    pub fn record(&self, name: &str, took: Duration) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name.to_string(), took));
    }

    /// The time recorded under `name` so far.
    pub fn total(&self, name: &str) -> Duration {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, d)| *d)
            .sum()
    }

    /// `phases: import 0.12 s · engine 1.40 s · … · peak RSS 312 MiB`.
    pub fn line(&self) -> String {
        let phases = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut parts: Vec<String> = phases
            .iter()
            .map(|(name, took)| format!("{name} {:.2} s", took.as_secs_f64()))
            .collect();
        parts.push(match peak_rss_mib() {
            Some(m) => format!("peak RSS {m} MiB"),
            None => "peak RSS unknown".into(),
        });
        format!("phases: {}", parts.join(" · "))
    }
}

/// The process's peak resident set (Linux `VmHWM`), in MiB.
pub fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_listed_in_order_with_memory_last() {
        let p = Phases::default();
        assert_eq!(p.time("import", || 2 + 2), 4);
        p.record("engine", Duration::from_millis(1500));
        let line = p.line();
        assert!(line.starts_with("phases: import 0.0"), "{line}");
        assert!(line.contains(" · engine 1.50 s · peak RSS "), "{line}");
    }
}
