/**
 * Constants and enums that both pages and the server need. This module imports
 * nothing, so a client component can use it without pulling server code into
 * the browser bundle; the server reads the same values from here.
 */

/** Roles per project. */
export const ROLES = ["annotator", "reviewer", "ml_engineer", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Named role sets, so a procedure's declaration reads as intent. */
export const CAN = {
  /** Anyone who is a member of the project. */
  view: ["annotator", "reviewer", "ml_engineer", "manager", "admin"],
  annotate: ["annotator", "reviewer", "ml_engineer", "admin"],
  batchReview: ["reviewer", "ml_engineer", "admin"],
  manageModels: ["ml_engineer", "admin"],
  viewMetrics: ["reviewer", "ml_engineer", "manager", "admin"],
  importData: ["ml_engineer", "admin"],
  exportData: ["ml_engineer", "manager", "admin"],
  readAudit: ["manager", "admin"],
  manageMembers: ["admin"],
  /** Webhook subscriptions carry a signing secret and make the server call out: admins only. */
  manageWebhooks: ["admin"],
} as const satisfies Record<string, readonly Role[]>;

/**
 * What an API token may be used for. read: every query; write: changes to data
 * (items, labels, categories, imports, reviews); ml: training, activation,
 * rollback, recalibration and model settings. A token never grants more than
 * its owner's roles at the moment of use.
 */
export const TOKEN_SCOPES = ["read", "write", "ml"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
/**
 * What a procedure needs from an API token: one of the scopes, or "session":
 * never callable with a token (accounts, memberships, the tokens themselves),
 * so a leaked token cannot mint tokens or grant anyone access.
 */
export type ProcedureScope = TokenScope | "session";
/** Every token starts with this, so secret scanners and people can recognise one. */
export const API_TOKEN_PREFIX = "loupe_pat_";
/** Longest a token may live; null (never expires) is allowed too. */
export const API_TOKEN_MAX_DAYS = 3650;

/** Bounds of an import file and of each field, checked while streaming. */
export const IMPORT_LIMITS = {
  maxBytes: 200 * 1024 * 1024,
  maxRows: 1_000_000,
  maxErrors: 100,
  /** Longest single record we buffer; far above the sum of field limits. */
  maxRecordChars: 1024 * 1024,
  idChars: 200,
  titleChars: 2_000,
  descriptionChars: 20_000,
  categoryChars: 500,
  categoryDepth: 6,
  /** Attributes nested deeper would overflow recursive readers (JSON.stringify, superjson) when served. */
  attributeDepth: 32,
  /** Keys and array entries of one row's attributes, counted at every level. */
  attributeKeys: 2_000,
} as const;

/**
 * A custom header cannot be sent cross-site without a CORS preflight (which is
 * never granted), so requiring it on uploads keeps other sites from posting
 * files with the user's cookie.
 */
export const UPLOAD_FILENAME_HEADER = "x-loupe-filename";

/** Calls per tRPC batch; a larger batch is refused before any resolver runs. */
export const MAX_TRPC_BATCH = 20;

/** Items one queue.next may lease. */
export const MAX_NEXT = 50;

/** Labelled pool items a training run needs at the least. */
export const MIN_TRAINING_ITEMS = 10;

/** The batch grid's sort orders, reasons and label-state filters. */
export const BATCH_SORTS = ["confidence_desc", "confidence_asc", "margin_asc", "margin_desc"] as const;
export const BATCH_REASONS = ["all", "uncertain", "audit", "auto_accepted", "disputed", "suspect"] as const;
export const BATCH_LABEL_STATES = ["any", "unlabelled", "human", "auto", "import"] as const;

/**
 * Evaluation picks when the project leaves the rate automatic: this share of
 * queue slots while the gold set is smaller than the precision target needs,
 * then a maintenance share, so accuracy keeps being measured as the catalogue changes.
 * Half while building: until a threshold is certified nothing is automated however
 * good the model is, so gold, not training labels, is what the loop is short of.
 */
export const EVALUATION_RATES = { building: 0.5, maintenance: 0.02 } as const;

/**
 * What a webhook can subscribe to. labels.changed is batched (at most one message a
 * minute per webhook) and carries `since`/`until` cursors of the label pull API.
 */
export const WEBHOOK_EVENTS = [
  "labels.changed",
  "model.activated",
  "model.rolled_back",
  "audit.failed",
  "import.finished",
  "training.failed",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
