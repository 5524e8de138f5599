// Issue 9's cooperation map and French typography, on the real core: structures without a link
// listed apart, a stronger intensity drawn stronger, the sizes' legend, names never cut; real
// plurals, times in local time, « guillemets » with non-breaking spaces.
/// <reference types="node" />
import { fireEvent, render } from '@testing-library/svelte';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import CoopMap from '../../components/CoopMap.svelte';
import Exchanges from '../Exchanges.svelte';
import type { Backend, Organisation, Record } from '../../backend';
import { app } from '../../lib/app.svelte';
import { formatDateTime, plural } from '../../lib/format';
import { quote } from '../../lib/text';
import { byTestId, type as typeIn, until, useCore } from '../../test/helpers';

const LONG = 'Maison départementale des solidarités du secteur Nord-Ouest';

/** A territory with five structures: four linked in a chain of intensities 1, 2, 3, one alone. */
async function network(api: Backend) {
  const t = await api.recordPut('territory', null, { name: 'Les Tilleuls', kind: 'qpv', departement_code: '93', communes: [], programme: null, notes: '' });
  const names = ['École Jean-Moulin', 'Collège Victor-Hugo', 'Centre social des Tilleuls', LONG, 'Club de prévention isolé'];
  const orgs: Record<Organisation>[] = [];
  for (const name of names)
    orgs.push(
      await api.recordPut('organisation', null, {
        territory_id: t.id,
        name,
        category: 'centre_social',
        engagement: 'professionnel',
        fields: ['scolaire'],
        sub_territory: null,
        notes: '',
      }),
    );
  const link = (a: number, b: number, intensity: number) =>
    api.recordPut('cooperation_link', null, {
      territory_id: t.id,
      from_organisation_id: orgs[a].id,
      to_organisation_id: orgs[b].id,
      kind: 'instance_commune',
      intensity,
      observed_on: '2026-03-01',
      source_id: null,
      notes: '',
    });
  const links = [await link(0, 1, 1), await link(1, 2, 2), await link(2, 3, 3)];
  return { t, orgs, links };
}

describe('the cooperation map', () => {
  it('lists structures without a link apart, draws stronger intensities stronger, shows sizes and whole names', async () => {
    const core = await useCore({ demo: false });
    const { t, orgs, links } = await network(core.api);
    render(CoopMap, { orgs: await core.api.recordList('organisation', t.id), links: await core.api.recordList('cooperation_link', t.id) });
    await until(() => !!byTestId('coop-map'));

    // Apart: the structure with no link, and only it.
    const alone = byTestId('coop-map-alone')!;
    expect(alone.textContent).toContain('Club de prévention isolé');
    expect(byTestId(`coop-map-alone-${orgs[4].id}`)).not.toBeNull();
    expect(byTestId(`coop-map-node-${orgs[4].id}`)).toBeNull();
    for (const o of orgs.slice(0, 4)) expect(byTestId(`coop-map-alone-${o.id}`)).toBeNull();

    // Intensity 1 < 2 < 3: the line is thicker each time.
    const width = (i: number) => Number(byTestId(`coop-map-link-${links[i].id}`)!.getAttribute('stroke-width'));
    expect(links.map((l) => l.data.intensity)).toEqual([1, 2, 3]);
    expect(width(0)).toBeLessThan(width(1));
    expect(width(1)).toBeLessThan(width(2));

    // « Taille » : three sample sizes, growing with the number of links.
    const legend = byTestId('coop-map-legend-size')!;
    expect(legend.textContent).toContain('Taille : nombre de liens');
    const r = (n: number) => Number(byTestId(`coop-map-size-${n}`)!.querySelector('circle')!.getAttribute('r'));
    expect(r(1)).toBeLessThan(r(3));
    expect(r(3)).toBeLessThan(r(9));
    expect(byTestId('coop-map-size-1')!.textContent!.trim()).toBe('1 lien');
    expect(byTestId('coop-map-size-3')!.textContent!.trim()).toBe('3 liens');
    expect(byTestId('coop-map-size-9')!.textContent!.trim()).toBe('9 liens ou plus');

    // Names never cut: a label's lines make the whole name; every node carries it in its title.
    for (const o of orgs.slice(0, 4)) {
      const node = byTestId(`coop-map-node-${o.id}`)!;
      expect(node.querySelector('circle > title')!.textContent).toContain(o.data.name);
      expect(node.getAttribute('aria-label')).toContain(o.data.name);
      const label = byTestId(`coop-map-label-${o.id}`);
      if (label) {
        expect(label.getAttribute('data-name')).toBe(o.data.name);
        const lines = Array.from(label.querySelectorAll('tspan')).map((s) => s.textContent);
        expect(lines.join(' ')).toBe(o.data.name);
      }
    }
    const long = byTestId(`coop-map-label-${orgs[3].id}`)!;
    expect(long.querySelectorAll('tspan').length).toBeGreaterThan(1);
    expect(long.textContent).not.toContain('…');

    // A real plural in the map's count.
    expect(byTestId('coop-map-count')!.textContent).toContain('3 liens entre 4 structures');
  });

  it('says « 1 lien » for one link', async () => {
    const core = await useCore({ demo: false });
    const { t, links } = await network(core.api);
    render(CoopMap, { orgs: await core.api.recordList('organisation', t.id), links: [links[0]] });
    await until(() => !!byTestId('coop-map-count'));
    expect(byTestId('coop-map-count')!.textContent).toContain('1 lien entre 2 structures');
    expect(byTestId('coop-map-count')!.textContent).not.toContain('1 liens');
  });
});

