import { createHash, createHmac } from 'node:crypto';

export const SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type SignMethod = (typeof SIGN_METHODS)[number];

/**
 * The TOP string to sign: every parameter except `sign`, sorted by name in code-unit order, each
 * as `name + value` with no separator. Raw values, not URL-encoded. Parameters with an empty
 * name or value are skipped, as the Java SDK's `TaobaoUtils.signTopRequest` does; this client
 * never sends an empty value, so the PHP SDK's different habit (it signs `name` alone) cannot
 * make the two disagree about our requests.
 */
export function qimenStringToSign(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && name !== '' && params[name] !== '' && params[name] !== undefined)
    .sort();
  let joined = '';
  for (const name of names) joined += name + (params[name] as string);
  return joined;
}

/**
 * Qimen/TOP signature, uppercase hex: `md5` = MD5(secret + s + secret), `hmac` = HMAC-MD5(secret, s),
 * `hmac-sha256` = HMAC-SHA256(secret, s), where s is {@link qimenStringToSign}. UTF-8 throughout.
 * `sign_method` is itself a signed parameter, so it must be in `params`.
 */
export function signQimen(
  params: Readonly<Record<string, string>>,
  secret: string,
  method: SignMethod,
): string {
  const data = qimenStringToSign(params);
  switch (method) {
    case 'md5':
      return createHash('md5')
        .update(secret + data + secret, 'utf8')
        .digest('hex')
        .toUpperCase();
    case 'hmac':
      return createHmac('md5', secret).update(data, 'utf8').digest('hex').toUpperCase();
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(data, 'utf8').digest('hex').toUpperCase();
  }
}
