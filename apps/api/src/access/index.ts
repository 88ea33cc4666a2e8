export * from './access.guard';
export * from './access.module';
export * from './api-key-store';
export * from './api-key-token';
export * from './event-store-api-key-store';
export * from './file-api-key-store';
export * from './open-api-key-store';
export * from './principal';
