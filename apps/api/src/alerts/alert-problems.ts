import { HttpException, HttpStatus } from '@nestjs/common';
import { municipalityOutOfScope as outOfScope } from '../access/principal';
import type { SubscriptionError } from './subscription';

/** A subscription that does not exist, was removed, or belongs to another municipality: all look the same. */
export function subscriptionNotFound(): HttpException {
  return new HttpException(
    { code: 'subscription-not-found', detail: 'No subscription with this id is visible to this API key.' },
    HttpStatus.NOT_FOUND,
  );
}

export function deliveryNotFound(): HttpException {
  return new HttpException(
    { code: 'delivery-not-found', detail: 'No delivery with this id is visible to this API key.' },
    HttpStatus.NOT_FOUND,
  );
}

export function municipalityOutOfScope(action: string): HttpException {
  return outOfScope('municipality', `This API key may not ${action} of that municipality`);
}

export function idempotencyKeyReused(): HttpException {
  return new HttpException(
    {
      code: 'idempotency-key-reused',
      field: 'Idempotency-Key',
      detail: 'This Idempotency-Key was used for a different request; use a new key for a new request',
    },
    HttpStatus.UNPROCESSABLE_ENTITY,
  );
}

export function keptChanging(subject: 'subscription' | 'delivery', attempts: number): HttpException {
  return new HttpException(
    {
      code: 'stream-revision-conflict',
      detail: `The ${subject} kept changing while this command was decided (${attempts} attempts); try again`,
    },
    HttpStatus.CONFLICT,
  );
}

/** The decider's refusals: a subscription that is not there is 404; one that cannot do this (its kind), 409. */
export function subscriptionProblem(error: SubscriptionError): HttpException {
  if (error.code === 'subscription-not-found') return subscriptionNotFound();
  return new HttpException(
    { code: error.code, detail: error.message, ...(error.field !== undefined && { field: error.field }) },
    HttpStatus.CONFLICT,
  );
}
