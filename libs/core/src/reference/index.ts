export * from './reference-cache';
export * from './reference-data';
export * from './reference-notifier';
