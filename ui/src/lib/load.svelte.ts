// What a screen shows while it loads: « Chargement… », then its data, or — when a call fails —
// core's French message with « Réessayer » (components/LoadFailed.svelte), never an endless
// « Chargement… ».
import { untrack } from 'svelte';
import type { ApiError } from '../backend';
import { asApiError } from './errors';
import { whenUnlocked } from './session.svelte';

export class Load {
  loading = $state(true);
  error = $state<ApiError | null>(null);
  /** Read it in the `$effect` that loads: « Réessayer » changes it, so the effect runs again. */
  attempt = $state(0);
  #latest = 0;

  retry = (): void => {
    this.attempt += 1;
  };

  /**
   * Loads when the component is mounted and again at each « Réessayer » (call it while the
   * component initialises); what `fetch` reads is not tracked.
   */
  onEachAttempt<T>(fetch: () => Promise<T>, apply: (value: T) => void): void {
    $effect(() => {
      void this.attempt;
      untrack(() => void this.run(fetch, apply));
    });
  }

  /** Runs `fetch`, then `apply` with what it gave, unless a newer run started meanwhile. */
  run<T>(fetch: () => Promise<T>, apply: (value: T) => void): Promise<void> {
    const mine = ++this.#latest;
    this.loading = true;
    this.error = null;
    return fetch().then(
      (value) => {
        if (mine !== this.#latest) return;
        apply(value);
        this.loading = false;
      },
      (e) => {
        if (mine !== this.#latest) return;
        this.error = asApiError(e);
        this.loading = false;
        // Refused because the window was locked meanwhile: loads again once unlocked.
        if (this.error.code === 'locked') whenUnlocked(this.retry);
      },
    );
  }
}
