//! The one error every front end sees: a stable code to branch on, and a French message a
//! facilitator can act on. Messages never carry personal data (no names, no record text).

use serde::Serialize;

use crate::error::Error;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The data of a record breaks a rule (empty title, impossible date, out-of-range value…).
    Invalid,
    /// No such record (or it was deleted).
    NotFound,
    UnknownKind,
    InvalidId,
    /// `init` has not run on this store.
    NotInitialised,
    /// The store or file comes from a newer Maillage.
    NewerSchema,
    /// The file is not a Maillage store or is damaged.
    NotAStore,
    /// There is no store at this path (only `init` creates one).
    NoStore,
    DiskFull,
    /// Another operation holds the store: nothing was written, the same call may be retried.
    Busy,
    /// The store cannot be written (read-only medium, permissions).
    ReadOnly,
    /// A file could not be read or written.
    Io,
    Internal,
    /// A bundle is damaged, truncated, too large, or holds entries it should not.
    BundleDamaged,
    /// A bundle's signature is absent or wrong.
    BundleSignature,
    /// A bundle claims a device whose key this store knows to be another one.
    BundleDeviceKey,
    /// A bundle is sealed for headquarters: a (different) secret key is needed.
    BundleSealed,
    /// A record inside a bundle breaks a rule.
    BundleRecords,
    /// A key file (hq.key, hq.pub, a device key) is missing or unreadable.
    KeyFile,
    ConflictNotFound,
    ConflictAlreadyResolved,
    /// The file to create exists already.
    AlreadyExists,
    /// Headquarters' workspace: a territory's records are read-only (they arrive by bundles).
    HqReadOnly,
    /// The store is encrypted: it opens with the passphrase or the recovery code.
    Locked,
    /// The passphrase (or the recovery code) is not the store's.
    WrongPassphrase,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The field at fault, when one is.
    pub field: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<crate::domain::ParseError> for ApiError {
    fn from(e: crate::domain::ParseError) -> Self {
        Error::from(e).into()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::Invalid(_)
            | Error::Json(_)
            | Error::DanglingReference { .. }
            | Error::UnknownTerritory(_)
            | Error::WrongKind { .. } => ErrorCode::Invalid,
            Error::InvalidVersion(_) => ErrorCode::Invalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::UnknownKind(_) => ErrorCode::UnknownKind,
            Error::InvalidId(_) => ErrorCode::InvalidId,
            Error::NotInitialised => ErrorCode::NotInitialised,
            Error::NewerSchema { .. } => ErrorCode::NewerSchema,
            Error::NotAStore(_) => ErrorCode::NotAStore,
            Error::NoStore(_) => ErrorCode::NoStore,
            Error::InUse => ErrorCode::Busy,
            Error::DiskFull => ErrorCode::DiskFull,
            Error::Busy => ErrorCode::Busy,
            Error::ReadOnly => ErrorCode::ReadOnly,
            Error::Io { .. } => ErrorCode::Io,
            Error::Sqlite(_) => ErrorCode::Internal,
            Error::BundleRefused(r) => {
                use crate::refusal::Check;
                match r.check {
                    Check::Signature => ErrorCode::BundleSignature,
                    Check::DeviceKey => ErrorCode::BundleDeviceKey,
                    Check::Sealed => ErrorCode::BundleSealed,
                    Check::Version => ErrorCode::NewerSchema,
                    Check::Records => ErrorCode::BundleRecords,
                    Check::Format
                    | Check::Archive
                    | Check::Size
                    | Check::EntryName
                    | Check::DuplicateEntry
                    | Check::EntryList
                    | Check::EntryHash
                    | Check::Manifest => ErrorCode::BundleDamaged,
                }
            }
            Error::KeyFile(_) => ErrorCode::KeyFile,
            Error::ConflictNotFound(_) => ErrorCode::ConflictNotFound,
            Error::ConflictAlreadyResolved(_) => ErrorCode::ConflictAlreadyResolved,
            Error::AlreadyExists(_) => ErrorCode::AlreadyExists,
            Error::HqReadOnly => ErrorCode::HqReadOnly,
            Error::Locked => ErrorCode::Locked,
            Error::WrongPassphrase => ErrorCode::WrongPassphrase,
        };
        let field = match &e {
            Error::Invalid(i) if !i.field.is_empty() => Some(i.field.clone()),
            Error::DanglingReference { field, .. } => Some(field.clone()),
            Error::UnknownTerritory(_) => Some("territory_id".into()),
            _ => None,
        };
        // The code and the field's name only: the message can name a file, the field never a value.
        match &e {
            Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                tracing::error!(code = ?code, sqlite = f.extended_code, "refused")
            }
            Error::Sqlite(_) => tracing::error!(code = ?code, "refused"),
            Error::Io { source, .. } => tracing::warn!(code = ?code, io = ?source.kind(), "refused"),
            _ => tracing::info!(code = ?code, field = field.as_deref().unwrap_or(""), "refused"),
        }
        ApiError { code, message: e.to_string(), field }
    }
}
