// The types of the backend contract, generated from the Rust structs into ./generated/ (by
// src-tauri/tests/typescript.rs; a test fails when they are stale). This module only gives the
// envelope a typed `data` and keeps the short names the screens use.
import type * as G from './generated';

export type {
  ThemeAnalysis,
  ThemeRow,
  ThemePair,
  ThemeVerbatims,
  Verbatim,
  Network,
  NetworkMeasures,
  OrganisationNode,
  LinkEdge,
  BetweennessScore,
  NetworkComparison,
  ComparisonMaps,
  MeasureChange,
  LinkChange,
  IndicatorAnalysis,
  ReportRequest,
  ReportWritten,
  CooperationGrid,
  GridItem,
  GridCount,
  GridCheck,
  GridPractice,
  CommitteeDecision,
  CommitteeEntry,
  ReviewView,
  FieldDifference,
  LibraryEntry,
  LibraryFilter,
  LibraryPublished,
  HqTrust,
  PracticeFeedback,
  MeetingForTerritory,
  MeetingParticipant,
  MeetingDecision,
  FollowUp,
  NationalMeetingKind,
  CharterPartner,
  CharterStatus,
  AttachRequest,
  BackupReport,
  BundleFile,
  CheckReport,
  ConflictView,
  ConsentCounts,
  ConsentStatus,
  ErasureReport,
  ErasureView,
  InterviewConsent,
  OldBackup,
  PassageConsent,
  PrivacyReport,
  EncryptionStatus,
  RecoveryCodeShown,
  SessionState,
  PurgeReport,
  RetentionSettings,
  TerritoryPrivacy,
  TerritoryRetention,
  ExportProgress,
  ExportReport,
  ExportRequest,
  HqWorkspaceKeys,
  ImportedBundleView,
  ImportReport,
  Keep,
  KeysReport,
  KeyStatus,
  KindCount,
  KindReport,
  NationalExportReport,
  NationalExportRequest,
  NationalSynthesis,
  IndicatorAcross,
  Provenance,
  TableCount,
  TableFormat,
  TerritoryCounts,
  TerritoryStatus,
  Workspace,
  Place,
  Choice,
  Consent,
  Decision,
  DemoReport,
  DemoRequest,
  ErrorCode,
  GoodPractice,
  GuideQuestion,
  GuideSection,
  Kind,
  KindData,
  Participant,
  Passage,
  Priority,
  PutItem,
  RecordId,
  RestoreReport,
  SearchHit,
  SearchRequest,
  SnippetPart,
  Status,
  StepSummary,
  ChecklistItem,
  Vocabulary,
  WorkedIn,
  WorkshopNote,
} from './generated';

/** What every command rejects with. `message` is French and is shown as is. */
export type ApiError = G.ApiError;

/** The envelope every record travels in, with the data of its kind. */
export type Record<D = unknown> = Omit<G.RecordEnvelope, 'data'> & { data: D };

export type TerritoryOverview = Omit<G.TerritoryOverview, 'territory'> & { territory: Record<Territory> };

// The data of each kind of record.
export type Territory = G.TerritoryData;
export type Roadmap = G.RoadmapData;
export type Organisation = G.OrganisationData;
export type Person = G.PersonData;
export type CooperationLink = G.CooperationLinkData;
export type InterviewGuide = G.InterviewGuideData;
export type Interview = G.InterviewData;
export type Theme = G.ThemeData;
export type Workshop = G.WorkshopData;
export type Action = G.ActionData;
export type Indicator = G.IndicatorData;
export type Measurement = G.MeasurementData;
export type Practice = G.PracticeData;
export type Attachment = G.AttachmentData;
export type CommonGoal = G.CommonGoalData;
export type Charter = G.CharterData;
export type PracticeReview = G.PracticeReviewData;
export type LibrarySheet = G.LibrarySheetData;
export type NationalMeeting = G.NationalMeetingData;
