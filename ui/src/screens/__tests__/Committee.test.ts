// Headquarters' selection committee (issue 13), against the real core: a practice a facilitator
// proposed arrives with the territory's bundle and joins the queue (where it comes from, never
// who); reviews are saved and core's means shown; « Écarter » without reasons shows core's
// refusal; « Retenir » opens the edited version, autosaved, whose differences with the proposal
// are core's; publication with a theme of the library's list. And the list's editor.
/// <reference types="node" />
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { setBackend, type ApiError, type Backend, type Practice } from '../../backend';
import { sentence } from '../../lib/errors';
import { navigate } from '../../lib/router.svelte';
import { formatDate, formatNumber } from '../../lib/format';
import { brokenCore, byTestId, choose, eventually, tick, type, until, useCore } from '../../test/helpers';
import { sealedBundle, useHq, type Hq } from '../../test/hq';
import App from '../../App.svelte';
import Committee from '../hq/Committee.svelte';
import LibraryThemes from '../hq/committee/LibraryThemes.svelte';

const PROPOSAL: Omit<Practice, 'territory_id'> = {
  title: 'Petits-déjeuners des parents au collège',
  summary: 'Un rendez-vous mensuel où parents et professionnels se rencontrent avant la classe.',
  objectives: 'Rapprocher les familles du collège.',
  means: 'La salle du foyer, un café offert par le centre social.',
  keys_to_success: 'Un horaire fixe, une invitation personnelle.',
  expected_results: 'Des parents plus présents aux réunions.',
  obtained_results: '',
  difficulties: 'Toucher les pères.',
  contacts: 'Principal adjoint du collège',
  theme_ids: [],
  action_id: null,
  status: 'proposee',
};

/** A facilitator proposes a practice (and keeps a draft), exports for headquarters, which imports. */
async function proposedAtHq(hq: Hq): Promise<string> {
  let id = '';
  const fill = async (api: Backend, territoryId: string) => {
    id = (await api.recordPut('practice', null, { ...PROPOSAL, territory_id: territoryId })).id;
    await api.recordPut('practice', null, { ...PROPOSAL, territory_id: territoryId, title: 'Une idée encore en brouillon', status: 'brouillon' });
  };
  const bundle = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage', fill });
  await hq.api.importBundle(bundle.path, false);
  return id;
}

// Runs of layout white space read as one space; the no-break spaces of French typography stay.
const text = (testid: string) => byTestId(testid)?.textContent?.replace(/[ \t\n\r]+/g, ' ').trim() ?? '';

/** Chooses a radio button, as a click does. */
async function pick(testid: string): Promise<void> {
  const el = byTestId(testid) as HTMLInputElement;
  el.checked = true;
  await fireEvent.change(el);
}

async function review(reviewer: string, [r, o, e]: [number, number, number], comment: string): Promise<void> {
  await type('committee-review-reviewer', reviewer);
  await pick(`committee-review-relevance-${r}`);
  await pick(`committee-review-originality-${o}`);
  await pick(`committee-review-effectiveness-${e}`);
  await type('committee-review-comment', comment);
  await fireEvent.submit(byTestId('committee-review-form')!);
}

