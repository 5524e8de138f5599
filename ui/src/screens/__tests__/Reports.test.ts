// « Rapports » on the real core: each document is written by core where the person chose, as a
// DOCX (a zip holding word/document.xml); core's refusals are shown as they come.
/// <reference types="node" />
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Reports from '../Reports.svelte';
import { setBackend, type FileChoice } from '../../backend';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { byTestId, type, until, useCore } from '../../test/helpers';

/** A DOCX is a zip whose entries include word/document.xml. */
function isDocx(file: string): boolean {
  const bytes = readFileSync(file);
  return bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) && bytes.includes(Buffer.from('word/document.xml'));
}

// A report is composed and its pictures rendered by a debug build of core: seconds, not milliseconds.
const WRITING = 60_000;

describe('Rapports', () => {
  it('writes the diagnostic partagé where the save dialog says, then offers to open it', async () => {
    const core = await useCore();
    const dir = mkdtempSync(join(tmpdir(), 'maillage-report-'));
    const out = join(dir, 'diagnostic.docx');
    const asked: FileChoice[] = [];
    setBackend({ ...core.backend, chooseFile: async (c) => (asked.push(c), out) });
    render(Reports);
    await fireEvent.click(byTestId('report-diagnostic-write')!);
    await until(() => !!byTestId('report-diagnostic-written'), WRITING);
    expect(asked[0].mode).toBe('save');
    expect(asked[0].defaultPath).toBe('diagnostic-cite-educative-de-valmont.docx');
    expect(byTestId('report-diagnostic-written-path')!.textContent).toBe(out);
    expect(existsSync(out)).toBe(true);
    expect(isDocx(out)).toBe(true);
    // No system to open it with in a test: the screen says where the file is.
    await fireEvent.click(byTestId('report-diagnostic-open')!);
    await until(() => !!byTestId('report-diagnostic-open-note'));
    expect(byTestId('report-diagnostic-open-note')!.textContent).toContain(out);
  }, WRITING);

  it('opens the written report through the system when there is one', async () => {
    const core = await useCore();
    const dir = mkdtempSync(join(tmpdir(), 'maillage-report-'));
    const out = join(dir, 'diagnostic.docx');
    const opened: string[] = [];
    setBackend({ ...core.backend, chooseFile: async () => out, openFile: async (p) => (opened.push(p), true) });
    render(Reports);
    await fireEvent.click(byTestId('report-diagnostic-write')!);
    await until(() => !!byTestId('report-diagnostic-written'), WRITING);
    await fireEvent.click(byTestId('report-diagnostic-open')!);
    await until(() => opened.length === 1);
    expect(opened).toEqual([out]);
    expect(byTestId('report-diagnostic-open-note')).toBeNull();
  }, WRITING);

  it('writes the evaluation for the period typed, and replaces an earlier one only when asked', async () => {
    const core = await useCore();
    const dir = mkdtempSync(join(tmpdir(), 'maillage-report-'));
    const out = join(dir, 'evaluation.docx');
    render(Reports);
    await until(() => (byTestId('report-evaluation-from') as HTMLInputElement).value !== '');
    await type('report-evaluation-from', '01/01/2026');
    await type('report-evaluation-to', '31/12/2026');
    await fireEvent.click(byTestId('report-evaluation-path-toggle')!);
    await type('report-evaluation-path', out);
    await fireEvent.click(byTestId('report-evaluation-path-write')!);
    await until(() => !!byTestId('report-evaluation-written'), WRITING);
    expect(core.calls.find((c) => c.command === 'report_evaluation')!.args).toEqual({
      request: { territory_id: app.territoryId, out, force: false },
      from: '2026-01-01',
      to: '2026-12-31',
    });
    expect(isDocx(out)).toBe(true);

    // Again at the same place: core refuses, the screen says so and offers to replace it.
    await fireEvent.click(byTestId('report-evaluation-path-write')!);
    await until(() => !!byTestId('report-evaluation-error'));
    const refusal = core.refused.find((r) => r.command === 'report_evaluation')!;
    expect(refusal.error.code).toBe('already_exists');
    expect(byTestId('report-evaluation-error')!.textContent).toContain('Le fichier «\u00a0evaluation.docx\u00a0» existe déjà : remplacez-le, ou choisissez un autre nom.');
    expect(existsSync(out)).toBe(true);
    await fireEvent.click(byTestId('report-evaluation-replace')!);
    await until(() => !!byTestId('report-evaluation-written'), WRITING);
    expect(core.calls.filter((c) => c.command === 'report_evaluation').at(-1)!.args.request.force).toBe(true);
    expect(isDocx(out)).toBe(true);
  }, WRITING);

  it('shows core’s French refusal as it comes (a period in the wrong order)', async () => {
    const core = await useCore();
    const dir = mkdtempSync(join(tmpdir(), 'maillage-report-'));
    render(Reports);
    await until(() => (byTestId('report-evaluation-from') as HTMLInputElement).value !== '');
    await type('report-evaluation-from', '31/12/2026');
    await type('report-evaluation-to', '01/01/2026');
    await fireEvent.click(byTestId('report-evaluation-path-toggle')!);
    await type('report-evaluation-path', join(dir, 'evaluation.docx'));
    await fireEvent.click(byTestId('report-evaluation-path-write')!);
    await until(() => !!byTestId('report-evaluation-error'));
    const refusal = core.refused.find((r) => r.command === 'report_evaluation')!;
    expect(byTestId('report-evaluation-error')!.textContent).toContain(sentence(refusal.error.message));
    expect(existsSync(join(dir, 'evaluation.docx'))).toBe(false);
  }, WRITING);
});
