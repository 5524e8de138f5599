//! The selection committee at headquarters: a practice a facilitator proposed arrives by its
//! bundle, three members review it, the committee decides with its reasons, edits a version for
//! publication (the proposal kept, the differences listed) and publishes it under the library's
//! themes; the committee sits at headquarters only, and a draft never reaches it.

use maillage_core::api::WorkspaceMode;
use maillage_core::domain::vocabulary::CommitteeDecision;
use maillage_core::domain::Kind;
use serde_json::json;

use crate::exchange::Device;

#[test]
fn a_proposed_practice_is_reviewed_decided_edited_and_published_at_headquarters() {
    let mut camille = Device::new("Camille");
    let t = camille.territory("Valmont");
    let mut data = camille.api.get(Kind::Territory, t).unwrap().data;
    data["departement_code"] = json!("93");
    camille.api.put(Kind::Territory, Some(t), data).unwrap();
    let proposed = camille
        .api
        .put(
            Kind::Practice,
            None,
            json!({"territory_id": t, "title": "Référent unique collège", "objectives": "Un interlocuteur pour les familles",
                   "means": "Une demi-journée par semaine", "contacts": "Mme Quillebeuf, CPE", "status": "proposee"}),
        )
        .unwrap()
        .id;
    let draft = camille
        .api
        .put(Kind::Practice, None, json!({"territory_id": t, "title": "Idée en cours", "status": "brouillon"}))
        .unwrap()
        .id;

    let hq = Device::new("Siège");
    // Not in a territory's workspace.
    let refused = hq.api.review_practice(proposed, "Département", [3, 3, 3], "").unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("mode"));
    hq.api.encrypt("la phrase du siège national").unwrap();
    hq.api.set_workspace(WorkspaceMode::Siege).unwrap();
    hq.import(&camille.export(false));

    let queue = hq.api.committee_queue().unwrap();
    assert_eq!(queue.len(), 1, "a draft never reaches the committee");
    assert_eq!((queue[0].practice_id, queue[0].decision), (proposed, None));
    assert_eq!(queue[0].departement_code.as_deref(), Some("93"));
    assert!(hq.api.review_practice(draft, "Département", [3, 3, 3], "").is_err());

    for (who, scores) in [("Département", [4, 3, 4]), ("Association", [3, 2, 4]), ("Préfecture", [4, 4, 3])] {
        hq.api.review_practice(proposed, who, scores, "Pertinent pour le collège").unwrap();
    }
    let out_of_range = hq.api.review_practice(proposed, "État", [5, 1, 1], "").unwrap_err();
    assert_eq!(out_of_range.field.as_deref(), Some("relevance"));
    let entry = &hq.api.committee_queue().unwrap()[0];
    assert_eq!(entry.reviews.len(), 3);
    let means = entry.means.unwrap();
    assert!(
        (means[0] - 11.0 / 3.0).abs() < 1e-9 && (means[1] - 3.0).abs() < 1e-9 && (means[2] - 11.0 / 3.0).abs() < 1e-9
    );

    // Publishing comes after a decision to retain.
    assert_eq!(hq.api.publish_practice(proposed, &[]).unwrap_err().field.as_deref(), Some("practice_id"));
    let rejected = hq.api.decide_practice(proposed, false, "Trop proche d'un dispositif existant").unwrap();
    assert_eq!(rejected.data["decision"], "ecartee");
    assert_eq!(hq.api.publish_practice(proposed, &[]).unwrap_err().field.as_deref(), Some("decision"));
    let sheet = hq.api.decide_practice(proposed, true, "Transposable, effets mesurés").unwrap();
    assert_eq!(sheet.id, rejected.id, "deciding again updates the one sheet");
    // The sheet starts as the proposal, without its contacts; the edited version is the committee's.
    assert_eq!(sheet.data["title"], "Référent unique collège");
    assert!(!sheet.data.to_string().contains("Quillebeuf"));
    assert_eq!(sheet.data["territory_kind"], "qpv");
    assert!(hq.api.practice_differences(proposed).unwrap().is_empty());
    let mut edited = sheet.data.clone();
    edited["title"] = json!("Un référent unique pour les familles au collège");
    hq.api.put(Kind::LibrarySheet, Some(sheet.id), edited).unwrap();
    let differences = hq.api.practice_differences(proposed).unwrap();
    assert_eq!(differences.len(), 1);
    assert_eq!((differences[0].label.as_str(), differences[0].proposed.as_str()), ("Titre", "Référent unique collège"));
    assert_eq!(
        hq.api.get(Kind::Practice, proposed).unwrap().data["title"],
        "Référent unique collège",
        "the proposal is kept"
    );

    let themes = hq.api.library_themes().unwrap();
    assert!(themes.contains(&"Partenariats entre acteurs".to_string()));
    let unknown = hq.api.publish_practice(proposed, &["Pas un thème".into()]).unwrap_err();
    assert_eq!(unknown.field.as_deref(), Some("themes"));
    let published =
        hq.api.publish_practice(proposed, &["Parents".into(), "Partenariats entre acteurs".into()]).unwrap();
    assert!(published.data["published_on"].is_string());
    assert_eq!(published.data["themes"], json!(["Parents", "Partenariats entre acteurs"]));
    let entry = &hq.api.committee_queue().unwrap()[0];
    assert_eq!((entry.decision, entry.published_on.is_some()), (Some(CommitteeDecision::Retenue), true));

    // The list of themes is headquarters' to edit.
    let edited = hq.api.set_library_themes(vec!["Parents".into(), " Sortie et autonomie ".into()]).unwrap();
    assert_eq!(edited, vec!["Parents".to_string(), "Sortie et autonomie".to_string()]);
    assert!(hq.api.set_library_themes(vec![]).is_err());
    assert!(hq.api.set_library_themes(vec!["A".into(), "A".into()]).is_err());
}
