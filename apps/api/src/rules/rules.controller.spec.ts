import { type CanActivate, type ExecutionContext, type INestApplication, Injectable } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DK_YOUTH_PACK } from '@fristvagt/domain';
import { createLogger, LOGGER } from '@fristvagt/logging';
import { PRINCIPAL_PROPERTY, type Principal } from '../access/principal';
import { InputValidationPipe } from '../problems/input-validation';
import { ProblemDetailsFilter } from '../problems/problem-details.filter';
import { RulesModule } from './rules.module';

/** Stands in for the access guard: the principal comes from a test header. */
@Injectable()
class TestPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context
      .switchToHttp()
      .getRequest<Record<string, unknown> & { headers: Record<string, string> }>();
    http[PRINCIPAL_PROPERTY] = JSON.parse(http.headers['x-test-principal']) as Principal;
    return true;
  }
}

const odense: Principal = { keyId: 'k-odense', role: 'integration', municipalities: ['461'] };
const esbjerg: Principal = { keyId: 'k-esbjerg', role: 'supervisor', municipalities: ['561'] };
const twoMunicipalities: Principal = { keyId: 'k-two', role: 'auditor', municipalities: ['461', '561'] };
const national: Principal = { keyId: 'k-national', role: 'admin', municipalities: '*' };

