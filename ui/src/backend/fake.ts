// An in-memory backend with the same contract as the Rust core, for component tests and screen
// previews (VITE_FAKE_BACKEND=1). It checks the rules the screens rely on (required titles,
// existing dates, known territory) with the core's French messages, and never imports Tauri.
import type { Backend } from './api';
import type {
  ApiError,
  BackupReport,
  BundleFile,
  Choice,
  ConflictView,
  ExportProgress,
  ExportReport,
  ExportRequest,
  ImportReport,
  Keep,
  KindReport,
  Place,
  DemoRequest,
  Kind,
  PutItem,
  Record as TypedRecord,
  RecordId,
  SearchHit,
  SearchRequest,
  SnippetPart,
  Status,
  StepSummary,
  Vocabulary,
} from './types';
import fixture from './fake-fixture.json';
import goodPractices from './fake-good-practices.json';

// The fake keeps records untyped, as the core keeps JSON.
type Record = TypedRecord<any>;

const KINDS: [Kind, string][] = [
  ['territory', 'territoire'],
  ['roadmap', 'feuille de route'],
  ['organisation', 'structure'],
  ['person', 'personne'],
  ['cooperation_link', 'lien de coopération'],
  ['interview_guide', "guide d'entretien"],
  ['interview', 'entretien'],
  ['theme', 'thème'],
  ['workshop', 'atelier'],
  ['action', 'action'],
  ['indicator', 'indicateur'],
  ['measurement', 'mesure'],
  ['practice', 'pratique inspirante'],
  ['attachment', 'pièce jointe'],
];

const c = (pairs: [string, string][]): Choice[] => pairs.map(([code, label]) => ({ code, label }));

export const FAKE_VOCABULARY: Vocabulary = {
  lists: {
    territory_kind: c([
      ['cite_educative', 'Cité éducative'],
      ['qpv', 'Quartier prioritaire (QPV)'],
      ['commune', 'Commune'],
      ['departement', 'Département'],
      ['rural', 'Territoire rural'],
    ]),
    actor_category: c([
      ['education_nationale', 'Éducation nationale'],
      ['departement_ase', "Département — Aide sociale à l'enfance (ASE)"],
      ['departement_pmi', 'Département — Protection maternelle et infantile (PMI)'],
      ['departement_service_social', 'Département — Service social'],
      ['commune_ccas', 'Commune — CCAS'],
      ['commune_education', 'Commune — Éducation'],
      ['commune_jeunesse', 'Commune — Jeunesse'],
      ['etat_prefecture', 'État — Préfecture'],
      ['etat_pjj', 'État — Protection judiciaire de la jeunesse (PJJ)'],
      ['etat_justice', 'État — Justice'],
      ['caf', "Caisse d'allocations familiales (CAF)"],
      ['msa', 'Mutualité sociale agricole (MSA)'],
      ['prevention_specialisee', 'Prévention spécialisée'],
      ['centre_social', 'Centre social'],
      ['autre_association', 'Autre association'],
      ['parents_habitants', 'Parents / habitants'],
      ['elus', 'Élus'],
    ]),
    engagement: c([
      ['professionnel', 'Professionnel'],
      ['benevole', 'Bénévole'],
      ['habitant', 'Habitant'],
    ]),
    intervention_field: c([
      ['scolaire', 'Scolaire'],
      ['periscolaire', 'Périscolaire'],
      ['extrascolaire', 'Extrascolaire'],
      ['parentalite', 'Parentalité'],
      ['sante', 'Santé'],
      ['social', 'Social'],
      ['justice', 'Justice'],
      ['culture_sport', 'Culture et sport'],
    ]),
    consent_status: c([
      ['pending', 'À recueillir'],
      ['given', 'Donné'],
      ['refused', 'Refusé'],
      ['withdrawn', 'Retiré'],
    ]),
    link_kind: c([
      ['information', "Échange d'information"],
      ['instance_commune', 'Instance commune'],
      ['action_co_portee', 'Action co-portée'],
      ['suivi_partage', 'Suivi partagé de situations'],
    ]),
    interview_status: c([
      ['brouillon', 'Brouillon'],
      ['complet', 'Complet'],
      ['valide', 'Validé'],
    ]),
    workshop_kind: c([
      ['copil', 'Comité de pilotage (COPIL)'],
      ['groupe_travail', 'Groupe de travail'],
      ['atelier_echanges', "Atelier d'échanges"],
      ['club', 'Club des cités éducatives'],
    ]),
    attendance: c([
      ['present', 'Présent'],
      ['excuse', 'Excusé'],
      ['absent', 'Absent'],
    ]),
    action_status: c([
      ['idee', 'Idée'],
      ['retenue', 'Retenue'],
      ['en_cours', 'En cours'],
      ['realisee', 'Réalisée'],
      ['abandonnee', 'Abandonnée'],
    ]),
    practice_status: c([
      ['brouillon', 'Brouillon'],
      ['proposee', 'Proposée'],
      ['retenue', 'Retenue'],
      ['publiee', 'Publiée'],
    ]),
    method_step: c([
      ['lancement', 'Lancement'],
      ['etat_des_lieux', 'État des lieux'],
      ['experimentations', 'Expérimentations'],
      ['evaluation', 'Évaluation'],
    ]),
  },
  kinds: KINDS.map(([code, label]) => ({ code, label })),
  good_practices: goodPractices,
};

