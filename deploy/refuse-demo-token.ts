/**
 * Preloaded before the admin service in docker-compose.yml
 * (`node --import ./deploy/refuse-demo-token.ts services/admin/src/main.ts`): exits before the
 * API starts when the published demo token would guard a real pipeline (deploy/demo-token.ts).
 * The message is one JSON line, like the service's own pino logs, and names no token.
 */
import { demoTokenProblem } from './demo-token.ts';

const problem = demoTokenProblem(process.env);
if (problem !== undefined) {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'admin', code: 'CONFIG_INVALID', problem, msg: 'refusing to start' })}\n`,
  );
  process.exit(1);
}
