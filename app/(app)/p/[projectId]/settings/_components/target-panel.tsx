"use client";
/**
 * What a precision target would auto-accept, read by the rule certification itself applies (ml/certification) to
 * the evidence the current calibration was certified on: the preview can only promise what a recalibration at that
 * target would grant, and says when the evidence is too small to certify anything.
 */
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { useToast } from "@/app/_components/ui/toast";
import { errorMessage } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_lib/trpc/client";
import { previewCertification, type CertificationEvidence, type CertificationPreview } from "@/ml/certification";
import { fixed, pct, type CurvePoint } from "../../models/_lib/metrics";
import { CoverageCurve } from "./coverage-curve";

export type ActiveCurve = {
  version: number;
  curve: CurvePoint[];
  /** Items the current calibration was certified on (null: stored before it was kept). */
  evidence: CertificationEvidence | null;
  evidenceCount: number | null;
  /** The target the current calibration was certified at (null: not recorded). */
  certifiedTarget: number | null;
  /** The thresholds were raised after failed audits, above what the evidence certifies. */
  tightened: boolean;
  calibratedAt: string;
} | null;

export function TargetPanel({
  projectId,
  active,
  target,
  savedTarget,
}: {
  projectId: number;
  active: ActiveCurve;
  target: number;
  savedTarget: number;
}) {
  if (!active || (active.curve.length === 0 && !active.evidence)) {
    return (
      <Card>
        <CardHeader title="Coverage at this target" />
        <CardBody>
          <EmptyState title={active ? "No certification evidence" : "No active model yet"}>
            {active
              ? "The active version had no gold items to certify thresholds on. Add labelled test items and retrain."
              : "Train and activate a model on the Models page to see how much each precision target would auto-accept."}
          </EmptyState>
        </CardBody>
      </Card>
    );
  }
  const n = active.evidence?.confidence.length ?? active.evidenceCount;
  const preview = previewAt(active.evidence, target);
  return (
    <Card>
      <CardHeader
        title="Coverage at this target"
        description={`Version ${active.version}, current calibration (${active.calibratedAt} UTC)${n ? `, certified on ${n} gold items` : ""}.`}
      />
      <CardBody className="space-y-3">
        <p className="text-sm" data-testid="target-readout" aria-live="polite">
          {active.tightened ? (
            <>
              The thresholds were raised after audits found too many wrong auto-accepts, so no preview would match them:
              recalibrate to refit on the newest audits, certify on the newest gold and preview targets again.
            </>
          ) : (
            <Readout hasEvidence={active.evidence !== null} preview={preview} target={target} />
          )}
        </p>
        <CertifiedAt projectId={projectId} certified={active.certifiedTarget} saved={savedTarget} />
        {active.curve.length > 0 ? (
          <CoverageCurve curve={active.curve} target={target} certified={preview?.coverage ?? null} />
        ) : null}
        <p className="text-xs text-muted">
          The figures apply certification&apos;s own rule to the items above, per category where a category has enough
          of them. Saving a new target takes effect at the next training or recalibration.
        </p>
      </CardBody>
    </Card>
  );
}

function previewAt(evidence: CertificationEvidence | null, target: number): CertificationPreview | null {
  return evidence && Number.isFinite(target) && target > 0 && target < 1
    ? previewCertification(evidence, target)
    : null;
}

function Readout({
  hasEvidence,
  preview,
  target,
}: {
  hasEvidence: boolean;
  preview: CertificationPreview | null;
  target: number;
}) {
  const at = <strong className="tabular-nums">{pct(target)}</strong>;
  if (!hasEvidence) {
    return (
      <>
        This calibration was stored without its certification evidence, so targets cannot be previewed: recalibrate the
        active version to see what a target would auto-accept.
      </>
    );
  }
  if (!preview) return <>Enter a precision target between 0 and 1.</>;
  if (preview.tooSmall) {
    return (
      <>
        At a precision target of {at} nothing can be certified: the gold set is too small. Certification needs at least{" "}
        <strong className="tabular-nums">{preview.needed}</strong> gold items at this target, and there are{" "}
        <strong className="tabular-nums">{preview.n}</strong>. Every item goes to people until more gold comes in
        (import items with split “test”, or let evaluation picks build it).
      </>
    );
  }
  if (preview.accepted === 0) {
    return (
      <>
        At a precision target of {at} nothing can be certified on these {preview.n} items: every item goes to people.
      </>
    );
  }
  const global = preview.thresholds.global;
  return (
    <>
      At a precision target of {at} the model would auto-accept about{" "}
      <strong className="tabular-nums text-ok">{pct(preview.coverage)}</strong> of items ({preview.accepted} of{" "}
      {preview.n} evidence items
      {global !== null && preview.thresholds.mode === "global" ? `, confidence ≥ ${fixed(global, 4)}` : ""}; measured
      precision there {pct(preview.precision)}).
    </>
  );
}

function CertifiedAt({ projectId, certified, saved }: { projectId: number; certified: number | null; saved: number }) {
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const recalibrate = useMutation(
    trpc.models.recalibrate.mutationOptions({
      onSuccess: (r) => {
        toast({
          tone: "ok",
          title: r.queued ? "Recalibration queued" : "Recalibrated",
          description: `Thresholds are being certified at the saved target, ${pct(saved)}.`,
        });
        router.refresh();
      },
      onError: (e) => toast({ tone: "danger", title: "Could not recalibrate", description: errorMessage(e) }),
    }),
  );
  const stale = certified === null || Math.abs(certified - saved) > 1e-9;
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs text-muted" data-testid="certified-target">
      <span>
        {certified === null
          ? "The current calibration did not record its target."
          : `The current thresholds were certified at ${pct(certified)}.`}
        {stale ? ` The saved target, ${pct(saved)}, applies from the next training or recalibration.` : ""}
      </span>
      {stale ? (
        <Button size="sm" onClick={() => recalibrate.mutate({ projectId })} busy={recalibrate.isPending}>
          Recalibrate at {pct(saved)}
        </Button>
      ) : null}
    </div>
  );
}
