// Layer rules for lib/ and suites/ (issue "One house"): a lower layer never imports a higher one.
// Lowest first; a folder may import its own layer and any layer listed before it. Checked by
// `npm run lint:layers` and by the self-test test/layers.test.ts, which fails on any violation and proves
// a planted upward import is caught. suites/ sit on top: they may import any lib/ layer, never the reverse.
// Unit tests (*.test.ts) sit beside the code and may reach test/support; they are not part of a layer.
const LAYERS = [
  ['core'],
  ['pki', 'policy', 'results'],
  ['mqtt', 'drivers', 'targets'],
  ['conformance', 'faults', 'load', 'fuzz'],
  ['run'],
  ['report'],
  ['cli'],
];

// Within a tier the folders are ordered too (results uses neither pki nor policy; drivers never
// reach into a target's file), so the real order is the flattened list.
const ORDER = LAYERS.flat();
const folder = (name) => `^lib/${name}/`;

const upward = ORDER.map((name, i) => ({
  name: `no-upward-from-${name}`,
  comment: `lib/${name} sits below ${ORDER.slice(i + 1).join(', ') || 'nothing'}: it may not import them`,
  severity: 'error',
  from: { path: folder(name), pathNot: '\\.test\\.tsx?$' },
  to: { path: `^(lib/(${ORDER.slice(i + 1).join('|') || '$^'})/|suites/|test/|scripts/)` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'lib-outside-layers',
      comment: 'every lib/ folder belongs to a layer; add a new folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^lib/', pathNot: `^lib/(${ORDER.join('|')})/` },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(lib|suites)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^node_modules|^reports)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
