export * from './scheduler-health';
export * from './worker-health';
export * from './worker.module';
export * from './deadline-worker';
export * from './checkpoint-sealer';
