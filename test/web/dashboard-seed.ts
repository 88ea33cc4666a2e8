import { cprFor } from '../support/api';
import { mapLimit } from '../support/api-requests';
import type { DeadlineApp } from '../support/deadline-app';

/**
 * Cases for the web page's browser tests and screenshots, posted through the API as a case system would: a
 * year of network councils in Odense (461) for the compliance view, and open deadlines in every column of the
 * board on "today", 15 December 2026. The dates follow seed 003's picture: most invitations within the 7
 * days, one in five on the last day, a few weeks late now and then.
 */
export const TODAY = '2026-12-15';
/** End of local 15 December 2026 (CET): the due instant of the obligation the tests watch breach live. */
export const LIVE_DUE = '2026-12-15T23:00:00.000Z';
/** Received on local 8 December, so NSR-CONVENE is due at LIVE_DUE. */
export const LIVE_RECEIVED = '2026-12-08T09:30:00.000Z';

interface Opened {
  readonly obligationId: string;
  readonly ruleId: string;
}

export interface Seeded {
  /** Obligations the board must show, by column, as `caseId obligationId`. */
  readonly columns: { breached: string[]; 'due-soon': string[]; open: string[] };
  /** The case whose open NSR-HOLD a supervisor waives (its council was convened on time). */
  readonly waiveCase: { caseId: string; obligationId: string };
  /** A case of municipality 101 with an open obligation. */
  readonly otherMunicipalityCase: string;
  /** The `position` of the last command: read models that have reached it show everything seeded. */
  readonly lastPosition: string;
}

const at = (date: string, time = '09:00:00') => `${date}T${time}.000Z`;

