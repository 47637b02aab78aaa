// Builds the bundles, one per runtime (see ../shared/ARCHITECTURE.md):
// extension and language server and CLI for Node, the renderer for the notebook webview.
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `--only=extension,renderer` builds just those bundles (named by their dist/ file), e.g. for packaging.
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

// ssh2 tries to load optional native code inside try/catch; leave those requires unresolved
// so the bundle works without node_modules and falls back to pure JS.
const optionalNative = {
  name: 'optional-native',
  setup(build) {
    build.onResolve({ filter: /\.node$|^cpu-features$/ }, (args) => ({ path: args.path, external: true }));
  },
};

// Activation must stay cheap and the activation bundle small: every module that src/extension/
// loads with `await import()` (the engine with ssh2, hosts, reports, the language client) goes into
// ONE lazy core bundle, dist/lazy/core.js, required on first use. One bundle, so each class (say
// RunbookError) exists once and `instanceof` holds across the extension's lazy modules. Each
// `import('../x/y')` in the extension becomes a two-line shim that picks `x/y` out of the core.
const lazyModules = new Map();
const lazyCore = {
  name: 'lazy-core',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.includes(`${path.sep}src${path.sep}extension${path.sep}`)) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      const name = path.relative('src', target).split(path.sep).join('/');
      lazyModules.set(name, `${target}.ts`);
      return { path: name, namespace: 'lazy-shim' };
    });
    build.onResolve({ filter: /^\.\/lazy\/core\.js$/ }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-shim' }, (args) => ({
      contents: `module.exports = require('./lazy/core.js')[${JSON.stringify(args.path)}];`,
      loader: 'js',
      resolveDir: path.resolve('src'),
    }));
  },
};

/** The lazy core's entry: one object keyed by module name, each value the module itself. */
function lazyCoreEntry() {
  const lines = [...lazyModules].map(([name, file]) => `exports[${JSON.stringify(name)}] = require(${JSON.stringify(file)});`);
  return { contents: lines.join('\n'), resolveDir: path.resolve('.'), sourcefile: 'lazy-core.js', loader: 'js' };
}

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  plugins: [optionalNative],
};

/** Code that runs in a webview (notebook renderers, the map). */
const browser = { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', minify: production, sourcemap: !production, logLevel: 'warning' };

const allBuilds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [optionalNative, lazyCore] },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  {
    ...browser,
    entryPoints: ['media/renderer/index.ts'],
    outfile: 'dist/renderer.js',
    loader: { '.css': 'text' },
  },
  // Check cells: a markdown-it plugin for VS Code's notebook Markdown renderer (media/checkCell/index.ts).
  {
    ...browser,
    entryPoints: ['media/checkCell/index.ts'],
    outfile: 'dist/checkCell.js',
  },
  // The "Runbook Map" webview (src/extension/mapView.ts): script with dagre, and its stylesheet as dist/map.css.
  {
    ...browser,
    format: 'iife',
    entryPoints: ['media/map/index.ts'],
    outfile: 'dist/map.js',
  },
];

const builds = only ? allBuilds.filter((b) => only.some((name) => b.outfile === `dist/${name}.js`)) : allBuilds;

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  // Stale lazy bundles of an earlier layout must not ship.
  if (!only || only.includes('extension')) rmSync('dist/lazy', { recursive: true, force: true });
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (lazyModules.size > 0) {
    await esbuild.build({ ...node, stdin: lazyCoreEntry(), outfile: 'dist/lazy/core.js', external: ['vscode'] });
  }
}
