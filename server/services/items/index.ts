export { getItem, listItems } from "./items";
