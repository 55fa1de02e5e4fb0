import { commonZh } from './common';
import { publicZh } from './public';
import { residentZh } from './resident';
import { staffZh } from './staff';
import { supervisionZh } from './supervision';
import { supervisionDashboardZh } from './supervision-dashboard';

/** Chinese (the default): every key of the portal. */
export const zh = {
  ...commonZh,
  ...publicZh,
  ...residentZh,
  ...staffZh,
  ...supervisionZh,
  ...supervisionDashboardZh,
};
