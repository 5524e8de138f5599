//! Encryption at rest: the store's pages, its WAL and its backups are encrypted by SQLCipher
//! with a 256-bit key that never leaves memory.
//!
//! The key `K` is derived from a **recovery code** drawn at random when encryption is set up
//! (128 bits, shown once, written `XXXX-XXXX-…`): `K = SHA-256(domain ‖ code)`. The code alone
//! opens the store, even if everything beside it is lost. Day to day the facilitator types a
//! **passphrase**: Argon2id (64 MiB, 3 passes) turns it and a random salt into a key-encryption
//! key `W`, and the *key file* `<store>.cle` beside the store keeps `K ⊕ W` and a check value
//! `SHA-256(check-domain ‖ K)[..16]` (which tells a wrong passphrase from a damaged store, and
//! says nothing of `K`). Changing the passphrase rewrites only the key file (new salt, new
//! wrapping): `K`, the store and every backup stay as they are, so backups made before still
//! open with the new passphrase.
//!
//! A store is encrypted when its file does not start with SQLite's plain header. A key file
//! beside a plain store is what an interrupted "turn encryption on" left: the store is plain
//! and the key file is removed at the next open.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use super::files;
use crate::domain::kinds::Invalid;
use crate::error::{Error, Result};

const KEY_DOMAIN: &[u8] = b"maillage/cle-de-la-base/v1";
const CHECK_DOMAIN: &[u8] = b"maillage/verification-de-la-cle/v1";
const FORMAT: &str = "maillage-cle/1";
/// Argon2id cost: about a third of a second here, the same on every device (the parameters are
/// written in the key file, so a later version can raise them).
const ARGON2_M_KIB: u32 = 64 * 1024;
const ARGON2_T: u32 = 3;
const ARGON2_P: u32 = 1;
/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// Crockford's base 32: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The key SQLCipher encrypts the store with. Zeroed when dropped; never printed.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl StoreKey {
    fn check_value(&self) -> String {
        let mut h = Sha256::new();
        h.update(CHECK_DOMAIN);
        h.update(&self.0[..]);
        hex(&h.finalize()[..16])
    }

    /// `PRAGMA key` with the raw key (no SQLCipher KDF: the key is already strong).
    fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex(&self.0[..])))
    }
}

/// The recovery code: 128 random bits in 26 characters of Crockford's base 32, grouped by four.
#[derive(Clone)]
pub struct RecoveryCode(Zeroizing<[u8; 16]>);

impl RecoveryCode {
    pub fn generate() -> RecoveryCode {
        let mut bytes = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        let code = RecoveryCode(Zeroizing::new(bytes));
        bytes.zeroize();
        code
    }

    /// Reads a code as the user typed it: case, spaces and dashes do not matter, and O, I and L
    /// read as 0, 1 and 1. Anything else is refused (the message never repeats it).
    pub fn parse(text: &str) -> Result<RecoveryCode> {
        let bad = || {
            Error::Invalid(Invalid::new(
                "recovery_code",
                "code de secours : 26 caractères attendus (chiffres et lettres, par groupes de 4)",
            ))
        };
        let mut bits: u128 = 0;
        let mut count = 0;
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let value = ALPHABET.iter().position(|&a| a as char == c).ok_or_else(bad)? as u128;
            count += 1;
            if count > 26 {
                return Err(bad());
            }
            // 26 × 5 = 130 bits: the first character carries only 3.
            if count == 1 && value > 0b111 {
                return Err(bad());
            }
            bits = (bits << 5) | value;
        }
        if count != 26 {
            return Err(bad());
        }
        Ok(RecoveryCode(Zeroizing::new(bits.to_be_bytes())))
    }

    /// The code as it is shown: `XXXX-XXXX-…-XX`.
    pub fn display(&self) -> Zeroizing<String> {
        let bits = u128::from_be_bytes(*self.0);
        let mut out = String::with_capacity(32);
        for i in (0..26).rev() {
            let v = ((bits >> (5 * i)) & 0x1f) as usize;
            out.push(ALPHABET[v] as char);
            if i % 4 == 0 && i != 0 {
                out.push('-');
            }
        }
        Zeroizing::new(out)
    }

    pub fn key(&self) -> StoreKey {
        let mut h = Sha256::new();
        h.update(KEY_DOMAIN);
        h.update(&self.0[..]);
        let mut k = [0u8; 32];
        k.copy_from_slice(&h.finalize());
        let key = StoreKey(Zeroizing::new(k));
        k.zeroize();
        key
    }
}

