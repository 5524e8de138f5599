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

/// The latest millisecond a version may carry: 9999-12-31T23:59:59.999Z. A version from elsewhere
/// beyond it is refused at import, so that every version received can still be outranked by a
/// local edit (the next millisecond always exists).
pub const MAX_VERSION_MS: u64 = 253_402_300_799_999;

/// The reading right after `(ms, counter)`: the next counter, or the next millisecond when the
/// counter is at its maximum.
pub fn successor(ms: u64, counter: u32) -> (u64, u32) {
    if counter == u32::MAX {
        (ms.saturating_add(1), 0)
    } else {
        (ms, counter + 1)
    }
}

/// A version above `old` for `device`: `old`'s successor reading (used when the clock could not
/// follow `old`, e.g. a version from a device whose clock runs far ahead).
pub fn above(old: &Version, device: DeviceId) -> Version {
    let (ms, counter) = successor(old.ms, old.counter);
    Version { ms, counter, device }
}

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

    /// The next reading for a local edit, given the wall clock. A counter at its maximum carries
    /// into the next millisecond: a reading never saturates.
    pub fn tick(&mut self, wall_ms: u64, device: DeviceId) -> Version {
        if wall_ms > self.ms {
            self.ms = wall_ms.min(MAX_VERSION_MS);
            self.counter = 0;
        } else {
            (self.ms, self.counter) = successor(self.ms, self.counter);
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
    fn a_counter_at_its_maximum_carries_into_the_next_millisecond() {
        let mut clock = Clock::at(1_000, u32::MAX);
        let next = clock.tick(500, D);
        assert_eq!((next.ms, next.counter), (1_001, 0));
        let old = Version { ms: 7, counter: u32::MAX, device: DeviceId(Uuid::max()) };
        assert!(above(&old, D) > old);
    }

    #[test]
    fn a_reading_from_the_far_future_is_not_adopted() {
        let mut clock = Clock::default();
        let far = Version { ms: 10 * MAX_ADOPTED_DRIFT_MS, counter: 0, device: D };
        clock.observe(&far, 1_000);
        assert_eq!(clock.tick(1_000, D).ms, 1_000);
    }
}
