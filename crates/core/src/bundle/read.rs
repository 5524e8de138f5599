//! Reading and verifying a bundle, in memory, under hard limits. Nothing here touches a store: the
//! result is either an [`OpenedBundle`] whose every byte was checked, or the [`Refusal`] of the
//! first check that failed.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{self, Read};
use std::rc::Rc;

use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::Value;

use super::manifest::Manifest;
use super::{
    check_entry_name, sha256_hex, unhex, Check, Limits, Refusal, ATTACHMENTS_DIR, CONFLICTS, ERASURES, FORMAT_VERSION,
    LINEAGE, MANIFEST, RECORDS_DIR, SIGNATURE,
};
use crate::domain::Incoming;
use crate::domain::{kinds, Kind, LineageEdge, Record, RecordId};

const AGE_MAGIC: &[u8] = b"age-encryption.org/";
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// A bundle whose every check passed (except those that need a store: device key, territories).
#[derive(Debug)]
pub struct OpenedBundle {
    pub manifest: Manifest,
    /// It was sealed with age (and opened with the identity given).
    pub sealed: bool,
    /// SHA-256 of the file as read.
    pub file_sha256: String,
    /// The records of `records/*.jsonl`: at most one version per id.
    pub records: Vec<Incoming>,
    /// The versions of `conflicts.jsonl`: losers still open on the source device.
    pub losers: Vec<Incoming>,
    pub lineage: Vec<LineageEdge>,
    /// Attachment contents by SHA-256.
    pub attachments: BTreeMap<String, Vec<u8>>,
    /// The erasure markers of `erasures.jsonl`: at most one per person, none naming a record
    /// the bundle carries as anything but a person.
    pub erasures: Vec<crate::privacy::Erasure>,
}

/// Opens and verifies the bytes of a `.maillage` file. `identity` opens a sealed one.
pub fn open(file: &[u8], identity: Option<&age::x25519::Identity>, limits: &Limits) -> Result<OpenedBundle, Refusal> {
    if file.len() as u64 > limits.max_file {
        return Err(Refusal::new(
            Check::Size,
            format!(
                "le fichier dépasse {} Mo, la taille maximale d'un paquet : exportez en plusieurs fois (--since-last)",
                limits.max_file >> 20
            ),
        ));
    }
    let file_sha256 = sha256_hex(file);
    let consumed = Rc::new(Cell::new(0u64));
    let counting = Counting { inner: file, consumed: consumed.clone() };
    let (sealed, entries) = if file.starts_with(AGE_MAGIC) {
        let Some(identity) = identity else {
            return Err(Refusal::new(
                Check::Sealed,
                "ce paquet est scellé pour le siège : indiquez la clé secrète du siège (--identity hq.key) pour l'ouvrir",
            ));
        };
        let decryptor = age::Decryptor::new(counting).map_err(|e| sealed_refusal(&e))?;
        let reader =
            decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| sealed_refusal(&e))?;
        (true, read_entries(reader, consumed, limits)?)
    } else if file.starts_with(ZSTD_MAGIC) {
        (false, read_entries(counting, consumed, limits)?)
    } else {
        return Err(Refusal::new(
            Check::Format,
            "ce fichier n'est pas un paquet Maillage (.maillage) : choisissez le fichier produit par « Exporter »",
        ));
    };
    verify(entries, sealed, file_sha256)
}

fn sealed_refusal(e: &age::DecryptError) -> Refusal {
    match e {
        age::DecryptError::NoMatchingKeys => Refusal::new(
            Check::Sealed,
            "ce paquet est scellé pour une autre clé du siège que celle indiquée : utilisez la clé secrète qui correspond à la clé publique donnée à l'appareil",
        ),
        age::DecryptError::UnknownFormat => Refusal::new(
            Check::Version,
            "ce paquet est scellé dans un format plus récent : mettez à jour Maillage",
        ),
        _ => Refusal::damaged(Check::Archive, "l'enveloppe chiffrée du paquet est illisible"),
    }
}

