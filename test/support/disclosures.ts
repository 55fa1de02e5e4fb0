import { onePagePdf } from '@sunshine/disclosures';
import TestAgent from 'supertest/lib/agent';

import { SignedIn } from './accounts';
import { authed } from './http';

/** The village the disclosure specs work in, and the regions around it (all in Liaoning's data). */
export const VILLAGE = '210102001002';
export const SIBLING_VILLAGE = '210102001003';
export const TOWNSHIP = '210102001000';
export const OTHER_TOWNSHIP = '210102002000';
export const OTHER_TOWNSHIP_VILLAGE = '210102002001';
export const COUNTY = '210102000000';

/** A one-page PDF (FlateDecode content) showing `text` in Helvetica. */
export const pdfShowing = (text: string): Buffer => onePagePdf(`BT /F1 12 Tf 72 712 Td (${text}) Tj ET`, true);

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A valid finance line (an office-supplies expense of 120.50, without a note), with `over` on top. */
export const financeLine = (over: Record<string, unknown> = {}) => ({
  direction: 'expense',
  accountCode: '管理费用/办公费',
  amount: '120.50',
  occurredOn: '2026-10-08',
  counterparty: '某文具店',
  voucherNo: '记-0001',
  paymentMethod: 'bank',
  note: null,
  ...over,
});

export interface Officials {
  clerk: SignedIn;
  /** The village monitor: finance disclosures pass by them before the township; others do not. */
  monitor?: SignedIn;
  reviewer: SignedIn;
}

/**
 * Submits disclosure `id` as the clerk and has it approved: by the monitor when one is given (a
 * finance disclosure), then by the township reviewer, which publishes it.
 */
export async function submitAndApprove(http: TestAgent, id: string, { clerk, monitor, reviewer }: Officials) {
  await authed(http, clerk).post(`/api/v1/disclosures/${id}/submit`).expect(200);
  if (monitor) await authed(http, monitor).post(`/api/v1/disclosures/${id}/monitor/approve`).expect(204);
  await authed(http, reviewer).post(`/api/v1/disclosures/${id}/approve`).expect(204);
}
