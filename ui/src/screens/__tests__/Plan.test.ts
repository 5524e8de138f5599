import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Plan from '../Plan.svelte';
import { byTestId, until, useFake } from '../../test/helpers';

describe('action plan board', () => {
  it('moves a card to another column with the keyboard-reachable status select', async () => {
    const fake = await useFake();
    render(Plan);
    await until(() => !!byTestId('plan-board'));
    const action = [...fake.records.values()].find((r) => r.kind === 'action' && r.data.status !== 'realisee')!;
    const card = () => byTestId(`action-card-${action.id}`)!;
    expect(card().closest('[data-testid^="plan-column-"]')!.getAttribute('data-testid')).toBe(`plan-column-${action.data.status}`);

    const select = byTestId(`action-status-${action.id}`) as HTMLSelectElement;
    select.value = 'realisee';
    await fireEvent.change(select);

    await until(() => card().closest('[data-testid^="plan-column-"]')!.getAttribute('data-testid') === 'plan-column-realisee');
    await until(() => fake.records.get(action.id)!.data.status === 'realisee');
    const put = fake.calls.find((c) => c.command === 'record_put' && (c.args as any).id === action.id)!;
    expect((put.args as any).data.title).toBe(action.data.title); // the whole record is sent, only the status changes
  });

  it('puts the card back and shows the French message when the backend refuses', async () => {
    const fake = await useFake();
    render(Plan);
    await until(() => !!byTestId('plan-board'));
    const action = [...fake.records.values()].find((r) => r.kind === 'action' && r.data.status === 'retenue')!;
    fake.validate = () => ({ code: 'invalid', message: 'la date de fin précède la date de début', field: 'end_date' });
    const select = byTestId(`action-status-${action.id}`) as HTMLSelectElement;
    select.value = 'en_cours';
    await fireEvent.change(select);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain('La date de fin précède la date de début');
    await until(() => byTestId(`action-card-${action.id}`)!.closest('[data-testid="plan-column-retenue"]') !== null);
    expect(fake.records.get(action.id)!.data.status).toBe('retenue');
  });
});
