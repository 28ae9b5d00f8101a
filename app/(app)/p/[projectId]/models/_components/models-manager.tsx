"use client";
/**
 * The versions table, "Train now" and the live run. While a run is queued or
 * training, `models.progress` is polled every second; when it ends, the list
 * is refetched so the new version (or its failure) shows without a reload.
 */
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, ErrorAlert } from "@/app/_components/ui/alert";
import { Badge, type Tone } from "@/app/_components/ui/badge";
import { Button, buttonClasses } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Table, TBody, Td, Th, THead, Tr } from "@/app/_components/ui/table";
import { formatCount } from "@/app/_components/ui/stat";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { projectHref } from "@/app/_lib/project-sections";
import { duration, fixed, parseSummary, pct, splitCounts } from "../_lib/metrics";
import { isOpenRun, RunProgress, type Progress } from "./run-progress";
import { useVersionAction } from "./version-action";
import { LoadMore } from "@/app/_components/ui/load-more";

type ListPage = RouterOutputs["models"]["list"];
type Version = ListPage["versions"][number];
/** The list's summary of a version: every row, the active one, the rollback target. */
type VersionRef = Pick<Version, "id" | "version" | "summary">;
export type Readiness = { labelled: number; gold: number; categories: number; minLabels: number };

const STATUS_TONE: Record<Version["status"], Tone> = {
  queued: "neutral",
  training: "accent",
  ready: "ok",
  failed: "danger",
  cancelled: "neutral",
};
const TRIGGER_LABEL: Record<Version["trigger"], string> = {
  manual: "Manual",
  labels: "New labels",
  schedule: "Schedule",
  initial: "Initial",
};
/** While idle, still notice runs started by the label trigger, the schedule or a colleague. */
const IDLE_POLL_MS = 15_000;
const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function ModelsManager({
  projectId,
  initialList,
  initialProgress,
  readiness,
}: {
  projectId: number;
  initialList: ListPage;
  initialProgress: Progress | null;
  readiness: Readiness;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const list = useInfiniteQuery(
    trpc.models.list.infiniteQueryOptions(
      { projectId, limit: 50 },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        initialData: { pages: [initialList], pageParams: [null] },
      },
    ),
  );
  const progress = useQuery(
    trpc.models.progress.queryOptions(
      { projectId },
      {
        initialData: initialProgress,
        staleTime: 0,
        refetchInterval: (q) => (isOpenRun(q.state.data) ? 1000 : IDLE_POLL_MS),
        refetchIntervalInBackground: true,
      },
    ),
  );
  // The queued version shows in the table at once, and the progress poll starts.
  const train = useMutation(
    trpc.models.train.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() }),
    }),
  );
  const { ask, dialog } = useVersionAction(projectId);
  const now = useNow(isOpenRun(progress.data));

  // A run that just ended: refresh the table (new version, metrics, maybe auto-activated).
  const wasOpen = useRef(isOpenRun(initialProgress));
  useEffect(() => {
    const open = isOpenRun(progress.data);
    if (wasOpen.current && !open) {
      void queryClient.invalidateQueries({ queryKey: trpc.models.list.pathKey() });
      router.refresh();
    }
    wasOpen.current = open;
  }, [progress.data, queryClient, router, trpc]);

  const versions = list.data.pages.flatMap((p) => p.versions);
  const run = progress.data;
  // From the server, not the rows loaded so far: the active version may be older than the first page.
  const { active, previousReady } = list.data.pages[0] ?? initialList;
  const canTrain = readiness.categories >= 2 && readiness.labelled >= readiness.minLabels;
  const side = (v: VersionRef) => ({
    id: v.id,
    version: v.version,
    accuracy: parseSummary(v.summary)?.accuracy ?? null,
    coverage: parseSummary(v.summary)?.coverageAtTarget ?? null,
  });

  const trainButton = (
    <Button
      variant="primary"
      onClick={() => train.mutate({ projectId })}
      busy={train.isPending}
      disabled={isOpenRun(run) || !canTrain}
    >
      {isOpenRun(run) ? "Training…" : "Train now"}
    </Button>
  );

  return (
    <div className="space-y-5">
      {train.error ? <ErrorAlert error={train.error} title="Could not start training" /> : null}
      {run && isOpenRun(run) ? (
        <Card>
          <CardBody>
            <RunProgress run={run} now={now} />
          </CardBody>
        </Card>
      ) : run?.status === "failed" ? (
        <Alert tone="danger" title={`Training version ${run.version} failed`} action={canTrain ? trainButton : null}>
          <span data-testid="training-error">{run.error ?? "No error message was recorded."}</span>
        </Alert>
      ) : null}
      {progress.error ? <ErrorAlert error={progress.error} title="Lost track of the training run; retrying" /> : null}

      {versions.length === 0 && !isOpenRun(run) ? (
        <EmptyState title="Train the first model" action={trainButton}>
          <p>
            A model needs at least two categories and {readiness.minLabels} labelled pool items to learn from; gold
            (test) items with labels give it accuracy, calibration and the thresholds for auto-accepting.
          </p>
          <p className="mt-2 tabular-nums">
            This project has {formatCount(readiness.categories)} categories, {formatCount(readiness.labelled)} human or
            imported labels and {formatCount(readiness.gold)} gold items.
          </p>
          {!canTrain ? <p className="mt-2 text-warn">Import or label more items first.</p> : null}
        </EmptyState>
      ) : (
        <Card>
          <CardHeader
            title="Versions"
            description="Gold-set metrics of every run. Coverage is the share of gold items the version would auto-accept at the project's precision target."
            actions={
              <>
                <Link href={projectHref(projectId, "models/compare")} className={buttonClasses("secondary", "md")}>
                  Compare
                </Link>
                {active && previousReady ? (
                  <Button
                    variant="danger"
                    onClick={() => ask({ kind: "rollback", target: side(previousReady), current: side(active) })}
                  >
                    Roll back
                  </Button>
                ) : null}
                {trainButton}
              </>
            }
          />
          {!canTrain ? (
            <CardBody className="border-b border-line">
              <p className="text-xs text-warn">
                Training needs two categories and {readiness.minLabels} labelled pool items.
              </p>
            </CardBody>
          ) : null}
          <VersionsTable
            projectId={projectId}
            versions={versions}
            run={run ?? null}
            active={active}
            onAsk={(v) =>
              ask({
                kind: active && v.version < active.version ? "rollback" : "activate",
                target: side(v),
                current: active ? side(active) : null,
              })
            }
          />
          <LoadMore query={list} label="Show older versions" />
          {list.error ? <ErrorAlert error={list.error} title="Could not load the versions" className="m-3" /> : null}
        </Card>
      )}
      {dialog}
    </div>
  );
}

