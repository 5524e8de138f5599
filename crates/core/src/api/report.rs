//! The reports as DOCX documents (`crate::report`): what each one shows is read here, through
//! the analysis (`analysis_network`, `analysis_compare`, `analysis_themes`,
//! `analysis_indicators`) and the plan's order (`action_plan`) — the verbatims are only those
//! the analysis lets leave (`privacy::exportable_passages`) — then the document is built with
//! no lock held and written under a temporary name renamed once complete (0600), never over the
//! store nor a file that is not an earlier report (and that only with `force`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{output, Api, ApiError, ApiResult, OutputKind};
use crate::analysis::themes::Speakers;
use crate::domain::kinds::{self, Action, Interview, Person, Roadmap, Territory, Workshop};
use crate::domain::vocabulary::ActorCategory;
use crate::domain::{Kind, Record, RecordId};
use crate::error::Error;
use crate::report::{
    self, french, ActionLine, CategoryMet, Cover, Diagnostic, Evaluation, IndicatorPart, RoadmapPart, ThemePart,
};

pub use crate::report::picture::map::{map_svg, LinkMark, MapInput, MapLink, MapNode};

/// Which report to write, where.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRequest {
    pub territory_id: RecordId,
    pub out: PathBuf,
    /// Replace an earlier report at `out` (never any other file).
    #[serde(default)]
    pub force: bool,
}

/// A report written.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportWritten {
    pub path: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
}

pub(super) fn data<T: serde::de::DeserializeOwned>(r: &Record) -> Option<T> {
    serde_json::from_value(r.data.clone()).ok()
}

fn refuse(field: &str, message: &str) -> ApiError {
    Error::Invalid(kinds::Invalid { field: field.into(), message: message.into() }).into()
}

pub(super) fn report_failed() -> ApiError {
    // Never the user's input (every text is escaped): a fault of ours, named as such.
    ApiError {
        code: super::ErrorCode::Internal,
        message: "le document n'a pas pu être composé : signalez-le avec le journal de Maillage".into(),
        field: None,
    }
}

impl Api {
    /// The diagnostic partagé of a territory as a DOCX file at `out` (an existing file is
    /// refused: see [`Api::report_diagnostic_to`] to replace an earlier report).
    pub fn report_diagnostic(&self, territory_id: RecordId, out: &Path) -> ApiResult<ReportWritten> {
        self.report_diagnostic_to(&ReportRequest { territory_id, out: out.to_path_buf(), force: false })
    }

    /// The evaluation of a territory between `from` and `to` (`AAAA-MM-JJ`) as a DOCX file.
    pub fn report_evaluation(
        &self,
        territory_id: RecordId,
        from: &str,
        to: &str,
        out: &Path,
    ) -> ApiResult<ReportWritten> {
        self.report_evaluation_to(&ReportRequest { territory_id, out: out.to_path_buf(), force: false }, from, to)
    }

    pub fn report_diagnostic_to(&self, req: &ReportRequest) -> ApiResult<ReportWritten> {
        self.check_report_out(req)?;
        let diagnostic = self.diagnostic_of(req.territory_id)?;
        let bytes = report::diagnostic_docx(&diagnostic).map_err(|_| report_failed())?;
        self.write_report(req, &bytes)
    }

    pub fn report_evaluation_to(&self, req: &ReportRequest, from: &str, to: &str) -> ApiResult<ReportWritten> {
        // The dates first (the analysis names the field), then where to write.
        let comparison = self.analysis_compare(req.territory_id, from, to)?;
        self.check_report_out(req)?;
        let (cover, actions) = self.cover_and_actions(req.territory_id, Some((from.to_string(), to.to_string())))?;
        let analysis = self.analysis_indicators_until(req.territory_id, Some(to))?;
        let titles: HashMap<RecordId, String> = actions.iter().map(|(id, a)| (*id, a.title.clone())).collect();
        let indicators = analysis
            .indicators
            .into_iter()
            .map(|i| IndicatorPart {
                action: i.action_id.and_then(|a| titles.get(&a).cloned()),
                name: i.name,
                unit: i.unit,
                baseline: i.baseline,
                target: i.target,
                measurements: i.measurements.into_iter().map(|m| (m.date, m.value)).collect(),
                progress: i.progress,
                met: i.met,
            })
            .collect();
        let evaluation = Evaluation {
            cover,
            indicators,
            actions: actions.into_iter().map(|(_, a)| a).collect(),
            comparison,
            signatories: self.signatories(req.territory_id)?,
            charter: self.charter_adherence(req.territory_id)?,
        };
        let bytes = report::evaluation_docx(&evaluation).map_err(|_| report_failed())?;
        self.write_report(req, &bytes)
    }

