export * from './engagement.module';
