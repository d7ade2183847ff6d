/**
 * The deploy tier's steps on a started engine, in order (deploy/e2e/main.ts owns the engine's
 * lifecycle and the clean-up). Each step is timed by the reporter and says what it found.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig as loadExtractorConfig } from '@wdt-k3/extractor';
import { findFreePort } from '@wdt-k3/testkit';
import { environmentOf } from '../check/compose-model.ts';
import { deployCheck } from '../check-deploy.ts';
import { DEMO_ADMIN_TOKEN } from '../demo-token.ts';
import type { Engine } from '../engine/dockerd.ts';
import { COMPOSE_PLUGIN } from '../engine/paths.ts';
import { buildStandIns } from '../engine/stand-ins.ts';
import { type BundleInputs, installFromBundle, writeBundle } from './bundle.ts';
import * as checks from './checks.ts';
import { type DemoPlan, planDemo } from './demo-plan.ts';
import { badConfigRefused, composeModel, inspectImage, upWithOneBuild } from './image.ts';
import { ledgerHoldsFirstRun, ledgerKilled } from './ledger-checks.ts';
import { openPipeline } from './pipeline.ts';
import type { Reporter } from './report.ts';
import { openStack, type Stack } from './stack.ts';

export interface TierInputs {
  readonly root: string;
  readonly project: string;
  readonly runDir: string;
  readonly engine: Engine;
  readonly report: Reporter;
  readonly onStandIns: () => void;
}

interface Prepared {
  readonly ctx: checks.TierContext;
  readonly image: string;
  readonly bundleInputs: BundleInputs;
}

/** The stack with the pinned demo, free loopback ports, and the stand-ins its images need. */
async function prepare(inputs: TierInputs): Promise<Prepared> {
  const { root, project, runDir, engine, report } = inputs;
  const logFile = join(runDir, 'docker.log');
  await report.step('deploy rules (check:deploy over docker compose config)', async () => {
    const result = await deployCheck([COMPOSE_PLUGIN]);
    if (!result.ok) throw new Error(result.lines.filter((l) => !l.startsWith('✓')).join('\n'));
    return `${result.lines.length} rules hold`;
  });
  const compose = join(root, 'docker-compose.yml');
  const model = await composeModel(
    openStack({ dir: root, files: [compose], env: engine.env, logFile }, project),
  );
  const overlapMs = loadExtractorConfig(environmentOf(model.services.extractor ?? {})).extract.overlapMs;
  const plan: DemoPlan = planDemo(Date.now(), overlapMs);
  const override = join(runDir, 'compose.override.json');
  writeFileSync(override, plan.override({ buildOnHostNetwork: true }));
  // Free loopback ports: other runs on this machine may hold the defaults (4100-4102).
  const [admin, wdt, k3] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
  const env = {
    ...engine.env,
    ...plan.composeVariables,
    ADMIN_PUBLISH: `127.0.0.1:${admin}`,
    WDT_SIM_PUBLISH: `127.0.0.1:${wdt}`,
    K3_SIM_PUBLISH: `127.0.0.1:${k3}`,
  };
  const stack: Stack = openStack({ dir: root, files: [compose, override], env, logFile }, project);
  const nodeImage = /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
  const redisImage = model.services.redis?.image;
  const postgresImage = model.services.postgres?.image;
  const image = model.services.extractor?.image;
  if (
    nodeImage === undefined ||
    redisImage === undefined ||
    postgresImage === undefined ||
    image === undefined
  )
    throw new Error(
      'no NODE_IMAGE default in the Dockerfile, or no redis, postgres or extractor image in compose',
    );
  await report.step('stand-in base images (no Docker Hub here)', async () => {
    const lines = await buildStandIns(
      { nodeImage, redisImage, postgresImage },
      engine.env,
      report.say,
      logFile,
    );
    inputs.onStandIns();
    return ['STAND-INS were used for the base images:', ...lines].join('\n      ');
  });
  const pipeline = openPipeline({
    admin: `http://127.0.0.1:${admin}`,
    wdt: `http://127.0.0.1:${wdt}`,
    k3: `http://127.0.0.1:${k3}`,
    token: DEMO_ADMIN_TOKEN,
  });
  const up = async (extra: readonly string[] = []): Promise<void> => {
    await stack.compose(['up', '--detach', '--wait', ...extra], 600_000);
  };
  report.say(
    `demo dataset: ${plan.orders} orders, seed ${plan.seed}, pinned to the day ending ${new Date(plan.dataset.toMs).toISOString()}`,
  );
  return {
    ctx: { stack, pipeline, plan, say: report.say, up },
    image,
    bundleInputs: { root, workDir: runDir, env, logFile, repoStack: stack },
  };
}

async function nothingLeft(stack: Stack): Promise<string> {
  await stack.compose(['down', '--volumes', '--remove-orphans'], 180_000);
  const label = `label=com.docker.compose.project=${stack.project}`;
  const left = [
    (await stack.docker(['ps', '--all', '--quiet', '--filter', label])).stdout.trim(),
    (await stack.docker(['volume', 'ls', '--quiet', '--filter', label])).stdout.trim(),
    (await stack.docker(['network', 'ls', '--quiet', '--filter', label])).stdout.trim(),
  ].filter((x) => x !== '');
  if (left.length > 0) throw new Error(`left behind: ${left.join(' ')}`);
  return 'no container, volume or network of the project';
}

export async function runTier(inputs: TierInputs): Promise<void> {
  const { report } = inputs;
  const { ctx, image, bundleInputs } = await prepare(inputs);
  const { stack } = ctx;
  await report.step("docker compose --profile demo up --build --wait (the README's demo)", async () => {
    const built = await upWithOneBuild(stack, image);
    return `${built}; ${await checks.expectHealthy(ctx)}`;
  });
  await report.step('image contents', () => inspectImage(stack, image));
  await report.step('bad configuration: docker compose run each service with one bad setting', () =>
    badConfigRefused(stack),
  );
  await report.step('orders flow wdt-sim → k3cloud-sim exactly once (first run)', () =>
    checks.firstRunFlows(ctx),
  );
  await report.step(
    'the ledger holds them: /ledger/counts, /ledger/orders, /orders?number= (admin API)',
    () => ledgerHoldsFirstRun(ctx),
  );
  await report.step('--scale loader=3: all three consume', () => checks.scaleLoaders(ctx));
  await report.step('admin answers with its token and refuses without', () => checks.adminAuth(ctx));
  await report.step('restart redis and down/up keep the queue state and the ledger', () =>
    checks.stateSurvives(ctx),
  );
  await report.step('docker kill -s KILL a loader mid-load: nothing lost or duplicated', () =>
    checks.loaderKilled(ctx),
  );
  await report.step('docker kill -s KILL the ledger mid-projection: it catches up after a start', () =>
    ledgerKilled(ctx),
  );
  await report.step('containers run as non-root', () => checks.nonRoot(ctx));
  await report.step('docker compose down -v: nothing of the project left', () => nothingLeft(stack));
  const bundle = await report.step(
    'offline bundle: scripts/bundle.sh',
    () => writeBundle(bundleInputs),
    (written) => written.line,
  );
  await report.step('offline install: docker load the bundle into an engine without its images, run it', () =>
    installFromBundle(bundleInputs, bundle, ctx.plan, ctx.pipeline),
  );
}
