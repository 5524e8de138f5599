import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Search from '../Search.svelte';
import Snippet from '../../components/Snippet.svelte';
import { router } from '../../lib/router.svelte';
import { byTestId, until, useCore } from '../../test/helpers';

describe('search', () => {
  it('highlights the parts of a snippet that matched', () => {
    const { container } = render(Snippet, {
      props: {
        parts: [
          { text: 'les ', hit: false },
          { text: 'élèves', hit: true },
          { text: ' du quartier', hit: false },
        ],
      },
    });
    const marks = container.querySelectorAll('mark');
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toBe('élèves');
    expect(container.textContent).toBe('les élèves du quartier');
  });

  it('finds records while typing, highlights hits and opens the chosen one with Enter', async () => {
    await useCore();
    render(Search);
    const kind = byTestId('search-kind') as HTMLSelectElement;
    kind.value = 'interview';
    await fireEvent.change(kind);
    const input = byTestId('search-input') as HTMLInputElement;
    input.value = 'parents';
    await fireEvent.input(input);
    await until(() => document.querySelectorAll('[data-testid="search-result"]').length > 0);
    const first = document.querySelector('[data-testid="search-result"]')!;
    expect(first.querySelector('mark')?.textContent?.toLowerCase()).toContain('parent');
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    const chosen = document.querySelectorAll('[data-testid="search-result"]')[1];
    expect(chosen.getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Enter' });
    await until(() => location.hash.length > 2);
    expect(router.route.section).toBe('entretiens');
    expect(router.route.parts[0]).toBe(chosen.getAttribute('data-id'));
  });

  it('says so when nothing matches', async () => {
    await useCore();
    render(Search);
    const input = byTestId('search-input') as HTMLInputElement;
    input.value = 'zzzzzz';
    await fireEvent.input(input);
    await until(() => !!byTestId('search-empty'));
  });
});
