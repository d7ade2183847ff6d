export { GLOBAL_OPTIONS, parseCommandArgs, type Resolved, resolveCommand } from './args.ts';
export { type CliIo, runCli } from './cli.ts';
export {
  type AdminAnswer,
  type AdminClient,
  type AdminRequest,
  createAdminClient,
  pathOf,
} from './client.ts';
export { COMMANDS } from './commands/registry.ts';
export type { CommandContext, CommandSpec, OptionSpec, ParsedArgs } from './commands/types.ts';
export { type CliConfig, DEFAULT_ADMIN_URL, DEFAULT_TIMEOUT_MS, displayUrl, loadConfig } from './config.ts';
export {
  ApiError,
  CLI_ERROR_CODES,
  CliError,
  type CliErrorCode,
  EXIT,
  type ExitCode,
  UsageError,
} from './errors.ts';
export { formatBeijing, formatDuration } from './format.ts';
export { helpFor } from './help.ts';
export { createOutput, createStyle, type Output, type Style } from './output.ts';
export { type Column, cleanCell, displayWidth, formatFields, formatTable, truncate } from './table.ts';
