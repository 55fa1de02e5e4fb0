import { Role } from '../roles';

/**
 * Demo accounts seeded with the embedded default (DEMO_DATA): one of every role in 浑河湾街道
 * (township 210102001000, 和平区, 沈阳市) and its community 水源地社区 (210102001002), with three
 * residents there, and a supervisor of the whole province (辽宁省) who sees every dashboard. The passwords are published in README, so a production start refuses DEMO_DATA.
 */
export const DEMO_ACCOUNTS = [
  {
    login: '13800000001',
    kind: 'resident',
    realName: '演示居民',
    password: 'sunshine-resident-demo',
    role: Role.Resident,
    region: '210102001002',
  },
  {
    login: '13800000002',
    kind: 'resident',
    realName: '演示居民二',
    password: 'sunshine-resident-demo-2',
    role: Role.Resident,
    region: '210102001002',
  },
  {
    login: '13800000003',
    kind: 'resident',
    realName: '演示居民三',
    password: 'sunshine-resident-demo-3',
    role: Role.Resident,
    region: '210102001002',
  },
  {
    login: 'demo-clerk',
    kind: 'official',
    realName: '演示村务员',
    password: 'Demo-Clerk-2026',
    role: Role.VillageClerk,
    region: '210102001002',
  },
  {
    login: 'demo-monitor',
    kind: 'official',
    realName: '演示监委会委员',
    password: 'Demo-Monitor-2026',
    role: Role.VillageMonitor,
    region: '210102001002',
  },
  {
    login: 'demo-reviewer',
    kind: 'official',
    realName: '演示街道审核员',
    password: 'Demo-Reviewer-2026',
    role: Role.TownshipReviewer,
    region: '210102001000',
  },
  {
    login: 'demo-supervisor',
    kind: 'official',
    realName: '演示纪检监察员',
    password: 'Demo-Supervisor-2026',
    role: Role.Supervisor,
    region: '210102000000',
  },
  {
    login: 'demo-inspector',
    kind: 'official',
    realName: '演示省纪检监察员',
    password: 'Demo-Inspector-2026',
    role: Role.Supervisor,
    region: '210000000000',
  },
  {
    login: 'demo-admin',
    kind: 'official',
    realName: '演示管理员',
    password: 'Demo-Admin-2026',
    role: Role.Admin,
    region: '210102000000',
  },
] as const;