/// What `<store>.cle` holds: the store's key wrapped under the passphrase. No secret in clear.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    kdf: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
    wrapped: String,
    check: String,
}

/// The key file beside the store at `store`.
pub fn key_file_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_os_string();
    name.push(".cle");
    PathBuf::from(name)
}

/// Whether the store file at `path` is encrypted (its first bytes are not SQLite's plain header).
/// A missing or empty file is not.
pub fn is_encrypted_file(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(path, e)),
    };
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(n == 16 && &head != b"SQLite format 3\0")
}

/// Whether the store at `path` is encrypted and waits for its passphrase: not SQLite's plain
/// header, and its key file beside it. (An encrypted store whose key file was lost opens only
/// with its recovery code: `Store::open_keyed` with that key.) A key file left beside a plain
/// store by an interrupted encryption is removed.
pub fn store_is_encrypted(path: &Path) -> Result<bool> {
    let key_file = key_file_path(path);
    if std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return Ok(false);
    }
    if !is_encrypted_file(path)? {
        if key_file.exists() {
            let _ = std::fs::remove_file(&key_file);
        }
        return Ok(false);
    }
    Ok(key_file.exists())
}

/// The key to open the existing store at `path` with: [`Error::Locked`] for an encrypted store
/// offered none; the key offered for an encrypted file (even one whose key file was lost: the
/// recovery code's key); none for a plain store, whatever is offered.
pub fn key_to_open(path: &Path, key: Option<StoreKey>) -> Result<Option<StoreKey>> {
    match (store_is_encrypted(path)?, key) {
        (true, None) => Err(Error::Locked),
        (_, key) if is_encrypted_file(path)? => Ok(key),
        _ => Ok(None),
    }
}

/// Checks a passphrase's form (not whether it is the right one).
pub fn check_passphrase_form(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::Invalid(Invalid::new(
            "passphrase",
            format!("phrase de passe : au moins {MIN_PASSPHRASE_CHARS} caractères"),
        )));
    }
    if passphrase.trim() != passphrase {
        return Err(Error::Invalid(Invalid::new("passphrase", "phrase de passe : sans espace au début ni à la fin")));
    }
    Ok(())
}

fn derive(passphrase: &str, salt: &[u8], m_kib: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params =
        argon2::Params::new(m_kib, t, p, Some(32)).map_err(|_| Error::NotAStore("fichier de clé illisible".into()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|_| Error::NotAStore("fichier de clé illisible".into()))?;
    Ok(out)
}

/// Writes the key file for `key` under `passphrase` (a new salt each time), atomically.
pub fn write_key_file(store: &Path, key: &StoreKey, passphrase: &str) -> Result<()> {
    check_passphrase_form(passphrase)?;
    let mut salt = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut salt);
    let w = derive(passphrase, &salt, ARGON2_M_KIB, ARGON2_T, ARGON2_P)?;
    let mut wrapped = Zeroizing::new([0u8; 32]);
    for i in 0..32 {
        wrapped[i] = key.0[i] ^ w[i];
    }
    let file = KeyFile {
        format: FORMAT.into(),
        kdf: "argon2id".into(),
        m_kib: ARGON2_M_KIB,
        t: ARGON2_T,
        p: ARGON2_P,
        salt: hex(&salt),
        wrapped: hex(&wrapped[..]),
        check: key.check_value(),
    };
    let json = serde_json::to_vec_pretty(&file)?;
    let target = key_file_path(store);
    let tmp = files::sidecar(&target, ".tmp");
    let _ = std::fs::remove_file(&tmp);
    let written = (|| {
        let mut f = files::create_new_private(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&target, e));
    }
    files::sync_dir(&files::parent_dir(&target));
    Ok(())
}

/// The store's key from the passphrase: [`Error::WrongPassphrase`] when it is not the right one.
pub fn unwrap_key(store: &Path, passphrase: &str) -> Result<StoreKey> {
    let path = key_file_path(store);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotAStore(
                "le fichier de clé de la base est introuvable : ouvrez-la avec le code de secours".into(),
            ))
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let unreadable =
        || Error::NotAStore("le fichier de clé de la base est illisible : ouvrez-la avec le code de secours".into());
    let file: KeyFile = serde_json::from_slice(&bytes).map_err(|_| unreadable())?;
    if file.format != FORMAT || file.kdf != "argon2id" || file.m_kib > 4 * 1024 * 1024 || file.t > 64 || file.p > 64 {
        return Err(unreadable());
    }
    let salt = unhex(&file.salt).ok_or_else(unreadable)?;
    let wrapped = Zeroizing::new(unhex(&file.wrapped).filter(|w| w.len() == 32).ok_or_else(unreadable)?);
    let w = derive(passphrase, &salt, file.m_kib, file.t, file.p)?;
    let mut k = [0u8; 32];
    for i in 0..32 {
        k[i] = wrapped[i] ^ w[i];
    }
    let key = StoreKey(Zeroizing::new(k));
    k.zeroize();
    if key.check_value() != file.check {
        return Err(Error::WrongPassphrase);
    }
    Ok(key)
}

