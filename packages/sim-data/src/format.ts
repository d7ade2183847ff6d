import { BEIJING_OFFSET_MS } from '@wdt-k3/runtime';

/** `yyyyMMdd` of the Beijing date, for document numbers. */
export function beijingDay(epochMs: number): string {
  const iso = new Date(epochMs + BEIJING_OFFSET_MS).toISOString();
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

/** Integer ten-thousandths → WDT's 4-decimal string (`125000` → `"12.5000"`). */
export function formatMoney4(tenThousandths: number): string {
  const sign = tenThousandths < 0 ? '-' : '';
  const abs = Math.abs(tenThousandths);
  const whole = Math.floor(abs / 10000);
  const fraction = String(abs % 10000).padStart(4, '0');
  return `${sign}${whole}.${fraction}`;
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
