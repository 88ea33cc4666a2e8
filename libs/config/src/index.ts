export * from './clock';
export * from './config';
export * from './config.module';
export * from './redact-url';
export * from './variables';
export * from './generated-secret';
export * from './garbage-collection';
