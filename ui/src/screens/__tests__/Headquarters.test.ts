// Headquarters' workspace (issue 10), against the real core: the first launch as « Siège
// national » and its keys, the arrivals verified then imported with a progress bar that can be
// cancelled, the national dashboard as core reports it, a territory's screens read-only with
// each record's provenance, and the national tables.
/// <reference types="node" />
import { fireEvent, render } from '@testing-library/svelte';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { setBackend } from '../../backend';
import { app, setTerritory } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { router } from '../../lib/router.svelte';
import { applyWorkspace } from '../../lib/workspace.svelte';
import Provenance from '../../components/Provenance.svelte';
import { PASSPHRASE, byTestId, choose, encrypt, startCore, tick, type, until, useCore } from '../../test/helpers';
import { launch, sealedBundle, tamper, useHq } from '../../test/hq';
import OrganisationsTab from '../OrganisationsTab.svelte';
import ActionEditor from '../ActionEditor.svelte';
import Arrivals from '../hq/Arrivals.svelte';
import NationalDashboard from '../hq/NationalDashboard.svelte';
import NationalExports from '../hq/NationalExports.svelte';
import NationalSynthesis from '../hq/NationalSynthesis.svelte';

describe('the first launch', () => {
  it('as « Siège national »: headquarters’ keys, and a copy of the secret key asked for until saved', async () => {
    const core = startCore();
    setBackend(core.backend);
    app.status = null;
    app.vocab = null;
    render(App);
    await until(() => !!byTestId('first-launch'));
    expect((byTestId('workspace-territoire') as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(byTestId('workspace-siege')!);
    await type('facilitator-input', 'Équipe nationale');
    // Headquarters' store must be encrypted: a passphrase, then the recovery code shown once.
    expect(byTestId('first-passphrase-why')!.textContent).toContain('Obligatoire pour le siège national');
    await type('first-passphrase-new', PASSPHRASE);
    await type('first-passphrase-confirm', PASSPHRASE);
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('recovery-code-screen'), 5000);
    await tick('recovery-noted');
    await fireEvent.click(byTestId('recovery-continue')!);
    await until(() => !!byTestId('hq-keys-screen'), 5000);
    expect((await core.api.encryptionStatus()).encrypted).toBe(true);
    const w = await core.api.workspace();
    expect(w.mode).toBe('siege');
    expect(byTestId('hq-recipient')!.textContent).toBe(w.hq!.recipient);
    expect(w.hq!.recipient).toMatch(/^age1/);
    expect(byTestId('hq-signing-fingerprint')!.textContent).toBe(w.hq!.signing_fingerprint);
    expect(byTestId('hq-secret-why')!.textContent).toContain('les lots scellés pour le siège ne peuvent plus être ouverts');
    expect(byTestId('nav-arrivees')).toBeTruthy();
    expect(byTestId('nav-national')).toBeTruthy();
    expect(byTestId('nav-echanges')).toBeNull();
    expect(byTestId('territory-select')).toBeNull();

    // Elsewhere, a reminder until the copy is saved.
    location.hash = '#/national';
    await until(() => !!byTestId('hq-secret-reminder'));
    await fireEvent.click(byTestId('hq-secret-reminder-go')!);
    await until(() => !!byTestId('hq-secret-path'));
    const copy = join(core.process.home, 'Documents', 'cle-secrete-siege.key');
    await type('hq-secret-path', copy);
    await fireEvent.submit(byTestId('hq-secret-path')!.closest('form')!);
    await until(() => !!byTestId('hq-secret-saved'));
    expect(existsSync(copy)).toBe(true);
    expect((await core.api.workspace()).hq!.secret_copy_saved).toBe(true);
    location.hash = '#/arrivees';
    await until(() => !!byTestId('arrivals'));
    expect(byTestId('hq-secret-reminder')).toBeNull();
  });

  it('a store initialised before the choice existed opens as a facilitator’s, without asking', async () => {
    const core = startCore();
    await core.api.init('Claire Martin');
    setBackend(core.backend);
    app.status = null;
    app.vocab = null;
    render(App);
    await until(() => !!byTestId('app-shell'));
    expect(byTestId('first-launch')).toBeNull();
    expect(byTestId('nav-territoires')).toBeTruthy();
    expect(byTestId('nav-echanges')).toBeTruthy();
    expect(byTestId('nav-arrivees')).toBeNull();
    expect(core.calls.some((c) => c.command === 'set_workspace')).toBe(false);
  });
});

describe('Paramètres', () => {
  it('changes the workspace only once confirmed', async () => {
    const core = await useCore({ demo: false });
    await encrypt(core);
    location.hash = '#/parametres';
    render(App);
    await until(() => !!byTestId('settings-workspace'));
    await fireEvent.click(byTestId('settings-workspace-change')!);
    await until(() => !!byTestId('confirm-dialog'));
    expect(byTestId('confirm-dialog')!.textContent).toContain('Siège national');
    await fireEvent.click(byTestId('settings-workspace-no')!);
    expect(core.calls.some((c) => c.command === 'set_workspace')).toBe(false);
    await fireEvent.click(byTestId('settings-workspace-change')!);
    await fireEvent.click(byTestId('settings-workspace-yes')!);
    await until(() => !!byTestId('hq-keys-screen'));
    expect((await core.api.workspace()).mode).toBe('siege');
    expect(byTestId('nav-arrivees')).toBeTruthy();
  });
});

describe('Arrivées', () => {
  it('verifies each bundle of a folder, refuses a damaged one with its reason, then imports the others', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1-tilleuls.maillage', fill: launch });
    await sealedBundle(hq, { facilitator: 'Karim Benali', territory: 'Bondy Nord', file: '2-bondy.maillage' });
    const c = await sealedBundle(hq, { facilitator: 'Nadia Haddad', territory: 'Orly Centre', file: '3-orly.maillage' });
    tamper(c.path);
    const refusal = await hq.api.verifyBundle(c.path).catch((e) => e);

    render(Arrivals);
    await until(() => !!byTestId('import-history-empty'));
    await type('arrivals-path', hq.inbox);
    await fireEvent.submit(byTestId('arrivals-path')!.closest('form')!);
    await until(() => !!byTestId('import-report-2'), 8000);
    expect(hq.calls.find((x) => x.command === 'bundle_paths')!.args).toEqual({ paths: [hq.inbox] });
    expect(byTestId('arrivals-summary')!.textContent).toContain('3 paquets vérifiés');
    expect(byTestId('arrivals-summary')!.textContent).toContain('2 prêts à importer');
    expect(byTestId('import-refused-2')!.textContent).toContain(sentence(refusal.message));
    const report = await hq.api.verifyBundle(a.path);
    expect(byTestId('import-territories-0')!.textContent).toContain('Quartier des Tilleuls');
    expect(byTestId('import-key-0')!.textContent).toContain('à vérifier');
    expect(byTestId('import-key-0')!.textContent).toContain(report.device_fingerprint);
    expect(byTestId('import-report-0')!.textContent).toContain('Camille Essai');
    expect(await hq.api.nationalStatus()).toEqual([]);

    hq.latencyMs = 40; // the bar is seen between two bundles
    const seen: string[] = [];
    await fireEvent.click(byTestId('arrivals-import-all')!);
    await until(() => {
      const bar = byTestId('arrivals-progress');
      if (bar) seen.push(`${bar.getAttribute('aria-valuenow')}/${bar.getAttribute('aria-valuemax')}`);
      return !!byTestId('arrivals-outcome');
    }, 8000);
    expect(seen).toContain('1/2');
    expect(byTestId('arrivals-outcome')!.textContent).toContain('2 paquets importés');
    expect(byTestId('import-applied-0')).toBeTruthy();
    expect(byTestId('import-applied-1')).toBeTruthy();
    const names = (await hq.api.nationalStatus()).map((t) => t.name);
    expect(names).toEqual(['Bondy Nord', 'Quartier des Tilleuls']);
    // The history, as core keeps it.
    const history = await hq.api.importHistory();
    await until(() => document.querySelectorAll('[data-testid^="import-history-row-"]').length === 2);
    const row = byTestId(`import-history-row-${history.find((h) => h.facilitator === 'Camille Essai')!.bundle_id}`)!;
    expect(row.textContent).toContain('Quartier des Tilleuls');
    expect(row.textContent).toContain('ajoutés');
    expect(app.territories.map((t) => t.data.name)).toEqual(['Bondy Nord', 'Quartier des Tilleuls']);
  });

  it('« Annuler » stops between two bundles: the ones not reached are not imported', async () => {
    const hq = await useHq();
    await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage' });
    await sealedBundle(hq, { facilitator: 'Karim Benali', territory: 'Bondy Nord', file: '2.maillage' });
    const files = [join(hq.inbox, '1.maillage'), join(hq.inbox, '2.maillage')];
    // Both files chosen in the system's dialog (several at once).
    setBackend({ ...hq.backend, chooseFiles: async () => files });
    render(Arrivals);
    await fireEvent.click(byTestId('arrivals-choose-files')!);
    await until(() => !!byTestId('import-report-1'), 8000);
    expect(hq.calls.find((x) => x.command === 'bundle_paths')!.args).toEqual({ paths: files });
    const release = hq.hold('import_bundle');
    await fireEvent.click(byTestId('arrivals-import-all')!);
    await until(() => !!byTestId('arrivals-cancel'));
    await fireEvent.click(byTestId('arrivals-cancel')!);
    release();
    await until(() => !!byTestId('arrivals-outcome'), 8000);
    expect(byTestId('arrivals-outcome')!.textContent).toContain('1 paquet importé');
    expect(byTestId('arrivals-outcome')!.textContent).toContain('import annulé');
    expect(hq.calls.filter((x) => x.command === 'import_bundle')).toHaveLength(1);
    expect((await hq.api.nationalStatus()).map((t) => t.name)).toEqual(['Quartier des Tilleuls']);
    expect(byTestId('arrivals-import-all')!.textContent).toContain('(1)');
  });
});

