//! The cooperation network of a territory at a date, and two dates compared (computed in
//! `crate::analysis`; read here).

use crate::analysis::network::NetworkInputs;
use crate::analysis::{Network, NetworkComparison};
use crate::api::{Api, ApiError, ApiResult, ErrorCode};
use crate::domain::kinds::{self, Invalid};
use crate::domain::{Kind, RecordId};
use crate::error::Error;
use crate::store::records;

/// `value` is a date `AAAA-MM-JJ`; the refusal names the field (`what` in French), never the value.
pub(crate) fn check_day(field: &str, what: &str, value: &str) -> ApiResult<()> {
    kinds::check_date(field, value).map_err(|_| {
        Error::Invalid(Invalid {
            field: field.to_string(),
            message: format!("{what} attend une date existante au format AAAA-MM-JJ (entre 1900 et 2200)"),
        })
        .into()
    })
}

/// The refusal of a territory this store does not hold: it names the field, not the id.
pub(crate) fn unknown_territory() -> ApiError {
    ApiError {
        code: ErrorCode::NotFound,
        message: "aucun territoire de ce magasin n'a cet identifiant : vérifiez le territoire choisi".into(),
        field: Some("territory_id".into()),
    }
}

/// Whether `territory_id` is a live territory of this store.
pub(crate) fn is_territory(conn: &rusqlite::Connection, territory_id: RecordId) -> crate::error::Result<bool> {
    Ok(matches!(records::get_any(conn, territory_id)?, Some((_, r)) if r.kind == Kind::Territory && !r.deleted))
}

impl Api {
    /// The organisations and link observations of a territory, parsed once.
    fn network_inputs(&self, territory_id: RecordId) -> ApiResult<NetworkInputs> {
        let (organisations, links) = self
            .store()
            .read(|conn| {
                if !is_territory(conn, territory_id)? {
                    return Ok(None);
                }
                Ok(Some((
                    records::list(conn, Kind::Organisation, Some(territory_id))?,
                    records::list(conn, Kind::CooperationLink, Some(territory_id))?,
                )))
            })?
            .ok_or_else(unknown_territory)?;
        Ok(NetworkInputs::from_records(&organisations, &links))
    }

    /// The cooperation network of a territory at `at` (`AAAA-MM-JJ`; none: every observation):
    /// its measures, organisations and links (`analysis::network`).
    pub fn analysis_network(&self, territory_id: RecordId, at: Option<&str>) -> ApiResult<Network> {
        if let Some(at) = at {
            check_day("at", "la date du réseau", at)?;
        }
        Ok(self.network_inputs(territory_id)?.at(territory_id, at))
    }

    /// The cooperation network of a territory at `from` and at `to` (`AAAA-MM-JJ`, `from` not
    /// after `to`), and what changed between them (`analysis::compare`).
    pub fn analysis_compare(&self, territory_id: RecordId, from: &str, to: &str) -> ApiResult<NetworkComparison> {
        check_day("from", "la première date", from)?;
        check_day("to", "la seconde date", to)?;
        if to < from {
            return Err(Error::Invalid(Invalid {
                field: "to".into(),
                message: "la seconde date précède la première : donnez les dates dans l'ordre".into(),
            })
            .into());
        }
        let inputs = self.network_inputs(territory_id)?;
        Ok(crate::analysis::compare::compare(&inputs, territory_id, from, to))
    }
}
