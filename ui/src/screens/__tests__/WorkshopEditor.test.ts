import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import WorkshopEditor from '../WorkshopEditor.svelte';
import { sentence } from '../../lib/errors';
import { byTestId, eventually, until, useCore, type } from '../../test/helpers';

describe('workshop', () => {
  it('turns a decision into an action in one gesture', async () => {
    const core = await useCore();
    render(WorkshopEditor, { props: { id: null } });
    await until(() => !!byTestId('workshop-title'));
    await type('workshop-title', 'COPIL de lancement');
    await type('workshop-decision-new', 'Ouvrir un lieu d’accueil parents-enfants');
    await fireEvent.click(byTestId('workshop-decision-add')!);
    await fireEvent.click(byTestId('decision-to-action-0')!);
    await until(() => !!byTestId('decision-action-link-0'));
    const actionId = byTestId('decision-action-link-0')!.dataset.id!;
    const action = await core.api.recordGet('action', actionId);
    expect(action.kind).toBe('action');
    expect(action.data.title).toBe('Ouvrir un lieu d’accueil parents-enfants');
    expect(action.data.status).toBe('retenue');
    const workshop = (await core.api.recordList('workshop')).find((r) => r.data.title === 'COPIL de lancement')!;
    expect(workshop.data.decisions[0].action_id).toBe(actionId);
    // the next autosave keeps the link
    await type('workshop-place', 'Mairie');
    await fireEvent.focusOut(byTestId('workshop-place')!);
    await eventually(async () => (await core.api.recordGet('workshop', workshop.id)).data.place === 'Mairie');
    expect((await core.api.recordGet('workshop', workshop.id)).data.decisions[0].action_id).toBe(actionId);
  });

  it('« Ajouter » adds exactly what the field holds, and typing in it alone changes nothing to save', async () => {
    const core = await useCore();
    render(WorkshopEditor, { props: { id: null } });
    await until(() => !!byTestId('workshop-title'));
    await type('workshop-title', 'Premier COPIL territorial');
    await fireEvent.focusOut(byTestId('workshop-title')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved');
    const puts = () => core.calls.filter((c) => c.command === 'record_put').length;
    const before = puts();
    // A draft: not part of the workshop until « Ajouter ».
    await type('workshop-add-name', 'Mme Lefort, ad');
    await fireEvent.focusOut(byTestId('workshop-add-name')!);
    expect(byTestId('save-state')!.dataset.state).toBe('saved');
    expect(puts()).toBe(before);
    // The last keys reached the field but not yet any handler: « Ajouter » takes the field as it is.
    (byTestId('workshop-add-name') as HTMLInputElement).value = 'Mme Lefort, adjointe au maire';
    await fireEvent.click(byTestId('workshop-add-name-submit')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved' && puts() > before);
    const workshop = (await core.api.recordList('workshop')).find((r) => r.data.title === 'Premier COPIL territorial')!;
    expect(workshop.data.participants.map((p: { name: string }) => p.name)).toEqual(['Mme Lefort, adjointe au maire']);
    expect((byTestId('workshop-add-name') as HTMLInputElement).value).toBe('');
  });

  it('refuses to create the action while the workshop has no title: core’s message, beside the title', async () => {
    const core = await useCore();
    render(WorkshopEditor, { props: { id: null } });
    await until(() => !!byTestId('workshop-title'));
    await type('workshop-decision-new', 'Une décision');
    await fireEvent.click(byTestId('workshop-decision-add')!);
    await fireEvent.click(byTestId('decision-to-action-0')!);
    await until(() => !!byTestId('action-error'));
    const refusal = core.refused.find((r) => r.command === 'record_put')!.error;
    expect(refusal.field).toBe('title');
    expect(refusal.message).toContain('« titre »');
    expect(byTestId('action-error')!.textContent).toContain(sentence(refusal.message));
    expect(byTestId('field-error-title')!.textContent).toBe(sentence(refusal.message));
    expect(core.calls.some((c) => c.command === 'decision_to_action')).toBe(false);
  });

  it('shows core’s refusal of an emptied decision beside the decisions', async () => {
    const core = await useCore();
    render(WorkshopEditor, { props: { id: null } });
    await until(() => !!byTestId('workshop-title'));
    await type('workshop-title', 'COPIL de mi-parcours');
    await type('workshop-decision-new', 'Une décision');
    await fireEvent.click(byTestId('workshop-decision-add')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved');
    await type('workshop-decision-0', '');
    await fireEvent.focusOut(byTestId('workshop-decision-0')!);
    await until(() => !!byTestId('error-message'));
    const refusal = core.refused.find((r) => r.command === 'record_put')!.error;
    expect(refusal.field).toBe('decisions.text');
    expect(refusal.message).toContain('« texte de la décision »');
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    expect(byTestId('field-error-decisions')!.textContent).toBe(sentence(refusal.message));
    const stored = (await core.api.recordList('workshop')).find((r) => r.data.title === 'COPIL de mi-parcours')!;
    expect(stored.data.decisions.map((d: { text: string }) => d.text)).toEqual(['Une décision']);
  });
});
