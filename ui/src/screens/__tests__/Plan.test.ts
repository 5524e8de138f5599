import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Plan from '../Plan.svelte';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { setBackend } from '../../backend';
import { brokenCore, byTestId, eventually, until, useCore } from '../../test/helpers';

describe('action plan board', () => {
  it('moves a card to another column with the keyboard-reachable status select', async () => {
    const core = await useCore();
    render(Plan);
    await until(() => !!byTestId('plan-board'));
    const action = (await core.api.recordList('action', app.territoryId)).find((r) => r.data.status !== 'realisee')!;
    const card = () => byTestId(`action-card-${action.id}`)!;
    expect(card().closest('[data-testid^="plan-column-"]')!.getAttribute('data-testid')).toBe(`plan-column-${action.data.status}`);

    const select = byTestId(`action-status-${action.id}`) as HTMLSelectElement;
    select.value = 'realisee';
    await fireEvent.change(select);

    await until(() => card().closest('[data-testid^="plan-column-"]')!.getAttribute('data-testid') === 'plan-column-realisee');
    await eventually(async () => (await core.api.recordGet('action', action.id)).data.status === 'realisee');
    const stored = await core.api.recordGet('action', action.id);
    expect({ ...stored.data, status: action.data.status }).toEqual(action.data); // the whole record is sent, only the status changes
  });

  it('puts the card back and shows core’s French message when core refuses', async () => {
    const core = await useCore();
    render(Plan);
    await until(() => !!byTestId('plan-board'));
    const action = (await core.api.recordList('action', app.territoryId)).find((r) => r.data.status === 'retenue')!;
    // Deleted meanwhile (by another window): core refuses to bring the record back by an edit.
    await core.api.recordDelete('action', action.id);
    const refusal = (await core.api.recordPut('action', action.id, action.data).catch((e) => e)) as { message: string };
    const select = byTestId(`action-status-${action.id}`) as HTMLSelectElement;
    select.value = 'en_cours';
    await fireEvent.change(select);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    await until(() => byTestId(`action-card-${action.id}`)!.closest('[data-testid="plan-column-retenue"]') !== null);
  });

  it('says why when the actions cannot be read, and reads them again on « Réessayer »', async () => {
    const core = await useCore();
    // The same window on a store core cannot open (a text file), then on the good one again.
    const broken = brokenCore();
    setBackend(broken.backend);
    render(Plan);
    await until(() => !!byTestId('load-error'));
    const refusal = (await broken.api.recordList('action').catch((e) => e)) as { message: string };
    expect(byTestId('load-error')!.getAttribute('role')).toBe('alert');
    expect(byTestId('load-error')!.textContent).toContain(sentence(refusal.message));
    expect(byTestId('plan')!.textContent).not.toContain('Chargement…');
    setBackend(core.backend);
    await fireEvent.click(byTestId('load-retry')!);
    await until(() => !!byTestId('plan-board'));
    expect(byTestId('load-error')).toBeNull();
  });
});
