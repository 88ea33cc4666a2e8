import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { RULE_IDS, type RuleId } from '@fristvagt/domain';
import { MinPositionParam, MunicipalityParam, WaitParam } from '../../http/query-params';
import { codeValidator, IsRuleId } from '../../http/validators';

/** The longest window the compliance figures cover, in months. */
export const MAX_COMPLIANCE_MONTHS = 36;
/** The window without `from` and `to`: this many months up to the current one. */
export const DEFAULT_COMPLIANCE_MONTHS = 12;

const MONTH = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

const IsMonth = () =>
  codeValidator('invalid-month', isMonth, 'must be a month as YYYY-MM (Copenhagen), e.g. 2026-03');

/** GET /v1/compliance. `from` after `to`, or more than 36 months, is checked once the defaults are known. */
export class ComplianceQueryDto {
  @MunicipalityParam()
  municipality?: string[];

  @ApiPropertyOptional({
    description: `First month (YYYY-MM, Copenhagen), inclusive. Default: ${DEFAULT_COMPLIANCE_MONTHS - 1} months before \`to\`. At most ${MAX_COMPLIANCE_MONTHS} months from \`from\` to \`to\`.`,
    pattern: MONTH.source,
    example: '2026-01',
  })
  @IsOptional()
  @IsMonth()
  from?: string;

  @ApiPropertyOptional({
    description:
      'Last month (YYYY-MM, Copenhagen), inclusive; not before `from`. Default: the current month by the service clock.',
    pattern: MONTH.source,
    example: '2026-12',
  })
  @IsOptional()
  @IsMonth()
  to?: string;

  @ApiPropertyOptional({
    description:
      'Only this rule in `rules`. Default: every rule with an obligation due in the window. The network-council convocation distribution is given either way.',
    enum: RULE_IDS,
    example: 'NSR-CONVENE',
  })
  @IsOptional()
  @IsRuleId()
  ruleId?: RuleId;

  @MinPositionParam('the `position` of a command response')
  minPosition?: string;

  @WaitParam()
  wait?: number;
}
