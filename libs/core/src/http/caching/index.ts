export * from './cached-read.decorator';
export * from './conditional';
export * from './http-caching';