describe('Comité de sélection', () => {
  it('from the queue to the library: reviews, a refusal, the decision, the edited version, the publication', async () => {
    const hq = await useHq();
    const id = await proposedAtHq(hq);
    const queue = await hq.api.committeeQueue();
    expect(queue.map((e) => e.practice_id)).toEqual([id]); // core leaves the draft out

    render(Committee);
    await until(() => !!byTestId(`committee-row-${id}`), 5000);
    // Where it comes from: the kind of territory and its département, never the facilitator.
    expect(text(`committee-origin-${id}`)).toBe(`${queue[0].territory_kind} · département 93`);
    expect(text(`committee-origin-${id}`)).toBe('Quartier prioritaire (QPV) · département 93');
    expect(byTestId('committee-table')!.textContent).not.toContain('Camille');
    expect(byTestId('committee-table')!.textContent).not.toContain('brouillon');
    expect(text(`committee-reviews-${id}`)).toBe('0');
    expect(text(`committee-mean-relevance-${id}`)).toBe('—');
    expect(text(`committee-decision-${id}`)).toBe('À examiner');
    expect(text(`committee-published-${id}`)).toBe('—');

    // The detail: the proposal as the territory wrote it, read-only.
    await fireEvent.click(byTestId(`committee-open-${id}`)!);
    await until(() => !!byTestId('committee-proposal'), 5000);
    expect(text('committee-proposal-title')).toBe(PROPOSAL.title);
    expect(text('committee-proposal-summary')).toBe(PROPOSAL.summary);
    expect(text('committee-detail-origin')).toBe('Quartier prioritaire (QPV) · département 93');
    expect(byTestId('committee-proposal')!.querySelector('input, textarea')).toBeNull();
    expect(byTestId('committee-no-review')).toBeTruthy();

    // A review without its member: core's refusal, beside the field.
    await pick('committee-review-relevance-3');
    await fireEvent.submit(byTestId('committee-review-form')!);
    await until(() => !!byTestId('committee-review-error'));
    const noReviewer = hq.refused.find((r) => r.command === 'review_practice')!.error;
    expect(noReviewer.field).toBe('reviewer');
    expect(text('committee-review-error')).toContain(sentence(noReviewer.message));
    expect(byTestId('field-error-reviewer')!.textContent).toBe(sentence(noReviewer.message));

    // Two reviews: saved, and core's means shown with a decimal comma.
    await review('Département de la Seine-Saint-Denis', [3, 4, 2], 'Simple à reprendre ailleurs.');
    await until(() => text(`committee-review-mean-relevance`) === '3');
    expect(byTestId('committee-review-error')).toBeNull();
    expect(text('committee-review-saved')).toBe('Avis enregistré.');
    await review('Association des centres sociaux', [2, 3, 3], '');
    await until(() => text('committee-review-means').includes('2 avis'));
    const reviewed = (await hq.api.committeeQueue())[0];
    expect(reviewed.reviews.map((r) => r.reviewer)).toEqual(['Association des centres sociaux', 'Département de la Seine-Saint-Denis']);
    expect(reviewed.means).toEqual([2.5, 3.5, 2.5]);
    expect(text('committee-review-mean-relevance')).toBe(formatNumber(reviewed.means![0]));
    expect(text('committee-review-mean-relevance')).toBe('2,5');
    expect(text('committee-review-mean-originality')).toBe('3,5');
    expect(text('committee-review-mean-effectiveness')).toBe('2,5');
    expect(text(`committee-review-comment-${reviewed.reviews[1].id}`)).toBe('Simple à reprendre ailleurs.');

    // « Écarter » without reasons: core refuses, says why, nothing is decided.
    await fireEvent.click(byTestId('committee-reject')!);
    await until(() => !!byTestId('committee-decision-error'));
    const noReason = hq.refused.find((r) => r.command === 'decide_practice')!.error as ApiError;
    expect(hq.refused.at(-1)!.args).toEqual({ practiceId: id, retain: false, reasons: '' });
    expect(text('committee-decision-error')).toContain(sentence(noReason.message));
    expect(byTestId('field-error-reasons')!.textContent).toBe(sentence(noReason.message));
    expect((await hq.api.committeeQueue())[0].decision).toBeNull();
    expect(byTestId('committee-sheet')).toBeNull();

    // « Retenir »: the edited version, prefilled from the proposal.
    await fireEvent.click(byTestId('committee-retain')!);
    await until(() => !!byTestId('committee-sheet'), 5000);
    // Its save state stays in sight while the sheet scrolls (issue 9: sticky on every editor).
    expect(byTestId('committee-sheet-save-state')!.closest('.sticky-top')).not.toBeNull();
    expect(byTestId('committee-decision-error')).toBeNull();
    expect(text('committee-detail-state')).toBe('Retenue');
    const retained = (await hq.api.committeeQueue())[0];
    expect(retained.decision).toBe('retenue');
    expect((byTestId('committee-sheet-title') as HTMLInputElement).value).toBe(PROPOSAL.title);
    expect(byTestId('committee-no-difference')).toBeTruthy();

    // The title edited: saved as it is typed, the proposal unchanged, the difference listed.
    await type('committee-sheet-title', 'Le café des parents');
    await until(() => byTestId('committee-sheet-save-state')!.dataset.state === 'saved', 5000);
    await until(() => !!byTestId('committee-difference-title'), 5000);
    const differences = await hq.api.practiceDifferences(id);
    expect(differences).toEqual([{ field: 'title', label: 'Titre', proposed: PROPOSAL.title, edited: 'Le café des parents' }]);
    expect(byTestId('committee-difference-title')!.textContent).toContain(differences[0].label);
    expect(text('committee-difference-proposed-title')).toBe(PROPOSAL.title);
    expect(text('committee-difference-edited-title')).toBe('Le café des parents');
    expect((await hq.api.recordGet('practice', id)).data.title).toBe(PROPOSAL.title);
    expect((await hq.api.recordGet('library_sheet', retained.sheet_id!)).data.title).toBe('Le café des parents');

    // Published under a theme of the library's list: the day shown is core's.
    const themes = await hq.api.libraryThemes();
    expect(text('committee-themes')).toContain(themes[0]);
    await tick('committee-theme-1');
    await fireEvent.click(byTestId('committee-publish')!);
    await until(() => !!byTestId('committee-published-on'), 5000);
    const published = (await hq.api.committeeQueue())[0];
    expect(published.published_on).toBeTruthy();
    expect(text('committee-published-on')).toBe(formatDate(published.published_on));
    expect(text('committee-published-themes')).toBe(themes[1]);
    const sheet = (await hq.api.recordGet('library_sheet', published.sheet_id!)).data;
    expect(sheet.themes).toEqual([themes[1]]);
    expect(sheet.title).toBe('Le café des parents');
    expect(text('committee-detail-state')).toBe('Publiée');
    expect(hq.calls.find((c) => c.command === 'publish_practice')!.args).toEqual({ practiceId: id, themes: [themes[1]] });

    // « Retirer de la bibliothèque », then published again.
    await fireEvent.click(byTestId('committee-withdraw')!);
    await until(() => !!byTestId('committee-not-published'), 5000);
    expect((await hq.api.committeeQueue())[0].published_on).toBeNull();
    await fireEvent.click(byTestId('committee-publish')!);
    await until(() => !!byTestId('committee-published-on'), 5000);

    // Back to the queue: its line as core has it now, and the filter by state.
    await fireEvent.click(byTestId('committee-back')!);
    await until(() => !!byTestId(`committee-row-${id}`), 5000);
    expect(text(`committee-reviews-${id}`)).toBe('2');
    expect(text(`committee-mean-originality-${id}`)).toBe('3,5');
    expect(text(`committee-decision-${id}`)).toBe('Publiée');
    expect(text(`committee-published-${id}`)).toBe(formatDate(published.published_on));
    await choose('committee-filter', 'a_examiner');
    await until(() => !!byTestId('committee-filter-empty'));
    expect(byTestId(`committee-row-${id}`)).toBeNull();
    await choose('committee-filter', 'publiee');
    await until(() => !!byTestId(`committee-row-${id}`));
  }, 20_000);

  it('has its place in headquarters’ sidebar, and the themes’ list in Paramètres', async () => {
    await useHq();
    navigate('/comite');
    render(App);
    await until(() => !!byTestId('committee-empty'), 5000);
    expect(text('nav-comite')).toBe('Comité de sélection');
    expect(byTestId('nav-comite')!.getAttribute('aria-current')).toBe('page');
    expect(document.title).toBe('Comité de sélection — Maillage');
    navigate('/parametres');
    await until(() => !!byTestId('settings-library-themes'), 5000);
  }, 15_000);

  it('an empty queue says where proposals come from', async () => {
    await useHq();
    render(Committee);
    await until(() => !!byTestId('committee-empty'), 5000);
    expect(text('committee-empty')).toContain('Aucune pratique proposée pour l’instant');
  });

  it('a load core cannot answer: core’s message and « Réessayer »', async () => {
    await useCore({ initialised: true, demo: false });
    const broken = brokenCore();
    setBackend(broken.backend);
    const refusal = (await broken.api.status().catch((e) => e)) as ApiError;
    render(Committee);
    await until(() => !!byTestId('load-error'));
    expect(text('load-error')).toContain(sentence(refusal.message));
  });
});

