// Sequelize models, defined per instance (tests open SQLite and Postgres side by side).
import { DataTypes, Model, type ModelStatic, type Sequelize, type Optional } from "sequelize";

type Row<A extends object, C extends keyof A = never> = Model<A, Optional<A, C>> & A;
type Static<A extends object, C extends keyof A = never> = ModelStatic<Row<A, C>>;

export interface UserAttrs {
  id: number;
  username: string;
  /** NFKC + trim + lower-case of username, unique (migration 0015): look-alikes are one name. */
  usernameNormalized: string;
  passwordHash: string;
  /** A role of app/engine/people/roles.ts (the engine narrows it with isRole). */
  role: string;
  displayName: string | null;
  isDemo: boolean;
  failedLoginCount: number;
  firstFailedAt: Date | null;
  lockedUntil: Date | null;
  profileCompletedAt: Date | null;
  lastLoginAt: Date | null;
  /** The 身份证号 an identity provider verified (migration 0020), unique; null for local accounts. */
  identityIdNumber: string | null;
  /** The name that provider verified with it. */
  identityName: string | null;
  /** 大字版 chosen (migration 0026). */
  largeText: boolean;
  createdAt: Date;
  updatedAt: Date;
}
/** A sandbox identity provider's single-use ticket (migration 0020); person is JSON. */
export interface IdentityTicketAttrs { ticket: string; person: string; expiresAt: Date; usedAt: Date | null; createdAt: Date }
/** 公示期 and its outcome per application and publicity stage (migration 0023); dates are YYYY-MM-DD (Asia/Shanghai). */
export interface PublicityPeriodAttrs {
  id: number;
  applicationId: number;
  stageId: string;
  startDate: string;
  endDate: string;
  /** null until recorded; "none" 无异议, "objection" 有异议. */
  outcome: "none" | "objection" | null;
  opinion: string | null;
  /** The chain action the outcome led to: approve (继续) / return / reject. */
  decision: "approve" | "return" | "reject" | null;
  enteredBy: number | null;
  endedBy: number | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
/** 单位注册 (migration 0022): a unit names its 经办人 (agent) with a signed 用人单位委托证明 PDF. */
export type UnitRegistrationStatus = "pending" | "approved" | "refused";
export interface UnitRegistrationAttrs {
  id: number;
  unitId: number;
  status: UnitRegistrationStatus;
  agentName: string;
  agentIdNumber: string;
  agentMobile: string;
  /** Who submitted it at the 法人 login (the verified operator). */
  submittedByName: string;
  submittedByIdNumber: string;
  /** The PDF, under unit-registrations/ in the object store (not a stored_files row: no user owns it). */
  fileKey: string;
  fileName: string;
  fileSize: number;
  fileSha256: string;
  refuseReason: string | null;
  reviewerId: number | null;
  reviewedAt: Date | null;
  /** The 经办人's unit_reviewer account, set on approval. */
  userId: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
/** 评审会议 (migration 0024): dates are YYYY-MM-DD (Beijing days); publishFrom/To the 评审结果公示 period. */
export interface CommitteeMeetingAttrs {
  id: number; committeeId: number; title: string | null; meetingDate: string; membersTotal: number; membersPresent: number;
  createdBy: number; publishFrom: string | null; publishTo: string | null; publishedAt: Date | null; version: number; createdAt: Date; updatedAt: Date;
}
/** One application on a meeting's list; counts and result null until its vote is recorded. */
export interface CommitteeVoteAttrs {
  id: number; meetingId: number; applicationId: number; approve: number | null; oppose: number | null; abstain: number | null;
  result: "pass" | "fail" | null; decidedBy: number | null; decidedAt: Date | null; createdAt: Date; updatedAt: Date;
}
/** kind: a scope kind of app/engine/people/roles.ts; refId: a row of that kind's dictionary. */
export interface UserScopeAttrs { id: number; userId: number; kind: string; refId: number }
export interface SessionAttrs { id: string; data: Record<string, unknown>; expiresAt: Date | null; userId: number | null }
export interface AffiliationAttrs { id: number; name: string; sortOrder: number }
export interface DepartmentAttrs { id: number; name: string; region: string | null }
export interface UnitAttrs {
  id: number;
  name: string;
  creditCode: string;
  affiliationId: number;
  departmentId: number | null;
  region: string | null;
  pinyinInitials: string;
  pinyinFull: string;
  version: number;
}
export const TITLE_LEVELS = ["初级员级", "初级助理级", "中级", "副高级", "正高级"] as const;
export type TitleLevel = (typeof TITLE_LEVELS)[number];
/** What a committee accepts: JSON arrays of ids / level names (see migration 0004). */
export interface CommitteeAttrs { id: number; name: string; seriesIds: number[]; specialtyIds: number[]; levels: string[]; affiliationIds: number[] }
export interface TitleSeriesAttrs { id: number; name: string; code: string; sortOrder: number; levels: string[] }
export interface SpecialtyAttrs { id: number; seriesId: number; name: string }
export interface AcceptanceDepartmentAttrs { id: number; name: string; region: string | null; affiliationIds: number[] }
export interface AttachmentRequirement { name: string; required: boolean; accept: string[]; maxSizeMb: number; maxCount: number }
export interface EligibilityRule { label: string; logic: unknown }
export interface PlanAttrs {
  id: number;
  name: string;
  planType: string;
  applicationType: string;
  recognitionType: string | null;
  titleSeriesId: number;
  titleLevel: string;
  affiliationIds: number[];
  year: number;
  opensAt: Date;
  closesAt: Date;
  basicInfo: string;
  reviewNotes: string;
  applicantNotice: string;
  attachmentRequirements: AttachmentRequirement[];
  eligibilityText: string;
  eligibilityRules: EligibilityRule[];
  specialtyIds: number[];
  committeeIds: number[];
  acceptanceDepartmentIds: number[];
  /** In fen (分). */
  fee: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
export interface FormVersionAttrs {
  id: number;
  formId: string;
  version: number;
  kind: string;
  title: string;
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  meta: Record<string, unknown>;
  hash: string;
  /** The definition format it was published in (app/engine/definitions/format.ts). */
  formatVersion: number;
  createdBy: string;
  createdAt: Date;
}
export interface ProfileAttrs {
  id: number;
  userId: number;
  formId: string;
  formVersion: number;
  unitId: number | null;
  data: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
export interface AuditLogAttrs {
  id: number;
  actorId: number | null;
  actorRole: string | null;
  entityType: string;
  entityId: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  comment: string | null;
  /** Still to be looked at by the notification dispatcher (true for every new row). */
  notifyPending: boolean;
  createdAt: Date;
}

/** The audit log's entity types that notifications are declared on (workflows/_meta/notifications.schema.json). */
export const NOTIFIABLE_ENTITIES: readonly string[] = ["achievement-entry", "application"];

export const ENTRY_STATUSES = ["pending", "returned", "approved"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export interface AchievementEntryAttrs {
  id: number;
  userId: number;
  categoryId: string;
  formVersion: number;
  data: Record<string, unknown>;
  title: string;
  searchText: string;
  status: EntryStatus;
  returnReason: string | null;
  version: number;
  submittedAt: Date;
  reviewedAt: Date | null;
  reviewerId: number | null;
  /** Copy of the applicant's profiles.unitId (the reviewer queue's index); see migration 0007. */
  unitId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface StoredFileAttrs {
  id: number;
  key: string;
  ownerId: number;
  originalName: string;
  mimeType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

export interface WorkflowVersionAttrs {
  id: number;
  workflowId: string;
  version: number;
  name: string;
  definition: Record<string, unknown>;
  hash: string;
  formatVersion: number;
  createdBy: string;
  createdAt: Date;
}
/** A published version of workflows/notifications.json (one definition). */
export interface NotificationDefinitionVersionAttrs {
  id: number;
  version: number;
  definition: Record<string, unknown>;
  hash: string;
  formatVersion: number;
  createdBy: string;
  createdAt: Date;
}
/** A message sent to a person: 站内信 (inbox) or SMS, once per event, person and channel. */
export interface NotificationAttrs {
  id: number;
  userId: number;
  channel: "inbox" | "sms";
  eventKey: string;
  title: string;
  body: string;
  link: string | null;
  recipient: string | null;
  status: "delivered" | "pending" | "sending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
  readAt: Date | null;
  createdAt: Date;
}
/** A published version of workflows/plan-types.json (one definition, so no id of its own). */
export interface PlanTypeVersionAttrs {
  id: number;
  version: number;
  definition: Record<string, unknown>;
  hash: string;
  formatVersion: number;
  createdBy: string;
  createdAt: Date;
}
/** A published template with the partials it uses, resolved when it was published. */
export interface TemplateVersionAttrs {
  id: number;
  templateId: string;
  version: number;
  source: string;
  partials: Record<string, string>;
  hash: string;
  formatVersion: number;
  createdBy: string;
  createdAt: Date;
}
/** A published dictionary declaration (dictionaries/*.json; app/engine/definitions/kinds/dictionary.server.ts). */
export interface DictionaryVersionAttrs {
  id: number;
  dictionaryId: string;
  version: number;
  definition: Record<string, unknown>;
  hash: string;
  formatVersion: number;
  createdBy: string;
  createdAt: Date;
}
export interface StepState { data: unknown; completedAt: string | null }
export interface ApplicationAttrs {
  id: number;
  number: string | null;
  userId: number;
  planId: number;
  workflowId: string;
  workflowVersion: number;
  /** The type version whose review chain (stages, fee) the application follows: its own version
   *  until a later one is published while it is in review (decision 012). */
  chainVersion: number;
  status: string;
  stage: string | null;
  steps: Record<string, StepState>;
  formVersions: Record<string, number>;
  unitId: number | null;
  committeeId: number | null;
  acceptanceDepartmentId: number | null;
  submittedAt: Date | null;
  applicantName: string | null;
  applicantIdNumber: string | null;
  returnReason: string | null;
  returnedSteps: string[] | null;
  decidedAt: Date | null;
  /** 个人基本信息 at (re)submission: { formId, formVersion, data }. */
  profileSnapshot: { formId: string; formVersion: number; data: Record<string, unknown> } | null;
  /** Template id → the version it prints with, pinned at (re)submission; null before (or for
   * applications submitted before pinning existed: they print with the latest). */
  templateVersions: Record<string, number> | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
/** One stay of an application at a stage of its chain (migration 0025, decision 020). */
export interface StageVisitAttrs {
  id: number;
  applicationId: number;
  workflowId: string;
  chainVersion: number;
  stage: string;
  enteredAt: Date;
  leftAt: Date | null;
  /** Whole minutes spent, set when the visit is left. */
  minutes: number | null;
  /** The action that left the stage (approve, return, reject, pay …). */
  outcome: string | null;
}
// Stage visits from audit states: the rule migration 0025 fills the table with and the engine
// follows at each transition (app/engine/stats/stage-visits.server.ts).
/** Audit-row states that are a status, not a stage (`point` in review.server.ts writes the stage
 *  id when the application is submitted and the status otherwise). */
const STATUSES = ["draft", "submitted", "returned", "approved", "rejected"];

/** The stage an audit state names, or null when it is a status (or nothing). */
export const stageOfPoint = (p: string | null | undefined): string | null => (p && !STATUSES.includes(p) ? p : null);

/** Minutes between two moments (whole minutes, at least 0): what a visit's duration is stored as. */
export const minutesBetween = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));

export interface TrailRow { fromState: string | null; toState: string | null; action: string; createdAt: Date }
export interface Visit { stage: string; enteredAt: Date; leftAt: Date | null; minutes: number | null; outcome: string | null }

/** One application's visits from its audit trail (oldest first). A row whose state does not change
 *  (a note on the same stage) neither leaves nor enters. */
export function visitsOf(trail: TrailRow[]): Visit[] {
  const out: Visit[] = [];
  let open: Visit | null = null;
  for (const r of trail) {
    if (r.fromState === r.toState) continue;
    if (open && stageOfPoint(r.fromState) === open.stage) {
      Object.assign(open, { leftAt: r.createdAt, minutes: minutesBetween(open.enteredAt, r.createdAt), outcome: r.action });
      open = null;
    }
    const to = stageOfPoint(r.toState);
    if (to) {
      open = { stage: to, enteredAt: r.createdAt, leftAt: null, minutes: null, outcome: null };
      out.push(open);
    }
  }
  return out;
}

export interface ApplicationAchievementAttrs {
  id: number;
  applicationId: number;
  stepId: string;
  entryId: number;
  categoryId: string;
  formVersion: number;
  title: string;
  data: Record<string, unknown>;
  entryStatus: string;
  createdAt: Date;
}
export interface PledgeTokenAttrs {
  id: number;
  tokenHash: string;
  applicationId: number;
  stepId: string;
  userId: number;
  expiresAt: Date;
  usedAt: Date | null;
  createdAt: Date;
}

export interface PaymentOrderAttrs {
  id: number;
  orderNo: string;
  applicationId: number;
  userId: number;
  stage: string;
  provider: string;
  amountFen: number;
  status: "pending" | "paid" | "closed";
  providerTxnId: string | null;
  paidAt: Date | null;
  note: string | null;
  markedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export interface PaymentNotificationAttrs {
  id: number;
  provider: string;
  orderNo: string | null;
  providerTxnId: string | null;
  amountFen: number | null;
  outcome: string;
  reason: string | null;
  payload: string;
  createdAt: Date;
}

export interface ExportJobAttrs {
  id: number;
  userId: number;
  status: "queued" | "running" | "done" | "failed";
  applicationIds: number[];
  total: number;
  done: number;
  failed: number;
  errors: { id: number; number: string | null; name: string | null; message: string }[];
  message: string | null;
  fileName: string | null;
  fileSize: number | null;
  runner: string | null;
  /** Written by the runner while the job is running (migration 0014). */
  heartbeatAt: Date | null;
  /** Runs started, including automatic restarts after a dead runner. */
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Models {
  User: Static<UserAttrs, "id" | "displayName" | "isDemo" | "failedLoginCount" | "firstFailedAt" | "lockedUntil" | "profileCompletedAt" | "lastLoginAt" | "identityIdNumber" | "identityName" | "largeText" | "createdAt" | "updatedAt">;
  UserScope: Static<UserScopeAttrs, "id">;
  Session: Static<SessionAttrs, "expiresAt" | "userId">;
  Affiliation: Static<AffiliationAttrs, "id" | "sortOrder">;
  Department: Static<DepartmentAttrs, "id" | "region">;
  Unit: Static<UnitAttrs, "id" | "departmentId" | "region" | "version">;
  Committee: Static<CommitteeAttrs, "id" | "seriesIds" | "specialtyIds" | "levels" | "affiliationIds">;
  TitleSeries: Static<TitleSeriesAttrs, "id" | "sortOrder" | "levels">;
  Specialty: Static<SpecialtyAttrs, "id">;
  AcceptanceDepartment: Static<AcceptanceDepartmentAttrs, "id" | "region" | "affiliationIds">;
  FormVersion: Static<FormVersionAttrs, "id" | "createdAt" | "meta" | "formatVersion">;
  Profile: Static<ProfileAttrs, "id" | "version" | "createdAt" | "updatedAt" | "unitId">;
  AuditLog: Static<AuditLogAttrs, "id" | "createdAt" | "actorId" | "actorRole" | "fromState" | "toState" | "comment" | "notifyPending">;
  AchievementEntry: Static<AchievementEntryAttrs, "id" | "title" | "searchText" | "returnReason" | "version" | "reviewedAt" | "reviewerId" | "unitId" | "createdAt" | "updatedAt">;
  StoredFile: Static<StoredFileAttrs, "id" | "createdAt">;
  Plan: Static<PlanAttrs, "id" | "recognitionType" | "version" | "createdAt" | "updatedAt" | "fee">;
  WorkflowVersion: Static<WorkflowVersionAttrs, "id" | "createdAt" | "formatVersion">;
  PlanTypeVersion: Static<PlanTypeVersionAttrs, "id" | "createdAt" | "formatVersion">;
  NotificationDefinitionVersion: Static<NotificationDefinitionVersionAttrs, "id" | "createdAt" | "formatVersion">;
  Notification: Static<NotificationAttrs, "id" | "link" | "recipient" | "attempts" | "nextAttemptAt" | "lastError" | "sentAt" | "readAt" | "createdAt">;
  TemplateVersion: Static<TemplateVersionAttrs, "id" | "createdAt" | "formatVersion">;
  DictionaryVersion: Static<DictionaryVersionAttrs, "id" | "createdAt" | "formatVersion">;
  Application: Static<ApplicationAttrs, "id" | "chainVersion" | "number" | "stage" | "unitId" | "committeeId" | "acceptanceDepartmentId" | "submittedAt" | "applicantName" | "applicantIdNumber" | "returnReason" | "returnedSteps" | "decidedAt" | "profileSnapshot" | "templateVersions" | "version" | "createdAt" | "updatedAt">;
  StageVisit: Static<StageVisitAttrs, "id" | "leftAt" | "minutes" | "outcome">;
  ApplicationAchievement: Static<ApplicationAchievementAttrs, "id" | "createdAt" | "title">;
  PledgeToken: Static<PledgeTokenAttrs, "id" | "usedAt" | "createdAt">;
  PaymentOrder: Static<PaymentOrderAttrs, "id" | "providerTxnId" | "paidAt" | "note" | "markedBy" | "createdAt" | "updatedAt">;
  PaymentNotification: Static<PaymentNotificationAttrs, "id" | "orderNo" | "providerTxnId" | "amountFen" | "reason" | "createdAt">;
  IdentityTicket: Static<IdentityTicketAttrs, "usedAt" | "createdAt">;
  UnitRegistration: Static<UnitRegistrationAttrs, "id" | "refuseReason" | "reviewerId" | "reviewedAt" | "userId" | "version" | "createdAt" | "updatedAt">;
  CommitteeMeeting: Static<CommitteeMeetingAttrs, "id" | "title" | "publishFrom" | "publishTo" | "publishedAt" | "version" | "createdAt" | "updatedAt">;
  CommitteeVote: Static<CommitteeVoteAttrs, "id" | "approve" | "oppose" | "abstain" | "result" | "decidedBy" | "decidedAt" | "createdAt" | "updatedAt">;
  PublicityPeriod: Static<PublicityPeriodAttrs, "id" | "outcome" | "opinion" | "decision" | "enteredBy" | "endedBy" | "endedAt" | "createdAt" | "updatedAt">;
  ExportJob: Static<ExportJobAttrs, "id" | "done" | "failed" | "message" | "fileName" | "fileSize" | "runner" | "heartbeatAt" | "attempts" | "startedAt" | "finishedAt" | "expiresAt" | "createdAt" | "updatedAt">;
}

export function defineModels(sequelize: Sequelize): Models {
  const J = sequelize.getDialect() === "postgres" ? DataTypes.JSONB : DataTypes.JSON;
  const User = sequelize.define("User", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    usernameNormalized: { type: DataTypes.STRING(80), allowNull: false, unique: true },
    passwordHash: { type: DataTypes.STRING(255), allowNull: false },
    role: { type: DataTypes.STRING(32), allowNull: false },
    displayName: { type: DataTypes.STRING(64) },
    isDemo: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    firstFailedAt: { type: DataTypes.DATE },
    lockedUntil: { type: DataTypes.DATE },
    profileCompletedAt: { type: DataTypes.DATE },
    lastLoginAt: { type: DataTypes.DATE },
    identityIdNumber: { type: DataTypes.STRING(18), unique: true },
    identityName: { type: DataTypes.STRING(64) },
    largeText: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  }, { tableName: "users" }) as Models["User"];

  const IdentityTicket = sequelize.define("IdentityTicket", {
    ticket: { type: DataTypes.STRING(64), primaryKey: true },
    person: { type: DataTypes.TEXT, allowNull: false },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    usedAt: { type: DataTypes.DATE },
  }, { tableName: "identity_tickets", updatedAt: false }) as Models["IdentityTicket"];

  const UserScope = sequelize.define("UserScope", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    refId: { type: DataTypes.INTEGER, allowNull: false },
  }, { tableName: "user_scopes", timestamps: false }) as Models["UserScope"];

  const Session = sequelize.define("Session", {
    id: { type: DataTypes.STRING(64), primaryKey: true },
    data: { type: J, allowNull: false },
    expiresAt: { type: DataTypes.DATE },
    userId: { type: DataTypes.INTEGER },
  }, { tableName: "sessions" }) as Models["Session"];

  const Affiliation = sequelize.define("Affiliation", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "affiliations", timestamps: false }) as Models["Affiliation"];

  const Department = sequelize.define("Department", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    region: { type: DataTypes.STRING(32) },
  }, { tableName: "departments", timestamps: false }) as Models["Department"];

  const Unit = sequelize.define("Unit", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(128), allowNull: false },
    creditCode: { type: DataTypes.STRING(18), allowNull: false, unique: true },
    affiliationId: { type: DataTypes.INTEGER, allowNull: false },
    departmentId: { type: DataTypes.INTEGER },
    region: { type: DataTypes.STRING(32) },
    pinyinInitials: { type: DataTypes.STRING(128), allowNull: false },
    pinyinFull: { type: DataTypes.STRING(512), allowNull: false },
    // Optimistic lock for the admin dictionary editor (conditional UPDATE … WHERE version = ?).
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "units", timestamps: false }) as Models["Unit"];

