//! What headquarters sends back: the library bundle signed with headquarters' key, trusted once by
//! a facilitator's device from `hq.pub`; the library, « s'en inspirer », the committee's feedback
//! and the national meetings on the facilitator's side; and every refusal: a device that has not
//! trusted headquarters, another signer, a headquarters bundle carrying a territory's record, a
//! device's bundle carrying headquarters' records.

use maillage_core::api::{LibraryFilter, TrustedKey, WorkspaceMode};
use maillage_core::domain::vocabulary::CommitteeDecision;
use maillage_core::domain::{Kind, RecordId};
use serde_json::{json, Value};

use crate::exchange::{pack, resign, unpack, Device};

/// A facilitator with a territory and a proposed practice, and headquarters that imported it.
struct Setting {
    camille: Device,
    hq: Device,
    territory: RecordId,
    practice: RecordId,
}

fn headquarters(name: &str) -> Device {
    let hq = Device::new(name);
    hq.api.encrypt("la phrase du siège national").unwrap();
    hq.api.set_workspace(WorkspaceMode::Siege).unwrap();
    hq
}

fn setting() -> Setting {
    let mut camille = Device::new("Camille");
    let territory = camille.territory("Valmont");
    let mut data = camille.api.get(Kind::Territory, territory).unwrap().data;
    data["departement_code"] = json!("93");
    camille.api.put(Kind::Territory, Some(territory), data).unwrap();
    let practice = camille
        .api
        .put(
            Kind::Practice,
            None,
            json!({"territory_id": territory, "title": "Référent unique collège", "objectives": "Un interlocuteur pour les familles",
                   "means": "Une demi-journée par semaine", "expected_results": "Moins de ruptures de parcours",
                   "contacts": "Mme Quillebeuf, CPE", "status": "proposee"}),
        )
        .unwrap()
        .id;
    let hq = headquarters("Siège");
    hq.import(&camille.export(false));
    Setting { camille, hq, territory, practice }
}

fn hq_pub(hq: &Device) -> std::path::PathBuf {
    hq.dir.path().join("hq.pub")
}

/// Headquarters publishes the library; returns the bundle's bytes.
fn publish(hq: &Device, name: &str) -> Vec<u8> {
    let out = hq.dir.path().join(name);
    hq.api.publish_library(&out, false).unwrap();
    std::fs::read(out).unwrap()
}

/// Headquarters' signing key, read from its secret key file as an independent reader would.
fn hq_signing_key(hq: &Device) -> ed25519_dalek::SigningKey {
    let text = std::fs::read_to_string(hq.dir.path().join("hq.key")).unwrap();
    let hex = text.lines().find_map(|l| l.strip_prefix("# MAILLAGE-SIGNATURE-ED25519-SECRETE: ")).unwrap();
    ed25519_dalek::SigningKey::from_bytes(&maillage_core::bundle::unhex::<32>(hex.trim()).unwrap())
}

fn retain_and_publish(hq: &Device, practice: RecordId) -> RecordId {
    for (who, scores) in [("Département", [4, 3, 4]), ("Association", [3, 2, 4]), ("Préfecture", [4, 4, 3])] {
        hq.api.review_practice(practice, who, scores, "Transposable").unwrap();
    }
    let sheet = hq.api.decide_practice(practice, true, "Effets mesurés, transposable").unwrap();
    let mut edited = sheet.data.clone();
    edited["title"] = json!("Un référent unique pour les familles au collège");
    hq.api.put(Kind::LibrarySheet, Some(sheet.id), edited).unwrap();
    hq.api.publish_practice(practice, &["Parents".to_string()]).unwrap();
    sheet.id
}

