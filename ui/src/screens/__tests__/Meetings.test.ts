// National meetings (issue 13), against the real core: headquarters records a meeting in its
// autosaved editor (core's refusal at the field, a day that does not exist refused before
// sending, then everything saved as typed); its list; and a territory receives, with the library
// bundle, the decisions and follow-ups that concern it, shown on its Territoire screen (core
// chooses which: `territory_meetings`).
/// <reference types="node" />
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { NationalMeeting } from '../../backend';
import { labelOf } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { navigate } from '../../lib/router.svelte';
import { byTestId, choose, eventually, sleep, tick, type, until } from '../../test/helpers';
import { sealedBundle, useHq } from '../../test/hq';
import { hqPublicFile, installAs, libraryBundle } from '../../test/library';
import App from '../../App.svelte';
import TerritoryDetail from '../TerritoryDetail.svelte';

// Runs of layout white space read as one space; the no-break spaces of French typography stay.
const text = (testid: string) => byTestId(testid)?.textContent?.replace(/[ \t\n\r]+/g, ' ').trim() ?? '';

describe('Rencontres nationales at headquarters', () => {
  it('records a meeting as it is typed, and lists it', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage' });
    await hq.api.importBundle(a.path, false);
    navigate('/rencontres');
    render(App);
    await until(() => !!byTestId('meetings-empty'), 5000);
    expect(text('nav-rencontres')).toBe('Rencontres nationales');
    expect(byTestId('nav-rencontres')!.getAttribute('aria-current')).toBe('page');
    expect(text('nav-bibliotheque')).toBe('Bibliothèque');

    await fireEvent.click(byTestId('meeting-new')!);
    await until(() => !!byTestId('meeting-title'), 5000);
    // No title yet: core refuses, its message beside the field; nothing is stored.
    await choose('meeting-kind', 'club');
    await fireEvent.focusOut(byTestId('meeting-kind')!);
    await until(() => !!byTestId('field-error-title'), 5000);
    const noTitle = hq.refused.find((r) => r.command === 'record_put')!.error;
    expect(noTitle.field).toBe('title');
    expect(text('field-error-title')).toBe(sentence(noTitle.message));
    expect(await hq.api.recordList('national_meeting')).toEqual([]);

    await type('meeting-title', 'Séance du Club : la place des parents');
    await type('meeting-date', '15/01/2027');
    await type('meeting-agenda', '1. Tour de table\n2. Les petits-déjeuners des parents');
    await type('meeting-notes', 'Échanges nourris.');
    await fireEvent.click(byTestId('meeting-participant-add')!);
    await choose('meeting-participant-territory-0', a.territoryId);
    await type('meeting-participant-who-0', 'Cheffe de projet de la cité éducative');
    await tick('meeting-participant-present-0');
    await fireEvent.click(byTestId('meeting-decision-add')!);
    await type('meeting-decision-text-0', 'Chaque territoire présente une pratique à la prochaine séance.');
    await fireEvent.click(byTestId('meeting-decision-add')!);
    await type('meeting-decision-text-1', 'Les Tilleuls accueillent la prochaine séance.');
    await tick(`meeting-decision-territories-1-${a.territoryId}`);
    await fireEvent.click(byTestId('meeting-follow-up-add')!);
    expect((byTestId('meeting-follow-up-territory-0') as HTMLSelectElement).value).toBe(a.territoryId);
    await type('meeting-follow-up-text-0', 'Envoyer la fiche des petits-déjeuners au siège.');
    // A day that does not exist: refused at its field before anything is sent.
    await type('meeting-follow-up-due-0', '31/02/2027');
    await fireEvent.focusOut(byTestId('meeting-follow-up-due-0')!);
    await until(() => !!byTestId('field-error-follow_ups.0.due_on'), 5000);
    expect(text('field-error-follow_ups.0.due_on')).toContain('n’existe pas');
    await type('meeting-follow-up-due-0', '31/03/2027');
    await fireEvent.focusOut(byTestId('meeting-follow-up-due-0')!);
    await until(() => byTestId('save-state')!.dataset.state === 'saved', 5000);

    const [stored] = await hq.api.recordList('national_meeting');
    expect(stored.data).toEqual({
      meeting_kind: 'club',
      held_on: '2027-01-15',
      title: 'Séance du Club : la place des parents',
      agenda: '1. Tour de table\n2. Les petits-déjeuners des parents',
      notes: 'Échanges nourris.',
      participants: [{ territory_id: a.territoryId, who: 'Cheffe de projet de la cité éducative', present: false }],
      decisions: [
        { text: 'Chaque territoire présente une pratique à la prochaine séance.', territory_ids: [] },
        { text: 'Les Tilleuls accueillent la prochaine séance.', territory_ids: [a.territoryId] },
      ],
      follow_ups: [{ text: 'Envoyer la fiche des petits-déjeuners au siège.', territory_id: a.territoryId, due_on: '2027-03-31', done: false }],
    } satisfies NationalMeeting);

    // The list, and the meeting opened again as it was saved.
    navigate('/rencontres');
    await until(() => !!byTestId(`meeting-row-${stored.id}`), 5000);
    expect(text(`meeting-date-${stored.id}`)).toBe('15/01/2027');
    expect(text(`meeting-kind-${stored.id}`)).toBe(labelOf('national_meeting_kind', 'club'));
    expect(text(`meeting-open-${stored.id}`)).toBe('Séance du Club : la place des parents');
    navigate(`/rencontres/${stored.id}`);
    await until(() => (byTestId('meeting-follow-up-due-0') as HTMLInputElement | null)?.value === '31/03/2027', 5000);
    expect((byTestId('meeting-participant-present-0') as HTMLInputElement).checked).toBe(false);
    await tick('meeting-follow-up-done-0');
    await eventually(async () => (await hq.api.recordGet('national_meeting', stored.id)).data.follow_ups[0].done, 5000);
  }, 30_000);
});

