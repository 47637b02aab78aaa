// Builds the four bundles, one per runtime (see ../shared/ARCHITECTURE.md):
// extension and language server and CLI for Node, the renderer for the notebook webview.
import * as esbuild from 'esbuild';
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
// loads with `await import()` (the engine with ssh2, hosts, reports, the language client) becomes
// its own bundle in dist/lazy/, required only when first used.
const lazyModules = new Map();
const lazyChunks = {
  name: 'lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.includes(`${path.sep}src${path.sep}extension${path.sep}`)) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      const name = path.relative('src', target).split(path.sep).join('-');
      lazyModules.set(name, `${target}.ts`);
      return { path: `./lazy/${name}.js`, external: true };
    });
  },
};

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

const allBuilds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [optionalNative, lazyChunks] },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  {
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: production,
    sourcemap: !production,
    logLevel: 'warning',
    entryPoints: ['media/renderer/index.ts'],
    outfile: 'dist/renderer.js',
    loader: { '.css': 'text' },
  },
  // The "Runbook Map" webview (src/extension/mapView.ts): script with dagre, and its stylesheet as dist/map.css.
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: production,
    sourcemap: !production,
    logLevel: 'warning',
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
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (lazyModules.size > 0) {
    await esbuild.build({ ...node, entryPoints: Object.fromEntries(lazyModules), outdir: 'dist/lazy', external: ['vscode'] });
  }
}
