// Screenshots of every main screen against the real core (`maillage serve` behind the preview
// server, see scripts/core-bridge.ts), in Debian's chromium.
// Usage: npm run build:core && npm run screenshots  (PNG files in ui/screenshots/)
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { mkdirSync } from 'node:fs';

process.env.VITE_CORE_BRIDGE = '1';

const out = new URL('../screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

// The same strict policy as the desktop window: anything inline or remote would be refused and reported.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'";
/** A preview server whose core opens on the store `mode` describes (first, demo, big). */
async function serve(mode, port) {
  process.env.MAILLAGE_PREVIEW = mode;
  const server = await preview({
    preview: { port, strictPort: true, headers: { 'Content-Security-Policy': csp } },
    build: { outDir: 'dist-core' },
  });
  return { server, base: `http://localhost:${port}/` };
}
const servers = [await serve('first', 4173), await serve('demo', 4175), await serve('big', 4176)];
const [base, demoBase, bigBase] = servers.map((s) => s.base);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
// The desktop window opens at 1280 × 820 (src-tauri/tauri.conf.json); VIEWPORT=1440x900 for another size.
const [vw, vh] = (process.env.VIEWPORT ?? '1280x820').split('x').map(Number);
const page = await browser.newPage({ viewport: { width: vw, height: vh } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
page.on('requestfailed', (r) => errors.push('request failed: ' + r.url()));
page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`));
const shot = async (name) => {
  await page.waitForTimeout(250);
  await page.screenshot({ path: out + name + '.png' });
  console.log('screenshot', name);
};
const tid = (id) => `[data-testid="${id}"]`;
const only = process.argv[2];

try {
  await page.goto(base);
  await page.waitForSelector(tid('first-launch'));
  await shot('01-first-launch');
  await page.fill(tid('facilitator-input'), 'Claire Martin');
  await page.click(tid('init-submit'));
  await page.waitForSelector(tid('welcome'));
  await shot('02-welcome');
  await page.click(tid('demo-open'));
  await page.waitForSelector(tid('territory-detail'));
  await page.waitForSelector(tid('roadmap-form'));
  await shot('03-territory');
  await page.click(tid('nav-territoires'));
  await page.click(tid('territory-new'));
  await shot('04-territories-new');
  await page.click(tid('nav-acteurs'));
  await page.waitForSelector(tid('org-table'));
  await shot('05-actors-organisations');
  await page.click('[data-testid^="org-open-"]');
  await page.waitForSelector(tid('org-form'));
  await shot('06-actors-organisation-form');
  await page.click(tid('actors-tab-persons'));
  await page.waitForSelector(tid('person-table'));
  await page.click('[data-testid^="person-open-"]');
  await shot('07-actors-persons');
  await page.click(tid('actors-tab-links'));
  await page.waitForSelector(tid('link-table'));
  await shot('08-actors-links');
  await page.click(tid('nav-entretiens'));
  await page.waitForSelector(tid('interviews'));
  await shot('09-interviews');
  await page.click('[data-testid^="interview-open-"]');
  await page.waitForSelector(tid('interview-editor'));
  await page.waitForSelector(tid('save-state'));
  await shot('10-interview-editor');
  // a new interview, typed, then an impossible date
  await page.click(tid('nav-entretiens'));
  await page.click(tid('interview-new'));
  await page.waitForSelector(tid('interview-title'));
  await page.fill(tid('interview-title'), 'Entretien avec la directrice de l’école Jules-Ferry');
  await page.fill(tid('answer-presentation.structure'), 'Je dirige l’école depuis six ans. Nous accueillons 240 élèves.');
  await page.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.textContent?.includes('Enregistré'));
  await shot('11-interview-new-saved');
  const ta = page.locator(tid('answer-presentation.structure'));
  await ta.evaluate((el) => { el.focus(); el.setSelectionRange(0, 33); el.dispatchEvent(new Event('select', { bubbles: true })); });
  await page.selectOption(tid('passage-theme'), { index: 1 });
  await page.click(tid('passage-tag'));
  await page.fill(tid('interview-date'), '30/02/2026');
  await page.locator(tid('interview-date')).blur();
  await page.waitForSelector(tid('error-message'));
  await shot('12-interview-invalid-date');
  await page.fill(tid('interview-date'), '22/11/2026');
  await page.locator(tid('interview-date')).blur();
  await page.click(tid('nav-entretiens'));
  await page.click(tid('interviews-analysis'));
  await page.waitForSelector(tid('analysis-grid'));
  await shot('12b-theme-analysis');
  await page.click(tid('nav-ateliers'));
  await page.waitForSelector(tid('workshops'));
  await shot('13-workshops');
  await page.click('[data-testid^="workshop-open-"]');
  await page.waitForSelector(tid('workshop-editor'));
  await shot('14-workshop-editor');
  await page.click(tid('decision-to-action-0')).catch(() => {});
  await page.waitForSelector(tid('decision-action-link-0')).catch(() => {});
  await page.evaluate(() => document.querySelector('[data-testid="workshop-decision-new"]')?.scrollIntoView({ block: 'center' }));
  await shot('15-workshop-decisions');
  await page.click(tid('nav-plan'));
  await page.waitForSelector(tid('plan-board'));
  await shot('16-plan-board');
  await page.click(tid('plan-view-table'));
  await shot('17-plan-table');
  await page.click('[data-testid^="action-open-"]');
  await page.waitForSelector(tid('action-editor'));
  await page.waitForSelector(tid('indicators'));
  await shot('18-action-editor');
  await page.evaluate(() => document.querySelector('[data-testid="indicators"]')?.scrollIntoView());
  await shot('19-action-indicators');
  await page.click(tid('nav-pratiques'));
  await page.waitForSelector(tid('practices'));
  await shot('20-practices');
  await page.click('[data-testid^="practice-open-"]');
  await page.waitForSelector(tid('practice-editor'));
  await shot('21-practice-editor');
  await page.keyboard.press('Control+k');
  await page.waitForSelector(tid('search-input'));
  await page.keyboard.type('parents école');
  await page.waitForSelector(tid('search-result'));
  await shot('22-search');
  await page.click(tid('nav-parametres'));
  await page.waitForSelector(tid('settings'));
  await page.click(tid('backup-now'));
  await page.waitForSelector(tid('backup-row-0'));
  await page.click(tid('restore-0'));
  await shot('23-settings');
  // Échanges: a co-facilitator's bundle checked (dry run) next to a damaged file, then applied
  await page.goto(demoBase + '#/echanges');
  await page.waitForSelector(tid('echanges'));
  await page.waitForSelector('[data-testid="import-place"] option', { state: 'attached' });
  await page.selectOption(tid('import-place'), { label: 'Téléchargements' });
  await page.click(tid('import-list'));
  await page.click(tid('import-file-0'));
  await page.click(tid('import-file-1'));
  await page.click(tid('import-check'));
  await page.waitForSelector('[data-testid^="import-kinds-"]');
  await page.evaluate(() => document.querySelector('[data-testid="import"]')?.scrollIntoView());
  await shot('26-echanges-import');
  await page.click(tid('import-apply'));
  await page.waitForSelector('[data-testid^="conflict-keep-loser-"]');
  await page.evaluate(() => document.querySelector('[data-testid="conflicts"]')?.scrollIntoView());
  await shot('27-echanges-conflit');
  // thousands of records
  await page.goto(bigBase + '#/acteurs/personnes');
  await page.waitForSelector(tid('person-table'));
  await shot('24-big-persons');
  await page.goto(bigBase + '#/entretiens');
  await page.waitForSelector(tid('interview-group-brouillon'));
  await shot('25-big-interviews');
} finally {
  if (errors.length) console.log('PAGE ERRORS:\n' + errors.join('\n'));
  await browser.close();
  for (const { server } of servers) await server.close();
}
