//! Encryption at rest, as the front ends see it: open a store with its passphrase or its
//! recovery code, turn encryption on, change the passphrase. How the key is kept is
//! `store::cipher`'s.

use std::path::Path;

use serde::Serialize;

use super::*;
use crate::store::cipher::{self, RecoveryCode};

/// Minutes without a key or a click before the window of an encrypted store locks.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 15;
const MAX_IDLE_LOCK_MINUTES: u32 = 240;
const IDLE_LOCK_MINUTES: &str = "idle_lock_minutes";

/// Whether there is a store at a path and whether it is encrypted: what a front end asks
/// before opening it (to ask for the passphrase first).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreAccess {
    pub exists: bool,
    pub encrypted: bool,
}

/// Shown once, when encryption is turned on: the code that opens the store when the
/// passphrase is forgotten. Never stored anywhere by Maillage.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryCodeShown {
    pub recovery_code: String,
}

/// Paramètres › Chiffrement.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EncryptionStatus {
    pub encrypted: bool,
    /// Backups of the backup folder that are not encrypted (made before encryption was turned
    /// on): they still hold everything in clear.
    pub plain_backups: Vec<BackupReport>,
    pub min_passphrase_chars: u32,
}

impl Api {
    /// Whether there is a store at `path`, and whether it is encrypted.
    pub fn store_access(path: &Path) -> ApiResult<StoreAccess> {
        let exists = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0);
        Ok(StoreAccess { exists, encrypted: exists && cipher::store_is_encrypted(path)? })
    }

    /// Whether `passphrase` is acceptable as a new passphrase (long enough, no space at its ends).
    pub fn check_passphrase(passphrase: &str) -> ApiResult<()> {
        Ok(cipher::check_passphrase_form(passphrase)?)
    }

    /// Opens the store at `path` with its passphrase (a plain store opens as [`Api::open`]
    /// does). A wrong one is [`ErrorCode::WrongPassphrase`], « phrase de passe incorrecte »,
    /// and nothing is touched.
    pub fn open_with_passphrase(path: &Path, passphrase: &str) -> ApiResult<Api> {
        if !Api::store_access(path)?.encrypted {
            return Api::open(path);
        }
        let key = cipher::unwrap_key(path, passphrase)?;
        Ok(Api { store: Store::open_keyed(path, Some(key))?, synthesis_cache: Default::default() })
    }

    /// Opens the encrypted store at `path` with its recovery code and, when one is given, sets
    /// a new passphrase (the forgotten one no longer opens it).
    pub fn open_with_recovery_code(path: &Path, code: &str, new_passphrase: Option<&str>) -> ApiResult<Api> {
        if let Some(p) = new_passphrase {
            cipher::check_passphrase_form(p)?;
        }
        let key = RecoveryCode::parse(code)?.key();
        if !cipher::key_matches_file(path, &key) {
            return Err(wrong_code());
        }
        let store = Store::open_keyed(path, Some(key.clone())).map_err(|e| match e {
            Error::WrongPassphrase => wrong_code(),
            other => other.into(),
        })?;
        if let Some(p) = new_passphrase {
            cipher::write_key_file(path, &key, p)?;
            tracing::info!("passphrase reset with the recovery code");
        }
        Ok(Api { store, synthesis_cache: Default::default() })
    }

    pub fn encryption_status(&self) -> ApiResult<EncryptionStatus> {
        let encrypted = self.store.is_encrypted();
        let mut plain_backups = Vec::new();
        if encrypted {
            for b in self.list_backups()? {
                if !cipher::is_encrypted_file(Path::new(&b.path))? {
                    plain_backups.push(b);
                }
            }
        }
        Ok(EncryptionStatus { encrypted, plain_backups, min_passphrase_chars: cipher::MIN_PASSPHRASE_CHARS as u32 })
    }

    /// Turns encryption on for this (plain) store, when no other window or command has it open:
    /// every record kept, the plain file overwritten. Returns the recovery code, to show once.
    pub fn encrypt(&self, passphrase: &str) -> ApiResult<RecoveryCodeShown> {
        cipher::check_passphrase_form(passphrase)?;
        let code = RecoveryCode::generate();
        let key = code.key();
        let path = self.store.path().to_path_buf();
        let for_file = key.clone();
        cipher::encrypt_store(&self.store, key, || cipher::write_key_file(&path, &for_file, passphrase))?;
        self.synthesis_cache.clear();
        tracing::info!("encryption turned on");
        Ok(RecoveryCodeShown { recovery_code: code.display().to_string() })
    }

    /// Changes the passphrase of this encrypted store (`current` must be the present one). The
    /// store and its backups keep their key: backups made before open with the new passphrase.
    pub fn change_passphrase(&self, current: &str, new: &str) -> ApiResult<()> {
        let Some(key) = self.store.key() else {
            return Err(Error::Invalid(kinds::Invalid::new(
                "passphrase",
                "la base n'est pas chiffrée : activez d'abord le chiffrement",
            ))
            .into());
        };
        cipher::check_passphrase_form(new)?;
        let given = cipher::unwrap_key(self.store.path(), current)?;
        if !cipher::key_matches_file(self.store.path(), &key) || !cipher::key_matches_file(self.store.path(), &given) {
            return Err(Error::WrongPassphrase.into());
        }
        cipher::write_key_file(self.store.path(), &key, new)?;
        tracing::info!("passphrase changed");
        Ok(())
    }

    /// The idle delay before the window locks (a setting of this computer, never in a bundle).
    pub fn idle_lock_minutes(&self) -> ApiResult<u32> {
        let value = self.store.read(|c| crate::store::settings::get(c, IDLE_LOCK_MINUTES))?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    }

    /// Sets the idle delay, 1 to 240 minutes.
    pub fn set_idle_lock_minutes(&self, minutes: u32) -> ApiResult<u32> {
        if !(1..=MAX_IDLE_LOCK_MINUTES).contains(&minutes) {
            return Err(Error::Invalid(kinds::Invalid::new(
                "minutes",
                format!("le verrouillage après inactivité se règle de 1 à {MAX_IDLE_LOCK_MINUTES} minutes"),
            ))
            .into());
        }
        self.store.write(|tx| crate::store::settings::set(tx, IDLE_LOCK_MINUTES, &minutes.to_string()))?;
        self.idle_lock_minutes()
    }

    /// Whether this store is encrypted (headquarters' workspace requires it).
    pub fn is_encrypted(&self) -> bool {
        self.store.is_encrypted()
    }
}

fn wrong_code() -> ApiError {
    ApiError {
        code: ErrorCode::WrongPassphrase,
        message: "code de secours incorrect".into(),
        field: Some("recovery_code".into()),
    }
}
