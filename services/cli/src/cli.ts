import { parseCommandArgs, resolveCommand, stringOption } from './args.ts';
import { createAdminClient } from './client.ts';
import { COMMANDS } from './commands/registry.ts';
import type { CommandSpec } from './commands/types.ts';
import { loadConfig } from './config.ts';
import { describeApiError } from './error-text.ts';
import { ApiError, CliError, EXIT, type ExitCode } from './errors.ts';
import { helpFor, toolHelp } from './help.ts';
import { createOutput, createStyle, type Output, type TextSink } from './output.ts';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextSink & { readonly isTTY?: boolean };
  readonly stderr: TextSink;
  /** A file's text; `-` is stdin. */
  readonly readInput: (path: string) => Promise<string>;
}

/** The token values argv and env may carry, so output can blank them before config is even read. */
function secretsOf(argv: readonly string[], env: CliIo['env']): string[] {
  const secrets = [env.WDT_K3_ADMIN_TOKEN ?? ''];
  argv.forEach((token, index) => {
    if (token === '--token') secrets.push(argv[index + 1] ?? '');
    else if (token.startsWith('--token=')) secrets.push(token.slice('--token='.length));
  });
  return secrets.map((secret) => secret.trim()).filter((secret) => secret !== '');
}

function report(err: unknown, out: Output, json: boolean, verbose: boolean): ExitCode {
  if (err instanceof ApiError) {
    if (json) out.json(err.body);
    out.error(describeApiError(err));
    return EXIT.apiError;
  }
  if (err instanceof CliError) {
    if (json) out.json({ error: { code: err.code, message: err.message } });
    out.error([`wdt-k3: ${err.message}`, ...err.hints]);
    return err.exitCode;
  }
  // A defect of the CLI itself: say so plainly; the stack only on request.
  const detail = verbose && err instanceof Error && err.stack !== undefined ? [err.stack] : [];
  out.error([`wdt-k3: unexpected error: ${err instanceof Error ? err.message : String(err)}`, ...detail]);
  return EXIT.apiError;
}

async function runCommand(
  command: CommandSpec,
  rest: readonly string[],
  io: CliIo,
  secrets: string[],
): Promise<ExitCode> {
  const args = parseCommandArgs(command, rest);
  const config = loadConfig(
    io.env,
    {
      url: stringOption(args, 'url'),
      token: stringOption(args, 'token'),
      timeoutMs: stringOption(args, 'timeout-ms'),
    },
    io.stdout.isTTY === true,
  );
  const out = createOutput(io.stdout, io.stderr, createStyle(config.color), secrets);
  const verbose = args.values.verbose === true ? (line: string) => out.error([line]) : null;
  const client = createAdminClient(config, verbose);
  return command.run(
    { client, out, json: args.values.json === true, readInput: io.readInput, language: config.language },
    args,
  );
}

/** Runs one command line and answers the exit code; never throws, never prints a stack for an expected failure. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const secrets = secretsOf(argv, io.env);
  const out = createOutput(io.stdout, io.stderr, createStyle(false), secrets);
  const endOfOptions = argv.indexOf('--');
  const options = endOfOptions < 0 ? argv : argv.slice(0, endOfOptions);
  const json = options.includes('--json');
  const verbose = options.includes('--verbose') || options.includes('-v');
  try {
    const resolved = resolveCommand(argv, COMMANDS);
    if (resolved.kind === 'help') {
      out.lines(helpFor(resolved.topic, COMMANDS));
      return EXIT.ok;
    }
    if (resolved.kind === 'none') {
      out.error(toolHelp(COMMANDS));
      return EXIT.usage;
    }
    return await runCommand(resolved.command, resolved.rest, io, secrets);
  } catch (err) {
    return report(err, out, json, verbose);
  }
}
