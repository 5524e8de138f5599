import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import InterviewEditor from '../InterviewEditor.svelte';
import { sentence } from '../../lib/errors';
import { byTestId, until, useCore, type Core, type } from '../../test/helpers';

const puts = (core: Core) => core.calls.filter((c) => c.command === 'record_put' && c.args.kind === 'interview');
const interview = async (core: Core, title: string) => (await core.api.recordList('interview')).find((r) => r.data.title === title);

describe('interview capture', () => {
  it('autosaves after a pause and shows "Enregistré" only once the put resolved', async () => {
    const core = await useCore();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    const release = core.hold('record_put');
    await type('interview-title', 'Entretien avec la directrice');
    await type('answer-presentation.structure', 'Je dirige l’école depuis six ans.');
    expect(byTestId('save-state')!.textContent).toContain('Modifications non enregistrées');
    await until(() => puts(core).length === 1, 2000); // the pause (600 ms) sent one save
    expect(byTestId('save-state')!.dataset.state).toBe('saving');
    expect(byTestId('save-state')!.textContent).not.toContain('Enregistré');
    release();
    await until(() => byTestId('save-state')!.textContent!.includes('Enregistré'));
    const record = await interview(core, 'Entretien avec la directrice');
    expect(record?.data.answers['presentation.structure']).toBe('Je dirige l’école depuis six ans.');
  });

  it('keeps every keystroke typed while a save is in flight', async () => {
    const core = await useCore();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien PMI');
    await type('answer-presentation.structure', 'Première');
    await until(() => puts(core).length === 1, 2000);
    await until(() => byTestId('save-state')!.textContent!.includes('Enregistré'));
    const release = core.hold('record_put');
    await type('answer-presentation.structure', 'Première réponse');
    await fireEvent.focusOut(byTestId('answer-presentation.structure')!); // blur flushes at once
    await until(() => puts(core).length === 2);
    // typing goes on during the save
    await type('answer-presentation.structure', 'Première réponse complète');
    await type('interview-notes', 'Notes libres');
    release();
    await fireEvent.focusOut(byTestId('interview-notes')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved');
    const record = (await interview(core, 'Entretien PMI'))!;
    expect(record.data.answers['presentation.structure']).toBe('Première réponse complète');
    expect(record.data.notes).toBe('Notes libres');
  });

  it('refuses an impossible date in French and sends nothing', async () => {
    const core = await useCore();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien CAF');
    await type('interview-date', '30/02/2026');
    await fireEvent.focusOut(byTestId('interview-date')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.getAttribute('role')).toBe('alert');
    expect(byTestId('error-message')!.textContent).toContain("30/02/2026 n’existe pas");
    expect(byTestId('field-error-date')!.textContent).toContain("n’existe pas");
    expect(byTestId('interview-date')!.getAttribute('aria-invalid')).toBe('true');
    expect(byTestId('save-state')!.textContent).not.toContain('Enregistré');
    expect(puts(core)).toHaveLength(0);
  });

  it('shows core’s refusal of an empty title beside the field, and saves nothing', async () => {
    const core = await useCore();
    const before = (await core.api.recordList('interview')).length;
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-notes'));
    await type('interview-notes', 'Des notes sans titre');
    await fireEvent.focusOut(byTestId('interview-notes')!);
    await until(() => !!byTestId('error-message'));
    // The rule is core's: the window sent the interview, core refused it and named the field.
    const refusal = core.refused.find((r) => r.command === 'record_put')!.error;
    expect(refusal.field).toBe('title');
    expect(refusal.message).toContain('« titre »');
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    expect(byTestId('field-error-title')!.textContent).toBe(sentence(refusal.message));
    expect(byTestId('interview-title')!.getAttribute('aria-invalid')).toBe('true');
    expect(byTestId('save-state')!.textContent).not.toContain('Enregistré');
    expect(await core.api.recordList('interview')).toHaveLength(before);
  });

  it('shows core’s refusal as is and keeps the record unchanged', async () => {
    const core = await useCore();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    // A rule only core knows: no invisible control character in a text.
    const title = 'Un titre\u0007';
    const refusal = (await core.api.recordPut('interview', null, { title } as never).catch((e) => e)) as { message: string };
    await type('interview-title', title);
    await fireEvent.focusOut(byTestId('interview-title')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    expect((await core.api.recordList('interview')).filter((r) => r.data.title.startsWith('Un titre'))).toHaveLength(0);
  });
});
