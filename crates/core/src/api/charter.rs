//! The charte de coopération as a DOCX to circulate and sign (`report::charter_docx`): the
//! territory's latest charter (the adopted one first), its partners with their category, and the
//! common goal agreed on with the names of the indicators that follow it.

use std::collections::HashMap;

use super::report::{data, report_failed, ReportRequest, ReportWritten};
use super::*;
use crate::domain::kinds::{Charter, CommonGoal, Indicator, Organisation, Workshop};
use crate::domain::vocabulary::CharterStatus;
use crate::report::{charter_docx, CharterDocument, CharterPartnerLine};

/// The two maps of a comparison, as SVG.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComparisonMaps {
    pub before: String,
    pub after: String,
}

impl Api {
    /// The charter of `request.territory_id` as a DOCX file (an earlier document at the same
    /// place is replaced only with `force`). A territory without a charter is refused.
    pub fn report_charter(&self, req: &ReportRequest) -> ApiResult<ReportWritten> {
        let (charter, _) = self.charter_of(req.territory_id)?.ok_or_else(|| {
            ApiError::from(Error::Invalid(kinds::Invalid::new(
                "territory_id",
                "ce territoire n'a pas encore de charte de coopération : écrivez-la d'abord",
            )))
        })?;
        self.check_report_out(req)?;
        let (cover, _) = self.cover_and_actions(req.territory_id, None)?;
        let orgs: HashMap<RecordId, Organisation> = self
            .list(Kind::Organisation, Some(req.territory_id))?
            .iter()
            .filter_map(|r| Some((r.id, data(r)?)))
            .collect();
        let partners = charter
            .partners
            .iter()
            .map(|p| {
                let org = orgs.get(&p.organisation_id);
                CharterPartnerLine {
                    organisation: org.map(|o| o.name.clone()).unwrap_or_else(|| "Structure supprimée".into()),
                    category: org.map(|o| o.category.label().to_string()).unwrap_or_default(),
                    interest: p.interest.clone(),
                    commitments: p.commitments.clone(),
                    representative: p.representative.clone(),
                }
            })
            .collect();
        let adopted_in = match charter.workshop_id {
            Some(w) => self.get(Kind::Workshop, w).ok().and_then(|r| data::<Workshop>(&r)).map(|w| w.title),
            None => None,
        };
        let common_goal = self.agreed_goal(req.territory_id)?;
        let document = CharterDocument {
            territory: cover.territory,
            details: cover.details,
            title: charter.title.clone(),
            status: charter.status.label().to_string(),
            adopted_on: charter.adopted_on.clone(),
            adopted_in,
            values: charter.values.clone(),
            rules: charter.rules.clone(),
            objectives: charter.objectives.clone(),
            common_goal,
            partners,
            made_on: cover.made_on,
            demo: cover.demo,
        };
        let bytes = charter_docx(&document).map_err(|_| report_failed())?;
        self.write_report(req, &bytes)
    }

    /// The territory's charter: the adopted one (latest adoption) or else the latest edited.
    pub(crate) fn charter_of(&self, territory: RecordId) -> ApiResult<Option<(Charter, RecordId)>> {
        let mut charters: Vec<(Charter, RecordId, String)> = self
            .list(Kind::Charter, Some(territory))?
            .iter()
            .filter_map(|r| Some((data::<Charter>(r)?, r.id, r.updated_at.clone())))
            .collect();
        charters.sort_by(|a, b| {
            let adopted = |c: &Charter| (c.status == CharterStatus::Adoptee, c.adopted_on.clone());
            adopted(&a.0).cmp(&adopted(&b.0)).then(a.2.cmp(&b.2))
        });
        Ok(charters.pop().map(|(c, id, _)| (c, id)))
    }

    /// The organisations that signed the territory's adopted charter (none without one).
    pub(crate) fn signatories(&self, territory: RecordId) -> ApiResult<Vec<RecordId>> {
        Ok(match self.charter_of(territory)? {
            Some((c, _)) if c.status == CharterStatus::Adoptee => {
                c.partners.iter().map(|p| p.organisation_id).collect()
            }
            _ => Vec::new(),
        })
    }

    /// The adopted charter's day and its partners' names, for the evaluation.
    pub(crate) fn charter_adherence(&self, territory: RecordId) -> ApiResult<Option<(String, Vec<String>)>> {
        let Some((c, _)) = self.charter_of(territory)? else { return Ok(None) };
        let (CharterStatus::Adoptee, Some(day)) = (c.status, c.adopted_on) else { return Ok(None) };
        let names: HashMap<RecordId, String> = self
            .list(Kind::Organisation, Some(territory))?
            .iter()
            .filter_map(|r| Some((r.id, data::<Organisation>(r)?.name)))
            .collect();
        Ok(Some((day, c.partners.iter().filter_map(|p| names.get(&p.organisation_id).cloned()).collect())))
    }

    /// The maps of `territory` at `from` and `to` as SVG (one layout, the changes marked on the
    /// later one, signatories of the charter ringed): the window's « comparer deux dates ».
    pub fn comparison_map_svgs(&self, territory: RecordId, from: &str, to: &str) -> ApiResult<ComparisonMaps> {
        let comparison = self.analysis_compare(territory, from, to)?;
        let (before, after) = crate::report::comparison_svgs(&comparison, &self.signatories(territory)?);
        Ok(ComparisonMaps { before, after })
    }

    /// The common goal agreed on last: goal, scenario and the names of its indicators.
    fn agreed_goal(&self, territory: RecordId) -> ApiResult<Option<(String, String, Vec<String>)>> {
        let goal = self
            .list(Kind::CommonGoal, Some(territory))?
            .iter()
            .filter_map(data::<CommonGoal>)
            .filter(|g| g.agreed_on.is_some())
            .max_by(|a, b| a.agreed_on.cmp(&b.agreed_on));
        let Some(goal) = goal else { return Ok(None) };
        let names: HashMap<RecordId, String> = self
            .list(Kind::Indicator, Some(territory))?
            .iter()
            .filter_map(|r| Some((r.id, data::<Indicator>(r)?.name)))
            .collect();
        let indicators = goal.indicator_ids.iter().filter_map(|i| names.get(i).cloned()).collect();
        Ok(Some((goal.goal, goal.scenario, indicators)))
    }
}
