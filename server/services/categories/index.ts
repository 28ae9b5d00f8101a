export { createCategory, listCategories, removeCategory, renameCategory } from "./categories";
export { importTaxonomy } from "./import-taxonomy";
export type { TaxonomyPlan } from "./import-taxonomy";
export { MAX_TAXONOMY_PATHS } from "./parse-taxonomy";
export type { TaxonomyFormat } from "./parse-taxonomy";
export { categoryPathsOf } from "./paths";
