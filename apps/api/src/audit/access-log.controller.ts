import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/principal';
import type { HttpResponse } from '../http/request';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { AccessLogQueries } from './access-log-queries';
import { AccessLogPage, AccessLogQueryDto } from './dto/access-log.dto';

/** The auditors' access log, for admins (issue 13, point 4). */
@ApiTags('audit')
@ApiBearerAuth(API_KEY_SCHEME)
@Roles('admin')
@Controller('v1/audit/access-log')
export class AccessLogController {
  constructor(private readonly queries: AccessLogQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Auditors’ reads: who, when, which route and case, and the stated purpose',
    description:
      'Every request an auditor key made (each needs a purpose, header X-Audit-Purpose or parameter `purpose`), ' +
      'as recorded before it was answered, oldest first, from `from` to `to` (default the last 7 days, at most ' +
      '92), optionally of one auditor key or one case. Paginated with `limit` and `cursor`. Role: admin.',
  })
  @ApiOkResponse({ type: AccessLogPage })
  @ApiProblems({
    400: 'invalid-key-id, invalid-case-id, invalid-instant, invalid-range, invalid-cursor, out-of-range, unknown-field, validation-failed',
    401: 'unauthenticated, invalid-api-key',
    403: 'forbidden-role',
  })
  async list(
    @Query() query: AccessLogQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<AccessLogPage> {
    response.header('Cache-Control', 'no-store');
    return this.queries.list(query);
  }
}