#[test]
fn the_library_goes_back_to_the_territory_signed_by_headquarters() {
    let Setting { camille, hq, territory, practice } = setting();
    let sheet = retain_and_publish(&hq, practice);
    let meeting = hq
        .api
        .put(
            Kind::NationalMeeting,
            None,
            json!({"meeting_kind": "copil_national", "held_on": "2026-11-20", "title": "COPIL national de novembre",
                   "participants": [{"territory_id": territory, "who": "Cheffe de projet", "present": true}],
                   "decisions": [{"text": "Chaque territoire présente une action au Club", "territory_ids": []},
                                 {"text": "Valmont accueille la prochaine séance", "territory_ids": [territory]}],
                   "follow_ups": [{"text": "Envoyer le bilan du diagnostic", "territory_id": territory, "due_on": "2027-01-15"}]}),
        )
        .unwrap()
        .id;
    let bundle = publish(&hq, "bibliotheque.maillage");
    // Headquarters' own records never travel in a device's bundle, its reviews never at all.
    assert!(!String::from_utf8_lossy(&zstd::decode_all(bundle.as_slice()).unwrap()).contains("Préfecture"));

    // Before trusting headquarters' key, the device refuses the library, and nothing changes.
    let before = camille.snapshot();
    let refused = camille.try_import(&bundle).unwrap_err();
    assert!(refused.message.contains("pas encore reconnu la clé du siège"), "{}", refused.message);
    assert_eq!(camille.snapshot(), before);

    let TrustedKey::Headquarters(trust) = camille.api.trust_key_file(&hq_pub(&hq)).unwrap() else {
        panic!("hq.pub is headquarters' key file")
    };
    assert_eq!(Some(trust.fingerprint.clone()), camille.api.trusted_hq_key().unwrap());
    assert_eq!(camille.api.hq_public_keys().unwrap(), vec![trust.recipient.clone()], "exports are now sealed for it");
    let own_before = camille.api.list(Kind::Practice, None).unwrap();
    let report = camille.import(&bundle);
    assert_eq!(report.key_status, maillage_core::api::KeyStatus::Headquarters);
    assert_eq!(report.device_fingerprint, trust.fingerprint);
    assert_eq!(camille.api.list(Kind::Practice, None).unwrap(), own_before, "nothing of the facilitator's own changes");

    // The library: the edited version, its origin (never a person), found by the global search.
    let library = camille.api.library(&LibraryFilter::default()).unwrap();
    assert_eq!(library.len(), 1);
    assert_eq!(library[0].sheet.title, "Un référent unique pour les familles au collège");
    assert_eq!(library[0].origin, "Quartier prioritaire (QPV) · 93");
    assert!(!serde_json::to_string(&library).unwrap().contains("Quillebeuf"));
    let hits = camille
        .api
        .search(&maillage_core::api::SearchRequest { query: "référent familles".into(), ..Default::default() })
        .unwrap();
    assert!(hits.iter().any(|h| h.id == sheet && h.kind == Kind::LibrarySheet), "{hits:?}");
    let in_territory = camille
        .api
        .search(&maillage_core::api::SearchRequest {
            query: "référent familles".into(),
            territory_id: Some(territory),
            ..Default::default()
        })
        .unwrap();
    assert!(in_territory.iter().any(|h| h.id == sheet), "a territory's search finds the library too: {in_territory:?}");
    let by_theme =
        |t: &str| camille.api.library(&LibraryFilter { theme: Some(t.into()), ..Default::default() }).unwrap().len();
    assert_eq!((by_theme("Parents"), by_theme("Sortie et autonomie")), (1, 0));
    let by_query =
        |q: &str| camille.api.library(&LibraryFilter { query: Some(q.into()), ..Default::default() }).unwrap().len();
    assert_eq!((by_query("collège"), by_query("placement")), (1, 0));

    // « S'en inspirer »: an action of the territory, prefilled, linked to the sheet.
    let action = camille.api.adopt_practice(sheet, territory).unwrap();
    assert_eq!(action.kind, Kind::Action);
    assert_eq!(action.territory_id, Some(territory));
    assert_eq!(action.data["inspired_by"], json!(sheet));
    assert_eq!(action.data["objective"], "Un interlocuteur pour les familles");
    assert_eq!(action.data["hypothesis"], "Moins de ruptures de parcours");
    assert_eq!(action.data["resources"], "Une demi-journée par semaine");

    // The committee's feedback on the territory's own proposal, and the meetings that concern it.
    let feedback = camille.api.practice_feedback(territory).unwrap();
    assert_eq!(feedback.len(), 1);
    assert_eq!((feedback[0].practice_id, feedback[0].decision), (practice, CommitteeDecision::Retenue));
    assert_eq!(feedback[0].reasons, "Effets mesurés, transposable");
    assert_eq!(feedback[0].differences.len(), 1, "{:?}", feedback[0].differences);
    let meetings = camille.api.territory_meetings(territory).unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].meeting_id, meeting);
    assert_eq!(meetings[0].decisions.len(), 2);
    assert_eq!(meetings[0].follow_ups[0].due_on.as_deref(), Some("2027-01-15"));

    // The library never goes back up in the facilitator's bundle; the adopted action does.
    let mut camille = camille;
    let up = camille.export(false);
    let text = String::from_utf8_lossy(&zstd::decode_all(up.as_slice()).unwrap()).into_owned();
    assert!(!text.contains("library_sheet") && !text.contains("COPIL national"), "headquarters' records stay home");
    let report = hq.import(&up);
    assert!(report.totals.added >= 1, "{report:?}");
    assert_eq!(hq.api.get(Kind::Action, action.id).unwrap().data["inspired_by"], json!(sheet));

    // Facilitators do not write headquarters' records.
    let refused = camille.api.put(
        Kind::NationalMeeting,
        None,
        json!({"meeting_kind": "club", "held_on": "2026-11-20", "title": "x"}),
    );
    assert_eq!(refused.unwrap_err().field.as_deref(), Some("kind"));
}

