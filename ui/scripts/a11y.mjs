// Accessibility check of every main screen with axe-core (WCAG 2 A/AA rules), against the fake
// backend in Debian's chromium. Usage: npm run build:fake && node scripts/a11y.mjs
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const server = await preview({ preview: { port: 4174, strictPort: true }, build: { outDir: 'dist-fake' } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const routes = [
  ['premier lancement', '/', 'first-launch'],
  ['territoire', '/?fake=demo#/territoires', 'territories'],
  ['acteurs', '/?fake=demo#/acteurs/structures', 'org-table'],
  ['personnes', '/?fake=demo#/acteurs/personnes', 'person-table'],
  ['liens', '/?fake=demo#/acteurs/liens', 'coop-map'],
  ['entretiens', '/?fake=demo#/entretiens', 'interviews'],
  ['nouvel entretien', '/?fake=demo#/entretiens/nouveau', 'interview-editor'],
  ['analyse', '/?fake=demo#/entretiens/analyse', 'analysis-grid'],
  ['ateliers', '/?fake=demo#/ateliers', 'workshops'],
  ['nouvel atelier', '/?fake=demo#/ateliers/nouveau', 'workshop-editor'],
  ['plan', '/?fake=demo#/plan', 'plan-board'],
  ['nouvelle action', '/?fake=demo#/plan/nouvelle', 'action-editor'],
  ['pratiques', '/?fake=demo#/pratiques', 'practices'],
  ['recherche', '/?fake=demo#/recherche', 'search'],
  ['paramètres', '/?fake=demo#/parametres', 'settings'],
  ['échanges', '/?fake=demo#/echanges', 'echanges'],
];
let total = 0;
try {
  for (const [name, url, ready] of routes) {
    await page.goto('http://localhost:4174' + url);
    await page.waitForSelector(`[data-testid="${ready}"]`);
    await page.waitForTimeout(300);
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () =>
      // @ts-ignore
      (await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })).violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        count: v.nodes.length,
      })),
    );
    total += result.length;
    console.log(`${name}: ${result.length ? result.length + ' problème(s)' : 'ok'}`);
    for (const v of result) console.log(`  - [${v.impact}] ${v.id} (${v.count}) ${v.help}\n      ${v.nodes.join('\n      ')}`);
  }
} finally {
  await browser.close();
  await server.close();
}
process.exitCode = total ? 1 : 0;
