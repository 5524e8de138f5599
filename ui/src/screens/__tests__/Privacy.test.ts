import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import InterviewEditor from '../InterviewEditor.svelte';
import PersonsTab from '../PersonsTab.svelte';
import Territories from '../Territories.svelte';
import TerritoryDetail from '../TerritoryDetail.svelte';
import PrivacyPanel from '../settings/PrivacyPanel.svelte';
import type { Interview, Person } from '../../backend';
import { app, labelOf } from '../../lib/app.svelte';
import { applyWorkspace } from '../../lib/workspace.svelte';
import { sentence } from '../../lib/errors';
import { byTestId, choose, encrypt, eventually, until, useCore, type Core, type } from '../../test/helpers';

const person = (core: Core, name: string, consent: Person['consent'], territoryId = app.territoryId!) =>
  core.api.recordPut('person', null, { territory_id: territoryId, name, role: '', organisation_id: null, contact: '', consent, pseudonym: '', notes: '' });

const GIVEN: Person['consent'] = { status: 'given', date: '2026-01-10', how: 'formulaire signé' };
const PENDING: Person['consent'] = { status: 'pending', date: null, how: '' };

function interviewData(territoryId: string, personIds: string[], passages: Interview['passages']): Interview {
  return {
    territory_id: territoryId,
    title: 'Entretien au collège',
    date: '2026-02-03',
    place: '',
    interviewer: 'Claire Martin',
    person_ids: personIds,
    organisation_ids: [],
    guide_id: null,
    answers: {},
    notes: 'Les familles nous parlent du quartier. Les mères se retrouvent à la sortie.',
    theme_ids: [],
    passages,
    consent: { status: 'given', date: '2026-02-03', how: 'oral' },
    status: 'brouillon',
  };
}

describe('consent in the interview screen', () => {
  it('shows each passage’s state and core’s count, and attributes a passage to one person', async () => {
    const core = await useCore();
    const pending = await person(core, 'Odile Rameau', PENDING);
    const given = await person(core, 'Bruno Lefort', GIVEN);
    const record = await core.api.recordPut(
      'interview',
      null,
      interviewData(app.territoryId!, [pending.id, given.id], [
        { source: 'notes', text: 'Les familles nous parlent du quartier.', theme_ids: [], quote: true, person_id: given.id },
        { source: 'notes', text: 'Les mères se retrouvent à la sortie.', theme_ids: [], quote: true },
      ]),
    );
    render(InterviewEditor, { props: { id: record.id } });
    await until(() => !!byTestId('passage-withheld-1'));
    const consent = await core.api.interviewConsent(record.id);
    expect(consent.messages.length).toBeGreaterThan(0);
    // What the screen says is core's: the sentence and the reason.
    const shown = [...document.querySelectorAll('[data-testid="passage-consent-message"]')].map((e) => e.textContent);
    expect(shown).toEqual(consent.messages);
    expect(shown[0]).toContain('non exportable');
    expect(byTestId('passage-withheld-1')!.textContent).toContain('non exportable');
    const reason = consent.passages[1].withheld_by!;
    expect(byTestId('passage-withheld-1')!.textContent).toContain('consentement ' + labelOf('consent_status', reason).toLowerCase());
    expect(byTestId('passage-exportable-0')).toBeTruthy();
    expect((byTestId('passage-person-0') as HTMLSelectElement).value).toBe(given.id);
    expect((byTestId('passage-person-1') as HTMLSelectElement).value).toBe('');

    // The second passage said by the person who gave consent: saved through the interview's
    // autosave, then core says it may leave.
    await choose('passage-person-1', given.id);
    await eventually(async () => (await core.api.recordGet('interview', record.id)).data.passages[1].person_id === given.id);
    await until(() => !!byTestId('passage-exportable-1'));
    expect(byTestId('passage-consent-messages')).toBeNull();
    expect((await core.api.interviewConsent(record.id)).messages).toEqual([]);

    // Back to every interviewee: the person_id is gone from the record.
    await choose('passage-person-1', '');
    await eventually(async () => !('person_id' in (await core.api.recordGet('interview', record.id)).data.passages[1]));
    await until(() => !!byTestId('passage-withheld-1'));
  });
});

