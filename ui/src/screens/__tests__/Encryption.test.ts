// Encryption at rest in the window (issue 11), on the real core: the unlock screen (wrong then
// right passphrase, the recovery code), the first launch with a passphrase and its recovery
// code shown once, Paramètres › Chiffrement, and the lock — by « Verrouiller » and by the idle
// delay — that keeps what was typed in its field and in the store.
import { fireEvent, render } from '@testing-library/svelte';
import { tick as flushEffects } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../App.svelte';
import { setBackend } from '../../backend';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { session } from '../../lib/session.svelte';
import { PASSPHRASE, byTestId, encrypt, startCore, tick, type, until, useCore, DEMO_TERRITORY, type Core } from '../../test/helpers';

/** The window opening on `core` (App asks the session, then loads). */
function openWindow(core: Core) {
  setBackend(core.backend);
  app.status = null;
  app.vocab = null;
  app.territories = [];
  app.territoryId = null;
  app.notice = null;
  render(App);
}

const field = (id: string) => byTestId(id) as HTMLInputElement;

async function unlockWith(passphrase: string) {
  await type('unlock-passphrase', passphrase);
  await fireEvent.submit(byTestId('unlock-form')!);
}

describe('the unlock screen', () => {
  it('refuses a wrong passphrase with core’s message, opens with the right one', async () => {
    const core = await useCore();
    await encrypt(core);
    await core.api.lock();
    openWindow(core);
    await until(() => !!byTestId('unlock-screen'));
    expect(byTestId('app-shell')).toBeNull();
    expect(document.activeElement).toBe(byTestId('unlock-passphrase'));

    await unlockWith('pas la bonne phrase');
    await until(() => !!byTestId('unlock-error'));
    const refusal = await core.api.unlock('pas la bonne phrase').catch((e) => e);
    expect(refusal.code).toBe('wrong_passphrase');
    expect(byTestId('unlock-error')!.textContent).toContain(sentence(refusal.message));
    expect(byTestId('unlock-error')!.textContent).toContain('Phrase de passe incorrecte');
    expect((await core.api.sessionState()).locked).toBe(true);

    await unlockWith(PASSPHRASE);
    await until(() => !!byTestId('app-shell'), 5000);
    expect(byTestId('unlock-screen')).toBeNull();
    expect(byTestId('territory-current-name')!.textContent).toContain(DEMO_TERRITORY);
    expect(byTestId('lock-now')!.textContent).toContain('Verrouiller');
  });

  it('« Phrase de passe oubliée ? »: the recovery code and a new passphrase open it', async () => {
    const core = await useCore();
    const code = await encrypt(core);
    await core.api.lock();
    openWindow(core);
    await until(() => !!byTestId('unlock-screen'));
    await fireEvent.click(byTestId('unlock-forgotten')!);
    await type('recovery-code-input', code);
    await type('recovery-passphrase-new', 'une toute nouvelle phrase');
    await type('recovery-passphrase-confirm', 'une toute nouvelle phrase!');
    await fireEvent.submit(byTestId('recovery-form')!);
    await until(() => !!byTestId('field-error-new_passphrase'));
    expect(byTestId('field-error-new_passphrase')!.textContent).toContain('différentes');
    expect(core.calls.some((c) => c.command === 'unlock_with_recovery_code')).toBe(false);

    await type('recovery-passphrase-confirm', 'une toute nouvelle phrase');
    await fireEvent.submit(byTestId('recovery-form')!);
    await until(() => !!byTestId('app-shell'), 5000);
    // The forgotten passphrase no longer opens the store; the new one does.
    await core.api.lock();
    expect((await core.api.unlock(PASSPHRASE).catch((e) => e)).code).toBe('wrong_passphrase');
    expect((await core.api.unlock('une toute nouvelle phrase')).open).toBe(true);
  });
});

