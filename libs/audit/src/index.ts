export * from './access-log';
export * from './compliance-report';
export * from './csv';
export * from './purpose';
export * from './replay';