describe('French typography', () => {
  it('plural: singular for 0 and 1, plural from 2, French digits', () => {
    expect(plural(0, 'lien', 'liens')).toBe('0 lien');
    expect(plural(1, 'lien', 'liens')).toBe('1 lien');
    expect(plural(6, 'lien', 'liens')).toBe('6 liens');
    expect(plural(1234, 'lien', 'liens')).toBe('1\u00a0234 liens');
  });

  it('quote: « guillemets » with non-breaking spaces inside', () => {
    expect(quote('evaluation.docx')).toBe('«\u00a0evaluation.docx\u00a0»');
  });

  describe('times in local time', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it('formatDateTime shows a UTC time stamp in the computer’s time zone', () => {
      process.env.TZ = 'Asia/Tokyo'; // UTC+9, no summer time
      expect(formatDateTime('2026-11-22T13:05:00Z')).toBe('22/11/2026 à 22:05');
      expect(formatDateTime('2026-11-22T20:30:00Z')).toBe('23/11/2026 à 05:30');
      process.env.TZ = 'Europe/Paris';
      expect(formatDateTime('2026-11-22T13:05:00Z')).toBe('22/11/2026 à 14:05');
      expect(formatDateTime('2026-07-01T13:05:00+00:00')).toBe('01/07/2026 à 15:05');
    });

    it('the import report shows when the bundle was made, in local time', async () => {
      process.env.TZ = 'Asia/Tokyo';
      const core = await useCore();
      const out = join(core.process.home, 'Documents', 'heure.maillage');
      await core.api.exportBundle({ out, since_last: false, to: [], territories: [app.territoryId!], force: false }, () => {});
      const made = (await core.api.verifyBundle(out)).created_at;
      // Core's time stamp; the screen's hour is Tokyo's, written independently here.
      const parts = new Intl.DateTimeFormat('fr-FR', {
        timeZone: 'Asia/Tokyo',
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(new Date(made));
      const p = (type: string) => parts.find((x) => x.type === type)!.value;
      const local = `${p('day')}/${p('month')}/${p('year')} à ${p('hour')}:${p('minute')}`;
      render(Exchanges);
      await until(() => !!byTestId('import-path'));
      await typeIn('import-path', out);
      await fireEvent.click(byTestId('import-path-add')!);
      await fireEvent.click(byTestId('import-check')!);
      await until(() => !!byTestId('import-report-0'), 5000);
      expect(byTestId('import-report-0')!.textContent).toContain(`créé le ${local}`);
    });
  });
});
