#!/usr/bin/env node
// Measures the one choice in template.json that trades space for speed: index_phrases
// on `text`. Indexes the fixture corpus ×20 (each copy tagged so none is identical) into
// two throw-away indices, with and without index_phrases, and runs the same 300 random
// phrases (2–12 characters) against each. Needs a node: npm run opensearch -- --background.
//   node opensearch/bench-phrases.mjs [http://127.0.0.1:9200]
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const U = (process.argv[2] ?? process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200').replace(/\/+$/, '');
const dir = fileURLToPath(new URL('../test/fixtures/corpus/', import.meta.url));
const base = [];
for (const sub of ['seeds', 'provincial-2026']) for (const f of readdirSync(dir + sub)) base.push(readFileSync(dir + sub + '/' + f, 'utf8'));
const texts = [];
for (let k = 0; k < 20; k++) texts.push(...base.map((t) => `${t} ${k}`));
const chars = texts.reduce((a, t) => a + t.length, 0);

const json = (method, path, body) =>
  fetch(U + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) }).then((r) => r.json());

let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const queries = [];
while (queries.length < 300) {
  const t = base[Math.floor(rnd() * base.length)];
  const s = Math.floor(rnd() * (t.length - 12));
  queries.push(t.slice(s, s + 2 + Math.floor(rnd() * 11)));
}

for (const phrases of [false, true]) {
  const idx = `bench-index-phrases-${phrases}`;
  await json('DELETE', `/${idx}`);
  await json('PUT', `/${idx}`, {
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      analysis: {
        tokenizer: { cp: { type: 'pattern', pattern: '(?s).', group: 0 } },
        analyzer: { exact: { type: 'custom', tokenizer: 'cp' } },
      },
    },
    mappings: {
      _source: { enabled: false },
      properties: { text: { type: 'text', analyzer: 'exact', norms: false, index_options: 'positions', index_phrases: phrases } },
    },
  });
  const t0 = Date.now();
  for (let i = 0; i < texts.length; i += 20) {
    const body = texts.slice(i, i + 20).flatMap((t) => [JSON.stringify({ index: {} }), JSON.stringify({ text: t })]).join('\n') + '\n';
    const r = await fetch(`${U}/${idx}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body }).then((r) => r.json());
    if (r.errors) throw new Error(`bulk into ${idx} failed`);
  }
  await json('POST', `/${idx}/_refresh`);
  await json('POST', `/${idx}/_forcemerge?max_num_segments=1`);
  const indexSeconds = (Date.now() - t0) / 1000;
  const store = (await json('GET', `/${idx}/_stats/store`))._all.total.store.size_in_bytes;
  let took = 0;
  for (let round = 0; round < 2; round++) {
    took = 0; // the second round is measured, after the first has warmed the caches
    for (const q of queries) {
      const r = await json('POST', `/${idx}/_search?request_cache=false`, { query: { match_phrase: { text: q } }, size: 0, track_total_hits: true });
      took += r.took;
    }
  }
  console.log(
    `index_phrases=${phrases}: ${texts.length} docs, ${(chars / 1e6).toFixed(1)}M chars, indexed in ${indexSeconds.toFixed(1)} s, ` +
      `store ${(store / 1e6).toFixed(1)} MB, 300 phrase queries ${took} ms (server time)`,
  );
  await json('DELETE', `/${idx}`);
}
