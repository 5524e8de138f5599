// Component tests run in happy-dom against the real core (`maillage serve`, see helpers.ts).
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';
import { parseHash, router } from '../lib/router.svelte';
import { session } from '../lib/session.svelte';
import { stopCores } from './helpers';

/** Back to no route, as a fresh window (tests that render several screens call it in between). */
export function resetRoute(): void {
  history.replaceState(null, '', location.pathname);
  router.route = parseHash('');
}

afterEach(async () => {
  cleanup();
  resetRoute();
  // A fresh window knows nothing of the previous test's session.
  Object.assign(session, { locked: false, encrypted: false, idleMinutes: 15 });
  await stopCores();
});

// happy-dom does not match `:checked` on <option>, which Svelte's `bind:value` on a <select> reads.
const originalQuery = HTMLSelectElement.prototype.querySelector;
HTMLSelectElement.prototype.querySelector = function (this: HTMLSelectElement, selector: string) {
  if (selector === ':checked') return this.selectedIndex >= 0 ? this.options[this.selectedIndex] : null;
  return originalQuery.call(this, selector);
} as typeof HTMLSelectElement.prototype.querySelector;
