/** Roles per project and the role sets procedures declare. */
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
} as const satisfies Record<string, readonly Role[]>;