describe('a person’s rights', () => {
  it('withdraws consent on a day, then erases the person everywhere', async () => {
    const core = await useCore();
    const p = await person(core, 'Yasmina Delorme', GIVEN);
    await core.api.recordPut(
      'interview',
      null,
      interviewData(app.territoryId!, [p.id], [{ source: 'notes', text: 'Les familles nous parlent du quartier.', theme_ids: [], quote: true, person_id: p.id }]),
    );
    const persons = await core.api.recordList('person', app.territoryId);
    render(PersonsTab, { props: { persons, orgs: [], openId: p.id } });
    await until(() => !!byTestId('person-privacy'));

    await fireEvent.click(byTestId('person-withdraw')!);
    await type('person-withdraw-date', '15/03/2026');
    await fireEvent.click(byTestId('person-withdraw-confirm')!);
    // The side form itself was not saved over it.
    await eventually(async () => (await core.api.recordGet('person', p.id)).data.consent.status === 'withdrawn');
    expect((await core.api.recordGet('person', p.id)).data.consent).toEqual({ status: 'withdrawn', date: '2026-03-15', how: 'formulaire signé' });
    await until(() => (byTestId('person-consent-status') as HTMLSelectElement).value === 'withdrawn');
    expect((byTestId('person-consent-date') as HTMLInputElement).value).toBe('15/03/2026');
    expect(core.calls.filter((c) => c.command === 'record_put')).toEqual([]);

    // Erasure asks first, with a warning that it cannot be undone and reaches every copy.
    await fireEvent.click(byTestId('person-erase')!);
    expect(byTestId('confirm-dialog')!.textContent).toContain('ne peut pas être annulé');
    expect(byTestId('confirm-dialog')!.textContent).toContain('chaque copie');
    expect(core.calls.some((c) => c.command === 'erase_person')).toBe(false);
    await fireEvent.click(byTestId('person-erase-confirm')!);
    await until(() => !!byTestId('person-erased-message'));
    expect(byTestId('person-erased-message')!.textContent).toContain('Personne effacée');
    expect(byTestId(`person-row-${p.id}`)).toBeNull();
    expect((await core.api.recordList('person')).some((r) => r.id === p.id)).toBe(false);
    expect(await core.api.search({ query: 'Delorme' })).toEqual([]);
    const interview = (await core.api.recordList('interview')).find((r) => r.data.title === 'Entretien au collège')!;
    expect(interview.data.person_ids).toEqual([]);
    expect(interview.data.passages).toEqual([]);
  });
});

describe('erasure at headquarters', () => {
  it('is offered on a read-only person, withdrawing is not', async () => {
    const core = await useCore();
    const p = await person(core, 'Marcel Dubreuil', GIVEN);
    await encrypt(core);
    applyWorkspace(await core.api.setWorkspace('siege'));
    const persons = await core.api.recordList('person', app.territoryId);
    render(PersonsTab, { props: { persons, orgs: [], openId: p.id } });
    await until(() => !!byTestId('person-privacy'));
    expect(byTestId('read-only-scope')!.contains(byTestId('person-name'))).toBe(true);
    expect(byTestId('read-only-scope')!.contains(byTestId('person-erase'))).toBe(false);
    expect(byTestId('person-withdraw')).toBeNull();
    await fireEvent.click(byTestId('person-erase')!);
    await fireEvent.click(byTestId('person-erase-confirm')!);
    await until(() => !!byTestId('person-erased-message'));
    expect((await core.api.recordList('person')).some((r) => r.id === p.id)).toBe(false);
  });
});

