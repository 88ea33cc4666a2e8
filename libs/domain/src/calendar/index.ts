export * from './local-date';
export * from './holidays';
export * from './working-days';
export * from './instants';
