import { commonEn } from './common';
import { publicEn } from './public';
import { residentEn } from './resident';
import { staffEn } from './staff';
import { supervisionEn } from './supervision';
import type { zh } from './zh';

export const en: Record<keyof typeof zh, string> = {
  ...commonEn,
  ...publicEn,
  ...residentEn,
  ...staffEn,
  ...supervisionEn,
};
