import { problemMessage } from './problems';

describe('refusals in Danish', () => {
  it('says a known code in Danish', () => {
    expect(
      problemMessage({
        status: 403,
        code: 'role-cannot-sign-in',
        detail: 'An integration key…',
        field: null,
      }),
    ).toMatch(/integrationsnøgle kan ikke bruges til at logge ind/);
  });

  it('says what kind of refusal an unknown code is, with the server’s words', () => {
    expect(problemMessage({ status: 422, code: 'something-new', detail: 'Because.', field: null })).toBe(
      'Reglerne tillader det ikke. (Serverens besked: Because.)',
    );
    expect(problemMessage({ status: 500, code: null, detail: null, field: null })).toBe(
      'Der opstod en fejl på serveren. Prøv igen om lidt.',
    );
  });
});
