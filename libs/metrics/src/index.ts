export * from './event-store-metrics';
export * from './exposition';
export * from './metrics';
export * from './metrics.module';
