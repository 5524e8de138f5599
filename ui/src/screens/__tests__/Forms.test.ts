import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Territories from '../Territories.svelte';
import PersonsTab from '../PersonsTab.svelte';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { router } from '../../lib/router.svelte';
import { byTestId, until, useCore, type } from '../../test/helpers';

/** What core answers to `data`: the refusal the screen must show. */
async function refusal(core: Awaited<ReturnType<typeof useCore>>, kind: 'territory' | 'person', data: unknown) {
  return core.api.recordPut(kind, null, data as never).then(
    () => {
      throw new Error('core accepted it');
    },
    (e) => e as { message: string; field: string | null },
  );
}

describe('territory creation', () => {
  it('shows core’s refusal of an empty name next to the field, and creates nothing', async () => {
    const core = await useCore({ initialised: true, demo: false });
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await fireEvent.click(byTestId('territory-save')!);
    await until(() => !!byTestId('error-message'));
    const expected = await refusal(core, 'territory', { name: '', kind: 'cite_educative' });
    expect(expected.field).toBe('name');
    expect(byTestId('error-message')!.textContent).toContain(sentence(expected.message));
    expect(byTestId('territory-name')!.getAttribute('aria-invalid')).toBe('true');
    expect(await core.api.recordList('territory')).toHaveLength(0);
  });

  it('shows core’s refusal of a département code that does not exist', async () => {
    const core = await useCore({ initialised: true, demo: false });
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await type('territory-name', 'Quartier des Tilleuls');
    await type('territory-departement', '9A');
    await fireEvent.click(byTestId('territory-save')!);
    await until(() => !!byTestId('field-error-departement_code'));
    const expected = await refusal(core, 'territory', { name: 'T', kind: 'qpv', departement_code: '9A' });
    expect(byTestId('field-error-departement_code')!.textContent).toBe(sentence(expected.message));
    expect(await core.api.recordList('territory')).toHaveLength(0);
  });

  it('creates the territory, selects it and opens it', async () => {
    const core = await useCore({ initialised: true, demo: false });
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await type('territory-name', 'Quartier des Tilleuls');
    const kind = byTestId('territory-kind') as HTMLSelectElement;
    await type('territory-departement', '2A');
    await type('territory-communes', 'Ajaccio, Bastelicaccia');
    await fireEvent.click(byTestId('territory-save')!);
    await until(() => router.route.parts.length === 1);
    const t = await core.api.recordGet('territory', router.route.parts[0]);
    expect(t.data).toMatchObject({ name: 'Quartier des Tilleuls', kind: kind.value, departement_code: '2A', communes: ['Ajaccio', 'Bastelicaccia'] });
    expect(app.territoryId).toBe(t.id);
  });
});

describe('person consent', () => {
  it('shows core’s refusal of a given consent without its date, then saves it with one', async () => {
    const core = await useCore();
    render(PersonsTab, { props: { persons: [], orgs: [], openId: 'nouvelle' } });
    await until(() => !!byTestId('person-form'));
    await type('person-name', 'Nadia Benali');
    const status = byTestId('person-consent-status') as HTMLSelectElement;
    status.value = 'given';
    await fireEvent.change(status);
    await fireEvent.click(byTestId('person-save')!);
    await until(() => !!byTestId('field-error-consent.date'));
    const expected = await refusal(core, 'person', { territory_id: app.territoryId, name: 'N', consent: { status: 'given', date: null, how: '' } });
    expect(expected.field).toBe('consent.date');
    expect(byTestId('error-message')!.textContent).toContain(sentence(expected.message));
    const named = async () => (await core.api.recordList('person')).filter((r) => r.data.name === 'Nadia Benali');
    expect(await named()).toHaveLength(0);
    // A day that does not exist cannot even be read as a date: the screen says so itself.
    await type('person-consent-date', '31/04/2026');
    await fireEvent.click(byTestId('person-save')!);
    await until(() => byTestId('error-message')!.textContent!.includes("31/04/2026 n’existe pas"));
    await type('person-consent-date', '30/04/2026');
    await fireEvent.click(byTestId('person-save')!);
    await until(() => core.calls.filter((c) => c.command === 'record_put').length === 2 && !byTestId('error-message'));
    const [saved] = await named();
    expect(saved.data.consent).toEqual({ status: 'given', date: '2026-04-30', how: '' });
  });
});