describe('Rencontres nationales on a territory’s screen', () => {
  it('shows, after the library bundle is imported, what concerns the territory', async () => {
    const hq = await useHq();
    const a = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: 'Quartier des Tilleuls', file: '1.maillage' });
    const b = await sealedBundle(hq, { facilitator: 'Dominique Test', territory: 'Bourg des Saules', file: '2.maillage' });
    await hq.api.importBundle(a.path, false);
    await hq.api.importBundle(b.path, false);
    const meeting = await hq.api.recordPut('national_meeting', null, {
      meeting_kind: 'copil_national',
      held_on: '2027-02-10',
      title: 'Comité de pilotage national de février',
      agenda: '',
      notes: '',
      participants: [{ territory_id: a.territoryId, who: 'Cheffe de projet', present: true }],
      decisions: [
        { text: 'Le calendrier des séances du Club est adopté.', territory_ids: [] },
        { text: 'Les Saules testent le nouveau guide.', territory_ids: [b.territoryId] },
      ],
      follow_ups: [
        { text: 'Transmettre le bilan de l’année.', territory_id: a.territoryId, due_on: '2027-03-31', done: false },
        { text: 'Inviter le département.', territory_id: a.territoryId, due_on: null, done: true },
        { text: 'Relire le guide.', territory_id: b.territoryId, due_on: '2027-04-30', done: false },
      ],
    });
    const bundle = await libraryBundle(hq);

    // The facilitator's computer: nothing before the import (no card at all).
    const f = a.facilitator;
    await installAs(f);
    const first = render(TerritoryDetail, { id: a.territoryId });
    await until(() => !!byTestId('step-lancement'), 5000);
    await until(() => f.calls.some((c) => c.command === 'territory_meetings'), 5000);
    await sleep(200);
    expect(byTestId('territory-meetings')).toBeNull();
    first.unmount();

    await f.api.trustHqKey(await hqPublicFile(hq));
    await f.api.importBundle(bundle, false);
    const mine = await f.api.territoryMeetings(a.territoryId);
    expect(mine.map((m) => m.meeting_id)).toEqual([meeting.id]);

    render(TerritoryDetail, { id: a.territoryId });
    await until(() => !!byTestId('territory-meetings'), 5000);
    const id = meeting.id;
    expect(text(`territory-meeting-kind-${id}`)).toBe(labelOf('national_meeting_kind', 'copil_national'));
    expect(text(`territory-meeting-date-${id}`)).toBe(formatDate('2027-02-10'));
    expect(text(`territory-meeting-title-${id}`)).toBe('Comité de pilotage national de février');
    // Core's choice: the decision for every territory, not the one for the Saules.
    expect([...byTestId(`territory-meeting-decisions-${id}`)!.querySelectorAll('li')].map((li) => li.textContent!.trim())).toEqual(mine[0].decisions);
    expect(mine[0].decisions).toEqual(['Le calendrier des séances du Club est adopté.']);
    expect(text(`territory-meeting-follow-up-${id}-0`)).toBe('○ Transmettre le bilan de l’année. — pour le 31/03/2027');
    expect(byTestId(`territory-meeting-follow-up-${id}-0`)!.dataset.done).toBe('false');
    expect(text(`territory-meeting-follow-up-${id}-1`)).toBe('✓ Inviter le département. — faite');
    expect(byTestId(`territory-meeting-follow-up-${id}-1`)!.dataset.done).toBe('true');
    expect(byTestId(`territory-meeting-follow-up-${id}-2`)).toBeNull();
    expect(byTestId('territory-meetings')!.textContent).not.toContain('Relire le guide');
    expect(text(`territory-meeting-attended-${id}`)).toBe('Pour ce territoire : Cheffe de projet (présent·e)');
  }, 30_000);
});
