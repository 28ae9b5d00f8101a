export {
  generateCatalogue,
  generateCatalogueWithMeta,
  type Catalogue,
  type CatalogueItem,
  type CatalogueOptions,
} from "./catalogue";
export type { ItemKind } from "./item";
export { catalogueStats, type CatalogueStats } from "./stats";
export { toImportLine, writeCatalogueJsonl } from "./write-jsonl";