/// Counts the bytes of the file consumed, for the decompression ratio limit.
struct Counting<'a> {
    inner: &'a [u8],
    consumed: Rc<Cell<u64>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.set(self.consumed.get() + n as u64);
        Ok(n)
    }
}

/// Stops decompression as soon as the output exceeds the limits.
struct Bounded<R> {
    inner: R,
    produced: u64,
    consumed: Rc<Cell<u64>>,
    tripped: Rc<Cell<bool>>,
    limits: Limits,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let ratio_cap =
            self.limits.ratio_floor.saturating_add(self.consumed.get().saturating_mul(self.limits.max_ratio));
        if self.produced > self.limits.max_total || self.produced > ratio_cap {
            self.tripped.set(true);
            return Err(io::Error::other("limite de taille"));
        }
        Ok(n)
    }
}

fn too_large(limits: &Limits) -> Refusal {
    Refusal::new(
        Check::Size,
        format!(
            "le contenu décompressé dépasse les limites (plus de {} fois la taille du fichier, ou plus de {} Mo) : ce fichier ressemble à une « bombe de décompression », ne l'importez pas",
            limits.max_ratio,
            limits.max_total >> 20
        ),
    )
}

/// Reads every entry of the compressed tar into memory, checking names, types, duplicates and
/// sizes as it goes.
fn read_entries<R: Read>(
    input: R,
    consumed: Rc<Cell<u64>>,
    limits: &Limits,
) -> Result<BTreeMap<String, Vec<u8>>, Refusal> {
    let tripped = Rc::new(Cell::new(false));
    let archive_error = |tripped: &Rc<Cell<bool>>| {
        if tripped.get() {
            too_large(limits)
        } else {
            Refusal::damaged(Check::Archive, "l'archive est tronquée ou abîmée")
        }
    };
    let mut decoder = zstd::stream::read::Decoder::new(input).map_err(|_| archive_error(&tripped))?;
    // The writer uses level 3 (window of a few MiB); refuse frames that ask for a huge window.
    decoder.window_log_max(25).map_err(|_| archive_error(&tripped))?;
    let bounded = Bounded { inner: decoder, produced: 0, consumed, tripped: tripped.clone(), limits: *limits };
    let mut archive = tar::Archive::new(bounded);
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    {
        let iter = archive.entries().map_err(|_| archive_error(&tripped))?;
        for entry in iter {
            let mut entry = entry.map_err(|_| archive_error(&tripped))?;
            let name = String::from_utf8(entry.path_bytes().into_owned()).map_err(|_| {
                Refusal::new(
                    Check::EntryName,
                    "un nom d'entrée n'est pas du texte : le fichier a été modifié ; demandez un nouvel export",
                )
            })?;
            check_entry_name(&name)?;
            if entry.header().entry_type() != tar::EntryType::Regular {
                return Err(Refusal::new(
                    Check::EntryName,
                    "une entrée du paquet est un lien ou un dossier, ce qu'un paquet Maillage ne contient jamais : ne l'importez pas",
                ));
            }
            if entries.contains_key(&name) {
                return Err(Refusal::new(
                    Check::DuplicateEntry,
                    format!(
                        "l'entrée « {name} » figure deux fois : le fichier a été modifié ; demandez un nouvel export"
                    ),
                ));
            }
            if entries.len() >= limits.max_entries {
                return Err(Refusal::new(
                    Check::Size,
                    format!("le paquet compte plus de {} entrées", limits.max_entries),
                ));
            }
            let size = entry.size();
            let cap = if name == MANIFEST { limits.max_manifest } else { limits.max_entry };
            if size > cap {
                return Err(Refusal::new(
                    Check::Size,
                    format!("l'entrée « {name} » annonce {} Mo, plus que la limite de {} Mo", size >> 20, cap >> 20),
                ));
            }
            let mut bytes = Vec::with_capacity(size.min(8 << 20) as usize);
            (&mut entry).take(size).read_to_end(&mut bytes).map_err(|_| archive_error(&tripped))?;
            if bytes.len() as u64 != size {
                return Err(Refusal::damaged(Check::Archive, "l'archive est tronquée"));
            }
            entries.insert(name, bytes);
        }
    }
    // Read to the end, so that a truncated or altered compressed stream (its checksum) is caught
    // even past the last entry.
    let mut rest = archive.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(|_| archive_error(&tripped))?;
    Ok(entries)
}