const STEP_KINDS: [string, string, Kind[]][] = [
  ['lancement', 'Lancement', ['roadmap', 'organisation']],
  ['etat_des_lieux', 'État des lieux', ['interview', 'person', 'cooperation_link']],
  ['experimentations', 'Expérimentations', ['workshop', 'action']],
  ['evaluation', 'Évaluation', ['indicator', 'measurement', 'practice']],
];

const labelOf = (kind: Kind) => KINDS.find(([k]) => k === kind)?.[1] ?? kind;

function invalid(field: string, message: string): ApiError {
  return { code: 'invalid', message, field: field || null };
}

function checkDate(field: string, value: unknown): ApiError | null {
  const v = String(value ?? '');
  const bad = invalid(
    field,
    `« ${v} » n'est pas une date valide pour le champ « ${field} » : attendu une date existante au format AAAA-MM-JJ`,
  );
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return bad;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return bad;
  if (y < 1900 || y > 2200) return bad;
  return null;
}

const TITLE_FIELD: Partial<{ [k in Kind]: string }> = {
  territory: 'name',
  organisation: 'name',
  person: 'name',
  interview: 'title',
  workshop: 'title',
  action: 'title',
  practice: 'title',
  indicator: 'name',
  theme: 'label',
  interview_guide: 'title',
  attachment: 'name',
};

const REQUIRED_DATES: Partial<{ [k in Kind]: string[] }> = {
  interview: ['date'],
  workshop: ['date'],
  measurement: ['date'],
  cooperation_link: ['observed_on'],
};

