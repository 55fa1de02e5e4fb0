import type { Rng } from './random';

/**
 * The words of the seed: Chinese names, titles, counterparties and remarks of the kind a village's
 * three-affairs disclosures carry. Nothing here is personal data of anyone real: names are drawn
 * from common surnames and given-name characters.
 */

// The commonest surnames of Liaoning (王, 李, 张, 刘 … lead), weighted by repetition.
const SURNAMES =
  '王王王王李李李李张张张张刘刘刘刘陈陈杨杨赵赵黄周吴徐孙孙胡朱高林何郭马马罗梁宋郑谢韩唐冯于于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文关关佟佟';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建国建华志强海燕淑珍淑兰桂兰凤兰玉珍春梅丽娟小红文博宇航子涵浩然俊杰思远晓东立新振华国庆德明福才宝山长林树森春生秋菊冬梅';
const SURNAME_CHARS = Array.from(SURNAMES);
const GIVEN_CHARS = Array.from(GIVEN);

/** A Chinese personal name of two or three characters. */
export function personName(r: Rng): string {
  const surname = r.pick(SURNAME_CHARS);
  return r.chance(0.3) ? surname + r.pick(GIVEN_CHARS) : surname + r.pick(GIVEN_CHARS) + r.pick(GIVEN_CHARS);
}

const CN_DIGITS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const QUARTERS = ['第一季度', '第二季度', '第三季度', '第四季度'];

/** `2024年3月` or `2024年第一季度` for a period. */
export function periodLabel(period: string): string {
  const [y, p] = period.split('-') as [string, string];
  return p.startsWith('Q') ? `${y}年${QUARTERS[Number(p.slice(1)) - 1]}` : `${y}年${Number(p)}月`;
}

const FINANCE_TITLES = [
  '财务收支明细公开',
  '村集体财务收支情况公开',
  '专项资金使用情况公开',
  '村级公益事业建设资金公开',
  '集体资产资源发包收入公开',
  '村干部报酬发放情况公开',
];
const VILLAGE_TITLES = [
  '村务公开',
  '低保、五保评定结果公示',
  '耕地地力保护补贴发放名单公示',
  '村民代表会议决议公开',
  '一事一议筹资筹劳方案公示',
  '农村危房改造补助对象公示',
  '集体土地承包经营情况公开',
];
const PARTY_TITLES = [
  '党务公开',
  '党员发展情况公示',
  '党费收缴使用情况公开',
  '“三会一课”开展情况公开',
  '主题党日活动情况公开',
  '党组织换届选举结果公示',
];

export type Category = 'party' | 'village' | 'finance';

export function disclosureTitle(r: Rng, villageName: string, category: Category, period: string): string {
  const titles = category === 'finance' ? FINANCE_TITLES : category === 'village' ? VILLAGE_TITLES : PARTY_TITLES;
  return `${villageName}${periodLabel(period)}${r.pick(titles)}`;
}

const BODY_OPENINGS = [
  '根据《村务公开条例》和村级“三务”公开的有关规定，现将本村',
  '经村“两委”会议研究、村务监督委员会审核，现将本村',
  '按照乡镇党委和政府的统一部署，现将本村',
];
const BODY_CLOSINGS = [
  '公开期间，村民如有异议，可向村务监督委员会或乡镇纪委反映。',
  '欢迎广大村民监督，如有疑问请于公开之日起七日内向村委会提出。',
  '监督电话见村务公开栏。',
];

/** A disclosure's body: a few sentences in the register of a village notice. */
export function disclosureBody(r: Rng, label: string, category: Category): string {
  const what = category === 'finance' ? '财务收支情况' : category === 'village' ? '村务事项' : '党务工作情况';
  const lines = [
    `${r.pick(BODY_OPENINGS)}${label}${what}予以公开。`,
    category === 'finance'
      ? `本期收支明细见下表，所有款项均按照村集体经济组织会计制度入账，凭证齐全。`
      : `有关事项已经村民代表会议讨论通过，共${CN_DIGITS[r.int(9)]}项内容。`,
    r.pick(BODY_CLOSINGS),
  ];
  return lines.join('\n');
}

