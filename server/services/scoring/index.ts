export { scoreProjectInline, scoreRange } from "./score-range";
