/** Words of the staff pages (pages/staff/). English must translate every key (the type says so). */
export const staffZh = {};

export const staffEn: Record<keyof typeof staffZh, string> = {};