function addDays(date: string, days: number): string {
  const day = new Date(`${date}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** The day before today at the latest: no fact is dated in the future. */
const notAfterYesterday = (date: string) => (date < TODAY ? date : addDays(TODAY, -1));

export async function seedDashboard(
  app: DeadlineApp,
  integration461: string,
  integration101: string,
): Promise<Seeded> {
  let serial = 4100;
  let lastPosition = '';
  const post = async (token: string, path: string, body: object) => {
    const response = await app.post(token, path, body);
    lastPosition = String(response.position);
    return response;
  };
  const openedBy = (response: Record<string, unknown>): Opened[] =>
    (response.obligations as { opened: Opened[] }).opened;
  const open = async (token: string, municipality: string, firstFact: string, birthDate: string) => {
    const response = await post(token, '/v1/cases', {
      cpr: cprFor(birthDate, serial++),
      municipality,
      occurredAt: at(addDays(firstFact, -1), '08:00:00'),
    });
    return String(response.caseId);
  };
  const notify = async (
    token: string,
    caseId: string,
    documentationId: string,
    date: string,
    offence: string,
  ) =>
    openedBy(
      await post(token, `/v1/cases/${caseId}/police-notifications`, {
        documentationId,
        kind: 'weekly-report',
        offenceCategories: [offence],
        occurredAt: at(date),
      }),
    );
  const convene = async (caseId: string, councilId: string, documentationId: string, date: string) =>
    openedBy(
      await post(integration461, `/v1/cases/${caseId}/network-council/convocations`, {
        councilId,
        documentationId,
        invitees: [{ role: 'youth' }, { role: 'custody-holder' }, { role: 'professional' }],
        meetingDate: addDays(date, 10),
        occurredAt: at(date, '13:00:00'),
      }),
    );
  const key = (caseId: string, opened: Opened[], ruleId: string) => {
    const found = opened.find((obligation) => obligation.ruleId === ruleId);
    if (found === undefined)
      throw new Error(`no ${ruleId} opened on case ${caseId}: ${JSON.stringify(opened)}`);
    return `${caseId} ${found.obligationId}`;
  };

  // A year of network councils: two notifications a month, convened after `days` days, then held or not.
  const daysToConvene = [7, 3, 6, 7, 12, 5, 2, 7, 9, 4, 20, 6, 7, 1, 15, 7, 5, 30, 3, 7, 45, 6];
  const daysToMeeting = [6, 10, 13, 17, 9, 12, 8, 11];
  const notHeld = ['youth-declined', 'no-show', 'parents-declined', 'handled-elsewhere'];
  const offences = ['violence', 'theft', 'robbery', 'violence', 'burglary', 'threats', 'serious-vandalism'];
  const openLater: string[] = [];
  const breached: string[] = [];
  const councilCase = async (index: number) => {
    const month = Math.floor(index / 2) + 1;
    const slot = index % 2;
    const received = `2026-${String(month).padStart(2, '0')}-${slot === 0 ? '04' : '18'}`;
    const caseId = await open(
      integration461,
      '461',
      received,
      `2010-${String(month).padStart(2, '0')}-1${slot}`,
    );
    const documentationId = `pol-2026-${String(index + 1).padStart(4, '0')}`;
    const opened = await notify(
      integration461,
      caseId,
      documentationId,
      received,
      offences[index % offences.length],
    );
    // One never convened: breached since September and still open.
    if (month === 9 && slot === 0) return { breached: key(caseId, opened, 'NSR-CONVENE') };
    const convened = notAfterYesterday(addDays(received, daysToConvene[index]));
    const councilId = `nsr-${index + 1}`;
    await convene(caseId, councilId, documentationId, convened);
    const meeting = notAfterYesterday(addDays(convened, daysToMeeting[index % daysToMeeting.length]));
    if (month !== 11) {
      await post(integration461, `/v1/cases/${caseId}/network-council/${councilId}/not-held`, {
        reason: notHeld[index % notHeld.length],
        occurredAt: at(meeting, '14:00:00'),
      });
      return {};
    }
    const held = openedBy(
      await post(integration461, `/v1/cases/${caseId}/network-council/${councilId}/held`, {
        participants: [{ role: 'youth' }, { role: 'custody-holder' }, { role: 'professional' }],
        agreements: ['Fast fremmøde i skolen', 'Fritidsjob'],
        occurredAt: at(meeting, '14:00:00'),
      }),
    );
    await post(integration461, `/v1/cases/${caseId}/action-plans`, {
      planId: `plan-${index + 1}`,
      councilId,
      kind: 'action-plan',
      occurredAt: at(notAfterYesterday(addDays(meeting, 2)), '16:00:00'),
    });
    return { open: key(caseId, held, 'NSR-FOLLOWUP') };
  };
  // Cases are independent: a few at a time (in the order of their index, whatever order they finish in).
  for (const result of await mapLimit(
    Array.from({ length: 22 }, (_, index) => index),
    4,
    councilCase,
  )) {
    if (result.breached !== undefined) breached.push(result.breached);
    if (result.open !== undefined) openLater.push(result.open);
  }

  // The board on 15 December. Breached: notifications not answered within 7 days.
  for (const [documentationId, received] of [
    ['pol-2026-0101', '2026-11-20'],
    ['pol-2026-0102', '2026-12-03'],
  ] as const) {
    const caseId = await open(integration461, '461', received, '2009-06-21');
    breached.push(
      key(caseId, await notify(integration461, caseId, documentationId, received, 'robbery'), 'NSR-CONVENE'),
    );
  }
  // Breached: a council convened in time but not held within 14 days.
  const lateHold = await open(integration461, '461', '2026-11-22', '2010-02-02');
  await notify(integration461, lateHold, 'pol-2026-0103', '2026-11-22', 'violence');
  breached.push(key(lateHold, await convene(lateHold, 'nsr-103', 'pol-2026-0103', '2026-11-25'), 'NSR-HOLD'));
  // Breached: a contact person's first follow-up, due 3 months after the start.
  const contactCase = await open(integration461, '461', '2026-07-20', '2011-08-30');
  await post(integration461, `/v1/cases/${contactCase}/contact-person/decisions`, {
    measureId: 'kp-1',
    planRequired: false,
    occurredAt: at('2026-07-20'),
  });
  const followUp = openedBy(
    await post(integration461, `/v1/cases/${contactCase}/contact-person/kp-1/start`, {
      occurredAt: at('2026-08-10'),
    }),
  );
  breached.push(key(contactCase, followUp, 'CP-FOLLOWUP-1'));

  // Due soon (within the 2-day warning lead): a notification of 9 December, a council convened 2 December.
  const dueSoon: string[] = [];
  const soonCase = await open(integration461, '461', '2026-12-09', '2009-11-03');
  dueSoon.push(
    key(
      soonCase,
      await notify(integration461, soonCase, 'pol-2026-0104', '2026-12-09', 'theft'),
      'NSR-CONVENE',
    ),
  );
  const holdCase = await open(integration461, '461', '2026-11-30', '2010-05-17');
  await notify(integration461, holdCase, 'pol-2026-0105', '2026-11-30', 'threats');
  dueSoon.push(key(holdCase, await convene(holdCase, 'nsr-105', 'pol-2026-0105', '2026-12-02'), 'NSR-HOLD'));

  // Open, due later: two recent notifications and a contact person who started in November.
  for (const [documentationId, received] of [
    ['pol-2026-0106', '2026-12-13'],
    ['pol-2026-0107', '2026-12-14'],
  ] as const) {
    const caseId = await open(integration461, '461', received, '2010-10-10');
    openLater.push(
      key(caseId, await notify(integration461, caseId, documentationId, received, 'violence'), 'NSR-CONVENE'),
    );
  }
  const laterContact = await open(integration461, '461', '2026-11-01', '2011-01-25');
  await post(integration461, `/v1/cases/${laterContact}/contact-person/decisions`, {
    measureId: 'kp-2',
    planRequired: false,
    occurredAt: at('2026-11-01'),
  });
  openLater.push(
    key(
      laterContact,
      openedBy(
        await post(integration461, `/v1/cases/${laterContact}/contact-person/kp-2/start`, {
          occurredAt: at('2026-11-15'),
        }),
      ),
      'CP-FOLLOWUP-1',
    ),
  );

  // Open: a council convened in time, to be held by 26 December (the obligation the tests waive).
  const waiveCaseId = await open(integration461, '461', '2026-12-11', '2009-12-24');
  await notify(integration461, waiveCaseId, 'pol-2026-0108', '2026-12-11', 'burglary');
  const hold = key(
    waiveCaseId,
    await convene(waiveCaseId, 'nsr-108', 'pol-2026-0108', '2026-12-12'),
    'NSR-HOLD',
  );
  openLater.push(hold);

  // Copenhagen (101): a case a supervisor of Odense must never see.
  const other = await open(integration101, '101', '2026-12-11', '2010-07-07');
  await notify(integration101, other, 'pol-kbh-0001', '2026-12-11', 'robbery');

  return {
    columns: { breached, 'due-soon': dueSoon, open: openLater },
    waiveCase: { caseId: waiveCaseId, obligationId: hold.split(' ')[1] },
    otherMunicipalityCase: other,
    lastPosition,
  };
}
