import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClasses } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Stat, formatCount } from "@/app/_components/ui/stat";
import { Table, TBody, Td, Th, THead, Tr } from "@/app/_components/ui/table";
import { projectHref } from "@/app/_lib/project-sections";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { requireSection } from "../../_lib/section";
import { categoryNames, nameOf } from "../_lib/category-names";
import {
  duration,
  fixed,
  parseSummary,
  parseVersionMetrics,
  pct,
  splitCounts,
  type VersionMetrics,
} from "../_lib/metrics";
import { ReliabilityChart } from "../_components/reliability-chart";
import { VersionControls, VersionRunWatcher } from "../_components/version-controls";

export const metadata: Metadata = { title: "Model version" };

type Props = { params: Promise<{ projectId: string; versionId: string }> };
const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

const GATE_EVIDENCE = {
  gold: "both versions scored on the gold set",
  "held-out": "both versions scored on held-out items and audits that neither was trained on (no gold set yet)",
  none: "too few items that neither version was trained on; the newer version was activated",
} as const;

export default async function VersionPage({ params }: Props) {
  const { projectId: pid, versionId: vid } = await params;
  const gate = await requireSection(pid, "models");
  const versionId = /^[1-9][0-9]{0,9}$/.test(vid) ? Number(vid) : NaN;
  if (!Number.isSafeInteger(versionId) || versionId > 2_147_483_647) notFound();
  const projectId = gate.project.id;
  const caller = await getCaller();
  const [got, list, names] = await Promise.all([
    settle(caller.models.get({ projectId, versionId })),
    settle(caller.models.list({ projectId, limit: 100 })),
    categoryNames(caller, projectId),
  ]);
  if (!got.ok)
    return (
      <Alert tone="danger" title="Could not load this version">
        {got.message}
      </Alert>
    );
  const v = got.data;
  const m = parseVersionMetrics(v.metrics);
  const activeRow = list.ok ? list.data.active : null;
  const side = (x: { id: number; version: number; summary: unknown }) => ({
    id: x.id,
    version: x.version,
    accuracy: parseSummary(x.summary)?.accuracy ?? null,
    coverage: parseSummary(x.summary)?.coverageAtTarget ?? null,
  });
  const perClassThreshold = new Map(
    (v.categoryIds ?? []).map((c, i) => [c, v.calibration?.thresholds.perClass[i] ?? null]),
  );

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <nav aria-label="Models breadcrumb" className="text-xs text-muted">
            <Link href={projectHref(projectId, "models")} className="hover:text-ink">
              Models
            </Link>
          </nav>
          <h1 className="mt-0.5 flex items-center gap-2 text-lg font-semibold tracking-tight">
            Version {v.version}
            {v.active ? <Badge tone="accent">Active</Badge> : null}
            <Badge tone={v.status === "ready" ? "ok" : v.status === "failed" ? "danger" : "neutral"}>{v.status}</Badge>
          </h1>
          <p className="mt-0.5 text-sm text-muted">
            Trigger {v.trigger}, created {dateFmt.format(new Date(v.createdAt))} UTC
            {v.finishedAt ? `, finished ${dateFmt.format(new Date(v.finishedAt))} UTC` : ""}.
          </p>
        </div>
        <div className="flex items-center gap-2">
          {activeRow && !v.active && v.status === "ready" ? (
            <Link
              href={`${projectHref(projectId, "models/compare")}?a=${activeRow.id}&b=${v.id}`}
              className={buttonClasses("secondary", "md")}
            >
              Compare with active
            </Link>
          ) : null}
          {v.status === "ready" ? (
            <VersionControls
              projectId={projectId}
              isActive={v.active}
              target={side({ ...v, summary: m.summary })}
              active={activeRow ? side(activeRow) : null}
            />
          ) : null}
        </div>
      </div>

      {v.status === "failed" ? (
        <Alert tone="danger" title="This run failed">
          {v.error ?? "No error message was recorded."}
        </Alert>
      ) : null}
      {v.status === "queued" || v.status === "training" ? (
        <Card>
          <CardBody>
            <VersionRunWatcher projectId={projectId} versionId={v.id} />
          </CardBody>
        </Card>
      ) : null}
      {v.status === "ready" ? (
        <ReadyVersion
          v={v}
          m={m}
          names={names}
          perClassThreshold={perClassThreshold}
          versions={list.ok ? list.data.versions : []}
        />
      ) : null}
    </div>
  );
}

type Detail = RouterOutputs["models"]["get"];

