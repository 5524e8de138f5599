//! Demo data: a realistic French territory (actors of every category, persons with consent states,
//! cooperation links, a roadmap, interviews that answer the shipped guide with themes and quotes,
//! workshops with decisions, actions with indicators and measurements, a practice sheet).
//!
//! Deterministic: the same request gives the same records with the same ids, so running the same
//! demo twice replaces it instead of duplicating it. Facilitators discover the application with
//! it; tests and benchmarks use it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::defaults;
use crate::domain::kinds::{InterviewGuide, Invalid};
use crate::domain::vocabulary::ActorCategory;
use crate::domain::PutItem;
use crate::domain::{Kind, RecordId};

/// What demo territory to write.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoRequest {
    pub territory: String,
    #[serde(default = "default_interviews")]
    #[cfg_attr(feature = "ts", ts(as = "Option<u32>", optional))]
    pub interviews: u32,
    #[serde(default = "default_workshops")]
    #[cfg_attr(feature = "ts", ts(as = "Option<u32>", optional))]
    pub workshops: u32,
    #[serde(default = "default_actions")]
    #[cfg_attr(feature = "ts", ts(as = "Option<u32>", optional))]
    pub actions: u32,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<u64>", optional))]
    pub seed: u64,
}

fn default_interviews() -> u32 {
    12
}
fn default_workshops() -> u32 {
    4
}
fn default_actions() -> u32 {
    8
}

const CORPUS: &str = include_str!("../defaults/demo_corpus.json");

#[derive(Deserialize)]
struct Corpus {
    first_names: Vec<String>,
    last_names: Vec<String>,
    roles: Vec<String>,
    places: Vec<String>,
    organisations: BTreeMap<String, Vec<String>>,
    answers: BTreeMap<String, Vec<String>>,
    quotes: BTreeMap<String, Vec<String>>,
    interview_notes: Vec<String>,
    workshop_agendas: Vec<Vec<String>>,
    workshop_questions: Vec<String>,
    workshop_notes: Vec<String>,
    decisions: Vec<String>,
    actions: Vec<ActionIdea>,
    indicators: Vec<IndicatorIdea>,
    practices: Vec<Value>,
    roadmap: RoadmapIdeas,
}

#[derive(Deserialize)]
struct ActionIdea {
    title: String,
    objective: String,
    hypothesis: String,
    resources: String,
}

#[derive(Deserialize)]
struct IndicatorIdea {
    name: String,
    unit: String,
    baseline: f64,
    target: f64,
}

#[derive(Deserialize)]
struct RoadmapIdeas {
    stakes: Vec<String>,
    context: Vec<String>,
    questions: Vec<String>,
    objectives: Vec<String>,
    organisation: Vec<String>,
}

/// SplitMix64: small, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, salt: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in salt.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(seed ^ h)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// A UUID v7 whose time and random bits come from this generator: ordered and reproducible.
    fn id(&mut self, ms: u64) -> RecordId {
        let random = self.next().to_le_bytes();
        let more = self.next().to_le_bytes();
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&random);
        bytes[8..].copy_from_slice(&more[..2]);
        RecordId(uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid())
    }
    /// A day between `start` and `start + span` days, as YYYY-MM-DD.
    fn day(&mut self, start: chrono::NaiveDate, span: u32) -> String {
        (start + chrono::Days::new(self.below(span as usize + 1) as u64)).format("%Y-%m-%d").to_string()
    }
}

struct Builder {
    /// Its own generator, so that ids do not shift when the content drawn changes.
    ids: Rng,
    ms: u64,
    items: Vec<PutItem>,
}

impl Builder {
    fn add(&mut self, kind: Kind, data: Value) -> RecordId {
        self.ms += 1;
        let id = self.ids.id(self.ms);
        self.items.push(PutItem { kind, id: Some(id), data });
        id
    }
}

fn invalid(message: &str) -> Invalid {
    Invalid { field: String::new(), message: message.to_string() }
}

