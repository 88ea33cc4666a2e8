export * from './obligations-read-model';
export * from './obligations.projection';
export * from './projection';
export * from './projection-runner';
export * from './projection-status';
export * from './read-model-database';
export * from './registry';
export * from './live-tables';
