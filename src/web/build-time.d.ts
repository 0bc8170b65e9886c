/** Values the site's build writes into the bundle: the validated rules and the tool's version. */
declare module "mlops-audit:build" {
  import type { Catalogue } from "../engine/model.js";
  export const catalogue: Catalogue;
  export const tool: { name: string; version: string };
}