describe('Paramètres › Thèmes de la bibliothèque', () => {
  it('edits the list; core’s refusal shown as is', async () => {
    const hq = await useHq();
    render(LibraryThemes);
    await until(() => !!(byTestId('library-themes-text') as HTMLTextAreaElement | null)?.value, 5000);
    expect((byTestId('library-themes-text') as HTMLTextAreaElement).value).toBe((await hq.api.libraryThemes()).join('\n'));

    await type('library-themes-text', 'Parents\n  Sortie et autonomie \n\nPetite enfance');
    await fireEvent.submit(byTestId('library-themes-text')!.closest('form')!);
    await until(() => !!byTestId('library-themes-saved'));
    expect(await hq.api.libraryThemes()).toEqual(['Parents', 'Sortie et autonomie', 'Petite enfance']);
    expect((byTestId('library-themes-text') as HTMLTextAreaElement).value).toBe('Parents\nSortie et autonomie\nPetite enfance');
    expect(text('library-themes-saved')).toBe('Enregistré : 3 thèmes.');

    await type('library-themes-text', 'Parents\nParents');
    await fireEvent.submit(byTestId('library-themes-text')!.closest('form')!);
    await until(() => !!byTestId('library-themes-error'));
    const refusal = hq.refused.find((r) => r.command === 'set_library_themes')!.error;
    expect(text('library-themes-error')).toContain(sentence(refusal.message));
    expect(byTestId('field-error-themes')!.textContent).toBe(sentence(refusal.message));
    await eventually(async () => (await hq.api.libraryThemes()).length === 3);
  });
});
