import { setBackend } from '../backend';
import { FakeBackend, type FakeOptions } from '../backend/fake';
import { app, refreshTerritories } from '../lib/app.svelte';

/** Installs a fake backend and the shared app state, as the application does at start-up. */
export async function useFake(opts: FakeOptions = { initialised: true, withDemo: true }): Promise<FakeBackend> {
  const fake = new FakeBackend(opts);
  setBackend(fake);
  app.status = await fake.status();
  app.vocab = await fake.vocabulary();
  app.territoryId = null;
  if (app.status.initialised) await refreshTerritories();
  fake.calls = [];
  return fake;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` passes (or fails after `timeout`). */
export async function until(check: () => boolean | void, timeout = 3000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      if (check() !== false) return;
    } catch (e) {
      if (Date.now() - start > timeout) throw e;
    }
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await sleep(10);
  }
}

export const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
