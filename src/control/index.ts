export { renderControl, type ControlLinks } from "./render-control.ts";
