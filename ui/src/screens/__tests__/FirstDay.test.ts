// A facilitator's first day (issue 9), against the real core: the steps' checklists, the demo
// marked and deleted with a confirmation that names what goes, an export of the territories
// chosen with « Remplacer » when the file exists, and lists of checkboxes that stay still.
/// <reference types="node" />
import { fireEvent, render } from '@testing-library/svelte';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Exchanges from '../Exchanges.svelte';
import TerritoryDetail from '../TerritoryDetail.svelte';
import ActorPicker from '../../components/ActorPicker.svelte';
import { app } from '../../lib/app.svelte';
import { byTestId, until, useCore, type } from '../../test/helpers';

describe('the territory’s steps', () => {
  it('list what each step asks for, done or to do, from core’s checklist', async () => {
    const core = await useCore();
    const id = app.territoryId!;
    render(TerritoryDetail, { id });
    await until(() => !!byTestId('step-lancement'));
    const overview = await core.api.territoryOverview(id);
    for (const step of overview.steps) {
      expect(byTestId(`step-${step.step}`)!.dataset.reached).toBe(String(step.reached));
      for (const item of step.checklist) {
        const li = byTestId(`step-item-${step.step}-${item.code}`)!;
        expect(li.textContent).toContain(item.label);
        expect(li.dataset.done).toBe(String(item.done));
      }
    }
    expect(byTestId('demo-badge')!.textContent).toBe('Démonstration');
  });

  it('deletes the demo after a confirmation naming what goes, counted by core', async () => {
    const core = await useCore();
    const id = app.territoryId!;
    const counts = await core.api.stats(id);
    render(TerritoryDetail, { id });
    await until(() => !!byTestId(`territory-delete-${id}`));
    await fireEvent.click(byTestId(`territory-delete-${id}`)!);
    await until(() => !!byTestId('confirm-dialog'));
    const message = byTestId('confirm-dialog')!.textContent!;
    expect(message).toContain(`${counts.interview}\u00a0entretiens`);
    expect(message).toContain(`${counts.person}\u00a0personnes`);
    await fireEvent.click(byTestId('territory-delete-yes')!);
    await until(() => core.calls.some((c) => c.command === 'record_delete'), 5000);
    await until(() => app.territories.length === 0, 5000);
    expect(await core.api.recordList('territory')).toHaveLength(0);
  });
});

describe('export', () => {
  it('carries the territories ticked and offers « Remplacer » when the file exists', async () => {
    const core = await useCore();
    const demo = app.territoryId!;
    render(Exchanges);
    await until(() => (byTestId('export-folder') as HTMLInputElement).value !== '');
    expect((byTestId(`export-territory-${demo}`) as HTMLInputElement).checked).toBe(true);
    expect(byTestId(`export-territory-demo-${demo}`)).not.toBeNull();
    expect(byTestId('export-unsealed-hint')!.textContent).toContain('sans être scellé');
    await type('export-filename', 'valmont');
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('export-summary'), 5000);
    expect(byTestId('export-summary-territories')!.textContent).toContain('Cité éducative de Valmont');
    const first = core.calls.find((c) => c.command === 'export_bundle')!.args as { request: { territories: string[]; force: boolean } };
    expect(first.request).toMatchObject({ territories: [demo], force: false });

    // Again: the file exists; « Remplacer » sends the same export with `force`.
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('export-replace'), 5000);
    expect(core.refused.at(-1)!.error.code).toBe('already_exists');
    expect(byTestId('error-message')!.textContent).not.toContain(join(core.process.home, 'Documents'));
    await fireEvent.click(byTestId('export-replace')!);
    await until(() => !!byTestId('export-summary'), 5000);
    const last = core.calls.filter((c) => c.command === 'export_bundle').at(-1)!.args as { request: { force: boolean } };
    expect(last.request.force).toBe(true);
  });
});

describe('a list of checkboxes', () => {
  it('does not reorder while it is ticked', async () => {
    const options = ['Amélie', 'Bruno', 'Chloé', 'Zoé'].map((label) => ({ id: label.toLowerCase(), label }));
    render(ActorPicker, { options, selected: [], legend: 'Personnes', testid: 'p' });
    const order = () => Array.from(document.querySelectorAll<HTMLInputElement>('[data-testid^="p-"]:not([type=search])')).map((e) => e.dataset.testid);
    const before = order();
    await fireEvent.click(byTestId('p-zoé')!);
    await fireEvent.click(byTestId('p-chloé')!);
    expect(order()).toEqual(before);
    expect((byTestId('p-zoé') as HTMLInputElement).checked).toBe(true);
  });
});
