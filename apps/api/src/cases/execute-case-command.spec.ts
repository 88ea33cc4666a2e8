import { HttpException, HttpStatus } from '@nestjs/common';
import { domainError } from '@fristvagt/domain';
import { domainProblem } from './domain-problems';
import { CaseBusy, metricOutcomeOf } from './execute-case-command';

describe('metricOutcomeOf', () => {
  const problem = (code: string, status: HttpStatus) => new HttpException({ code, detail: code }, status);

  it('counts concurrency as conflict, a full queue as busy, refusals as rejected and the rest as error', () => {
    expect(metricOutcomeOf(problem('stream-revision-conflict', HttpStatus.CONFLICT))).toBe('conflict');
    expect(metricOutcomeOf(problem('revision-mismatch', HttpStatus.PRECONDITION_FAILED))).toBe('conflict');
    expect(metricOutcomeOf(new CaseBusy())).toBe('busy');
    // The domain's 409s are refusals of what the case already holds, not concurrency.
    expect(metricOutcomeOf(domainProblem(domainError('case-already-opened', 'The case is open')))).toBe(
      'rejected',
    );
    expect(metricOutcomeOf(problem('occurred-in-future', HttpStatus.UNPROCESSABLE_ENTITY))).toBe('rejected');
    expect(metricOutcomeOf(problem('case-not-found', HttpStatus.NOT_FOUND))).toBe('rejected');
    expect(metricOutcomeOf(new Error('connection lost'))).toBe('error');
    expect(metricOutcomeOf(problem('internal-error', HttpStatus.INTERNAL_SERVER_ERROR))).toBe('error');
  });
});