fn verify(mut entries: BTreeMap<String, Vec<u8>>, sealed: bool, file_sha256: String) -> Result<OpenedBundle, Refusal> {
    let manifest_bytes = entries.remove(MANIFEST).ok_or_else(|| {
        Refusal::new(
            Check::Manifest,
            "le manifeste est absent : ce n'est pas un paquet complet ; demandez un nouvel export",
        )
    })?;
    let value: Value = serde_json::from_slice(&manifest_bytes)
        .map_err(|_| Refusal::damaged(Check::Manifest, "le manifeste est illisible"))?;
    let format = value.get("format").and_then(Value::as_u64).ok_or_else(|| {
        Refusal::new(
            Check::Manifest,
            "le manifeste n'indique pas de version de format : ce n'est pas un paquet Maillage",
        )
    })?;
    if format > FORMAT_VERSION as u64 {
        return Err(Refusal::new(
            Check::Version,
            format!("ce paquet a été fait par une version plus récente de Maillage (format {format}, celle-ci lit le format {FORMAT_VERSION}) : mettez à jour Maillage"),
        ));
    }
    if format < FORMAT_VERSION as u64 {
        return Err(Refusal::new(
            Check::Version,
            format!("ce paquet est d'un format ancien (format {format}) que cette version ne lit plus : demandez un nouvel export fait avec une version à jour"),
        ));
    }
    let known_schema = crate::store::schema::SCHEMA_VERSION as u64;
    match value.get("schema_version").and_then(Value::as_u64) {
        Some(schema) if schema > known_schema => {
            return Err(Refusal::new(
                Check::Version,
                format!("ce paquet vient d'une version plus récente de Maillage (schéma {schema}, celle-ci connaît le schéma {known_schema}) : mettez à jour Maillage"),
            ))
        }
        Some(_) => {}
        None => return Err(Refusal::damaged(Check::Manifest, "le manifeste n'indique pas de version de schéma")),
    }

    let signature = entries.remove(SIGNATURE).ok_or_else(|| {
        Refusal::new(
            Check::Signature,
            "la signature est absente : rien ne prouve que ce paquet vient de l'appareil annoncé ; demandez un nouvel export",
        )
    })?;
    let signature = std::str::from_utf8(&signature).ok().and_then(|s| unhex::<64>(s.trim())).ok_or_else(|| {
        Refusal::new(
            Check::Signature,
            "la signature est illisible : le fichier a été modifié ; demandez un nouvel export",
        )
    })?;
    let key = value
        .get("device_key")
        .and_then(Value::as_str)
        .and_then(unhex::<32>)
        .and_then(|k| VerifyingKey::from_bytes(&k).ok())
        .ok_or_else(|| {
            Refusal::new(Check::Signature, "la clé de l'appareil indiquée par le manifeste est illisible")
        })?;
    key.verify_strict(&manifest_bytes, &Signature::from_bytes(&signature)).map_err(|_| {
        Refusal::new(
            Check::Signature,
            "la signature ne correspond pas : le paquet a été modifié après sa création, ou n'a pas été fait par l'appareil qu'il annonce ; ne l'importez pas et demandez un nouvel export",
        )
    })?;
    let manifest: Manifest = serde_path_to_error::deserialize(value).map_err(|e| {
        Refusal::new(
            Check::Manifest,
            format!(
                "le manifeste n'est pas conforme (champ « {} ») : demandez un nouvel export",
                kinds::field_name(e.path().to_string().trim_start_matches('.'))
            ),
        )
    })?;
    check_manifest(&manifest)?;

    // Every entry listed, none extra, each with its size and hash.
    let mut listed = BTreeSet::new();
    for digest in &manifest.entries {
        check_entry_name(&digest.name)?;
        if digest.name == MANIFEST || digest.name == SIGNATURE || !listed.insert(digest.name.as_str()) {
            return Err(Refusal::new(
                Check::EntryList,
                "le manifeste liste une entrée deux fois : demandez un nouvel export",
            ));
        }
        let bytes = entries.get(&digest.name).ok_or_else(|| {
            Refusal::new(
                Check::EntryList,
                format!("l'entrée « {} » annoncée par le manifeste manque : le paquet est incomplet ; demandez un nouvel export", digest.name),
            )
        })?;
        if bytes.len() as u64 != digest.size || sha256_hex(bytes) != digest.sha256 {
            return Err(Refusal::new(
                Check::EntryHash,
                format!("l'empreinte de l'entrée « {} » ne correspond pas au manifeste : le contenu a été modifié ou abîmé ; demandez un nouvel export", digest.name),
            ));
        }
    }
    if let Some(extra) = entries.keys().find(|name| !listed.contains(name.as_str())) {
        return Err(Refusal::new(
            Check::EntryList,
            format!("l'entrée « {extra} » n'est pas annoncée par le manifeste : quelqu'un l'a ajoutée ; ne l'importez pas et demandez un nouvel export"),
        ));
    }

    // The records.
    let mut records = Vec::new();
    let mut losers = Vec::new();
    let mut lineage = Vec::new();
    let mut attachments = BTreeMap::new();
    let mut erasures: Vec<crate::privacy::Erasure> = Vec::new();
    let mut counts: BTreeMap<String, super::KindCount> = BTreeMap::new();
    let mut ids = HashSet::new();
    for (name, bytes) in entries {
        if let Some(kind) = name.strip_prefix(RECORDS_DIR).and_then(|r| r.strip_suffix(".jsonl")) {
            let kind: Kind =
                kind.parse().map_err(|_| Refusal::new(Check::EntryName, "type d'enregistrement inconnu"))?;
            let count = counts.entry(kind.as_str().to_string()).or_default();
            for_each_line(&name, &bytes, |line_no, line| {
                let incoming = check_record(&name, line_no, line, Some(kind))?;
                if !ids.insert(incoming.record.id) {
                    return Err(Refusal::new(
                        Check::Records,
                        format!(
                            "l'enregistrement {} figure deux fois dans le paquet : demandez un nouvel export",
                            incoming.record.id
                        ),
                    ));
                }
                if incoming.record.deleted {
                    count.deleted += 1;
                } else {
                    count.live += 1;
                }
                records.push(incoming);
                Ok(())
            })?;
        } else if name == CONFLICTS {
            for_each_line(&name, &bytes, |line_no, line| {
                losers.push(check_record(&name, line_no, line, None)?);
                Ok(())
            })?;
        } else if name == LINEAGE {
            for_each_line(&name, &bytes, |line_no, line| {
                let edge: LineageEdge = serde_json::from_slice(line).map_err(|_| {
                    Refusal::new(
                        Check::Records,
                        format!("ligne {line_no} de « {name} » illisible : demandez un nouvel export"),
                    )
                })?;
                if edge.parent >= edge.version {
                    return Err(Refusal::new(
                        Check::Records,
                        format!("ligne {line_no} de « {name} » : une version remplacerait une version plus récente"),
                    ));
                }
                lineage.push(edge);
                Ok(())
            })?;
        } else if name == ERASURES {
            for_each_line(&name, &bytes, |line_no, line| {
                erasures.push(check_erasure(&name, line_no, line)?);
                Ok(())
            })?;
        } else if let Some(sha) = name.strip_prefix(ATTACHMENTS_DIR) {
            if sha256_hex(&bytes) != sha {
                return Err(Refusal::new(
                    Check::EntryHash,
                    format!("le contenu de la pièce jointe « {name} » ne correspond pas à son empreinte : demandez un nouvel export"),
                ));
            }
            attachments.insert(sha.to_string(), bytes);
        }
    }
    let declared: BTreeMap<&String, &super::KindCount> =
        manifest.counts.iter().filter(|(_, c)| c.live + c.deleted > 0).collect();
    let found: BTreeMap<&String, &super::KindCount> = counts.iter().filter(|(_, c)| c.live + c.deleted > 0).collect();
    if declared != found {
        return Err(Refusal::new(
            Check::Records,
            "le nombre d'enregistrements ne correspond pas à celui qu'annonce le manifeste : demandez un nouvel export",
        ));
    }
    // Every loser and lineage edge belongs to a record the bundle carries.
    if let Some(l) = losers.iter().find(|l| !ids.contains(&l.record.id)) {
        return Err(Refusal::new(
            Check::Records,
            format!(
                "une version en conflit de {} arrive sans l'enregistrement lui-même : demandez un nouvel export",
                l.record.id
            ),
        ));
    }
    if let Some(e) = lineage.iter().find(|e| !ids.contains(&e.record_id)) {
        return Err(Refusal::new(
            Check::Records,
            format!(
                "l'historique de {} arrive sans l'enregistrement lui-même : demandez un nouvel export",
                e.record_id
            ),
        ));
    }
    erasures.sort();
    if erasures.windows(2).any(|w| w[0].person_id == w[1].person_id) {
        return Err(Refusal::new(
            Check::Records,
            format!("une personne est effacée deux fois dans « {ERASURES} » : demandez un nouvel export"),
        ));
    }
    if let Some(r) = records
        .iter()
        .find(|r| r.record.kind != Kind::Person && erasures.binary_search_by(|e| e.person_id.cmp(&r.record.id)).is_ok())
    {
        return Err(Refusal::new(
            Check::Records,
            format!(
                "l'effacement {} désigne un(e) {} du paquet, pas une personne : demandez un nouvel export",
                r.record.id,
                r.record.kind.label_fr()
            ),
        ));
    }
    Ok(OpenedBundle { manifest, sealed, file_sha256, records, losers, lineage, attachments, erasures })
}