const OPTIONAL_DATES: Partial<{ [k in Kind]: string[] }> = {
  roadmap: ['launched_on'],
  action: ['start_date', 'end_date'],
};

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function uuid(): string {
  // v7-like: time first so that ids sort by creation, as the core's do.
  const ms = Date.now().toString(16).padStart(12, '0');
  const rand = Array.from({ length: 20 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${rand.slice(0, 3)}-a${rand.slice(3, 6)}-${rand.slice(6, 18)}`;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

export interface FakeOptions {
  initialised?: boolean;
  facilitator?: string;
  latencyMs?: number;
  /** Load the demo territory at start (previews). */
  withDemo?: boolean;
  /** Keep the demo's own ids (those `maillage demo --seed 0` makes): to replay writes into a real store. */
  demoKeepsIds?: boolean;
}

/** A bundle on the fake disk: what importing it reports and changes, or why it is refused. */
export interface FakeBundleFile {
  bytes: number;
  modified: string;
  imported: boolean;
  /** Written by this device's export. */
  own?: boolean;
  facilitator?: string;
  bundleId?: string;
  knownDevice?: boolean;
  kinds?: { [kind: string]: KindReport };
  /** Records written when applied. */
  records?: Record[];
  /** Conflicts opened when applied. */
  conflicts?: ConflictView[];
  /** The import is refused with this error. */
  refusal?: ApiError;
}

export class FakeBackend implements Backend {
  records = new Map<RecordId, Record>();
  facilitator: string | null;
  latencyMs: number;
  backups: BackupReport[] = [];
  /** Every call, in order: tests read it. */
  calls: { command: string; args: unknown }[] = [];
  /** Every write that was accepted, in order (`maillage record put/delete` can replay them). */
  writes: { op: 'put' | 'delete'; kind: Kind; id: RecordId; data?: unknown }[] = [];
  private keepIds: boolean;
  private counter = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  constructor(opts: FakeOptions = {}) {
    this.facilitator = opts.initialised === false ? null : (opts.facilitator ?? null);
    if (opts.initialised) this.facilitator = opts.facilitator ?? 'Claire Martin';
    this.latencyMs = opts.latencyMs ?? 0;
    this.keepIds = !!opts.demoKeepsIds;
    if (this.facilitator) this.installDefaults();
    if (opts.withDemo) this.loadDemo('Cité éducative de Valmont');
  }

  /** Holds every write until `release()` is called: to test what happens while a save is in flight. */
  holdWrites(): () => void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    return () => {
      this.openGate?.();
      this.gate = null;
    };
  }

  private async tick(command: string, args: unknown, write = false): Promise<void> {
    this.calls.push({ command, args: clone(args ?? null) });
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    else await Promise.resolve();
    if (write && this.gate) await this.gate;
  }

  private requireInit(): void {
    if (!this.facilitator)
      throw {
        code: 'not_initialised',
        message: "ce magasin n'est pas initialisé : lancez `maillage init --facilitator NOM` ou ouvrez l'application",
        field: null,
      } satisfies ApiError;
  }

  private installDefaults(): void {
    for (const r of fixture as Record[]) {
      if (r.created_device === '00000000-0000-0000-0000-000000000000' && !this.records.has(r.id)) {
        this.records.set(r.id, clone(r));
      }
    }
  }

  private version(): string {
    this.counter += 1;
    return `${Date.now().toString(16).padStart(16, '0')}.${this.counter.toString(16).padStart(8, '0')}.fake`;
  }

  private live(kind: Kind, id: RecordId): Record {
    const r = this.records.get(id);
    if (!r || r.deleted || r.kind !== kind)
      throw { code: 'not_found', message: `aucun(e) ${labelOf(kind)} avec l'identifiant ${id}`, field: null } satisfies ApiError;
    return r;
  }

  validate(kind: Kind, data: any): ApiError | null {
    if (!data || typeof data !== 'object') return invalid('', `les données d'un(e) ${labelOf(kind)} doivent être un objet JSON`);
    const tf = TITLE_FIELD[kind];
    if (tf && !String(data[tf] ?? '').trim()) return invalid(tf, `le champ « ${tf} » est obligatoire`);
    for (const f of REQUIRED_DATES[kind] ?? []) {
      const e = checkDate(f, data[f]);
      if (e) return e;
    }
    for (const f of OPTIONAL_DATES[kind] ?? []) {
      if (data[f]) {
        const e = checkDate(f, data[f]);
        if (e) return e;
      }
    }
    if (kind === 'action' && data.start_date && data.end_date && data.end_date < data.start_date)
      return invalid('end_date', 'la date de fin précède la date de début');
    if (data.consent) {
      if (data.consent.date) {
        const e = checkDate('consent.date', data.consent.date);
        if (e) return e;
      }
      if ((data.consent.status === 'given' || data.consent.status === 'withdrawn') && !data.consent.date)
        return invalid('consent.date', 'indiquez la date à laquelle le consentement a été donné ou retiré');
    }
    if (kind === 'cooperation_link') {
      if (!(data.intensity >= 0 && data.intensity <= 3))
        return invalid('intensity', `l'intensité d'un lien va de 0 à 3 (reçu ${data.intensity})`);
      if (data.from_organisation_id === data.to_organisation_id)
        return invalid('to_organisation_id', 'un lien relie deux structures différentes');
    }
    if (kind === 'territory' && data.departement_code) {
      const code = String(data.departement_code);
      if (!/^(\d{2,3}|2A|2B)$/.test(code))
        return invalid('departement_code', `« ${code} » n'est pas un code de département (exemples : 93, 2A, 971)`);
    }
    if (kind === 'workshop') {
      for (const d of data.decisions ?? [])
        if (!String(d.text ?? '').trim()) return invalid('decisions.text', 'le champ « decisions.text » est obligatoire');
    }
    if (kind === 'interview') {
      for (const p of data.passages ?? [])
        if (!String(p.text ?? '').trim()) return invalid('passages.text', 'le champ « passages.text » est obligatoire');
    }
    if (kind !== 'territory' && data.territory_id) {
      const t = this.records.get(data.territory_id);
      if (!t || t.deleted || t.kind !== 'territory')
        return invalid('territory_id', `le territoire ${data.territory_id} n'existe pas : créez-le d'abord`);
    }
    return null;
  }

  private write(kind: Kind, id: RecordId | null | undefined, data: any): Record {
    const error = this.validate(kind, data);
    if (error) throw error;
    const existing = id ? this.records.get(id) : undefined;
    if (existing && (existing.kind !== kind || existing.deleted))
      throw { code: 'not_found', message: `aucun(e) ${labelOf(kind)} avec l'identifiant ${id}`, field: null };
    const now = new Date().toISOString();
    const rid = id ?? uuid();
    const normalised = clone(data);
    if (kind === 'interview' && normalised.answers) {
      for (const k of Object.keys(normalised.answers)) if (normalised.answers[k] === '') delete normalised.answers[k];
    }
    for (const f of ['title', 'name', 'label'])
      if (typeof normalised[f] === 'string') normalised[f] = normalised[f].trim();
    const record: Record = {
      id: rid,
      kind,
      territory_id: kind === 'territory' ? rid : (normalised.territory_id ?? null),
      version: this.version(),
      created_by: existing?.created_by ?? this.facilitator ?? '',
      created_device: existing?.created_device ?? 'fake-device',
      created_at: existing?.created_at ?? now,
      updated_at: now,
      deleted: false,
      data: normalised,
    };
    this.records.set(rid, record);
    this.writes.push({ op: 'put', kind, id: rid, data: clone(data) });
    return clone(record);
  }

  status = async (): Promise<Status> => {
    await this.tick('status', null);
    return {
      initialised: !!this.facilitator,
      facilitator: this.facilitator,
      device_id: this.facilitator ? '01a205b4-107a-715c-b324-07624346caff' : null,
      store_path: '/home/animatrice/.local/share/fr.maillage.desktop/maillage.sqlite3',
      schema_version: 1,
    };
  };

  init = async (facilitator: string): Promise<Status> => {
    await this.tick('init', { facilitator }, true);
    const name = facilitator.trim();
    if (!name) throw invalid('facilitator', 'indiquez votre nom (animateur·rice)');
    if (name.length > 120) throw invalid('facilitator', 'le nom dépasse 120 caractères');
    this.facilitator = name;
    this.installDefaults();
    return this.status();
  };

  recordPut = async (kind: Kind, id: RecordId | null | undefined, data: any): Promise<any> => {
    await this.tick('record_put', { kind, id, data }, true);
    this.requireInit();
    return this.write(kind, id, data);
  };

  recordPutMany = async (items: PutItem[]): Promise<RecordId[]> => {
    await this.tick('record_put_many', { items }, true);
    this.requireInit();
    items.forEach((item, i) => {
      const e = this.validate(item.kind, item.data);
      if (e) throw { ...e, message: `élément ${i + 1} : ${e.message}` };
    });
    return items.map((item) => this.write(item.kind, item.id, item.data).id);
  };

  recordGet = async (kind: Kind, id: RecordId): Promise<any> => {
    await this.tick('record_get', { kind, id });
    return clone(this.live(kind, id));
  };

  recordList = async (kind: Kind, territoryId?: RecordId | null): Promise<any[]> => {
    await this.tick('record_list', { kind, territoryId });
    return [...this.records.values()]
      .filter((r) => r.kind === kind && !r.deleted && (!territoryId || r.territory_id === territoryId))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(clone);
  };

  recordDelete = async (kind: Kind, id: RecordId): Promise<void> => {
    await this.tick('record_delete', { kind, id }, true);
    const r = this.live(kind, id);
    this.records.set(id, { ...r, deleted: true, data: {}, version: this.version(), updated_at: new Date().toISOString() });
    this.writes.push({ op: 'delete', kind, id });
  };

  search = async (request: SearchRequest): Promise<SearchHit[]> => {
    await this.tick('search', { request });
    const words = fold(request.query)
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    if (!words.length) return [];
    const limit = Math.min(Math.max(request.limit ?? 20, 1), 500);
    const hits: { score: number; hit: SearchHit }[] = [];
    for (const r of this.records.values()) {
      if (r.deleted) continue;
      if (request.kind && r.kind !== request.kind) continue;
      if (request.territory_id && r.territory_id !== request.territory_id) continue;
      const title = titleOf(r);
      const body = textOf(r.data).join('\n');
      const ft = fold(title);
      const fb = fold(body);
      if (!words.every((w) => ft.includes(w) || fb.includes(w))) continue;
      const score = words.filter((w) => ft.includes(w)).length * 4 + words.filter((w) => fb.includes(w)).length;
      hits.push({
        score,
        hit: {
          id: r.id,
          kind: r.kind,
          territory_id: r.territory_id,
          title,
          date: dateOf(r),
          snippet: snippet(body || title, words),
        },
      });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, limit).map((h) => h.hit);
  };

  stats = async (territoryId?: RecordId | null) => {
    await this.tick('stats', { territoryId });
    const out: { [k: string]: number } = {};
    for (const [k] of KINDS) out[k] = 0;
    for (const r of this.records.values())
      if (!r.deleted && (!territoryId || r.territory_id === territoryId)) out[r.kind] += 1;
    return out;
  };

  territoryOverview = async (territoryId: RecordId): Promise<any> => {
    await this.tick('territory_overview', { territoryId });
    const territory = clone(this.live('territory', territoryId));
    const live = [...this.records.values()].filter((r) => !r.deleted && r.territory_id === territoryId);
    const steps: StepSummary[] = STEP_KINDS.map(([step, label, kinds]) => {
      const counts: { [k: string]: number } = {};
      let last: string | null = null;
      for (const k of kinds) {
        const of = live.filter((r) => r.kind === k);
        counts[k] = of.length;
        for (const r of of) if (!last || r.updated_at > last) last = r.updated_at;
      }
      return { step, label, counts, last_activity: last };
    });
    return { territory, steps };
  };

  vocabulary = async () => {
    await this.tick('vocabulary', null);
    return clone(FAKE_VOCABULARY);
  };

  decisionToAction = async (workshopId: RecordId, index: number): Promise<any> => {
    await this.tick('decision_to_action', { workshopId, index }, true);
    const workshop = this.live('workshop', workshopId);
    const data = clone(workshop.data);
    const decision = data.decisions?.[index];
    if (!decision) throw invalid('decisions', "cette décision n'existe pas dans l'atelier");
    if (decision.action_id) {
      const existing = this.records.get(decision.action_id);
      if (existing && !existing.deleted) return clone(existing);
    }
    const [y, m, d] = String(data.date).split('-');
    const action = this.write('action', null, {
      territory_id: data.territory_id,
      title: decision.text,
      objective: '',
      hypothesis: '',
      lead_organisation_id: null,
      partner_ids: [],
      priority: { rank: null, impact: null, feasibility: null },
      status: 'retenue',
      start_date: null,
      end_date: null,
      resources: '',
      source_workshop_id: workshopId,
      notes: `Décision de l'atelier du ${d}/${m}/${y}`,
    });
    data.decisions[index].action_id = action.id;
    this.write('workshop', workshopId, data);
    return action;
  };

  demo = async (request: DemoRequest) => {
    await this.tick('demo', { request }, true);
    this.requireInit();
    return this.loadDemo(request.territory);
  };

  /** Copies the demo territory of the fixture (made by `maillage demo`) under fresh ids. */
  loadDemo(name: string) {
    if (!this.facilitator) this.facilitator = 'Claire Martin';
    this.installDefaults();
    const own = (fixture as Record[]).filter((r) => r.created_device !== '00000000-0000-0000-0000-000000000000');
    let text = JSON.stringify(own);
    if (!this.keepIds) for (const r of own) text = text.split(r.id).join(uuid());
    const fresh: Record[] = JSON.parse(text);
    let territoryId = '';
    const now = new Date().toISOString();
    for (const r of fresh) {
      if (r.kind === 'territory') {
        territoryId = r.id;
        r.data.name = name;
      }
      r.created_by = this.facilitator!;
      r.version = this.version();
      r.created_at = now;
      r.updated_at = now;
      this.records.set(r.id, r);
    }
    return { territory_id: territoryId, records: fresh.length };
  }

  /** Thousands of persons and interviews in the first territory: to see long lists stay smooth. */
  addBulk(n: number): void {
    const territory = [...this.records.values()].find((r) => r.kind === 'territory' && !r.deleted);
    if (!territory) return;
    for (let i = 0; i < n; i++) {
      this.write('person', null, {
        territory_id: territory.id,
        name: `Personne ${i + 1}`,
        role: i % 3 ? 'Éducatrice' : 'Enseignant',
        organisation_id: null,
        contact: '',
        consent: { status: 'pending', date: null, how: '' },
        pseudonym: `P-${i + 1}`,
        notes: '',
      });
      this.write('interview', null, {
        territory_id: territory.id,
        title: `Entretien n° ${i + 1}`,
        date: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
        place: 'Valmont',
        interviewer: this.facilitator,
        person_ids: [],
        organisation_ids: [],
        guide_id: null,
        answers: {},
        notes: 'Notes de test',
        theme_ids: [],
        passages: [],
        consent: { status: 'pending', date: null, how: '' },
        status: ['brouillon', 'complet', 'valide'][i % 3],
      });
    }
  }

  check = async () => {
    await this.tick('check', null);
    return { ok: true, problems: [], warnings: [], records: [...this.records.values()].filter((r) => !r.deleted).length };
  };

  backupNow = async () => {
    await this.tick('backup_now', null, true);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 19);
    const report = {
      path: `/home/animatrice/.local/share/fr.maillage.desktop/sauvegardes/maillage-${stamp}.sqlite3`,
      bytes: 1_482_752 + this.records.size * 512,
    };
    this.backups.unshift(report);
    return report;
  };

  listBackups = async () => {
    await this.tick('list_backups', null);
    return clone(this.backups);
  };

  restore = async (file: string) => {
    await this.tick('restore', { file }, true);
    if (!this.backups.some((b) => b.path === file))
      throw { code: 'io', message: `impossible d'utiliser ${file} : fichier introuvable`, field: null };
    return {
      restored_from: file,
      previous_store_kept_at: '/home/animatrice/.local/share/fr.maillage.desktop/maillage.sqlite3.avant-restauration',
    };
  };

  // ---------------------------------------------------------------- échanges

  /** Bundle files on the fake disk, by path. */
  files = new Map<string, FakeBundleFile>();
  hqKeys: string[] = [];
  conflictList: ConflictView[] = [];
  places: Place[] = [
    { label: 'Documents', path: '/home/animatrice/Documents' },
    { label: 'Téléchargements', path: '/home/animatrice/Téléchargements' },
    { label: 'Clé USB ou disque « KINGSTON »', path: '/media/animatrice/KINGSTON' },
    { label: 'Dossier des échanges de Maillage', path: '/home/animatrice/.local/share/fr.maillage.desktop/echanges' },
  ];
  private exports = 0;

  /** Puts a bundle on the fake disk: a co-facilitator's (its report and the conflicts it brings) or a refused one. */
  addBundleFile(path: string, file: Omit<FakeBundleFile, 'imported' | 'modified'> & { modified?: string }): void {
    this.files.set(path, { modified: new Date().toISOString(), imported: false, ...file });
  }

  /** Previews of the Échanges screen: a co-facilitator's bundle (bringing a conflict) and a damaged file. */
  addExchangeSamples(): void {
    const action = [...this.records.values()].find((r) => r.kind === 'action' && !r.deleted);
    if (!action) return;
    const loser = { ...clone(action), version: this.version(), updated_at: new Date().toISOString() };
    loser.data = { ...loser.data, title: `${loser.data.title} (version de Karim)`, status: 'en_cours' };
    this.addBundleFile('/home/animatrice/Téléchargements/maillage-cite-educative-de-valmont-karim.maillage', {
      bytes: 48_213,
      facilitator: 'Karim Benali',
      kinds: {
        action: { added: 1, updated: 2, unchanged: 5, deleted: 0, in_conflict: 1 },
        interview: { added: 3, updated: 0, unchanged: 9, deleted: 1, in_conflict: 0 },
        organisation: { added: 0, updated: 1, unchanged: 14, deleted: 0, in_conflict: 0 },
      },
      conflicts: [
        {
          id: 'c0ffee0123456789',
          record_id: action.id,
          kind: 'action',
          title: action.data.title,
          status: 'open',
          resolution: null,
          found_at: new Date().toISOString(),
          found_in_bundle: '0192f0aa-0000-7000-8000-000000000001',
          resolved_at: null,
          winner: clone(action),
          loser,
          fields: ['status', 'title'],
        },
      ],
    });
    this.addBundleFile('/home/animatrice/Téléchargements/copie-abimee.maillage', {
      bytes: 20_480,
      refusal: {
        code: 'bundle_damaged',
        message: "paquet refusé (intégrité de l'archive) : l'archive s'arrête avant la fin : le fichier est abîmé ou incomplet ; copiez-le à nouveau ou demandez un nouvel export",
        field: null,
      },
    });
  }

  keysShow = async () => {
    await this.tick('keys_show', null);
    return {
      this_device: {
        device_id: '01a205b4-107a-715c-b324-07624346caff',
        facilitator: this.facilitator ?? '',
        public_key: '7f'.repeat(32),
        fingerprint: '3f2a-91c0-5b7e-d4a8-0c61-e2f9-7a35-b810',
      },
      known_devices: [],
    };
  };

  exportBundle = async (request: ExportRequest, onProgress: (p: ExportProgress) => void): Promise<ExportReport> => {
    await this.tick('export_bundle', { request }, true);
    this.requireInit();
    if (!request.out.trim()) throw invalid('out', 'indiquez où écrire le paquet');
    for (const key of request.to)
      if (!key.startsWith('age1'))
        throw { code: 'key_file', message: 'la clé publique du siège n\'est pas valide (attendu « age1… ») : recopiez-la sans la modifier', field: null };
    const dir = request.out.slice(0, request.out.lastIndexOf('/'));
    if (!this.places.some((p) => p.path === dir) && ![...this.files.keys()].some((f) => f.startsWith(dir + '/')))
      throw { code: 'io', message: `impossible d'écrire ${request.out} : dossier introuvable`, field: null };
    const all = [...this.records.values()];
    const total = all.length;
    onProgress({ stage: 'reading', records: 0, total });
    await new Promise((r) => setTimeout(r, this.latencyMs || 5));
    onProgress({ stage: 'reading', records: Math.floor(total / 2), total });
    await new Promise((r) => setTimeout(r, this.latencyMs || 5));
    onProgress({ stage: 'writing', records: total, total });
    await new Promise((r) => setTimeout(r, this.latencyMs || 5));
    const carried = request.since_last && this.exports > 0 ? all.filter((r) => r.created_device !== '00000000-0000-0000-0000-000000000000') : all;
    const kinds: { [k: string]: { live: number; deleted: number } } = {};
    for (const r of carried) {
      kinds[r.kind] ??= { live: 0, deleted: 0 };
      kinds[r.kind][r.deleted ? 'deleted' : 'live'] += 1;
    }
    this.exports += 1;
    const bytes = 2048 + carried.length * 180;
    const report: ExportReport = {
      path: request.out,
      bundle_id: uuid(),
      sequence: this.exports,
      covers: request.since_last && this.exports > 1 ? 'since' : 'full',
      since_sequence: request.since_last && this.exports > 1 ? this.exports - 1 : null,
      kinds,
      records: carried.length,
      deleted: carried.filter((r) => r.deleted).length,
      conflicts: this.conflictList.filter((c) => c.status === 'open').length,
      attachments: 0,
      json_bytes: carried.length * 600,
      bytes,
      sealed_for: [...request.to],
    };
    this.files.set(request.out, { bytes, modified: new Date().toISOString(), imported: false, own: true });
    onProgress({ stage: 'done', records: total, total });
    return report;
  };

  private bundleReport(file: string, dryRun: boolean): ImportReport {
    const f = this.files.get(file);
    if (!f) throw { code: 'io', message: `impossible de lire ${file} : fichier introuvable`, field: null } satisfies ApiError;
    if (f.refusal) throw clone(f.refusal);
    const kinds: { [k: string]: KindReport } = clone(f.kinds ?? {});
    const zero = (): KindReport => ({ added: 0, updated: 0, unchanged: 0, deleted: 0, in_conflict: 0 });
    const totals = zero();
    for (const k of Object.values(kinds)) for (const key of Object.keys(totals) as (keyof KindReport)[]) totals[key] += k[key];
    const already = f.imported;
    const verb = dryRun ? "à l'import : " : '';
    return {
      file: file.split('/').pop() ?? file,
      bundle_id: f.bundleId ?? '0192f0aa-0000-7000-8000-000000000001',
      device_id: f.own ? '01a205b4-107a-715c-b324-07624346caff' : '0192f0aa-1111-7000-8000-00000000c0fa',
      facilitator: f.own ? (this.facilitator ?? '') : (f.facilitator ?? 'Co-animateur'),
      device_fingerprint: f.own ? '3f2a-91c0-5b7e-d4a8-0c61-e2f9-7a35-b810' : '9c41-07de-22b3-5f18-a6e0-3d7c-81f4-2b95',
      key_status: f.own ? 'this_device' : f.knownDevice ? 'known' : 'new',
      sequence: 1,
      covers: 'full',
      since_sequence: null,
      created_at: f.modified,
      territories: [],
      sealed: false,
      already_imported: already,
      dry_run: dryRun,
      kinds: already ? {} : kinds,
      totals: already ? zero() : totals,
      attachments_added: 0,
      message: already
        ? "déjà importé, rien n'a changé"
        : `${verb}${totals.added} ajouté(s), ${totals.updated} modifié(s), ${totals.unchanged} inchangé(s), ${totals.deleted} supprimé(s), ${totals.in_conflict} en conflit`,
    };
  }

  verifyBundle = async (file: string) => {
    await this.tick('verify_bundle', { file });
    return this.bundleReport(file, true);
  };

  importBundle = async (file: string, dryRun: boolean) => {
    await this.tick('import_bundle', { file, dryRun }, !dryRun);
    this.requireInit();
    const report = this.bundleReport(file, dryRun);
    const f = this.files.get(file)!;
    if (!dryRun && !f.imported) {
      f.imported = true;
      for (const r of f.records ?? []) this.records.set(r.id, clone(r));
      for (const c of f.conflicts ?? []) this.conflictList.push(clone(c));
      if (!f.own) f.knownDevice = true;
    }
    return report;
  };

  conflicts = async (includeResolved = false) => {
    await this.tick('conflicts', { includeResolved });
    return clone(this.conflictList.filter((c) => includeResolved || c.status === 'open'));
  };

  resolveConflict = async (id: string, keep: Keep) => {
    await this.tick('resolve_conflict', { id, keep }, true);
    const c = this.conflictList.find((x) => x.id === id || (id.length >= 6 && x.id.startsWith(id)));
    if (!c) throw { code: 'conflict_not_found', message: `aucun conflit ${id}`, field: null } satisfies ApiError;
    if (c.status !== 'open') throw { code: 'conflict_already_resolved', message: `le conflit ${c.id} est déjà réglé`, field: null };
    const source = keep === 'winner' ? c.winner : c.loser;
    const current = this.records.get(c.record_id);
    if (current) this.records.set(c.record_id, { ...current, data: clone(source.data), deleted: source.deleted, version: this.version(), updated_at: new Date().toISOString() });
    c.status = 'resolved';
    c.resolution = keep === 'winner' ? 'keep_winner' : 'keep_loser';
    c.resolved_at = new Date().toISOString();
    return clone(c);
  };

  hqPublicKeys = async () => {
    await this.tick('hq_public_keys', null);
    return [...this.hqKeys];
  };

  setHqPublicKeys = async (keys: string[]) => {
    await this.tick('set_hq_public_keys', { keys }, true);
    const clean: string[] = [];
    for (const [i, raw] of keys.entries()) {
      const k = raw.trim();
      if (!k) continue;
      if (!/^age1[02-9ac-hj-np-z]{58}$/.test(k))
        throw invalid(
          'hq_public_keys',
          `la clé n° ${i + 1} n'est pas une clé publique du siège : attendu une ligne « age1… » (le contenu du fichier hq.pub remis par le siège), recopiée sans la modifier`,
        );
      if (!clean.includes(k)) clean.push(k);
    }
    this.hqKeys = clean;
    return [...clean];
  };

  exchangePlaces = async () => {
    await this.tick('exchange_places', null);
    return clone(this.places);
  };

  bundleFiles = async (dir: string): Promise<BundleFile[]> => {
    await this.tick('bundle_files', { dir });
    const d = dir.replace(/\/+$/, '');
    if (!this.places.some((p) => p.path === d) && ![...this.files.keys()].some((f) => f.startsWith(d + '/')))
      throw { code: 'io', message: `impossible de lire ${dir} : dossier introuvable`, field: null } satisfies ApiError;
    return [...this.files.entries()]
      .filter(([p]) => p.slice(0, p.lastIndexOf('/')) === d && p.endsWith('.maillage'))
      .sort((a, b) => (a[1].modified < b[1].modified ? 1 : -1))
      .map(([path, f]) => ({ path, name: path.split('/').pop()!, bytes: f.bytes, modified: f.modified }));
  };

  closeGuards: (() => Promise<boolean>)[] = [];
  guardClose(beforeClose: () => Promise<boolean>): void {
    this.closeGuards.push(beforeClose);
  }
}

