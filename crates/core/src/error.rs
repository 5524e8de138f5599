//! The detailed errors of the core. Front ends see them through `api::ApiError`.

use std::path::{Path, PathBuf};

use crate::domain::kinds::Invalid;
use crate::domain::{Kind, RecordId};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text given is kept for the caller, never shown.
    #[error("ce type d'enregistrement n'existe pas (types possibles : {names})", names = kind_names())]
    UnknownKind(String),

    /// The text given is kept for the caller, never shown: it can be anything a person typed.
    #[error("l'identifiant donné n'est pas valide (attendu un UUID, 36 caractères comme 0192c3a4-…)")]
    InvalidId(String),

    #[error("une version est illisible (attendu ms.compteur.appareil)")]
    InvalidVersion(String),

    #[error("{}", .0.message)]
    Invalid(Invalid),

    #[error("{}", json_message(.0))]
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

    /// Only `init` (and the application's first launch) creates a store: a mistyped path is not
    /// silently turned into an empty one.
    #[error("aucun magasin Maillage à cet endroit ({}) : vérifiez le chemin, ou créez-en un avec `maillage init --facilitator NOM`", .0.display())]
    NoStore(PathBuf),

    /// A restore needs the store alone: another window or command has it open. Nothing changed.
    #[error("le magasin est ouvert ailleurs (l'application Maillage, une autre commande maillage) : fermez Maillage puis recommencez ; rien n'a été modifié")]
    InUse,

    #[error("le disque est plein : libérez de la place, rien n'a été modifié")]
    DiskFull,

    /// A file or folder the person chose could not be used. `path` is the name they chose (a
    /// temporary name beside it is never shown: see [`Error::io`]); the message says what
    /// happened in French (« le dossier « … » n'existe pas », « pas le droit d'écrire dans … »).
    #[error("{}", io_sentence(.path, .source))]
    Io { path: PathBuf, source: std::io::Error },

    /// Another program (or another window of Maillage) is writing: nothing was written, try again.
    #[error("le magasin est occupé par une autre opération (un export, une importation, une autre fenêtre de Maillage) : rien n'a été perdu, réessayez dans un instant")]
    Busy,

    #[error(
        "le magasin est en lecture seule (support protégé en écriture ou droits insuffisants) : rien n'a été modifié"
    )]
    ReadOnly,

    #[error("{}", sqlite_message(.0))]
    Sqlite(rusqlite::Error),

    /// A bundle failed a check; nothing was written.
    #[error("{0}")]
    BundleRefused(crate::refusal::Refusal),

    #[error("{0}")]
    KeyFile(String),

    #[error("aucun conflit « {0} » : lancez `maillage conflicts` pour voir leurs identifiants")]
    ConflictNotFound(String),

    #[error("le conflit {0} est déjà résolu")]
    ConflictAlreadyResolved(String),

    #[error("{0}")]
    AlreadyExists(String),

    /// The store is encrypted and no key was given: the passphrase (or the recovery code) opens it.
    #[error("la base est chiffrée : saisissez la phrase de passe")]
    Locked,

    #[error("phrase de passe incorrecte")]
    WrongPassphrase,

    /// Headquarters' workspace receives the territories' records by bundles and does not change them.
    #[error("au siège, les fiches des territoires se consultent sans se modifier : elles arrivent par les paquets des animateur·rice·s, et ce qui serait changé ici ne leur reviendrait pas")]
    HqReadOnly,
}

impl From<crate::refusal::Refusal> for Error {
    fn from(r: crate::refusal::Refusal) -> Self {
        Error::BundleRefused(r)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                rusqlite::ErrorCode::DiskFull => return Error::DiskFull,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => return Error::Busy,
                rusqlite::ErrorCode::ReadOnly => return Error::ReadOnly,
                _ => {}
            }
        }
        Error::Sqlite(e)
    }
}

/// The names of the kinds, from the one list of them.
fn kind_names() -> String {
    Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}

/// A JSON error in French, with where it is but never what it held.
fn json_message(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => {
            format!(
                "JSON illisible (ligne {}, colonne {}) : vérifiez les guillemets, virgules et accolades",
                e.line(),
                e.column()
            )
        }
        Category::Data => "les données JSON n'ont pas la forme attendue (un champ d'un autre type)".to_string(),
        Category::Io => "lecture du JSON interrompue".to_string(),
    }
}

