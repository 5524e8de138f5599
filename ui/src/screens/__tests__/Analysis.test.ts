// « Analyse » and « Carte de coopération » on the real core: every figure shown is core's
// (`analysis_themes`, `analysis_network`, `analysis_compare`), compared here with what core answers.
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ThemeAnalysis from '../ThemeAnalysis.svelte';
import CooperationMap from '../CooperationMap.svelte';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { measureChange, measureValue } from '../map/measures';
import { byTestId, choose, until, useCore } from '../../test/helpers';

const observationDates = async (core: Awaited<ReturnType<typeof useCore>>) =>
  [...new Set((await core.api.recordList('cooperation_link', app.territoryId)).map((l) => l.data.observed_on))].sort();

describe('Analyse', () => {
  it('shades the theme × actor-category grid with core’s counts and shows the co-occurrences', async () => {
    const core = await useCore();
    render(ThemeAnalysis);
    await until(() => !!byTestId('analysis-grid'));
    const analysis = await core.api.analysisThemes(app.territoryId);
    expect(analysis.categories.length).toBeGreaterThan(0);
    let nonZero = 0;
    for (const row of analysis.rows) {
      for (const cat of analysis.categories) {
        const cell = byTestId(`analysis-grid-cell-${row.code}-${cat}`)!;
        const n = row.by_category[cat] ?? 0;
        expect(cell.getAttribute('data-value')).toBe(String(n));
        expect(cell.textContent).toBe(formatNumber(n));
        if (n) nonZero += 1;
      }
    }
    expect(nonZero).toBeGreaterThan(0);
    // A table with a caption and headers: readable without the colours.
    const table = byTestId('analysis-grid')!;
    expect(table.querySelector('caption')!.textContent).toContain('Passages par thème');
    expect(table.querySelectorAll('th[scope="col"]').length).toBe(analysis.categories.length + 1);

    // Co-occurrences: the off-diagonal cells are core's matrix.
    const tagged = analysis.rows.map((r, i) => ({ r, i })).filter(({ i }) => analysis.co_occurrence[i][i] > 0);
    for (const { r, i } of tagged) {
      for (const { r: other, i: j } of tagged) {
        const cell = byTestId(`analysis-cooccurrence-cell-${r.code}-${other.code}`)!;
        expect(cell.getAttribute('data-value')).toBe(i === j ? '' : String(analysis.co_occurrence[i][j]));
      }
    }
  });

  it('lists the verbatims consent lets leave, by actor category, with what consent holds back — never a person’s name', async () => {
    const core = await useCore();
    render(ThemeAnalysis);
    await until(() => !!byTestId('analysis-grid'));
    const analysis = await core.api.analysisThemes(app.territoryId);
    const total = analysis.verbatims.reduce((n, v) => n + v.verbatims.length, 0);
    expect(byTestId('analysis-quotes-count')!.textContent).toBe(formatNumber(total));
    expect(document.querySelectorAll('[data-testid="analysis-quote"]').length).toBe(total);
    if (analysis.withheld_message) expect(byTestId('analysis-withheld')!.textContent).toContain(sentence(analysis.withheld_message));
    for (const theme of analysis.verbatims.filter((v) => v.withheld)) {
      expect(byTestId(`analysis-withheld-${theme.code}`)!.textContent).toContain(formatNumber(theme.withheld));
    }
    const page = byTestId('theme-analysis')!.textContent!;
    for (const p of await core.api.recordList('person', app.territoryId)) {
      expect(page).not.toContain(p.data.name);
    }

    // One theme only.
    const theme = analysis.verbatims.find((v) => v.verbatims.length)!;
    await choose('analysis-quote-theme', theme.theme_id);
    await until(() => byTestId('analysis-quotes-count')!.textContent === formatNumber(theme.verbatims.length));
    expect(document.querySelectorAll('[data-testid^="analysis-theme-"]').length).toBe(1);
  });
});

