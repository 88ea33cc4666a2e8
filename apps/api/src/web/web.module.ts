import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CLOCK, type Clock, type Config } from '@fristvagt/config';
import { LOGGER, type Logger } from '@fristvagt/logging';
import type { ReadModelDatabase } from '@fristvagt/projections';
import { READ_MODEL_DATABASE, ReadModelsModule } from '@fristvagt/read-models';
import { API_KEY_STORE, type ApiKeyStore } from '../access/api-key-store';
import { SESSION_AUTHENTICATOR } from '../access/sessions';
import { SessionController } from './session.controller';
import { SqlSessionStore } from './session-store';
import { SessionService } from './sessions';

/**
 * Sessions of the supervisors' web page: `/v1/session`, the session table (created at start-up in the schema
 * `web` of the read-model database, shared by every api process), and the SessionAuthenticator the global
 * AccessGuard asks (hence global). The page's files are served by `serveWebPage` (web-page.ts), outside Nest.
 */
@Global()
@Module({})
export class WebModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = WebModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: WebModule,
        imports: [ReadModelsModule.forConfig(config)],
        controllers: [SessionController],
        providers: [
          {
            provide: SqlSessionStore,
            inject: [READ_MODEL_DATABASE],
            useFactory: async (db: ReadModelDatabase) => {
              const store = new SqlSessionStore(db);
              await store.ensure();
              return store;
            },
          },
          {
            provide: SessionService,
            inject: [SqlSessionStore, API_KEY_STORE, CLOCK, LOGGER],
            useFactory: (store: SqlSessionStore, keys: ApiKeyStore, clock: Clock, logger: Logger) =>
              new SessionService(
                store,
                keys,
                clock,
                {
                  idleTimeoutMs: config.web.sessionIdleTimeoutMs,
                  maxAgeMs: config.web.sessionMaxAgeMs,
                  secureCookies: config.web.secureCookies,
                  trustedOrigins: originOf(config.alerts.publicUrl),
                },
                logger,
              ),
          },
          { provide: SESSION_AUTHENTICATOR, useExisting: SessionService },
        ],
        exports: [SESSION_AUTHENTICATOR, SessionService],
      };
      WebModule.modules.set(config, module);
    }
    return module;
  }
}

/** PUBLIC_URL's origin, which a page behind a TLS-terminating proxy has; none if it does not parse. */
function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}
