//! Fuzzes the bundle reader: any bytes, plain or sealed, must give an opened bundle or a refusal,
//! never a panic, a hang or an allocation beyond the limits. What opens is also planned as a
//! merge into an empty store (the pure half of an import).
//!
//! Seeds: `fuzz/corpus/bundle_reader/` (bundles from `tests/fixtures/bundles/`, one sealed to the
//! throwaway key below, plus damaged ones). Run with `make fuzz`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maillage_core::bundle::{self, seal, Limits};

/// The throwaway headquarters key of the fixtures (`tests/fixtures/bundles/fixture-hq.key`), so
/// that the sealed seed opens and the fuzzer reaches the archive inside.
const FIXTURE_HQ_KEY: &str = "AGE-SECRET-KEY-1G8X4HQ564PDAUMSSP9YJ5XKHNRDSTADYMDUDRM7ZW6Z9M6A9RD3SV50NJK";

/// Small limits keep every input well under libFuzzer's memory limit.
const LIMITS: Limits = Limits {
    max_file: 8 << 20,
    max_total: 32 << 20,
    max_entry: 16 << 20,
    max_entries: 10_000,
    max_manifest: 1 << 20,
    max_ratio: 100,
    ratio_floor: 4 << 20,
};

fuzz_target!(|data: &[u8]| {
    let identity = seal::parse_identity(FIXTURE_HQ_KEY).expect("the fixture key parses");
    if let Ok(opened) = bundle::open(data, Some(&identity), &LIMITS) {
        let plan =
            maillage_core::sync::merge::plan(&opened.records, &opened.losers, &opened.lineage, &Default::default());
        let _ = plan.totals();
    }
});
