// How the cooperation network's measures read in French. Every value is core's
// (`analysis_network`, `analysis_compare`); this only chooses units: ratios as percentages.
import { formatNumber } from '../../lib/format';

/** The measures that are shares (0 to 1), shown as percentages. */
const RATIOS = new Set(['density', 'degree_centralisation', 'cross_category_share']);

export const isRatio = (measure: string) => RATIOS.has(measure);

/** 0.6667 → `66,7 %`. */
export function percent(x: number): string {
  return `${formatNumber(Math.round(x * 1000) / 10)}\u00a0%`;
}

/** A measure's value: a percentage for a share, the number (two decimals at most) otherwise. */
export function measureValue(measure: string, x: number): string {
  return isRatio(measure) ? percent(x) : formatNumber(Math.round(x * 100) / 100);
}

/** A change: signed, in percentage points for a share; `=` when nothing changed. */
export function measureChange(measure: string, x: number): string {
  if (Math.abs(x) < 1e-9) return '=';
  const sign = x > 0 ? '+' : '−';
  const abs = Math.abs(x);
  return isRatio(measure) ? `${sign}${formatNumber(Math.round(abs * 1000) / 10)}\u00a0pt` : `${sign}${formatNumber(Math.round(abs * 100) / 100)}`;
}

// The words of core's synthesis and comparison (« Liens faibles, réguliers, forts »).
const INTENSITY = ['aucun', 'faible', 'régulier', 'fort'];

/** 0 → `aucun`, 3 → `fort`. */
export const intensityLabel = (i: number) => INTENSITY[i] ?? String(i);
