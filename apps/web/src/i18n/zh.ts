import { commonZh } from './common';
import { publicZh } from './public';
import { residentZh } from './resident';
import { staffZh } from './staff';
import { supervisionZh } from './supervision';

/** Chinese (the default): every key of the portal. */
export const zh = { ...commonZh, ...publicZh, ...residentZh, ...staffZh, ...supervisionZh };
