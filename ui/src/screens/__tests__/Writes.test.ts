// Every record shape the screens write is accepted by core: the screens are driven through one
// scenario that writes a record of every kind a screen edits, against `maillage serve`, and core
// must refuse none of their writes.
import { fireEvent, render, cleanup } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { app } from '../../lib/app.svelte';
import { flushAll } from '../../lib/autosave.svelte';
import { byTestId, eventually, until, useCore, type, choose, tick } from '../../test/helpers';
import { resetRoute } from '../../test/setup';
import Territories from '../Territories.svelte';
import OrganisationsTab from '../OrganisationsTab.svelte';
import PersonsTab from '../PersonsTab.svelte';
import LinksTab from '../LinksTab.svelte';
import RoadmapForm from '../RoadmapForm.svelte';
import InterviewEditor from '../InterviewEditor.svelte';
import WorkshopEditor from '../WorkshopEditor.svelte';
import ActionEditor from '../ActionEditor.svelte';
import PracticeEditor from '../PracticeEditor.svelte';
import Plan from '../Plan.svelte';

describe('core accepts what the screens write', () => {
  it('accepts every write of every editing screen', async () => {
    const core = await useCore();
    const territory = app.territoryId!;
    const of = async (kind: Parameters<typeof core.api.recordList>[0]) => (await core.api.recordList(kind)) as any[];
    const has = (kind: Parameters<typeof core.api.recordList>[0], test: (r: any) => boolean) => eventually(async () => (await of(kind)).some(test));
    const [org1, org2] = await of('organisation');
    const themes = await of('theme');
    const persons = await of('person');

    // Actors: an organisation, a person with a given consent, a link.
    render(OrganisationsTab, { props: { orgs: (await of('organisation')) as never[], openId: 'nouvelle' } });
    await type('org-name', 'Maison des parents');
    await choose('org-category', 'centre_social');
    await choose('org-engagement', 'benevole');
    await tick('org-field-parentalite');
    await type('org-sub-territory', 'Quartier Nord');
    await fireEvent.click(byTestId('org-save')!);
    await has('organisation', (o) => o.data.name === 'Maison des parents');
    cleanup();

    render(PersonsTab, { props: { persons: [], orgs: (await of('organisation')) as never[], openId: 'nouvelle' } });
    await type('person-name', 'Nadia Benali');
    await type('person-role', 'Coordinatrice');
    await choose('person-organisation', org1.id);
    await choose('person-consent-status', 'given');
    await type('person-consent-date', '12/03/2026');
    await type('person-consent-how', 'formulaire signé');
    await fireEvent.click(byTestId('person-save')!);
    await has('person', (p) => p.data.name === 'Nadia Benali');
    cleanup();

    render(LinksTab, { props: { links: [], orgs: (await of('organisation')) as never[], openId: 'nouveau' } });
    await choose('link-from', org1.id);
    await choose('link-to', org2.id);
    await choose('link-kind', 'suivi_partage');
    await choose('link-intensity', '3');
    await type('link-observed-on', '02/02/2026');
    await fireEvent.click(byTestId('link-save')!);
    await has('cooperation_link', (l) => l.data.observed_on === '2026-02-02');
    cleanup();

    // The roadmap of the demo territory.
    render(RoadmapForm, { props: { territoryId: territory } });
    await until(() => !!byTestId('roadmap-stakes'));
    await type('roadmap-stakes', 'Des enjeux précisés');
    await type('roadmap-objectives', 'Un objectif\nUn autre objectif\n');
    await type('roadmap-launched-on', '05/01/2026');
    await tick(`roadmap-organisations-${org2.id}`);
    await flushAll();
    cleanup();

    // An interview with answers, notes, interviewees, a tagged passage and a quote.
    render(InterviewEditor, { props: { id: null } });
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien de parité');
    await type('interview-place', 'Collège');
    await type('answer-presentation.structure', 'Nous accueillons les familles le mercredi.');
    await type('interview-notes', 'Des notes libres.');
    await tick(`interview-persons-${persons[0].id}`);
    await tick(`interview-organisations-${org1.id}`);
    await choose('interview-consent-status', 'given');
    await type('interview-consent-date', '12/03/2026');
    const answer = byTestId('answer-presentation.structure') as HTMLTextAreaElement;
    answer.setSelectionRange(0, 21);
    await fireEvent.select(answer);
    await choose('passage-theme', themes[0].id);
    await fireEvent.click(byTestId('passage-tag')!);
    await fireEvent.select(answer);
    await fireEvent.click(byTestId('passage-quote')!);
    await choose('interview-status', 'complet');
    await flushAll();
    cleanup();

    // A workshop: participants, agenda, notes, a decision turned into an action.
    render(WorkshopEditor, { props: { id: null } });
    await until(() => !!byTestId('workshop-title'));
    await type('workshop-title', 'Atelier de parité');
    await choose('workshop-kind', 'copil');
    await choose('workshop-add-person', persons[0].id);
    await choose('workshop-add-organisation', org2.id);
    await type('workshop-add-name', 'Un habitant');
    await fireEvent.click(byTestId('workshop-add-name-submit')!);
    await choose('workshop-attendance-1', 'excuse');
    await type('workshop-agenda', 'Point 1\nPoint 2');
    await fireEvent.click(byTestId('workshop-notes-from-agenda')!);
    await type('workshop-note-text-0', 'Des notes sur le point 1');
    await type('workshop-decision-new', 'Une décision de parité');
    await fireEvent.click(byTestId('workshop-decision-add')!);
    await fireEvent.click(byTestId('decision-to-action-0')!);
    await until(() => !!byTestId('decision-action-link-0'));
    await type('workshop-place', 'Mairie');
    await flushAll();
    cleanup();

    // An action: priority, dates, lead and partners; an indicator and a measurement.
    const action = (await of('action'))[0];
    render(ActionEditor, { props: { id: action.id } });
    await until(() => !!byTestId('action-title'));
    await type('action-rank', '2');
    await choose('action-impact', '4');
    await choose('action-feasibility', '3');
    await type('action-start', '01/02/2026');
    await type('action-end', '30/06/2026');
    await choose('action-lead', org1.id);
    await tick(`action-partners-${org2.id}`);
    await type('action-hypothesis', 'Une hypothèse');
    await flushAll();
    await until(() => !!byTestId('indicator-new-name'));
    await type('indicator-new-name', 'Familles reçues');
    await type('indicator-new-unit', 'familles');
    await type('indicator-new-baseline', '12,5');
    await type('indicator-new-target', '40');
    await fireEvent.submit(byTestId('indicator-add')!.closest('form')!);
    await has('indicator', (i) => i.data.name === 'Familles reçues');
    const indicator = (await of('indicator')).find((i) => i.data.name === 'Familles reçues')!;
    await until(() => !!byTestId(`measurement-value-${indicator.id}`));
    await type(`measurement-date-${indicator.id}`, '15/03/2026');
    await type(`measurement-value-${indicator.id}`, '18,5');
    await fireEvent.submit(byTestId(`measurement-add-${indicator.id}`)!.closest('form')!);
    await has('measurement', (m) => m.data.value === 18.5);
    cleanup();

    // An inspiring-practice sheet.
    render(PracticeEditor, { props: { id: null } });
    await until(() => !!byTestId('practice-title'));
    await type('practice-title', 'Une pratique de parité');
    await type('practice-means', 'Des moyens');
    await tick(`practice-themes-${themes[1].id}`);
    await choose('practice-status', 'proposee');
    await flushAll();
    cleanup();

    // The board: a card moved.
    resetRoute();
    render(Plan);
    await until(() => !!byTestId('plan-board'));
    const moved = (await of('action')).find((a) => a.data.status !== 'abandonnee')!;
    await choose(`action-status-${moved.id}`, 'abandonnee');
    await eventually(async () => (await core.api.recordGet('action', moved.id)).data.status === 'abandonnee');
    cleanup();

    // A territory, created last (it becomes the current one).
    resetRoute();
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await type('territory-name', 'Quartier de parité');
    await choose('territory-kind', 'qpv');
    await type('territory-departement', '2A');
    await type('territory-communes', 'Ajaccio\nBastia');
    await fireEvent.click(byTestId('territory-save')!);
    await eventually(async () => (await of('territory')).length === 2);
    cleanup();

    // Core took every write: a record of each kind the screens edit, and no refusal.
    expect(core.refused, JSON.stringify(core.refused, null, 1)).toEqual([]);
    const written = new Set(core.calls.filter((c) => c.command === 'record_put').map((c) => c.args.kind));
    for (const k of ['organisation', 'person', 'cooperation_link', 'roadmap', 'interview', 'workshop', 'action', 'indicator', 'measurement', 'practice', 'territory'])
      expect(written, `the scenario wrote a ${k}`).toContain(k);
    const ours = (await of('interview')).find((r) => r.data.title === 'Entretien de parité');
    expect(ours.data.answers['presentation.structure']).toBe('Nous accueillons les familles le mercredi.');
    expect(ours.data.passages).toHaveLength(1);
    expect(ours.data.passages[0]).toMatchObject({ quote: true, text: 'Nous accueillons les' });
    expect((await of('workshop')).find((w) => w.data.title === 'Atelier de parité').data.place).toBe('Mairie');
  }, 60_000);
});
