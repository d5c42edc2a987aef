import { describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/cli/serve.js';

describe('serve configuration', () => {
  it('defaults: data/, index/, port 3000 on the loopback interface', () => {
    expect(serveConfig([], {})).toMatchObject({ dataDir: 'data', indexDir: 'index', port: 3000, host: '127.0.0.1' });
  });

  it('environment, then flags, override the defaults', () => {
    const env = { DATA_DIR: '/srv/reports', INDEX_DIR: '/var/idx', PORT: '8080', HOST: '0.0.0.0', PUBLIC: '1' };
    expect(serveConfig([], env)).toMatchObject({ dataDir: '/srv/reports', indexDir: '/var/idx', port: 8080, host: '0.0.0.0' });
    expect(serveConfig(['--port', '0', '--data', 'd', '--index', 'i', '--host', '::'], env)).toMatchObject({ dataDir: 'd', indexDir: 'i', port: 0, host: '::' });
  });

  it.each(['abc', '70000', '-1', '80.5'])('refuses PORT=%s with a Chinese message', (port) => {
    expect(() => serveConfig([], { PORT: port })).toThrow(/端口/);
  });

  it('PUBLIC_URL (or --public-url) is the address given out in citations: http(s) only, trailing slash dropped', () => {
    expect(serveConfig([], { PUBLIC_URL: 'http://192.168.1.5:3000/' }).publicUrl).toBe('http://192.168.1.5:3000');
    expect(serveConfig(['--public-url', 'https://reports.example.org/archive/'], { PUBLIC_URL: 'http://x' }).publicUrl).toBe(
      'https://reports.example.org/archive',
    );
    expect(serveConfig([], {}).publicUrl).toBeUndefined();
    for (const bad of ['reports.lan:3000', 'ftp://x', 'javascript:alert(1)', 'http://x/?a=1']) {
      expect(() => serveConfig([], { PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
    }
  });
});
