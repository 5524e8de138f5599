/// <reference types="node" />
// WebKitGTK without compositing (as Maillage ships) repaints the whole window whenever a focused
// field changes. Blurred shadows and filters are painted in software at each of those repaints:
// with blurred card shadows a keystroke cost 150–500 ms, the field fell seconds behind and a
// click elsewhere overtook the keys still queued (issue 7, point 10). Shadows stay crisp.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const src = resolve(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(css|svelte)$/.test(name) ? [path] : [];
  });
}

/** The blur radius of each layer of a `box-shadow` value (0 when it has none). */
function blurRadii(value: string): number[] {
  return value
    .replace(/rgba?\([^)]*\)/g, 'C') // commas inside colours do not separate layers
    .split(',')
    .map((layer) => layer.trim().split(/\s+/).filter((t) => /^-?[\d.]+(px|rem|em)?$/.test(t)))
    .map((lengths) => parseFloat(lengths[2] ?? '0'));
}

it('reads the blur radius of each shadow layer', () => {
  expect(blurRadii('0 1px 2px rgba(16, 24, 40, 0.06), 0 1px 3px rgba(16, 24, 40, 0.08)')).toEqual([2, 3]);
  expect(blurRadii('0 1px 0 rgba(16, 24, 40, 0.07), 0 2px 0 rgba(16, 24, 40, 0.03)')).toEqual([0, 0]);
  expect(blurRadii('inset 3px 0 0 #7fb7a9')).toEqual([0]);
  expect(blurRadii('0 0 0 2px var(--primary-soft)')).toEqual([0]);
});

it('no style blurs: no blurred shadow, no filter', () => {
  const offenders: string[] = [];
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:box-shadow|--shadow)\s*:\s*([^;]+);/g)) {
      if (blurRadii(m[1]).some((r) => r > 0)) offenders.push(`${relative(src, file)}: ${m[0]}`);
    }
    for (const m of text.matchAll(/(?:^|[\s;{])((?:backdrop-)?filter\s*:[^;]+;|text-shadow\s*:[^;]+;)/g)) {
      offenders.push(`${relative(src, file)}: ${m[1]}`);
    }
  }
  expect(offenders).toEqual([]);
});
