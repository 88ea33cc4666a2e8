export * from './cpr';
export * from './age';
