/** Building blocks shared by the domain input schemas, so bounds stay the same everywhere. */
import { z } from "zod";
import { isTimeZone } from "@/lib/time";

export const Id = z.number().int().positive().max(2_147_483_647);
export const ProjectId = Id;
/** Every list is paged: at most 100 rows per call. */
export const Limit = z.number().int().min(1).max(100).default(50);
/** Keyset cursor: the last id of the previous page. */
export const Cursor = Id.optional();
export const Email = z.string().trim().toLowerCase().max(320).pipe(z.email());
export const PersonName = z.string().trim().min(1).max(200);
export const SearchText = z.string().trim().max(200).optional();

/**
 * The client's time zone, so "today" is the annotator's day, not the server's:
 * the IANA name (right across daylight saving changes) and, from older clients,
 * the UTC offset at the time of the call.
 */
export const ClientZone = {
  timeZone: z.string().max(64).refine(isTimeZone, "Unknown time zone").optional(),
  tzOffsetMinutes: z.number().int().min(-840).max(840).default(0),
};
