// Accessibility check of every main screen with axe-core (WCAG 2 A/AA rules), against the real
// core (`maillage serve` behind the preview server, see scripts/core-bridge.ts) in Debian's
// chromium. Usage: npm run build:core && npm run a11y
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
process.env.VITE_CORE_BRIDGE = '1';
/** A preview server whose core opens on the store `mode` describes (first, demo). */
async function serve(mode, port) {
  process.env.MAILLAGE_PREVIEW = mode;
  return preview({ preview: { port, strictPort: true }, build: { outDir: 'dist-core' } });
}
const servers = [await serve('first', 4174), await serve('demo', 4177)];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const routes = [
  ['premier lancement', 'http://localhost:4174/', 'first-launch'],
  ['territoire', 'http://localhost:4177/#/territoires', 'territories'],
  ['acteurs', 'http://localhost:4177/#/acteurs/structures', 'org-table'],
  ['personnes', 'http://localhost:4177/#/acteurs/personnes', 'person-table'],
  ['liens', 'http://localhost:4177/#/acteurs/liens', 'coop-map'],
  ['entretiens', 'http://localhost:4177/#/entretiens', 'interviews'],
  ['nouvel entretien', 'http://localhost:4177/#/entretiens/nouveau', 'interview-editor'],
  ['analyse', 'http://localhost:4177/#/analyse', 'analysis-grid'],
  ['carte de coopération', 'http://localhost:4177/#/carte', 'coop-measures'],
  ['rapports', 'http://localhost:4177/#/rapports', 'reports'],
  ['ateliers', 'http://localhost:4177/#/ateliers', 'workshops'],
  ['nouvel atelier', 'http://localhost:4177/#/ateliers/nouveau', 'workshop-editor'],
  ['plan', 'http://localhost:4177/#/plan', 'plan-board'],
  ['nouvelle action', 'http://localhost:4177/#/plan/nouvelle', 'action-editor'],
  ['pratiques', 'http://localhost:4177/#/pratiques', 'practices'],
  ['recherche', 'http://localhost:4177/#/recherche', 'search'],
  ['paramètres', 'http://localhost:4177/#/parametres', 'settings'],
  ['échanges', 'http://localhost:4177/#/echanges', 'echanges'],
];
let total = 0;
try {
  for (const [name, url, ready] of routes) {
    await page.goto(url);
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
  for (const server of servers) await server.close();
}
process.exitCode = total ? 1 : 0;
