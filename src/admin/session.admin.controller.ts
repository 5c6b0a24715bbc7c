import { Body, Controller, Delete, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import type { Request, Response } from 'express';
import { firstHeaderValue } from '../common/http/header-value';
import { AdminAuthService, SESSION_COOKIE } from '../auth/admin-auth.service';
import { clientIp, cookieValue, crossOriginWrite } from '../auth/auth.guard';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { AdminSessionCreateDto, AdminSessionResponseDto } from '../auth/dto/admin-session.dto';

function isHttps(req: Request): boolean {
  return req.secure || firstHeaderValue(req.headers['x-forwarded-proto']) === 'https';
}

function sessionCookie(req: Request, value: string, maxAgeS: number): string {
  const attributes = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeS}`];
  if (isHttps(req)) attributes.push('Secure');
  return attributes.join('; ');
}

/** The console's login: the admin token is exchanged for an httpOnly session cookie. */
@ApiTags('admin-session')
@Controller('api/admin/session')
export class SessionAdminController {
  constructor(
    private readonly admin: AdminAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: AdminSessionResponseDto, description: `Sets the ${SESSION_COOKIE} cookie (HttpOnly, SameSite=Strict, Secure over HTTPS)` })
  @ApiUnauthorizedResponse({ description: 'unauthorized: wrong token (repeated failures are slowed down)' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({
    summary: 'Log in to the console',
    description:
      'Exchanges the admin token for an HttpOnly session cookie (`llmhub_session`, SameSite=Strict, Secure over HTTPS). Repeated wrong tokens are slowed down.',
  })
  @ApiErrors({
    unauthorized: 'the token is wrong',
    forbidden: 'the token is a client’s API key, not the admin token (not counted as a wrong token)',
    rate_limited: 'too many attempts of this address wait their turn after repeated wrong tokens (this one unchecked); Retry-After says when to try again',
  })
  async createAdminSession(
    @Body() dto: AdminSessionCreateDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AdminSessionResponseDto> {
    const session = await this.admin.createSession(dto.token, clientIp(req));
    res.setHeader('Set-Cookie', sessionCookie(req, session.sessionId, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)));
    res.setHeader('Cache-Control', 'no-store');
    return { expires_at: session.expiresAt.toISOString() };
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Logged out: the session is ended and the cookie cleared' })
  @ApiOperation({
    summary: 'Log out of the console',
    description:
      'Ends the session and clears the cookie. Answers 204 whether or not a session was open; 403 when a page of another origin ' +
      '(not this server, not in CORS_ORIGINS) sends it with the cookie.',
  })
  @ApiErrors({ forbidden: 'a page of another origin (not this server, not in CORS_ORIGINS) tried to end the console session' })
  async deleteAdminSession(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const session = cookieValue(req, SESSION_COOKIE);
    // the cookie reaches here from any page of the same site (a sibling subdomain): such a page may not sign the operator out
    if (session && crossOriginWrite(req, this.config.corsOrigins)) {
      throw new AppError('forbidden', 'A console session cannot be ended from a page of another origin (not this server, not in CORS_ORIGINS)');
    }
    if (session) await this.admin.endSession(session);
    res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
  }
}
