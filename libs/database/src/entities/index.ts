import { JobRun } from './job-run.entity';

export { JobRun, type JobRunOutcome } from './job-run.entity';

export const entities = [JobRun];