#[test]
fn a_newer_library_replaces_an_older_one_in_any_order_and_withdrawn_practices_disappear() {
    let Setting { camille, hq, practice, .. } = setting();
    retain_and_publish(&hq, practice);
    let first = publish(&hq, "bibliotheque-1.maillage");
    hq.api.withdraw_practice(practice).unwrap();
    let second = publish(&hq, "bibliotheque-2.maillage");
    camille.api.trust_key_file(&hq_pub(&hq)).unwrap();

    camille.import(&first);
    assert_eq!(camille.api.library(&LibraryFilter::default()).unwrap().len(), 1);
    camille.import(&second);
    assert!(camille.api.library(&LibraryFilter::default()).unwrap().is_empty(), "a withdrawn practice disappears");
    let dump = camille.dump();

    // The other order ends the same, and the older bundle after the newer one changes nothing.
    let other = Device::new("Bao");
    other.api.trust_key_file(&hq_pub(&hq)).unwrap();
    other.import(&second);
    let report = other.import(&first);
    assert_eq!(report.totals.changed(), 0, "{report:?}");
    assert!(other.api.library(&LibraryFilter::default()).unwrap().is_empty());
    let sheets = |d: &Device| d.api.list(Kind::LibrarySheet, None).unwrap();
    assert_eq!(sheets(&other), sheets(&camille));
    assert!(dump.contains("library_sheet"));
}

#[test]
fn a_library_signed_by_another_key_is_refused_with_its_reason() {
    let Setting { camille, hq, practice, .. } = setting();
    retain_and_publish(&hq, practice);
    camille.api.trust_key_file(&hq_pub(&hq)).unwrap();
    let impostor = headquarters("Imposteur");
    impostor
        .api
        .put(
            Kind::NationalMeeting,
            None,
            json!({"meeting_kind": "club", "held_on": "2026-11-20", "title": "Séance du Club"}),
        )
        .unwrap();
    let before = camille.snapshot();
    let refused = camille.try_import(&publish(&impostor, "faux.maillage")).unwrap_err();
    assert!(refused.message.contains("pas signé par la clé du siège reconnue ici"), "{}", refused.message);
    assert_eq!(camille.snapshot(), before, "store unchanged");

    // Trusting another headquarters key afterwards is refused too (both fingerprints said).
    let err = camille.api.trust_key_file(&hq_pub(&impostor)).unwrap_err();
    assert!(err.message.contains("une autre clé du siège"), "{}", err.message);
}

