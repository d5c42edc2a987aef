#!/usr/bin/env node
// npm run opensearch [-- --nodes 3] [--port 9200] [--background] [--stop] [--status]
//
// Builds the Java launcher in opensearch/launcher (Maven, once), starts 1 or 3
// OpenSearch nodes on 127.0.0.1 and waits until the cluster is yellow or green.
// Foreground by default: Ctrl+C stops every node. With --background the nodes
// keep running after this script exits, their pids in <data>/nodes-N/pids.json,
// and `--stop` ends them (CI does that). Messages for people are in Chinese.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const LAUNCHER = join(HERE, 'launcher');
const JAR = join(LAUNCHER, 'target', 'opensearch-launcher.jar');
const CONF = join(HERE, 'config');
const CLUSTER = 'report-search';

const { values: opts } = parseArgs({
  options: {
    nodes: { type: 'string' },
    port: { type: 'string', default: process.env.OPENSEARCH_PORT ?? '9200' },
    data: { type: 'string', default: join(HERE, '..', 'index', 'opensearch-data') },
    heap: { type: 'string', default: process.env.OPENSEARCH_HEAP ?? '512m' },
    timeout: { type: 'string', default: '120' },
    background: { type: 'boolean', default: false },
    stop: { type: 'boolean', default: false },
    status: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (opts.help) {
  console.log(`用法：npm run opensearch -- [选项]
  --nodes N       节点数：1（默认，single-node）或 3（三个进程组成集群）
  --port P        第一个节点的 HTTP 端口（默认 9200，其余节点依次 +1）；传输端口为 HTTP 端口 +100
  --data DIR      数据和日志目录（默认 index/opensearch-data）
  --heap SIZE     每个节点的 Java 堆（默认 512m）
  --timeout S     等待集群就绪的秒数（默认 120）
  --background    启动后在后台运行，本命令返回；用 --stop 停止
  --stop          停止 --background 启动的节点（不给 --nodes 时停止 1 节点和 3 节点两种）
  --status        显示节点状态和内存占用（同上）
  --build         只编译启动器`);
  process.exit(0);
}

const nodes = Number(opts.nodes ?? '1');
const httpPort = Number(opts.port);
if (nodes !== 1 && nodes !== 3) fail(`--nodes 只能是 1 或 3，收到 ${opts.nodes}`);
if (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535 - 2) fail(`--port 不是有效端口：${opts.port}`);
const dataRoot = resolve(opts.data);
// One folder per topology: a single-node cluster's state cannot join a 3-node one.
const dirOf = (n) => join(dataRoot, `nodes-${n}`);
const pidFileOf = (n) => join(dirOf(n), 'pids.json');
const clusterDir = dirOf(nodes);
const pidFile = pidFileOf(nodes);
/** --stop and --status look at every topology unless --nodes names one. */
const topologies = opts.nodes === undefined ? [1, 3] : [nodes];
const url = `http://127.0.0.1:${httpPort}`;
// Transport ports follow the HTTP port (9200 → 9300), so a second cluster on --port 9210 does not collide.
const transportBase = httpPort + 100;

function fail(message) {
  console.error(`opensearch: ${message}`);
  process.exit(1);
}

function seconds(ms) {
  return (ms / 1000).toFixed(1);
}

/** Newest modification time under a folder (the launcher's sources), to rebuild after an edit. */
function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Builds the launcher jar when missing or older than pom.xml/src; offline first (fast, no network), then online. */
function buildLauncher(force) {
  const fresh =
    existsSync(JAR) &&
    statSync(JAR).mtimeMs >= Math.max(newestMtime(join(LAUNCHER, 'pom.xml')), newestMtime(join(LAUNCHER, 'src')));
  if (fresh && !force) return;
  console.log('正在编译 OpenSearch 启动器（Maven；第一次需要下载约 60 MB 依赖）…');
  const started = Date.now();
  const mvn = (extra) =>
    spawnSync('mvn', ['-q', '-B', ...extra, '-DskipTests', 'package'], { cwd: LAUNCHER, stdio: ['ignore', 'pipe', 'pipe'] });
  let r = mvn(['-o']);
  if (r.error) fail(`找不到 mvn（需要 Maven 3 和 JDK 17）：${r.error.message}`);
  if (r.status !== 0) r = mvn([]);
  if (r.status !== 0) {
    process.stderr.write(r.stdout);
    process.stderr.write(r.stderr);
    fail('启动器编译失败（见上方 Maven 输出）');
  }
  console.log(`启动器编译完成，用时 ${seconds(Date.now() - started)} 秒`);
}

function readPids(file = pidFile) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Only a process that still runs our launcher jar is ours: a pid may have been reused since. */
function isOurs(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('opensearch-launcher.jar');
  } catch {
    return false;
  }
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function health(base = url, n = nodes) {
  const query = `wait_for_status=yellow&wait_for_nodes=${n}&timeout=1s`;
  try {
    const res = await fetch(`${base}/_cluster/health?${query}`, { signal: AbortSignal.timeout(3000) });
    if (res.status !== 200) return null; // 408 until the wait conditions hold
    return await res.json();
  } catch {
    return null;
  }
}

async function answers() {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM runs the launcher's shutdown hook (Node.close); SIGKILL only if that hangs. */
async function stopPids(pids) {
  const alive = () => pids.filter(isOurs);
  for (const pid of alive()) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive().length > 0 && Date.now() < deadline) await sleep(200);
  for (const pid of alive()) process.kill(pid, 'SIGKILL');
}

function nodeArgs(i) {
  const home = join(clusterDir, `node-${i}`);
  mkdirSync(home, { recursive: true });
  const settings = {
    'cluster.name': CLUSTER,
    'node.name': `node-${i}`,
    'path.home': home,
    'path.data': join(home, 'data'),
    'path.logs': join(home, 'logs'),
    'network.host': '127.0.0.1',
    'http.port': String(httpPort + i),
    'transport.port': String(transportBase + i),
    // A development node on a shared machine: no disk watermarks turning indices read-only.
    'cluster.routing.allocation.disk.threshold_enabled': 'false',
  };
  if (nodes === 1) {
    settings['discovery.type'] = 'single-node';
  } else {
    const all = Array.from({ length: nodes }, (_, j) => j);
    settings['discovery.seed_hosts'] = all.map((j) => `127.0.0.1:${transportBase + j}`).join(',');
    settings['cluster.initial_cluster_manager_nodes'] = all.map((j) => `node-${j}`).join(',');
  }
  return [
    `-Xms${opts.heap}`,
    `-Xmx${opts.heap}`,
    '-XX:+UseG1GC',
    '-XX:-HeapDumpOnOutOfMemoryError',
    '-Dfile.encoding=UTF-8',
    // From the distribution's jvm.options: log4j must outlive the node's own shutdown hook.
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    `-Djava.io.tmpdir=${join(home, 'tmp')}`,
    '-jar',
    JAR,
    '--conf',
    CONF,
    ...Object.entries(settings).map(([k, v]) => `-E${k}=${v}`),
  ];
}

async function status() {
  let running = 0;
  for (const n of topologies) {
    const saved = readPids(pidFileOf(n));
    const pids = saved?.pids.filter(isOurs) ?? [];
    if (pids.length === 0) continue;
    running++;
    const h = await health(saved.url, saved.nodes);
    console.log(`OpenSearch ${saved.url}：${h ? h.status : '无响应'}，${pids.length} 个节点（${saved.startedAt} 启动）`);
    for (const pid of pids) console.log(`  pid ${pid}：内存占用（RSS）${rssMb(pid)} MB`);
  }
  if (running === 0) console.log('没有运行中的 OpenSearch 节点');
}

async function start() {
  for (const n of [1, 3]) {
    const running = readPids(pidFileOf(n))?.pids.filter(isOurs) ?? [];
    if (running.length > 0) fail(`已有节点在运行（pid ${running.join(', ')}）；先运行 npm run opensearch -- --stop`);
  }
  if (await answers()) fail(`${url} 已被占用：已有服务在这个端口上，换一个 --port 或先停止它`);

  buildLauncher(false);
  const startedAt = Date.now();
  const children = [];
  for (let i = 0; i < nodes; i++) {
    mkdirSync(join(clusterDir, `node-${i}`, 'tmp'), { recursive: true });
    const log = join(clusterDir, `node-${i}`, 'console.log');
    const out = openSync(log, 'w');
    const child = spawn('java', nodeArgs(i), {
      cwd: LAUNCHER,
      stdio: ['ignore', out, out],
      detached: opts.background,
    });
    child.on('error', (e) => fail(`无法启动 java：${e.message}`));
    children.push({ child, log, exited: false });
    child.on('exit', () => {
      children[i].exited = true;
    });
  }
  const pids = children.map((c) => c.child.pid);
  writeFileSync(pidFile, JSON.stringify({ pids, url, nodes, startedAt: new Date(startedAt).toISOString() }, null, 2) + '\n');

  const stopAll = async () => {
    await stopPids(pids);
    rmSync(pidFile, { force: true });
  };

  const deadline = startedAt + Number(opts.timeout) * 1000;
  let h = null;
  while (!h) {
    const dead = children.find((c) => c.exited);
    if (dead) {
      await stopAll();
      console.error(readFileSync(dead.log, 'utf8').split('\n').slice(-30).join('\n'));
      fail(`节点进程意外退出（日志：${dead.log}）`);
    }
    if (Date.now() > deadline) {
      await stopAll();
      fail(`${opts.timeout} 秒内集群未就绪，已停止全部节点（日志：${clusterDir}/node-*/）`);
    }
    h = await health();
    if (!h) await sleep(500);
  }
  const took = seconds(Date.now() - startedAt);
  const rss = pids.map((p) => `${rssMb(p)} MB`).join('、');
  console.log(`OpenSearch 已启动：${url}（${nodes} 个节点，状态 ${h.status}，用时 ${took} 秒，每个节点内存 ${rss}）`);

  if (opts.background) {
    for (const c of children) c.child.unref();
    console.log('节点在后台运行；停止：npm run opensearch -- --stop');
    return;
  }
  console.log('按 Ctrl+C 停止');
  let stopping = false;
  const onSignal = async () => {
    if (stopping) return;
    stopping = true;
    console.log('正在停止 OpenSearch…');
    await stopAll();
    console.log('OpenSearch 已停止');
    process.exit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A node that dies on its own ends the foreground run too, with its log's tail.
  for (const c of children) {
    c.child.on('exit', async (code) => {
      if (stopping) return;
      stopping = true;
      console.error(readFileSync(c.log, 'utf8').split('\n').slice(-30).join('\n'));
      console.error(`opensearch: 节点进程退出（代码 ${code}），正在停止其余节点`);
      await stopAll();
      process.exit(1);
    });
  }
}

async function stop() {
  let stopped = 0;
  for (const n of topologies) {
    const file = pidFileOf(n);
    const pids = readPids(file)?.pids.filter(isOurs) ?? [];
    if (pids.length > 0) {
      const t = Date.now();
      await stopPids(pids);
      console.log(`OpenSearch 已停止（${pids.length} 个节点，用时 ${seconds(Date.now() - t)} 秒）`);
      stopped++;
    }
    rmSync(file, { force: true });
  }
  if (stopped === 0) console.log('没有需要停止的 OpenSearch 节点');
}

if (opts.build) buildLauncher(true);
else if (opts.stop) await stop();
else if (opts.status) await status();
else await start();
