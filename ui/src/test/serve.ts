/// <reference types="node" />
// The real core for the component tests and the browser previews: a `maillage serve` process
// (crates/cli/src/serve.rs) on a store of its own, answering the same commands as the desktop
// window through the same dispatch. Nothing here knows a rule: it carries JSON lines.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ApiError } from '../backend/types';

/** The command line built by `cargo build -p maillage-cli` (npm test builds it first). */
export function cliPath(): string {
  const target = process.env.CARGO_TARGET_DIR || resolve(import.meta.dirname, '../../../target');
  const path = join(target, 'debug', 'maillage');
  if (!existsSync(path)) throw new Error(`the maillage command line is not built (${path}): run \`cargo build -p maillage-cli\``);
  return path;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: ApiError) => void; onProgress?: (p: unknown) => void };

/**
 * One `maillage serve --create` on `<dir>/maillage.sqlite3`, with `<dir>/home` as its HOME
 * (Documents and Téléchargements exist there: the places the Échanges screen offers).
 */
export class ServeProcess {
  readonly dir: string;
  readonly db: string;
  readonly home: string;
  private child: ChildProcessWithoutNullStreams;
  private next = 1;
  private pending = new Map<number, Pending>();
  private exited: Promise<void>;
  private stderr = '';

  /** `prepare` runs before the process starts: to put a file where the store goes, say. */
  constructor(opts: { dir?: string; prepare?: (db: string) => void } = {}) {
    const cli = cliPath();
    this.dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'maillage-ui-'));
    this.db = join(this.dir, 'maillage.sqlite3');
    this.home = join(this.dir, 'home');
    for (const d of ['Documents', 'Téléchargements']) mkdirSync(join(this.home, d), { recursive: true });
    opts.prepare?.(this.db);
    this.child = spawn(cli, ['--db', this.db, 'serve', '--create'], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk) => (this.stderr += String(chunk)));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.answer(line));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', () => {
        const why: ApiError = { code: 'internal', message: `maillage serve s’est arrêté ${this.stderr}`.trim(), field: null };
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        resolve();
      }),
    );
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, HOME: this.home, MAILLAGE_DB: '', USER: 'maillage-test' };
  }

  private answer(line: string) {
    const message = JSON.parse(line) as { id: number; ok?: unknown; error?: ApiError; progress?: unknown };
    const p = this.pending.get(message.id);
    if (!p) return;
    if ('progress' in message) return p.onProgress?.(message.progress);
    this.pending.delete(message.id);
    if (message.error) p.reject(message.error);
    else p.resolve(message.ok ?? null);
  }

  /** One command, as the window's `invoke`: resolves with its result, rejects with core's ApiError. */
  call(command: string, args: unknown, onProgress?: (p: unknown) => void): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || !this.child.stdin.writable)
        return reject({ code: 'internal', message: 'maillage serve est arrêté', field: null } satisfies ApiError);
      this.pending.set(id, { resolve, reject, onProgress });
      this.child.stdin.write(JSON.stringify({ id, command, args }) + '\n');
    });
  }

  /** The command line on the same store (it may be open meanwhile: Maillage's lock is shared). */
  cli(...args: string[]): string {
    return execFileSync(cliPath(), ['--db', this.db, ...args], { encoding: 'utf8', env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Ends the process (at the end of its input) and removes its folder. */
  async stop(): Promise<void> {
    this.child.stdin.end();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
