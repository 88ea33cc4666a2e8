import { decideCase } from './decider';
import { CASE_ID, cmd, context, fold, given, history, openCase } from './test-support';

const person = { cprCiphertext: 'v1:abc', cprLookupHash: 'h:123' };

describe('OpenCase', () => {
  it('records the case with its municipality, birth date and the opaque person reference', () => {
    given([])
      .when(
        cmd(
          'OpenCase',
          { caseId: CASE_ID.toUpperCase(), municipality: '461', birthDate: '2009-05-10', person },
          '2025-01-01T10:00:00.000Z',
        ),
      )
      .then([
        {
          type: 'CaseOpened',
          data: { caseId: CASE_ID, municipality: '461', birthDate: '2009-05-10', person },
          occurredAt: '2025-01-01T10:00:00.000Z',
        },
      ]);
  });

  it.each([
    ['a case id that is not a UUID', { caseId: '010203-1234' }, 'invalid-case-id'],
    ['a four-digit municipality', { municipality: '4610' }, 'invalid-municipality'],
    ['an impossible birth date', { birthDate: '2009-02-29' }, 'invalid-date'],
    ['a malformed person reference', { person: { cprCiphertext: '' } }, 'invalid-person'],
  ])('refuses %s', (_name, patch, code) => {
    const command = openCase('2009-05-10');
    given([])
      .when({ ...command, data: { ...command.data, ...(patch as object) } })
      .thenFails(code);
  });

  it('refuses to open a case twice', () => {
    given(history([openCase('2009-05-10')]))
      .when(openCase('2009-05-10'))
      .thenFails('case-already-opened');
  });

  it('refuses malformed business times and a malformed now, storing nothing', () => {
    given([]).when(openCase('2009-05-10', '2025-01-01 10:00')).thenFails('invalid-instant');
    const refused = decideCase(openCase('2009-05-10'), fold([]), context('yesterday'));
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-instant', field: 'now' } });
  });

  it('refuses an unknown command type', () => {
    const unknown = { type: 'DeleteEverything', data: {}, occurredAt: '2025-01-01T10:00:00.000Z' } as never;
    given(history([openCase('2009-05-10')]))
      .when(unknown)
      .thenFails('unknown-command');
  });
});

describe('placements and transfers', () => {
  const opened = () => history([openCase('2009-05-10')]);

  it('refuses a duplicate placement, ending an unknown one, ending twice, and ending before the start', () => {
    const placed = [
      ...opened(),
      ...given(opened()).when(cmd('StartPlacement', { placementId: 'pl-1' }, '2021-01-01T10:00:00.000Z'))
        .events,
    ];
    given(placed)
      .when(cmd('StartPlacement', { placementId: 'pl-1' }, '2021-02-01T10:00:00.000Z'))
      .thenFails('duplicate-id');
    given(placed)
      .when(cmd('EndPlacement', { placementId: 'pl-2' }, '2021-02-01T10:00:00.000Z'))
      .thenFails('placement-not-found');
    given(placed)
      .when(cmd('EndPlacement', { placementId: 'pl-1' }, '2020-12-01T10:00:00.000Z'))
      .thenFails('precedes-its-cause');
    given(placed)
      .when(cmd('EndPlacement', { placementId: '' }, '2021-02-01T10:00:00.000Z'))
      .thenFails('invalid-id');
    const ended = [
      ...placed,
      ...given(placed).when(cmd('EndPlacement', { placementId: 'pl-1' }, '2021-02-01T10:00:00.000Z')).events,
    ];
    expect(fold(ended).placements['pl-1'].endedAt).toBe('2021-02-01T10:00:00.000Z');
    given(ended)
      .when(cmd('EndPlacement', { placementId: 'pl-1' }, '2021-03-01T10:00:00.000Z'))
      .thenFails('placement-already-ended');
  });

  it("a transfer moves the case: later obligations follow the receiving municipality's overrides", () => {
    const transferred = [
      ...opened(),
      ...given(opened()).when(cmd('TransferCase', { toMunicipality: '561' }, '2021-01-01T10:00:00.000Z'))
        .events,
    ];
    expect(transferred.at(-1)?.data).toEqual({ fromMunicipality: '101', toMunicipality: '561' });
    const decided = [
      ...transferred,
      ...given(transferred).when(cmd('DecideContactPerson', { measureId: 'm-1' }, '2021-02-01T10:00:00.000Z'))
        .events,
    ];
    // Esbjerg (561) applies the CP-STATUS municipal standard, although the context was resolved for 101.
    const outcome = given(decided).when(
      cmd('StartContactPerson', { measureId: 'm-1' }, '2021-02-02T10:00:00.000Z'),
    );
    expect(outcome.opened('CP-STATUS')[0]).toMatchObject({ municipality: '561' });
    given(transferred)
      .when(cmd('TransferCase', { toMunicipality: '561' }, '2021-03-01T10:00:00.000Z'))
      .thenFails('same-municipality');
    given(transferred)
      .when(cmd('TransferCase', { toMunicipality: 'x' }, '2021-03-01T10:00:00.000Z'))
      .thenFails('invalid-municipality');
  });
});
