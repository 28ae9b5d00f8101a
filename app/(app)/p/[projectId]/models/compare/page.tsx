import type { Metadata } from "next";
import Link from "next/link";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Field, Select } from "@/app/_components/ui/form";
import { Table, TBody, Td, Th, THead, Tr } from "@/app/_components/ui/table";
import { cx } from "@/app/_components/ui/cx";
import { projectHref } from "@/app/_lib/project-sections";
import { requireSection } from "../../_lib/section";
import { categoryNames, nameOf } from "../_lib/category-names";
import { fixed, parseVersionMetrics, pct, pp } from "../_lib/metrics";

export const metadata: Metadata = { title: "Compare model versions" };

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** For ECE lower is better; for the rest higher. */
const METRICS = [
  { key: "accuracy", label: "Gold accuracy", better: 1, fmt: pct, delta: pp },
  { key: "macroF1", label: "Macro-F1", better: 1, fmt: fixed, delta: (d: number | null) => signed(d, 3) },
  { key: "ece", label: "ECE (calibration error)", better: -1, fmt: fixed, delta: (d: number | null) => signed(d, 3) },
  { key: "coverageAtTarget", label: "Coverage at target", better: 1, fmt: pct, delta: pp },
] as const;

function signed(x: number | null, digits: number): string {
  if (x === null || !Number.isFinite(x)) return "–";
  return `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x).toFixed(digits)}`;
}

function toneOf(delta: number | null, better: number, eps = 1e-9): string {
  if (delta === null || Math.abs(delta) < eps) return "text-muted";
  return delta * better > 0 ? "text-ok" : "text-danger";
}

function idParam(v: string | string[] | undefined): number | null {
  const s = Array.isArray(v) ? v[0] : v;
  return s && /^[1-9][0-9]{0,9}$/.test(s) && Number(s) <= 2_147_483_647 ? Number(s) : null;
}

