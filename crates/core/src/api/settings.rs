//! Settings local to this store, and where hand-off files go: headquarters' public keys (exports
//! are sealed for them), the folders a facilitator saves bundles to or imports them from, and the
//! bundles a folder holds.
//!
//! ```
//! use maillage_core::api::Api;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! assert!(api.hq_public_keys().unwrap().is_empty());
//! assert!(api.set_hq_public_keys(vec!["pas-une-clé".into()]).is_err(), "only age1… keys are accepted");
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Api, ApiResult};
use crate::bundle::seal;
use crate::domain::{kinds, RecordId};
use crate::error::Error;

/// The `setting` row holding headquarters' public keys (a JSON array of `age1…` strings).
const HQ_PUBLIC_KEYS: &str = "hq_public_keys";
const LAST_WORKED_IN: &str = "last_worked_in";

/// Where the facilitator last worked: reopened at the next launch.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkedIn {
    pub territory_id: Option<RecordId>,
    /// The screen's path in the window (`/entretiens/…`), at most 200 characters.
    pub screen: String,
}

/// A folder offered to save a bundle to, or to import bundles from.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// What the person reads: « Documents », « Clé USB KINGSTON »…
    pub label: String,
    pub path: String,
}

/// A `*.maillage` file found in a folder.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleFile {
    pub path: String,
    pub name: String,
    pub bytes: u64,
    /// Last modification, RFC 3339 (UTC); empty when the system does not say.
    pub modified: String,
}

impl Api {
    /// Where the facilitator last worked, when that territory still exists.
    pub fn last_worked_in(&self) -> ApiResult<Option<WorkedIn>> {
        let value = self.store().read(|conn| crate::store::settings::get(conn, LAST_WORKED_IN))?;
        let Some(place) = value.and_then(|v| serde_json::from_str::<WorkedIn>(&v).ok()) else { return Ok(None) };
        match place.territory_id {
            Some(t) if self.get(crate::domain::Kind::Territory, t).is_err() => Ok(None),
            _ => Ok(Some(place)),
        }
    }

    /// Remembers where the facilitator works now (a local setting, never in a bundle).
    pub fn remember_worked_in(&self, place: &WorkedIn) -> ApiResult<()> {
        if place.screen.chars().count() > 200 || !place.screen.starts_with('/') {
            return Err(Error::Invalid(kinds::Invalid {
                field: "screen".into(),
                message: "le champ « screen » attend le chemin d'un écran (« /entretiens »…)".into(),
            })
            .into());
        }
        let value = serde_json::to_string(place).map_err(Error::from)?;
        Ok(self.store().write(|tx| crate::store::settings::set(tx, LAST_WORKED_IN, &value))?)
    }

    /// Headquarters' public keys (`age1…`) set on this computer: exports are sealed for them.
    pub fn hq_public_keys(&self) -> ApiResult<Vec<String>> {
        Ok(self.store().read(|conn| {
            let value = crate::store::settings::get(conn, HQ_PUBLIC_KEYS)?;
            Ok(match value {
                Some(v) => serde_json::from_str(&v)?,
                None => Vec::new(),
            })
        })?)
    }

    /// Replaces headquarters' public keys. Each must be an X25519 `age1…` recipient (blank lines
    /// and `#` comment lines — a pasted `hq.pub` has some — are ignored, duplicates kept once);
    /// an empty list means exports are no longer sealed.
    pub fn set_hq_public_keys(&self, keys: Vec<String>) -> ApiResult<Vec<String>> {
        let mut clean: Vec<String> = Vec::new();
        let lines = keys.iter().flat_map(|k| k.lines()).map(str::trim);
        for (index, key) in lines.filter(|l| !l.is_empty() && !l.starts_with('#')).enumerate() {
            let refused = || {
                Error::Invalid(kinds::Invalid {
                    field: "hq_public_keys".into(),
                    message: format!(
                        "la clé n° {} n'est pas une clé publique du siège : attendu une ligne « age1… » (le contenu du fichier hq.pub remis par le siège), recopiée sans la modifier",
                        index + 1
                    ),
                })
            };
            // parse_recipient also reads files: only the key itself is accepted here.
            if !key.starts_with("age1") {
                return Err(refused().into());
            }
            let recipient = seal::parse_recipient(key).map_err(|_| refused())?;
            let key = recipient.to_string();
            if !clean.contains(&key) {
                clean.push(key);
            }
        }
        let value = serde_json::to_string(&clean).map_err(Error::from)?;
        self.store().write(|tx| crate::store::settings::set(tx, HQ_PUBLIC_KEYS, &value))?;
        Ok(clean)
    }

