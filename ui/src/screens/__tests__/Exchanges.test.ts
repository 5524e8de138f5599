/// <reference types="node" />
import { fireEvent, render } from '@testing-library/svelte';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Exchanges from '../Exchanges.svelte';
import Settings from '../Settings.svelte';
import type { ApiError } from '../../backend';
import { sentence } from '../../lib/errors';
import { byTestId, startCore, until, useCore, DEMO_TERRITORY, type Core, type, choose } from '../../test/helpers';

const downloads = (core: Core) => join(core.process.home, 'Téléchargements');

/** Headquarters' public key (its `age1…` line), made by `maillage keys hq-init`. */
function hqKey(core: Core): string {
  const dir = join(core.process.dir, 'siege');
  core.process.cli('keys', 'hq-init', '--out', dir);
  const lines = readFileSync(join(dir, 'hq.pub'), 'utf8').split('\n');
  return lines.find((l) => l.startsWith('age1'))!.trim();
}

/**
 * A co-facilitator, Karim, on the same demo territory: he changes the title and status of an
 * action and exports his work into our Téléchargements; meanwhile we change the same action's
 * title. Importing his bundle opens a real conflict, ours the winning version.
 */
async function karimsBundle(core: Core) {
  const karim = startCore();
  await karim.api.init('Karim Benali');
  await karim.api.demo({ territory: DEMO_TERRITORY });
  const action = (await karim.api.recordList('action')).find((a) => a.data.status !== 'en_cours')!;
  await karim.api.recordPut('action', action.id, { ...action.data, title: 'Version de Karim', status: 'en_cours' });
  const path = join(downloads(core), 'maillage-valmont-karim.maillage');
  // The demo territory travels only when asked.
  await karim.api.exportBundle({ out: path, since_last: false, to: [], include_demo: true }, () => {});
  await core.api.recordPut('action', action.id, { ...action.data, title: 'Version de Claire' });
  const fingerprint = (await karim.api.keysShow()).this_device.fingerprint;
  return { path, action, fingerprint };
}

async function renderReady() {
  render(Exchanges);
  await until(() => (byTestId('export-folder') as HTMLInputElement).value !== '');
}

describe('export', () => {
  it('shows the progress core reports, then the summary in French', async () => {
    const core = await useCore();
    await renderReady();
    expect(byTestId('export-unsealed-hint')!.textContent).toContain('Paramètres');
    const name = (byTestId('export-filename') as HTMLInputElement).value;
    expect(name).toMatch(/^maillage-cite-educative-de-valmont-\d{4}-\d{2}-\d{2}\.maillage$/);
    await fireEvent.click(byTestId('export-mode-since')!);
    expect((byTestId('export-filename') as HTMLInputElement).value).toMatch(/-depuis\.maillage$/);
    await fireEvent.click(byTestId('export-mode-full')!);

    core.latencyMs = 30; // each report of core's arrives 30 ms after the previous: the bar is seen moving
    const seen: number[] = [];
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => {
      const bar = byTestId('export-progress');
      if (bar) seen.push(Number(bar.getAttribute('aria-valuenow')));
      return !!byTestId('export-summary');
    }, 5000);
    expect(byTestId('export-progress')!.getAttribute('role')).toBe('progressbar');
    expect(seen.some((v) => v > 0 && v < 100), `progress between 0 and 100 was shown: ${seen}`).toBe(true);
    expect(byTestId('export-progress')!.getAttribute('aria-valuenow')).toBe('100');
    const summary = byTestId('export-summary')!.textContent!;
    expect(summary).toContain('Paquet écrit');
    expect(summary).toContain('export complet');
    expect(summary).toMatch(/\d+ enregistrements/);
    expect(byTestId('export-kind-action')!.textContent).toContain('Action');
    const call = core.calls.find((c) => c.command === 'export_bundle')!.args as { request: { out: string; to: string[] } };
    expect(call.request.out).toBe(join(core.process.home, 'Documents', name));
    expect(call.request.to).toEqual([]);
    expect((await core.api.bundleFiles(join(core.process.home, 'Documents'))).map((f) => f.name)).toEqual([name]);
  });

  it('seals for headquarters when a key is set in Paramètres', async () => {
    const core = await useCore();
    const key = hqKey(core);
    await core.api.setHqPublicKeys([key]);
    await renderReady();
    expect(byTestId('export-sealed')!.textContent).toContain('Scellé pour le siège');
    await choose('export-place', downloads(core));
    await type('export-filename', 'pour-le-siege');
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('export-summary'), 5000);
    const call = core.calls.find((c) => c.command === 'export_bundle')!.args as { request: { out: string; to: string[] } };
    expect(call.request).toMatchObject({ out: join(downloads(core), 'pour-le-siege.maillage'), to: [key] });
    expect(byTestId('export-summary')!.textContent).toContain('Scellé pour le siège');
    // Sealed: this store cannot open it, only headquarters can.
    const refusal = (await core.api.verifyBundle(call.request.out).catch((e) => e)) as ApiError;
    expect(refusal.code).toBe('bundle_sealed');
  });

  it('refuses an empty file name before anything is sent', async () => {
    const core = await useCore();
    await renderReady();
    await type('export-filename', '  ');
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('field-error-file_name'));
    expect(core.calls.some((c) => c.command === 'export_bundle')).toBe(false);
  });
});

