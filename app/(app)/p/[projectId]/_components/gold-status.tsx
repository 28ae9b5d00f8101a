/**
 * The gold set and what blocks automation, the same card on the overview, the
 * models page and the settings page. Rendered from evaluation.status.
 */
import { Alert } from "@/app/_components/ui/alert";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { Stat, formatCount } from "@/app/_components/ui/stat";
import type { RouterOutputs } from "@/app/_lib/trpc/types";

type Status = RouterOutputs["evaluation"]["status"];

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function GoldStatus({ status }: { status: Status }) {
  const { gold, needed } = status;
  const rate = status.evaluationRate;
  return (
    <Card>
      <CardHeader
        title="Gold set and automation"
        description="Gold items grade the model: imported test items, and uniform evaluation picks people decide in the queue. They are never trained on."
      />
      <CardBody className="space-y-3">
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="gold-status">
          <Stat
            label="Gold items"
            value={gold.total}
            hint={`${formatCount(gold.imported)} imported · ${formatCount(gold.fromEvaluation)} from evaluation picks`}
          />
          <Stat
            label={`Needed for ${pct(status.precisionTarget)}`}
            value={needed.perfectRecord}
            hint={`gold items at the least, all right; certification first looks at half the gold (at most ${formatCount(needed.firstLook)} items), so more gold certifies more`}
          />
          <Stat
            label="Audits"
            value={status.audits}
            hint="decisions on auto labels: they refit the calibration and watch precision"
          />
          <Stat
            label="Evaluation picks"
            value={pct(rate.rate)}
            hint={
              rate.automatic
                ? rate.rate >= 0.1
                  ? "of queue slots, automatic: building the gold set"
                  : "of queue slots, automatic: keeping accuracy measured"
                : "of queue slots, set in Settings"
            }
          />
        </dl>
        {gold.awaitingAgreement > 0 ? (
          <p className="text-xs text-muted">
            {formatCount(gold.awaitingAgreement)} evaluation item{gold.awaitingAgreement === 1 ? "" : "s"} wait for a
            second person's decision before they count as gold.
          </p>
        ) : null}
        <div data-testid="automation-blocking">
          {status.blocking ? (
            <Alert tone="warn" title="Why nothing is auto-accepted yet">
              {status.blocking.message}
            </Alert>
          ) : (
            <Alert tone="ok" title="Automation is on">
              The active version has thresholds certified at {pct(status.precisionTarget)} precision on the gold set.
            </Alert>
          )}
        </div>
      </CardBody>
    </Card>
  );
}
