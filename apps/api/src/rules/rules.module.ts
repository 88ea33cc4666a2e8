import { Module } from '@nestjs/common';
import { RulesController } from './rules.controller';

/** GET /v1/rules and GET /v1/rules/{ruleId}/due: the rule pack, read-only. */
@Module({ controllers: [RulesController] })
export class RulesModule {}
