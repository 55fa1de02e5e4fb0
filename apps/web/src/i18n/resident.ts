/** Words of the resident pages (pages/resident/). English must translate every key (the type says so). */
export const residentZh = {};

export const residentEn: Record<keyof typeof residentZh, string> = {};