  // JSON arrays read back as [] when NULL (rows that predate migration 0004).
  const list = (field: string) => ({
    type: J,
    defaultValue: [],
    get(this: Model) { return (this.getDataValue(field as never) as unknown) ?? []; },
  });
  const Committee = sequelize.define("Committee", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    seriesIds: list("seriesIds"),
    specialtyIds: list("specialtyIds"),
    levels: list("levels"),
    affiliationIds: list("affiliationIds"),
  }, { tableName: "committees", timestamps: false }) as Models["Committee"];

  const TitleSeries = sequelize.define("TitleSeries", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    levels: list("levels"),
  }, { tableName: "title_series", timestamps: false }) as Models["TitleSeries"];

  const Specialty = sequelize.define("Specialty", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    seriesId: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(64), allowNull: false },
  }, { tableName: "specialties", timestamps: false }) as Models["Specialty"];

  const AcceptanceDepartment = sequelize.define("AcceptanceDepartment", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    region: { type: DataTypes.STRING(32) },
    affiliationIds: list("affiliationIds"),
  }, { tableName: "acceptance_departments", timestamps: false }) as Models["AcceptanceDepartment"];

  // What every published definition version row carries (fresh objects: define() keeps them).
  const publishedColumns = () => ({
    hash: { type: DataTypes.STRING(64), allowNull: false },
    formatVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    createdBy: { type: DataTypes.STRING(64), allowNull: false },
  });

  const FormVersion = sequelize.define("FormVersion", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    formId: { type: DataTypes.STRING(128), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    title: { type: DataTypes.STRING(128), allowNull: false },
    schema: { type: J, allowNull: false },
    uiSchema: { type: J, allowNull: false },
    meta: { type: J, allowNull: false, defaultValue: {} },
    ...publishedColumns(),
  }, { tableName: "form_versions", updatedAt: false }) as Models["FormVersion"];

  const Profile = sequelize.define("Profile", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    formId: { type: DataTypes.STRING(128), allowNull: false },
    formVersion: { type: DataTypes.INTEGER, allowNull: false },
    unitId: { type: DataTypes.INTEGER },
    data: { type: J, allowNull: false },
    // Optimistic lock, managed by the writers (conditional UPDATE … WHERE version = ?).
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "profiles" }) as Models["Profile"];

  const AuditLog = sequelize.define("AuditLog", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    actorId: { type: DataTypes.INTEGER },
    actorRole: { type: DataTypes.STRING(32) },
    entityType: { type: DataTypes.STRING(32), allowNull: false },
    entityId: { type: DataTypes.STRING(64), allowNull: false },
    action: { type: DataTypes.STRING(32), allowNull: false },
    fromState: { type: DataTypes.STRING(32) },
    toState: { type: DataTypes.STRING(32) },
    comment: { type: DataTypes.TEXT },
    notifyPending: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  }, {
    tableName: "audit_logs", updatedAt: false,
    hooks: {
      // Changes a notification may be about wait for the dispatcher (app/engine/notifications).
      beforeCreate: (row: Model<AuditLogAttrs>) => {
        row.set("notifyPending", NOTIFIABLE_ENTITIES.includes(row.get("entityType") as string));
      },
    },
  }) as Models["AuditLog"];

  const AchievementEntry = sequelize.define("AchievementEntry", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    categoryId: { type: DataTypes.STRING(128), allowNull: false },
    formVersion: { type: DataTypes.INTEGER, allowNull: false },
    data: { type: J, allowNull: false },
    title: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "" },
    searchText: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    status: { type: DataTypes.STRING(16), allowNull: false },
    returnReason: { type: DataTypes.TEXT },
    // Optimistic lock, managed by the writers (conditional UPDATE … WHERE version = ?).
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    submittedAt: { type: DataTypes.DATE, allowNull: false },
    reviewedAt: { type: DataTypes.DATE },
    reviewerId: { type: DataTypes.INTEGER },
    // The applicant's work unit, kept equal to profiles.unitId by saveProfile (migration 0007).
    unitId: { type: DataTypes.INTEGER },
  }, { tableName: "achievement_entries" }) as Models["AchievementEntry"];

  const StoredFile = sequelize.define("StoredFile", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    key: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    ownerId: { type: DataTypes.INTEGER, allowNull: false },
    originalName: { type: DataTypes.STRING(255), allowNull: false },
    mimeType: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
  }, { tableName: "stored_files", updatedAt: false }) as Models["StoredFile"];

  const Plan = sequelize.define("Plan", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(128), allowNull: false },
    planType: { type: DataTypes.STRING(16), allowNull: false },
    applicationType: { type: DataTypes.STRING(64), allowNull: false },
    recognitionType: { type: DataTypes.STRING(64) },
    titleSeriesId: { type: DataTypes.INTEGER, allowNull: false },
    titleLevel: { type: DataTypes.STRING(16), allowNull: false },
    affiliationIds: list("affiliationIds"),
    year: { type: DataTypes.INTEGER, allowNull: false },
    opensAt: { type: DataTypes.DATE, allowNull: false },
    closesAt: { type: DataTypes.DATE, allowNull: false },
    basicInfo: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    reviewNotes: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    applicantNotice: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    attachmentRequirements: list("attachmentRequirements"),
    eligibilityText: { type: DataTypes.TEXT, allowNull: false, defaultValue: "" },
    eligibilityRules: list("eligibilityRules"),
    specialtyIds: list("specialtyIds"),
    committeeIds: list("committeeIds"),
    acceptanceDepartmentIds: list("acceptanceDepartmentIds"),
    fee: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // Optimistic lock (conditional UPDATE … WHERE version = ?).
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "plans" }) as Models["Plan"];

  const WorkflowVersion = sequelize.define("WorkflowVersion", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    workflowId: { type: DataTypes.STRING(64), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(64), allowNull: false },
    definition: { type: J, allowNull: false },
    ...publishedColumns(),
  }, { tableName: "workflow_versions", updatedAt: false }) as Models["WorkflowVersion"];

  const PlanTypeVersion = sequelize.define("PlanTypeVersion", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    version: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    definition: { type: J, allowNull: false },
    ...publishedColumns(),
  }, { tableName: "plan_type_versions", updatedAt: false }) as Models["PlanTypeVersion"];

  const NotificationDefinitionVersion = sequelize.define("NotificationDefinitionVersion", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    version: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    definition: { type: J, allowNull: false },
    ...publishedColumns(),
  }, { tableName: "notification_definition_versions", updatedAt: false }) as Models["NotificationDefinitionVersion"];

  const Notification = sequelize.define("Notification", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    channel: { type: DataTypes.STRING(16), allowNull: false },
    eventKey: { type: DataTypes.STRING(120), allowNull: false },
    title: { type: DataTypes.STRING(120), allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
    link: { type: DataTypes.STRING(200) },
    recipient: { type: DataTypes.STRING(32) },
    status: { type: DataTypes.STRING(16), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    nextAttemptAt: { type: DataTypes.DATE },
    lastError: { type: DataTypes.STRING(200) },
    sentAt: { type: DataTypes.DATE },
    readAt: { type: DataTypes.DATE },
  }, { tableName: "notifications", updatedAt: false }) as Models["Notification"];

  const TemplateVersion = sequelize.define("TemplateVersion", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    templateId: { type: DataTypes.STRING(128), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    source: { type: DataTypes.TEXT, allowNull: false },
    partials: { type: J, allowNull: false },
    ...publishedColumns(),
  }, { tableName: "template_versions", updatedAt: false }) as Models["TemplateVersion"];

  const DictionaryVersion = sequelize.define("DictionaryVersion", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    dictionaryId: { type: DataTypes.STRING(64), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    definition: { type: J, allowNull: false },
    ...publishedColumns(),
  }, { tableName: "dictionary_versions", updatedAt: false }) as Models["DictionaryVersion"];

  const Application = sequelize.define("Application", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    number: { type: DataTypes.STRING(32) },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    planId: { type: DataTypes.INTEGER, allowNull: false },
    workflowId: { type: DataTypes.STRING(64), allowNull: false },
    workflowVersion: { type: DataTypes.INTEGER, allowNull: false },
    chainVersion: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(24), allowNull: false },
    stage: { type: DataTypes.STRING(32) },
    steps: { type: J, allowNull: false },
    formVersions: { type: J, allowNull: false },
    unitId: { type: DataTypes.INTEGER },
    committeeId: { type: DataTypes.INTEGER },
    acceptanceDepartmentId: { type: DataTypes.INTEGER },
    submittedAt: { type: DataTypes.DATE },
    applicantName: { type: DataTypes.STRING(64) },
    applicantIdNumber: { type: DataTypes.STRING(18) },
    returnReason: { type: DataTypes.TEXT },
    returnedSteps: { type: J },
    decidedAt: { type: DataTypes.DATE },
    profileSnapshot: { type: J },
    templateVersions: { type: J },
    // Optimistic lock (conditional UPDATE … WHERE version = ?).
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, {
    tableName: "applications",
    // A new application follows the chain of the version it is created with.
    hooks: { beforeValidate: (a: any) => { if (a.chainVersion == null) a.chainVersion = a.workflowVersion; } },
  }) as Models["Application"];

  const StageVisit = sequelize.define("StageVisit", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    workflowId: { type: DataTypes.STRING(64), allowNull: false },
    chainVersion: { type: DataTypes.INTEGER, allowNull: false },
    stage: { type: DataTypes.STRING(32), allowNull: false },
    enteredAt: { type: DataTypes.DATE, allowNull: false },
    leftAt: { type: DataTypes.DATE },
    minutes: { type: DataTypes.INTEGER },
    outcome: { type: DataTypes.STRING(32) },
  }, { tableName: "application_stage_visits", timestamps: false }) as Models["StageVisit"];

  const ApplicationAchievement = sequelize.define("ApplicationAchievement", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    stepId: { type: DataTypes.STRING(32), allowNull: false },
    entryId: { type: DataTypes.INTEGER, allowNull: false },
    categoryId: { type: DataTypes.STRING(128), allowNull: false },
    formVersion: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "" },
    data: { type: J, allowNull: false },
    entryStatus: { type: DataTypes.STRING(16), allowNull: false },
  }, { tableName: "application_achievements", updatedAt: false }) as Models["ApplicationAchievement"];

  const PledgeToken = sequelize.define("PledgeToken", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    tokenHash: { type: DataTypes.STRING(64), allowNull: false },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    stepId: { type: DataTypes.STRING(32), allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    expiresAt: { type: DataTypes.DATE, allowNull: false },
    usedAt: { type: DataTypes.DATE },
  }, { tableName: "pledge_tokens", updatedAt: false }) as Models["PledgeToken"];

  // Payments (migration 0009): orders with a provider, and every notification received.
  const PaymentOrder = sequelize.define("PaymentOrder", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    orderNo: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    stage: { type: DataTypes.STRING(32), allowNull: false },
    provider: { type: DataTypes.STRING(32), allowNull: false },
    amountFen: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    providerTxnId: { type: DataTypes.STRING(64) },
    paidAt: { type: DataTypes.DATE },
    note: { type: DataTypes.TEXT },
    markedBy: { type: DataTypes.INTEGER },
  }, { tableName: "payment_orders" }) as Models["PaymentOrder"];

  const PaymentNotification = sequelize.define("PaymentNotification", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    provider: { type: DataTypes.STRING(32), allowNull: false },
    orderNo: { type: DataTypes.STRING(40) },
    providerTxnId: { type: DataTypes.STRING(64) },
    amountFen: { type: DataTypes.INTEGER },
    outcome: { type: DataTypes.STRING(16), allowNull: false },
    reason: { type: DataTypes.TEXT },
    payload: { type: DataTypes.TEXT, allowNull: false },
  }, { tableName: "payment_notifications", updatedAt: false }) as Models["PaymentNotification"];

  // Batch export of review forms (migration 0010).
  const ExportJob = sequelize.define("ExportJob", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    applicationIds: { type: J, allowNull: false },
    total: { type: DataTypes.INTEGER, allowNull: false },
    done: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    failed: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    errors: { type: J, allowNull: false },
    message: { type: DataTypes.TEXT },
    fileName: { type: DataTypes.STRING(80) },
    fileSize: { type: DataTypes.INTEGER },
    runner: { type: DataTypes.STRING(64) },
    heartbeatAt: { type: DataTypes.DATE },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    startedAt: { type: DataTypes.DATE },
    finishedAt: { type: DataTypes.DATE },
    expiresAt: { type: DataTypes.DATE },
  }, { tableName: "export_jobs" }) as Models["ExportJob"];

  const UnitRegistration = sequelize.define("UnitRegistration", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    unitId: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    agentName: { type: DataTypes.STRING(64), allowNull: false },
    agentIdNumber: { type: DataTypes.STRING(18), allowNull: false },
    agentMobile: { type: DataTypes.STRING(11), allowNull: false },
    submittedByName: { type: DataTypes.STRING(64), allowNull: false },
    submittedByIdNumber: { type: DataTypes.STRING(18), allowNull: false },
    fileKey: { type: DataTypes.STRING(52), allowNull: false },
    fileName: { type: DataTypes.STRING(255), allowNull: false },
    fileSize: { type: DataTypes.INTEGER, allowNull: false },
    fileSha256: { type: DataTypes.STRING(64), allowNull: false },
    refuseReason: { type: DataTypes.TEXT },
    reviewerId: { type: DataTypes.INTEGER },
    reviewedAt: { type: DataTypes.DATE },
    userId: { type: DataTypes.INTEGER },
    // Optimistic lock, managed by the writers (conditional UPDATE … WHERE version = ?).
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "unit_registrations" }) as Models["UnitRegistration"];
  UnitRegistration.belongsTo(Unit, { foreignKey: "unitId", as: "unit" });

  const CommitteeMeeting = sequelize.define("CommitteeMeeting", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    committeeId: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(64) },
    meetingDate: { type: DataTypes.STRING(10), allowNull: false },
    membersTotal: { type: DataTypes.INTEGER, allowNull: false },
    membersPresent: { type: DataTypes.INTEGER, allowNull: false },
    createdBy: { type: DataTypes.INTEGER, allowNull: false },
    publishFrom: { type: DataTypes.STRING(10) },
    publishTo: { type: DataTypes.STRING(10) },
    publishedAt: { type: DataTypes.DATE },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  }, { tableName: "committee_meetings" }) as Models["CommitteeMeeting"];
  const CommitteeVote = sequelize.define("CommitteeVote", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    meetingId: { type: DataTypes.INTEGER, allowNull: false },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    approve: { type: DataTypes.INTEGER },
    oppose: { type: DataTypes.INTEGER },
    abstain: { type: DataTypes.INTEGER },
    result: { type: DataTypes.STRING(8) },
    decidedBy: { type: DataTypes.INTEGER },
    decidedAt: { type: DataTypes.DATE },
  }, { tableName: "committee_votes" }) as Models["CommitteeVote"];
  const PublicityPeriod = sequelize.define("PublicityPeriod", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    applicationId: { type: DataTypes.INTEGER, allowNull: false },
    stageId: { type: DataTypes.STRING(32), allowNull: false },
    startDate: { type: DataTypes.STRING(10), allowNull: false },
    endDate: { type: DataTypes.STRING(10), allowNull: false },
    outcome: { type: DataTypes.STRING(16) },
    opinion: { type: DataTypes.TEXT },
    decision: { type: DataTypes.STRING(16) },
    enteredBy: { type: DataTypes.INTEGER },
    endedBy: { type: DataTypes.INTEGER },
    endedAt: { type: DataTypes.DATE },
  }, { tableName: "publicity_periods" }) as Models["PublicityPeriod"];

  AchievementEntry.belongsTo(User, { foreignKey: "userId", as: "owner" });
  AchievementEntry.belongsTo(Profile, { foreignKey: "userId", targetKey: "userId", as: "ownerProfile" });
  Unit.belongsTo(Affiliation, { foreignKey: "affiliationId", as: "affiliation" });
  Unit.belongsTo(Department, { foreignKey: "departmentId", as: "department" });
  Specialty.belongsTo(TitleSeries, { foreignKey: "seriesId", as: "series" });
  TitleSeries.hasMany(Specialty, { foreignKey: "seriesId", as: "specialties" });
  UserScope.belongsTo(User, { foreignKey: "userId" });
  User.hasMany(UserScope, { foreignKey: "userId", as: "scopes" });
  Profile.belongsTo(User, { foreignKey: "userId" });
  Profile.belongsTo(Unit, { foreignKey: "unitId", as: "unit" });
  User.hasOne(Profile, { foreignKey: "userId", as: "profile" });

  return { User, UserScope, Session, Affiliation, Department, Unit, Committee, TitleSeries, Specialty, AcceptanceDepartment, FormVersion, Profile, AuditLog, AchievementEntry, StoredFile, Plan, WorkflowVersion, PlanTypeVersion, NotificationDefinitionVersion, Notification, TemplateVersion, DictionaryVersion, Application, StageVisit, ApplicationAchievement, PledgeToken, PaymentOrder, PaymentNotification, ExportJob, IdentityTicket, UnitRegistration, CommitteeMeeting, CommitteeVote, PublicityPeriod };
}
