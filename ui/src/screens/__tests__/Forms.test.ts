import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Territories from '../Territories.svelte';
import PersonsTab from '../PersonsTab.svelte';
import { app } from '../../lib/app.svelte';
import { router } from '../../lib/router.svelte';
import { byTestId, until, useFake } from '../../test/helpers';

async function type(testid: string, text: string) {
  const el = byTestId(testid) as HTMLInputElement;
  el.value = text;
  await fireEvent.input(el);
}

describe('territory creation', () => {
  it('refuses an empty name in French and sends nothing', async () => {
    const fake = await useFake({ initialised: true });
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await fireEvent.click(byTestId('territory-save')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain('Le nom du territoire est obligatoire');
    expect(byTestId('territory-name')!.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.filter((c) => c.command === 'record_put')).toHaveLength(0);
  });

  it('creates the territory, selects it and opens it', async () => {
    const fake = await useFake({ initialised: true });
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await type('territory-name', 'Quartier des Tilleuls');
    const kind = byTestId('territory-kind') as HTMLSelectElement;
    await type('territory-departement', '2A');
    await type('territory-communes', 'Ajaccio, Bastelicaccia');
    await fireEvent.click(byTestId('territory-save')!);
    await until(() => router.route.parts.length === 1);
    const t = fake.records.get(router.route.parts[0])!;
    expect(t.data).toMatchObject({ name: 'Quartier des Tilleuls', kind: kind.value, departement_code: '2A', communes: ['Ajaccio', 'Bastelicaccia'] });
    expect(app.territoryId).toBe(t.id);
  });
});

describe('person consent', () => {
  it('asks for the date of a given consent before saving', async () => {
    const fake = await useFake();
    const persons: never[] = [];
    render(PersonsTab, { props: { persons, orgs: [], openId: 'nouvelle' } });
    await until(() => !!byTestId('person-form'));
    await type('person-name', 'Nadia Benali');
    const status = byTestId('person-consent-status') as HTMLSelectElement;
    status.value = 'given';
    await fireEvent.change(status);
    await fireEvent.click(byTestId('person-save')!);
    await until(() => !!byTestId('field-error-consent.date'));
    expect(byTestId('error-message')!.textContent).toContain('Indiquez la date');
    expect(fake.calls.filter((c) => c.command === 'record_put')).toHaveLength(0);
    await type('person-consent-date', '31/04/2026');
    await fireEvent.click(byTestId('person-save')!);
    await until(() => byTestId('error-message')!.textContent!.includes("31/04/2026 n'existe pas"));
    await type('person-consent-date', '30/04/2026');
    await fireEvent.click(byTestId('person-save')!);
    await until(() => fake.calls.some((c) => c.command === 'record_put'));
    const saved = [...fake.records.values()].find((r) => r.kind === 'person' && r.data.name === 'Nadia Benali')!;
    expect(saved.data.consent).toEqual({ status: 'given', date: '2026-04-30', how: '' });
  });
});
