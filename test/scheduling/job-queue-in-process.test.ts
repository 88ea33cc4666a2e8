import { InProcessJobQueue } from '@fristvagt/scheduling';
import { jobQueueContract, type Payload } from './job-queue-contract';

describe('in-process job queue contract', () => {
  jobQueueContract({
    shared: false,
    open: async (options) => new InProcessJobQueue<Payload>(options),
  });
});