export const CORRECTION_REASONS = [
  '原公开的一笔支出金额录入有误，现予更正。',
  '记账凭证号填写错误，现予更正。',
  '补充遗漏的收支事项说明。',
  '经村务监督委员会核对，更正有关数据。',
];
export const RETURN_REASONS = ['凭证号缺失，请补充。', '摘要不清楚，请写明用途。', '金额与凭证不符，请核对。'];
export const WITHDRAW_REASONS = ['重复公开，予以撤回。', '公开内容不属于本村事项，予以撤回。'];

export interface AccountSpec {
  direction: 'income' | 'expense';
  code: string;
  weight: number;
  /** Amount range in yuan. */
  min: number;
  max: number;
  counterparties: readonly string[];
  notes: readonly string[];
}

/** The 2004 chart of accounts of village collectives (account_chart), with plausible amounts per account. */
export const ACCOUNTS: readonly AccountSpec[] = [
  {
    direction: 'income',
    code: '经营收入',
    weight: 6,
    min: 800,
    max: 120000,
    counterparties: ['村集体合作社', '农产品收购站', '村办砖厂'],
    notes: ['集体经营收入', '农产品销售收入'],
  },
  {
    direction: 'income',
    code: '发包及上交收入',
    weight: 8,
    min: 2000,
    max: 200000,
    counterparties: ['承包户', '鱼塘承包户', '果园承包户', '林地承包户'],
    notes: ['土地承包费', '鱼塘发包收入', '果园承包费'],
  },
  {
    direction: 'income',
    code: '投资收益',
    weight: 2,
    min: 500,
    max: 50000,
    counterparties: ['农村信用合作社', '乡镇联营企业'],
    notes: ['入股分红', '存款利息'],
  },
  {
    direction: 'income',
    code: '补助收入',
    weight: 7,
    min: 3000,
    max: 300000,
    counterparties: ['乡镇财政所', '县农业农村局', '县财政局'],
    notes: ['村级组织运转经费', '公益事业一事一议奖补资金', '高标准农田建设补助'],
  },
  {
    direction: 'income',
    code: '其他收入',
    weight: 2,
    min: 100,
    max: 20000,
    counterparties: ['个人捐款', '村民'],
    notes: ['捐赠收入', '罚没收入'],
  },
  {
    direction: 'expense',
    code: '经营支出',
    weight: 5,
    min: 300,
    max: 80000,
    counterparties: ['农资公司', '建材商店', '运输个体户'],
    notes: ['购买化肥种子', '集体经营成本'],
  },
  {
    direction: 'expense',
    code: '管理费用',
    weight: 3,
    min: 100,
    max: 15000,
    counterparties: ['乡镇供电所', '通信营业厅'],
    notes: ['电费', '网络通信费'],
  },
  {
    direction: 'expense',
    code: '管理费用/干部报酬',
    weight: 6,
    min: 1500,
    max: 9000,
    counterparties: ['村干部'],
    notes: ['村干部基本报酬', '绩效报酬'],
  },
  {
    direction: 'expense',
    code: '管理费用/办公费',
    weight: 6,
    min: 50,
    max: 5000,
    counterparties: ['文具店', '办公用品商店', '打印店'],
    notes: ['购买办公用品', '打印复印费'],
  },
  {
    direction: 'expense',
    code: '管理费用/招待费',
    weight: 2,
    min: 80,
    max: 2500,
    counterparties: ['农家饭店', '乡镇饭店'],
    notes: ['上级检查工作误餐', '招商洽谈接待'],
  },
  {
    direction: 'expense',
    code: '管理费用/差旅费',
    weight: 2,
    min: 60,
    max: 3000,
    counterparties: ['村干部'],
    notes: ['到县里办事差旅费', '参加培训交通费'],
  },
  {
    direction: 'expense',
    code: '其他支出',
    weight: 5,
    min: 200,
    max: 150000,
    counterparties: ['施工队', '环卫公司', '水利站', '村民'],
    notes: ['村路维修', '环境卫生整治', '困难户慰问', '水渠清淤'],
  },
];
const ACCOUNT_WEIGHT = ACCOUNTS.reduce((s, a) => s + a.weight, 0);

export function pickAccount(r: Rng): AccountSpec {
  let x = r.next() * ACCOUNT_WEIGHT;
  for (const a of ACCOUNTS) {
    x -= a.weight;
    if (x < 0) return a;
  }
  return ACCOUNTS[ACCOUNTS.length - 1] as AccountSpec;
}

