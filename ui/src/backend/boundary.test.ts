/// <reference types="node" />
// Only src/backend/ talks to Tauri: a screen importing @tauri-apps/api would bypass the gateway
// (and the transport the component tests give it: the real core over `maillage serve`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const src = resolve(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

it('nothing outside src/backend imports @tauri-apps/api', () => {
  const offenders = files(src)
    .filter((f) => !relative(src, f).startsWith('backend'))
    .filter((f) => readFileSync(f, 'utf8').includes('@tauri-apps/api'))
    .map((f) => relative(src, f));
  expect(offenders).toEqual([]);
});
