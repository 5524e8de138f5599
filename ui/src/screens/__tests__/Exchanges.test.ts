import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Exchanges from '../Exchanges.svelte';
import Settings from '../Settings.svelte';
import type { ConflictView } from '../../backend';
import type { FakeBackend } from '../../backend/fake';
import { byTestId, sleep, until, useFake } from '../../test/helpers';

const DOWNLOADS = '/home/animatrice/Téléchargements';
const HQ_KEY = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';

async function type(testid: string, text: string) {
  const el = byTestId(testid) as HTMLInputElement;
  el.value = text;
  await fireEvent.input(el);
}

async function choose(testid: string, value: string) {
  const el = byTestId(testid) as HTMLSelectElement;
  el.value = value;
  await fireEvent.change(el);
}

/** A conflict on the first action of the demo: the co-facilitator changed its title and status. */
function actionConflict(fake: FakeBackend): ConflictView {
  const action = [...fake.records.values()].find((r) => r.kind === 'action' && !r.deleted)!;
  const loser = { ...structuredClone(action), version: 'v-karim', updated_at: '2026-11-22T09:30:00Z' };
  loser.data = { ...loser.data, title: 'Version de Karim', status: 'en_cours' };
  return {
    id: 'c0ffee0123456789',
    record_id: action.id,
    kind: 'action',
    title: action.data.title,
    status: 'open',
    resolution: null,
    found_at: '2026-11-22T10:00:00Z',
    found_in_bundle: '0192f0aa-0000-7000-8000-000000000001',
    resolved_at: null,
    winner: structuredClone(action),
    loser,
    fields: ['status', 'title'],
  };
}

async function renderReady() {
  render(Exchanges);
  await until(() => (byTestId('export-folder') as HTMLInputElement).value !== '');
}

describe('export', () => {
  it('shows the progress the backend reports, then the summary in French', async () => {
    const fake = await useFake();
    await renderReady();
    expect(byTestId('export-unsealed-hint')!.textContent).toContain('Paramètres');
    const name = (byTestId('export-filename') as HTMLInputElement).value;
    expect(name).toMatch(/^maillage-cite-educative-de-valmont-\d{4}-\d{2}-\d{2}\.maillage$/);
    await fireEvent.click(byTestId('export-mode-since')!);
    expect((byTestId('export-filename') as HTMLInputElement).value).toMatch(/-depuis\.maillage$/);
    await fireEvent.click(byTestId('export-mode-full')!);

    fake.latencyMs = 30;
    const seen: number[] = [];
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => {
      const bar = byTestId('export-progress');
      if (bar) seen.push(Number(bar.getAttribute('aria-valuenow')));
      return !!byTestId('export-summary');
    });
    expect(byTestId('export-progress')!.getAttribute('role')).toBe('progressbar');
    expect(seen.some((v) => v > 0 && v < 100), `progress between 0 and 100 was shown: ${seen}`).toBe(true);
    expect(byTestId('export-progress')!.getAttribute('aria-valuenow')).toBe('100');
    const summary = byTestId('export-summary')!.textContent!;
    expect(summary).toContain('Paquet écrit');
    expect(summary).toContain('export complet');
    expect(summary).toMatch(/\d+ enregistrements/);
    expect(byTestId('export-kind-action')!.textContent).toContain('Action');
    const call = fake.calls.find((c) => c.command === 'export_bundle')!.args as { request: { out: string; to: string[] } };
    expect(call.request.out).toBe(`/home/animatrice/Documents/${name}`);
    expect(call.request.to).toEqual([]);
  });

  it('seals for headquarters when a key is set in Paramètres', async () => {
    const fake = await useFake();
    fake.hqKeys = [HQ_KEY];
    await renderReady();
    expect(byTestId('export-sealed')!.textContent).toContain('Scellé pour le siège');
    await choose('export-place', '/media/animatrice/KINGSTON');
    await type('export-filename', 'pour-le-siege');
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('export-summary'));
    const call = fake.calls.find((c) => c.command === 'export_bundle')!.args as { request: { out: string; to: string[] } };
    expect(call.request).toMatchObject({ out: '/media/animatrice/KINGSTON/pour-le-siege.maillage', to: [HQ_KEY] });
    expect(byTestId('export-summary')!.textContent).toContain('Scellé pour le siège');
  });

  it('refuses an empty file name before anything is sent', async () => {
    const fake = await useFake();
    await renderReady();
    await type('export-filename', '  ');
    await fireEvent.click(byTestId('export-submit')!);
    await until(() => !!byTestId('field-error-file_name'));
    expect(fake.calls.some((c) => c.command === 'export_bundle')).toBe(false);
  });
});