describe('a territory’s end date', () => {
  it('is typed at creation', async () => {
    const core = await useCore({ demo: false });
    render(Territories);
    await fireEvent.click(byTestId('territory-new')!);
    await type('territory-name', 'Quartier des Tilleuls');
    await type('territory-end-date', '31/12/2027');
    await fireEvent.click(byTestId('territory-save')!);
    await eventually(async () => (await core.api.recordList('territory')).length === 1);
    const [t] = await core.api.recordList('territory');
    expect(t.data.end_date).toBe('2027-12-31');
  });

  it('is changed on the territory’s page', async () => {
    const core = await useCore();
    const id = app.territoryId!;
    render(TerritoryDetail, { props: { id } });
    await until(() => !!byTestId('territory-end-date'));
    await type('territory-end-date', '30/06/2028');
    await fireEvent.click(byTestId('territory-end-date-save')!);
    await until(() => !!byTestId('territory-end-date-saved'));
    expect((await core.api.recordGet('territory', id)).data.end_date).toBe('2028-06-30');
    await type('territory-end-date', '31/02/2028');
    await fireEvent.click(byTestId('territory-end-date-save')!);
    await until(() => !!byTestId('field-error-end_date'));
    expect((await core.api.recordGet('territory', id)).data.end_date).toBe('2028-06-30');
  });
});

describe('Paramètres › Protection des données', () => {
  it('shows core’s report, sets the retention, purges a territory due and deletes old backups', async () => {
    const core = await useCore();
    const ended = await core.api.recordPut('territory', null, { name: 'Quartier fini', kind: 'cite_educative', departement_code: null, communes: [], programme: null, notes: '', end_date: '2020-06-30' });
    await person(core, 'Gaston Prévert', GIVEN, ended.id);
    const erased = await person(core, 'Hélène Morvan', PENDING);
    await core.api.backupNow();
    await core.api.erasePerson(erased.id);

    render(PrivacyPanel);
    await until(() => !!byTestId('privacy-persons'));
    const report = await core.api.privacyReport();
    for (const status of ['given', 'pending', 'refused', 'withdrawn'] as const) {
      expect(byTestId(`privacy-persons-${status}`)!.textContent).toContain(String(report.persons[status]));
    }
    expect(byTestId(`privacy-territory-${ended.id}`)!.textContent).toContain('données à purger');
    expect(byTestId(`privacy-erasure-${erased.id}`)!.textContent).toContain(erased.id);
    expect(document.body.textContent).not.toContain('Hélène Morvan');
    expect(byTestId('privacy-old-backup-0')).toBeTruthy();

    // The retention period: core's bounds, core's message.
    await type('privacy-retention-years', '0');
    await fireEvent.click(byTestId('privacy-retention-save')!);
    await until(() => !!byTestId('field-error-years'));
    const refusal = core.refused.find((r) => r.command === 'set_retention')!.error;
    expect(byTestId('field-error-years')!.textContent).toBe(sentence(refusal.message));
    await type('privacy-retention-years', '3');
    await fireEvent.click(byTestId('privacy-retention-save')!);
    await until(() => !!byTestId('privacy-retention-saved'));
    expect((await core.api.retention()).years).toBe(3);

    // « Données à purger »: one button per territory, confirmed.
    await until(() => !!byTestId(`privacy-purge-${ended.id}`));
    await fireEvent.click(byTestId(`privacy-purge-${ended.id}`)!);
    expect(core.calls.some((c) => c.command === 'purge_territory')).toBe(false);
    await fireEvent.click(byTestId('privacy-purge-confirm')!);
    await until(() => !!byTestId('privacy-done') && !!byTestId('privacy-due-none'));
    expect((await core.api.territoriesDue()).length).toBe(0);
    expect((await core.api.recordGet('territory', ended.id)).data.purged_on).toBeTruthy();
    expect((await core.api.recordList('person', ended.id)).length).toBe(0);

    // The backups made before the erasure: one button, confirmed.
    await fireEvent.click(byTestId('privacy-old-backups-delete')!);
    await fireEvent.click(byTestId('privacy-old-backups-confirm')!);
    await until(() => !!byTestId('privacy-old-backups-none'));
    expect(await core.api.backupsHoldingErased()).toEqual([]);
    expect(byTestId('privacy-done')!.textContent).toContain('sauvegarde');
  });
});
