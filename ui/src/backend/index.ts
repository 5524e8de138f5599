// The gateway every screen uses: `backend()` is the Tauri backend in the application and the
// in-memory fake in tests and previews (VITE_FAKE_BACKEND=1). Nothing else imports Tauri.
import type { Backend } from './api';

export type { Backend } from './api';
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
  if (import.meta.env.VITE_FAKE_BACKEND) {
    // Previews: `?fake=demo` opens with the demo territory, `?fake=init` initialised and empty,
    // `?fake=big` with thousands of records; nothing: the first launch.
    const { FakeBackend } = await import('./fake');
    const mode = new URLSearchParams(location.search).get('fake');
    const fake = new FakeBackend({ latencyMs: 40, initialised: mode !== null, withDemo: mode === 'demo' || mode === 'big' });
    if (mode === 'big') fake.addBulk(3000);
    if (mode === 'demo') fake.addExchangeSamples();
    current = fake;
    return fake;
  }
  const { tauriBackend } = await import('./tauri');
  current = tauriBackend;
  return tauriBackend;
}
