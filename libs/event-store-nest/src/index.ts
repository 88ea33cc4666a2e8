export * from './event-store.module';
export * from './open-event-store';
