// The layer arrows of ../shared/ARCHITECTURE.md, checked by `npm test` (stage "layers").
// Each rule forbids a layer to import one that sits above it, or beside it where the picture says so.
const layer = (name) => `^src/${name}/`;
const outside = (...allowed) => `^src/(?!(${allowed.join('|')})/)`;

const only = (from, ...allowed) => ({
  name: `${from}-imports-only-${allowed.join('-') || 'itself'}`,
  comment: `src/${from}/ may import only ${[from, ...allowed].map((a) => `src/${a}/`).join(', ')} (ARCHITECTURE.md: data flows one way).`,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: outside(from, ...allowed) },
});

const never = (from, ...forbidden) => ({
  name: `${from}-never-imports-${forbidden.join('-')}`,
  comment: `src/${from}/ must not import ${forbidden.map((f) => `src/${f}/`).join(', ')} (ARCHITECTURE.md).`,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: `^src/(${forbidden.join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-cycles', comment: 'No import cycles anywhere in src/ or media/.', severity: 'error', from: { path: '^(src|media)/' }, to: { circular: true } },
    only('base'),
    only('checks', 'base'),
    only('redact', 'base'),
    only('hosts', 'base'),
    only('runbook', 'checks', 'protocol', 'base'),
    only('protocol', 'checks', 'base'),
    only('ssh', 'hosts', 'redact', 'base'),
    only('analysis', 'runbook', 'checks', 'base'),
    only('lab', 'base'),
    only('testbed', 'hosts', 'base'),
    only('engine', 'runbook', 'checks', 'hosts', 'ssh', 'redact', 'protocol', 'base'),
    only('report', 'engine', 'runbook', 'checks', 'hosts', 'ssh', 'redact', 'protocol', 'base'),
    only('pipeline', 'engine', 'report', 'analysis', 'runbook', 'checks', 'hosts', 'ssh', 'redact', 'protocol', 'base'),
    only('server', 'analysis', 'runbook', 'checks', 'protocol', 'base'),
    never('cli', 'extension', 'server'),
    never('extension', 'cli', 'server', 'lab', 'testbed'),
    {
      name: 'media-imports-only-protocol',
      comment: 'The renderer (media/) shares only the protocol module and pure display helpers with the rest.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^src/', pathNot: '^src/(protocol|checks/spec\\.ts|checks/display\\.ts)' },
    },
    {
      name: 'only-extension-imports-vscode',
      comment: 'Only src/extension/ may import vscode.',
      severity: 'error',
      from: { pathNot: '^src/extension/' },
      to: { path: '^vscode$', dependencyTypes: ['core', 'npm', 'npm-no-pkg', 'unknown', 'undetermined'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(dist|node_modules|\\.cache)/' },
  },
};
