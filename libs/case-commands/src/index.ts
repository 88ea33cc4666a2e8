export * from './case-stream';
export * from './case-rules';
export * from './check-obligation';
export * from './load-decide-append';
