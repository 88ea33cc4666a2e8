import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { type AlertChannel, checkWebhookUrl, type DestinationPolicy } from '@fristvagt/alerts';
import { CONFIG, type Config } from '@fristvagt/config';
import type { InputError } from '../problems/problem';

/**
 * What a subscription's channel must satisfy beyond its shape: a webhook URL the destination policy admits
 * (ALERT_ALLOW_HTTP, ALERT_ALLOWED_NETWORKS; names are resolved and judged again at every delivery), and a
 * channel this server can send on (e-mail needs SMTP_URL).
 */
@Injectable()
export class ChannelPolicy {
  private readonly destinations: DestinationPolicy;
  private readonly mail: boolean;

  constructor(@Inject(CONFIG) config: Config) {
    this.destinations = {
      allowHttp: config.alerts.allowHttp,
      allowedNetworks: config.alerts.allowedNetworks,
    };
    this.mail = config.alerts.smtpUrl !== undefined;
  }

  /** The input errors of a channel that passed the DTO's checks; empty when there are none. */
  inputErrors(channel: AlertChannel): InputError[] {
    if (channel.kind !== 'webhook') return [];
    const checked = checkWebhookUrl(channel.url, this.destinations);
    return checked.ok
      ? []
      : [{ field: checked.field, code: checked.code, detail: `${checked.field} ${checked.message}` }];
  }

  /** 422 channel-unavailable when this server cannot send on the channel's kind. */
  assertAvailable(channel: AlertChannel): void {
    if (channel.kind === 'email' && !this.mail) {
      throw new HttpException(
        {
          code: 'channel-unavailable',
          field: 'channel.kind',
          detail:
            'This server sends no e-mail (SMTP_URL is not configured); subscribe with a webhook instead',
        },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }
  }
}
