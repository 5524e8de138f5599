//! Writing a bundle: entries → tar → zstd → (age) → a temporary file, synced, then renamed, so a
//! crash mid-export never leaves a half file under the final name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey};

use super::manifest::{EntryDigest, Manifest};
use super::{hex, sha256_hex, MANIFEST, SIGNATURE, ZSTD_LEVEL};
use crate::error::{Error, Result};

/// The entries of a bundle besides the manifest and its signature, by name.
pub type BundleEntries = Vec<(String, Vec<u8>)>;

/// A bundle written to a temporary file beside its final name: [`WrittenBundle::commit`] moves it
/// there; dropping it uncommitted removes the temporary file.
#[must_use = "a written bundle stays a temporary file until committed"]
pub struct WrittenBundle {
    temp: PathBuf,
    path: PathBuf,
    /// Size of the file, in bytes.
    pub bytes: u64,
    /// The manifest as signed (entries and recipients filled in).
    pub manifest: Manifest,
}

impl WrittenBundle {
    /// Renames the file to its final name and syncs the directory, so that the rename itself
    /// survives a power cut.
    pub fn commit(mut self) -> Result<()> {
        let temp = std::mem::take(&mut self.temp);
        if let Err(e) = std::fs::rename(&temp, &self.path) {
            let _ = std::fs::remove_file(&temp);
            return Err(Error::io(&self.path, e));
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for WrittenBundle {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Fills `manifest.entries` and `manifest.sealed_for`, signs the manifest, and writes the bundle
/// to a temporary file beside `path`, synced. Sealed to `recipients` when there are any.
pub fn write_bundle(
    path: &Path,
    mut manifest: Manifest,
    signing_key: &SigningKey,
    mut entries: BundleEntries,
    recipients: &[age::x25519::Recipient],
) -> Result<WrittenBundle> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    manifest.entries = entries
        .iter()
        .map(|(name, bytes)| EntryDigest { name: name.clone(), size: bytes.len() as u64, sha256: sha256_hex(bytes) })
        .collect();
    manifest.sealed_for = recipients.iter().map(|r| r.to_string()).collect();
    let manifest_bytes = manifest.to_bytes();
    let signature = hex(&signing_key.sign(&manifest_bytes).to_bytes()).into_bytes();
    let compressed = compress(&manifest_bytes, &signature, &entries).map_err(|e| Error::io(path, e))?;

    let temp = temp_path(path);
    let mut written = WrittenBundle { temp: temp.clone(), path: path.to_path_buf(), bytes: 0, manifest };
    let io = |e: std::io::Error| Error::io(path, e); // the name the person chose, not the temporary one
    let file = crate::store::files::create_private(&temp).map_err(io)?; // 0600: a bundle holds interviews
    let mut out = BufWriter::with_capacity(PACE, Paced { file, unsynced: 0 });
    if recipients.is_empty() {
        out.write_all(&compressed).map_err(io)?;
    } else {
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| Error::KeyFile(format!("chiffrement impossible : {e}")))?;
        let mut sealed = encryptor.wrap_output(&mut out).map_err(io)?;
        sealed.write_all(&compressed).map_err(io)?;
        sealed.finish().map_err(io)?;
    }
    let file = out.into_inner().map_err(|e| io(e.into_error()))?.file;
    file.sync_all().map_err(io)?;
    written.bytes = file.metadata().map_err(io)?.len();
    Ok(written)
}

/// How much of a bundle is written before it is synced: a large bundle reaches the disk a little
/// at a time, so that an autosave's own sync never waits behind megabytes of it.
const PACE: usize = 256 << 10;

/// A file synced every [`PACE`] bytes written.
struct Paced {
    file: File,
    unsynced: usize,
}

impl Write for Paced {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n;
        if self.unsynced >= PACE {
            self.file.sync_data()?;
            self.unsynced = 0;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// The tar archive of the entries, compressed with zstd (checksummed frames).
fn compress(manifest: &[u8], signature: &[u8], entries: &BundleEntries) -> std::io::Result<Vec<u8>> {
    let raw: usize = entries.iter().map(|(_, b)| b.len()).sum();
    let mut zstd = zstd::stream::write::Encoder::new(Vec::with_capacity(raw / 3 + 4096), ZSTD_LEVEL)?;
    zstd.include_checksum(true)?;
    // Other cores compress while this one builds the archive, when there are some to spare: half
    // of them at most, so that the person typing meanwhile (autosave) keeps a core.
    let workers = std::thread::available_parallelism().map(|n| (n.get() / 2).min(4) as u32).unwrap_or(1);
    if workers > 1 && raw > (4 << 20) {
        let _ = zstd.multithread(workers);
    }
    let mut tar = tar::Builder::new(zstd);
    tar.mode(tar::HeaderMode::Deterministic);
    append(&mut tar, MANIFEST, manifest)?;
    append(&mut tar, SIGNATURE, signature)?;
    for (name, bytes) in entries {
        append(&mut tar, name, bytes)?;
    }
    tar.into_inner()?.finish()
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "paquet".into());
    let unique = uuid::Uuid::now_v7().simple().to_string();
    path.with_file_name(format!(".{name}.{}.tmp", &unique[20..]))
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, name, bytes)
}
