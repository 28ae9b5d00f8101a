import type { CategorySpec } from "./category-spec";
import { modelsFor, type ProductLines } from "./product-lines";
import type { Rng } from "./prng";
import { randomCasing, typo } from "./noise";
import {
  APPLIANCE_FEATURES,
  COLOURS,
  COMBO_JOINERS,
  COMBO_SUFFIXES,
  GENERIC_BLURBS,
  GENERIC_FEATURES,
  MARKETING,
  MENTIONS,
  PACK_FORMATS,
} from "./vocab";

export type ItemBody = { title: string; description: string | null; attributes: Record<string, string> };
/** normal; vague = no product noun and an unseen model number; ambiguous = hybrid of two categories. */
export type ItemKind = "normal" | "vague" | "ambiguous";

export type ItemContext = {
  rng: Rng;
  lines: ProductLines;
  specByPath: ReadonlyMap<string, CategorySpec>;
};

/** Rates tuned so a bag-of-words classifier lands around 90% accuracy (learnability.test.ts: 0.80–0.94). */
export const RATES = {
  /** Title without a product noun and with a one-off model number: brand and specs only. */
  nounless: 0.14,
  /** "… for Earbuds": a normal item naming a neighbouring category's product. */
  mention: 0.15,
  model: 0.75,
  colour: 0.85,
  colourInTitle: 0.55,
  attrInTitle: 0.5,
  genericFeature: 0.35,
  compat: 0.6,
  pack: 0.3,
  marketing: 0.2,
  typo: 0.05,
  description: 0.85,
} as const;

/** Builds one item of `spec`; with a `partner`, a genuinely ambiguous bundle/hybrid. */
export function makeItem(
  ctx: ItemContext,
  spec: CategorySpec,
  partner: CategorySpec | null,
  neighbours: readonly CategorySpec[],
): { body: ItemBody; kind: ItemKind } {
  const { rng } = ctx;
  // A hybrid is a bundle: its own SKU (a one-off model number, if any), the features and
  // attributes of both products, the brand of either. Its label is a coin flip between the
  // two, and the text shows both sides: genuinely ambiguous, so a model can be unsure of it.
  // (Taking brand, model and specs all from one random side made the text point confidently
  // at one category while the label was the other half the time: label noise, not ambiguity.)
  const side = partner && rng.chance(0.5) ? partner : spec;
  const nounless = !partner && rng.chance(RATES.nounless);
  const brand = rng.pick(side.brands);
  const model = nounless
    ? freshModel(rng)
    : partner
      ? rng.chance(RATES.model)
        ? freshModel(rng)
        : null
      : pickModel(ctx, side.path, brand);
  const attributes: Record<string, string> = { brand };
  if (model) attributes["model"] = model;

  const tail: string[] = [];
  for (const source of partner ? rng.shuffle([spec, partner]) : [side]) {
    for (const [key, values] of Object.entries(source.attrs ?? {})) {
      if (key in attributes) continue;
      const value = rng.pick(values);
      attributes[key] = value;
      if (rng.chance(partner ? RATES.attrInTitle / 2 : RATES.attrInTitle)) tail.push(value);
    }
  }
  if (!side.noColour && rng.chance(RATES.colour)) {
    const colour = rng.pick(COLOURS);
    attributes["colour"] = colour;
    if (rng.chance(RATES.colourInTitle)) tail.push(colour);
  }

  const features = partner
    ? rng.shuffle([...rng.sample(spec.features, rng.int(3)), ...rng.sample(partner.features, rng.int(3))])
    : rng.sample(side.features, rng.int(nounless ? 2 : 4));
  const fillers = /^(Home|Office) >/.test(side.path) ? APPLIANCE_FEATURES : GENERIC_FEATURES;
  if (rng.chance(RATES.genericFeature)) features.unshift(rng.pick(fillers));
  const noun = partner ? comboNoun(rng, spec, partner) : nounless ? "" : rng.pick(spec.nouns);

  const neighbour = !partner && neighbours.length > 0 && rng.chance(RATES.mention) ? rng.pick(neighbours) : null;
  if (neighbour) tail.push(`${rng.pick(MENTIONS)} ${rng.pick(neighbour.nouns)}`);
  if (side.compatWith && rng.chance(RATES.compat)) tail.push(compatPhrase(ctx, side.compatWith));
  if (side.packable && rng.chance(RATES.pack)) {
    tail.push(rng.pick(PACK_FORMATS).replace("{n}", String(2 + rng.int(4))));
  }

  const head = [brand, model, ...features, noun].filter((s): s is string => !!s).join(" ");
  let title = [head, ...tail].join(rng.pick([", ", " - ", " | ", " "]));
  if (rng.chance(RATES.marketing)) {
    const word = rng.pick(MARKETING);
    title = rng.chance(0.5) ? `${word} ${title}` : `${title} ${word}`;
  }
  if (rng.chance(RATES.typo)) title = typo(rng, title);
  title = randomCasing(rng, title);

  const other = partner ? (side === spec ? partner : spec) : null;
  const description = rng.chance(RATES.description) ? describe(rng, side, other, brand, noun, nounless) : null;
  const kind: ItemKind = partner ? "ambiguous" : nounless ? "vague" : "normal";
  return { body: { title, description, attributes }, kind };
}

function pickModel(ctx: ItemContext, path: string, brand: string): string | null {
  const models = modelsFor(ctx.lines, path, brand);
  return models.length > 0 && ctx.rng.chance(RATES.model) ? ctx.rng.pick(models) : null;
}

/** A one-off model number (new or obscure product): nothing to memorise from training. */
function freshModel(rng: Rng): string {
  const letters = "ABCDEFGHKLMNPRSTVX";
  const at = () => letters[rng.int(letters.length)] ?? "X";
  return `${at()}${at()}${100 + rng.int(9900)}`;
}

function comboNoun(rng: Rng, spec: CategorySpec, partner: CategorySpec): string {
  const pair = [rng.pick(spec.nouns), rng.pick(partner.nouns)];
  if (rng.chance(0.5)) pair.reverse();
  if (rng.chance(0.3)) return `${pair[0]} for ${pair[1]}`;
  const suffix = rng.pick(COMBO_SUFFIXES);
  return `${pair.join(rng.pick(COMBO_JOINERS))}${suffix ? ` ${suffix}` : ""}`;
}

function compatPhrase(ctx: ItemContext, path: string): string {
  const target = ctx.specByPath.get(path);
  if (!target) return "";
  const brand = ctx.rng.pick(target.brands);
  const models = modelsFor(ctx.lines, path, brand);
  return models.length > 0 ? `for ${brand} ${ctx.rng.pick(models)}` : `for ${brand}`;
}

function describe(
  rng: Rng,
  spec: CategorySpec,
  other: CategorySpec | null,
  brand: string,
  noun: string,
  vague: boolean,
): string {
  // Vague listings get vague copy; otherwise the description would give the category away.
  const sentences = vague ? [] : rng.sample(spec.blurbs, other ? 1 : 1 + rng.int(2));
  if (other) sentences.push(rng.pick(other.blurbs));
  if (vague || rng.chance(0.4)) sentences.push(rng.pick(GENERIC_BLURBS));
  const label = noun === "" ? "product" : noun.toLowerCase();
  return sentences.join(" ").replaceAll("{noun}", label).replaceAll("{brand}", brand);
}
