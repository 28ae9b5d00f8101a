/** Category paths by id for a model's tables, read through the caller (deleted ones included: old versions name them). */
import type { ServerCaller } from "@/server/http/rsc";

/** Enough for any taxonomy Loupe is meant for; beyond it ids show as "#id". */
const MAX_PAGES = 30;

export async function categoryNames(caller: ServerCaller, projectId: number): Promise<Record<number, string>> {
  const out: Record<number, string> = {};
  let cursor: number | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await caller.categories.list({ projectId, includeDeleted: true, limit: 100, cursor });
    for (const c of page.categories) out[c.id] = c.deletedAt ? `${c.path} (deleted)` : c.path;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return out;
}

export function nameOf(names: Record<number, string>, id: number): string {
  return names[id] ?? `#${id}`;
}
