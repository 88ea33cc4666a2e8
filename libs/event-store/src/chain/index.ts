export {
  chainLink,
  chainLinkHex,
  contentHash,
  contentHashHex,
  contentText,
  GENESIS,
  GENESIS_HEX,
} from './hash-chain';
export type { HashedContent } from './hash-chain';
export { leafHash, merkleRoot, sortHeads } from './merkle';
export type { StreamHead } from './merkle';
export { checkCheckpoint, generateSigningKey, publicKeyPem, sealCheckpoint } from './checkpoint';
export type { Checkpoint } from './checkpoint';
export { ChainVerifier, verifyChain } from './verify';
export type { BreakKind, ChainBreak, ChainRow, ChainSource, VerifyOptions, VerifyReport } from './verify';