export default async function ComparePage({ params, searchParams }: Props) {
  const gate = await requireSection((await params).projectId, "models");
  const projectId = gate.project.id;
  const sp = await searchParams;
  const caller = await getCaller();
  const list = await settle(caller.models.list({ projectId, limit: 100 }));
  if (!list.ok)
    return (
      <Alert tone="danger" title="Could not load the model versions">
        {list.message}
      </Alert>
    );
  const active = list.data.active;
  // The 100 newest ready versions, and the active one wherever it is (it is ready: only ready versions activate).
  const loaded = list.data.versions
    .filter((v) => v.status === "ready")
    .map((v) => ({ id: v.id, version: v.version, active: v.active }));
  const ready =
    active && !loaded.some((v) => v.id === active.id)
      ? [...loaded, { id: active.id, version: active.version, active: true }]
      : loaded;
  // Default: the newest version against the active one (or the one before it when the newest is active).
  const newest = ready.reduce<(typeof ready)[number] | undefined>(
    (m, v) => (!m || v.version > m.version ? v : m),
    undefined,
  );
  const other = active && active.id !== newest?.id ? active : ready.filter((v) => v.id !== newest?.id)[0];
  const picked: [number | null, number | null] = [
    idParam(sp.a) ?? other?.id ?? null,
    idParam(sp.b) ?? newest?.id ?? null,
  ];
  // Always old → new, so a change is signed from the older version and an improvement shows green.
  const versionOf = (id: number | null) => ready.find((v) => v.id === id)?.version ?? 0;
  const [a, b] = versionOf(picked[0]) > versionOf(picked[1]) ? [picked[1], picked[0]] : picked;

  const header = (
    <div className="mb-5">
      <nav aria-label="Models breadcrumb" className="text-xs text-muted">
        <Link href={projectHref(projectId, "models")} className="hover:text-ink">
          Models
        </Link>
      </nav>
      <h1 className="mt-0.5 text-lg font-semibold tracking-tight">Compare versions</h1>
      <p className="mt-0.5 text-sm text-muted">
        Both measured on the gold set as it was when each was trained. A is the older version, B the newer: changes are
        signed from A, green where B is better, red where it is worse.
      </p>
    </div>
  );
  if (ready.length < 2) {
    return (
      <>
        {header}
        <EmptyState title="Nothing to compare yet">
          Comparing needs two ready versions; this project has {ready.length}.
        </EmptyState>
      </>
    );
  }
  const label = (v: (typeof ready)[number]) => `v${v.version}${v.active ? " (active)" : ""}`;
  const picker = (
    <form method="get" className="flex flex-wrap items-end gap-3">
      <Field id="cmp-a" label="Version A (baseline)" className="w-48">
        <Select id="cmp-a" name="a" defaultValue={a ?? undefined} className="w-48">
          {ready.map((v) => (
            <option key={v.id} value={v.id}>
              {label(v)}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="cmp-b" label="Version B" className="w-48">
        <Select id="cmp-b" name="b" defaultValue={b ?? undefined} className="w-48">
          {ready.map((v) => (
            <option key={v.id} value={v.id}>
              {label(v)}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" variant="primary">
        Compare
      </Button>
    </form>
  );
  if (a === null || b === null || a === b) {
    return (
      <>
        {header}
        <Card>
          <CardBody>{picker}</CardBody>
        </Card>
        {a !== null && a === b ? (
          <Alert tone="warn" className="mt-4">
            Pick two different versions.
          </Alert>
        ) : null}
      </>
    );
  }
  const [cmp, ga, gb, names] = await Promise.all([
    settle(caller.models.compare({ projectId, a, b })),
    settle(caller.models.get({ projectId, versionId: a })),
    settle(caller.models.get({ projectId, versionId: b })),
    categoryNames(caller, projectId),
  ]);
  if (!cmp.ok)
    return (
      <>
        {header}
        <Alert tone="danger">{cmp.message}</Alert>
      </>
    );
  const c = cmp.data;
  const classDeltas = perClassDeltas(ga.ok ? ga.data.metrics : null, gb.ok ? gb.data.metrics : null);

  return (
    <>
      {header}
      <div className="space-y-5">
        <Card>
          <CardBody>{picker}</CardBody>
        </Card>
        <Card>
          <CardHeader
            title={`v${c.a.version} → v${c.b.version}`}
            description="Changes from the older version to the newer one."
          />
          <Table caption="Metric deltas">
            <THead>
              <tr>
                <Th>Metric</Th>
                <Th className="text-right">v{c.a.version}</Th>
                <Th className="text-right">v{c.b.version}</Th>
                <Th className="text-right">Change</Th>
              </tr>
            </THead>
            <TBody>
              {METRICS.map((m) => {
                const d = c.deltas[m.key];
                return (
                  <Tr key={m.key}>
                    <Td>{m.label}</Td>
                    <Td className="text-right tabular-nums">{m.fmt(d?.a ?? null)}</Td>
                    <Td className="text-right tabular-nums">{m.fmt(d?.b ?? null)}</Td>
                    <Td
                      className={cx("text-right font-medium tabular-nums", toneOf(d?.delta ?? null, m.better))}
                      data-testid={`delta-${m.key}`}
                    >
                      {m.delta(d?.delta ?? null)}
                    </Td>
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        </Card>
        <div className="grid gap-5 xl:grid-cols-2">
          <Card>
            <CardHeader
              title="Confusions that changed"
              description="Gold items of a category predicted as another: fewer is better."
            />
            {c.confusions.length === 0 ? (
              <CardBody>
                <p className="text-sm text-muted">The top confusions are the same for both versions.</p>
              </CardBody>
            ) : (
              <Table caption="Changed confusions">
                <THead>
                  <tr>
                    <Th>True → predicted</Th>
                    <Th className="text-right">v{c.a.version}</Th>
                    <Th className="text-right">v{c.b.version}</Th>
                    <Th className="text-right">Change</Th>
                  </tr>
                </THead>
                <TBody>
                  {c.confusions.map((x) => (
                    <Tr key={`${x.trueCategoryId}-${x.predictedCategoryId}`}>
                      <Td className="max-w-xs">
                        <span className="block truncate">{nameOf(names, x.trueCategoryId)}</span>
                        <span className="block truncate text-xs text-muted">
                          → {nameOf(names, x.predictedCategoryId)}
                        </span>
                      </Td>
                      <Td className="text-right tabular-nums">{x.a}</Td>
                      <Td className="text-right tabular-nums">{x.b}</Td>
                      <Td className={cx("text-right font-medium tabular-nums", toneOf(x.delta, -1))}>
                        {signed(x.delta, 0)}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>
          <Card>
            <CardHeader title="Categories that moved most" description="F1 on the gold set, largest changes first." />
            {classDeltas.length === 0 ? (
              <CardBody>
                <p className="text-sm text-muted">No per-category figures to compare.</p>
              </CardBody>
            ) : (
              <Table caption="F1 change per category">
                <THead>
                  <tr>
                    <Th>Category</Th>
                    <Th className="text-right">v{c.a.version}</Th>
                    <Th className="text-right">v{c.b.version}</Th>
                    <Th className="text-right">Change</Th>
                  </tr>
                </THead>
                <TBody>
                  {classDeltas.map((x) => (
                    <Tr key={x.categoryId}>
                      <Td className="max-w-xs truncate">{nameOf(names, x.categoryId)}</Td>
                      <Td className="text-right tabular-nums">{fixed(x.a)}</Td>
                      <Td className="text-right tabular-nums">{fixed(x.b)}</Td>
                      <Td className={cx("text-right font-medium tabular-nums", toneOf(x.delta, 1, 0.0005))}>
                        {signed(x.delta, 3)}
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

function perClassDeltas(a: unknown, b: unknown) {
  const pa = new Map(
    (parseVersionMetrics(a).gold?.perClass ?? []).filter((c) => c.support > 0).map((c) => [c.categoryId, c.f1]),
  );
  const pb = parseVersionMetrics(b).gold?.perClass ?? [];
  return pb
    .flatMap((c) => {
      const a = pa.get(c.categoryId);
      return c.support > 0 && a !== undefined ? [{ categoryId: c.categoryId, a, b: c.f1, delta: c.f1 - a }] : [];
    })
    .filter((x) => Math.abs(x.delta) >= 0.0005)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, 15);
}
