// The window's session with its store (core's `Session`): open, or locked behind its passphrase.
// An encrypted store starts locked; the window locks again after the idle delay or with
// « Verrouiller », having first saved everything typed. The unlock screen is then shown above
// the current screen, which stays as it was (what is typed stays in its fields) and gets the
// focus back after the unlock (components/UnlockScreen.svelte, App.svelte).
import { backend, type SessionState } from '../backend';
import { flushAll } from './autosave.svelte';

export const session = $state<{
  /** The store waits for its passphrase: the unlock screen shows. */
  locked: boolean;
  encrypted: boolean;
  /** Minutes without activity before the window locks (encrypted stores). */
  idleMinutes: number;
}>({ locked: false, encrypted: false, idleMinutes: 15 });

/** Where the focus was when the window locked, and the caret in it: given back after the unlock. */
let returnTo: { el: HTMLElement; start: number | null; end: number | null } | null = null;

function rememberFocus(): void {
  if (typeof document === 'undefined') return;
  const el = document.activeElement;
  if (!(el instanceof HTMLElement) || el === document.body || el.closest('[data-testid="unlock-screen"]')) return;
  const field = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el : null;
  let start: number | null = null;
  let end: number | null = null;
  try {
    start = field?.selectionStart ?? null;
    end = field?.selectionEnd ?? null;
  } catch {
    // inputs without a caret (checkbox…)
  }
  returnTo = { el, start, end };
}

export function applySession(s: SessionState): void {
  if (s.locked && !session.locked) rememberFocus();
  session.locked = s.locked;
  session.encrypted = s.encrypted;
  session.idleMinutes = s.idle_lock_minutes;
}

export async function loadSession(): Promise<SessionState> {
  const s = await backend().sessionState();
  applySession(s);
  return s;
}

/** A command answered `locked` (the store was locked meanwhile): show the unlock screen. */
export function lockedMeanwhile(): void {
  if (!session.locked) rememberFocus();
  session.locked = true;
  session.encrypted = true;
}

let locking: Promise<void> | null = null;

/** Saves what is pending in every editor, then locks (« Verrouiller », or the idle delay). */
export function lockNow(): Promise<void> {
  locking ??= (async () => {
    try {
      await flushAll();
      rememberFocus();
      applySession(await backend().lock());
    } finally {
      locking = null;
    }
  })();
  return locking;
}

const onUnlock = new Set<() => void>();

/** Runs `fn` once, at the next unlock (a screen whose load was answered `locked` loads again). */
export function whenUnlocked(fn: () => void): void {
  onUnlock.add(fn);
}

/**
 * After the unlock: saves what waited (typed just before the lock), loads again what was
 * refused meanwhile, and gives the focus back.
 */
export function afterUnlock(): void {
  void flushAll();
  const waiting = [...onUnlock];
  onUnlock.clear();
  for (const fn of waiting) fn();
  const r = returnTo;
  returnTo = null;
  if (!r || !r.el.isConnected) return;
  // After the overlay went and the screen is no longer inert.
  setTimeout(() => {
    r.el.focus();
    if (r.start !== null && (r.el instanceof HTMLInputElement || r.el instanceof HTMLTextAreaElement)) {
      try {
        r.el.setSelectionRange(r.start, r.end ?? r.start);
      } catch {
        // not a text field
      }
    }
  }, 0);
}