describe('the first launch', () => {
  it('with a passphrase: the store is encrypted and the recovery code shown once', async () => {
    const core = startCore();
    openWindow(core);
    await until(() => !!byTestId('first-launch'));
    expect(byTestId('first-passphrase-why')!.textContent).toContain('Recommandé : protège vos entretiens si l’ordinateur est perdu');
    const { min_passphrase_chars } = await core.api.encryptionStatus();
    await until(() => byTestId('first-passphrase-hint')!.textContent!.includes(`Au moins ${min_passphrase_chars} caractères`));
    await type('facilitator-input', 'Claire Martin');
    await type('first-passphrase-new', 'court');
    await type('first-passphrase-confirm', 'court');
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('field-error-passphrase'));
    // Core's refusal, as is, before anything is written: no identity, nothing encrypted.
    const refusal = core.refused.find((r) => r.command === 'check_passphrase')!.error;
    expect(byTestId('field-error-passphrase')!.textContent).toBe(sentence(refusal.message));
    expect(core.calls.filter((c) => c.command === 'init')).toHaveLength(0);
    expect((await core.api.encryptionStatus()).encrypted).toBe(false);

    await type('first-passphrase-new', PASSPHRASE);
    await type('first-passphrase-confirm', PASSPHRASE);
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('recovery-code-screen'), 5000);
    const code = byTestId('recovery-code')!.textContent!;
    expect(code).toMatch(/\w{4}/);
    expect(byTestId('recovery-code-screen')!.textContent).toContain('Notez-le et gardez-le à part : il ne sera plus jamais affiché');
    expect((await core.api.encryptionStatus()).encrypted).toBe(true);
    expect(core.calls.filter((c) => c.command === 'init')).toHaveLength(1);
    expect((byTestId('recovery-continue') as HTMLButtonElement).disabled).toBe(true);
    await tick('recovery-noted');
    await fireEvent.click(byTestId('recovery-continue')!);
    await until(() => !!byTestId('app-shell'), 5000);
    expect(byTestId('facilitator-name')!.textContent).toBe('Claire Martin');
    expect(document.body.textContent).not.toContain(code);
    expect((await core.api.workspace()).mode).toBe('territoire');
    // The code opens the store.
    await core.api.lock();
    expect((await core.api.unlockWithRecoveryCode(code, 'encore une autre phrase')).open).toBe(true);
  });

  it('without a passphrase on a territory’s computer: a plain store, as before', async () => {
    const core = startCore();
    openWindow(core);
    await until(() => !!byTestId('first-launch'));
    await type('facilitator-input', 'Claire Martin');
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('app-shell'), 5000);
    expect(byTestId('recovery-code-screen')).toBeNull();
    expect((await core.api.encryptionStatus()).encrypted).toBe(false);
    expect(byTestId('lock-now')).toBeNull();
  });

  it('« Siège national » without a passphrase: core’s refusal, and nothing opens', async () => {
    const core = startCore();
    openWindow(core);
    await until(() => !!byTestId('first-launch'));
    await fireEvent.click(byTestId('workspace-siege')!);
    await type('facilitator-input', 'Équipe nationale');
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('error-message'));
    const refusal = core.refused.find((r) => r.command === 'set_workspace')!.error;
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    expect(byTestId('app-shell')).toBeNull();
  });
});