/// The coverages a manifest may declare: every record, what changed since a bundle, or
/// headquarters' library.
pub const COVERAGES: [&str; 3] = ["full", "since", "library"];

/// The longest territory name a manifest may carry (a territory's own rule).
const MAX_TERRITORY_NAME_CHARS: usize = 200;

/// The envelope rules of a record, applied to the manifest once it is parsed: the facilitator's
/// name as `created_by` (it is kept in the device-key table and the import history), the
/// creation time in RFC 3339, territory names as the territory's own rule, a coverage this
/// reader knows. The refusal names the field, never the value.
fn check_manifest(manifest: &Manifest) -> Result<(), Refusal> {
    let refuse = |field: &str, expected: &str| {
        Refusal::new(
            Check::Manifest,
            format!("le manifeste n'est pas conforme : le champ « {field} » {expected} ; demandez un nouvel export"),
        )
    };
    let text = |field: &str, value: &str, max: usize| {
        if value.chars().count() > max {
            return Err(refuse(field, &format!("dépasse {max} caractères")));
        }
        if value.chars().any(kinds::is_forbidden_char) {
            return Err(refuse(field, "contient un caractère invisible (caractère de contrôle)"));
        }
        Ok(())
    };
    text("facilitator", &manifest.facilitator, crate::domain::MAX_FACILITATOR_CHARS)?;
    if manifest.created_at.len() > 40 || chrono::DateTime::parse_from_rfc3339(&manifest.created_at).is_err() {
        return Err(refuse("created_at", "attend une date et une heure RFC 3339 (2026-11-22T09:12:03.120Z)"));
    }
    for (i, territory) in manifest.territories.iter().enumerate() {
        text(&format!("territories[{i}].name"), &territory.name, MAX_TERRITORY_NAME_CHARS)?;
    }
    if !COVERAGES.contains(&manifest.covers.mode.as_str()) {
        let known = COVERAGES.map(|c| format!("« {c} »")).join(", ");
        return Err(refuse("covers.mode", &format!("attend l'une des couvertures {known}")));
    }
    Ok(())
}

