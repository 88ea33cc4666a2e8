import { decodeDeliveryCursor, encodeDeliveryCursor } from './delivery-cursor';

const CURSOR = {
  createdAt: '2026-03-25T12:00:01.204512Z',
  deliveryId: '9c1d2e3f-4a5b-5c6d-8e7f-0a1b2c3d4e5f',
};

describe('the delivery cursor', () => {
  it('decodes what it encoded', () => {
    expect(decodeDeliveryCursor(encodeDeliveryCursor(CURSOR))).toEqual(CURSOR);
  });

  it('refuses anything it did not make', () => {
    const token = encodeDeliveryCursor(CURSOR);
    const reordered = Buffer.from(
      JSON.stringify({ deliveryId: CURSOR.deliveryId, createdAt: CURSOR.createdAt }),
    ).toString('base64url');
    for (const bad of [
      '',
      'not a cursor',
      `${token}=`,
      reordered,
      encodeDeliveryCursor({ ...CURSOR, createdAt: '2026-02-30T12:00:01.204512Z' }),
      encodeDeliveryCursor({ ...CURSOR, deliveryId: "x' OR 1=1" }),
      Buffer.from('[]').toString('base64url'),
      42,
    ]) {
      expect({ bad, decoded: decodeDeliveryCursor(bad) }).toEqual({ bad, decoded: undefined });
    }
  });
});
