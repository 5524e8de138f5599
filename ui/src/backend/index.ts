// The gateway every screen uses: `backend()` is core's commands over Tauri in the application,
// over `maillage serve` in the component tests (src/test/serve.ts) and in browser previews
// (VITE_CORE_BRIDGE=1, see scripts/core-bridge.ts). Nothing else imports Tauri.
import type { Backend } from './api';
import { connect } from './client';

export type { Backend, FileChoice } from './api';
export type { Transport } from './client';
export { connect, onLockedAnswer } from './client';
export * from './types';

let current: Backend | null = null;

export function backend(): Backend {
  if (!current) throw new Error('backend not installed: call installBackend() first');
  return current;
}

/** Chooses the implementation once, at start-up (or in a test). */
export function setBackend(b: Backend): void {
  current = b;
}

export async function installBackend(): Promise<Backend> {
  const transport = import.meta.env.VITE_CORE_BRIDGE
    ? (await import('./bridge')).bridgeTransport
    : (await import('./tauri')).tauriTransport;
  current = connect(transport);
  return current;
}
