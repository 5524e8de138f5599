/// <reference types="node" />
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import InterviewEditor from '../InterviewEditor.svelte';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { formatBytes } from '../../lib/format';
import { byTestId, sleep, until, useCore, type } from '../../test/helpers';

describe('attachments', () => {
  it('joins a file by its path to an interview, lists it, and saves it elsewhere (Remplacer for an existing file)', async () => {
    const core = await useCore();
    const [first] = await core.api.recordList('interview', app.territoryId);
    render(InterviewEditor, { props: { id: first.id } });
    await until(() => !!byTestId('attachments-empty'));

    const dir = mkdtempSync(join(tmpdir(), 'maillage-pj-'));
    const photo = join(dir, 'paperboard.jpg');
    writeFileSync(photo, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));

    // Typing the path is a draft: the interview is not saved for it.
    await type('attachment-path', photo);
    await sleep(700);
    expect(core.calls.filter((c) => c.command === 'record_put')).toEqual([]);
    await fireEvent.click(byTestId('attachment-path-add')!);
    await until(() => !!byTestId('attachments-list'));

    // What core keeps: an attachment of this interview, of this territory.
    const kept = (await core.api.recordList('attachment', app.territoryId)).filter((a) => a.data.record_id === first.id);
    expect(kept).toHaveLength(1);
    expect(kept[0].data.name).toBe('paperboard.jpg');
    expect(kept[0].data.size).toBe(7);
    const row = byTestId(`attachment-${kept[0].id}`)!;
    expect(row.textContent).toContain('paperboard.jpg');
    expect(row.textContent).toContain(formatBytes(7));
    expect(byTestId('attachment-path') as HTMLInputElement).toHaveProperty('value', '');

    // No system dialog here: « Enregistrer sous… » asks for a path.
    await fireEvent.click(byTestId(`attachment-save-${kept[0].id}`)!);
    await until(() => !!byTestId('attachment-out'));
    const out = join(dir, 'copie.jpg');
    await type('attachment-out', out);
    await fireEvent.click(byTestId('attachment-out-save')!);
    await until(() => !!byTestId('attachments-notice'));
    expect([...readFileSync(out)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    // An existing file is not replaced without « Remplacer ».
    writeFileSync(out, 'autre');
    await fireEvent.click(byTestId(`attachment-save-${kept[0].id}`)!);
    await until(() => !!byTestId('attachment-out'));
    await type('attachment-out', out);
    await fireEvent.click(byTestId('attachment-out-save')!);
    await until(() => !!byTestId('attachment-replace'));
    expect(byTestId('attachments-error')!.textContent).toContain('existe déjà');
    expect(readFileSync(out, 'utf8')).toBe('autre');
    await fireEvent.click(byTestId('attachment-replace')!);
    await until(() => !!byTestId('attachments-notice') && !byTestId('attachment-replace'));
    expect([...readFileSync(out)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  });

  it('shows core’s refusal of a file that does not exist, and keeps nothing', async () => {
    const core = await useCore();
    const [first] = await core.api.recordList('interview', app.territoryId);
    render(InterviewEditor, { props: { id: first.id } });
    await until(() => !!byTestId('attachments-empty'));
    await type('attachment-path', join(tmpdir(), 'maillage-absent', 'rien.jpg'));
    await fireEvent.click(byTestId('attachment-path-add')!);
    await until(() => !!byTestId('attachments-error'));
    expect(core.refused.map((r) => r.command)).toEqual(['attach_file']);
    expect(byTestId('attachments-error')!.textContent).toContain(sentence(core.refused[0].error.message).slice(1, 20));
    expect((await core.api.recordList('attachment', app.territoryId)).filter((a) => a.data.record_id === first.id)).toEqual([]);
  });

  it('a new interview takes attachments once it is stored', async () => {
    await useCore();
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('attachments-unsaved'));
    await type('interview-title', 'Entretien avec le principal');
    await fireEvent.focusOut(byTestId('interview-title')!);
    await until(() => !!byTestId('attachments-empty'));
  });
});
