//! Why a bundle was refused: the check that failed and a French sentence. A leaf module: the
//! bundle reader produces refusals, the errors carry them.

use std::fmt;

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
