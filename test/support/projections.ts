import type { ApplyMode, Projection, ReadModelTransaction } from '@fristvagt/projections';
import { obligationsProjection } from '@fristvagt/projections';

/** The obligations projection with `around` run in place of each batch's write, which it calls as `write`. */
export function aroundWrites(
  around: (write: () => Promise<void>, tx: ReadModelTransaction, mode: ApplyMode) => Promise<void>,
): Projection {
  return {
    ...obligationsProjection,
    begin: (tables, mode) => {
      const batch = obligationsProjection.begin!(tables, mode);
      return {
        add: (event) => batch.add(event),
        write: (tx) => around(() => batch.write(tx), tx, mode),
      };
    },
  };
}
