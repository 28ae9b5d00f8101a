import { MAX_CHOICES, type NumberedChoice } from "./review-choices";

/**
 * The digit of each category, kept from item to item within a session: a
 * category that keeps coming up keeps its key, so the hand learns it. A new
 * category takes an empty digit, else the one whose category was offered
 * longest ago (never one this item offers).
 */
export class DigitMemory {
  private slots: (number | null)[] = Array.from({ length: MAX_CHOICES }, () => null);
  private seenAt: number[] = Array.from({ length: MAX_CHOICES }, () => 0);
  private tick = 0;
  /** The keys an item was shown with, so its digits stay put on screen (and at the keypress). */
  private byItem = new Map<number, Map<number, string>>();

  assign(itemId: number, choices: readonly NumberedChoice[]): NumberedChoice[] {
    const shown = this.byItem.get(itemId);
    if (shown && choices.every((c) => shown.has(c.categoryId)))
      return choices.map((c) => ({ ...c, key: shown.get(c.categoryId) ?? c.key }));
    this.tick++;
    const offered = new Set(choices.map((c) => c.categoryId));
    const taken = new Set<number>();
    const slotOf = new Map<number, number>();
    for (const c of choices) {
      const i = this.slots.indexOf(c.categoryId);
      if (i >= 0) {
        slotOf.set(c.categoryId, i);
        taken.add(i);
      }
    }
    for (const c of choices) {
      if (slotOf.has(c.categoryId)) continue;
      const i = this.freeSlot(offered, taken);
      this.slots[i] = c.categoryId;
      slotOf.set(c.categoryId, i);
      taken.add(i);
    }
    for (const i of taken) this.seenAt[i] = this.tick;
    const out = choices.map((c) => ({ ...c, key: String((slotOf.get(c.categoryId) ?? 0) + 1) }));
    this.byItem.set(itemId, new Map(out.map((c) => [c.categoryId, c.key])));
    if (this.byItem.size > 500) this.byItem.delete(this.byItem.keys().next().value as number);
    return out;
  }

  private freeSlot(offered: ReadonlySet<number>, taken: ReadonlySet<number>): number {
    let best = -1;
    for (let i = 0; i < this.slots.length; i++) {
      const id = this.slots[i] ?? null;
      if (taken.has(i) || (id !== null && offered.has(id))) continue;
      if (best < 0) best = i;
      else if ((this.slots[best] ?? null) !== null && id === null) best = i;
      else if (
        ((this.slots[best] ?? null) === null) === (id === null) &&
        (this.seenAt[i] ?? 0) < (this.seenAt[best] ?? 0)
      )
        best = i;
    }
    return best < 0 ? 0 : best;
  }
}
