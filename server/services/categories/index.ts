export { createCategory, listCategories, removeCategory, renameCategory } from "./categories";