    /// The cooperation map of a territory at `at` (`AAAA-MM-JJ`; none: every observation) as
    /// SVG, with its legend: the drawing the reports carry, for the window.
    pub fn cooperation_map_svg(&self, territory_id: RecordId, at: Option<&str>) -> ApiResult<String> {
        let network = self.analysis_network(territory_id, at)?;
        let signatories = self.signatories(territory_id)?;
        Ok(map_svg(&report::map_of(&network, at.map(|d| format!("Au {}", french::long_date(d))), true, &signatories)))
    }

    pub(super) fn check_report_out(&self, req: &ReportRequest) -> ApiResult<()> {
        if req.out.as_os_str().is_empty() {
            return Err(refuse("out", "indiquez où écrire le document"));
        }
        if req.out.extension().is_none_or(|e| !e.eq_ignore_ascii_case("docx")) {
            return Err(refuse("out", "le document doit porter l'extension .docx"));
        }
        output::check_output(self.store_path(), &req.out, OutputKind::Document, req.force)?;
        Ok(())
    }

    pub(super) fn write_report(&self, req: &ReportRequest, bytes: &[u8]) -> ApiResult<ReportWritten> {
        // Checked again: the file may have appeared while the document was being composed.
        output::check_output(self.store_path(), &req.out, OutputKind::Document, req.force)?;
        let written = crate::national::write_atomically(&req.out, |mut file| {
            use std::io::Write;
            file.write_all(bytes).map_err(|e| Error::io(&req.out, e))
        })?;
        tracing::info!(bytes = written, "report written");
        Ok(ReportWritten { path: req.out.display().to_string(), bytes: written })
    }

    /// The cover and the plan's actions (in the plan's order, with their ids).
    pub(super) fn cover_and_actions(
        &self,
        territory_id: RecordId,
        period: Option<(String, String)>,
    ) -> ApiResult<(Cover, Vec<(RecordId, ActionLine)>)> {
        let territory: Territory = data(&self.get(Kind::Territory, territory_id)?).ok_or_else(report_failed)?;
        let mut details = vec![territory.kind.label().to_string()];
        if let Some(d) = &territory.departement_code {
            details[0] = format!("{} — département {d}", details[0]);
        }
        if !territory.communes.is_empty() {
            details.push(territory.communes.join(", "));
        }
        if let Some(p) = territory.programme.as_ref().filter(|p| !p.trim().is_empty()) {
            details.push(p.trim().to_string());
        }
        let cover = Cover {
            territory: territory.name,
            details,
            period,
            facilitator: self.status()?.facilitator.unwrap_or_default(),
            made_on: crate::privacy::today(),
            demo: territory.demo,
        };
        let actions = self
            .action_plan(territory_id)?
            .into_iter()
            .filter_map(|p| {
                let a: Action = data(&p.action)?;
                Some((
                    p.action.id,
                    ActionLine {
                        title: a.title,
                        status: a.status,
                        rank: a.priority.rank,
                        score: p.score,
                        objective: a.objective,
                    },
                ))
            })
            .collect();
        Ok((cover, actions))
    }

