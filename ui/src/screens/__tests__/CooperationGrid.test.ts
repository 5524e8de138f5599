// The cooperation grid to the end (issue 14), on the real core: the territory's checklist ticks
// itself from the records (a charter adopted in its editor) or by hand with a note; the common
// goal's editor links indicators (an existing one, one created there); headquarters counts the
// territories per good practice. Every rule, count and sentence is core's.
/// <reference types="node" />
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { setBackend, type FileChoice } from '../../backend';
import { app, labelOf } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { byTestId, choose, eventually, type, until, useCore } from '../../test/helpers';
import TerritoryDetail from '../TerritoryDetail.svelte';
import CharterEditor from '../grid/CharterEditor.svelte';
import CommonGoalEditor from '../grid/CommonGoalEditor.svelte';
import NationalGrid from '../hq/NationalGrid.svelte';

const itemDone = (code: string) => byTestId(`grid-item-${code}`)?.dataset.done;

describe('the cooperation grid as a checklist', () => {
  it('ticks « Coconstruire une charte » once the charter is adopted in its editor', async () => {
    const core = await useCore();
    const territoryId = app.territoryId!;
    const before = await core.api.cooperationGrid(territoryId);
    expect(before.items.find((i) => i.code === 'charte')!.done).toBe(false);
    const orgs = await core.api.recordList('organisation', territoryId);

    const editor = render(CharterEditor, { territoryId });
    await until(() => !!byTestId('charter-title'));
    await type('charter-values', 'L’intérêt de l’enfant avant tout');
    await type('charter-rules', 'Partage d’informations dans le respect du secret professionnel');
    for (const o of orgs.slice(0, 3)) await choose('charter-add-partner', o.id);
    await until(() => !!byTestId('charter-partner-2'));
    await type('charter-partner-representative-0', 'La principale');
    await type('charter-partner-commitments-0', 'Accueillir les réunions');

    // « Adoptée » without its day: core refuses, and its sentence shows at the date's field.
    await choose('charter-status', 'adoptee');
    await fireEvent.focusOut(byTestId('charter-status')!);
    await until(() => !!byTestId('field-error-adopted_on'));
    const refusal = core.refused.find((r) => r.command === 'record_put' && r.args.kind === 'charter')!;
    expect(refusal.error.field).toBe('adopted_on');
    expect(byTestId('field-error-adopted_on')!.textContent).toBe(sentence(refusal.error.message));

    await type('charter-adopted-on', '12/03/2026');
    await fireEvent.focusOut(byTestId('charter-adopted-on')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved');
    const [charter] = await core.api.recordList('charter', territoryId);
    expect(charter.data.status).toBe('adoptee');
    expect(charter.data.adopted_on).toBe('2026-03-12');
    expect(charter.data.partners.map((p) => p.organisation_id)).toEqual(orgs.slice(0, 3).map((o) => o.id));
    expect(charter.data.partners[0]).toMatchObject({ representative: 'La principale', commitments: 'Accueillir les réunions' });
    expect(byTestId('charter-versions-0')!.dataset.id).toBe(charter.id);
    editor.unmount();

    render(TerritoryDetail, { id: territoryId });
    await until(() => itemDone('charte') === 'true');
    const grid = await core.api.cooperationGrid(territoryId);
    const item = grid.items.find((i) => i.code === 'charte')!;
    expect(item.from_records).toBe(true);
    expect(byTestId('grid-evidence-charte')!.textContent).toBe(item.evidence);
    expect(byTestId('grid-item-charte')!.textContent).toContain(app.vocab!.lists.grid_practice.find((c) => c.code === 'charte')!.label);
    expect(byTestId('grid-item-charte')!.textContent).toContain(item.practice);
    expect(byTestId('grid-count')!.textContent).toContain(`${grid.done} bonne`);
    // Ticked by the records: nothing to tick by hand.
    expect(byTestId('grid-check-charte')).toBeNull();
    await until(() => byTestId('territory-charter-status')?.dataset.status === 'adoptee');
    expect(byTestId('territory-charter-status')!.textContent).toContain('Adoptée le 12/03/2026');
  }, 20_000);

  it('ticks an item by hand with a note, and unticks it', async () => {
    const core = await useCore();
    const territoryId = app.territoryId!;
    render(TerritoryDetail, { id: territoryId });
    await until(() => itemDone('communication') === 'false');
    await fireEvent.click(byTestId('grid-check-communication')!);
    await type('grid-note-communication', 'Lettre d’information mensuelle aux partenaires');
    await fireEvent.click(byTestId('grid-check-confirm-communication')!);
    await until(() => itemDone('communication') === 'true');
    const ticked = (await core.api.cooperationGrid(territoryId)).items.find((i) => i.code === 'communication')!;
    expect(ticked.by_hand!.note).toBe('Lettre d’information mensuelle aux partenaires');
    expect(byTestId('grid-by-hand-communication')!.textContent).toContain('Lettre d’information mensuelle aux partenaires');
    expect(core.calls.find((c) => c.command === 'set_grid_check')!.args).toEqual({
      territoryId,
      code: 'communication',
      checked: true,
      note: 'Lettre d’information mensuelle aux partenaires',
    });

    await fireEvent.click(byTestId('grid-uncheck-communication')!);
    await until(() => itemDone('communication') === 'false');
    expect((await core.api.cooperationGrid(territoryId)).items.find((i) => i.code === 'communication')!.by_hand).toBeNull();
    expect(byTestId('grid-by-hand-communication')).toBeNull();
  });
});

describe('the common goal', () => {
  it('links two indicators — an existing one and one created there — in a workshop, agreed on a day', async () => {
    const core = await useCore();
    const territoryId = app.territoryId!;
    const existing = await core.api.recordPut('indicator', null, {
      territory_id: territoryId,
      action_id: null,
      name: 'Taux d’absentéisme au collège',
      unit: '%',
      baseline: 12,
      target: 8,
      notes: '',
    });
    const [workshop] = await core.api.recordList('workshop', territoryId);

    render(CommonGoalEditor, { territoryId, workshopId: workshop.id });
    await until(() => !!byTestId('goal-goal'));
    // Come from a workshop: it is the one proposed.
    expect((byTestId('goal-workshop') as HTMLSelectElement).value).toBe(workshop.id);
    await type('goal-goal', 'Qu’aucun enfant ne décroche au passage en sixième');
    await type('goal-scenario', 'Les familles connaissent les lieux ressources ; les professionnels se parlent.');
    const box = byTestId(`goal-indicators-${existing.id}`) as HTMLInputElement;
    box.checked = true;
    await fireEvent.change(box);
    await type('goal-new-indicator', 'Familles accompagnées');
    await fireEvent.click(byTestId('goal-create-indicator')!);
    await type('goal-agreed-on', '05/02/2026');
    await fireEvent.focusOut(byTestId('goal-agreed-on')!);

    let goalId = '';
    await eventually(async () => {
      const goals = await core.api.recordList('common_goal', territoryId);
      goalId = goals[0]?.id ?? '';
      return goals.length === 1 && goals[0].data.indicator_ids.length === 2 && goals[0].data.agreed_on === '2026-02-05';
    }, 5000);
    const goal = await core.api.recordGet('common_goal', goalId);
    const created = (await core.api.recordList('indicator', territoryId)).find((i) => i.data.name === 'Familles accompagnées')!;
    expect(goal.data.indicator_ids).toEqual([existing.id, created.id]);
    expect(goal.data.workshop_id).toBe(workshop.id);
    expect(goal.data.scenario).toContain('lieux ressources');
    await until(() => byTestId('save-state')!.dataset.state === 'saved');
    expect(byTestId('goal-versions-0')!.textContent).toContain('Convenu le 05/02/2026');

    // The grid reads it: a common goal agreed on, two indicators following it.
    const grid = await core.api.cooperationGrid(territoryId);
    expect(grid.items.find((i) => i.code === 'but_commun')!.done).toBe(true);
    expect(grid.items.find((i) => i.code === 'indicateurs_suivi')!.done).toBe(true);

    // « Nouvelle version »: another record from this one, not agreed yet; the first is kept.
    await fireEvent.click(byTestId('goal-versions-new')!);
    await eventually(async () => (await core.api.recordList('common_goal', territoryId)).length === 2);
    const versions = await core.api.recordList('common_goal', territoryId);
    const next = versions.find((v) => v.id !== goalId)!;
    expect(next.data.agreed_on).toBeNull();
    expect(next.data.goal).toBe(goal.data.goal);
    expect((await core.api.recordGet('common_goal', goalId)).data.agreed_on).toBe('2026-02-05');
    expect(location.hash).toBe(`#/territoires/${territoryId}/objectif/${next.id}`);
  }, 20_000);
});

describe('the charter as a document', () => {
  it('« Générer la charte (DOCX) » writes it where the save dialog says; none before the charter exists', async () => {
    const core = await useCore();
    const territoryId = app.territoryId!;
    const out = join(mkdtempSync(join(tmpdir(), 'maillage-charter-')), 'charte.docx');
    const asked: FileChoice[] = [];
    setBackend({ ...core.backend, chooseFile: async (c) => (asked.push(c), out) });
    const first = render(CharterEditor, { territoryId });
    await until(() => !!byTestId('report-charter-write'));
    // Nothing written yet: the screen says so, core is not asked.
    await fireEvent.click(byTestId('report-charter-write')!);
    await until(() => !!byTestId('report-charter-error'));
    expect(core.calls.some((c) => c.command === 'report_charter')).toBe(false);
    expect(existsSync(out)).toBe(false);
    first.unmount();

    const [org] = await core.api.recordList('organisation', territoryId);
    await core.api.recordPut('charter', null, {
      territory_id: territoryId,
      title: 'Charte de coopération de Valmont',
      values: 'L’intérêt de l’enfant',
      rules: '',
      objectives: '',
      partners: [{ organisation_id: org.id, interest: '', commitments: '', representative: 'La directrice' }],
      status: 'en_discussion',
      adopted_on: null,
      workshop_id: null,
    });
    render(CharterEditor, { territoryId });
    await until(() => (byTestId('charter-title') as HTMLInputElement | null)?.value === 'Charte de coopération de Valmont');
    await fireEvent.click(byTestId('report-charter-write')!);
    await until(() => !!byTestId('report-charter-written'), 30_000);
    expect(asked.at(-1)!.mode).toBe('save');
    expect(asked.at(-1)!.defaultPath).toBe('charte-cite-educative-de-valmont.docx');
    expect(core.calls.find((c) => c.command === 'report_charter')!.args).toEqual({ request: { territory_id: territoryId, out, force: false } });
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(bytes.includes(Buffer.from('word/document.xml'))).toBe(true);
  }, 40_000);
});

describe('headquarters', () => {
  it('« Grille de coopération »: per good practice, N territoires sur M, as core counts them', async () => {
    const core = await useCore({ demo: false });
    const ids: string[] = [];
    for (const name of ['Bondy Nord', 'Orly Centre']) {
      const t = await core.api.recordPut('territory', null, { name, kind: 'qpv', departement_code: '93', communes: [], programme: null, notes: '' });
      ids.push(t.id);
    }
    await core.api.setGridCheck(ids[0], 'communication', true, 'Une lettre mensuelle');
    await core.api.setGridCheck(ids[1], 'communication', true, '');
    await core.api.setGridCheck(ids[1], 'coordination', true, 'Une coordinatrice à mi-temps');
    render(NationalGrid);
    await until(() => !!byTestId('national-grid-count-communication'));
    const counts = await core.api.nationalGrid();
    expect(counts.length).toBe(9);
    for (const c of counts) {
      // The practice's name is core's vocabulary (`grid_practice`), its description on hover.
      expect(labelOf('grid_practice', c.code)).not.toBe(c.code);
      expect(byTestId(`national-grid-row-${c.code}`)!.textContent).toContain(labelOf('grid_practice', c.code));
      expect(byTestId(`national-grid-count-${c.code}`)!.textContent).toBe(`${c.territories_done} sur ${c.territories}`);
    }
    expect(byTestId('national-grid-count-communication')!.textContent).toBe('2 sur 2');
    expect(byTestId('national-grid-count-coordination')!.textContent).toBe('1 sur 2');
  });
});
