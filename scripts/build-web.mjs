// Builds the dashboard (web/) into dist/web/: index.html, assets/app.js (Preact
// and graphql-ws bundled, minified) and assets/app.css. Run by `npm run build`,
// so `prepare` makes it at install time and the package ships it: the server
// serves these files and nothing from a CDN.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";

const out = new URL("../dist/web/", import.meta.url);
await mkdir(new URL("assets/", out), { recursive: true });
await build({
  entryPoints: [new URL("../web/src/main.tsx", import.meta.url).pathname],
  outfile: new URL("assets/app.js", out).pathname,
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: false,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(new URL("../web/index.html", import.meta.url), new URL("index.html", out));
await copyFile(new URL("../web/app.css", import.meta.url), new URL("assets/app.css", out));