describe('Tableau national', () => {
  it('shows each territory as core reports it, filters by step and opens its screens', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage', fill: launch });
    const b = await sealedBundle(hq, { facilitator: 'Karim Benali', territory: 'Bondy Nord', file: '2.maillage' });
    await hq.api.importBundle(a.path, false);
    await hq.api.importBundle(b.path, false);
    const status = await hq.api.nationalStatus();
    render(NationalDashboard);
    await until(() => !!byTestId('national-table'));
    for (const t of status) {
      expect(byTestId(`national-step-${t.territory_id}`)!.textContent).toContain(`${t.step}. ${t.step_label}`);
      expect(byTestId(`national-facilitators-${t.territory_id}`)!.textContent).toBe(t.facilitators.join(', '));
      expect(byTestId(`national-row-${t.territory_id}`)!.dataset.stale).toBe(String(t.stale));
    }
    expect(status.find((t) => t.territory_id === a.territoryId)!.step).toBe(2);
    expect(status.find((t) => t.territory_id === b.territoryId)!.step).toBe(1);
    expect(byTestId(`national-news-${a.territoryId}`)!.textContent).toContain('aujourd’hui');

    await choose('national-filter-step', '2');
    await until(() => !byTestId(`national-row-${b.territoryId}`));
    expect(byTestId(`national-row-${a.territoryId}`)).toBeTruthy();
    await choose('national-filter-step', '');
    await choose('national-filter-news', 'never');
    await until(() => !!byTestId('national-table')!.textContent!.includes('Aucun territoire ne correspond'));
    await choose('national-filter-news', '');
    const steps = () => [...document.querySelectorAll<HTMLElement>('[data-testid^="national-row-"]')].map((r) => r.dataset.step);
    await fireEvent.click(byTestId('national-sort-step')!);
    expect(steps(), 'the furthest first').toEqual(['2', '1']);
    await fireEvent.click(byTestId('national-sort-step')!);
    expect(steps()).toEqual(['1', '2']);

    await fireEvent.click(byTestId(`national-open-${a.territoryId}`)!);
    expect(app.territoryId).toBe(a.territoryId);
    expect(router.route.section).toBe('territoires');
    expect(router.route.parts).toEqual([a.territoryId]);
  });
});

