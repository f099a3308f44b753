import { ConfigModule } from '@nestjs/config';
import { appConfig, auditConfig, authConfig, cryptoConfig, databaseConfig } from './app.config.js';
import { validateEnv } from './env.validation.js';

export const configModule = ConfigModule.forRoot({
  isGlobal: true,
  cache: true,
  ignoreEnvFile: true,
  load: [appConfig, auditConfig, authConfig, cryptoConfig, databaseConfig],
  validate: (env) => {
    validateEnv(env);
    return env;
  },
});
