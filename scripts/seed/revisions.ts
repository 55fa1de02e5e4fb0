import { revisionId } from './ids';
import { Disclosure, WorkStatus } from './model';
import { CORRECTION_REASONS, RETURN_REASONS, WITHDRAW_REASONS } from './text';
import { HOUR_US } from './time';

export interface Step {
  action: 'create' | 'submit' | 'monitor_approve' | 'monitor_return' | 'approve' | 'return' | 'withdraw';
  actor: number;
  atUs: number;
  reason: string | null;
}

export interface Revision {
  id: string;
  number: number;
  status: WorkStatus | 'published';
  correctionReason: string | null;
  createdUs: number;
  submittedUs: number | null;
  publishedUs: number | null;
  publishedBy: number | null;
  steps: Step[];
}

/**
 * The review steps of a revision that went `status` far, as the workflow takes them (finance:
 * create → submit → monitor_approve → approve; Party and village affairs skip the monitor), with
 * an optional return and resubmission on the way.
 */
function walk(
  d: Disclosure,
  status: Revision['status'],
  createdUs: number,
  publishUs: number,
  returned: boolean,
): Step[] {
  const finance = d.category === 'finance';
  const steps: Step[] = [{ action: 'create', actor: d.clerk, atUs: createdUs, reason: null }];
  if (status === 'draft') return steps;
  let at = createdUs + 2 * HOUR_US;
  steps.push({ action: 'submit', actor: d.clerk, atUs: at, reason: null });
  const reason = RETURN_REASONS[d.index % RETURN_REASONS.length] as string;
  const returnStep = (): Step =>
    finance
      ? { action: 'monitor_return', actor: d.monitor, atUs: at + 18 * HOUR_US, reason }
      : { action: 'return', actor: d.reviewer, atUs: at + 18 * HOUR_US, reason };
  if (status === 'returned') return [...steps, returnStep()];
  if (returned) {
    steps.push(returnStep());
    at += 28 * HOUR_US;
    steps.push({ action: 'submit', actor: d.clerk, atUs: at, reason: null });
  }
  if (status === 'monitor_review') return steps;
  if (finance)
    steps.push({
      action: 'monitor_approve',
      actor: d.monitor,
      atUs: status === 'published' ? publishUs - 6 * HOUR_US : at + 5 * HOUR_US,
      reason: null,
    });
  if (status === 'township_review') return steps;
  steps.push({ action: 'approve', actor: d.reviewer, atUs: publishUs, reason: null });
  return steps;
}

const submitted = (steps: Step[]): number | null => {
  for (let i = steps.length - 1; i >= 0; i--)
    if ((steps[i] as Step).action === 'submit') return (steps[i] as Step).atUs;
  return null;
};

/** The revisions of a disclosure with their steps (the withdrawal is a step of the published revision). */
export function revisions(d: Disclosure): Revision[] {
  const out: Revision[] = [];
  const status1 = d.fate === 'published' ? 'published' : d.workStatus;
  const steps1 = walk(d, status1, d.createdUs, d.publishUs, d.returnedOnce);
  if (d.withdrawn)
    steps1.push({
      action: 'withdraw',
      actor: d.reviewer,
      atUs: d.laterUs,
      reason: WITHDRAW_REASONS[d.index % 2] as string,
    });
  out.push({
    id: revisionId(d.index, 1),
    number: 1,
    status: status1,
    correctionReason: null,
    createdUs: d.createdUs,
    submittedUs: submitted(steps1),
    publishedUs: status1 === 'published' ? d.publishUs : null,
    publishedBy: status1 === 'published' ? d.reviewer : null,
    steps: steps1,
  });
  if (d.corrected || d.openCorrection) {
    const status2 = d.corrected ? 'published' : (d.openCorrection as WorkStatus);
    const created = d.corrected ? d.laterUs - 48 * HOUR_US : d.laterUs;
    const reason = CORRECTION_REASONS[d.correctionReason] as string;
    const steps2 = walk(d, status2, created, d.laterUs, false);
    (steps2[0] as Step).reason = reason; // a correction's create step carries its reason
    out.push({
      id: revisionId(d.index, 2),
      number: 2,
      status: status2,
      correctionReason: reason,
      createdUs: created,
      submittedUs: submitted(steps2),
      publishedUs: status2 === 'published' ? d.laterUs : null,
      publishedBy: status2 === 'published' ? d.reviewer : null,
      steps: steps2,
    });
  }
  return out;
}
