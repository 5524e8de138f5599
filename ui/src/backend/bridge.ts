// The transport of the previews in a browser (`npm run dev:core`, the screenshots and the
// accessibility check): each call is posted to the Vite server, which hands it to a
// `maillage serve` process (scripts/core-bridge.ts) — the real core, on a demo store.
import type { Transport } from './client';
import type { ApiError } from './types';

export const bridgeTransport: Transport = {
  async call(command, args, onProgress) {
    const response = await fetch('/__maillage', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command, args }),
    });
    const answer = (await response.json()) as { progress?: unknown[]; ok?: unknown; error?: ApiError };
    for (const p of answer.progress ?? []) onProgress?.(p as Parameters<NonNullable<typeof onProgress>>[0]);
    if (answer.error) throw answer.error;
    return answer.ok as never;
  },
  guardClose() {
    // A browser tab has no close request to hold: pagehide saves (App.svelte).
  },
};
