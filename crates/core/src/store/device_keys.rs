//! The `device_key` table: the public keys of the devices whose bundles this store accepts.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::domain::DeviceId;
use crate::error::Result;
use crate::hash::{fingerprint, hex};

/// A device whose bundles this store accepts.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownDevice {
    pub device_id: String,
    pub facilitator: String,
    pub public_key: String,
    pub fingerprint: String,
    /// `bundle` (trusted on first use) or `trusted` (registered by hand).
    pub source: String,
    pub first_seen_at: String,
    pub first_seen_bundle: Option<String>,
}

pub fn list(conn: &Connection) -> Result<Vec<KnownDevice>> {
    let mut stmt = conn.prepare(
        "SELECT device_id, facilitator, public_key, fingerprint, source, first_seen_at, first_seen_bundle
         FROM device_key ORDER BY first_seen_at, device_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(KnownDevice {
            device_id: r.get(0)?,
            facilitator: r.get(1)?,
            public_key: r.get(2)?,
            fingerprint: r.get(3)?,
            source: r.get(4)?,
            first_seen_at: r.get(5)?,
            first_seen_bundle: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, device_id: DeviceId) -> Result<Option<KnownDevice>> {
    Ok(list(conn)?.into_iter().find(|d| d.device_id == device_id.to_string()))
}

pub fn insert(
    tx: &Connection,
    device_id: DeviceId,
    key: &[u8; 32],
    facilitator: &str,
    source: &str,
    bundle_id: Option<&str>,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO device_key (device_id, public_key, fingerprint, facilitator, source, first_seen_at, first_seen_bundle)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![device_id.to_string(), hex(key), fingerprint(key), facilitator, source, now, bundle_id],
    )?;
    Ok(())
}
