//! What a row needs from other records: a territory's name, a structure's name and category, a
//! person's pseudonym and consent, a theme's label, an indicator's latest measurement. Read once
//! before the tables (a few thousand entries for a national store).

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::kinds::{Indicator, Measurement, Organisation, Person, Territory, Theme};
use crate::domain::vocabulary::ConsentStatus;
use crate::domain::{Kind, RecordId};
use crate::error::Result;
use crate::store::national::for_each_live;

use super::Mode;

/// What headquarters knows of a territory beyond its record (from `api::national_status`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryFacts {
    /// 1 to 4.
    pub step: u8,
    pub step_label: String,
    /// Creation time (RFC 3339) of the latest bundle that carried it.
    pub last_bundle_at: Option<String>,
    pub bundles: u32,
    pub facilitators: Vec<String>,
    pub open_conflicts: u32,
}

pub struct PersonInfo {
    pub pseudonym: String,
    pub name: String,
    pub consent: ConsentStatus,
}

/// Lookups shared by the tables.
pub struct Context {
    pub mode: Mode,
    pub territories: HashMap<RecordId, Territory>,
    pub facts: HashMap<RecordId, TerritoryFacts>,
    pub organisations: HashMap<RecordId, (String, crate::domain::vocabulary::ActorCategory)>,
    pub persons: HashMap<RecordId, PersonInfo>,
    pub themes: HashMap<RecordId, (String, String)>,
    pub indicators: HashMap<RecordId, String>,
    /// Per indicator: its latest measurement (day, value) and how many it has.
    pub latest: HashMap<RecordId, (String, f64, u32)>,
}

fn parse<T: serde::de::DeserializeOwned>(data: &str) -> Option<T> {
    serde_json::from_str(data).ok()
}

impl Context {
    pub fn read(conn: &Connection, mode: Mode, facts: HashMap<RecordId, TerritoryFacts>) -> Result<Context> {
        let mut ctx = Context {
            mode,
            territories: HashMap::new(),
            facts,
            organisations: HashMap::new(),
            persons: HashMap::new(),
            themes: HashMap::new(),
            indicators: HashMap::new(),
            latest: HashMap::new(),
        };
        for_each_live(conn, Kind::Territory, |r| {
            if let Some(t) = parse::<Territory>(r.data) {
                ctx.territories.insert(r.id, t);
            }
            Ok(())
        })?;
        for_each_live(conn, Kind::Organisation, |r| {
            if let Some(o) = parse::<Organisation>(r.data) {
                ctx.organisations.insert(r.id, (o.name, o.category));
            }
            Ok(())
        })?;
        for_each_live(conn, Kind::Person, |r| {
            if let Some(p) = parse::<Person>(r.data) {
                let pseudonym = crate::privacy::pseudonym_of(r.id, &p.pseudonym);
                ctx.persons.insert(r.id, PersonInfo { pseudonym, name: p.name, consent: p.consent.status });
            }
            Ok(())
        })?;
        for_each_live(conn, Kind::Theme, |r| {
            if let Some(t) = parse::<Theme>(r.data) {
                ctx.themes.insert(r.id, (t.code, t.label));
            }
            Ok(())
        })?;
        for_each_live(conn, Kind::Indicator, |r| {
            if let Some(i) = parse::<Indicator>(r.data) {
                ctx.indicators.insert(r.id, i.name);
            }
            Ok(())
        })?;
        for_each_live(conn, Kind::Measurement, |r| {
            if let Some(m) = parse::<Measurement>(r.data) {
                let e = ctx.latest.entry(m.indicator_id).or_insert_with(|| (m.date.clone(), m.value, 0));
                e.2 += 1;
                if m.date >= e.0 {
                    e.0 = m.date;
                    e.1 = m.value;
                }
            }
            Ok(())
        })?;
        Ok(ctx)
    }

    pub fn territory_name(&self, id: Option<RecordId>) -> Option<&str> {
        id.and_then(|id| self.territories.get(&id)).map(|t| t.name.as_str())
    }

    pub fn organisation_name(&self, id: Option<RecordId>) -> Option<&str> {
        id.and_then(|id| self.organisations.get(&id)).map(|o| o.0.as_str())
    }

    /// How a person appears: the pseudonym, or in an identified export the name and pseudonym.
    pub fn person(&self, id: RecordId) -> String {
        match (self.persons.get(&id), self.mode) {
            (Some(p), Mode::Identified) => format!("{} ({})", p.name, p.pseudonym),
            (Some(p), Mode::Pseudonymised) => p.pseudonym.clone(),
            (None, _) => crate::privacy::pseudonym_for(id),
        }
    }

    /// A person's consent, as `privacy::exportable_passages` asks it (none: not in this store).
    pub fn consent_of(&self, person: RecordId) -> Option<ConsentStatus> {
        self.persons.get(&person).map(|p| p.consent)
    }

    /// Labels and codes of themes, each joined with "; ".
    pub fn themes(&self, ids: &[RecordId]) -> (String, String) {
        let found: Vec<&(String, String)> = ids.iter().filter_map(|id| self.themes.get(id)).collect();
        (
            found.iter().map(|t| t.1.as_str()).collect::<Vec<_>>().join("; "),
            found.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join("; "),
        )
    }
}
