/// <reference types="node" />
// Every record shape the screens write is accepted by the real core: the screens are driven
// against the fake backend, then every write they made is replayed with the `maillage` command
// line into a real store holding the same demo territory (`maillage demo` is deterministic).
// Needs the command line built (cargo build -p maillage-cli): `npm run test:parity`, which
// `make test` runs after the Rust tests; `npm test` leaves it out.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fireEvent, render, cleanup } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { app } from '../../lib/app.svelte';
import { flushAll } from '../../lib/autosave.svelte';
import { byTestId, until, useFake } from '../../test/helpers';
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

const CLI = ['release', 'debug'].map((p) => resolve(__dirname, `../../../../target/${p}/maillage`)).find(existsSync);

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

async function tick(testid: string) {
  const el = byTestId(testid) as HTMLInputElement;
  el.checked = !el.checked;
  await fireEvent.change(el);
}

if (!CLI) {
  throw new Error('the maillage command line is not built: run `cargo build -p maillage-cli` first');
}

describe('the real core accepts what the screens write', () => {
  it('replays every write of the screens into a real store', async () => {
    const fake = await useFake({ initialised: true, withDemo: true, demoKeepsIds: true });
    const territory = app.territoryId!;
    const of = (kind: string) => [...fake.records.values()].filter((r) => r.kind === kind && !r.deleted);
    const [org1, org2] = of('organisation');
    const themes = of('theme');

    // Actors: an organisation, a person with a given consent, a link.
    render(OrganisationsTab, { props: { orgs: of('organisation') as never[], openId: 'nouvelle' } });
    await type('org-name', 'Maison des parents');
    await choose('org-category', 'centre_social');
    await choose('org-engagement', 'benevole');
    await tick('org-field-parentalite');
    await type('org-sub-territory', 'Quartier Nord');
    await fireEvent.click(byTestId('org-save')!);
    await until(() => of('organisation').some((o) => o.data.name === 'Maison des parents'));
    cleanup();

    render(PersonsTab, { props: { persons: [], orgs: of('organisation') as never[], openId: 'nouvelle' } });
    await type('person-name', 'Nadia Benali');
    await type('person-role', 'Coordinatrice');
    await choose('person-organisation', org1.id);
    await choose('person-consent-status', 'given');
    await type('person-consent-date', '12/03/2026');
    await type('person-consent-how', 'formulaire signé');
    await fireEvent.click(byTestId('person-save')!);
    await until(() => of('person').some((p) => p.data.name === 'Nadia Benali'));
    cleanup();

    render(LinksTab, { props: { links: [], orgs: of('organisation') as never[], openId: 'nouveau' } });
    await choose('link-from', org1.id);
    await choose('link-to', org2.id);
    await choose('link-kind', 'suivi_partage');
    await choose('link-intensity', '3');
    await type('link-observed-on', '02/02/2026');
    await fireEvent.click(byTestId('link-save')!);
    await until(() => fake.writes.some((w) => w.kind === 'cooperation_link'));
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
    await tick(`interview-persons-${of('person')[0].id}`);
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
    await choose('workshop-add-person', of('person')[0].id);
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
    const action = of('action')[0];
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
    await until(() => of('indicator').some((i) => i.data.name === 'Familles reçues'));
    const indicator = of('indicator').find((i) => i.data.name === 'Familles reçues')!;
    await until(() => !!byTestId(`measurement-value-${indicator.id}`));
    await type(`measurement-date-${indicator.id}`, '15/03/2026');
    await type(`measurement-value-${indicator.id}`, '18,5');
    await fireEvent.submit(byTestId(`measurement-add-${indicator.id}`)!.closest('form')!);
    await until(() => of('measurement').some((m) => m.data.value === 18.5));
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
    const moved = of('action').find((a) => a.data.status !== 'abandonnee')!;
    await choose(`action-status-${moved.id}`, 'abandonnee');
    await until(() => fake.records.get(moved.id)!.data.status === 'abandonnee');
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
    await until(() => of('territory').length === 2);
    cleanup();

    // Replay into a real store holding the same demo territory.
    const kinds = new Set(fake.writes.map((w) => w.kind));
    for (const k of ['organisation', 'person', 'cooperation_link', 'roadmap', 'interview', 'workshop', 'action', 'indicator', 'measurement', 'practice', 'territory'])
      expect(kinds, `the scenario wrote a ${k}`).toContain(k);
    const dir = mkdtempSync(join(tmpdir(), 'maillage-parity-'));
    const db = join(dir, 'store.sqlite3');
    const run = (...args: string[]) => execFileSync(CLI!, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      run('init', '--facilitator', 'Parité');
      run('demo', '--territory', 'Cité éducative de Valmont');
      for (const w of fake.writes) {
        try {
          if (w.op === 'put') run('record', 'put', w.kind, '--id', w.id, '--json', JSON.stringify(w.data));
          else run('record', 'delete', w.kind, w.id);
        } catch (e) {
          const stderr = (e as { stderr?: string }).stderr ?? String(e);
          throw new Error(`the core refused a ${w.kind} written by the screens: ${stderr}\n${JSON.stringify(w.data, null, 1)}`);
        }
      }
      const interviews = JSON.parse(run('record', 'list', 'interview', '--json'));
      const ours = interviews.find((r: { data: { title: string } }) => r.data.title === 'Entretien de parité');
      expect(ours.data.answers['presentation.structure']).toBe('Nous accueillons les familles le mercredi.');
      expect(ours.data.passages).toHaveLength(1);
      expect(ours.data.passages[0]).toMatchObject({ quote: true, text: 'Nous accueillons les' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