/// Whether `name` is one of the temporary names Maillage writes beside a file before renaming
/// it into place (`.name.123-4.tmp`, `.name.<uuid>.partiel`, `name.maillage-partiel`…): never
/// shown to anyone.
pub(crate) fn is_temporary_name(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    [".tmp", ".partial", "partiel"].iter().any(|end| name.ends_with(end)) || name.contains(".tmp-")
}

/// The path to show: the one given, or its folder when it is a temporary name.
fn shown_path(path: &Path) -> &Path {
    match (path.file_name(), path.parent()) {
        (Some(name), Some(dir)) if is_temporary_name(name) && !dir.as_os_str().is_empty() => dir,
        _ => path,
    }
}

/// The folder a path is in (« . » for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The first of `folder` and its ancestors that exists and is not a folder: a file standing
/// where a folder of the path should be.
fn file_in_the_way(folder: &Path) -> Option<&Path> {
    folder.ancestors().filter(|a| !a.as_os_str().is_empty()).find(|a| a.exists() && !a.is_dir())
}

/// What happened to `path`, in French, with the name the person chose. Looks at the file
/// system (when the message is made) to tell a missing folder from a missing file.
fn io_sentence(path: &Path, e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let temporary = path.file_name().is_some_and(is_temporary_name);
    let path = shown_path(path);
    // The folder the file goes in (the path itself when only its folder may be shown).
    let folder = if temporary { path } else { folder_of(path) };
    let full = e.kind() == StorageFull || e.raw_os_error() == Some(28);
    if full {
        return format!("le disque est plein (« {} ») : libérez de la place, puis recommencez", folder.display());
    }
    if let Some(file) = file_in_the_way(folder) {
        return format!("« {} » est un fichier, pas un dossier : choisissez un dossier", file.display());
    }
    let exists = !temporary && path.exists();
    match e.kind() {
        NotFound | NotADirectory if !folder.is_dir() => format!(
            "le dossier « {} » n'existe pas (une clé USB débranchée ?) : choisissez un dossier existant",
            folder.display()
        ),
        NotFound if temporary => format!("le dossier « {} » est introuvable", folder.display()),
        NotFound => format!("le fichier « {} » est introuvable", path.display()),
        PermissionDenied if exists => {
            format!(
                "pas le droit d'utiliser « {} » (droits insuffisants sur ce fichier ou sur le dossier « {} ») : choisissez un autre fichier",
                path.display(),
                folder.display()
            )
        }
        PermissionDenied => format!(
            "pas le droit d'écrire dans le dossier « {} » (droits insuffisants) : choisissez un autre dossier",
            folder.display()
        ),
        ReadOnlyFilesystem => format!(
            "le support de « {} » est en lecture seule (clé USB protégée en écriture ?) : choisissez un autre dossier",
            folder.display()
        ),
        IsADirectory => format!("« {} » est un dossier : indiquez le nom du fichier", path.display()),
        AlreadyExists if !temporary => format!("« {} » existe déjà : choisissez un autre nom", path.display()),
        _ => format!("impossible d'utiliser « {} » : {}", path.display(), io_message(e)),
    }
}

/// An input/output error in French (the system's own text is English and may name things).
fn io_message(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "fichier ou dossier introuvable",
        PermissionDenied => "accès refusé (droits insuffisants)",
        AlreadyExists => "le fichier existe déjà",
        StorageFull => "le disque est plein : libérez de la place",
        ReadOnlyFilesystem => "le support est en lecture seule",
        IsADirectory => "c'est un dossier, pas un fichier",
        NotADirectory => "un élément du chemin n'est pas un dossier",
        FileTooLarge => "fichier trop volumineux",
        UnexpectedEof => "le fichier est tronqué",
        Interrupted | WouldBlock | TimedOut => "opération interrompue, réessayez",
        _ if e.raw_os_error() == Some(28) => "le disque est plein : libérez de la place",
        _ => "erreur d'entrée-sortie (support retiré ou abîmé ?)",
    }
}

