//! Headquarters: every territory at once (`national_status`), the national tables as XLSX or
//! CSV (`national_export`), and the bundles of a folder (`bundle_paths`).
//!
//! ```
//! use maillage_core::api::{Api, TableFormat};
//! use maillage_core::domain::Kind;
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let siege = Api::create(&dir.path().join("siege.sqlite3")).unwrap();
//! siege.init("Siège").unwrap();
//! siege.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune", "departement_code": "94"})).unwrap();
//! let status = siege.national_status().unwrap();
//! assert_eq!((status[0].name.as_str(), status[0].step), ("Orly", 1));
//! let report = siege.national_export_xlsx(&dir.path().join("national.xlsx"), false).unwrap();
//! assert_eq!(report.format, TableFormat::Xlsx);
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::method::Facts;
use super::{now_rfc3339, Api, ApiResult, OutputKind};
use crate::domain::kinds::{self, Territory};
use crate::domain::vocabulary::{ActionStatus, InterviewStatus, MethodStep, PracticeStatus, WorkshopKind};
use crate::domain::{Kind, RecordId};
use crate::error::Error;
use crate::national::{self, Mode, TerritoryFacts};
use crate::store::national as queries;

/// Days without a bundle after which a territory is « sans nouvelles ».
pub const STALE_AFTER_DAYS: i32 = 30;

/// One territory as headquarters sees it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerritoryStatus {
    pub territory_id: RecordId,
    pub name: String,
    /// The territory's kind (code of `territory_kind`), and its French label.
    pub kind: String,
    pub kind_label: String,
    pub departement_code: Option<String>,
    /// A demonstration territory (fictitious people and structures).
    pub demo: bool,
    /// Who works on it: the creators of its live records (`created_by`) and the facilitators
    /// named by the bundles that carried it, in alphabetical order.
    pub facilitators: Vec<String>,
    /// The devices whose bundles carried it.
    pub devices: Vec<String>,
    /// Bundles imported here that carried it.
    pub bundles: u32,
    /// Creation time (RFC 3339, on the sending device) of the latest bundle that carried it:
    /// the date of the latest news.
    pub last_bundle_at: Option<String>,
    /// When that news arrived here.
    pub last_imported_at: Option<String>,
    /// Whole days since `last_bundle_at`.
    pub days_since_last_bundle: Option<i32>,
    /// More than [`STALE_AFTER_DAYS`] days without a bundle (false when none ever came).
    pub stale: bool,
    /// The step of the method it is at, 1 (lancement) to 4 (évaluation): the first step whose
    /// checklist is not all done (4 when every step is done).
    pub step: u8,
    pub step_code: String,
    pub step_label: String,
    /// The steps whose checklist is all done (codes of `method_step`), in the method's order.
    pub steps_reached: Vec<String>,
    pub counts: TerritoryCounts,
    /// Versions in conflict waiting for a person's choice.
    pub open_conflicts: u32,
}

/// What a territory holds.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TerritoryCounts {
    /// Live records per kind (every kind that belongs to a territory, zero included).
    pub kinds: BTreeMap<String, u32>,
    /// Interviews, actions and practice sheets per status (every status listed, zero included).
    pub interviews_by_status: BTreeMap<String, u32>,
    pub actions_by_status: BTreeMap<String, u32>,
    pub practices_by_status: BTreeMap<String, u32>,
}

/// XLSX workbook or CSV files.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    #[default]
    Xlsx,
    Csv,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalExportRequest {
    /// The workbook to write (`*.xlsx`), or for CSV the folder to write the files in (created
    /// 0700 when absent).
    pub out: PathBuf,
    #[serde(default)]
    pub format: TableFormat,
    /// Names, contacts and free text included (pseudonymised when false).
    #[serde(default)]
    pub identified: bool,
    /// Replace an existing workbook or CSV files of an earlier export (never anything else).
    #[serde(default)]
    pub force: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NationalExportReport {
    pub path: String,
    pub format: TableFormat,
    pub identified: bool,
    pub files: Vec<String>,
    /// Rows per table, in the tables' order.
    pub tables: Vec<TableCount>,
    /// Texts cut at Excel's cell limit.
    pub cut_cells: u32,
    pub bytes: u64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: u32,
}

/// The few fields of a kept import report that headquarters reads.
#[derive(Deserialize, Default)]
struct KeptReport {
    #[serde(default)]
    facilitator: String,
    #[serde(default)]
    territories: Vec<crate::bundle::TerritoryRef>,
}

/// The kinds that live in a territory (not the programme-wide guides).
fn territory_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|k| *k != Kind::InterviewGuide)
}

