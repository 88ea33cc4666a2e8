import { InProcessScheduler } from '@fristvagt/scheduling';
import { wakeUpSchedulerContract } from './contract';

describe('in-process timer scheduler contract', () => {
  wakeUpSchedulerContract({
    shared: false,
    open: async (options) => new InProcessScheduler(options),
  });
});
