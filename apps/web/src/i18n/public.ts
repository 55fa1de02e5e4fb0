/** Words of the public pages (pages/public/). English must translate every key (the type says so). */
export const publicZh = {};

export const publicEn: Record<keyof typeof publicZh, string> = {};
