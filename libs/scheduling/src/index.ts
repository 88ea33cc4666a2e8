export * from './scheduler.port';
export * from './wake-up';
export * from './in-process-scheduler';
export * from './bullmq-scheduler';
export * from './open-scheduler';
export * from './deadline-engine';
