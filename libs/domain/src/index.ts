export * from './errors';
export * from './calendar';
export * from './people';