    /// The folders a facilitator is likely to save a bundle to or import one from: Documents,
    /// Téléchargements / Downloads, USB keys mounted under `/media/$USER` or `/run/media/$USER`,
    /// and the store's own `echanges` folder (created here), always last.
    pub fn exchange_places(&self) -> ApiResult<Vec<Place>> {
        let own = self.exchange_dir();
        crate::store::files::create_private_dirs(&own).map_err(|e| Error::io(&own, e))?;
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok();
        let mut places = places_in(home.as_deref(), user.as_deref(), Path::new("/"));
        places.push(Place { label: "Dossier des échanges de Maillage".into(), path: own.display().to_string() });
        Ok(places)
    }

    /// `echanges`, beside the store.
    pub fn exchange_dir(&self) -> PathBuf {
        self.store_path().parent().map(Path::to_path_buf).unwrap_or_default().join("echanges")
    }

    /// The `*.maillage` files of `dir` (not its sub-folders), newest first.
    pub fn bundle_files(&self, dir: &Path) -> ApiResult<Vec<BundleFile>> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut out: Vec<(std::time::SystemTime, BundleFile)> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "maillage") {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            if !meta.is_file() {
                continue;
            }
            let time = meta.modified().ok();
            let modified = time
                .map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default();
            out.push((
                time.unwrap_or(std::time::UNIX_EPOCH),
                BundleFile {
                    path: path.display().to_string(),
                    name: entry.file_name().to_string_lossy().into_owned(),
                    bytes: meta.len(),
                    modified,
                },
            ));
        }
        out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        Ok(out.into_iter().map(|(_, f)| f).collect())
    }
}

/// The existing candidate folders under `home` and the removable media of `user` (`root` is `/`
/// but for tests).
fn places_in(home: Option<&Path>, user: Option<&str>, root: &Path) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    let mut add = |label: String, path: PathBuf| {
        let text = path.display().to_string();
        if path.is_dir() && !places.iter().any(|p| p.path == text) {
            places.push(Place { label, path: text });
        }
    };
    if let Some(home) = home {
        let xdg = user_dirs(home);
        let documents = xdg.iter().find(|(k, _)| k == "XDG_DOCUMENTS_DIR").map(|(_, p)| p.clone());
        add("Documents".into(), documents.unwrap_or_else(|| home.join("Documents")));
        if let Some((_, p)) = xdg.iter().find(|(k, _)| k == "XDG_DOWNLOAD_DIR") {
            add("Téléchargements".into(), p.clone());
        }
        add("Téléchargements".into(), home.join("Téléchargements"));
        add("Téléchargements".into(), home.join("Downloads"));
    }
    if let Some(user) = user.filter(|u| !u.is_empty() && !u.contains('/')) {
        for media in [root.join("media").join(user), root.join("run/media").join(user)] {
            let Ok(entries) = std::fs::read_dir(&media) else { continue };
            let mut keys: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
            keys.sort();
            for key in keys {
                let name = key.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                add(format!("Clé USB ou disque « {name} »"), key);
            }
        }
    }
    places
}

