//! This device's identity (id, facilitator, signing key) and its hybrid-clock reading.

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::domain::clock::Clock;
use crate::domain::DeviceId;
use crate::error::{Error, Result};

/// Who writes on this device.
#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub device_id: DeviceId,
    pub facilitator: String,
    pub signing_key: [u8; 32],
    pub created_at: String,
    pub clock: Clock,
}

pub fn load(conn: &Connection) -> Result<Option<DeviceRow>> {
    conn.query_row(
        "SELECT device_id, facilitator, signing_key, created_at, clock_ms, clock_counter FROM device WHERE singleton = 1",
        [],
        |r| {
            let id: String = r.get(0)?;
            let key: Vec<u8> = r.get(2)?;
            Ok((id, r.get::<_, String>(1)?, key, r.get::<_, String>(3)?, r.get::<_, i64>(4)?, r.get::<_, i64>(5)?))
        },
    )
    .optional()?
    .map(|(id, facilitator, key, created_at, ms, counter)| {
        let device_id = DeviceId(Uuid::parse_str(&id).map_err(|_| Error::NotAStore("identité de l'appareil illisible".into()))?);
        let signing_key: [u8; 32] =
            key.try_into().map_err(|_| Error::NotAStore("clé de signature de l'appareil illisible".into()))?;
        Ok(DeviceRow { device_id, facilitator, signing_key, created_at, clock: Clock::at(ms as u64, counter as u32) })
    })
    .transpose()
}

pub fn require(conn: &Connection) -> Result<DeviceRow> {
    load(conn)?.ok_or(Error::NotInitialised)
}

pub fn insert(conn: &Connection, row: &DeviceRow) -> Result<()> {
    conn.execute(
        "INSERT INTO device (singleton, device_id, facilitator, signing_key, created_at, clock_ms, clock_counter)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            row.device_id.to_string(),
            row.facilitator,
            row.signing_key.as_slice(),
            row.created_at,
            row.clock.ms() as i64,
            row.clock.counter() as i64
        ],
    )?;
    Ok(())
}

pub fn set_facilitator(conn: &Connection, facilitator: &str) -> Result<()> {
    conn.execute("UPDATE device SET facilitator = ?1 WHERE singleton = 1", [facilitator])?;
    Ok(())
}

pub fn save_clock(conn: &Connection, clock: &Clock) -> Result<()> {
    conn.execute(
        "UPDATE device SET clock_ms = ?1, clock_counter = ?2 WHERE singleton = 1",
        rusqlite::params![clock.ms() as i64, clock.counter() as i64],
    )?;
    Ok(())
}