/// A database error in French; SQLite's own text is English and never shown.
fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase => {
                "le magasin est endommagé : restaurez une sauvegarde (Paramètres → Sauvegardes)".to_string()
            }
            rusqlite::ErrorCode::CannotOpen => {
                "impossible d'ouvrir le magasin (dossier absent ou droits insuffisants)".to_string()
            }
            rusqlite::ErrorCode::SystemIoFailure => {
                "erreur d'écriture sur le disque (support retiré ou plein ?) : rien n'a été modifié".to_string()
            }
            _ => format!("erreur interne de la base de données (code {}) : rien n'a été modifié", f.extended_code),
        },
        _ => "erreur interne de la base de données : rien n'a été modifié".to_string(),
    }
}

impl From<crate::domain::ParseError> for Error {
    fn from(e: crate::domain::ParseError) -> Self {
        use crate::domain::ParseError::*;
        match e {
            UnknownKind(s) => Error::UnknownKind(s),
            InvalidId(s) => Error::InvalidId(s),
            InvalidVersion(s) => Error::InvalidVersion(s),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> Error {
        Error::from(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some("database is locked".into())))
    }

    /// What a facilitator may see of the database is French, never SQLite's English.
    #[test]
    fn busy_read_only_full_and_damaged_stores_are_told_in_french() {
        for (code, words) in [
            (rusqlite::ffi::SQLITE_BUSY, "occupé"),
            (rusqlite::ffi::SQLITE_LOCKED, "occupé"),
            (rusqlite::ffi::SQLITE_READONLY, "lecture seule"),
            (rusqlite::ffi::SQLITE_FULL, "disque est plein"),
            (rusqlite::ffi::SQLITE_CORRUPT, "endommagé"),
            (rusqlite::ffi::SQLITE_IOERR, "erreur d'écriture"),
            (rusqlite::ffi::SQLITE_CONSTRAINT, "erreur interne"),
        ] {
            let message = sqlite(code).to_string();
            assert!(message.contains(words), "{code}: {message}");
            assert!(!message.contains("locked") && !message.contains("database"), "{code}: {message}");
        }
        let io = Error::io("/tmp/x", std::io::Error::from_raw_os_error(28)).to_string();
        assert!(io.contains("disque est plein") && !io.contains("No space"), "{io}");
    }

    /// A file-system error says what happened in French, with the place the person chose, and
    /// never the temporary name written beside it.
    #[test]
    fn file_system_errors_name_the_place_chosen_never_a_temporary_file() {
        use std::io::ErrorKind;
        let dir = tempfile::tempdir().unwrap();
        let cle = dir.path().join("cle");
        std::fs::create_dir(&cle).unwrap();
        let chosen = cle.join("orly.maillage");
        let say = |path: &Path, kind: ErrorKind| Error::io(path, std::io::Error::from(kind)).to_string();
        let folder = format!("« {} »", cle.display());
        for (path, kind, words) in [
            (chosen.clone(), ErrorKind::PermissionDenied, format!("pas le droit d'écrire dans le dossier {folder}")),
            (chosen.clone(), ErrorKind::ReadOnlyFilesystem, format!("le support de {folder} est en lecture seule")),
            (chosen.clone(), ErrorKind::StorageFull, "le disque est plein".to_string()),
            (chosen.clone(), ErrorKind::NotFound, format!("le fichier « {} » est introuvable", chosen.display())),
            (cle.join("absent").join("orly.maillage"), ErrorKind::NotFound, "« absent » n'existe pas".into()),
            (cle.clone(), ErrorKind::IsADirectory, format!("{folder} est un dossier")),
            // Temporary names beside the chosen file: only their folder is named.
            (cle.join(".orly.maillage.123-4.tmp"), ErrorKind::PermissionDenied, folder.clone()),
            (cle.join(".orly.xlsx.0192c3a4.partiel"), ErrorKind::StorageFull, folder.clone()),
            (cle.join("photo.jpg.maillage-partiel"), ErrorKind::Other, folder.clone()),
        ] {
            let message = say(&path, kind);
            let words = words.replace("« absent »", &format!("« {} »", cle.join("absent").display()));
            assert!(message.contains(&words), "{kind:?} {}: « {words} » expected in: {message}", path.display());
            let own = message.replace(&dir.path().display().to_string(), "DOSSIER"); // itself a `.tmpXXXX`
            for temporary in [".tmp", "partiel", "123-4"] {
                assert!(!own.contains(temporary), "{message}");
            }
        }
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "").unwrap();
        let message = say(&file.join("orly.sqlite3"), ErrorKind::NotADirectory);
        assert!(message.contains(&format!("« {} » est un fichier, pas un dossier", file.display())), "{message}");
    }
}
