//! An attachment written back out: the bytes of a photo, a signed form or a recording kept in the
//! store, saved to the file the person chose in the system's save dialog.

use std::io::Write;
use std::path::Path;

use super::{output, Api, ApiResult};
use crate::domain::RecordId;
use crate::error::Error;
use crate::store::files;

impl Api {
    /// Writes the bytes of the attachment `id` to `out` (mode 0600). An existing file is replaced
    /// only with `force` (then atomically, through a file beside it); never the store itself or
    /// one of its files, nor a folder. Nothing is left behind when the write fails.
    pub fn save_attachment(&self, id: RecordId, out: &Path, force: bool) -> ApiResult<()> {
        if out.as_os_str().is_empty() {
            return Err(refuse("indiquez le fichier à écrire"));
        }
        if output::is_the_store(self.store_path(), out) {
            return Err(refuse(
                "ce fichier est le magasin de Maillage (ou l'un de ses fichiers) : choisissez un autre nom",
            ));
        }
        if out.is_dir() {
            return Err(refuse("c'est un dossier : indiquez le nom du fichier à écrire"));
        }
        let exists = std::fs::symlink_metadata(out).is_ok();
        if exists && !force {
            return Err(already_exists());
        }
        let bytes = self.attachment_content(id)?;
        if !exists {
            return match files::create_new_private(out) {
                Ok(file) => write_all(file, &bytes, out, out),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(already_exists()),
                Err(e) => Err(Error::io(out, e).into()),
            };
        }
        // Replacing: the new file is written beside it, then renamed over it, so that the old
        // one stays whole if anything fails and the new one is 0600 whatever the old one was.
        let partial = files::sidecar(out, ".maillage-partiel");
        let _ = std::fs::remove_file(&partial);
        let file = files::create_new_private(&partial).map_err(|e| Error::io(out, e))?;
        write_all(file, &bytes, &partial, out)?;
        std::fs::rename(&partial, out).map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            Error::io(out, e).into()
        })
    }
}

/// Writes `bytes` to `file` (at `path`), synced; on failure removes it and names `shown`, the
/// file the person chose (never a temporary name).
fn write_all(mut file: std::fs::File, bytes: &[u8], path: &Path, shown: &Path) -> ApiResult<()> {
    match file.write_all(bytes).and_then(|()| file.sync_all()) {
        Ok(()) => Ok(()),
        Err(e) => {
            drop(file);
            let _ = std::fs::remove_file(path);
            Err(Error::io(shown, e).into())
        }
    }
}

fn already_exists() -> super::ApiError {
    let mut e: super::ApiError =
        Error::AlreadyExists("ce fichier existe déjà : choisissez un autre nom, ou demandez à le remplacer".into())
            .into();
    e.field = Some("out".into());
    e
}

fn refuse(message: &str) -> super::ApiError {
    Error::Invalid(super::write::kinds_invalid("out", message)).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{AttachRequest, ErrorCode};

    fn api_with_attachment(dir: &Path) -> (Api, RecordId) {
        let api = Api::create(&dir.join("maillage.sqlite3")).unwrap();
        api.init("Camille").unwrap();
        let territory = api
            .put(crate::domain::Kind::Territory, None, serde_json::json!({"name": "Valmont", "kind": "commune"}))
            .unwrap();
        let photo = dir.join("tableau.jpg");
        std::fs::write(&photo, b"\xFF\xD8\xFFpaperboard").unwrap();
        let record = api
            .attach_file(&AttachRequest {
                territory_id: territory.id,
                record_id: None,
                path: photo.to_string_lossy().into_owned(),
                description: String::new(),
            })
            .unwrap();
        (api, record.id)
    }

    #[test]
    fn an_attachment_is_saved_0600_and_an_existing_file_is_replaced_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let (api, id) = api_with_attachment(dir.path());
        let out = dir.path().join("copie.jpg");

        api.save_attachment(id, &out, false).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"\xFF\xD8\xFFpaperboard");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
        }

        // An existing file: refused without force, and left as it was.
        std::fs::write(&out, b"autre chose").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let err = api.save_attachment(id, &out, false).unwrap_err();
        assert_eq!(err.code, ErrorCode::AlreadyExists);
        assert_eq!(err.field.as_deref(), Some("out"));
        assert!(!err.message.contains("copie"), "the message names no file: {}", err.message);
        assert_eq!(std::fs::read(&out).unwrap(), b"autre chose");

        // With force: replaced, 0600, nothing left beside it.
        api.save_attachment(id, &out, true).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"\xFF\xD8\xFFpaperboard");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!names.iter().any(|n| n.to_string_lossy().contains("partiel")), "{names:?}");
    }

    #[test]
    fn never_over_the_store_nor_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (api, id) = api_with_attachment(dir.path());
        let store = dir.path().join("maillage.sqlite3");
        let before = std::fs::read(&store).unwrap();
        let err = api.save_attachment(id, &store, true).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("out"));
        assert_eq!(std::fs::read(&store).unwrap(), before);
        let err = api.save_attachment(id, dir.path(), true).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("out"));
        let err = api.save_attachment(id, Path::new(""), false).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("out"));
    }
}
