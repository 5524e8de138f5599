// A facilitator's first day (issue 9), the details an audit found: a step card says one thing
// (reached, begun or not yet begun, from core's checklist), a long territory name is whole in the
// sidebar, and an export of two ticked territories says which and carries exactly those.
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import Exchanges from '../Exchanges.svelte';
import TerritoryDetail from '../TerritoryDetail.svelte';
import { setBackend, type Backend } from '../../backend';
import { app, refreshTerritories, setTerritory } from '../../lib/app.svelte';
import { byTestId, startCore, until, useCore, DEMO_TERRITORY } from '../../test/helpers';

/** Sixty characters: more than the sidebar's select shows. */
const LONG_NAME = 'Quartier des Tilleuls de la Vallée-aux-Loups et du Grand Pré';

async function territory(api: Backend, name: string) {
  return api.recordPut('territory', null, { name, kind: 'qpv', departement_code: '93', communes: [], programme: null, notes: '' });
}

describe('a step card', () => {
  it('shows one state, from core’s checklist: « Atteinte », « En cours » or « Pas encore commencée »', async () => {
    const core = await useCore({ demo: false });
    const t = await territory(core.api, LONG_NAME);
    // Three structures: core ticks « acteurs » of Lancement; the roadmap is still empty.
    for (const name of ['École Jean-Moulin', 'Collège Victor-Hugo', 'Centre social des Tilleuls'])
      await core.api.recordPut('organisation', null, {
        territory_id: t.id,
        name,
        category: 'centre_social',
        engagement: 'professionnel',
        fields: ['scolaire'],
        sub_territory: null,
        notes: '',
      });
    render(TerritoryDetail, { id: t.id });
    await until(() => !!byTestId('step-evaluation'));
    const overview = await core.api.territoryOverview(t.id);
    const seen: { [state: string]: number } = {};
    for (const step of overview.steps) {
      const badge = byTestId(`step-reached-${step.step}`)!;
      const expected = step.reached ? 'reached' : step.checklist.some((i) => i.done) ? 'begun' : 'not_begun';
      expect(badge.dataset.state).toBe(expected);
      expect(badge.textContent!.trim()).toBe({ reached: 'Atteinte', begun: 'En cours', not_begun: 'Pas encore commencée' }[expected]);
      seen[expected] = (seen[expected] ?? 0) + 1;
      // The card never says « En cours » and « Pas encore commencée » at once.
      const card = byTestId(`step-${step.step}`)!.textContent!;
      expect(card.includes('En cours') && card.includes('Pas encore commencée')).toBe(false);
    }
    const lancement = overview.steps.find((s) => s.step === 'lancement')!;
    expect(lancement.reached).toBe(false);
    expect(lancement.checklist.find((i) => i.code === 'acteurs')!.done).toBe(true);
    expect(byTestId('step-reached-lancement')!.textContent!.trim()).toBe('En cours');
    expect(byTestId('step-reached-evaluation')!.textContent!.trim()).toBe('Pas encore commencée');
    expect(byTestId('step-last-evaluation')!.textContent!.trim()).toBe('Aucune activité enregistrée');
    expect(seen.begun).toBe(1);
  });

  it('says « Atteinte » on a step core reached', async () => {
    const core = await useCore();
    const id = app.territoryId!;
    render(TerritoryDetail, { id });
    await until(() => !!byTestId('step-evaluation'));
    const overview = await core.api.territoryOverview(id);
    const reached = overview.steps.filter((s) => s.reached);
    expect(reached.length).toBeGreaterThan(0);
    for (const s of reached) expect(byTestId(`step-reached-${s.step}`)!.textContent!.trim()).toBe('Atteinte');
    for (const s of overview.steps.filter((s) => !s.reached))
      expect(byTestId(`step-reached-${s.step}`)!.textContent!.trim()).not.toBe('Atteinte');
  });
});

describe('the sidebar', () => {
  it('shows a long territory name whole, under the select that may cut it', async () => {
    const core = startCore();
    await core.api.init('Claire Martin');
    const t = await territory(core.api, LONG_NAME);
    expect(LONG_NAME).toHaveLength(60);
    setBackend(core.backend);
    Object.assign(app, { status: null, vocab: null, territories: [], territoryId: null, notice: null });
    render(App);
    await until(() => !!byTestId('territory-current-name'));
    const name = byTestId('territory-current-name')!;
    expect(name.textContent!.trim()).toBe(LONG_NAME);
    expect(byTestId('sidebar')!.contains(name)).toBe(true);
    // A paragraph that wraps (class `territory-name`: overflow-wrap), not the select nor a cut title.
    expect(name.tagName).toBe('P');
    expect(name.classList.contains('territory-name')).toBe(true);
    expect(name.classList.contains('top-title')).toBe(false);
    // The select keeps the whole name too, as its tooltip.
    const select = byTestId('territory-select') as HTMLSelectElement;
    expect(select.value).toBe(t.id);
    expect(select.title).toBe(LONG_NAME);
  });
});

describe('an export of two ticked territories', () => {
  it('names both in the file name and the summary, and carries exactly those two', async () => {
    const core = await useCore();
    const demo = app.territoryId!;
    const orly = await territory(core.api, 'Orly');
    await territory(core.api, 'Quartier non coché');
    await refreshTerritories();
    setTerritory(demo);
    render(Exchanges);
    await until(() => (byTestId('export-folder') as HTMLInputElement).value !== '');
    expect((byTestId(`export-territory-${demo}`) as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(byTestId(`export-territory-${orly.id}`)!);
    const fileName = () => (byTestId('export-filename') as HTMLInputElement).value;
    await until(() => fileName().includes('-et-'));
    // The sidebar's order (core's names sorted): « Cité éducative de Valmont » then « Orly ».
    expect(fileName()).toMatch(/^maillage-cite-educative-de-va-et-orly-\d{4}-\d{2}-\d{2}\.maillage$/);
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('export-summary'), 5000);
    const summary = byTestId('export-summary-territories')!.textContent!;
    expect(summary).toContain('Territoires');
    expect(summary).toContain(DEMO_TERRITORY);
    expect(summary).toContain('Orly');
    expect(summary).not.toContain('Quartier non coché');
    const sent = core.calls.find((c) => c.command === 'export_bundle')!.args as { request: { territories: string[] } };
    expect([...sent.request.territories].sort()).toEqual([demo, orly.id].sort());

    // Read back by another device: the bundle brings exactly the two territories.
    const path = byTestId('export-path')!.textContent!;
    const other = startCore();
    await other.api.init('Siège');
    const verified = await other.api.verifyBundle(path);
    expect(verified.territories.map((t) => t.name).sort()).toEqual([DEMO_TERRITORY, 'Orly']);
    await other.api.importBundle(path, false);
    expect((await other.api.recordList('territory')).map((t) => t.data.name).sort()).toEqual([DEMO_TERRITORY, 'Orly']);
  });
});
