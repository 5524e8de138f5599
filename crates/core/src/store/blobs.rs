//! Attachment contents kept by SHA-256.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::hash::sha256_hex;

/// Stores `bytes` (once, whatever the number of attachments sharing them); returns their hash.
pub fn put(conn: &Connection, bytes: &[u8]) -> Result<String> {
    let sha = sha256_hex(bytes);
    conn.execute(
        "INSERT INTO blob (sha256, size, content) VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING",
        params![sha, bytes.len() as i64, bytes],
    )?;
    Ok(sha)
}

pub fn exists(conn: &Connection, sha256: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM blob WHERE sha256 = ?1", [sha256], |_| Ok(())).optional()?.is_some())
}

pub fn get(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row("SELECT content FROM blob WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?)
}

/// Erases a content no live attachment points to any more (a deleted consent form is gone from
/// the bytes, not only from the lists).
pub fn delete_if_unused(tx: &Connection, sha256: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM blob WHERE sha256 = ?1 AND NOT EXISTS (
             SELECT 1 FROM record WHERE kind = 'attachment' AND deleted = 0 AND json_extract(data, '$.sha256') = ?1)",
        [sha256],
    )?;
    Ok(())
}

/// Erases every content no live attachment points to (after an import brought deletions).
pub fn delete_orphans(tx: &Connection) -> Result<()> {
    tx.execute(
        "DELETE FROM blob WHERE sha256 NOT IN (
             SELECT json_extract(data, '$.sha256') FROM record WHERE kind = 'attachment' AND deleted = 0)",
        [],
    )?;
    Ok(())
}