fn by_code<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    found: Option<&BTreeMap<String, u64>>,
) -> BTreeMap<String, u32> {
    all.iter()
        .map(|s| (code(*s).to_string(), found.and_then(|f| f.get(code(*s))).copied().unwrap_or(0) as u32))
        .collect()
}

/// What the method's checklists look at, from the indexes of live records (no record read but
/// the roadmaps): the same facts `territory_overview` draws from the records themselves (a test
/// checks that both agree), judged by the same checklists. Fills `by_status` on the way.
fn step_facts(
    count: impl Fn(Kind) -> u64,
    roadmap_filled: bool,
    facets: &[(Kind, String, u64)],
    by_status: &mut HashMap<Kind, BTreeMap<String, u64>>,
) -> Facts {
    let mut f = Facts {
        roadmap_filled,
        organisations: count(Kind::Organisation) as u32,
        interviews: count(Kind::Interview) as u32,
        links: count(Kind::CooperationLink) as u32,
        indicators: count(Kind::Indicator) as u32,
        practices: count(Kind::Practice) as u32,
        ..Facts::default()
    };
    let mut indicators: BTreeSet<&str> = BTreeSet::new();
    let mut measured: HashMap<&str, u64> = HashMap::new();
    for (kind, facet, n) in facets {
        let n32 = *n as u32;
        match kind {
            Kind::Interview | Kind::Practice => {
                *by_status.entry(*kind).or_default().entry(facet.clone()).or_default() += n;
                let complete = [InterviewStatus::Complet, InterviewStatus::Valide].iter().any(|s| s.code() == facet);
                if *kind == Kind::Interview && complete {
                    f.interviews_complete += n32;
                }
            }
            Kind::Action => {
                let (status, ranked) = match facet.strip_suffix(queries::RANKED) {
                    Some(status) => (status, true),
                    None => (facet.as_str(), false),
                };
                *by_status.entry(Kind::Action).or_default().entry(status.to_string()).or_default() += n;
                let kept = [ActionStatus::Retenue, ActionStatus::EnCours, ActionStatus::Realisee]
                    .iter()
                    .any(|s| s.code() == status);
                if kept {
                    f.actions_kept += n32;
                    f.actions_ranked += if ranked { n32 } else { 0 };
                }
            }
            Kind::Workshop if facet == WorkshopKind::Copil.code() => f.copils += n32,
            Kind::Indicator => {
                indicators.insert(facet);
            }
            Kind::Measurement => *measured.entry(facet).or_default() += n,
            _ => {}
        }
    }
    f.indicators_measured_twice =
        indicators.iter().filter(|i| measured.get(*i).copied().unwrap_or(0) >= 2).count() as u32;
    f
}

/// The step a territory is at: the first step not reached (4 when all are).
fn step_of(reached: &[bool]) -> u8 {
    (reached.iter().take_while(|r| **r).count() + 1).min(4) as u8
}

