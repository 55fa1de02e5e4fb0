import { commonEn } from './common';
import { publicEn } from './public';
import { residentEn } from './resident';
import { staffEn } from './staff';
import { supervisionEn } from './supervision';
import { supervisionDashboardEn } from './supervision-dashboard';
import type { zh } from './zh';

export const en: Record<keyof typeof zh, string> = {
  ...commonEn,
  ...publicEn,
  ...residentEn,
  ...staffEn,
  ...supervisionDashboardEn,
  ...supervisionEn,
};
