/**
 * Layers of src/, checked by test/architecture.test.ts (dependency-cruiser):
 *
 *   types.ts                 shared shapes; imports nothing
 *   analyze/                 the one analyzer (normalise, segment): a leaf every layer may use
 *   ingest/                  files → cleaned reports with metadata
 *   query/                   query string → tree
 *   reuse/                   text reuse (shingles, alignment): pure, over texts
 *   index/                   storage: build, write, read (uses ingest and analyze)
 *   search/                  the engine over a reader (uses index, query, reuse)
 *   backends/                other engines (OpenSearch): same interface as search
 *   research/                distributions, KWIC, exports: over the engine API only
 *   web/, cli/               the edges
 *
 * A layer never imports one above it, and no module cycle exists anywhere.
 */
const layer = (name, allowed) => ({
  name: `layer-${name}`,
  comment: `src/${name} may import only ${allowed.length ? allowed.join(', ') : 'nothing else in src'} (and types.ts)`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, '^src/types\\.ts$', ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle', from: {}, to: { circular: true } },
    { name: 'types-is-a-leaf', severity: 'error', from: { path: '^src/types\\.ts$' }, to: { path: '^src/' } },
    layer('analyze', []),
    layer('ingest', ['analyze']),
    layer('query', ['analyze']),
    layer('reuse', ['analyze']),
    layer('index', ['analyze', 'ingest', 'reuse']),
    layer('search', ['analyze', 'index', 'query', 'reuse']),
    layer('backends', ['analyze', 'ingest', 'index', 'query', 'reuse', 'search']),
    layer('research', ['analyze', 'query', 'search']),
    layer('web', ['analyze', 'query', 'search', 'research']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.mjs$' },
  },
};
