import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigError } from '@wdt-k3/runtime';
import { parseDocument, visit } from 'yaml';
import { type MappingProfile, parseMappingProfile } from './profile-schema.ts';

/**
 * Reads a profile file at start-up. The only I/O in this package, kept apart from the pure
 * mapping. Keys the file leaves out take the default profile's value (see profile-schema.ts).
 * Every failure, from a missing file to a bad table entry, is one `ConfigError` that lists
 * every problem found.
 */
export async function loadMappingProfile(filePath: string): Promise<MappingProfile> {
  const source = `mapping profile ${filePath}`;
  const extension = extname(filePath).toLowerCase();
  if (extension !== '.json' && extension !== '.yaml' && extension !== '.yml') {
    throw new ConfigError(
      [`expected a .json, .yaml or .yml file, got "${extension || 'no extension'}"`],
      source,
    );
  }
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError([`cannot read the file: ${(error as Error).message}`], source);
  }
  if (text.trim() === '') {
    // An empty file is more likely a broken deploy than a wish for the defaults; `{}` says that.
    throw new ConfigError(['the file is empty; write {} to use the default profile'], source);
  }
  return parseMappingProfile(
    extension === '.json' ? parseJson(text, source) : parseYaml(text, source),
    source,
  );
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`not valid JSON: ${(error as Error).message}`], source);
  }
}

function parseYaml(text: string, source: string): unknown {
  // parseDocument collects every syntax error (and duplicate keys) instead of stopping at the first.
  const document = parseDocument(text, { prettyErrors: true });
  const problems = document.errors.map((error) => `not valid YAML: ${error.message}`);
  // YAML reads `0100` as 100 and `1e3` as 1000; for K3 numbers like an org `0100` that is a
  // silent change of meaning, so any number whose text is not its canonical form must be quoted.
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'number' && node.source !== undefined && node.source !== String(node.value)) {
        problems.push(
          `${node.source} is read by YAML as the number ${node.value}; quote it ("${node.source}")`,
        );
      }
    },
  });
  if (problems.length > 0) throw new ConfigError(problems, source);
  return document.toJS();
}
