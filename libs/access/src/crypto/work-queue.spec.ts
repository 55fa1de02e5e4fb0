import { WorkQueue } from './work-queue';

/** A job that runs until `finish` is called. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let started = false;
  return {
    job: async () => {
      started = true;
      await done;
      return 'done';
    },
    finish,
    get started() {
      return started;
    },
  };
}

describe(WorkQueue.name, () => {
  it('runs up to `concurrency` jobs, lines up `waiting` more, and refuses the next at once', async () => {
    const sut = new WorkQueue(2, 1);
    const jobs = [held(), held(), held(), held()];
    const runs = jobs.map((j) => sut.run(j.job));
    expect(await runs[3]).toBeUndefined();
    expect(jobs.map((j) => j.started)).toEqual([true, true, false, false]);
    expect(sut.busy).toEqual({ running: 2, waiting: 1 });

    jobs[0]!.finish();
    expect(await runs[0]).toEqual({ value: 'done' });
    expect(jobs[2]!.started).toBe(true);
    expect(sut.busy).toEqual({ running: 2, waiting: 0 });

    jobs[1]!.finish();
    jobs[2]!.finish();
    await Promise.all(runs);
    expect(sut.busy).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the place of a job that fails', async () => {
    const sut = new WorkQueue(1, 0);
    await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await sut.run(async () => 1)).toEqual({ value: 1 });
  });
});
