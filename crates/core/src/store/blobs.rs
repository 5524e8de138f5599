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
