import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { type InputError, type Problem, PROBLEM_CONTENT_TYPE } from './problem';

/** The OpenAPI schema of `InputError`. */
export class InputErrorDto implements InputError {
  @ApiProperty({ description: 'The input at fault.', example: 'from' })
  field!: string;

  @ApiProperty({ description: 'Stable, kebab-case.', example: 'invalid-instant' })
  code!: string;

  @ApiProperty({ example: 'from must be an ISO-8601 UTC instant ending in Z, e.g. 2026-03-25T10:00:00Z' })
  detail!: string;
}

/** The OpenAPI schema of every error response (RFC 9457 problem details). */
export class ProblemDto implements Problem {
  @ApiProperty({
    description: '`about:blank` when the status says it all, else `urn:fristvagt:problem:<code>`.',
    example: 'urn:fristvagt:problem:invalid-instant',
  })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ description: 'For people; never contains personal data or the request body.' })
  detail!: string;

  @ApiProperty({ description: 'Stable, kebab-case: clients branch on this, never on `detail`.' })
  code!: string;

  @ApiPropertyOptional({ description: 'The input at fault: a body path, a query or path parameter.' })
  field?: string;

  @ApiPropertyOptional({ type: [InputErrorDto], description: 'Every invalid input, when there are several.' })
  errors?: InputErrorDto[];
}

/**
 * Documents error responses of a handler as `application/problem+json`, one per status, with the codes a
 * client can expect there: `@ApiProblems({ 400: 'invalid-instant, ...', 404: 'unknown-rule' })`.
 */
export function ApiProblems(
  codesByStatus: Readonly<Record<number, string>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto, InputErrorDto),
    ...Object.entries(codesByStatus).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `Problem details; \`code\`: ${codes}.`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