describe('import', () => {
  it('shows the dry-run report first and imports only on « Appliquer l’import »', async () => {
    const core = await useCore();
    const { fingerprint } = await karimsBundle(core);
    await renderReady();
    await choose('import-place', downloads(core));
    await fireEvent.click(byTestId('import-list')!);
    await until(() => !!byTestId('import-file-0'));
    await fireEvent.click(byTestId('import-file-0')!);
    await fireEvent.click(byTestId('import-check')!);
    await until(() => !!byTestId('import-kinds-0'));

    expect(byTestId('import-kind-0-action')!.textContent).toContain('Action');
    expect(byTestId('import-kinds-0')!.textContent).toContain('En conflit');
    expect(byTestId('import-key-0')!.textContent).toContain(fingerprint);
    expect(byTestId('import-key-0')!.textContent).toContain('à vérifier');
    expect(byTestId('import-dry-0')!.textContent).toContain('pas encore importé');
    const imports = () => core.calls.filter((c) => c.command === 'import_bundle').map((c) => (c.args as { dryRun: boolean }).dryRun);
    expect(imports()).toEqual([true]);
    expect(await core.api.conflicts()).toHaveLength(0);
    expect(byTestId('conflicts-empty')).not.toBeNull();

    await fireEvent.click(byTestId('import-apply')!);
    await until(() => !!byTestId('import-applied-0'));
    expect(imports()).toEqual([true, false]);
    expect(byTestId('import-applied-0')!.textContent).toContain('Importé');
    const [conflict] = await core.api.conflicts();
    await until(() => !!byTestId(`conflict-${conflict.id}`));
    expect(byTestId('conflicts-count')!.textContent).toBe('1');
  });

  it('shows a refused file with core’s French message and what to do, and offers nothing to apply', async () => {
    const core = await useCore();
    const path = join(downloads(core), 'abime.maillage');
    writeFileSync(path, 'ceci n’est pas un paquet Maillage');
    const refusal = (await core.api.verifyBundle(path).catch((e) => e)) as ApiError;
    expect(refusal.code).toBe('bundle_damaged');
    await renderReady();
    await type('import-path', path);
    await fireEvent.click(byTestId('import-path-add')!);
    await fireEvent.click(byTestId('import-check')!);
    await until(() => !!byTestId('import-refused-0'));
    const text = byTestId('import-refused-0')!.textContent!;
    expect(text).toContain(sentence(refusal.message));
    expect(text).toContain('Rien n’a été importé');
    expect(text).toContain('Que faire');
    expect(text).toContain('nouvel export');
    expect(byTestId('import-apply')).toBeNull();
    expect(core.calls.filter((c) => c.command === 'import_bundle')).toHaveLength(1);
  });
});

describe('conflicts', () => {
  it('shows both versions field by field and resolving one removes it from the list', async () => {
    const core = await useCore();
    const { path, action } = await karimsBundle(core);
    await core.api.importBundle(path, false);
    const [conflict] = await core.api.conflicts();
    expect(conflict.record_id).toBe(action.id);
    await renderReady();
    await until(() => !!byTestId(`conflict-${conflict.id}`));
    expect(byTestId(`conflict-loser-${conflict.id}-title`)!.textContent).toBe('Version de Karim');
    expect(byTestId(`conflict-loser-${conflict.id}-status`)!.textContent).toBe('En cours');
    expect(byTestId(`conflict-winner-${conflict.id}-title`)!.textContent).toBe('Version de Claire');
    await fireEvent.click(byTestId(`conflict-keep-loser-${conflict.id}`)!);
    await until(() => !byTestId(`conflict-${conflict.id}`));
    expect(byTestId('conflicts-empty')).not.toBeNull();
    expect(byTestId('conflict-resolved')!.textContent).toContain('version écartée');
    expect(core.calls.find((c) => c.command === 'resolve_conflict')!.args).toEqual({ id: conflict.id, keep: 'loser' });
    expect((await core.api.recordGet('action', action.id)).data).toMatchObject({ title: 'Version de Karim', status: 'en_cours' });
  });
});

describe('headquarters keys in Paramètres', () => {
  it('shows core’s refusal of what is not an age1 key, then saves a good one', async () => {
    const core = await useCore();
    const key = hqKey(core);
    render(Settings);
    await until(() => core.calls.some((c) => c.command === 'hq_public_keys'));
    const field = byTestId('settings-hq-keys') as HTMLTextAreaElement;
    field.value = `${key}\nssh-ed25519 AAAA`;
    await fireEvent.input(field);
    await fireEvent.click(byTestId('settings-hq-keys-save')!);
    await until(() => !!byTestId('field-error-hq_public_keys'));
    const refusal = (await core.api.setHqPublicKeys([key, 'ssh-ed25519 AAAA']).catch((e) => e)) as ApiError;
    expect(byTestId('field-error-hq_public_keys')!.textContent).toBe(sentence(refusal.message));
    expect(refusal.message).toContain('clé n° 2');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(await core.api.hqPublicKeys()).toEqual([]);
    field.value = key;
    await fireEvent.input(field);
    await fireEvent.click(byTestId('settings-hq-keys-save')!);
    await until(() => !!byTestId('settings-hq-keys-saved'));
    expect(await core.api.hqPublicKeys()).toEqual([key]);
    expect(byTestId('settings-hq-keys-saved')!.textContent).toContain('scellés pour le siège');
  });
});