describe('RulesController', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RulesModule],
      providers: [
        { provide: LOGGER, useValue: createLogger({ level: 'silent' }) },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_GUARD, useClass: TestPrincipalGuard },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (path: string, principal: Principal = odense) =>
    request(app.getHttpServer()).get(path).set('x-test-principal', JSON.stringify(principal));

  describe('GET /v1/rules', () => {
    it('lists every variant of every rule with basis, citation, period, due and warning lead', async () => {
      const response = await get('/v1/rules').expect(200);

      expect(response.body.rulePack).toEqual({
        id: 'dk-youth',
        version: '2026.2',
        description: DK_YOUTH_PACK.description,
      });
      expect(response.body.defaults).toEqual({ warningLeadDays: 2, aftercareProcessingDays: 30 });
      expect(response.body.rules).toHaveLength(DK_YOUTH_PACK.rules.length);
      expect(response.body.rules).toContainEqual({
        ruleId: 'NSR-CONVENE',
        variant: 'barnets-lov',
        title: expect.stringContaining('Convene a network council'),
        titleDa: 'Netværkssamråd skal indkaldes',
        notes: null,
        basis: 'statute',
        citation:
          'Barnets lov, chapter 15 (dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131); section number to verify',
        citationVerified: false,
        effective: { from: '2024-01-01', to: null },
        due: { kind: 'days-after', description: 'end of local day (trigger date + 7 days)' },
        warningLeadDays: 2,
        optIn: false,
        municipalOverrides: [],
      });
      expect(response.body.rules).toContainEqual(
        expect.objectContaining({
          ruleId: 'NSR-CONVENE',
          variant: 'sel-57c',
          effective: { from: '2014-10-01', to: '2023-12-31' },
        }),
      );
    });

    it('lists the new rules with their citations and dues, and AC-END as a due that is never rolled', async () => {
      const response = await get('/v1/rules').expect(200);
      const variants = (ruleId: string) =>
        response.body.rules.filter((rule: { ruleId: string }) => rule.ruleId === ruleId);
      expect(variants('UNDERRETNING-ASSESS')).toContainEqual(
        expect.objectContaining({
          variant: 'barnets-lov-136',
          titleDa: 'Underretning skal vurderes',
          due: { kind: 'hours-after', description: expect.stringContaining('+ 24 elapsed hours') },
          effective: { from: '2024-01-01', to: null },
        }),
      );
      expect(variants('BFU-COMPLETE')).toContainEqual(
        expect.objectContaining({ variant: 'barnets-lov-20', citation: 'Barnets lov § 20, stk. 3, 1. pkt.' }),
      );
      expect(variants('UNGEPLAN')).toHaveLength(2);
      expect(variants('AC-END')[0].due.description).toContain('never rolled forward');
    });

    it('reads an earlier pack version with ?version=, and refuses an unknown one naming the field', async () => {
      const old = await get('/v1/rules?version=2026.1').expect(200);
      expect(old.body.rulePack).toMatchObject({ version: '2026.1' });
      expect(old.body.rules.map((rule: { ruleId: string }) => rule.ruleId)).not.toContain('BFU-COMPLETE');
      const refused = await get('/v1/rules?version=1999.1').expect(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'invalid-value', field: 'version' });
    });

    it("shows the caller's municipal overrides: Esbjerg switches CP-STATUS on", async () => {
      const response = await get('/v1/rules', esbjerg).expect(200);

      const status = response.body.rules.find((rule: { ruleId: string }) => rule.ruleId === 'CP-STATUS');
      expect(status).toMatchObject({ optIn: true, basis: 'municipal-standard' });
      expect(status.municipalOverrides).toEqual([
        {
          municipality: '561',
          name: 'Esbjerg',
          applies: true,
          warningLeadDays: 2,
          rollForward: false,
          extraNonWorkingDays: [],
          dueDays: null,
        },
      ]);
      const others = response.body.rules.filter((rule: { ruleId: string }) => rule.ruleId !== 'CP-STATUS');
      expect(
        others.every((rule: { municipalOverrides: unknown[] }) => rule.municipalOverrides.length === 0),
      ).toBe(true);
    });

    it("hides other municipalities' overrides, and shows all of them to a national key", async () => {
      const scoped = await get('/v1/rules', odense).expect(200);
      const all = await get('/v1/rules', national).expect(200);

      const overrides = (body: { rules: Array<{ municipalOverrides: Array<{ municipality: string }> }> }) =>
        body.rules.flatMap((rule) => rule.municipalOverrides.map((override) => override.municipality));
      expect(overrides(scoped.body)).toEqual([]);
      expect(overrides(all.body)).toEqual(['561']);
    });
  });

  describe('GET /v1/rules/{ruleId}/due', () => {
    it('gives what the CLI gives, with the municipality applied', async () => {
      const response = await get('/v1/rules/NSR-CONVENE/due?from=2025-03-25T10:00:00Z').expect(200);

      expect(response.body).toEqual({
        ruleId: 'NSR-CONVENE',
        variant: 'barnets-lov',
        municipality: '461',
        strictDueAt: '2025-04-01T22:00:00.000Z',
        rolledDueAt: null,
        localDueDate: '2025-04-01',
        basis: 'statute',
        citation:
          'Barnets lov, chapter 15 (dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131); section number to verify',
        citationVerified: false,
        rulePack: { id: 'dk-youth', version: '2026.2' },
      });
    });

    it("defaults the municipality to the key's only one, and to none when it has several or all", async () => {
      const one = await get('/v1/rules/AC-DECIDE/due?from=2025-03-25T10:00:00Z', esbjerg).expect(200);
      const several = await get(
        '/v1/rules/AC-DECIDE/due?from=2025-03-25T10:00:00Z',
        twoMunicipalities,
      ).expect(200);
      const all = await get('/v1/rules/AC-DECIDE/due?from=2025-03-25T10:00:00Z', national).expect(200);
      const chosen = await get(
        '/v1/rules/AC-DECIDE/due?from=2025-03-25T10:00:00Z&municipality=561',
        twoMunicipalities,
      ).expect(200);

      expect(one.body).toMatchObject({ municipality: '561', localDueDate: '2025-04-24' });
      expect(several.body.municipality).toBeNull();
      expect(all.body.municipality).toBeNull();
      expect(chosen.body.municipality).toBe('561');
    });

    it('uses the birth date for the rules counted from a birthday, taken in the body of the POST', async () => {
      const response = await request(app.getHttpServer())
        .post('/v1/rules/AC-ASSESS/due')
        .set('x-test-principal', JSON.stringify(odense))
        .send({ from: '2020-01-06T10:00:00Z', birthDate: '2010-08-31' })
        .expect(200);

      expect(response.body).toMatchObject({ variant: expect.any(String), localDueDate: '2028-02-29' });
    });

    it('refuses a municipality outside the key with 403 municipality-out-of-scope', async () => {
      const response = await get(
        '/v1/rules/NSR-CONVENE/due?from=2025-03-25T10:00:00Z&municipality=561',
      ).expect(403);

      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toMatchObject({ code: 'municipality-out-of-scope', field: 'municipality' });
    });

    it.each([
      ['from is missing', '', 'from', 'validation-failed'],
      ['from is not a UTC instant', '?from=2025-03-25', 'from', 'invalid-instant'],
      ['from has an offset', '?from=2025-03-25T10:00:00%2B01:00', 'from', 'invalid-instant'],
      [
        'from is given twice',
        '?from=2025-03-25T10:00:00Z&from=2025-03-26T10:00:00Z',
        'from',
        'invalid-instant',
      ],
      [
        'birthDate is in the query at all',
        '?from=2025-03-25T10:00:00Z&birthDate=2025-02-30',
        'birthDate',
        'personal-data-in-query',
      ],
      [
        'municipality is not three digits',
        '?from=2025-03-25T10:00:00Z&municipality=46',
        'municipality',
        'invalid-municipality',
      ],
      ['the query has an unknown parameter', '?from=2025-03-25T10:00:00Z&to=x', 'to', 'unknown-field'],
    ])('answers 400 naming the field when %s', async (_case, query, field, code) => {
      const response = await get(`/v1/rules/NSR-CONVENE/due${query}`).expect(400);

      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toMatchObject({ status: 400, field, code });
      expect(response.body.errors).toContainEqual(expect.objectContaining({ field }));
    });

    it('says which input is missing when from is', async () => {
      const response = await get('/v1/rules/NSR-CONVENE/due').expect(400);

      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ field: 'from', code: 'required' }),
      );
    });

    it.each([
      ['an unknown rule', 404, 'unknown-rule', 'ruleId', '/v1/rules/NSR-NOPE/due?from=2025-03-25T10:00:00Z'],
      [
        'a rule not yet in effect',
        422,
        'rule-not-in-effect',
        'from',
        '/v1/rules/NSR-CONVENE/due?from=2010-03-25T10:00:00Z',
      ],
      [
        'a birthday rule without a birth date',
        400,
        'birth-date-required',
        'birthDate',
        '/v1/rules/AC-END/due?from=2025-03-25T10:00:00Z',
      ],
    ])('maps %s to %i %s naming %s', async (_case, status, code, field, path) => {
      const response = await get(path).expect(status);

      expect(response.body).toMatchObject({
        type: `urn:fristvagt:problem:${code}`,
        status,
        code,
        field,
        errors: [{ field, code, detail: expect.any(String) }],
      });
    });

    it('never echoes an unknown rule id, which could be anything a client typed', async () => {
      const response = await get('/v1/rules/010203-1234/due?from=2025-03-25T10:00:00Z').expect(404);

      expect(response.text).not.toContain('010203');
    });
  });
});
