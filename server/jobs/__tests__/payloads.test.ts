import { describe, expect, it } from "vitest";
import { JOB_PAYLOADS, LabelErrorsPayload, type JobName } from "@/server/jobs/payloads";
import { QUEUES, queueOf, sendOptions } from "@/server/jobs/queues";

describe("job payloads", () => {
  it("the labelErrors payload takes a project and a version id, and refuses anything else", () => {
    expect(LabelErrorsPayload.parse({ projectId: 3, versionId: 7 })).toEqual({ projectId: 3, versionId: 7 });
    for (const bad of [
      {},
      { projectId: 3 },
      { projectId: 0, versionId: 7 },
      { projectId: 3, versionId: -1 },
      { projectId: 3, versionId: 1.5 },
      { projectId: "3", versionId: 7 },
      null,
    ])
      expect(LabelErrorsPayload.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it("every job has a queue; the per-project ones get a singleton key", () => {
    const names = Object.keys(JOB_PAYLOADS) as JobName[];
    for (const name of names) expect(QUEUES.map((q) => q.name)).toContain(queueOf(name));
    expect(sendOptions("labelErrors", { projectId: 5 })).toMatchObject({
      singletonKey: "project-5",
      expireInSeconds: 3600,
    });
    expect(QUEUES.find((q) => q.name === queueOf("labelErrors"))?.policy).toBe("stately");
  });
});
