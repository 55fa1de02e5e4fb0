/** The current year's months, `from` and `to` for a period range ("2026-01" … "2026-12"). */
export function thisYear(now = new Date()): { from: string; to: string } {
  const y = now.getFullYear();
  return { from: `${y}-01`, to: `${y}-12` };
}

/** A period as text: "2026-10" → "2026年10月" / "Oct 2026"; "2026-Q3" → "2026年第3季度" / "2026 Q3". */
export function periodLabel(period: string, locale: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    if (locale === 'en') return `${month[1]}-${month[2]}`;
    return `${month[1]}年${Number(month[2])}月`;
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return locale === 'en' ? `${quarter[1]} Q${quarter[2]}` : `${quarter[1]}年第${quarter[2]}季度`;
  return period;
}

/** A date-time as local date and time, in the page's language. */
export function dateTime(iso: string | null, locale: string): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

export function dateOnly(iso: string | null, locale: string): string {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(locale === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'long' });
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return PERIOD.test(value);
}