/// One line of `erasures.jsonl`: a person's id and a day, nothing else.
fn check_erasure(entry: &str, line_no: usize, line: &[u8]) -> Result<crate::privacy::Erasure, Refusal> {
    let refuse = |what: &str| {
        Refusal::new(Check::Records, format!("ligne {line_no} de « {entry} » : {what} ; demandez un nouvel export"))
    };
    let erasure: crate::privacy::Erasure = serde_json::from_slice(line)
        .map_err(|_| refuse("illisible (attendu l'identifiant d'une personne et une date, rien d'autre)"))?;
    kinds::check_date("erased_on", &erasure.erased_on)
        .map_err(|_| refuse("la date d'effacement n'est pas une date"))?;
    Ok(erasure)
}

fn for_each_line(
    name: &str,
    bytes: &[u8],
    mut f: impl FnMut(usize, &[u8]) -> Result<(), Refusal>,
) -> Result<(), Refusal> {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return Err(Refusal::damaged(Check::Records, format!("la dernière ligne de « {name} » est coupée")));
    }
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        f(index + 1, line)?;
    }
    Ok(())
}

/// Parses one record line and checks it as the store would: envelope, kind, the kind's rules,
/// tombstones with no data. Returns it with its data in canonical form.
pub fn check_record(entry: &str, line_no: usize, line: &[u8], kind: Option<Kind>) -> Result<Incoming, Refusal> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let mut record: Record = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = kinds::field_name(e.path().to_string().trim_start_matches('.'));
        Refusal::new(
            Check::Records,
            format!("ligne {line_no} de « {entry} » illisible (champ « {field} ») : demandez un nouvel export"),
        )
    })?;
    let at = |message: String| {
        Refusal::new(
            Check::Records,
            format!("{} {} (ligne {line_no} de « {entry} ») : {message}", record.kind, record.id),
        )
    };
    record.check_envelope(crate::domain::clock::wall_ms()).map_err(|e| at(e.message))?;
    // The pseudo-device authored the shipped defaults only: an edit of one keeps it as creator.
    let reserved_creator =
        record.created_device == crate::domain::DeviceId::SHIPPED && !crate::defaults::is_shipped_id(record.id);
    if reserved_creator || (record.claims_shipped() && !crate::defaults::is_shipped_exactly(&record)) {
        return Err(at(
            "la version réservée aux contenus livrés avec Maillage est portée par un autre contenu : ce paquet a été fabriqué, ne l'importez pas".into(),
        ));
    }
    if kind.is_some_and(|k| k != record.kind) {
        return Err(at(format!(
            "un(e) {} rangé(e) parmi les {}",
            record.kind.label_fr(),
            kind.map(Kind::as_str).unwrap_or("")
        )));
    }
    let (title, date, references) = if record.deleted {
        if record.data.as_object().is_none_or(|o| !o.is_empty()) {
            return Err(at("une suppression ne doit porter aucune donnée".into()));
        }
        (String::new(), None, Vec::new())
    } else {
        let validated = kinds::validate(record.kind, record.data.clone()).map_err(|e| at(e.message))?;
        let expected: Option<RecordId> =
            if record.kind == Kind::Territory { Some(record.id) } else { validated.territory_id };
        if record.territory_id != expected {
            return Err(at("le territoire de l'enveloppe ne correspond pas à celui des données".into()));
        }
        record.data = validated.data;
        (validated.title, validated.date, validated.references)
    };
    let line = crate::domain::record_line(&record);
    Ok(Incoming { record, line, title, date, references })
}