describe('Carte de coopération', () => {
  it('draws core’s map and its measures, and the slider moves them to another date', async () => {
    const core = await useCore();
    render(CooperationMap);
    await until(() => !!byTestId('coop-measures'));
    const dates = await observationDates(core);
    expect(dates.length).toBeGreaterThan(2);
    const t = app.territoryId!;
    const last = await core.api.analysisNetwork(t, dates[dates.length - 1]);
    expect(byTestId('coop-measure-links')!.textContent).toBe(formatNumber(last.links));
    expect(byTestId('coop-measure-density')!.textContent).toBe(measureValue('density', last.density));
    expect(byTestId('coop-map-svg')!.querySelector('svg')).not.toBeNull();
    expect(byTestId('coop-map-svg')!.innerHTML).toContain((await core.api.cooperationMapSvg(t, dates[dates.length - 1])).slice(0, 60));

    const first = await core.api.analysisNetwork(t, dates[0]);
    expect(first.links).not.toBe(last.links); // the demo's network grows
    const slider = byTestId('coop-date-slider') as HTMLInputElement;
    slider.value = '0';
    await fireEvent.input(slider);
    await until(() => byTestId('coop-measure-links')!.textContent === formatNumber(first.links));
    expect(byTestId('coop-measure-actors')!.textContent).toBe(formatNumber(first.actors));
    expect(byTestId('coop-measure-components')!.textContent).toBe(formatNumber(first.components));
    expect(byTestId('coop-measure-isolated')!.textContent).toBe(formatNumber(first.isolated.length));
    expect(core.calls.some((c) => c.command === 'analysis_network' && c.args.at === dates[0])).toBe(true);
  });

  it('compares two dates: both maps, each measure and its change, the links new, lost, strengthened or weakened', async () => {
    const core = await useCore();
    // Later observations of two pairs already linked: one changes intensity, one ends (0).
    const t = app.territoryId!;
    const before = await observationDates(core);
    const network = await core.api.analysisNetwork(t, before[before.length - 1]);
    const edges = network.edges;
    expect(edges.length).toBeGreaterThan(1);
    const linked = new Set(edges.map((e) => `${e.from_organisation_id} ${e.to_organisation_id}`));
    const ids = network.nodes.map((n) => n.organisation_id).sort();
    const [a, b] = ids.flatMap((x, i) => ids.slice(i + 1).map((y) => [x, y])).find(([x, y]) => !linked.has(`${x} ${y}`))!;
    const later = `${Number(before[before.length - 1].slice(0, 4)) + 1}-01-15`;
    const observe = (e: (typeof edges)[number], intensity: number) =>
      core.api.recordPut('cooperation_link', null, {
        territory_id: t,
        from_organisation_id: e.from_organisation_id,
        to_organisation_id: e.to_organisation_id,
        kind: e.kind,
        intensity,
        observed_on: later,
        source_id: null,
        notes: '',
      });
    await observe(edges[0], edges[0].intensity === 3 ? 1 : 3);
    await observe(edges[1], 0);
    await observe({ ...edges[0], from_organisation_id: a, to_organisation_id: b }, 2);
    render(CooperationMap);
    await until(() => !!byTestId('coop-measures'));
    const dates = await observationDates(core);
    await fireEvent.click(byTestId('coop-compare-toggle')!);
    await until(() => !!byTestId('coop-compare-run'));
    const from = before[before.length - 1];
    const to = later;
    expect(dates).toContain(later);
    await choose('coop-compare-from', from);
    await choose('coop-compare-to', to);
    await fireEvent.click(byTestId('coop-compare-run')!);
    await until(() => !!byTestId('coop-compare-measures'));
    const c = await core.api.analysisCompare(app.territoryId!, from, to);
    expect(core.calls.find((x) => x.command === 'analysis_compare')!.args).toEqual({ territoryId: app.territoryId, from, to });
    for (const m of c.measures) {
      const cells = byTestId(`coop-change-${m.measure}`)!.querySelectorAll('td');
      expect([...cells].map((x) => x.textContent)).toEqual([measureValue(m.measure, m.from), measureValue(m.measure, m.to), measureChange(m.measure, m.change)]);
    }
    expect(c.new_links.length).toBeGreaterThan(0);
    expect(c.lost_links.length).toBeGreaterThan(0);
    expect(c.strengthened.length + c.weakened.length).toBeGreaterThan(0);
    for (const key of ['new_links', 'lost_links', 'strengthened', 'weakened'] as const) {
      const group = byTestId(`coop-${key}`)!;
      expect(group.querySelector('.badge')!.textContent).toBe(formatNumber(c[key].length));
      expect(group.querySelectorAll('li').length).toBe(c[key].length);
      for (const l of c[key]) expect(group.textContent).toContain(`${l.from_name} — ${l.to_name}`);
    }
    expect(byTestId('coop-joined')!.querySelectorAll('li').length).toBe(c.joined.length);
    expect(byTestId('coop-compare-map-from')!.querySelector('svg')).not.toBeNull();
    expect(byTestId('coop-compare-map-to')!.querySelector('svg')).not.toBeNull();
    // The later map is core's, with the changes marked (a new link is drawn green).
    const maps = await core.api.comparisonMapSvgs(app.territoryId!, from, to);
    expect(byTestId('coop-compare-map-to')!.innerHTML).toContain(maps.after.slice(0, 80));
    const newLink = /<path[^>]*stroke="#1e8449"/;
    expect(maps.after).toMatch(newLink);
    expect(maps.before).not.toMatch(newLink);
  });

  it('shows core’s refusal when the second date comes before the first', async () => {
    const core = await useCore();
    render(CooperationMap);
    await until(() => !!byTestId('coop-measures'));
    const dates = await observationDates(core);
    await fireEvent.click(byTestId('coop-compare-toggle')!);
    await until(() => !!byTestId('coop-compare-run'));
    await choose('coop-compare-from', dates[dates.length - 1]);
    await choose('coop-compare-to', dates[0]);
    await fireEvent.click(byTestId('coop-compare-run')!);
    await until(() => !!byTestId('coop-compare-error'));
    const refusal = core.refused.find((r) => r.command === 'analysis_compare')!;
    expect(refusal.error.field).toBe('to');
    expect(byTestId('coop-compare-error')!.textContent).toContain(sentence(refusal.error.message));
    expect(byTestId('coop-compare-measures')).toBeNull();
  });
});