describe('Tableau national: indicators', () => {
  it('show, under their count, how many reached their target by their latest measurement, as core judges it', async () => {
    const core = await useCore(); // the demo territory: indicators with a baseline, a target and measurements
    const synthesis = await core.api.nationalSynthesis();
    const status = await core.api.nationalStatus();
    render(NationalDashboard);
    await until(() => !!byTestId('national-table'));
    let judgedSomewhere = false;
    for (const t of status) {
      const judged = synthesis.indicators.filter((i) => i.territory_id === t.territory_id && i.met !== null);
      if (!judged.length) continue;
      judgedSomewhere = true;
      const met = judged.filter((i) => i.met).length;
      await until(() => !!byTestId(`national-indicators-met-${t.territory_id}`));
      expect(byTestId(`national-indicators-met-${t.territory_id}`)!.textContent).toBe(`${met}/${judged.length} cible${judged.length > 1 ? 's' : ''}`);
      const cell = byTestId(`national-count-${t.territory_id}-indicator`)!;
      for (const i of judged) expect(cell.title).toContain(i.name);
    }
    expect(judgedSomewhere, 'the demo has indicators measured against a target').toBe(true);
  });
});

describe('a territory’s screens at headquarters', () => {
  it('are read-only, and show where each record’s current version comes from', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, {
      facilitator: 'Camille Essai',
      territory: 'Quartier des Tilleuls',
      file: '1.maillage',
      fill: async (api, t) => {
        await launch(api, t);
        await api.recordPut('action', null, {
          territory_id: t,
          title: 'Annuaire partagé',
          objective: '',
          hypothesis: '',
          lead_organisation_id: null,
          partner_ids: [],
          priority: { rank: 1, impact: null, feasibility: null },
          status: 'retenue',
          start_date: null,
          end_date: null,
          resources: '',
          source_workshop_id: null,
          inspired_by: null,
          notes: '',
        });
      },
    });
    const imported = await hq.api.importBundle(a.path, false);
    setTerritory(a.territoryId);
    const action = (await hq.api.recordList('action', a.territoryId))[0];
    const provenance = await hq.api.recordProvenance('action', action.id);
    expect(provenance.made_here).toBe(false);
    expect(provenance.bundle?.bundle_id).toBe(imported.bundle_id);

    render(ActionEditor, { id: action.id });
    await until(() => !!byTestId('provenance-text'));
    const text = byTestId('provenance-text')!.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('faite par Camille Essai');
    expect(text).toContain(`empreinte ${provenance.device_fingerprint}`);
    expect(text).toContain(`lot n° ${provenance.bundle!.sequence}`);
    expect(text).toContain('importé le');
    expect(byTestId('read-only')!.textContent).toBe('Lecture seule');
    expect(byTestId('save-state')).toBeNull();
    expect(byTestId('action-delete')).toBeNull();
    expect((byTestId('action-title') as HTMLInputElement).value).toBe('Annuaire partagé');
    expect(byTestId('action-title')!.closest('fieldset[disabled]'), 'in a disabled fieldset').toBeTruthy();
    expect(byTestId('indicator-add')).toBeNull();
    // Nothing typed there would be saved (the field cannot take input; autosave sends nothing).
    await type('action-title', 'Changé au siège');
    await new Promise((r) => setTimeout(r, 800));
    expect(hq.calls.some((c) => c.command === 'record_put')).toBe(false);
  });

  it('the side forms of the lists too: no « Nouvelle structure », no « Enregistrer »', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage', fill: launch });
    await hq.api.importBundle(a.path, false);
    setTerritory(a.territoryId);
    const orgs = await hq.api.recordList('organisation', a.territoryId);
    render(OrganisationsTab, { orgs, openId: orgs[0].id });
    await until(() => !!byTestId('provenance-text'));
    expect(byTestId('org-new')).toBeNull();
    expect(byTestId('org-save')).toBeNull();
    expect(byTestId('org-delete')).toBeNull();
    expect(byTestId('org-cancel')).toBeTruthy();
    expect(byTestId('org-name')!.closest('fieldset[disabled]'), 'in a disabled fieldset').toBeTruthy();
    expect(byTestId('provenance-text')!.textContent).toContain('Camille Essai');
  });

  it('a record made on this computer says so', async () => {
    const core = await useCore({ demo: false });
    const t = await core.api.recordPut('territory', null, { name: 'Orly', kind: 'commune', departement_code: '94', communes: [], programme: null, notes: '' });
    await encrypt(core);
    applyWorkspace(await core.api.setWorkspace('siege'));
    render(Provenance, { kind: 'territory', id: t.id });
    await until(() => !!byTestId('provenance-text'));
    expect(byTestId('provenance-text')!.textContent).toContain('faite ici');
  });
});