function ReadyVersion({
  v,
  m,
  names,
  perClassThreshold,
  versions,
}: {
  v: Detail;
  m: VersionMetrics;
  names: Record<number, string>;
  perClassThreshold: Map<number, number | null>;
  versions: { id: number; version: number }[];
}) {
  const g = m.gold;
  const splits = splitCounts(m.splits);
  const warmFrom = versions.find((x) => x.id === m.warmStartedFrom);
  const calMetrics = (v.calibration?.metrics ?? {}) as {
    ece?: unknown;
    coverageAtTarget?: unknown;
    after?: { ece?: unknown; eceHeldOut?: unknown; coverage?: unknown };
    fitted?: unknown;
  };
  const temperature = typeof v.calibration?.params.temperature === "number" ? v.calibration.params.temperature : null;
  const supportOf = new Map((g?.perClass ?? []).map((c) => [c.categoryId, c.support]));
  const perClass = [...(g?.perClass ?? [])]
    .filter((c) => c.support > 0)
    .sort((a, b) => b.support - a.support || a.f1 - b.f1);
  return (
    <>
      {!g || g.n === 0 ? (
        <Alert tone="warn" title="No gold set">
          This project has no labelled test items, so accuracy and calibration could not be measured. Import items with
          split “test” to get them.
        </Alert>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label="Gold accuracy" value={pct(g?.accuracy)} hint={g ? `${formatCount(g.n)} gold items` : undefined} />
        <Stat label="Macro-F1" value={fixed(g?.macroF1)} />
        <Stat label="ECE" value={fixed(g?.ece)} hint="expected calibration error" />
        <Stat label="Coverage at target" value={pct(g?.coverageAtTarget)} hint="auto-accepted share of gold" />
        <Stat label="Precision of those" value={pct(g?.precisionAtTarget)} />
        <Stat label="Training time" value={duration(v.trainMs)} hint={v.backend ?? undefined} />
      </dl>

      <div className="grid gap-5 lg:grid-cols-2">
        <Card>
          <CardHeader
            title="Reliability"
            description="Accuracy against confidence on the gold set, after calibration."
          />
          <CardBody>
            {g && g.reliability.some((b) => b.count > 0) ? (
              <ReliabilityChart bins={g.reliability} />
            ) : (
              <p className="text-sm text-muted">No gold predictions to plot.</p>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Run and calibration" />
          <CardBody>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
              <dt className="text-muted">Training labels</dt>
              <dd className="tabular-nums">{v.labelCount === null ? "–" : formatCount(v.labelCount)}</dd>
              {splits ? (
                <>
                  <dt className="text-muted">Labels by use</dt>
                  <dd className="tabular-nums">
                    <span data-testid="split-counts">
                      {formatCount(splits.train)} train · {formatCount(splits.holdOut)} calibration hold-out ·{" "}
                      {formatCount(splits.gold)} gold · {formatCount(splits.audits)} audits
                    </span>
                    <span className="block text-xs text-muted">
                      People&apos;s and imported pool labels train the model, except a fixed 15% held out to fit its
                      calibration, with the audited auto-accepts; gold items are never trained on and certify the
                      auto-accept threshold without fitting anything. Training can shrink between versions only when
                      labels move out of it: audited, turned into gold or excluded as suspects.
                    </span>
                  </dd>
                </>
              ) : null}
              <dt className="text-muted">Warm start</dt>
              <dd>
                {m.warmStartedFrom
                  ? `from the weights of ${warmFrom ? `version ${warmFrom.version}` : `version id ${m.warmStartedFrom}`}`
                  : "no (trained from scratch)"}
              </dd>
              <dt className="text-muted">Activation gate</dt>
              <dd data-testid="gate">
                {m.gate ? `${m.gate.passed ? "passed" : "held back"}: ${m.gate.reason}` : "–"}
                {m.gate?.evidence ? (
                  <span className="block text-xs text-muted">Evidence: {GATE_EVIDENCE[m.gate.evidence.kind]}.</span>
                ) : null}
              </dd>
              <dt className="text-muted">Calibration</dt>
              <dd>
                {v.calibration
                  ? `${calMetrics.after ? "recalibrated" : "from training"}, ${dateFmt.format(new Date(v.calibration.createdAt))} UTC`
                  : "none"}
                {temperature !== null ? `, temperature ${temperature.toFixed(3)}` : ""}
              </dd>
              {calMetrics.after ? (
                <>
                  <dt className="text-muted">After recalibration</dt>
                  <dd className="tabular-nums">
                    ECE {fixed(typeof calMetrics.after.ece === "number" ? calMetrics.after.ece : null)}
                    {typeof calMetrics.fitted === "number"
                      ? ` on the gold, which the refit (on ${formatCount(calMetrics.fitted)} held-out labels and audits) never saw`
                      : ` on the evidence it was fitted on${typeof calMetrics.after.eceHeldOut === "number" ? `, ${fixed(calMetrics.after.eceHeldOut)} held out (2-fold)` : ""}`}
                    , coverage {pct(typeof calMetrics.after.coverage === "number" ? calMetrics.after.coverage : null)}
                  </dd>
                </>
              ) : null}
              <dt className="text-muted">Global threshold</dt>
              <dd className="tabular-nums">
                {v.calibration?.thresholds.global == null
                  ? "none certified"
                  : fixed(v.calibration.thresholds.global, 4)}
              </dd>
              {m.thresholds?.reason ? (
                <>
                  <dt className="text-muted">Why none</dt>
                  <dd>{m.thresholds.reason}</dd>
                </>
              ) : null}
              <dt className="text-muted">Artifact sha256</dt>
              <dd className="truncate font-mono text-xs" title={v.artifactSha256 ?? undefined}>
                {v.artifactSha256 ?? "–"}
              </dd>
              <dt className="text-muted">Dataset hash</dt>
              <dd className="truncate font-mono text-xs" title={v.datasetHash ?? undefined}>
                {v.datasetHash ?? "–"}
              </dd>
            </dl>
          </CardBody>
        </Card>
      </div>

      <div className="grid gap-5 xl:grid-cols-[3fr_2fr]">
        <Card>
          <CardHeader
            title="Per category"
            description="Precision and recall on the gold set, largest categories first; the threshold is what auto-accepting needs."
          />
          {perClass.length === 0 ? (
            <CardBody>
              <EmptyState title="No gold items per category" />
            </CardBody>
          ) : (
            <Table caption="Precision and recall per category">
              <THead>
                <tr>
                  <Th>Category</Th>
                  <Th className="text-right">Gold items</Th>
                  <Th className="text-right">Precision</Th>
                  <Th className="text-right">Recall</Th>
                  <Th className="text-right">F1</Th>
                  <Th className="text-right">Threshold</Th>
                </tr>
              </THead>
              <TBody>
                {perClass.map((c) => {
                  const t = perClassThreshold.get(c.categoryId);
                  return (
                    <Tr key={c.categoryId}>
                      <Td className="max-w-md truncate" title={nameOf(names, c.categoryId)}>
                        {nameOf(names, c.categoryId)}
                      </Td>
                      <Td className="text-right tabular-nums">{formatCount(c.support)}</Td>
                      <Td className="text-right tabular-nums">{pct(c.precision)}</Td>
                      <Td className="text-right tabular-nums">{pct(c.recall)}</Td>
                      <Td
                        className={
                          c.f1 < 0.5 ? "text-right font-medium text-danger tabular-nums" : "text-right tabular-nums"
                        }
                      >
                        {fixed(c.f1)}
                      </Td>
                      <Td className="text-right text-muted tabular-nums">{t == null ? "never" : fixed(t, 3)}</Td>
                    </Tr>
                  );
                })}
              </TBody>
            </Table>
          )}
        </Card>
        <Card>
          <CardHeader title="Top confusions" description="Gold items of one category predicted as another." />
          {!g || g.confusions.length === 0 ? (
            <CardBody>
              <p className="text-sm text-muted">No confusions on the gold set.</p>
            </CardBody>
          ) : (
            <Table caption="Most frequent confusions">
              <THead>
                <tr>
                  <Th>True → predicted</Th>
                  <Th className="text-right">Items</Th>
                  <Th className="text-right">Of true</Th>
                </tr>
              </THead>
              <TBody>
                {g.confusions.map((c) => (
                  <Tr key={`${c.trueCategoryId}-${c.predictedCategoryId}`}>
                    <Td className="max-w-xs">
                      <span className="block truncate" title={nameOf(names, c.trueCategoryId)}>
                        {nameOf(names, c.trueCategoryId)}
                      </span>
                      <span className="block truncate text-xs text-muted" title={nameOf(names, c.predictedCategoryId)}>
                        → {nameOf(names, c.predictedCategoryId)}
                      </span>
                    </Td>
                    <Td className="text-right tabular-nums">{formatCount(c.count)}</Td>
                    <Td className="text-right text-muted tabular-nums">
                      {pct(c.count / Math.max(1, supportOf.get(c.trueCategoryId) ?? 0), 0)}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