describe('import', () => {
  it('shows the dry-run report first and imports only on « Appliquer l’import »', async () => {
    const fake = await useFake();
    const conflict = actionConflict(fake);
    fake.addBundleFile(`${DOWNLOADS}/maillage-valmont-karim.maillage`, {
      bytes: 48_000,
      facilitator: 'Karim Benali',
      kinds: {
        action: { added: 1, updated: 2, unchanged: 5, deleted: 0, in_conflict: 1 },
        interview: { added: 3, updated: 0, unchanged: 12, deleted: 1, in_conflict: 0 },
      },
      conflicts: [conflict],
    });
    await renderReady();
    await choose('import-place', DOWNLOADS);
    await fireEvent.click(byTestId('import-list')!);
    await until(() => !!byTestId('import-file-0'));
    await fireEvent.click(byTestId('import-file-0')!);
    await fireEvent.click(byTestId('import-check')!);
    await until(() => !!byTestId('import-kinds-0'));

    const row = byTestId('import-kind-0-action')!.textContent!;
    expect(row).toContain('Action');
    expect(byTestId('import-kinds-0')!.textContent).toContain('En conflit');
    expect(byTestId('import-key-0')!.textContent).toContain('9c41-07de');
    expect(byTestId('import-key-0')!.textContent).toContain('à vérifier');
    expect(byTestId('import-dry-0')!.textContent).toContain('pas encore importé');
    const imports = () => fake.calls.filter((c) => c.command === 'import_bundle').map((c) => (c.args as { dryRun: boolean }).dryRun);
    expect(imports()).toEqual([true]);
    expect(fake.conflictList).toHaveLength(0);
    expect(byTestId('conflicts-empty')).not.toBeNull();

    await fireEvent.click(byTestId('import-apply')!);
    await until(() => !!byTestId('import-applied-0'));
    expect(imports()).toEqual([true, false]);
    expect(byTestId('import-applied-0')!.textContent).toContain('Importé');
    await until(() => !!byTestId(`conflict-${conflict.id}`));
    expect(byTestId('conflicts-count')!.textContent).toBe('1');
  });

  it('shows a refused file with its French message and what to do, and offers nothing to apply', async () => {
    const fake = await useFake();
    const path = '/media/animatrice/KINGSTON/abime.maillage';
    fake.addBundleFile(path, {
      bytes: 1200,
      refusal: {
        code: 'bundle_signature',
        message: 'paquet refusé (signature) : la signature ne correspond pas au manifeste : le fichier a été modifié',
        field: null,
      },
    });
    await renderReady();
    await type('import-path', path);
    await fireEvent.click(byTestId('import-path-add')!);
    await fireEvent.click(byTestId('import-check')!);
    await until(() => !!byTestId('import-refused-0'));
    const text = byTestId('import-refused-0')!.textContent!;
    expect(text).toContain('Paquet refusé (signature)');
    expect(text).toContain('rien n’a été importé');
    expect(text).toContain('Que faire');
    expect(text).toContain('nouvel export');
    expect(byTestId('import-apply')).toBeNull();
    expect(fake.calls.filter((c) => c.command === 'import_bundle')).toHaveLength(1);
  });
});

describe('conflicts', () => {
  it('shows both versions field by field and resolving one removes it from the list', async () => {
    const fake = await useFake();
    const conflict = actionConflict(fake);
    fake.conflictList = [conflict];
    await renderReady();
    await until(() => !!byTestId(`conflict-${conflict.id}`));
    expect(byTestId(`conflict-loser-${conflict.id}-title`)!.textContent).toBe('Version de Karim');
    expect(byTestId(`conflict-loser-${conflict.id}-status`)!.textContent).toBe('En cours');
    expect(byTestId(`conflict-winner-${conflict.id}-title`)!.textContent).toBe((conflict.winner.data as { title: string }).title);
    await fireEvent.click(byTestId(`conflict-keep-loser-${conflict.id}`)!);
    await until(() => !byTestId(`conflict-${conflict.id}`));
    expect(byTestId('conflicts-empty')).not.toBeNull();
    expect(byTestId('conflict-resolved')!.textContent).toContain('version écartée');
    expect(fake.calls.find((c) => c.command === 'resolve_conflict')!.args).toEqual({ id: conflict.id, keep: 'loser' });
    expect((fake.records.get(conflict.record_id)!.data as { title: string }).title).toBe('Version de Karim');
  });
});

describe('headquarters keys in Paramètres', () => {
  it('refuses what is not an age1 key in French, then saves a good one', async () => {
    const fake = await useFake();
    render(Settings);
    await until(() => fake.calls.some((c) => c.command === 'hq_public_keys'));
    await sleep(20); // the keys already set have arrived
    const field = byTestId('settings-hq-keys') as HTMLTextAreaElement;
    field.value = `${HQ_KEY}\nssh-ed25519 AAAA`;
    await fireEvent.input(field);
    await fireEvent.click(byTestId('settings-hq-keys-save')!);
    await until(() => !!byTestId('field-error-hq_public_keys'));
    expect(byTestId('field-error-hq_public_keys')!.textContent).toContain('clé n° 2');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(fake.hqKeys).toEqual([]);
    field.value = HQ_KEY;
    await fireEvent.input(field);
    await fireEvent.click(byTestId('settings-hq-keys-save')!);
    await until(() => !!byTestId('settings-hq-keys-saved'));
    expect(fake.hqKeys).toEqual([HQ_KEY]);
    expect(byTestId('settings-hq-keys-saved')!.textContent).toContain('scellés pour le siège');
  });
});
