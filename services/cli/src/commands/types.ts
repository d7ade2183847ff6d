import type { Language } from '@wdt-k3/jobs';
import type { AdminClient } from '../client.ts';
import type { ExitCode } from '../errors.ts';
import type { Output } from '../output.ts';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable (`--tid A --tid B`); such options also accept comma lists. */
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's placeholder in help (`CODE`, `PATH`). */
  readonly value?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export type OptionValue = string | boolean | Array<string | boolean> | undefined;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, OptionValue>>;
}

export interface CommandContext {
  readonly client: AdminClient;
  readonly out: Output;
  /** --json: print the API's answer unchanged instead of tables. */
  readonly json: boolean;
  /** A file's text; `-` reads stdin. */
  readonly readInput: (path: string) => Promise<string>;
  /** Of the error codes' explanations (WDT_K3_LANG). */
  readonly language: Language;
}

export interface CommandSpec {
  /** The words that name it: `['failed', 'replay']`. */
  readonly path: readonly string[];
  /** Positional arguments as shown in usage (`<id>`, `[<id>]`). */
  readonly args: string;
  readonly summary: string;
  /** Further help paragraphs. */
  readonly help?: readonly string[];
  readonly options: OptionSpecs;
  /** How many positional arguments it takes: [min, max]. */
  readonly positionals: readonly [number, number];
  readonly examples?: readonly string[];
  run(ctx: CommandContext, args: ParsedArgs): Promise<ExitCode>;
}
