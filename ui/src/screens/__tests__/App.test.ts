import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { setBackend, type ApiError } from '../../backend';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { brokenCore, byTestId, startCore, until, DEMO_TERRITORY, type } from '../../test/helpers';

/** A window opening on a core: App loads the status and the vocabulary itself. */
async function fresh(opts: { initialised: boolean; demo?: boolean }) {
  const core = startCore();
  if (opts.initialised) await core.api.init('Claire Martin');
  if (opts.demo) await core.api.demo({ territory: DEMO_TERRITORY });
  setBackend(core.backend);
  app.status = null;
  app.vocab = null;
  app.territories = [];
  app.territoryId = null;
  app.notice = null;
  return core;
}

describe('the application', () => {
  it('first launch: asks the name, then opens the demo territory', async () => {
    const core = await fresh({ initialised: false });
    render(App);
    await until(() => !!byTestId('first-launch'));
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('error-message'));
    // core refuses an empty name: its message, as is
    const refusal = await core.api.init('  ').catch((e) => e);
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    expect((await core.api.status()).initialised).toBe(false);
    await type('facilitator-input', 'Claire Martin');
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('demo-open'));
    expect(byTestId('facilitator-name')!.textContent).toBe('Claire Martin');
    await fireEvent.click(byTestId('demo-open')!);
    await until(() => !!byTestId('territory-detail') && !!byTestId('step-etat_des_lieux'));
    expect(core.calls.find((c) => c.command === 'demo')!.args).toEqual({ request: { territory: DEMO_TERRITORY } });
    await until(() => byTestId('step-count-etat_des_lieux-interview')!.textContent!.includes('12'));
  });

  it('saves what was typed when the window is asked to close, before it closes', async () => {
    const core = await fresh({ initialised: true, demo: true });
    location.hash = '#/entretiens/nouveau';
    render(App);
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien fermé en pleine saisie');
    await type('answer-presentation.structure', 'Les derniers mots tapés');
    expect(byTestId('save-state')!.dataset.state).toBe('dirty');
    // what the Tauri backend does on the close request: await the guard, then destroy the window
    expect(core.closeGuards).toHaveLength(1);
    expect(await core.closeGuards[0]()).toBe(true);
    const saved = (await core.api.recordList('interview')).find((r) => r.data.title === 'Entretien fermé en pleine saisie');
    expect(saved?.data.answers['presentation.structure']).toBe('Les derniers mots tapés');
  });

  it('holds the first close when something typed cannot be saved, and says why', async () => {
    const core = await fresh({ initialised: true, demo: true });
    location.hash = '#/entretiens/nouveau';
    render(App);
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien');
    await type('interview-date', '30/02/2026');
    expect(await core.closeGuards[0]()).toBe(false);
    await until(() => !!byTestId('app-notice'));
    expect(byTestId('app-notice')!.textContent).toContain('fermez de nouveau la fenêtre');
    expect(await core.closeGuards[0]()).toBe(true); // the second close quits
  });

  it('Ctrl+K opens the search from anywhere', async () => {
    await fresh({ initialised: true, demo: true });
    location.hash = '#/plan';
    render(App);
    await until(() => !!byTestId('plan'));
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    await until(() => !!byTestId('search-input'));
    await until(() => document.activeElement === byTestId('search-input'));
  });

  it('when the store cannot be opened, shows core’s French message and « Réessayer »', async () => {
    // A text file where the store goes: core refuses to open it, as the window would meet it.
    const core = brokenCore();
    setBackend(core.backend);
    app.status = null;
    app.vocab = null;
    const refusal = (await core.api.status().catch((e) => e)) as ApiError;
    expect(refusal.code).toBe('not_a_store');
    render(App);
    await until(() => !!byTestId('load-retry'));
    expect(byTestId('error-message')!.getAttribute('role')).toBe('alert');
    expect(byTestId('error-message')!.textContent).toContain(sentence(refusal.message));
    const statusCalls = () => core.calls.filter((c) => c.command === 'status').length;
    const before = statusCalls();
    await fireEvent.click(byTestId('load-retry')!);
    await until(() => statusCalls() > before);
    await until(() => !!byTestId('load-retry'));
  });
});