/** An amount in yuan as an exact decimal string with two places, skewed to the low end of [min, max]. */
export function amountText(r: Rng, min: number, max: number): string {
  const u = r.next();
  const yuan = min + (max - min) * u * u * u;
  // Whole yuan mostly, as vouchers are; cents on some.
  const cents = r.chance(0.7) ? Math.round(yuan) * 100 : Math.round(yuan * 100);
  return centsText(Math.max(cents, 1));
}

export const centsText = (cents: number): string =>
  `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

export const SUBSIDY_TYPES: readonly { type: string; min: number; max: number }[] = [
  { type: '低保', min: 300, max: 900 },
  { type: '五保', min: 500, max: 1200 },
  { type: '耕地地力保护补贴', min: 80, max: 3000 },
  { type: '玉米生产者补贴', min: 100, max: 4000 },
  { type: '残疾人两项补贴', min: 60, max: 300 },
  { type: '高龄津贴', min: 50, max: 200 },
];

export const VILLAGE_GROUPS = ['一组', '二组', '三组', '四组', '五组', '六组', '七组', '八组'];

export const COMMENT_TEXTS = [
  '公开得很及时，点赞！',
  '这笔村路维修的钱花得值，路好走多了。',
  '请问招待费具体是哪次接待？',
  '希望下次能把明细写得更清楚一些。',
  '补贴名单已经看到了，谢谢村委会。',
  '支持村里的工作。',
  '水渠清淤的工程什么时候完工？',
  '账目清楚，大家都放心。',
  '建议把公开栏也同步更新。',
  '低保评定过程公平公正，赞成。',
];
export const OFFICE_REPLIES = [
  '感谢您的关注，具体情况已在公开栏补充说明。',
  '您好，该笔支出为上级检查工作误餐费用，凭证可到村委会查阅。',
  '谢谢您的建议，我们会改进。',
  '工程预计下月完工，届时另行公开。',
];
export const RATING_REMARKS = ['公开及时', '内容清楚', '很满意', '希望更详细', '账目明白', null, null, null];

export const COMPLAINT_TEXTS: Record<string, readonly string[]> = {
  finance: ['村里的招待费支出偏高，请核查。', '去年的土地承包费收入没有公开。', '村路维修工程款与实际工程量不符。'],
  party: ['党费收缴情况长期未公开。', '党员发展程序不规范，请上级调查。'],
  village_affairs: [
    '低保评定不公平，有不符合条件的人享受低保。',
    '耕地补贴没有按时发放到户。',
    '村民代表会议未按规定召开。',
  ],
  other: ['村里垃圾清运不及时。', '村委会办公时间经常没人。'],
};
export const COMPLAINT_ANSWERS = [
  '经乡镇核查，反映的问题部分属实，已责令村委会整改并公开整改结果。',
  '经核查，相关款项使用符合规定，凭证齐全，已向反映人说明。',
  '已督促村委会补充公开相关信息。',
];

export const ISSUE_TITLES: Record<string, readonly string[]> = {
  rule: ['大额现金支付', '同一对象拆分支付', '招待费超标准', '支出无凭证', '逾期未公开', '频繁更正'],
  batch: ['清理拖欠村集体债务', '村级财务专项检查问题整改', '惠民惠农补贴发放专项治理', '集体“三资”清查问题整改'],
  complaint: ['群众反映问题核查', '投诉事项整改'],
  manual: ['巡察发现问题整改', '审计发现问题整改', '上级交办事项'],
};
export const ISSUE_RESOLUTIONS = [
  '已完成整改，相关款项已追回。',
  '已责令村委会补充凭证并重新公开。',
  '已收回拖欠的承包费，纳入集体账户管理。',
  '已约谈相关责任人，建立长效机制。',
];

/** A mobile number (1[3-9]xxxxxxxxx) for user `index`, unique per index below 10^8. */
export function mobileFor(index: number): string {
  const prefixes = ['139', '138', '137', '136', '135', '158', '159', '186', '187', '152'];
  return `${prefixes[index % 10]}${String(Math.floor(index / 10) % 100_000_000).padStart(8, '0')}`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A well-formed identity number (GB 11643) of someone registered in `county` (the first six digits). */
export function identityNumber(r: Rng, county: string): string {
  const year = 1940 + r.int(66);
  const month = 1 + r.int(12);
  const day = 1 + r.int(28);
  const body = `${county}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(r.int(1000)).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (ID_WEIGHTS[i] as number) * Number(body[i]);
  return body + ID_CHECK[sum % 11];
}
