import { isOverdue } from './complaint.mapper';
import { levelAbove, ratingCloses } from './complaint-rules';
import { ComplaintRow } from './complaints.repository';

describe('complaint rules', () => {
  it.each([
    ['very_satisfied', true, true],
    ['satisfied', true, true],
    ['basically_satisfied', true, true],
    ['basically_satisfied', false, false],
    ['dissatisfied', true, false],
    ['very_dissatisfied', true, false],
    ['very_satisfied', false, false],
  ] as const)('a rating %s with resolved=%s closes it: %s', (level, resolved, closes) => {
    expect(ratingCloses(level, resolved)).toBe(closes);
  });

  it('raises a township’s complaint to its county, and a county’s nowhere', () => {
    expect(levelAbove('210102001000')).toBe('210102000000');
    expect(levelAbove('210102000000')).toBeNull();
  });

  describe(isOverdue.name, () => {
    const now = new Date('2026-11-05T00:00:00Z');
    const before = new Date('2026-11-04T23:59:59Z');
    const after = new Date('2026-11-05T00:00:01Z');
    const row = (over: Partial<ComplaintRow>) =>
      ({ status: 'received', accept_due_at: after, answer_due_at: null, ...over }) as ComplaintRow;

    it.each([
      ['received, accept due later', false, row({})],
      ['received, accept due passed', true, row({ accept_due_at: before })],
      ['accepted, answer due passed', true, row({ status: 'accepted', accept_due_at: before, answer_due_at: before })],
      [
        'in progress, answer due later',
        false,
        row({ status: 'in_progress', accept_due_at: before, answer_due_at: after }),
      ],
      [
        'answered, whatever the dates',
        false,
        row({ status: 'answered', accept_due_at: before, answer_due_at: before }),
      ],
      ['rejected, whatever the dates', false, row({ status: 'rejected', accept_due_at: before })],
    ] as const)('%s: overdue %s', (_name, overdue, complaint) => {
      expect(isOverdue(complaint, now)).toBe(overdue);
    });
  });
});