describe('Exports', () => {
  it('writes the XLSX workbook, says what it holds, and replaces an earlier one only when asked', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage', fill: launch });
    await hq.api.importBundle(a.path, false);
    const out = join(hq.process.home, 'Documents', 'national.xlsx');
    render(NationalExports);
    expect(byTestId('export-identified-warning')).toBeNull();
    await tick('export-identified');
    await until(() => !!byTestId('export-identified-warning'));
    await tick('export-identified');
    await type('export-out', out);
    await fireEvent.click(byTestId('export-write')!);
    await until(() => !!byTestId('export-report'), 8000);
    expect(hq.calls.find((c) => c.command === 'national_export')!.args).toEqual({ request: { out, format: 'xlsx', identified: false, force: false } });
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    expect(byTestId('export-report')!.textContent).toContain('pseudonymisé');
    expect(byTestId('export-tables')!.textContent).toContain('Structures');

    await fireEvent.click(byTestId('export-write')!);
    await until(() => !!byTestId('export-replace'));
    const refusal = hq.refused.find((r) => r.command === 'national_export')!.error;
    expect(refusal.code).toBe('already_exists');
    expect(byTestId('export-error')!.textContent).toContain(sentence(refusal.message));
    await fireEvent.click(byTestId('export-replace')!);
    await until(() => !!byTestId('export-report'), 8000);
  });
});

