import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CaseHistoryQueryDto } from '../../cases/dto/case-history.dto';
import { IsOneOf } from '../../http/validators';

export const BOOLEAN_TEXTS = ['true', 'false'] as const;
export const HISTORY_CSV_VIEWS = ['events', 'obligations'] as const;

/** `bom`: a UTF-8 byte-order mark first, for Excel. */
export const BomParam = () =>
  ApiPropertyOptional({
    description:
      'true: begin with a UTF-8 byte-order mark, which Excel needs to read æ, ø and å. Default false.',
    enum: BOOLEAN_TEXTS,
    example: 'true',
  });

/** GET /v1/cases/{caseId}/history.csv: the history's parameters, and how to write the file. */
export class CaseHistoryCsvQueryDto extends CaseHistoryQueryDto {
  @BomParam()
  @IsOptional()
  @IsOneOf('invalid-boolean', BOOLEAN_TEXTS)
  bom?: (typeof BOOLEAN_TEXTS)[number];

  @ApiPropertyOptional({
    description:
      'events (default): one row per event with the case state after it; obligations: one row per step in the life of each obligation.',
    enum: HISTORY_CSV_VIEWS,
  })
  @IsOptional()
  @IsOneOf('invalid-view', HISTORY_CSV_VIEWS)
  view?: (typeof HISTORY_CSV_VIEWS)[number];
}