function titleOf(r: Record): string {
  const d = r.data ?? {};
  switch (r.kind) {
    case 'roadmap':
      return 'Feuille de route';
    case 'cooperation_link':
      return 'Lien de coopération';
    case 'measurement':
      return `Mesure du ${d.date}`;
    default: {
      const f = TITLE_FIELD[r.kind];
      return f ? String(d[f] ?? '') : '';
    }
  }
}

function dateOf(r: Record): string | null {
  const d = r.data ?? {};
  return d.date ?? d.observed_on ?? d.launched_on ?? d.start_date ?? null;
}

function textOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value && !/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(value)) out.push(value);
  } else if (Array.isArray(value)) value.forEach((v) => textOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => textOf(v, out));
  return out;
}

/** About 14 words around the first match, the matching words marked as hits. */
export function snippet(text: string, words: string[]): SnippetPart[] {
  const tokens = text.split(/(\s+)/);
  const isHit = (t: string) => {
    const f = fold(t).replace(/[^\p{L}\p{N}]/gu, '');
    return f.length > 0 && words.some((w) => f.startsWith(w));
  };
  let first = tokens.findIndex(isHit);
  if (first < 0) first = 0;
  const start = Math.max(0, first - 10);
  const end = Math.min(tokens.length, start + 28);
  const parts: SnippetPart[] = [];
  const push = (t: string, hit: boolean) => {
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.text += t;
    else parts.push({ text: t, hit });
  };
  if (start > 0) push('…', false);
  for (const t of tokens.slice(start, end)) {
    if (isHit(t)) {
      const m = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(t)!;
      if (m[1]) push(m[1], false);
      push(m[2], true);
      if (m[3]) push(m[3], false);
    } else push(t, false);
  }
  if (end < tokens.length) push('…', false);
  return parts;
}