impl Api {
    /// Every territory of this store, by name: where it stands in the method, who works on it,
    /// when news last came, what it holds, its open conflicts.
    pub fn national_status(&self) -> ApiResult<Vec<TerritoryStatus>> {
        let territories = self.list(Kind::Territory, None)?;
        let (tally, facets, roadmaps, conflicts, bundles) = self.store().read(|conn| {
            let mut facets: HashMap<RecordId, Vec<(Kind, String, u64)>> = HashMap::new();
            queries::facets(conn, |kind, territory, facet, n| {
                facets.entry(territory).or_default().push((kind, facet.to_string(), n))
            })?;
            let mut roadmaps: HashMap<RecordId, bool> = HashMap::new();
            queries::for_each_live(conn, Kind::Roadmap, |r| {
                let filled = serde_json::from_str::<kinds::Roadmap>(r.data)
                    .is_ok_and(|m| !m.stakes.trim().is_empty() && !m.objectives.is_empty());
                if let Some(t) = r.territory_id {
                    *roadmaps.entry(t).or_default() |= filled;
                }
                Ok(())
            })?;
            Ok((
                queries::tally(conn)?,
                facets,
                roadmaps,
                queries::open_conflicts(conn)?,
                queries::imported_bundles(conn)?,
            ))
        })?;
        // Per territory: the bundles that carried it (facilitator, device, times).
        let mut news: HashMap<RecordId, Vec<(&queries::ImportedBundle, String)>> = HashMap::new();
        for b in &bundles {
            let kept: KeptReport = serde_json::from_str(&b.report).unwrap_or_default();
            for t in kept.territories {
                news.entry(t.id).or_default().push((b, kept.facilitator.clone()));
            }
        }
        let now = chrono::Utc::now();
        let mut out = Vec::with_capacity(territories.len());
        for record in territories {
            let id = record.id;
            let data: Territory = serde_json::from_value(record.data.clone()).map_err(Error::from)?;
            let t = tally.get(&id).cloned().unwrap_or_default();
            let count = |k: Kind| t.counts.get(&k).copied().unwrap_or(0);
            let mut by_status: HashMap<Kind, BTreeMap<String, u64>> = HashMap::new();
            let facts = step_facts(
                count,
                roadmaps.get(&id).copied().unwrap_or(false),
                facets.get(&id).map(Vec::as_slice).unwrap_or_default(),
                &mut by_status,
            );
            let reached: Vec<bool> =
                MethodStep::ALL.iter().map(|s| facts.checklist(*s).iter().all(|item| item.done)).collect();
            let step = step_of(&reached);
            let current = MethodStep::ALL[step as usize - 1];
            let mut facilitators: BTreeSet<String> = t.creators.clone();
            let mut devices: BTreeSet<String> = BTreeSet::new();
            let carried = news.get(&id).map(Vec::as_slice).unwrap_or_default();
            for (b, facilitator) in carried {
                if !facilitator.is_empty() {
                    facilitators.insert(facilitator.clone());
                }
                devices.insert(b.device_id.clone());
            }
            let latest = carried.iter().max_by(|a, b| a.0.created_at.cmp(&b.0.created_at)).map(|(b, _)| *b);
            let days = latest
                .and_then(|b| chrono::DateTime::parse_from_rfc3339(&b.created_at).ok())
                .map(|at| (now - at.with_timezone(&chrono::Utc)).num_days().clamp(0, i32::MAX as i64) as i32);
            out.push(TerritoryStatus {
                territory_id: id,
                name: data.name,
                kind: data.kind.code().to_string(),
                kind_label: data.kind.label().to_string(),
                departement_code: data.departement_code,
                demo: data.demo,
                facilitators: facilitators.into_iter().collect(),
                devices: devices.into_iter().collect(),
                bundles: carried.len() as u32,
                last_bundle_at: latest.map(|b| b.created_at.clone()),
                last_imported_at: latest.map(|b| b.imported_at.clone()),
                days_since_last_bundle: days,
                stale: days.is_some_and(|d| d > STALE_AFTER_DAYS),
                step,
                step_code: current.code().to_string(),
                step_label: current.label().to_string(),
                steps_reached: MethodStep::ALL
                    .iter()
                    .zip(&reached)
                    .filter(|(_, r)| **r)
                    .map(|(s, _)| s.code().to_string())
                    .collect(),
                counts: TerritoryCounts {
                    kinds: territory_kinds().map(|k| (k.as_str().to_string(), count(k) as u32)).collect(),
                    interviews_by_status: by_code(
                        InterviewStatus::ALL,
                        InterviewStatus::code,
                        by_status.get(&Kind::Interview),
                    ),
                    actions_by_status: by_code(ActionStatus::ALL, ActionStatus::code, by_status.get(&Kind::Action)),
                    practices_by_status: by_code(
                        PracticeStatus::ALL,
                        PracticeStatus::code,
                        by_status.get(&Kind::Practice),
                    ),
                },
                open_conflicts: conflicts.get(&id).copied().unwrap_or(0) as u32,
            });
        }
        out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.territory_id.cmp(&b.territory_id)));
        Ok(out)
    }

    /// The national tables as an XLSX workbook at `out` (pseudonymised unless `identified`).
    /// An existing file is never replaced (see [`Api::national_export`] for `force`).
    pub fn national_export_xlsx(&self, out: &Path, identified: bool) -> ApiResult<NationalExportReport> {
        self.national_export(&NationalExportRequest {
            out: out.to_path_buf(),
            format: TableFormat::Xlsx,
            identified,
            force: false,
        })
    }

    /// The national tables as CSV files in folder `dir` (pseudonymised unless `identified`).
    pub fn national_export_csv(&self, dir: &Path, identified: bool) -> ApiResult<NationalExportReport> {
        self.national_export(&NationalExportRequest {
            out: dir.to_path_buf(),
            format: TableFormat::Csv,
            identified,
            force: false,
        })
    }

    /// Writes the national tables, read from one snapshot of the store (writes go on meanwhile).
    /// Files are 0600, written under a temporary name and renamed once complete; never over the
    /// store or a file that is not an earlier export of the same format (and that only with
    /// `force`).
    pub fn national_export(&self, req: &NationalExportRequest) -> ApiResult<NationalExportReport> {
        let refuse = |message: &str| -> Error {
            Error::Invalid(kinds::Invalid { field: "out".into(), message: message.into() })
        };
        if req.out.as_os_str().is_empty() {
            return Err(refuse("indiquez où écrire les tableaux").into());
        }
        let store = self.store_path().to_path_buf();
        match req.format {
            TableFormat::Xlsx => {
                if req.out.extension().is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
                    return Err(refuse("le classeur doit porter l'extension .xlsx").into());
                }
                super::check_output(&store, &req.out, OutputKind::Spreadsheet, req.force)?;
            }
            TableFormat::Csv => {
                if req.out.exists() && !req.out.is_dir() {
                    return Err(refuse("pour le format CSV, indiquez un dossier (les fichiers y sont écrits)").into());
                }
                for name in national::csv::file_names() {
                    super::check_output(&store, &req.out.join(name), OutputKind::Csv, req.force)?;
                }
                crate::store::files::create_private_dirs(&req.out).map_err(|e| Error::io(&req.out, e))?;
            }
        }
        let mode = if req.identified { Mode::Identified } else { Mode::Pseudonymised };
        let facts: HashMap<RecordId, TerritoryFacts> = self
            .national_status()?
            .into_iter()
            .map(|s| {
                (
                    s.territory_id,
                    TerritoryFacts {
                        step: s.step,
                        step_label: s.step_label,
                        last_bundle_at: s.last_bundle_at,
                        bundles: s.bundles,
                        facilitators: s.facilitators,
                        open_conflicts: s.open_conflicts,
                    },
                )
            })
            .collect();
        let made_at = now_rfc3339();
        let written = self.store().snapshot(|conn| {
            let ctx = national::Context::read(conn, mode, facts)?;
            let about = national::About { made_at, bundles: queries::imported_bundles(conn)? };
            match req.format {
                TableFormat::Xlsx => national::xlsx::write(conn, &ctx, &about, &req.out),
                TableFormat::Csv => national::csv::write(conn, &ctx, &about, &req.out),
            }
        })?;
        tracing::info!(format = ?req.format, identified = req.identified, bytes = written.bytes,
                       cut = written.cut_cells, "national export");
        Ok(NationalExportReport {
            path: req.out.display().to_string(),
            format: req.format,
            identified: req.identified,
            files: written.files,
            tables: written.rows.into_iter().map(|(table, rows)| TableCount { table, rows }).collect(),
            cut_cells: written.cut_cells,
            bytes: written.bytes,
        })
    }
}

/// The bundle files named by `paths`: a file as it is, a folder as every `*.maillage` file in it
/// (not its sub-folders, hidden files left out), in name order.
pub fn bundle_paths(paths: &[PathBuf]) -> ApiResult<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "maillage"))
            .filter(|p| p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('.')))
            .filter(|p| p.is_file())
            .collect();
        found.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        out.extend(found);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_step_is_the_first_not_reached_and_at_most_the_fourth() {
        use super::step_of;
        assert_eq!(step_of(&[false, false, false, false]), 1);
        assert_eq!(step_of(&[true, false, true, false]), 2, "a step reached after a gap does not count");
        assert_eq!(step_of(&[true, true, true, false]), 4);
        assert_eq!(step_of(&[true, true, true, true]), 4);
    }
}
