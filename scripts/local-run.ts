/**
 * Local run (the README's first command). For now it brings up the embedded Redis the pipeline
 * will use and stays in the foreground; the extractor, loaders, admin API and both simulators
 * join it as they land (issues 4–9).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const external = process.env.REDIS_URL;
if (external !== undefined && external !== '') {
  console.log(`Using Redis at ${external.replace(/:[^:@/]*@/, ':***@')} (REDIS_URL).`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'wdtk3-local-'));
  const port = Number(process.env.LOCAL_REDIS_PORT ?? 6390);
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
    ],
    {
      stdio: 'ignore',
    },
  );
  redis.on('error', (err) => {
    console.error(`cannot start redis-server (${err.message}); install it or set REDIS_URL`);
    process.exit(1);
  });
  console.log(`Embedded Redis on redis://127.0.0.1:${port} (data in ${dir}).`);
  const stop = (): void => {
    redis.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
console.log(
  'The extractor, loaders, admin API and simulators are not wired into the local run yet. Ctrl-C to stop.',
);
