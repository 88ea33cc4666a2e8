import type { ObligationCursor } from '@fristvagt/projections';
import { isMicrosecondInstant, isStoredUuid, keysetCursor } from '../http/keyset-cursor';

export const { encode: encodeCursor, decode: decodeCursor } = keysetCursor<ObligationCursor>({
  fields: ['dueSort', 'caseId', 'obligationId'],
  // Longer than any cursor the read model makes (an obligation id is at most 300 characters).
  maxLength: 1_024,
  // The read model's sort key is a due instant, or 'infinity' for an obligation without a due.
  isKeyset: ({ dueSort, caseId, obligationId }) =>
    (dueSort === 'infinity' || isMicrosecondInstant(dueSort)) &&
    isStoredUuid(caseId) &&
    typeof obligationId === 'string' &&
    obligationId.length > 0 &&
    obligationId.length <= 300,
});