    /// Everything the diagnostic shows, read through the analysis.
    fn diagnostic_of(&self, territory_id: RecordId) -> ApiResult<Diagnostic> {
        let network = self.analysis_network(territory_id, None)?;
        let themes = self.analysis_themes(Some(territory_id))?;
        let t = Some(territory_id);
        let interviews: Vec<Interview> = self.list(Kind::Interview, t)?.iter().filter_map(data).collect();
        let organisations = self.list(Kind::Organisation, t)?;
        let persons = self.list(Kind::Person, t)?;
        let roadmap = self.list(Kind::Roadmap, t)?.iter().find_map(data::<Roadmap>).map(|r| RoadmapPart {
            stakes: r.stakes,
            context: r.context,
            questions: r.questions,
            objectives: r.objectives,
            sub_territories: r.sub_territories,
            launched_on: r.launched_on,
        });
        let today = crate::privacy::today();
        let mut meetings: Vec<Workshop> =
            self.list(Kind::Workshop, t)?.iter().filter_map(data::<Workshop>).filter(|w| w.date >= today).collect();
        meetings.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.title.cmp(&b.title)));

        // The period of the état des lieux: its first and last interview.
        let dates: BTreeSet<&str> = interviews.iter().map(|i| i.date.as_str()).collect();
        let period = dates.first().zip(dates.last()).map(|(a, b)| (a.to_string(), b.to_string()));
        let (cover, actions) = self.cover_and_actions(territory_id, period)?;

        let speakers = Speakers::from_records(&organisations, &persons);
        let met = met_by_category(&interviews, &organisations, &persons, &speakers);

        let verbatims: HashMap<RecordId, &crate::analysis::themes::ThemeVerbatims> =
            themes.insights.verbatims.iter().map(|v| (v.theme_id, v)).collect();
        let parts = themes
            .grid
            .rows
            .iter()
            .map(|row| {
                let v = verbatims.get(&row.theme_id);
                let mut by_category: Vec<(ActorCategory, u32)> =
                    row.by_category.iter().filter_map(|(code, n)| Some((category_of_code(code)?, *n))).collect();
                by_category.sort();
                let withheld = v.map_or(0, |v| v.withheld);
                ThemePart {
                    code: row.code.clone(),
                    label: row.label.clone(),
                    depth: row.depth,
                    passages: row.passages,
                    interviews: row.interviews,
                    by_category,
                    verbatims: v.map_or_else(Vec::new, |v| {
                        v.verbatims
                            .iter()
                            .map(|q| report::Verbatim { text: q.text.clone(), categories: q.categories.clone() })
                            .collect()
                    }),
                    withheld: (withheld > 0).then(|| {
                        french::count(withheld as usize, "verbatim non exportable", "verbatims non exportables")
                            + " (consentement non donné), gardé dans son entretien"
                    }),
                }
            })
            .collect();
        Ok(Diagnostic {
            cover,
            roadmap,
            interviews: interviews.len() as u32,
            met,
            signatories: self.signatories(territory_id)?,
            network,
            themes: parts,
            actions: actions.into_iter().map(|(_, a)| a).collect(),
            meetings_to_come: meetings
                .iter()
                .map(|w| format!("{} — {} : {}", french::long_date(&w.date), w.kind.label(), w.title))
                .collect(),
        })
    }
}

fn category_of_code(code: &str) -> Option<ActorCategory> {
    ActorCategory::ALL.iter().copied().find(|c| c.code() == code)
}

/// Per actor category: the structures the interviews met (their own and their persons'), and
/// the interviews that speak for it (the analysis' rule, `Speakers::interview_categories`).
fn met_by_category(
    interviews: &[Interview],
    organisations: &[Record],
    persons: &[Record],
    speakers: &Speakers,
) -> Vec<CategoryMet> {
    let category: HashMap<RecordId, ActorCategory> = organisations
        .iter()
        .filter_map(|r| Some((r.id, data::<crate::domain::kinds::Organisation>(r)?.category)))
        .collect();
    let organisation_of: HashMap<RecordId, RecordId> =
        persons.iter().filter_map(|r| Some((r.id, data::<Person>(r)?.organisation_id?))).collect();
    let mut structures: BTreeMap<ActorCategory, BTreeSet<RecordId>> = BTreeMap::new();
    let mut counts: BTreeMap<ActorCategory, u32> = BTreeMap::new();
    for iv in interviews {
        let met = iv.organisation_ids.iter().chain(iv.person_ids.iter().filter_map(|p| organisation_of.get(p)));
        for o in met {
            if let Some(c) = category.get(o) {
                structures.entry(*c).or_default().insert(*o);
            }
        }
        for c in speakers.interview_categories(iv) {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut out: Vec<CategoryMet> = counts
        .into_iter()
        .map(|(c, n)| CategoryMet {
            category: c,
            organisations: structures.get(&c).map_or(0, |s| s.len() as u32),
            interviews: n,
        })
        .collect();
    out.sort_by(|a, b| b.interviews.cmp(&a.interviews).then(a.category.cmp(&b.category)));
    out
}
