/** Pool and test splits of a small demo catalogue, category indices by sorted path: the ml tests' data. */
import { generateCatalogue } from "../../server/demo/catalogue";
import type { TextInput } from "../features";

export type Split = { inputs: TextInput[]; labels: number[] };

export function demoSplits(o: { seed: number; poolSize: number; testSize: number }): {
  train: Split;
  test: Split;
  numClasses: number;
} {
  const cat = generateCatalogue(o);
  const index = new Map(cat.categories.map((c, i) => [c, i]));
  const train: Split = { inputs: [], labels: [] };
  const test: Split = { inputs: [], labels: [] };
  for (const it of cat.items) {
    const part = it.split === "test" ? test : train;
    part.inputs.push({ title: it.title, description: it.description, attributes: it.attributes });
    part.labels.push(index.get(it.category) as number);
  }
  return { train, test, numClasses: cat.categories.length };
}
