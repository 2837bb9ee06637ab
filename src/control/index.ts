export { renderControl, type ControlLinks, type ControlUsage } from "./render-control.ts";
