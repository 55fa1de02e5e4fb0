// A third-party client of the API, typed only by the OpenAPI document: `generated/api.d.ts` is
// written by openapi-typescript from the running app's document (test/api-contract.e2e-spec.ts),
// and this file must type-check against it without casts. It is a client, not a test helper: it
// knows nothing of the server's code, only the document.
import createClient from 'openapi-fetch';

import type { paths } from './generated/api';

export interface Credentials {
  login: string;
  password: string;
}

export interface ScenarioInput {
  baseUrl: string;
  /** Where the clerk and the monitor sit, and the township above it. */
  village: string;
  clerk: Credentials;
  monitor: Credentials;
  reviewer: Credentials;
  /** The month the disclosure covers (YYYY-MM); nothing else in the village may be published for it. */
  period: string;
  fetch?: (request: Request) => Promise<Response>;
}

export interface ScenarioResult {
  disclosureId: string;
  listedTitles: string[];
  income: string;
  expense: string;
  surplus: string;
  ledgerKind: string;
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`contract scenario: ${what}`);
}

function failed(step: string, status: number, error: unknown): Error {
  return new Error(`contract scenario: ${step} answered ${status}: ${JSON.stringify(error)}`);
}

/**
 * Signs in as a village clerk, drafts a finance disclosure, adds an income and an expense line,
 * submits it; the village monitor and the township reviewer approve it; then reads it back as
 * anyone would: the public list, the detail, the village's finances and the ledger receipt.
 */
export async function runScenario(input: ScenarioInput): Promise<ScenarioResult> {
  const api = createClient<paths>({ baseUrl: input.baseUrl, fetch: input.fetch });

  const signIn = async (who: Credentials): Promise<{ Authorization: string }> => {
    const { data, error, response } = await api.POST('/api/v1/auth/login', {
      body: { login: who.login, password: who.password },
    });
    if (!data) throw failed('sign-in', response.status, error);
    check(data.tokenType === 'Bearer', 'the token type is Bearer');
    return { Authorization: `Bearer ${data.accessToken}` };
  };
  const clerk = await signIn(input.clerk);
  const monitor = await signIn(input.monitor);
  const reviewer = await signIn(input.reviewer);

  const title = `${input.period} 财务收支公开`;
  const created = await api.POST('/api/v1/disclosures', {
    headers: clerk,
    body: { regionCode: input.village, category: 'finance', period: input.period, title, body: '本月收支如下。' },
  });
  if (!created.data) throw failed('draft', created.response.status, created.error);
  const id = created.data.disclosure.id;
  check(created.data.revision.status === 'draft', 'a new disclosure is a draft');
  check(created.response.headers.get('location') === `/api/v1/disclosures/${id}/working`, 'Location names the draft');
  const path = { id };

  const added = await api.POST('/api/v1/disclosures/{id}/draft/lines', {
    headers: clerk,
    params: { path },
    body: {
      lines: [
        {
          direction: 'income',
          accountCode: '补助收入',
          amount: '5000.00',
          occurredOn: `${input.period}-03`,
          counterparty: '镇财政所',
          voucherNo: '记-0001',
          paymentMethod: 'bank',
          note: null,
        },
        {
          direction: 'expense',
          accountCode: '管理费用/办公费',
          amount: '120.50',
          occurredOn: `${input.period}-08`,
          counterparty: '某文具店',
          voucherNo: '记-0002',
          paymentMethod: 'cash',
          note: '办公用品',
        },
      ],
    },
  });
  if (!added.data) throw failed('add lines', added.response.status, added.error);
  check(added.data.lineNos.join() === '1,2', 'the lines are numbered 1 and 2');

  const submitted = await api.POST('/api/v1/disclosures/{id}/submit', { headers: clerk, params: { path } });
  if (!submitted.data) throw failed('submit', submitted.response.status, submitted.error);
  check(submitted.data.revision.status === 'monitor_review', 'a finance disclosure goes to the village monitor');

  const checked = await api.POST('/api/v1/disclosures/{id}/monitor/approve', { headers: monitor, params: { path } });
  if (checked.error !== undefined) throw failed('monitor approval', checked.response.status, checked.error);
  const approved = await api.POST('/api/v1/disclosures/{id}/approve', { headers: reviewer, params: { path } });
  if (approved.error !== undefined) throw failed('township approval', approved.response.status, approved.error);

  const list = await api.GET('/api/v1/disclosures', { params: { query: { region: input.village, limit: 10 } } });
  if (!list.data) throw failed('public list', list.response.status, list.error);
  const listed = list.data.items.find((item) => item.id === id);
  check(listed !== undefined, 'the published disclosure is listed');
  check(listed.publishedRevision === 1 && listed.category === 'finance', 'listed as finance revision 1');

  const detail = await api.GET('/api/v1/disclosures/{id}', { params: { path } });
  if (!detail.data) throw failed('detail', detail.response.status, detail.error);
  check(detail.data.disclosure.status === 'published', 'the disclosure is published');
  check(detail.data.revision.content.financeLines.length === 2, 'both lines are published');
  const expenseTotal = detail.data.revision.totals.find((t) => t.direction === 'expense');
  check(expenseTotal?.total === '120.50', 'the expense total is 120.50');

  const finances = await api.GET('/api/v1/regions/{code}/finances', {
    params: { path: { code: input.village }, query: { from: input.period, to: input.period } },
  });
  if (!finances.data) throw failed('finances', finances.response.status, finances.error);
  const month = finances.data.periods.find((p) => p.period === input.period);
  check(month !== undefined, 'the month has totals');

  const receipt = await api.GET('/api/v1/disclosures/{id}/receipt', { params: { path } });
  if (!receipt.data) throw failed('receipt', receipt.response.status, receipt.error);
  check(receipt.data.disclosureId === id && receipt.data.entry.revision === 1, 'the receipt is for revision 1');

  return {
    disclosureId: id,
    listedTitles: list.data.items.map((item) => item.title),
    income: month.income,
    expense: month.expense,
    surplus: month.surplus,
    ledgerKind: receipt.data.entry.kind,
  };
}
