/**
 * Notifications of concern (underretninger): the municipality assesses each within 24 hours of receiving it
 * whether the child's health or development is at risk so that acute measures are needed (Serviceloven
 * § 155, stk. 2 until 2023, Barnets lov from 2024). The due is an instant, receipt + 24 elapsed hours, not the
 * end of a local day: see the `hours-after` due in rules/types.ts.
 */
import type { AssessNotificationOfConcern, RecordNotificationOfConcern } from './commands';
import { domainError, fail, ok, type Result } from './errors';
import type { FactEvent } from './events';
import type { ObligationIntent } from './obligations';
import { notBefore } from './plausible-time';
import type { CaseState, NotificationState, OpenedCaseState } from './state';
import { boolean, identifier, isNewKey, text, validate } from './validation';

type NotificationFact = Extract<
  FactEvent,
  { type: 'NotificationOfConcernReceived' | 'NotificationOfConcernAssessed' }
>;

/** A notification recorded on the case, or the refusal naming `field`. */
export function notificationOf(
  state: CaseState,
  notificationId: string,
  field = 'notificationId',
): Result<NotificationState> {
  const invalid = identifier(notificationId, field);
  if (invalid !== undefined) return fail(invalid);
  const notification = Object.hasOwn(state.notifications, notificationId)
    ? state.notifications[notificationId]
    : undefined;
  return notification === undefined
    ? fail(
        domainError('notification-not-found', 'No notification of concern with this id on the case', field),
      )
    : ok(notification);
}

export function decideRecordNotificationOfConcern(
  command: RecordNotificationOfConcern,
  state: OpenedCaseState,
): Result<NotificationFact> {
  const { notificationId } = command.data;
  const valid = validate(
    () => identifier(notificationId, 'notificationId'),
    () => isNewKey(state.notifications, notificationId, 'notificationId'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'NotificationOfConcernReceived',
    data: { notificationId },
    occurredAt: command.occurredAt,
  });
}

export function decideAssessNotificationOfConcern(
  command: AssessNotificationOfConcern,
  state: OpenedCaseState,
): Result<NotificationFact> {
  const { notificationId, acuteMeasuresNeeded, reasoning } = command.data;
  const found = notificationOf(state, notificationId);
  if (!found.ok) return found;
  if (found.value.assessedAt !== null) {
    return fail(
      domainError(
        'notification-already-assessed',
        'The notification has already been assessed',
        'notificationId',
      ),
    );
  }
  const valid = validate(
    () =>
      notBefore(command.occurredAt, {
        type: 'NotificationOfConcernReceived',
        id: notificationId,
        at: found.value.receivedAt,
      }),
    () => boolean(acuteMeasuresNeeded, 'acuteMeasuresNeeded'),
    () => text(reasoning, 'reasoning', 'reasoning-required'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'NotificationOfConcernAssessed',
    data: { notificationId, acuteMeasuresNeeded, reasoning: reasoning.trim() },
    occurredAt: command.occurredAt,
  });
}

export function evolveNotification(state: CaseState, fact: NotificationFact): CaseState {
  const { notificationId } = fact.data;
  if (fact.type === 'NotificationOfConcernReceived') {
    const received: NotificationState = { receivedAt: fact.occurredAt, assessedAt: null };
    return { ...state, notifications: { ...state.notifications, [notificationId]: received } };
  }
  const current = state.notifications[notificationId];
  return current === undefined
    ? state
    : {
        ...state,
        notifications: {
          ...state.notifications,
          [notificationId]: { ...current, assessedAt: fact.occurredAt },
        },
      };
}

/** Receipt opens UNDERRETNING-ASSESS; the assessment fulfils it through the rule's `fulfilledBy`. */
export function deriveNotification(fact: NotificationFact): ObligationIntent[] {
  return fact.type === 'NotificationOfConcernReceived'
    ? [
        {
          kind: 'open',
          ruleId: 'UNDERRETNING-ASSESS',
          subject: { kind: 'notification', id: fact.data.notificationId },
        },
      ]
    : [];
}

export type { NotificationFact };
