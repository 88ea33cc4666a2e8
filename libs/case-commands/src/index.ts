export * from './case-stream';
export * from './case-rules';
export * from './check-obligation';
export * from './keyed-queue';
export * from './load-decide-append';
export * from './youth-history';