/// The records of one demo territory, the territory first, in an order that satisfies references.
pub fn generate(req: &DemoRequest) -> Result<Vec<PutItem>, Invalid> {
    let name = req.territory.trim();
    if name.is_empty() {
        return Err(Invalid {
            field: "territory".into(),
            message: "indiquez le nom du territoire de démonstration".into(),
        });
    }
    if req.interviews > 100_000 || req.workshops > 100_000 || req.actions > 100_000 {
        return Err(invalid("une démonstration compte au plus 100 000 entretiens, ateliers ou actions"));
    }
    let corpus: Corpus = serde_json::from_str(CORPUS).expect("the demo corpus is valid JSON");
    let guide: InterviewGuide = serde_json::from_value(
        defaults::records().into_iter().find(|(r, _)| r.kind == Kind::InterviewGuide).expect("a shipped guide").0.data,
    )
    .expect("the shipped guide reads back");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 12).expect("a valid day");
    let mut rng = Rng::new(req.seed, name);
    let mut b = Builder { ids: Rng::new(req.seed, &format!("ids:{name}")), ms: 1_767_225_600_000, items: Vec::new() };

    let commune = name.trim_start_matches("Cité éducative de ").trim_start_matches("Cité éducative d'").to_string();
    let territory = b.add(
        Kind::Territory,
        json!({"name": name, "kind": "cite_educative", "departement_code": "93", "communes": [commune],
               "programme": "Dynamiques de coopération des acteurs de la protection de l'enfance",
               "notes": "Territoire de démonstration : les personnes et les structures sont fictives.", "demo": true}),
    );

    // Actors: every category, some twice.
    let mut organisations: Vec<(RecordId, ActorCategory)> = Vec::new();
    for (round, category) in ActorCategory::ALL.iter().chain(ActorCategory::ALL.iter().take(8)).enumerate() {
        let names = corpus.organisations.get(category.code()).filter(|n| !n.is_empty());
        let Some(names) = names else { continue };
        let org_name = names[(round / ActorCategory::ALL.len()) % names.len()].replace("{commune}", &commune);
        let engagement = match category {
            ActorCategory::ParentsHabitants => "habitant",
            ActorCategory::AutreAssociation | ActorCategory::Elus => "benevole",
            _ => "professionnel",
        };
        let all_fields =
            ["scolaire", "periscolaire", "extrascolaire", "parentalite", "sante", "social", "justice", "culture_sport"];
        let fields: Vec<&str> = (0..2).map(|_| *rng.pick(&all_fields)).collect();
        let id = b.add(
            Kind::Organisation,
            json!({"territory_id": territory, "name": org_name, "category": category.code(),
                   "engagement": engagement, "fields": fields}),
        );
        organisations.push((id, *category));
    }

    // Persons, with every consent state.
    let mut persons = Vec::new();
    for (i, (org, _)) in organisations.iter().enumerate() {
        for _ in 0..(1 + i % 2) {
            let full = format!("{} {}", rng.pick(&corpus.first_names), rng.pick(&corpus.last_names));
            let role = rng.pick(&corpus.roles).clone();
            let consent = match rng.below(10) {
                0 => json!({"status": "refused", "date": rng.day(start, 60), "how": "oral"}),
                1 => json!({"status": "withdrawn", "date": rng.day(start, 200), "how": "courriel"}),
                2 | 3 => json!({"status": "pending"}),
                _ => json!({"status": "given", "date": rng.day(start, 60), "how": "formulaire signé"}),
            };
            let contact = format!("{}@exemple.org", crate::domain::text::fold(&full).replace(' ', "."));
            let id = b.add(
                Kind::Person,
                json!({"territory_id": territory, "name": full, "role": role, "organisation_id": org,
                       "contact": contact, "consent": consent}),
            );
            persons.push((id, *org));
        }
    }

    // Roadmap.
    let rm = &corpus.roadmap;
    b.add(
        Kind::Roadmap,
        json!({"territory_id": territory,
               "stakes": pick_n(&mut rng, &rm.stakes, 2).join("\n"),
               "context": pick_n(&mut rng, &rm.context, 2).join("\n"),
               "questions": pick_n(&mut rng, &rm.questions, 3).join("\n"),
               "objectives": pick_n(&mut rng, &rm.objectives, 3),
               "sub_territories": [format!("Quartier nord de {commune}"), format!("Centre-ville de {commune}")],
               "organisation_ids": organisations.iter().take(8).map(|(id, _)| *id).collect::<Vec<_>>(),
               "project_organisation": rm.organisation.join("\n\n"),
               "launched_on": "2026-01-12"}),
    );

    // Interviews that answer the guide, with themes and quotes.
    let theme_codes: Vec<&String> = corpus.quotes.keys().collect();
    let questions: Vec<&str> = guide.questions().map(|q| q.code.as_str()).collect();
    let mut interviews = Vec::new();
    for n in 0..req.interviews {
        let (person, org) = *rng.pick(&persons);
        let mut answers = serde_json::Map::new();
        for q in &questions {
            if let Some(options) = corpus.answers.get(*q) {
                if rng.chance(85) {
                    answers.insert(q.to_string(), Value::String(rng.pick(options).clone()));
                }
            }
        }
        let mut passages = Vec::new();
        let mut themes = Vec::new();
        for _ in 0..(1 + rng.below(3)) {
            let code = *rng.pick(&theme_codes);
            let quote = rng.pick(&corpus.quotes[code.as_str()]).clone();
            let q = rng.pick(&questions).to_string();
            let entry = answers.entry(q.clone()).or_insert_with(|| Value::String(String::new()));
            let text = format!("{} « {} »", entry.as_str().unwrap_or_default(), quote).trim().to_string();
            *entry = Value::String(text);
            let theme = defaults::theme_id(code);
            themes.push(theme);
            passages.push(json!({"source": q, "text": quote, "theme_ids": [theme], "quote": rng.chance(60)}));
        }
        themes.sort();
        themes.dedup();
        let status = *rng.pick(&["brouillon", "complet", "complet", "valide"]);
        let id = b.add(
            Kind::Interview,
            json!({"territory_id": territory,
                   "title": format!("Entretien {} — {}", n + 1, rng.pick(&corpus.roles)),
                   "date": rng.day(start, 120), "place": rng.pick(&corpus.places),
                   "interviewer": "Équipe d'animation", "person_ids": [person], "organisation_ids": [org],
                   "guide_id": defaults::guide_id(), "answers": answers,
                   "notes": rng.pick(&corpus.interview_notes), "theme_ids": themes, "passages": passages,
                   "consent": {"status": "given", "date": "2026-01-12", "how": "oral, noté dans le compte rendu"},
                   "status": status}),
        );
        interviews.push(id);
    }

    // Cooperation links observed in interviews.
    let link_kinds = ["information", "instance_commune", "action_co_portee", "suivi_partage"];
    for _ in 0..(organisations.len() * 3 / 2) {
        let (from, _) = *rng.pick(&organisations);
        let (to, _) = *rng.pick(&organisations);
        if from == to {
            continue;
        }
        let source = if interviews.is_empty() { Value::Null } else { json!(rng.pick(&interviews)) };
        b.add(
            Kind::CooperationLink,
            json!({"territory_id": territory, "from_organisation_id": from, "to_organisation_id": to,
                   "kind": rng.pick(&link_kinds), "intensity": rng.below(4), "observed_on": rng.day(start, 150),
                   "source_id": source}),
        );
    }

    // Actions, each with an indicator and measurements.
    let statuses = ["idee", "retenue", "en_cours", "en_cours", "realisee", "abandonnee"];
    let mut actions = Vec::new();
    for n in 0..req.actions {
        let idea = &corpus.actions[n as usize % corpus.actions.len()];
        let title = if (n as usize) < corpus.actions.len() {
            idea.title.clone()
        } else {
            format!("{} ({})", idea.title, n + 1)
        };
        let (lead, _) = *rng.pick(&organisations);
        let partners: Vec<RecordId> = (0..2).map(|_| rng.pick(&organisations).0).filter(|p| *p != lead).collect();
        let impact = 1 + rng.below(5);
        let feasibility = 1 + rng.below(5);
        let action = b.add(
            Kind::Action,
            json!({"territory_id": territory, "title": title, "objective": idea.objective,
                   "hypothesis": idea.hypothesis, "lead_organisation_id": lead, "partner_ids": partners,
                   "priority": {"rank": n + 1, "impact": impact, "feasibility": feasibility},
                   "status": rng.pick(&statuses), "start_date": rng.day(start, 90),
                   "resources": idea.resources}),
        );
        actions.push(action);
        let ind = &corpus.indicators[n as usize % corpus.indicators.len()];
        let indicator = b.add(
            Kind::Indicator,
            json!({"territory_id": territory, "action_id": action, "name": ind.name, "unit": ind.unit,
                   "baseline": ind.baseline, "target": ind.target}),
        );
        for m in 0..3u32 {
            let share = (m + 1) as f64 / 4.0;
            let value = ((ind.baseline + (ind.target - ind.baseline) * share) * 10.0).round() / 10.0;
            let day = start + chrono::Days::new(120 + 60 * m as u64);
            b.add(
                Kind::Measurement,
                json!({"territory_id": territory, "indicator_id": indicator, "date": day.format("%Y-%m-%d").to_string(),
                       "value": value, "comment": if m == 0 { "Premier relevé" } else { "" }}),
            );
        }
    }

    // Workshops, whose decisions point at the actions they led to.
    let kinds = ["copil", "groupe_travail", "atelier_echanges", "groupe_travail", "club"];
    for n in 0..req.workshops {
        let kind = kinds[n as usize % kinds.len()];
        let participants: Vec<Value> = (0..6)
            .map(|_| {
                let (person, org) = *rng.pick(&persons);
                let attendance = *rng.pick(&["present", "present", "present", "excuse", "absent"]);
                json!({"person_id": person, "organisation_id": org, "attendance": attendance})
            })
            .collect();
        let notes: Vec<Value> = pick_n(&mut rng, &corpus.workshop_questions, 2)
            .into_iter()
            .map(|q| json!({"question": q, "text": rng.pick(&corpus.workshop_notes)}))
            .collect();
        let decisions: Vec<Value> = (0..2)
            .map(|i| {
                let action = if i == 0 && !actions.is_empty() && rng.chance(50) {
                    json!(rng.pick(&actions))
                } else {
                    Value::Null
                };
                json!({"text": rng.pick(&corpus.decisions), "action_id": action})
            })
            .collect();
        let label = match kind {
            "copil" => "COPIL territorial",
            "groupe_travail" => "Groupe de travail",
            "atelier_echanges" => "Atelier d'échanges",
            _ => "Club des cités éducatives",
        };
        b.add(
            Kind::Workshop,
            json!({"territory_id": territory, "kind": kind, "title": format!("{label} n° {}", n + 1),
                   "date": rng.day(start, 200), "place": rng.pick(&corpus.places), "participants": participants,
                   "agenda": rng.pick(&corpus.workshop_agendas), "notes": notes, "decisions": decisions}),
        );
    }

    // Practice sheets.
    for (i, p) in corpus.practices.iter().take(2).enumerate() {
        let mut sheet = p.clone();
        if let Some(obj) = sheet.as_object_mut() {
            obj.insert("territory_id".into(), json!(territory));
            obj.insert("status".into(), json!(if i == 0 { "proposee" } else { "brouillon" }));
            obj.insert("theme_ids".into(), json!([defaults::theme_id("conditions")]));
            if let Some(action) = actions.get(i) {
                obj.insert("action_id".into(), json!(action));
            }
        }
        b.add(Kind::Practice, sheet);
    }
    Ok(b.items)
}

fn pick_n(rng: &mut Rng, items: &[String], n: usize) -> Vec<String> {
    let mut chosen: Vec<String> = Vec::new();
    for _ in 0..n * 3 {
        if chosen.len() == n.min(items.len()) {
            break;
        }
        let item = rng.pick(items);
        if !chosen.contains(item) {
            chosen.push(item.clone());
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(seed: u64) -> DemoRequest {
        DemoRequest { territory: "Cité éducative de Valmont".into(), interviews: 5, workshops: 3, actions: 4, seed }
    }

    #[test]
    fn the_same_seed_gives_the_same_records() {
        assert_eq!(generate(&req(3)).unwrap(), generate(&req(3)).unwrap());
        assert_ne!(generate(&req(3)).unwrap(), generate(&req(4)).unwrap());
    }

    #[test]
    fn every_actor_category_is_represented() {
        let items = generate(&req(1)).unwrap();
        for category in ActorCategory::ALL {
            assert!(
                items.iter().any(|i| i.kind == Kind::Organisation && i.data["category"] == category.code()),
                "no organisation of category {}",
                category.code()
            );
        }
    }
}
