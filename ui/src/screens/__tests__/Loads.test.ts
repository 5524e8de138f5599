// No screen waits for ever on « Chargement… »: when core cannot answer a load, each screen shows
// core's French message with « Réessayer », which loads again.
import { fireEvent, render } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { describe, expect, it } from 'vitest';
import { setBackend, type ApiError } from '../../backend';
import { app } from '../../lib/app.svelte';
import { sentence } from '../../lib/errors';
import { brokenCore, byTestId, until, useCore } from '../../test/helpers';
import Actors from '../Actors.svelte';
import ActionEditor from '../ActionEditor.svelte';
import Exchanges from '../Exchanges.svelte';
import Indicators from '../Indicators.svelte';
import InterviewEditor from '../InterviewEditor.svelte';
import Interviews from '../Interviews.svelte';
import Plan from '../Plan.svelte';
import PracticeEditor from '../PracticeEditor.svelte';
import Practices from '../Practices.svelte';
import RoadmapForm from '../RoadmapForm.svelte';
import Settings from '../Settings.svelte';
import TerritoryDetail from '../TerritoryDetail.svelte';
import ThemeAnalysis from '../ThemeAnalysis.svelte';
import CooperationMap from '../CooperationMap.svelte';
import WorkshopEditor from '../WorkshopEditor.svelte';
import Workshops from '../Workshops.svelte';
import Arrivals from '../hq/Arrivals.svelte';
import NationalDashboard from '../hq/NationalDashboard.svelte';
import NationalSynthesis from '../hq/NationalSynthesis.svelte';
import Provenance from '../../components/Provenance.svelte';

const SOME_ID = '0192c3a4-0000-7000-8000-000000000001';

const SCREENS: [string, Component<any>, object][] = [
  ['Acteurs', Actors, {}],
  ['Entretiens', Interviews, {}],
  ['Entretien', InterviewEditor, { id: SOME_ID }],
  ['Nouvel entretien', InterviewEditor, { id: null }],
  ['Analyse', ThemeAnalysis, {}],
  ['Carte de coopération', CooperationMap, {}],
  ['Ateliers', Workshops, {}],
  ['Atelier', WorkshopEditor, { id: SOME_ID }],
  ['Nouvel atelier', WorkshopEditor, { id: null }],
  ['Plan d’action', Plan, {}],
  ['Action', ActionEditor, { id: SOME_ID }],
  ['Indicateurs', Indicators, { territoryId: SOME_ID, actionId: null }],
  ['Pratiques inspirantes', Practices, {}],
  ['Fiche de pratique', PracticeEditor, { id: SOME_ID }],
  ['Territoire', TerritoryDetail, { id: SOME_ID }],
  ['Feuille de route', RoadmapForm, { territoryId: SOME_ID }],
  ['Paramètres', Settings, {}],
  ['Échanges', Exchanges, {}],
  ['Arrivées (historique)', Arrivals, {}],
  ['Tableau national', NationalDashboard, {}],
  ['Synthèse nationale', NationalSynthesis, {}],
  ['Provenance', Provenance, { kind: 'action', id: SOME_ID }],
];

describe('a load core cannot answer', () => {
  it.each(SCREENS)('%s: core’s message and « Réessayer », never an endless « Chargement… »', async (_, screen, props) => {
    await useCore({ initialised: true, demo: false }); // the vocabulary, as at start-up
    app.territoryId = SOME_ID;
    const broken = brokenCore();
    setBackend(broken.backend);
    const refusal = (await broken.api.status().catch((e) => e)) as ApiError;
    render(screen, { props });
    await until(() => !!byTestId('load-error'));
    expect(byTestId('load-error')!.getAttribute('role')).toBe('alert');
    expect(byTestId('load-error')!.textContent).toContain(sentence(refusal.message));
    const before = broken.calls.length;
    await fireEvent.click(byTestId('load-retry')!);
    await until(() => broken.calls.length > before);
    await until(() => !!byTestId('load-error'));
  });
});
