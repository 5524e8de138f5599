//! The window's session with its store: open, or locked behind its passphrase, or failed (and
//! why). The desktop shell and `maillage serve` hold one; every command goes through it
//! ([`super::dispatch::dispatch_session`]).
//!
//! An encrypted store starts locked. Locking (the « Verrouiller » button, or the UI after the
//! idle delay once it has saved what was typed) drops the open store: its key leaves memory
//! when the last command still running ends, and every command answers « la base est
//! verrouillée » until the passphrase is given again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde::Serialize;

use super::*;

pub struct Session {
    path: PathBuf,
    state: RwLock<State>,
}

enum State {
    Open(Arc<Api>),
    Locked,
    Failed(ApiError),
}

/// What the window shows before anything else: the store open, or the passphrase to ask.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionState {
    /// The store is open: commands work.
    pub open: bool,
    /// The store is encrypted and waits for its passphrase.
    pub locked: bool,
    pub encrypted: bool,
    /// Minutes without a key or a click before the window locks (encrypted stores only).
    pub idle_lock_minutes: u32,
}

impl Session {
    /// The session on the store at `path`: locked when it is encrypted, otherwise opened
    /// (created when `create` and there is none, as the application's first launch does). An
    /// error is kept, not raised: every command answers with it.
    pub fn start(path: &Path, create: bool) -> Session {
        let state = match Api::store_access(path) {
            Ok(access) if access.encrypted => State::Locked,
            Ok(_) => match if create { Api::create(path) } else { Api::open(path) } {
                Ok(api) => State::Open(Arc::new(api)),
                Err(e) => State::Failed(e),
            },
            Err(e) => State::Failed(e),
        };
        Session { path: path.to_path_buf(), state: RwLock::new(state) }
    }

    /// A session on a store already open.
    pub fn with(api: Api) -> Session {
        Session { path: api.store_path().to_path_buf(), state: RwLock::new(State::Open(Arc::new(api))) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open store, or why there is none ([`ErrorCode::Locked`] while locked).
    pub fn api(&self) -> ApiResult<Arc<Api>> {
        match &*self.read() {
            State::Open(api) => Ok(api.clone()),
            State::Locked => Err(ApiError {
                code: ErrorCode::Locked,
                message: "la base est verrouillée : saisissez la phrase de passe".into(),
                field: None,
            }),
            State::Failed(e) => Err(e.clone()),
        }
    }

    pub fn state(&self) -> ApiResult<SessionState> {
        let (open, locked) = match &*self.read() {
            State::Open(_) => (true, false),
            State::Locked => (false, true),
            State::Failed(_) => (false, false),
        };
        let encrypted = locked || self.api().is_ok_and(|api| api.is_encrypted());
        let idle_lock_minutes = match self.api() {
            Ok(api) => api.idle_lock_minutes()?,
            Err(_) => super::encryption::DEFAULT_IDLE_LOCK_MINUTES,
        };
        Ok(SessionState { open, locked, encrypted, idle_lock_minutes })
    }

    /// Opens the locked store with its passphrase; a wrong one changes nothing.
    pub fn unlock(&self, passphrase: &str) -> ApiResult<SessionState> {
        if matches!(&*self.read(), State::Locked) {
            let api = Api::open_with_passphrase(&self.path, passphrase)?;
            let mut state = self.write();
            if matches!(&*state, State::Locked) {
                *state = State::Open(Arc::new(api));
            }
        }
        self.state()
    }

    /// Opens the locked store with its recovery code and sets a new passphrase.
    pub fn unlock_with_recovery_code(&self, code: &str, new_passphrase: &str) -> ApiResult<SessionState> {
        if matches!(&*self.read(), State::Locked) {
            let api = Api::open_with_recovery_code(&self.path, code, Some(new_passphrase))?;
            let mut state = self.write();
            if matches!(&*state, State::Locked) {
                *state = State::Open(Arc::new(api));
            }
        }
        self.state()
    }

    /// Locks an open encrypted store (a plain one has nothing to lock with: refused).
    pub fn lock(&self) -> ApiResult<SessionState> {
        let api = self.api()?;
        if !api.is_encrypted() {
            return Err(Error::Invalid(kinds::Invalid::new(
                "passphrase",
                "la base n'est pas chiffrée : activez le chiffrement (Paramètres) pour pouvoir la verrouiller",
            ))
            .into());
        }
        drop(api);
        *self.write() = State::Locked;
        tracing::info!("locked");
        self.state()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