describe('Paramètres › Chiffrement', () => {
  it('turns encryption on, shows the code once, then changes the passphrase and the idle delay', async () => {
    const core = await useCore();
    await core.api.backupNow(); // a backup in clear, made before
    location.hash = '#/parametres';
    openWindow(core);
    await until(() => !!byTestId('encryption-plain'));
    expect(byTestId('settings-workspace-needs-encryption')!.textContent).toContain('doit être chiffrée');
    expect(byTestId('lock-now')).toBeNull();

    await type('enc-new', PASSPHRASE);
    await type('enc-confirm', PASSPHRASE + ' ');
    await fireEvent.click(byTestId('enc-submit')!);
    await until(() => !!byTestId('field-error-passphrase'));
    expect(byTestId('field-error-passphrase')!.textContent).toContain('différentes');
    await type('enc-confirm', PASSPHRASE);
    await fireEvent.click(byTestId('enc-submit')!);
    await until(() => !!byTestId('recovery-code-screen'), 5000);
    expect(byTestId('recovery-code')!.textContent).toMatch(/\w{4}/);
    await tick('recovery-noted');
    await fireEvent.click(byTestId('recovery-continue')!);
    await until(() => !!byTestId('encryption-on'));
    expect(byTestId('recovery-code-screen')).toBeNull();
    expect(byTestId('encryption-on')!.textContent).toContain('Base chiffrée');
    expect((await core.api.encryptionStatus()).encrypted).toBe(true);
    // Headquarters is possible now; « Verrouiller » appears.
    expect(byTestId('settings-workspace-needs-encryption')).toBeNull();
    await until(() => !!byTestId('lock-now'));
    // The backup made before is still in clear: listed with its path.
    const { plain_backups } = await core.api.encryptionStatus();
    expect(plain_backups.length).toBe(1);
    expect(byTestId('plain-backups')!.textContent).toContain(plain_backups[0].path);
    expect(byTestId('plain-backups-advice')!.textContent).toContain('1 sauvegarde faite avant le chiffrement, donc en clair');
    expect(byTestId('plain-backups-advice')!.textContent).toContain('Supprimez-les');

    // A wrong current passphrase: core's « phrase de passe incorrecte ».
    await type('enc-current', 'pas la bonne phrase');
    await type('enc-new', 'la nouvelle phrase de passe');
    await type('enc-confirm', 'la nouvelle phrase de passe');
    await fireEvent.click(byTestId('enc-change')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain('Phrase de passe incorrecte');
    await type('enc-current', PASSPHRASE);
    await fireEvent.click(byTestId('enc-change')!);
    await until(() => !!byTestId('encryption-done'));
    await core.api.lock();
    expect((await core.api.unlock('la nouvelle phrase de passe')).open).toBe(true);

    // The idle delay: core's bounds, its refusal shown as is.
    await type('enc-idle', '0');
    await fireEvent.click(byTestId('enc-idle-save')!);
    await until(() => !!byTestId('field-error-minutes'));
    const refusal = core.refused.find((r) => r.command === 'set_idle_lock_minutes')!.error;
    expect(byTestId('field-error-minutes')!.textContent).toBe(sentence(refusal.message));
    await type('enc-idle', '5');
    await fireEvent.click(byTestId('enc-idle-save')!);
    await until(() => !!byTestId('enc-idle-saved'));
    expect((await core.api.sessionState()).idle_lock_minutes).toBe(5);
    expect(session.idleMinutes).toBe(5);
  });
});

describe('the lock', () => {
  async function interviewOpen() {
    const core = await useCore();
    await encrypt(core);
    const [i] = await core.api.recordList('interview', app.territoryId);
    location.hash = `#/entretiens/${i.id}`;
    openWindow(core);
    await until(() => !!byTestId('interview-notes'), 5000);
    return { core, id: i.id };
  }

  it('« Verrouiller » saves what was typed, covers the screen, and after the unlock the text is still there', async () => {
    const { core, id } = await interviewOpen();
    const notes = field('interview-notes');
    notes.focus();
    await type('interview-notes', 'Ce que la directrice a dit, tapé juste avant');
    await fireEvent.click(byTestId('lock-now')!);
    await until(() => !!byTestId('unlock-screen'));
    const put = core.calls.findIndex((c) => c.command === 'record_put');
    expect(put, 'saved before the lock').toBeGreaterThanOrEqual(0);
    expect(put).toBeLessThan(core.calls.findIndex((c) => c.command === 'lock'));
    expect((await core.api.sessionState()).locked).toBe(true);
    // The screen below stays as it was, out of reach.
    expect(field('interview-notes').value).toBe('Ce que la directrice a dit, tapé juste avant');
    expect(byTestId('app-shell')!.hasAttribute('inert')).toBe(true);

    await unlockWith(PASSPHRASE);
    await until(() => !byTestId('unlock-screen'), 5000);
    expect(byTestId('app-shell')!.hasAttribute('inert')).toBe(false);
    expect(field('interview-notes').value).toBe('Ce que la directrice a dit, tapé juste avant');
    await until(() => document.activeElement === byTestId('interview-notes'));
    const record = await core.api.recordGet('interview', id);
    expect(record.data.notes).toBe('Ce que la directrice a dit, tapé juste avant');
  });

  it('a command answered « verrouillée » (locked meanwhile) shows the unlock screen; the screen loads after the unlock', async () => {
    const core = await useCore();
    await encrypt(core);
    location.hash = '#/territoires';
    openWindow(core);
    await until(() => !!byTestId('app-shell'), 5000);
    await core.api.lock(); // as the idle delay of another window of the same session would
    location.hash = '#/ateliers';
    await until(() => !!byTestId('unlock-screen'), 5000);
    expect(core.refused.some((r) => r.error.code === 'locked')).toBe(true);
    await unlockWith(PASSPHRASE);
    await until(() => !byTestId('unlock-screen'), 5000);
    // The list refused while locked is read again: no « Réessayer » left behind.
    const workshops = await core.api.recordList('workshop', app.territoryId);
    await until(() => !!byTestId(`workshop-row-${workshops[0].id}`), 5000);
    expect(byTestId('load-error')).toBeNull();
  });

  it('after the idle delay without a key or a click: saved, locked, and nothing typed lost', async () => {
    const { core, id } = await interviewOpen();
    try {
      // Fake time from here: the idle watch starts again (delay changed) on the fake clock.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      session.idleMinutes = 2;
      await flushEffects();
      field('interview-notes').focus();
      await type('interview-notes', 'Tapé, puis une pause');
      await vi.advanceTimersByTimeAsync(119_000);
      expect(byTestId('unlock-screen')).toBeNull();
      await vi.advanceTimersByTimeAsync(1_000);
    } finally {
      vi.useRealTimers();
    }
    await until(() => !!byTestId('unlock-screen'), 5000);
    expect((await core.api.sessionState()).locked).toBe(true);
    expect(field('interview-notes').value).toBe('Tapé, puis une pause');
    await unlockWith(PASSPHRASE);
    await until(() => !byTestId('unlock-screen'), 5000);
    expect(field('interview-notes').value).toBe('Tapé, puis une pause');
    expect((await core.api.recordGet('interview', id)).data.notes).toBe('Tapé, puis une pause');
  });
});

afterEach(() => {
  location.hash = '';
});
