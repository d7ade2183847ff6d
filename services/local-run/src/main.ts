#!/usr/bin/env node
/**
 * The README's first command (`./scripts/start.sh`): the whole pipeline on this machine.
 * CLI output by design (no JSON logs here); every service logs to its file in the run dir.
 */
import { ConfigError } from '@wdt-k3/runtime';
import { parseOptions, USAGE } from './options.ts';
import { startLocalRun } from './run.ts';

let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(
    `${err instanceof ConfigError || err instanceof TypeError ? err.message : String(err)}\n\n${USAGE}\n`,
  );
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let run: Awaited<ReturnType<typeof startLocalRun>>;
try {
  run = await startLocalRun(options);
} catch (err) {
  process.stderr.write(`local run failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

let signals = 0;
const onSignal = (): void => {
  signals += 1;
  if (signals > 1) process.exit(130);
  void run.stop().then(() => process.exit(0));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const summary = await run.done;
if (options['exit-when-done']) {
  await run.stop();
  process.exit(summary.ok ? 0 : 1);
}
process.stdout.write('The pipeline keeps running (the admin API and bull-board stay up). Ctrl-C to stop.\n');
