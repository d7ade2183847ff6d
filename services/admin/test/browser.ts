import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium (scripts/test.sh installs it when missing); playwright downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)`;
}

export async function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

/**
 * Every request the pages of a context make (documents, scripts, styles, fonts, images, fetches),
 * including those a CSP blocks before they are sent: a blocked one still shows up as a failed
 * request, so nothing that would leave the machine goes unnoticed.
 */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  context.on('requestfailed', (request) => urls.push(request.url()));
  return urls;
}

/** The requests that went anywhere but 127.0.0.1 (data: URLs are inline, not requests out). */
export function external(urls: readonly string[]): string[] {
  return urls.filter((url) => {
    if (url.startsWith('data:') || url === 'about:blank') return false;
    try {
      return new URL(url).hostname !== '127.0.0.1';
    } catch {
      return true;
    }
  });
}

/** The page is no wider than its viewport: nothing to scroll sideways on a phone. */
export async function horizontalOverflow(page: Page): Promise<number> {
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}

export async function signIn(page: Page, consoleUrl: string, token: string): Promise<void> {
  await page.goto(`${consoleUrl}/login`);
  await page.locator('input[name="token"]').fill(token);
  await page.locator('form[action="/console/login"] button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}
