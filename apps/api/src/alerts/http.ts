import { HttpException, HttpStatus, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { isUuid } from '../http/validators';

/** A subscription or delivery id in a path: a UUID, read in lower case as the streams are named. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  constructor(
    private readonly field: 'subscriptionId' | 'deliveryId',
    private readonly code: string,
  ) {}

  transform(value: string): string {
    if (!isUuid(value)) {
      const detail = `${this.field} must be a UUID`;
      throw new HttpException(
        {
          code: this.code,
          field: this.field,
          detail,
          errors: [{ field: this.field, code: this.code, detail }],
        },
        HttpStatus.BAD_REQUEST,
      );
    }
    return value.toLowerCase();
  }
}

export const subscriptionIdPipe = new UuidPipe('subscriptionId', 'invalid-subscription-id');
export const deliveryIdPipe = new UuidPipe('deliveryId', 'invalid-delivery-id');

/** The Idempotency-Key every alert command needs, documented as on the case commands. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description:
      'Any unique string per intended request (a UUID is fine). Send the same key when you retry: the original ' +
      'response comes back (with Idempotent-Replayed: true) and nothing is recorded twice.',
    example: '5b6f0f7e-3f4b-4c89-9d27-6a9f1b3c2e10',
  });

export const REPLAYED_HEADER_DOC = {
  'Idempotent-Replayed': {
    description: '`true` when this is the answer of an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
};
