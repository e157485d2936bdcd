import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Our own stylesheet and chart script: assets/dashboard/ at the repository root (src/ and dist/ both sit two levels below it). */
const OWN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "assets", "dashboard");
const require = createRequire(import.meta.url);

/**
 * The files the dashboard serves itself, by name (docs/dashboard.md#assets): no CDN, so the CSP
 * allows scripts and styles from our own origin only. uPlot is served from its npm package.
 */
const FILES: Record<string, { path: () => string; type: string }> = {
  "dashboard.css": { path: () => join(OWN, "dashboard.css"), type: "text/css; charset=utf-8" },
  "overview-chart.js": { path: () => join(OWN, "overview-chart.js"), type: "text/javascript; charset=utf-8" },
  "uplot.min.js": { path: () => require.resolve("uplot/dist/uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "uplot.min.css": { path: () => require.resolve("uplot/dist/uPlot.min.css"), type: "text/css; charset=utf-8" },
};

/** Each file is read once, on first request, and kept (the four are about 60 KB together). */
export function createAssets() {
  const cache = new Map<string, { body: Uint8Array; type: string }>();
  return {
    get(name: string): { body: Uint8Array; type: string } | null {
      const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
      if (file === undefined) return null;
      let hit = cache.get(name);
      if (hit === undefined) {
        hit = { body: new Uint8Array(readFileSync(file.path())), type: file.type };
        cache.set(name, hit);
      }
      return hit;
    },
  };
}
