import { describe, expect, it } from 'vitest';
import { formatDate, formatNumber, parseFrDate, parseFrNumber, todayIso } from './format';

describe('French dates', () => {
  it('shows an ISO day as 22/11/2026', () => {
    expect(formatDate('2026-11-22')).toBe('22/11/2026');
    expect(formatDate(null)).toBe('');
  });

  it('shows a time stamp as its local day', () => {
    const d = new Date(2026, 10, 22, 15, 30);
    expect(formatDate(d.toISOString())).toBe('22/11/2026');
  });

  it('reads what a facilitator types, in French or ISO', () => {
    expect(parseFrDate('22/11/2026')).toEqual({ ok: true, iso: '2026-11-22' });
    expect(parseFrDate('1/2/2026')).toEqual({ ok: true, iso: '2026-02-01' });
    expect(parseFrDate('2026-11-22')).toEqual({ ok: true, iso: '2026-11-22' });
    expect(parseFrDate('')).toEqual({ ok: true, iso: null });
  });

  it('refuses a day that does not exist, in French', () => {
    const r = parseFrDate('30/02/2026');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain("30/02/2026 n’existe pas");
  });

  it('refuses text that is not a date, and an empty required date', () => {
    const r = parseFrDate('demain');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('JJ/MM/AAAA');
    expect(parseFrDate(' ', true).ok).toBe(false);
  });

  it('knows today in local time', () => {
    expect(todayIso(new Date(2026, 10, 22, 23, 59))).toBe('2026-11-22');
  });
});

describe('French numbers', () => {
  it('uses a decimal comma', () => {
    expect(formatNumber(12.5)).toBe('12,5');
    expect(formatNumber(1234)).toBe('1\u00a0234');
  });

  it('reads a decimal comma or point', () => {
    expect(parseFrNumber('12,5')).toEqual({ ok: true, value: 12.5 });
    expect(parseFrNumber('12.5')).toEqual({ ok: true, value: 12.5 });
    expect(parseFrNumber('douze').ok).toBe(false);
  });
});
