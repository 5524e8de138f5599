// The browser previews' backend (`npm run dev:core`, the screenshots and the accessibility check):
// a Vite plugin that starts `maillage serve` on a store of its own and hands it every call the
// page posts to /__maillage (src/backend/bridge.ts). The real core, so the previews show core's
// data, rules and messages; nothing here holds a rule.
//
// MAILLAGE_PREVIEW chooses the store the preview opens on:
//   first : no store yet (the first launch)
//   demo  : initialised, with the demo territory and, in Téléchargements, a co-facilitator's
//           bundle (bringing a conflict) and a damaged file (default)
//   big   : the demo territory with thousands of interviews
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { ServeProcess } from '../src/test/serve.ts';

const TERRITORY = 'Cité éducative de Valmont';

async function prepare(core: ServeProcess, mode: string): Promise<void> {
  if (mode === 'first') return;
  await core.call('init', { facilitator: 'Claire Martin' });
  await core.call('demo', { request: { territory: TERRITORY, interviews: mode === 'big' ? 3000 : 12 } });
  if (mode !== 'demo') return;
  // A co-facilitator changed an action of the same demo territory and sent his work.
  const karim = new ServeProcess();
  try {
    await karim.call('init', { facilitator: 'Karim Benali' });
    await karim.call('demo', { request: { territory: TERRITORY } });
    const [action] = (await karim.call('record_list', { kind: 'action' })) as { id: string; data: { title: string } }[];
    await karim.call('record_put', { kind: 'action', id: action.id, data: { ...action.data, title: `${action.data.title} (version de Karim)`, status: 'en_cours' } });
    const downloads = join(core.home, 'Téléchargements');
    await karim.call('export_bundle', { request: { out: join(downloads, 'maillage-cite-educative-de-valmont-karim.maillage'), since_last: false, to: [], include_demo: true } });
    writeFileSync(join(downloads, 'copie-abimee.maillage'), 'une copie interrompue en cours de route');
  } finally {
    await karim.stop();
  }
}

export function coreBridge(mode = process.env.MAILLAGE_PREVIEW ?? 'demo'): Plugin {
  let core: ServeProcess | null = null;
  let ready: Promise<void> | null = null;
  const start = () => {
    if (!ready) {
      const serving = (core = new ServeProcess());
      // The store goes with the preview server, however it ends.
      process.once('exit', () => rmSync(serving.dir, { recursive: true, force: true }));
      ready = prepare(serving, mode);
      console.log(`core-bridge: maillage serve on ${core.db} (${mode})`);
    }
    return ready;
  };
  const handle: Connect.NextHandleFunction = (req, res, next) => {
    if (req.url !== '/__maillage' || req.method !== 'POST') return next();
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      await start();
      const { command, args } = JSON.parse(body) as { command: string; args: unknown };
      const progress: unknown[] = [];
      const answer = await core!.call(command, args, (p) => progress.push(p)).then(
        (ok) => ({ ok, progress }),
        (error) => ({ error, progress }),
      );
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
  };
  const stop = () => void core?.stop();
  return {
    name: 'maillage-core-bridge',
    configureServer(server) {
      server.middlewares.use(handle);
      server.httpServer?.on('close', stop);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handle);
      server.httpServer?.on('close', stop);
    },
  };
}
