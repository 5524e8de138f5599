//! The detailed errors of the core. Front ends see them through `api::ApiError`.

use std::path::PathBuf;

use crate::domain::kinds::Invalid;
use crate::domain::{Kind, RecordId};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("le type d'enregistrement « {0} » n'existe pas (types possibles : territory, roadmap, organisation, person, cooperation_link, interview_guide, interview, theme, workshop, action, indicator, measurement, practice, attachment)")]
    UnknownKind(String),

    #[error("« {0} » n'est pas un identifiant valide (attendu un UUID)")]
    InvalidId(String),

    #[error("version illisible : « {0} »")]
    InvalidVersion(String),

    #[error("{}", .0.message)]
    Invalid(Invalid),

    #[error("JSON illisible : {0}")]
    Json(#[from] serde_json::Error),

    #[error("aucun(e) {} avec l'identifiant {id}", .kind.label_fr())]
    NotFound { kind: Kind, id: RecordId },

    #[error("l'enregistrement {id} est un(e) {}, pas un(e) {}", .actual.label_fr(), .expected.label_fr())]
    WrongKind { id: RecordId, expected: Kind, actual: Kind },

    #[error("le champ « {field} » désigne {id}, qui n'est pas un(e) {} existant(e)", .kind.label_fr())]
    DanglingReference { field: String, id: RecordId, kind: Kind },

    #[error("le territoire {0} n'existe pas : créez-le d'abord")]
    UnknownTerritory(RecordId),

    #[error("ce magasin n'est pas initialisé : lancez `maillage init --facilitator NOM` ou ouvrez l'application")]
    NotInitialised,

    #[error("ce fichier a été créé par une version plus récente de Maillage (schéma {found}, cette version connaît le schéma {known}) : mettez à jour Maillage")]
    NewerSchema { found: i64, known: i64 },

    #[error("ce fichier n'est pas un magasin Maillage : {0}")]
    NotAStore(String),

    #[error("le disque est plein : libérez de la place, rien n'a été modifié")]
    DiskFull,

    #[error("impossible d'utiliser {path} : {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("erreur de la base de données : {0}")]
    Sqlite(rusqlite::Error),

    /// A bundle failed a check; nothing was written.
    #[error("{0}")]
    BundleRefused(crate::bundle::Refusal),

    #[error("{0}")]
    KeyFile(String),

    #[error("aucun conflit « {0} » : lancez `maillage conflicts` pour voir leurs identifiants")]
    ConflictNotFound(String),

    #[error("le conflit {0} est déjà résolu")]
    ConflictAlreadyResolved(String),

    #[error("{0}")]
    AlreadyExists(String),
}

impl From<crate::bundle::Refusal> for Error {
    fn from(r: crate::bundle::Refusal) -> Self {
        Error::BundleRefused(r)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            if f.code == rusqlite::ErrorCode::DiskFull {
                return Error::DiskFull;
            }
        }
        Error::Sqlite(e)
    }
}

impl From<Invalid> for Error {
    fn from(e: Invalid) -> Self {
        Error::Invalid(e)
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