function VersionsTable({
  projectId,
  versions,
  run,
  active,
  onAsk,
}: {
  projectId: number;
  versions: Version[];
  /** The polled run: its status is newer than the list's (queued → training shows at once). */
  run: Progress | null;
  active: VersionRef | null;
  onAsk: (v: Version) => void;
}) {
  return (
    <Table caption="Model versions">
      <THead>
        <tr>
          <Th>Version</Th>
          <Th>Status</Th>
          <Th>Trigger</Th>
          <Th className="text-right">
            <abbr
              title="Labels trained on · pool labels held out to fit the calibration · gold items"
              className="no-underline"
            >
              Train · calib. · gold
            </abbr>
          </Th>
          <Th>Backend</Th>
          <Th className="text-right">Training</Th>
          <Th className="text-right">Accuracy</Th>
          <Th className="text-right">Macro-F1</Th>
          <Th className="text-right">ECE</Th>
          <Th className="text-right">Coverage</Th>
          <Th>Created (UTC)</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {versions.map((listed) => {
          const v = run && run.id === listed.id && isOpenRun(run) ? { ...listed, status: run.status } : listed;
          const s = parseSummary(v.summary);
          const sp = splitCounts(v.splits);
          return (
            <Tr key={v.id}>
              <Td
                className="whitespace-nowrap"
                data-testid={`version-${v.version}`}
                data-active={v.active ? "true" : "false"}
                data-status={v.status}
              >
                <Link
                  href={projectHref(projectId, `models/${v.id}`)}
                  className="font-medium text-accent hover:underline"
                >
                  v{v.version}
                </Link>
                {v.active ? (
                  <Badge tone="accent" className="ml-2">
                    Active
                  </Badge>
                ) : null}
              </Td>
              <Td>
                <Badge tone={STATUS_TONE[v.status]}>{v.status}</Badge>
                {v.status === "failed" && v.error ? (
                  <p className="mt-0.5 max-w-56 truncate text-xs text-danger" title={v.error}>
                    {v.error}
                  </p>
                ) : null}
              </Td>
              <Td className="text-muted">{TRIGGER_LABEL[v.trigger]}</Td>
              <Td className="text-right whitespace-nowrap tabular-nums" data-testid={`splits-${v.version}`}>
                {sp
                  ? `${formatCount(sp.train)} · ${formatCount(sp.holdOut)} · ${formatCount(sp.gold)}`
                  : v.labelCount === null
                    ? "–"
                    : formatCount(v.labelCount)}
              </Td>
              <Td className="text-muted">{v.backend ?? "–"}</Td>
              <Td className="text-right tabular-nums">{duration(v.trainMs)}</Td>
              <Td className="text-right tabular-nums">{pct(s?.accuracy)}</Td>
              <Td className="text-right tabular-nums">{fixed(s?.macroF1)}</Td>
              <Td className="text-right tabular-nums">{fixed(s?.ece)}</Td>
              <Td className="text-right tabular-nums">{pct(s?.coverageAtTarget)}</Td>
              <Td className="whitespace-nowrap text-muted">{dateFmt.format(new Date(v.createdAt))}</Td>
              <Td className="text-right whitespace-nowrap">
                {v.status === "ready" && !v.active ? (
                  <span className="inline-flex gap-1.5">
                    {active ? (
                      <Link
                        href={`${projectHref(projectId, "models/compare")}?a=${active.id}&b=${v.id}`}
                        className={buttonClasses("ghost", "sm")}
                      >
                        Compare
                      </Link>
                    ) : null}
                    <Button
                      size="sm"
                      onClick={() => onAsk(v)}
                      aria-label={`${active && v.version < active.version ? "Roll back to" : "Activate"} version ${v.version}`}
                    >
                      {active && v.version < active.version ? `Roll back to v${v.version}` : `Activate v${v.version}`}
                    </Button>
                  </span>
                ) : null}
              </Td>
            </Tr>
          );
        })}
      </TBody>
    </Table>
  );
}

/** A clock that ticks each second while `running`, for elapsed times. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);
  return now;
}
