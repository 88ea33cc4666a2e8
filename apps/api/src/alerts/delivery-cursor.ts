import { isMicrosecondInstant, isStoredUuid, keysetCursor } from '../http/keyset-cursor';

/** The keyset of the last delivery of a page: newest first, so the next page is what was created before it. */
export interface DeliveryCursor {
  /** The delivery's creation instant to the microsecond, as the read model sorts it. */
  readonly createdAt: string;
  readonly deliveryId: string;
}

export const { encode: encodeDeliveryCursor, decode: decodeDeliveryCursor } = keysetCursor<DeliveryCursor>({
  fields: ['createdAt', 'deliveryId'],
  maxLength: 256,
  isKeyset: ({ createdAt, deliveryId }) => isMicrosecondInstant(createdAt) && isStoredUuid(deliveryId),
});
