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
//! | `records/<kind>.jsonl` | the records of a kind, one `canonical::record_line` per line, tombstones included |
//! | `conflicts.jsonl` | versions that lost a merge on the source device and are still open there |
//! | `lineage.jsonl` | "version replaced parent, knowingly" edges of the records carried (see `sync::merge`) |
//! | `attachments/<sha256>` | the content of the attachments the records point to |
//!
//! Reading never extracts anything to disk: entries are read into memory under hard limits
//! ([`Limits`]) that stop a decompression bomb early, and every check runs before the store is
//! touched. A refusal ([`Refusal`]) names the check that failed, in French, with what to do.

pub mod manifest;
pub mod read;
pub mod seal;
pub mod write;

use std::fmt;

pub use manifest::{Coverage, EntryDigest, KindCount, LineageEdge, Manifest, TerritoryRef};
pub use read::{open, OpenedBundle};
pub use write::{write_bundle, BundleEntries, WrittenBundle};

/// The version of the file format this binary writes and reads.
pub const FORMAT_VERSION: u32 = 1;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const CONFLICTS: &str = "conflicts.jsonl";
pub const LINEAGE: &str = "lineage.jsonl";
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

/// The checks an import runs, each with the name a facilitator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The file is not a bundle at all (neither zstd nor age).
    Format,
    /// The archive is truncated or damaged (compression, tar structure).
    Archive,
    /// A size limit was exceeded (decompression bomb, huge entry, too many entries).
    Size,
    /// An entry name leaves the bundle (`..`, absolute) or is not one a bundle has.
    EntryName,
    /// The same entry name twice.
    DuplicateEntry,
    /// An entry listed in the manifest is absent, or one present is not listed.
    EntryList,
    /// An entry's SHA-256 or size differs from the manifest's.
    EntryHash,
    /// The manifest is absent or unreadable.
    Manifest,
    /// The bundle (format or schema) comes from a newer Maillage.
    Version,
    /// The signature is absent or does not match the manifest and the device key.
    Signature,
    /// The device claims a key other than the one this store knows for it.
    DeviceKey,
    /// The bundle is sealed and no (or the wrong) headquarters key was given.
    Sealed,
    /// A record line is unreadable or breaks a rule.
    Records,
}

impl Check {
    /// The check's name as shown in refusals.
    pub fn label(self) -> &'static str {
        match self {
            Check::Format => "format du fichier",
            Check::Archive => "intégrité de l'archive",
            Check::Size => "limites de taille",
            Check::EntryName => "noms des entrées",
            Check::DuplicateEntry => "entrées en double",
            Check::EntryList => "liste des entrées",
            Check::EntryHash => "empreintes des entrées",
            Check::Manifest => "manifeste",
            Check::Version => "version de Maillage",
            Check::Signature => "signature",
            Check::DeviceKey => "clé de l'appareil",
            Check::Sealed => "chiffrement pour le siège",
            Check::Records => "contenu des enregistrements",
        }
    }
}

/// Why a bundle was refused: the check, and a French sentence saying what is wrong and what to do.
/// Messages carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub check: Check,
    pub message: String,
}

impl Refusal {
    pub fn new(check: Check, message: impl Into<String>) -> Self {
        Refusal { check, message: message.into() }
    }

    /// The usual advice for a file damaged in transit.
    pub(crate) fn damaged(check: Check, what: impl fmt::Display) -> Self {
        Refusal::new(
            check,
            format!("{what} : le fichier est abîmé ou incomplet ; copiez-le à nouveau ou demandez un nouvel export"),
        )
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "paquet refusé ({}) : {}", self.check.label(), self.message)
    }
}

impl std::error::Error for Refusal {}

/// Lowercase hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Bytes of a hex string of exactly `N` bytes.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != N * 2 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, pair) in text.chunks(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// What people compare aloud to trust a device key: SHA-256 of the key, first 16 bytes, in 8
/// groups of 4 hex digits.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    use sha2::{Digest, Sha256};
    let digest = hex(&Sha256::digest(public_key)[..16]);
    digest.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect::<Vec<_>>().join("-")
}

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
        for good in
            ["manifest.json", "records/interview.jsonl", "lineage.jsonl", &format!("attachments/{}", "a".repeat(64))]
        {
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
