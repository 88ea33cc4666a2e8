import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@fristvagt/config';
import { type LocalDate, localDateOf, overridesAt, entryAt, type RulePack } from '@fristvagt/domain';
import { MunicipalSettingsStore } from './municipal-settings-store';

/** The rule pack as the rule catalogue shows it for some municipalities on a day, run-time settings included. */
@Injectable()
export class MunicipalRuleCatalogue {
  constructor(
    private readonly store: MunicipalSettingsStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * `pack` with the overrides of each municipality of `scope` replaced by those in effect on `at` (default:
   * today in Copenhagen). A national key (`'*'`) sees the municipalities the compiled pack names; another
   * municipality's run-time settings it reads with `?municipality=`.
   */
  async packAt(pack: RulePack, scope: readonly string[] | '*', at?: LocalDate): Promise<RulePack> {
    const date = at ?? localDateOf(this.clock.now().toISOString());
    const codes = scope === '*' ? Object.keys(pack.municipalities) : scope;
    const timelines = await this.store.timelines(codes);
    const municipalities = { ...pack.municipalities };
    for (const [code, timeline] of Object.entries(timelines)) {
      if (entryAt(timeline, date) !== undefined) {
        municipalities[code] = overridesAt(pack.municipalities[code], timeline, date);
      }
    }
    return { ...pack, municipalities };
  }
}