#[test]
fn a_headquarters_bundle_that_changes_a_territory_record_is_refused_and_nothing_changes() {
    let Setting { camille, hq, territory, practice } = setting();
    retain_and_publish(&hq, practice);
    camille.api.trust_key_file(&hq_pub(&hq)).unwrap();
    let genuine = publish(&hq, "bibliotheque.maillage");

    // The same bundle, validly re-signed with headquarters' own key, with the territory renamed.
    let mut entries = unpack(&genuine);
    let mut record = camille.api.get(Kind::Territory, territory).unwrap();
    record.data["name"] = json!("Territoire détourné");
    record.version.counter += 1;
    let line = maillage_core::domain::record_line(&record);
    entries.push(("records/territory.jsonl".into(), format!("{line}\n").into_bytes()));
    resign(&mut entries, &hq_signing_key(&hq), |m: &mut Value| {
        m["counts"]["territory"] = json!({"live": 1, "deleted": 0});
    });
    let before = camille.snapshot();
    let refused = camille.try_import(&pack(&entries)).unwrap_err();
    assert!(refused.message.contains("ne peut changer que la bibliothèque"), "{}", refused.message);
    assert!(!refused.message.contains("détourné"));
    assert_eq!(camille.snapshot(), before, "store unchanged");

    // A device's bundle carrying a library sheet is refused as well.
    let mut entries = unpack(&genuine);
    let key = camille.signing_key();
    let sheet_line = entries.iter().find(|(n, _)| n == "records/library_sheet.jsonl").cloned();
    assert!(sheet_line.is_some());
    entries.retain(|(n, _)| n.starts_with("records/library_sheet") || n.starts_with("manifest"));
    let device = camille.api.keys().unwrap().this_device;
    resign(&mut entries, &key, |m: &mut Value| {
        m["covers"] = json!({"mode": "full", "since_sequence": null});
        m["device_id"] = json!(device.device_id);
        m["device_key"] = json!(device.public_key);
        m["counts"] = json!({"library_sheet": {"live": 1, "deleted": 0}});
    });
    let other = Device::new("Bao");
    let refused = other.try_import(&pack(&entries)).unwrap_err();
    assert!(refused.message.contains("ce que seul le siège écrit"), "{}", refused.message);
}

#[test]
fn hq_pub_names_both_keys_and_an_old_one_is_completed() {
    let hq = headquarters("Siège");
    let text = std::fs::read_to_string(hq_pub(&hq)).unwrap();
    assert!(text.lines().any(|l| l.starts_with("age1")), "{text}");
    let line = text.lines().find_map(|l| l.strip_prefix("# MAILLAGE-SIGNATURE-ED25519-PUBLIQUE: ")).unwrap();
    let public = hq_signing_key(&hq).verifying_key().to_bytes();
    assert_eq!(line.trim(), maillage_core::bundle::hex(&public));

    // A hq.pub written before the signing key existed gains its line (the sealing key unchanged).
    let age_line = text.lines().find(|l| l.starts_with("age1")).unwrap().to_string();
    std::fs::write(hq_pub(&hq), format!("{age_line}\n")).unwrap();
    hq.api.set_workspace(WorkspaceMode::Siege).unwrap();
    let again = std::fs::read_to_string(hq_pub(&hq)).unwrap();
    assert!(again.contains(&age_line) && again.contains(line.trim()), "{again}");
}
