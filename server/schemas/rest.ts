/**
 * The REST API's own shapes (/api/v1): path and query parameters (text on the
 * wire, coerced here) and the documented responses. Request bodies reuse the
 * tRPC input schemas, so both APIs validate alike; responses are stripped to
 * these schemas, so the OpenAPI document says exactly what is sent.
 */
import { z } from "zod";
import { CategoriesCreateInput } from "./categories";
import { RollbackInput } from "./models";
import { DataUpsertItemsInput } from "./data";
import { ItemsPredictionsInput } from "./items";

const MAX_ID = 2_147_483_647;
const PathId = z.coerce.number().int().positive().max(MAX_ID);

export const ProjectPath = z.object({ projectId: PathId });
export const VersionPath = z.object({ projectId: PathId, versionId: PathId });

export const CategoriesQuery = z.object({
  includeDeleted: z.enum(["true", "false"]).optional(),
  cursor: PathId.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const CategoryBody = CategoriesCreateInput.omit({ projectId: true });
export const RollbackBody = RollbackInput.omit({ projectId: true });
export const UpsertItemsBody = DataUpsertItemsInput.omit({ projectId: true });

export const PredictionsBody = ItemsPredictionsInput.omit({ projectId: true });

export const ItemPredictions = z.object({
  items: z.array(
    z.object({
      externalId: z.string(),
      found: z.boolean().meta({ description: "false: no item with this external id in the project" }),
      prediction: z
        .object({
          category: z.string().nullable(),
          confidence: z.number(),
          modelVersion: z.number().int(),
          top: z.array(z.object({ category: z.string().nullable(), prob: z.number() })),
        })
        .nullable()
        .meta({ description: "The active version's; null before it scored the item" }),
      label: z
        .object({
          category: z.string().nullable().meta({ description: "null: a person said no category fits" }),
          source: z.enum(["human", "auto", "import"]),
        })
        .nullable(),
    }),
  ),
});

export const UpsertResult = z.object({
  importId: z.number().int().meta({ description: "The run in the project's import history" }),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  labels: z.number().int().meta({ description: "Import labels written from `category`" }),
  humanLabelsKept: z.number().int().meta({ description: "Items whose human label was kept over `category`" }),
  categoriesCreated: z.number().int(),
});

const Instant = z.iso.datetime({ offset: true });
const SourceCounts = z.object({ human: z.number().int(), auto: z.number().int(), import: z.number().int() });

export const Category = z
  .object({
    id: z.number().int(),
    path: z.string(),
    name: z.string(),
    deletedAt: Instant.nullable(),
    createdAt: Instant,
  })
  .meta({ id: "Category" });

export const CategoryPage = z.object({
  categories: z.array(Category.extend({ labelCounts: SourceCounts.extend({ total: z.number().int() }) })),
  nextCursor: z.number().int().nullable(),
});

export const ProjectStatus = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    itemCounts: z.object({ pool: z.number().int(), test: z.number().int() }),
    labelCounts: SourceCounts,
    categoryCount: z.number().int(),
    activeModelVersion: z.number().int().nullable(),
  })
  .meta({ id: "ProjectStatus" });

export const TrainingRequested = z.object({
  versionId: z.number().int(),
  version: z.number().int(),
  created: z.boolean().meta({ description: "false: a run was already queued or running; this is that one" }),
});

export const Activation = z.object({
  versionId: z.number().int(),
  calibrationId: z.number().int().nullable(),
  changed: z.boolean(),
});

export const LabelChangesQuery = z.object({
  since: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .meta({ description: "`next` of the previous page; omitted: from the start (every label that exists)" }),
  limit: z.coerce.number().int().min(1).max(10_000).optional().meta({ description: "Default 1,000" }),
});

export const LabelChangePage = z.object({
  changes: z.array(
    z.object({
      changeId: z.number().int(),
      externalId: z.string(),
      category: z
        .string()
        .nullable()
        .meta({ description: "The category's path; null: a person said no category fits, or a tombstone" }),
      deleted: z.boolean().meta({ description: "true: a tombstone, the item has no label any more" }),
      source: z.enum(["human", "auto", "import"]).nullable(),
      annotationId: z.number().int().nullable(),
      modelVersionId: z.number().int().nullable(),
      confidence: z.number().nullable(),
      userId: z.number().int().nullable(),
      changedAt: Instant,
    }),
  ),
  next: z.string().meta({ description: "The cursor to send as `since` next time (unchanged when nothing is new)" }),
  hasMore: z.boolean().meta({ description: "true: more changes are visible now; ask again at once" }),
});

/** RFC 9457 problem details; `errors` names each bad field (a dotted path). */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem" });
