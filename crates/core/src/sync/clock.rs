//! A hybrid logical clock: wall-clock milliseconds when the wall clock moves forward, a counter
//! when it does not (same millisecond, or the system clock was set back). Every reading is above
//! every reading issued or observed before, so an edit always outranks the version it replaces,
//! whatever the system clock says.

use crate::domain::{DeviceId, Version};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    ms: u64,
    counter: u32,
}

/// A remote reading further ahead of our wall clock than this is not adopted as is: a device
/// whose clock says 2099 must not drag every later edit into 2099. Its versions still order
/// deterministically; we only keep our own readings sane.
pub const MAX_ADOPTED_DRIFT_MS: u64 = 24 * 3600 * 1000;

impl Clock {
    pub fn at(ms: u64, counter: u32) -> Self {
        Clock { ms, counter }
    }

    pub fn ms(&self) -> u64 {
        self.ms
    }

    pub fn counter(&self) -> u32 {
        self.counter
    }

    /// The next reading for a local edit, given the wall clock.
    pub fn tick(&mut self, wall_ms: u64, device: DeviceId) -> Version {
        if wall_ms > self.ms {
            self.ms = wall_ms;
            self.counter = 0;
        } else if self.counter == u32::MAX {
            self.ms += 1;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        Version { ms: self.ms, counter: self.counter, device }
    }

    /// Takes note of a version seen elsewhere (an edited record, an imported one), so that the
    /// next tick is above it, unless it is implausibly far in the future.
    pub fn observe(&mut self, seen: &Version, wall_ms: u64) {
        if seen.ms > wall_ms.saturating_add(MAX_ADOPTED_DRIFT_MS) {
            return;
        }
        if (seen.ms, seen.counter) > (self.ms, self.counter) {
            self.ms = seen.ms;
            self.counter = seen.counter;
        }
    }
}

/// Milliseconds since the Unix epoch on this machine's clock.
pub fn wall_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const D: DeviceId = DeviceId(Uuid::from_u128(7));

    #[test]
    fn readings_keep_rising_when_the_wall_clock_goes_back() {
        let mut clock = Clock::default();
        let a = clock.tick(10_000, D);
        let b = clock.tick(5_000, D); // someone set the clock back
        let c = clock.tick(5_000, D);
        assert!(a < b && b < c, "{a} {b} {c}");
    }

    #[test]
    fn an_edit_outranks_the_version_it_replaces_even_from_a_clock_behind() {
        let mut clock = Clock::default();
        let remote = Version { ms: 50_000, counter: 3, device: DeviceId(Uuid::from_u128(9)) };
        clock.observe(&remote, 40_000);
        let mine = clock.tick(40_000, D);
        assert!(mine > remote);
    }

    #[test]
    fn a_reading_from_the_far_future_is_not_adopted() {
        let mut clock = Clock::default();
        let far = Version { ms: 10 * MAX_ADOPTED_DRIFT_MS, counter: 0, device: D };
        clock.observe(&far, 1_000);
        assert_eq!(clock.tick(1_000, D).ms, 1_000);
    }
}
