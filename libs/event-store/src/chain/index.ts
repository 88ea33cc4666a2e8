export { chainLink, contentHash, contentText, GENESIS } from './hash-chain';
export type { HashedContent } from './hash-chain';
export { leafHash, merkleRoot, sortHeads } from './merkle';
export type { StreamHead } from './merkle';
export { checkCheckpoint, generateSigningKey, publicKeyPem, sealCheckpoint } from './checkpoint';
export type { Checkpoint } from './checkpoint';
export { ChainVerifier, verifyChain } from './verify';
export type { BreakKind, ChainBreak, ChainRow, ChainSource, VerifyOptions, VerifyReport } from './verify';
