import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from './process.ts';

export interface TestCertificates {
  /** The CA that signed the server certificate: what clients trust (REDIS_TLS_CA_FILE). */
  readonly caFile: string;
  /** Server certificate for 127.0.0.1 and localhost, and its key. */
  readonly certFile: string;
  readonly keyFile: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  const proc = startProcess('openssl', args, { name: 'openssl' });
  const exit = await proc.exited;
  if (exit.code !== 0)
    throw new Error(`openssl ${args[0]} failed (${exit.code ?? exit.signal}):\n${proc.lines.join('\n')}`);
}

/**
 * A throwaway CA and a server certificate signed by it (valid two days, IP SAN 127.0.0.1), made
 * with the openssl CLI in `dir`: real TLS for the fixtures, no key material in the repository.
 */
export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certFile = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-subj',
    '/CN=wdtk3-test-ca',
    '-days',
    '2',
  ]);
  await openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { caFile, certFile, keyFile };
}
