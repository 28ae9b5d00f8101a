"use client";
/** One item on screen: what it is, why it was picked, what the model thinks, and similar labelled items. */
import { Badge, SourceBadge, type LabelSource } from "@/app/_components/ui/badge";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { cx } from "@/app/_components/ui/cx";
import { auditedLabel, explainPick, likelyParent, percent, type NumberedChoice } from "../_lib/review-choices";
import type { Task } from "../_lib/review-types";
import { Kbd, PathText } from "./category-search";

export function ItemPanel({ task }: { task: Task }) {
  const { item } = task.handoff;
  const why = explainPick(task);
  const attrs = Object.entries(item.attributes ?? {}).filter(([, v]) => v !== null && v !== "");
  return (
    <Card>
      <div className="px-5 pt-4 pb-5">
        <div className="flex flex-wrap items-center gap-2 text-xs">
          <Badge tone={why.tone} className="text-xs">
            {why.label}
          </Badge>
          <span className="font-mono text-faint">{item.externalId}</span>
        </div>
        <h2
          className="mt-2 text-2xl leading-snug font-semibold tracking-tight break-words"
          data-testid="review-title"
          data-item-id={item.id}
        >
          {item.title}
        </h2>
        {item.description ? (
          <p className="mt-2 max-w-3xl text-base leading-relaxed whitespace-pre-line break-words text-ink/85">
            {item.description}
          </p>
        ) : null}
        {attrs.length > 0 ? (
          <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            {attrs.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="break-words">{typeof v === "string" ? v : JSON.stringify(v)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <p className="mt-4 text-xs text-muted">{why.detail}</p>
      </div>
    </Card>
  );
}

export function ChoicesPanel({
  task,
  choices,
  onChoose,
}: {
  task: Task;
  choices: NumberedChoice[];
  onChoose: (c: NumberedChoice) => void;
}) {
  const pred = task.handoff.prediction;
  const parent = auditedLabel(task) ? null : likelyParent(task);
  const model = choices.filter((c) => c.source === "model" || c.source === "suspect");
  const more = choices.filter((c) => c.source !== "model" && c.source !== "suspect");
  return (
    <Card>
      <CardHeader
        title={auditedLabel(task) ? "Auto-accepted label under audit" : "Model suggestion"}
        description={
          auditedLabel(task)
            ? "Enter confirms the automatic label; pick another category if it is wrong."
            : pred
              ? `Calibrated probabilities from model v${pred.modelVersion}`
              : task.handoff.pick.reason === "evaluation"
                ? "The model's suggestion is hidden on evaluation picks, so that it cannot sway you: pick a category below or press / to search."
                : "No suggestion for this item: pick a category below or press / to search."
        }
      />
      <CardBody className="space-y-1.5">
        {parent ? (
          <p
            className="mb-2 flex flex-wrap items-baseline gap-x-2 rounded-md bg-accent-soft/60 px-2.5 py-1.5 text-sm"
            data-testid="likely-parent"
            data-path={parent.path}
          >
            <PathText path={parent.path} className="font-medium" />
            <span className="tabular-nums">{percent(parent.prob)}</span>
            <span className="text-muted">· which subcategory?</span>
          </p>
        ) : null}
        {model.map((c) => (
          <ChoiceRow key={c.categoryId} c={c} onChoose={onChoose} />
        ))}
        {more.length > 0 ? (
          <div className={cx(model.length > 0 && "mt-3 border-t border-line pt-3")}>
            <p className="mb-1.5 text-xs text-muted">Other likely categories</p>
            <div className="space-y-1">
              {more.map((c) => (
                <ChoiceRow key={c.categoryId} c={c} onChoose={onChoose} />
              ))}
            </div>
          </div>
        ) : null}
        {choices.length === 0 ? (
          <p className="py-2 text-sm text-muted">No candidates yet. Press / to search the taxonomy.</p>
        ) : null}
      </CardBody>
    </Card>
  );
}

const SOURCE_NOTE: Record<NumberedChoice["source"], string> = {
  model: "",
  suspect: "",
  neighbour: "similar item",
  recent: "you used recently",
};

function ChoiceRow({ c, onChoose }: { c: NumberedChoice; onChoose: (c: NumberedChoice) => void }) {
  return (
    <button
      type="button"
      tabIndex={-1}
      disabled={!c.available}
      onClick={() => onChoose(c)}
      data-testid={`choice-${c.key}`}
      data-category-id={c.categoryId}
      data-suggestion={c.isSuggestion ? "true" : "false"}
      className={cx(
        "group relative flex w-full items-center gap-3 overflow-hidden rounded-md border px-2.5 py-1.5 text-left text-sm transition-colors",
        c.isSuggestion ? "border-accent/40 bg-accent-soft/60" : "border-line hover:bg-canvas",
        !c.available && "opacity-60",
      )}
    >
      {c.prob !== null ? (
        <span
          aria-hidden="true"
          className="absolute inset-y-0 left-0 bg-accent/10"
          style={{ width: `${Math.max(2, Math.round(c.prob * 100))}%` }}
        />
      ) : null}
      <span className="relative flex items-center gap-1">
        {c.isSuggestion ? <Kbd>Enter</Kbd> : null}
        <Kbd>{c.key}</Kbd>
      </span>
      <PathText path={c.path} className={cx("relative min-w-0 flex-1 truncate", !c.available && "line-through")} />
      <span className="relative shrink-0 text-xs text-muted tabular-nums">
        {!c.available ? "deleted" : c.prob !== null ? percent(c.prob) : SOURCE_NOTE[c.source]}
      </span>
    </button>
  );
}

export function NeighboursPanel({ task }: { task: Task }) {
  const nb = task.handoff.neighbours;
  return (
    <Card>
      <CardHeader
        title="Similar labelled items"
        description={
          nb.basis === "embedding"
            ? "Nearest by the model's embedding"
            : nb.basis === "title"
              ? "Nearest by shared title words"
              : undefined
        }
      />
      {nb.items.length === 0 ? (
        <CardBody>
          <p className="text-sm text-muted">No labelled items are similar to this one yet.</p>
        </CardBody>
      ) : (
        <ul className="divide-y divide-line">
          {nb.items.map((n) => (
            <li key={n.itemId} className="px-4 py-2">
              <p className="truncate text-sm" title={n.title}>
                {n.title}
              </p>
              <div className="mt-0.5 flex items-center gap-2 text-xs">
                {n.label.path ? (
                  <PathText path={n.label.path} className="min-w-0 truncate" />
                ) : (
                  <span className="text-muted">None fits</span>
                )}
                {n.label.deleted ? <Badge tone="danger">deleted</Badge> : null}
                <span className="ml-auto shrink-0">
                  <SourceBadge source={n.label.source as LabelSource} />
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const ACTION_LABEL: Record<string, string> = {
  accept: "accepted",
  correct: "corrected to",
  reject: "none fits",
  skip: "skipped",
  undo: "undid",
};

export function HistoryPanel({ task }: { task: Task }) {
  const { history, currentLabel } = task.handoff;
  if (history.length === 0 && !currentLabel) return null;
  return (
    <Card>
      <CardHeader title="This item so far" />
      <CardBody className="space-y-1.5 text-xs">
        {currentLabel ? (
          <p className="flex items-center gap-2">
            <span className="text-muted">Current label</span>
            {currentLabel.path ? <PathText path={currentLabel.path} /> : <span>None fits</span>}
            <SourceBadge source={currentLabel.source as LabelSource} />
          </p>
        ) : null}
        {history.map((h) => (
          <p key={h.annotationId} className="text-muted">
            <span className="text-ink">{h.userName}</span> {ACTION_LABEL[h.action] ?? h.action}{" "}
            {h.path ? <PathText path={h.path} className="text-ink" /> : null}
            <span className="text-faint"> · {h.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span>
          </p>
        ))}
      </CardBody>
    </Card>
  );
}
