// The component tests run against the real core: each `useCore()` starts `maillage serve` on a
// fresh store (src/test/serve.ts), so every rule, message and refusal a screen meets is core's.
// What is left here is plumbing with no rule: a log of the screens' calls, a gate to hold a
// command's answer (to see a screen while a save is in flight), and the window's close guard.
/// <reference types="node" />
import { writeFileSync } from 'node:fs';
import { fireEvent } from '@testing-library/svelte';
import { connect, setBackend, type ApiError, type Backend, type Transport } from '../backend';
import type { CommandName } from '../backend/generated';
import { app, refreshTerritories } from '../lib/app.svelte';
import { applySession } from '../lib/session.svelte';
import { applyWorkspace } from '../lib/workspace.svelte';
import { ServeProcess } from './serve';

export const DEMO_TERRITORY = 'Cité éducative de Valmont';

export interface Core {
  /** The backend the screens use: its calls are logged in `calls` and can be held. */
  backend: Backend;
  /** The same store, not logged: for a test's own reads and writes. */
  api: Backend;
  /** Every call the screens made, in order. */
  calls: { command: CommandName; args: any }[];
  /** The screens' calls core refused, with its answer. */
  refused: { command: CommandName; args: any; error: ApiError }[];
  /** Holds the answers of `command` until the returned function is called. */
  hold(command?: CommandName): () => void;
  /** Delays every answer and progress report of the screens' calls (ms). */
  latencyMs: number;
  /** The handlers the screens gave to `guardClose`: what the window's close request runs. */
  closeGuards: (() => Promise<boolean>)[];
  process: ServeProcess;
}

const running: ServeProcess[] = [];

/** Stops every core started by the test (setup.ts calls it after each test). */
export async function stopCores(): Promise<void> {
  await Promise.all(running.splice(0).map((p) => p.stop()));
}

/** A plain copy of what a screen sent (it may hold Svelte state proxies). */
const copy = (v: unknown) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

const sleepMs = (ms: number) => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** A core of its own (the store's HOME, Documents…), not installed as the screens' backend. */
export function startCore(opts: ConstructorParameters<typeof ServeProcess>[0] = {}): Core {
  const process = new ServeProcess(opts);
  running.push(process);
  const holds = new Map<CommandName, Promise<void>>();
  const direct: Transport = {
    call: (command, args, onProgress) => process.call(command, args, onProgress as (p: unknown) => void) as never,
    guardClose: () => {},
  };
  const core: Core = {
    api: connect(direct),
    backend: null as unknown as Backend,
    calls: [],
    refused: [],
    latencyMs: 0,
    closeGuards: [],
    process,
    hold(command = 'record_put') {
      let release = () => {};
      holds.set(command, new Promise<void>((r) => (release = r)));
      return () => {
        holds.delete(command);
        release();
      };
    },
  };
  core.backend = connect({
    async call(command, args, onProgress) {
      core.calls.push({ command, args: copy(args) });
      await holds.get(command);
      // With latency, each progress report and the answer arrive `latencyMs` after the previous.
      const late = core.latencyMs;
      let heard = Promise.resolve();
      const report = onProgress && ((p: unknown) => void (heard = heard.then(() => sleepMs(late)).then(() => onProgress(p as never))));
      const result = await process.call(command, args, report).catch((error: ApiError) => {
        core.refused.push({ command, args: copy(args), error });
        throw error;
      });
      await heard;
      await sleepMs(late);
      return result as never;
    },
    guardClose: (beforeClose) => void core.closeGuards.push(beforeClose),
  });
  return core;
}

/** A core whose store is a text file: core refuses to open it and answers every call with why. */
export function brokenCore(): Core {
  return startCore({ prepare: (db) => writeFileSync(db, 'ceci n’est pas une base SQLite, mais un texte assez long pour le croire') });
}

/**
 * Starts a core on a fresh store and installs it as the application does at start-up: initialised
 * by « Claire Martin » with the demo territory unless told otherwise.
 */
export async function useCore(opts: { initialised?: boolean; demo?: boolean; facilitator?: string } = {}): Promise<Core> {
  const { initialised = true, demo = initialised, facilitator = 'Claire Martin' } = opts;
  const core = startCore();
  if (initialised) await core.api.init(facilitator);
  if (demo) await core.api.demo({ territory: DEMO_TERRITORY });
  setBackend(core.backend);
  app.status = await core.api.status();
  app.vocab = await core.api.vocabulary();
  app.territories = [];
  app.territoryId = null;
  app.notice = null;
  applySession(await core.api.sessionState());
  applyWorkspace(app.status.initialised ? await core.api.workspace() : { mode: null, hq: null });
  if (app.status.initialised) await refreshTerritories();
  core.calls = [];
  core.refused = [];
  return core;
}

/** A passphrase core accepts, for the tests that encrypt a store. */
export const PASSPHRASE = 'une phrase de passe pour les tests';

/**
 * Turns encryption on for the core's store (headquarters requires it), as Paramètres ›
 * Chiffrement does; returns the recovery code.
 */
export async function encrypt(core: Core, passphrase = PASSPHRASE): Promise<string> {
  const { recovery_code } = await core.api.encryptStore(passphrase);
  applySession(await core.api.sessionState());
  return recovery_code;
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

/** Waits until the async `check` passes (or fails after `timeout`). */
export async function eventually(check: () => Promise<boolean>, timeout = 3000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await sleep(20);
  }
}

export const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

/** Puts `text` in a field as typing does (one input event). */
export async function type(testid: string, text: string): Promise<void> {
  const el = byTestId(testid) as HTMLInputElement;
  el.value = text;
  await fireEvent.input(el);
}

/** Chooses `value` in a select. */
export async function choose(testid: string, value: string): Promise<void> {
  const el = byTestId(testid) as HTMLSelectElement;
  el.value = value;
  await fireEvent.change(el);
}

/** Ticks or unticks a checkbox. */
export async function tick(testid: string): Promise<void> {
  const el = byTestId(testid) as HTMLInputElement;
  el.checked = !el.checked;
  await fireEvent.change(el);
}
