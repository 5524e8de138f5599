//! The shared diagnosis and the evaluation on a large territory (issue 12): 500 organisations,
//! 3,000 cooperation links (distinct pairs, intensity 1 to 3, observed over two years), 300
//! interviews of ten tagged passages (half of the persons without given consent). Each figure is the median of a few runs, in
//! milliseconds; the target is ≤ 1 s each.
//!
//! `MAILLAGE_BENCH_ONLY=analysis` runs this section alone. [`measure`] takes the store and the
//! territory, so that the reports' timings can be added beside the analysis' own.

use std::path::Path;
use std::time::Instant;

use maillage_core::api::{Api, NetworkFormat, PutItem};
use maillage_core::domain::vocabulary::ActorCategory;
use maillage_core::domain::{Kind, RecordId};
use serde_json::{json, Map, Value};

use crate::{open, round3};

pub const ORGANISATIONS: usize = 500;
pub const LINKS: usize = 3_000;
pub const INTERVIEWS: usize = 300;

/// A deterministic pseudo-random sequence (xorshift), so that every run measures the same data.
struct Seq(u64);

impl Seq {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

fn day(seq: &mut Seq) -> String {
    format!("{}-{:02}-{:02}", 2025 + seq.next(2), 1 + seq.next(12), 1 + seq.next(28))
}

/// A store holding the large territory; returns it with the territory's id.
pub fn large_territory(dir: &Path) -> (Api, RecordId) {
    // A store of its own each call (the reports' section builds its territory too).
    let name = (0..).map(|n| format!("analysis-{n}.sqlite3")).find(|n| !dir.join(n).exists()).expect("a free name");
    let api = open(dir, &name);
    let t =
        api.put(Kind::Territory, None, json!({"name": "Grand territoire", "kind": "commune"})).expect("territory").id;
    let themes: Vec<RecordId> = api.list(Kind::Theme, None).expect("themes").into_iter().map(|r| r.id).collect();
    let mut seq = Seq(0x5eed_1234_abcd_0042);
    let mut items = Vec::new();
    let orgs: Vec<RecordId> = (0..ORGANISATIONS).map(|_| RecordId::new()).collect();
    for (i, id) in orgs.iter().enumerate() {
        let category = ActorCategory::ALL[i % ActorCategory::ALL.len()].code();
        items.push(PutItem {
            kind: Kind::Organisation,
            id: Some(*id),
            data: json!({"territory_id": t, "name": format!("Structure n° {i}"), "category": category}),
        });
    }
    let mut pairs = std::collections::HashSet::new();
    while pairs.len() < LINKS {
        let a = seq.next(ORGANISATIONS);
        let b = (a + 1 + seq.next(ORGANISATIONS - 1)) % ORGANISATIONS;
        if !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        let kind = ["information", "instance_commune", "action_co_portee", "suivi_partage"][seq.next(4)];
        items.push(PutItem {
            kind: Kind::CooperationLink,
            id: None,
            data: json!({"territory_id": t, "from_organisation_id": orgs[a], "to_organisation_id": orgs[b],
                         "kind": kind,
                         "intensity": 1 + seq.next(3), "observed_on": day(&mut seq)}),
        });
    }
    for i in 0..INTERVIEWS {
        let person = RecordId::new();
        let consent =
            if i % 2 == 0 { json!({"status": "given", "date": "2025-01-01"}) } else { json!({"status": "pending"}) };
        items.push(PutItem {
            kind: Kind::Person,
            id: Some(person),
            data: json!({"territory_id": t, "name": format!("Personne {i}"), "organisation_id": orgs[seq.next(ORGANISATIONS)], "consent": consent}),
        });
        let passages: Vec<Value> = (0..10)
            .map(|p| {
                let tags: Vec<RecordId> = (0..1 + seq.next(3)).map(|_| themes[seq.next(themes.len())]).collect();
                json!({"source": "notes", "text": format!("Passage {p} de l'entretien {i} : nous travaillons ensemble sur les situations des familles."),
                       "theme_ids": tags, "quote": p % 3 == 0, "person_id": person})
            })
            .collect();
        items.push(PutItem {
            kind: Kind::Interview,
            id: None,
            data: json!({"territory_id": t, "title": format!("Entretien {i}"), "date": day(&mut seq), "person_ids": [person],
                         "organisation_ids": [orgs[seq.next(ORGANISATIONS)]], "consent": {"status": "given", "date": "2025-01-01"},
                         "passages": passages}),
        });
    }
    api.put_many(items).expect("put_many");
    (api, t)
}

/// Median milliseconds of `runs` calls of `f`.
pub fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    round3(samples[samples.len() / 2])
}

/// The analysis' figures on `territory` of `api`; the reports' timings go beside them.
pub fn measure(api: &Api, territory: RecordId, dir: &Path) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("themes_ms".into(), json!(median_ms(5, || drop(api.analysis_themes(Some(territory)).expect("themes")))));
    out.insert(
        "network_ms".into(),
        json!(median_ms(5, || drop(api.analysis_network(territory, Some("2026-06-30")).expect("network")))),
    );
    out.insert(
        "compare_ms".into(),
        json!(median_ms(5, || drop(api.analysis_compare(territory, "2025-06-30", "2026-12-31").expect("compare")))),
    );
    out.insert(
        "indicators_ms".into(),
        json!(median_ms(5, || drop(api.analysis_indicators(territory).expect("indicators")))),
    );
    let gexf = dir.join("reseau.gexf");
    out.insert(
        "gexf_ms".into(),
        json!(median_ms(3, || drop(
            api.export_network(territory, None, NetworkFormat::Gexf, &gexf, true).expect("gexf")
        ))),
    );
    let qdpx = dir.join("entretiens.qdpx");
    out.insert("qdpx_ms".into(), json!(median_ms(3, || drop(api.export_qdpx(territory, &qdpx, true).expect("qdpx")))));
    let network = api.analysis_network(territory, None).expect("network");
    out.insert("network_links".into(), json!(network.measures.links));
    // The measures alone (Brandes included), without reading the records.
    out.insert(
        "measures_only_ms".into(),
        json!(median_ms(5, || drop(maillage_core::analysis::measures::measure(&network.nodes, &network.edges)))),
    );
    out
}

pub fn run(dir: &Path) -> Value {
    let started = Instant::now();
    let (api, territory) = large_territory(dir);
    let mut figures = Map::new();
    figures.insert("organisations".into(), json!(ORGANISATIONS));
    figures.insert("links".into(), json!(LINKS));
    figures.insert("interviews".into(), json!(INTERVIEWS));
    figures.insert("setup_s".into(), json!(round3(started.elapsed().as_secs_f64())));
    figures.extend(measure(&api, territory, dir));
    Value::Object(figures)
}
