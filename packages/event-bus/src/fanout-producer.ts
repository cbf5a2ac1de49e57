import { FlowProducer, type FlowJob, type FlowJobEntry } from 'bullmq';

export interface FanoutJob {
  /** Consumer group, i.e. the BullMQ queue. */
  queueName: string;
  /** Topic, i.e. the BullMQ job name. */
  name: string;
  data: FlowJob['data'];
  opts: NonNullable<FlowJob['opts']>;
}

/**
 * Adds jobs to several queues in one Redis MULTI/EXEC, which is the closest BullMQ gets to an atomic
 * multi-queue add: `FlowProducer.addBulk` already builds that transaction, but it drops the per-job replies,
 * so a job whose script failed inside the transaction would go unnoticed. This reuses the same two steps
 * (`addNodes` to build the entries, `backend.addFlow` to run the MULTI) and throws on any failed reply.
 *
 * Jobs are flow nodes without children, i.e. ordinary jobs: an existing job id is left untouched (that is
 * the de-duplication) exactly as with `Queue.add`.
 */
export class FanoutProducer extends FlowProducer {
  async addAllOrThrow(jobs: readonly FanoutJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.backend.waitUntilReady();
    const entries: FlowJobEntry[] = [];
    await this.addNodes(
      entries,
      jobs.map((job) => ({ name: job.name, queueName: job.queueName, data: job.data, opts: job.opts })),
    );
    const replies = await this.backend.addFlow(entries);
    replies.forEach(([err, jobId], index) => {
      if (err) throw err;
      // Negative numbers are BullMQ's script error codes (e.g. a missing parent), never valid ids.
      if (typeof jobId === 'number' && jobId < 0) {
        throw new Error(`event bus: adding job ${entries[index]?.jobId ?? '?'} failed with code ${jobId}`);
      }
    });
  }
}
