// The library headquarters sends back (issue 13), against the real core: headquarters publishes
// practices and writes its library bundle (« Publier la bibliothèque… », « Remplacer »); a
// facilitator's computer recognises headquarters' key (Échanges › Clé du siège) and imports the
// bundle through the import panel (key status « bibliothèque du siège »); the Bibliothèque lists
// every published practice with core's origin, its filters are core's; « S'en inspirer » creates
// the action and the plan links back to the sheet; the committee's feedback shows in Pratiques;
// the global search opens a sheet in the Bibliothèque.
/// <reference types="node" />
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { setBackend } from '../../backend';
import { labelOf } from '../../lib/app.svelte';
import { formatDate } from '../../lib/format';
import { navigate, router } from '../../lib/router.svelte';
import { byTestId, choose, type, until, useCore } from '../../test/helpers';
import { useHq } from '../../test/hq';
import { hqPublicFile, installAs, libraryBundle, proposedAtHq, publishedAtHq } from '../../test/library';
import { resetRoute } from '../../test/setup';
import App from '../../App.svelte';
import Exchanges from '../Exchanges.svelte';
import Library from '../Library.svelte';

// Runs of layout white space read as one space; the no-break spaces of French typography stay.
const text = (testid: string) => byTestId(testid)?.textContent?.replace(/[ \t\n\r]+/g, ' ').trim() ?? '';
const shownIds = () => [...document.querySelectorAll('[data-testid^="library-entry-"]')].map((e) => e.getAttribute('data-testid')!.slice('library-entry-'.length));

