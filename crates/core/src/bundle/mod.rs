//! The hand-off file (`*.maillage`): what one device gives another, or headquarters, on a USB key.
//!
//! A bundle is a tar archive compressed with zstd (so `tar --zstd -tvf paquet.maillage` lists it),
//! optionally sealed whole with `age` to one or more X25519 recipients (headquarters' keys). Its
//! entries:
//!
//! | entry | holds |
//! |---|---|
//! | `manifest.json` | [`Manifest`], canonical JSON: who, when, what it covers, the SHA-256 of every other entry |
//! | `manifest.sig` | the Ed25519 signature of `manifest.json`'s bytes, hex, by the source device's key |
//! | `records/<kind>.jsonl` | the records of a kind, one `domain::record_line` per line, tombstones included |
//! | `conflicts.jsonl` | versions that lost a merge on the source device and are still open there |
//! | `lineage.jsonl` | "version replaced parent, knowingly" edges of the records carried (see `sync::merge`) |
//! | `erasures.jsonl` | every erasure marker of the source device (`privacy::Erasure`: a person's id and a day), when it has any |
//! | `attachments/<sha256>` | the content of the attachments the records point to |
//!
//! Reading never extracts anything to disk: entries are read into memory under hard limits
//! ([`Limits`]) that stop a decompression bomb early, and every check runs before the store is
//! touched. A refusal ([`Refusal`]) names the check that failed, in French, with what to do.

pub mod manifest;
pub mod read;
pub mod seal;
pub mod write;

pub use crate::domain::LineageEdge;
pub use manifest::{Coverage, KindCount, Manifest, TerritoryRef};
pub use read::{open, OpenedBundle};
pub use write::{write_bundle, BundleEntries};

/// The version of the file format this binary writes and reads.
pub const FORMAT_VERSION: u32 = 1;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const CONFLICTS: &str = "conflicts.jsonl";
pub const LINEAGE: &str = "lineage.jsonl";
pub const ERASURES: &str = "erasures.jsonl";
pub const RECORDS_DIR: &str = "records/";
pub const ATTACHMENTS_DIR: &str = "attachments/";

/// The zstd level: level 3 compresses JSON lines about 3.7× at ~170 MB/s on one core.
pub const ZSTD_LEVEL: i32 = 3;

/// Hard limits on what a bundle may hold once decompressed. Everything is read into memory, so
/// these bound the memory an import can use, whatever the file claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file on disk (sealed or not).
    pub max_file: u64,
    /// All entries together, decompressed.
    pub max_total: u64,
    /// One entry, decompressed.
    pub max_entry: u64,
    pub max_entries: usize,
    pub max_manifest: u64,
    /// Decompressed bytes allowed per byte of input read so far, past `ratio_floor`: JSON lines
    /// compress about 4–10×, a bomb 1000× or more; the reader stops as soon as the ratio is
    /// exceeded, long before `max_total`.
    pub max_ratio: u64,
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file: 1 << 30,
            max_total: 2 << 30,
            max_entry: 1 << 30,
            max_entries: 200_000,
            max_manifest: 64 << 20,
            max_ratio: 100,
            ratio_floor: 16 << 20,
        }
    }
}

pub use crate::hash::{fingerprint, hex, sha256_hex, unhex};
pub use crate::refusal::{Check, Refusal};

/// Where an entry name is allowed to point, or why not.
pub(crate) fn check_entry_name(name: &str) -> Result<(), Refusal> {
    let leaves = name.starts_with('/')
        || name.starts_with('\\')
        || name.contains('\\')
        || name.split('/').any(|part| part == "..")
        || (name.len() >= 2 && name.as_bytes()[1] == b':');
    if leaves {
        return Err(Refusal::new(
            Check::EntryName,
            "une entrée porte un chemin qui sort du paquet (« .. » ou chemin absolu) : ce fichier est piégé, ne l'importez pas et signalez-le",
        ));
    }
    let known = name == MANIFEST
        || name == SIGNATURE
        || name == CONFLICTS
        || name == LINEAGE
        || name == ERASURES
        || name
            .strip_prefix(RECORDS_DIR)
            .and_then(|rest| rest.strip_suffix(".jsonl"))
            .is_some_and(|kind| kind.parse::<crate::domain::Kind>().is_ok())
        || name.strip_prefix(ATTACHMENTS_DIR).is_some_and(|sha| {
            sha.len() == 64 && sha.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        });
    if !known {
        return Err(Refusal::new(
            Check::EntryName,
            "une entrée du paquet n'est pas de celles qu'un paquet Maillage contient : le fichier a été modifié ; demandez un nouvel export",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(unhex::<4>(&hex(&bytes)), Some(bytes));
        assert_eq!(unhex::<4>("zz"), None);
    }

    #[test]
    fn entry_names_that_leave_the_bundle_are_refused() {
        for bad in ["../x", "records/../../etc/passwd", "/etc/passwd", "C:\\x", "records\\a.jsonl", "a/../b"] {
            let err = check_entry_name(bad).unwrap_err();
            assert_eq!(err.check, Check::EntryName, "{bad}");
            assert!(err.message.contains("sort du paquet"), "{bad}: {}", err.message);
        }
        for good in [
            "manifest.json",
            "records/interview.jsonl",
            "lineage.jsonl",
            "erasures.jsonl",
            &format!("attachments/{}", "a".repeat(64)),
        ] {
            check_entry_name(good).unwrap();
        }
        assert!(check_entry_name("records/planets.jsonl").is_err());
        assert!(check_entry_name("attachments/ABC").is_err());
    }

    #[test]
    fn a_fingerprint_has_eight_groups() {
        let f = fingerprint(&[7u8; 32]);
        assert_eq!(f.split('-').count(), 8, "{f}");
    }
}