describe('Synthèse nationale', () => {
  it('lays out core’s synthesis as shaded tables, the numbers as core counts them', async () => {
    const core = await useCore(); // the demo territory: interviews coded, actions, indicators, links
    const s = await core.api.nationalSynthesis();
    render(NationalSynthesis);
    await until(() => !!byTestId('synthesis-content'));
    const cell = (table: string, row: string, col: string) => byTestId(`${table}-cell-${row}-${col}`)!.dataset.value;
    const [t] = s.territories;
    let coded = 0;
    s.themes.forEach((theme, i) => {
      expect(cell('synthesis-theme-territory', theme.code, t.territory_id)).toBe(String(s.theme_territory.passages[i][0]));
      coded += s.theme_territory.passages[i][0];
    });
    expect(coded, 'the demo has coded passages').toBeGreaterThan(0);
    await fireEvent.click(byTestId('synthesis-measure-interviews')!);
    s.themes.forEach((theme, i) => expect(cell('synthesis-theme-territory', theme.code, t.territory_id)).toBe(String(s.theme_territory.interviews[i][0])));
    // Themes × actor categories: the categories some passage speaks for.
    const j = s.categories.findIndex((_, c) => s.theme_category.passages.some((row) => row[c] > 0));
    const i = s.theme_category.passages.findIndex((row) => row[j] > 0);
    await fireEvent.click(byTestId('synthesis-measure-passages')!);
    expect(cell('synthesis-theme-category', s.themes[i].code, s.categories[j].code)).toBe(String(s.theme_category.passages[i][j]));
    // Actions by status, links by kind × intensity, indicators.
    s.action_statuses.forEach((st, k) => expect(cell('synthesis-actions', t.territory_id, st.code)).toBe(String(s.actions[k][0])));
    s.link_kinds.forEach((kind, k) =>
      s.link_intensities.forEach((level, l) =>
        expect(cell('synthesis-links', t.territory_id, `${kind.code}-${level.code}`)).toBe(String(s.links[0][k][l])),
      ),
    );
    for (const ind of s.indicators) expect(byTestId(`synthesis-indicator-${ind.indicator_id}`)!.textContent).toContain(ind.name);
    // The largest count is the darkest cell.
    const shaded = [...document.querySelectorAll<HTMLElement>('[data-testid^="synthesis-theme-territory-cell-"]')];
    const max = Math.max(...shaded.map((c) => Number(c.dataset.value)));
    expect(shaded.find((c) => Number(c.dataset.value) === max)!.style.backgroundColor).toContain('0.85');
  });
});
