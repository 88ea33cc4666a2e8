import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsKommunekode, IsLocalDate } from '../../cases/dto/validators';
import { RulePackVersionQueryDto } from './rule-due.dto';

/** `GET /v1/rules`: the pack version, and whose settings on which day. */
export class RuleCatalogueQueryDto extends RulePackVersionQueryDto {
  @ApiPropertyOptional({
    description:
      "Show only this municipality's settings (within the key's scope; else 403 municipality-out-of-scope). " +
      "Default: every municipality of the key's scope.",
    pattern: '^\\d{3}$',
    example: '461',
  })
  @IsOptional()
  @IsKommunekode()
  municipality?: string;

  @ApiPropertyOptional({
    description:
      'Copenhagen local date whose municipal settings to show (those recorded through ' +
      '`/v1/municipalities/{code}/settings` in effect that day). Default: today.',
    format: 'date',
    example: '2027-01-01',
  })
  @IsOptional()
  @IsLocalDate()
  at?: string;
}