describe('Bibliothèque', () => {
  it('from headquarters’ committee to a facilitator’s plan', async () => {
    // Headquarters: the committee publishes, then « Publier la bibliothèque… ».
    const hq = await useHq();
    const p = await proposedAtHq(hq);
    const { themes, editedSummary } = await publishedAtHq(hq, p);
    const out = join(hq.process.dir, 'bibliotheque-siege.maillage');
    const asked: string[] = [];
    setBackend({ ...hq.backend, chooseFile: async (c) => (asked.push(c.mode), out) });
    const hqSheets = (await hq.api.library({})).map((e) => e.sheet_id);
    expect(hqSheets.length).toBe(2);
    const hqView = render(Library);
    await until(() => shownIds().join() === hqSheets.join(), 5000);
    expect(byTestId('library-adopt-' + shownIds()[0])).toBeNull(); // headquarters has no plan
    await fireEvent.click(byTestId('library-publish-button')!);
    await until(() => !!byTestId('library-published'), 5000);
    expect(asked).toEqual(['save']);
    expect(existsSync(out)).toBe(true);
    const fingerprint = (await hq.api.workspace()).hq!.signing_fingerprint;
    expect(text('library-published-fingerprint')).toBe(fingerprint);
    expect(text('library-published-counts')).toBe('2 pratiques publiées, 3 décisions du comité, 0 rencontre nationale.');
    // Again at the same place: core says the file exists, « Remplacer » writes it over.
    await fireEvent.click(byTestId('library-publish-button')!);
    await until(() => !!byTestId('library-publish-replace'), 5000);
    expect(hq.refused.at(-1)!.error.code).toBe('already_exists');
    expect(text('library-publish-error')).toContain('existe déjà');
    await fireEvent.click(byTestId('library-publish-replace')!);
    await until(() => !!byTestId('library-published') && !byTestId('library-publish-error'), 5000);
    expect(hq.calls.filter((c) => c.command === 'publish_library').map((c) => c.args.force)).toEqual([false, false, true]);
    hqView.unmount();

    // The facilitator's computer: Échanges › Clé du siège, then the import panel.
    const f = p.facilitator;
    await installAs(f);
    const hqPub = await hqPublicFile(hq);
    setBackend({ ...f.backend, chooseFile: async (c) => (c.mode === 'open' ? hqPub : null) });
    const exchanges = render(Exchanges);
    await until(() => !!byTestId('hq-key-trust'), 5000);
    expect(text('hq-key-none')).toContain('hq.pub');
    await fireEvent.click(byTestId('hq-key-trust')!);
    await until(() => !!byTestId('hq-key-fingerprint'), 5000);
    expect(text('hq-key-fingerprint')).toBe(fingerprint);
    expect(await f.api.trustedHqKey()).toBe(fingerprint);
    expect(text('hq-key-verify')).toBe('Vérifiez-la de vive voix avec le siège avant d’importer sa bibliothèque.');
    // Headquarters' sealing key came with it: exports are now sealed for headquarters.
    await until(() => !!byTestId('export-sealed'), 5000);

    await type('import-path', out);
    await fireEvent.click(byTestId('import-path-add')!);
    await fireEvent.click(byTestId('import-check')!);
    await until(() => !!byTestId('import-key-0'), 5000);
    expect(byTestId('import-key-0')!.dataset.keyStatus).toBe('headquarters');
    expect(text('import-key-0')).toBe('Bibliothèque du siège, signée par sa clé reconnue.');
    await fireEvent.click(byTestId('import-apply')!);
    await until(() => !!byTestId('import-applied-0'), 5000);
    exchanges.unmount();

    // The Bibliothèque: what core lists, with where each comes from — never who.
    const all = await f.api.library({});
    expect(all.map((e) => e.sheet_id).length).toBe(2);
    const breakfast = all.find((e) => e.sheet.practice_id === p.breakfast)!;
    const homework = all.find((e) => e.sheet.practice_id === p.homework)!;
    navigate('/bibliotheque');
    const appView = render(App);
    await until(() => shownIds().length === 2, 5000);
    expect(shownIds()).toEqual(all.map((e) => e.sheet_id));
    expect(text(`library-origin-${breakfast.sheet_id}`)).toBe(breakfast.origin);
    expect(breakfast.origin).toContain('93');
    expect(byTestId('library-list')!.textContent).not.toContain('Camille');
    expect(byTestId('library-list')!.textContent).not.toContain('Une fête de quartier'); // rejected
    expect(text(`library-published-${breakfast.sheet_id}`)).toBe(`publiée le ${formatDate(breakfast.sheet.published_on)}`);
    expect(text(`library-themes-${breakfast.sheet_id}`)).toBe(themes[0]);
    expect(text(`library-summary-${breakfast.sheet_id}`)).toBe(editedSummary);

    // Filters: the theme, the actors involved, the kind of territory, words — core's answers.
    await choose('library-theme', themes[1]);
    await until(() => shownIds().join() === homework.sheet_id, 5000);
    expect((await f.api.library({ theme: themes[1] })).map((e) => e.sheet_id)).toEqual([homework.sheet_id]);
    expect(text('library-count')).toBe('1 pratique sur 2');
    await choose('library-theme', '');
    await choose('library-actor-category', 'education_nationale');
    await until(() => shownIds().join() === breakfast.sheet_id, 5000);
    expect((await f.api.library({ actor_category: 'education_nationale' })).map((e) => e.sheet_id)).toEqual([breakfast.sheet_id]);
    await choose('library-actor-category', '');
    await choose('library-territory-kind', 'rural');
    await until(() => !!byTestId('library-no-match'), 5000);
    expect(await f.api.library({ territory_kind: 'rural' })).toEqual([]);
    await fireEvent.click(byTestId('library-reset')!);
    await until(() => shownIds().length === 2, 5000);
    await type('library-query', 'devoirs');
    await until(() => shownIds().join() === homework.sheet_id, 5000);
    expect(f.calls.some((c) => c.command === 'library' && c.args.filter.query === 'devoirs')).toBe(true);
    await type('library-query', '');
    await until(() => shownIds().length === 2, 5000);

    // A sheet read whole.
    expect(byTestId(`library-open-${breakfast.sheet_id}`)!.getAttribute('href')).toBe(`#/bibliotheque/${breakfast.sheet_id}`);
    navigate(`/bibliotheque/${breakfast.sheet_id}`);
    await until(() => !!byTestId('library-sheet-title'), 5000);
    expect(text('library-sheet-title')).toBe(breakfast.sheet.title);
    expect(text('library-sheet-origin')).toBe(breakfast.origin);
    expect(text('library-sheet-summary')).toBe(`En quelques mots ${editedSummary}`);
    expect(text('library-sheet-objectives')).toBe(`Objectifs ${breakfast.sheet.objectives}`);
    expect(text('library-sheet-keys_to_success')).toBe(`Clés de réussite ${breakfast.sheet.keys_to_success}`);
    expect(text('library-sheet-actors')).toBe(`Acteurs impliqués : ${labelOf('actor_category', 'education_nationale')}`);
    expect(byTestId('library-sheet')!.textContent).not.toContain('Principal adjoint'); // the proposal's contacts stay home

    // « S'en inspirer »: core's action, opened in the plan, with its link to the sheet.
    await fireEvent.click(byTestId('library-sheet-adopt')!);
    await until(() => router.route.section === 'plan' && !!router.route.parts[0], 5000);
    const actionId = router.route.parts[0];
    const action = await f.api.recordGet('action', actionId);
    expect(action.data.inspired_by).toBe(breakfast.sheet_id);
    expect(action.data.territory_id).toBe(p.territoryId);
    await until(() => !!byTestId('action-inspired-by'), 5000);
    expect((byTestId('action-title') as HTMLInputElement).value).toBe(action.data.title);
    expect((byTestId('action-objective') as HTMLTextAreaElement).value).toBe(breakfast.sheet.objectives);
    expect(text('action-inspired-by')).toBe(`Inspirée de la pratique «\u00a0${breakfast.sheet.title}\u00a0» (bibliothèque).`);
    expect(byTestId('action-inspired-link')!.getAttribute('href')).toBe(`#/bibliotheque/${breakfast.sheet_id}`);

    // Pratiques: the committee's feedback on this territory's proposals.
    navigate('/pratiques');
    await until(() => !!byTestId('practice-feedback'), 5000);
    const feedback = await f.api.practiceFeedback(p.territoryId);
    expect(feedback.map((x) => x.practice_id).sort()).toEqual([p.breakfast, p.homework, p.rejected].sort());
    expect(text(`feedback-decision-${p.breakfast}`)).toBe('Retenue');
    expect(text(`feedback-decision-${p.rejected}`)).toBe('Écartée');
    expect(text(`feedback-reasons-${p.rejected}`)).toBe('Raisons du comité : Trop proche de ce qui existe déjà.');
    expect(text(`feedback-reasons-${p.breakfast}`)).toBe('Raisons du comité : Simple à reprendre ailleurs.');
    const fb = feedback.find((x) => x.practice_id === p.breakfast)!;
    expect(text(`feedback-decided-${p.breakfast}`)).toBe(`décision du ${formatDate(fb.decided_on)}`);
    expect(text(`feedback-published-${p.breakfast}`)).toBe(`Publiée dans la bibliothèque le ${formatDate(fb.published_on)}, thèmes : ${themes[0]}.`);
    expect(byTestId(`feedback-published-${p.rejected}`)).toBeNull();
    expect(fb.differences.map((d) => d.field)).toEqual(['summary']);
    expect(text(`feedback-edited-${p.breakfast}-summary`)).toBe(editedSummary);
    expect(text(`feedback-proposed-${p.breakfast}-summary`)).toBe('Un rendez-vous mensuel où parents et professionnels se rencontrent.');
    expect(text(`practice-committee-${p.rejected}`)).toContain('Écartée');
    // And in the proposal's own sheet.
    navigate(`/pratiques/${p.breakfast}`);
    await until(() => !!byTestId('practice-editor-feedback'), 5000);
    expect(text(`feedback-decision-${p.breakfast}`)).toBe('Retenue');

    // The global search finds the sheet and opens it in the Bibliothèque.
    navigate('/recherche');
    await until(() => !!byTestId('search-input'), 5000);
    await type('search-input', 'devoirs');
    // The library belongs to no territory: chosen as the type, it is searched whatever the territory.
    await choose('search-kind', 'library_sheet');
    await until(() => !!document.querySelector('[data-testid="search-result"][data-kind="library_sheet"]'), 5000);
    await fireEvent.click(document.querySelector('[data-testid="search-result"][data-kind="library_sheet"] button')!);
    await until(() => router.route.section === 'bibliotheque' && router.route.parts[0] === homework.sheet_id, 5000);
    await until(() => text('library-sheet-title') === homework.sheet.title, 5000);
    expect(text('nav-bibliotheque')).toBe('Bibliothèque');
    appView.unmount();
  }, 60_000);

  it('an action inspired by a practice this computer does not hold says so', async () => {
    const core = await useCore();
    const t = (await core.api.recordList('territory'))[0];
    const sheetId = '01900000-0000-7000-8000-000000000001';
    const a = await core.api.recordPut('action', null, {
      territory_id: t.id,
      title: 'Une action venue d’ailleurs',
      objective: '',
      hypothesis: '',
      lead_organisation_id: null,
      partner_ids: [],
      priority: { rank: null, impact: null, feasibility: null },
      status: 'idee',
      start_date: null,
      end_date: null,
      resources: '',
      source_workshop_id: null,
      inspired_by: sheetId,
      notes: '',
    });
    resetRoute();
    navigate(`/plan/${a.id}`);
    render(App);
    await until(() => !!byTestId('action-inspired-by'), 5000);
    expect(text('action-inspired-by')).toBe('Inspirée d’une pratique de la bibliothèque du siège.');
    // Nothing on this computer: the Bibliothèque says where the library comes from.
    expect(byTestId('action-inspired-link')!.getAttribute('href')).toBe(`#/bibliotheque/${sheetId}`);
    navigate(`/bibliotheque/${sheetId}`);
    await until(() => !!byTestId('library-sheet-missing'), 5000);
    navigate('/bibliotheque');
    await until(() => !!byTestId('library-empty'), 5000);
    expect(text('library-empty')).toContain('Échanges');
  }, 20_000);

  it('before headquarters’ key is recognised, its library bundle is refused with core’s reason', async () => {
    const hq = await useHq();
    const p = await proposedAtHq(hq);
    await publishedAtHq(hq, p);
    const out = await libraryBundle(hq);
    // Before any key is recognised: core's refusal, shown as is.
    await installAs(p.facilitator);
    render(Exchanges);
    await until(() => !!byTestId('hq-key-trust'), 5000);
    await type('import-path', out);
    await fireEvent.click(byTestId('import-path-add')!);
    await fireEvent.click(byTestId('import-check')!);
    await until(() => !!byTestId('import-refused-0'), 5000);
    const refusal = p.facilitator.refused.find((r) => r.command === 'import_bundle')!.error;
    // (Typographic apostrophes aside: the window shows core's sentence.)
    const plain = (s: string) => s.replace(/’/g, "'");
    expect(plain(text('import-refused-0'))).toContain(plain(refusal.message).slice(1, 60));
    expect(text('import-refused-0')).toContain('Clé du siège');
    expect(await p.facilitator.api.library({})).toEqual([]);
    // A file that is not headquarters' public key: core's refusal beside the button.
    await type('hq-key-path', out);
    await fireEvent.submit(byTestId('hq-key-path')!.closest('form')!);
    await until(() => !!byTestId('hq-key-error'), 5000);
    expect(byTestId('hq-key-fingerprint')).toBeNull();
  }, 30_000);
});
