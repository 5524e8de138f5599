import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { FakeBackend } from '../../backend/fake';
import { setBackend } from '../../backend';
import { app } from '../../lib/app.svelte';
import { byTestId, until } from '../../test/helpers';

async function type(testid: string, text: string) {
  const el = byTestId(testid) as HTMLInputElement;
  el.value = text;
  await fireEvent.input(el);
}

function fresh(opts: ConstructorParameters<typeof FakeBackend>[0]) {
  const fake = new FakeBackend(opts);
  setBackend(fake);
  app.status = null;
  app.territories = [];
  app.territoryId = null;
  return fake;
}

describe('the application', () => {
  it('first launch: asks the name, then opens the demo territory', async () => {
    const fake = fresh({ initialised: false });
    render(App);
    await until(() => !!byTestId('first-launch'));
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('error-message'));
    expect(byTestId('error-message')!.textContent).toContain('Indiquez votre nom');
    expect(fake.facilitator).toBeNull();
    await type('facilitator-input', 'Claire Martin');
    await fireEvent.click(byTestId('init-submit')!);
    await until(() => !!byTestId('demo-open'));
    expect(byTestId('facilitator-name')!.textContent).toBe('Claire Martin');
    await fireEvent.click(byTestId('demo-open')!);
    await until(() => !!byTestId('territory-detail') && !!byTestId('step-etat_des_lieux'));
    expect(fake.calls.find((c) => c.command === 'demo')!.args).toEqual({ request: { territory: 'Cité éducative de Valmont' } });
    await until(() => byTestId('step-count-etat_des_lieux-interview')!.textContent!.includes('12'));
  });

  it('saves what was typed when the window is asked to close, before it closes', async () => {
    const fake = fresh({ initialised: true, withDemo: true });
    location.hash = '#/entretiens/nouveau';
    render(App);
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien fermé en pleine saisie');
    await type('answer-presentation.structure', 'Les derniers mots tapés');
    expect(byTestId('save-state')!.dataset.state).toBe('dirty');
    // what the Tauri backend does on the close request: await the guard, then destroy the window
    expect(fake.closeGuards).toHaveLength(1);
    expect(await fake.closeGuards[0]()).toBe(true);
    const saved = [...fake.records.values()].find((r) => r.kind === 'interview' && r.data.title === 'Entretien fermé en pleine saisie');
    expect(saved?.data.answers['presentation.structure']).toBe('Les derniers mots tapés');
  });

  it('holds the first close when something typed cannot be saved, and says why', async () => {
    const fake = fresh({ initialised: true, withDemo: true });
    location.hash = '#/entretiens/nouveau';
    render(App);
    await until(() => !!byTestId('interview-title'));
    await type('interview-title', 'Entretien');
    await type('interview-date', '30/02/2026');
    expect(await fake.closeGuards[0]()).toBe(false);
    await until(() => !!byTestId('app-notice'));
    expect(byTestId('app-notice')!.textContent).toContain('fermez de nouveau la fenêtre');
    expect(await fake.closeGuards[0]()).toBe(true); // the second close quits
  });

  it('Ctrl+K opens the search from anywhere', async () => {
    fresh({ initialised: true, withDemo: true });
    location.hash = '#/plan';
    render(App);
    await until(() => !!byTestId('plan'));
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    await until(() => !!byTestId('search-input'));
    await until(() => document.activeElement === byTestId('search-input'));
  });
});
