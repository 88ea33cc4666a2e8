import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { API_KEY_STORE, type ApiKeyStore } from '../access/api-key-store';
import { Public } from '../access/principal';
import { CSRF_HEADER, isOwnOrigin } from '../access/sessions';
import type { HttpRequest, HttpResponse } from '../http/request';
import { SESSION_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { SessionDto, SignInDto } from './session.dto';
import { SessionService, type SessionView } from './sessions';

const SET_COOKIE_DOC = {
  'Set-Cookie': {
    description:
      'The session cookie: `fristvagt_session` (`__Host-fristvagt_session` when Secure), HttpOnly, ' +
      'SameSite=Strict, Path=/, Secure in production.',
    schema: { type: 'string' },
  },
};

type SessionRequest = HttpRequest & { readonly protocol?: string };

/**
 * Sign-in for the supervisors' web page: an API key for a session cookie. Every other endpoint then accepts the
 * cookie in place of the key (AccessGuard), with the key's role and municipalities.
 */
@ApiTags('session')
@Controller('v1/session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
  ) {}

  @Post()
  @Public()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Sign in to the web page',
    description:
      'Exchanges a supervisor, auditor or admin API key for a session cookie and the session’s CSRF token. The ' +
      'session ends when signed out, after SESSION_IDLE_TIMEOUT without use (default 30 min), after ' +
      'SESSION_MAX_AGE (default 8 h), or when the key is revoked. An integration key cannot sign in. A cookie ' +
      'the browser already had is ended.\n\nNo key needed (the body carries it).',
  })
  @ApiBody({ type: SignInDto })
  @ApiCreatedResponse({ type: SessionDto, headers: SET_COOKIE_DOC, description: 'Signed in.' })
  @ApiProblems({
    400: 'validation-failed, required, invalid-type, too-long, unknown-field, malformed-json',
    401: 'invalid-api-key',
    403: 'role-cannot-sign-in, cross-origin-request',
  })
  async signIn(
    @Body() body: SignInDto,
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) reply: HttpResponse,
  ): Promise<SessionView> {
    reply.header('Cache-Control', 'no-store');
    // No page of another origin signs a browser in (with the attacker's key) behind its user's back.
    if (
      !isOwnOrigin(
        request.headers.origin,
        { protocol: request.protocol ?? 'http', host: singleHeader(request.headers.host) },
        this.sessions.trustedOrigins,
      )
    ) {
      throw new HttpException(
        { code: 'cross-origin-request', detail: 'Sign in from this service’s own page.' },
        HttpStatus.FORBIDDEN,
      );
    }
    const principal = await this.keys.verify(body.apiKey);
    if (principal === undefined) {
      throw new HttpException(
        { code: 'invalid-api-key', detail: 'The API key is malformed, unknown or revoked.' },
        HttpStatus.UNAUTHORIZED,
      );
    }
    if (principal.role === 'integration') {
      throw new HttpException(
        {
          code: 'role-cannot-sign-in',
          detail:
            'An integration key cannot sign in to the web page; use a supervisor, auditor or admin key.',
        },
        HttpStatus.FORBIDDEN,
      );
    }
    const { token, view } = await this.sessions.start(principal, this.sessions.sessionToken(request.headers));
    reply.header('Set-Cookie', this.sessions.cookie(token));
    return view;
  }

  @Get()
  @Public()
  @ApiCookieAuth(SESSION_SCHEME)
  @ApiOperation({
    summary: 'The current session',
    description:
      'Who the session cookie is signed in as, until when, and its CSRF token (for a page that was reloaded). ' +
      'Counts as a use of the session.\n\nNeeds the session cookie; 401 `no-session` without a live one.',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems({ 401: 'no-session' })
  async current(
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) reply: HttpResponse,
  ): Promise<SessionView> {
    reply.header('Cache-Control', 'no-store');
    const token = this.sessions.sessionToken(request.headers);
    const view = token === undefined ? undefined : await this.sessions.describe(token);
    if (view === undefined) {
      if (token !== undefined) reply.header('Set-Cookie', this.sessions.clearedCookie());
      throw new HttpException(
        { code: 'no-session', detail: 'Not signed in, or the session has ended: sign in again.' },
        HttpStatus.UNAUTHORIZED,
      );
    }
    return view;
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiCookieAuth(SESSION_SCHEME)
  @ApiOperation({
    summary: 'Sign out',
    description:
      'Ends the session for every api process at once, and deletes the cookie; open alert streams of the ' +
      'session end at their next heartbeat.\n\nNeeds the session cookie and its CSRF token.',
  })
  @ApiHeader({ name: CSRF_HEADER, required: true, description: 'The session’s `csrfToken`.' })
  @ApiNoContentResponse({ headers: SET_COOKIE_DOC, description: 'Signed out.' })
  @ApiProblems({
    401: 'no-session, unauthenticated',
    403: 'csrf-token-invalid, cross-origin-request',
  })
  async signOut(
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) reply: HttpResponse,
  ): Promise<void> {
    const token = this.sessions.sessionToken(request.headers);
    if (token !== undefined) await this.sessions.end(token);
    reply.header('Set-Cookie', this.sessions.clearedCookie());
  }
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
