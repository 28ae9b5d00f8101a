export { getItem, listItems } from "./items";
export { predictionsFor } from "./predictions";