/// `XDG_*_DIR="$HOME/…"` lines of `~/.config/user-dirs.dirs` (or `$XDG_CONFIG_HOME`'s).
fn user_dirs(home: &Path) -> Vec<(String, PathBuf)> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".config"));
    let Ok(text) = std::fs::read_to_string(config.join("user-dirs.dirs")) else { return Vec::new() };
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.trim().split_once('=')?;
            if !key.starts_with("XDG_") {
                return None;
            }
            let value = value.trim().trim_matches('"');
            let path = match value.strip_prefix("$HOME") {
                Some(rest) => home.join(rest.trim_start_matches('/')),
                None if value.starts_with('/') => PathBuf::from(value),
                None => return None,
            };
            // "$HOME/" alone means "no such folder".
            (path != home).then(|| (key.to_string(), path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(dir: &tempfile::TempDir) -> Api {
        let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
        api.init("Camille").unwrap();
        api
    }

    #[test]
    fn a_key_that_is_not_an_age_recipient_is_refused_in_french_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let api = api(&dir);
        let (_, good) = seal::generate_hq_key("now");
        api.set_hq_public_keys(vec![good.trim().into()]).unwrap();
        for bad in ["ssh-ed25519 AAAAC3Nza", "age1pasunecle", "/etc/passwd", "AGE-SECRET-KEY-1ABC"] {
            let err = api.set_hq_public_keys(vec![good.trim().into(), bad.into()]).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("hq_public_keys"), "{bad}");
            assert!(err.message.contains("clé n° 2") && err.message.contains("age1"), "{}", err.message);
        }
        assert_eq!(api.hq_public_keys().unwrap(), vec![good.trim().to_string()], "a refusal keeps the keys set before");
    }

    #[test]
    fn a_pasted_hq_pub_gives_its_sealing_key_and_its_comments_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let api = api(&dir);
        let keys = Api::hq_init(&dir.path().join("siege")).unwrap();
        let pasted = std::fs::read_to_string(dir.path().join("siege/hq.pub")).unwrap();
        assert!(pasted.lines().filter(|l| l.starts_with('#')).count() >= 2, "{pasted}");
        assert_eq!(api.set_hq_public_keys(vec![pasted]).unwrap(), vec![keys.public_key]);
    }

    #[test]
    fn the_keys_survive_a_reopen_blank_lines_and_duplicates_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (_, a) = seal::generate_hq_key("now");
        let (_, b) = seal::generate_hq_key("now");
        {
            let api = api(&dir);
            let saved = api.set_hq_public_keys(vec![format!("  {a}"), "".into(), b.clone(), a.clone()]).unwrap();
            assert_eq!(saved, vec![a.trim().to_string(), b.trim().to_string()]);
        }
        let api = Api::open(&dir.path().join("maillage.sqlite3")).unwrap();
        assert_eq!(api.hq_public_keys().unwrap(), vec![a.trim().to_string(), b.trim().to_string()]);
        api.set_hq_public_keys(vec![]).unwrap();
        assert!(api.hq_public_keys().unwrap().is_empty(), "an empty list unsets the keys");
    }

    #[test]
    fn the_keys_set_here_never_travel_in_a_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let api = api(&dir);
        let (_, a) = seal::generate_hq_key("now");
        api.set_hq_public_keys(vec![a.clone()]).unwrap();
        let mut dump = Vec::new();
        api.dump_canonical(&mut dump).unwrap();
        assert!(!String::from_utf8(dump).unwrap().contains(a.trim()), "the setting is not a record");
    }

    #[test]
    fn places_list_existing_folders_and_usb_keys_and_the_own_folder_last() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join("Documents")).unwrap();
        std::fs::create_dir_all(home.join("Downloads")).unwrap();
        std::fs::create_dir_all(dir.path().join("media/camille/KINGSTON")).unwrap();
        let places = places_in(Some(&home), Some("camille"), dir.path());
        let labels: Vec<&str> = places.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["Documents", "Téléchargements", "Clé USB ou disque « KINGSTON »"]);
        assert!(places.iter().all(|p| Path::new(&p.path).is_dir()));

        let api = api(&dir);
        let all = api.exchange_places().unwrap();
        let own = all.last().unwrap();
        assert_eq!(own.path, dir.path().join("echanges").display().to_string());
        assert!(Path::new(&own.path).is_dir(), "the own folder is created on demand");
    }

    #[test]
    fn bundle_files_lists_only_maillage_files_of_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let api = api(&dir);
        let folder = dir.path().join("cle");
        std::fs::create_dir_all(folder.join("sous-dossier")).unwrap();
        std::fs::write(folder.join("a.maillage"), b"12345").unwrap();
        std::fs::write(folder.join("notes.txt"), b"x").unwrap();
        std::fs::write(folder.join("sous-dossier/b.maillage"), b"x").unwrap();
        let files = api.bundle_files(&folder).unwrap();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!((files[0].name.as_str(), files[0].bytes), ("a.maillage", 5));
        assert!(!files[0].modified.is_empty());
        let err = api.bundle_files(&dir.path().join("absent")).unwrap_err();
        assert!(!err.message.is_empty());
    }
}
