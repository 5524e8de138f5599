import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import InterviewEditor from '../InterviewEditor.svelte';
import { byTestId, until, useFake } from '../../test/helpers';

async function type(testid: string, text: string) {
  const el = byTestId(testid) as HTMLInputElement | HTMLTextAreaElement;
  el.value = text;
  await fireEvent.input(el);
}

const puts = (fake: { calls: { command: string; args: any }[] }) =>
  fake.calls.filter((c) => c.command === 'record_put' && c.args.kind === 'interview');

describe('interview capture', () => {
  it('autosaves after a pause and shows "Enregistré" only once the put resolved', async () => {
    const fake = await useFake();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    const release = fake.holdWrites();
    await type('interview-title', 'Entretien avec la directrice');
    await type('answer-presentation.structure', 'Je dirige l’école depuis six ans.');
    expect(byTestId('save-state')!.textContent).toContain('Modifications non enregistrées');
    await until(() => puts(fake).length === 1, 2000); // the pause (600 ms) sent one save
    expect(byTestId('save-state')!.dataset.state).toBe('saving');
    expect(byTestId('save-state')!.textContent).not.toContain('Enregistré');
    release();
    await until(() => byTestId('save-state')!.textContent!.includes('Enregistré'));
    const record = [...fake.records.values()].find((r) => r.kind === 'interview' && r.data.title === 'Entretien avec la directrice');
    expect(record?.data.answers['presentation.structure']).toBe('Je dirige l’école depuis six ans.');
  });

  it('keeps every keystroke typed while a save is in flight', async () => {
    const fake = await useFake();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien PMI');
    await type('answer-presentation.structure', 'Première');
    await until(() => puts(fake).length === 1, 2000);
    await until(() => byTestId('save-state')!.textContent!.includes('Enregistré'));
    const release = fake.holdWrites();
    await type('answer-presentation.structure', 'Première réponse');
    await fireEvent.focusOut(byTestId('answer-presentation.structure')!); // blur flushes at once
    await until(() => puts(fake).length === 2);
    // typing goes on during the save
    await type('answer-presentation.structure', 'Première réponse complète');
    await type('interview-notes', 'Notes libres');
    release();
    await fireEvent.focusOut(byTestId('interview-notes')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved');
    const record = [...fake.records.values()].find((r) => r.kind === 'interview' && r.data.title === 'Entretien PMI')!;
    expect(record.data.answers['presentation.structure']).toBe('Première réponse complète');
    expect(record.data.notes).toBe('Notes libres');
  });

  it('refuses an impossible date in French and sends nothing', async () => {
    const fake = await useFake();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien CAF');
    await type('interview-date', '30/02/2026');
    await fireEvent.focusOut(byTestId('interview-date')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.getAttribute('role')).toBe('alert');
    expect(byTestId('error-message')!.textContent).toContain("30/02/2026 n'existe pas");
    expect(byTestId('field-error-date')!.textContent).toContain("n'existe pas");
    expect(byTestId('interview-date')!.getAttribute('aria-invalid')).toBe('true');
    expect(byTestId('save-state')!.textContent).not.toContain('Enregistré');
    expect(puts(fake)).toHaveLength(0);
  });

  it('refuses an empty title and saves nothing', async () => {
    const fake = await useFake();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-notes'));
    await type('interview-notes', 'Des notes sans titre');
    await fireEvent.focusOut(byTestId('interview-notes')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain('titre');
    expect(puts(fake)).toHaveLength(0);
  });

  it('shows the backend refusal as is and keeps the record unchanged', async () => {
    const fake = await useFake();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    // a rule only the backend knows: it refuses, the message is shown as is
    fake.validate = () => ({ code: 'invalid', message: 'le champ « title » dépasse 300 caractères', field: 'title' });
    await type('interview-title', 'Un titre');
    await fireEvent.focusOut(byTestId('interview-title')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain('Le champ « title » dépasse 300 caractères');
    expect([...fake.records.values()].filter((r) => r.kind === 'interview' && r.data.title === 'Un titre')).toHaveLength(0);
  });
});