/// Whether `key` is the store's key, by the key file's check value (true when there is none to
/// compare with: the store itself will tell).
pub fn key_matches_file(store: &Path, key: &StoreKey) -> bool {
    let Ok(bytes) = std::fs::read(key_file_path(store)) else { return true };
    match serde_json::from_slice::<KeyFile>(&bytes) {
        Ok(file) => file.check == key.check_value(),
        Err(_) => true,
    }
}

/// Gives `conn` its key: the first statement on every connection to an encrypted store.
pub fn apply(conn: &Connection, key: Option<&StoreKey>) -> rusqlite::Result<()> {
    if let Some(key) = key {
        conn.execute_batch(&key.pragma())?;
    }
    Ok(())
}

/// Copies the plain database `source` (read without being touched) into the new, empty file
/// `out`, encrypted with `key`, keeping its schema version.
pub fn export_encrypted(source: &Path, out: &Path, key: &StoreKey) -> Result<()> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(out, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI)?;
    apply(&conn, Some(key))?;
    conn.execute("ATTACH DATABASE ?1 AS clair KEY ''", [super::backup::untouched_uri(source)])?;
    let copied = (|| {
        let version: i64 = conn.query_row("PRAGMA clair.user_version", [], |r| r.get(0))?;
        conn.query_row("SELECT sqlcipher_export('main', 'clair')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA main.user_version = {version};"))
    })();
    let detached = conn.execute_batch("DETACH DATABASE clair");
    copied?;
    detached?;
    Ok(())
}

