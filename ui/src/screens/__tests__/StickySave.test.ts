// Issue 9: « the save state stays visible on every editor (sticky, as on the interview screen) ».
// Each autosaved editor renders its save state inside a sticky top bar (`.editor-top`, or
// `.sticky-top` for a form inside a card); the side forms of the actors keep « Enregistrer » in
// a sticky row. The stylesheet is read to check those classes are sticky.
/// <reference types="node" />
import { render } from '@testing-library/svelte';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Component } from 'svelte';
import { describe, expect, it } from 'vitest';
import ActionEditor from '../ActionEditor.svelte';
import InterviewEditor from '../InterviewEditor.svelte';
import LinksTab from '../LinksTab.svelte';
import OrganisationsTab from '../OrganisationsTab.svelte';
import PersonsTab from '../PersonsTab.svelte';
import PracticeEditor from '../PracticeEditor.svelte';
import RoadmapForm from '../RoadmapForm.svelte';
import WorkshopEditor from '../WorkshopEditor.svelte';
import CharterEditor from '../grid/CharterEditor.svelte';
import CommonGoalEditor from '../grid/CommonGoalEditor.svelte';
import MeetingEditor from '../hq/meetings/MeetingEditor.svelte';
import { app } from '../../lib/app.svelte';
import { byTestId, until, useCore } from '../../test/helpers';
import { useHq } from '../../test/hq';

const STICKY = '.editor-top, .sticky-top';

/** The declarations of `selector`'s rule in app.css. */
function rule(selector: string): string {
  const css = readFileSync(resolve(import.meta.dirname, '../../app.css'), 'utf8');
  const at = css.indexOf(`\n${selector} {`);
  expect(at, `${selector} in app.css`).toBeGreaterThan(-1);
  return css.slice(at, css.indexOf('}', at));
}

async function saveStateIsSticky(screen: Component<any>, props: object, ready: string): Promise<void> {
  const view = render(screen, { props });
  await until(() => !!byTestId(ready) && !!byTestId('save-state'), 5000);
  const state = byTestId('save-state')!;
  const bar = state.closest(STICKY);
  expect(bar, `${ready}: the save state in a sticky top bar`).not.toBeNull();
  // The bar holds the save state, not the record's fields.
  expect(bar!.querySelector('input, textarea')).toBeNull();
  view.unmount();
}

describe('the save state of every editor', () => {
  it('is declared sticky in the stylesheet', () => {
    for (const selector of ['.editor-top', '.sticky-top', '.side-form .sticky-actions']) expect(rule(selector)).toContain('position: sticky');
  });

  it('sits in the sticky top bar of each editor of a territory', async () => {
    await useCore();
    const territoryId = app.territoryId!;
    await saveStateIsSticky(InterviewEditor, { id: null }, 'interview-title');
    await saveStateIsSticky(WorkshopEditor, { id: null }, 'workshop-title');
    await saveStateIsSticky(ActionEditor, { id: null }, 'action-title');
    await saveStateIsSticky(PracticeEditor, { id: null }, 'practice-title');
    await saveStateIsSticky(RoadmapForm, { territoryId }, 'roadmap-form');
    await saveStateIsSticky(CharterEditor, { territoryId }, 'charter-back');
    await saveStateIsSticky(CommonGoalEditor, { territoryId }, 'goal-back');
  });

  it('sits in the sticky top bar of headquarters’ meeting editor', async () => {
    await useHq();
    await saveStateIsSticky(MeetingEditor, { id: null }, 'meeting-title');
  });

  it('keeps « Enregistrer » of the person, structure and link forms in a sticky row', async () => {
    const core = await useCore();
    const t = app.territoryId!;
    const orgs = await core.api.recordList('organisation', t);
    const persons = await core.api.recordList('person', t);
    const links = await core.api.recordList('cooperation_link', t);
    for (const [screen, props, prefix] of [
      [PersonsTab, { persons, orgs, openId: 'nouvelle' }, 'person'],
      [OrganisationsTab, { orgs, openId: 'nouvelle' }, 'org'],
      [LinksTab, { links, orgs, openId: 'nouveau' }, 'link'],
    ] as const) {
      const view = render(screen as Component<any>, { props });
      await until(() => !!byTestId(`${prefix}-save`), 5000);
      expect(byTestId(`${prefix}-save`)!.closest('.sticky-actions')).toBe(byTestId(`${prefix}-actions`));
      expect(byTestId(`${prefix}-actions`)!.closest('.side-form')).toBe(byTestId(`${prefix}-form`));
      view.unmount();
    }
  });
});
