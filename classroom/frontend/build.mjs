// Build the lean lesson-page front end (see ../_frontend.py) into served/, reproducibly:
// the packages are pinned exactly in package.json and package-lock.json (install with `npm ci`),
// the output has no timestamps and no source maps, and is committed (the classroom laptop has no
// internet, so the served files ship in the wheel). Run: `npm ci && node build.mjs`.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = `${here}served`;

// anywidget's npm file is an AMD module (`define(["@jupyter-widgets/base"], widget_default)`);
// its factory is what we need, as an ES export.
const anywidgetAsEsm = {
  name: 'anywidget-as-esm',
  setup(build) {
    build.onLoad({ filter: /node_modules[\\/]anywidget[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const amd = 'define(["@jupyter-widgets/base"], widget_default);';
      if (!text.includes(amd)) throw new Error(`anywidget changed: ${args.path} no longer ends with ${amd}`);
      return { contents: text.replace(amd, 'export default widget_default;'), loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { lean: 'src/lean.js', controls: 'src/controls.js', 'controls-style': 'src/controls.css' },
  absWorkingDir: here,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome90', 'firefox90', 'safari15'],
  minify: !process.env.HV_DEBUG,
  legalComments: 'eof',
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  loader: { '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.svg': 'dataurl', '.png': 'dataurl' },
  define: { 'process.env.NODE_ENV': '"production"' },
  // sanitize-html only where ipywidgets' controls are used (the dashboard): see src/sanitize-slot.js.
  alias: { 'sanitize-html': './src/sanitize-slot.js' },
  plugins: [anywidgetAsEsm],
  metafile: true,
  logLevel: 'warning',
});
// What this build was made from, so a test can tell when served/ is older than its sources.
const sha = (path) => createHash('sha256').update(readFileSync(`${here}${path}`)).digest('hex');
const inputs = ['package.json', 'package-lock.json', 'build.mjs', ...readdirSync(`${here}src`).sort().map((f) => `src/${f}`)];
writeFileSync(`${outdir}/build-inputs.json`,
  `${JSON.stringify(Object.fromEntries(inputs.map((p) => [p, sha(p)])), null, 1)}\n`);
if (process.env.HV_META) (await import('node:fs')).writeFileSync(process.env.HV_META, JSON.stringify(result.metafile));
for (const [file, out] of Object.entries(result.metafile.outputs)) {
  console.log(`${file}: ${(out.bytes / 1024).toFixed(0)} KB`);
}
