import { Writable } from 'node:stream';
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  type INestApplication,
  Post,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsString, Matches } from 'class-validator';
import request from 'supertest';
import { WrongExpectedRevision } from '@fristvagt/event-store';
import { createLogger, LOGGER } from '@fristvagt/logging';
import { QueueWaitTimeout } from '@fristvagt/case-commands';
import { ReadModelNotReady } from '@fristvagt/projections';
import { InputValidationPipe } from './input-validation';
import { ProblemDetailsFilter } from './problem-details.filter';

class RegisterChild {
  @IsString()
  @Matches(/^\d{3}$/)
  municipality!: string;
}

@Controller()
class ThrowingController {
  @Get('boom')
  boom(): never {
    throw new Error('connect to postgres://app:hunter2@db failed');
  }

  @Get('boom/:id')
  boomWithId(): never {
    throw new Error('unexpected');
  }

  @Get('forbidden')
  forbidden(): never {
    throw new ForbiddenException();
  }

  @Get('domain')
  domain(): never {
    throw new HttpException(
      { code: 'aftercare-window-closed', detail: 'The aftercare window closed at 23.' },
      422,
    );
  }

  @Get('conflict')
  conflict(): never {
    throw new WrongExpectedRevision('case-1', 3n, 4n);
  }

  @Get('busy')
  busy(): never {
    throw new QueueWaitTimeout(10_000);
  }

  @Get('rebuilding')
  rebuilding(): never {
    throw new ReadModelNotReady('obligations', { eventsApplied: 1200 });
  }

  @Post('children')
  register(@Body() _body: RegisterChild): string {
    return 'ok';
  }
}

describe('ProblemDetailsFilter', () => {
  let app: INestApplication;
  const logged: string[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logged.push(chunk.toString('utf8'));
        callback();
      },
    });
    const moduleRef = await Test.createTestingModule({
      controllers: [ThrowingController],
      providers: [
        { provide: LOGGER, useValue: createLogger({ destination }) },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: InputValidationPipe },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('turns an unknown error into a 500 that reveals nothing, and logs it', async () => {
    const response = await request(app.getHttpServer()).get('/boom').expect(500);

    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toEqual({
      type: 'urn:fristvagt:problem:internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred. It has been logged.',
      code: 'internal-error',
    });
    expect(response.text).not.toMatch(/hunter2|postgres|at /);
    expect(logged.join('')).toContain('request failed');
    expect(logged.join('')).not.toContain('hunter2');
  });

  it('logs the route template of a failed request, never its path or query', async () => {
    const before = logged.length;
    await request(app.getHttpServer()).get('/boom/010310%204123?cpr=01.03.10-4123').expect(500);

    const lines = logged.slice(before).join('');
    expect(lines).toContain('"route":"/boom/:id"');
    expect(lines).not.toMatch(/0103|4123/);
  });

  it.each([
    ['GET', '/v1/persons/010310-4123'],
    ['GET', '/v1/persons?cpr=010310-4123'],
    ['GET', '/v1/persons/010310%204123'],
    ['DELETE', '/v1/cases/0103104123'],
  ])(
    'answers %s %s, a route that does not exist, with route-not-found and without the path',
    async (method, path) => {
      const before = logged.length;
      const response = await request(app.getHttpServer())
        [method === 'GET' ? 'get' : 'delete'](path)
        .expect(404);

      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toEqual({
        type: 'urn:fristvagt:problem:route-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'No route of this API matches the method and path.',
        code: 'route-not-found',
      });
      expect(response.text).not.toMatch(/0103|4123|persons|cases/);
      expect(logged.slice(before).join('')).not.toMatch(/0103|4123/);
    },
  );

  it('keeps the status of an HttpException, with about:blank for a bare status', async () => {
    const response = await request(app.getHttpServer()).get('/forbidden').expect(403);

    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'Forbidden',
      code: 'forbidden',
    });
  });

  it('carries the stable code of an HttpException thrown with one', async () => {
    const response = await request(app.getHttpServer()).get('/domain').expect(422);

    expect(response.body).toEqual({
      type: 'urn:fristvagt:problem:aftercare-window-closed',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'The aftercare window closed at 23.',
      code: 'aftercare-window-closed',
    });
  });

  it('maps a stream revision conflict to 409 stream-revision-conflict', async () => {
    const response = await request(app.getHttpServer()).get('/conflict').expect(409);

    expect(response.body).toMatchObject({ status: 409, code: 'stream-revision-conflict' });
  });

  it('answers a read model that is not built yet with 503 read-model-not-ready and Retry-After, unlogged as an error', async () => {
    const before = logged.length;
    const response = await request(app.getHttpServer()).get('/rebuilding').expect(503);

    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toEqual({
      type: 'urn:fristvagt:problem:read-model-not-ready',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The obligations read model is being rebuilt (1200 events applied so far); try again in 5 s.',
      code: 'read-model-not-ready',
    });
    const lines = logged.slice(before).join('');
    expect(lines).toContain('"level":"warn"');
    expect(lines).not.toContain('request failed');
  });

  it('answers a stream that stayed busy in this process with 503 stream-busy and Retry-After, not a 500', async () => {
    const response = await request(app.getHttpServer()).get('/busy').expect(503);

    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toMatchObject({ status: 503, code: 'stream-busy' });
  });

  it('lists every invalid field of a request body as validation-failed', async () => {
    const response = await request(app.getHttpServer())
      .post('/children')
      .send({ municipality: '46', extra: true })
      .expect(400);

    expect(response.body).toMatchObject({
      type: 'urn:fristvagt:problem:validation-failed',
      status: 400,
      code: 'validation-failed',
      field: 'extra',
      errors: [
        { field: 'extra', code: 'unknown-field', detail: 'extra is not a field of this request' },
        {
          field: 'municipality',
          code: 'invalid-format',
          detail: expect.stringContaining('municipality must match'),
        },
      ],
    });
    expect(response.body.detail).toBe(
      response.body.errors.map((error: { detail: string }) => error.detail).join('; '),
    );
  });
});