/// Turns encryption on for the plain store `store`, when it is the only one open
/// ([`Error::InUse`] otherwise): the store is copied encrypted beside itself, the copy checked
/// (integrity, same number of records), `write_key_file` called, then the copy takes the
/// store's place in one rename. The plain file is overwritten with zeros and deleted; its WAL
/// was emptied into it first. Interrupted anywhere, the store is either still plain (and the
/// next open removes the key file) or encrypted with its key file written.
pub fn encrypt_store(store: &super::Store, key: StoreKey, write_key_file: impl FnOnce() -> Result<()>) -> Result<()> {
    if store.is_encrypted() {
        return Err(Error::AlreadyExists("la base est déjà chiffrée".into()));
    }
    store.with_closed_file_rekeyed(|db| {
        let tmp = files::sidecar(db, ".chiffrement.tmp");
        let aside = plain_aside(db);
        let _ = std::fs::remove_file(&tmp);
        let result = (|| {
            files::create_new_private(&tmp).map_err(|e| Error::io(db, e))?;
            let plain = super::backup::open_untouched(db, None)?;
            let records: i64 = plain.query_row("SELECT COUNT(*) FROM record", [], |r| r.get(0))?;
            drop(plain);
            export_encrypted(db, &tmp, &key)?;
            let copy = Connection::open_with_flags(&tmp, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            apply(&copy, Some(&key))?;
            let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            let copied: i64 = copy.query_row("SELECT COUNT(*) FROM record", [], |r| r.get(0))?;
            drop(copy);
            if integrity != "ok" || copied != records {
                return Err(Error::NotAStore(
                    "la copie chiffrée ne correspond pas à la base : rien n'a été modifié".into(),
                ));
            }
            std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| Error::io(db, e))?;
            write_key_file()?;
            // A second name for the plain file, so that its bytes can be zeroed once replaced.
            let _ = std::fs::remove_file(&aside);
            std::fs::hard_link(db, &aside).map_err(|e| Error::io(db, e))?;
            std::fs::rename(&tmp, db).map_err(|e| Error::io(db, e))?;
            files::sync_dir(&files::parent_dir(db));
            Ok(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(&aside);
            let _ = std::fs::remove_file(key_file_path(db));
            return Err(e);
        }
        // The plain store's WAL was emptied into it before the swap (nothing in it to keep).
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(files::sidecar(db, suffix));
        }
        tidy_after_encryption(db);
        Ok(((), Some(key)))
    })
}

/// Where the plain store waits to be zeroed while encryption is turned on.
fn plain_aside(store: &Path) -> PathBuf {
    let name = store.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    store.with_file_name(format!(".{name}.en-clair"))
}

/// Zeroes and deletes the plain copy an encryption left (when it is not the store itself: an
/// interruption before the swap leaves two names for the same file).
pub fn tidy_after_encryption(store: &Path) {
    let aside = plain_aside(store);
    let Ok(meta) = std::fs::metadata(&aside) else { return };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if std::fs::metadata(store).is_ok_and(|m| m.ino() == meta.ino() && m.dev() == meta.dev()) {
            let _ = std::fs::remove_file(&aside);
            return;
        }
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&aside) {
        let zeros = vec![0u8; 1 << 16];
        let mut left = meta.len();
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            if f.write_all(&zeros[..n]).is_err() {
                break;
            }
            left -= n as u64;
        }
        let _ = f.sync_all();
    }
    let _ = std::fs::remove_file(&aside);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 256 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_code_reads_back_as_shown_and_as_typed_carelessly() {
        for _ in 0..50 {
            let code = RecoveryCode::generate();
            let shown = code.display();
            assert_eq!(shown.len(), 26 + 6, "{}", shown.len());
            let again = RecoveryCode::parse(&shown).unwrap();
            assert_eq!(&again.0[..], &code.0[..]);
            let careless = shown.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
            assert_eq!(&RecoveryCode::parse(&careless).unwrap().0[..], &code.0[..]);
        }
        assert!(RecoveryCode::parse("ABCD").is_err());
        assert!(RecoveryCode::parse(&"U".repeat(26)).is_err());
        // 26 characters whose first one would need more than 128 bits.
        assert!(RecoveryCode::parse(&format!("Z{}", "0".repeat(25))).is_err());
    }

    #[test]
    fn the_passphrase_unwraps_the_key_and_a_wrong_one_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.sqlite3");
        let key = RecoveryCode::generate().key();
        write_key_file(&store, &key, "une phrase assez longue").unwrap();
        let text = std::fs::read_to_string(key_file_path(&store)).unwrap();
        assert!(!text.contains(&hex(&key.0[..])), "the key must not be in the key file");
        let back = unwrap_key(&store, "une phrase assez longue").unwrap();
        assert_eq!(&back.0[..], &key.0[..]);
        assert!(matches!(unwrap_key(&store, "une phrase assez longuE"), Err(Error::WrongPassphrase)));
        assert!(check_passphrase_form("court").is_err());
    }

    #[test]
    fn sqlcipher_encrypts_pages_wal_and_vacuum_into() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        let key = RecoveryCode::generate().key();
        let conn = Connection::open(&path).unwrap();
        apply(&conn, Some(&key)).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE VIRTUAL TABLE t USING fts5(x); INSERT INTO t VALUES ('Zéphyrine Lombard-Vasseur');",
        )
        .unwrap();
        let hits: i64 = conn.query_row("SELECT COUNT(*) FROM t WHERE t MATCH 'Zéphyrine'", [], |r| r.get(0)).unwrap();
        assert_eq!(hits, 1);
        let wal = std::fs::read(files::sidecar(&path, "-wal")).unwrap();
        assert!(!wal.is_empty());
        assert!(std::fs::read(&path).unwrap().len() + wal.len() > 4096);
        let backup = dir.path().join("b.sqlite3");
        conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()]).unwrap();
        drop(conn);
        let key_hex = hex(&key.0[..]);
        for (name, bytes) in
            [("store", std::fs::read(&path).unwrap()), ("backup", std::fs::read(&backup).unwrap()), ("wal", wal)]
        {
            assert!(!bytes.windows(9).any(|w| w == b"Lombard-V"), "{name} holds record text");
            assert!(!bytes.windows(32).any(|w| w == &key.0[..]), "{name} holds the key");
            assert!(!bytes.windows(64).any(|w| w == key_hex.as_bytes()), "{name} holds the key in hex");
        }
        assert!(is_encrypted_file(&path).unwrap() && is_encrypted_file(&backup).unwrap());
        let plain = Connection::open(&backup).unwrap();
        assert!(plain.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).is_err());
        let keyed = Connection::open(&backup).unwrap();
        apply(&keyed, Some(&key)).unwrap();
        let n: i64 = keyed.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
    }
}
