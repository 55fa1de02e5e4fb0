import { maskName, toCommentReplyDto } from './comments.mapper';
import { PublicCommentRow } from './comments.repository';

describe(maskName.name, () => {
  it.each([
    ['王小明', '王**'],
    ['李四', '李**'],
    ['欧阳娜娜', '欧**'],
    ['张', '张**'],
    ['  赵六  ', '赵**'],
    ['𠮷野家', '𠮷**'], // a character outside the BMP is one character, not half of one
  ])('shows %p as %p', (name, shown) => {
    expect(maskName(name)).toBe(shown);
  });

  it.each([[''], ['   '], [null], [undefined]])('shows 居民 for no name (%p)', (name) => {
    expect(maskName(name)).toBe('居民');
  });
});

describe(toCommentReplyDto.name, () => {
  const row = (over: Partial<PublicCommentRow>): PublicCommentRow => ({
    id: 'c1',
    seq: '1',
    disclosure_id: 'd1',
    region_code: '210102001002',
    parent_id: 'p1',
    author_id: 'u1',
    office_role: null,
    text: '回复',
    status: 'visible',
    report_count: 0,
    moderation_reason: null,
    moderated_at: null,
    created_at: new Date('2026-11-10T08:00:00.000Z'),
    author_name: '王小明',
    ...over,
  });

  it('signs an office reply with the office, never the official’s name', () => {
    expect(toCommentReplyDto(row({ office_role: 'village_clerk' }))).toMatchObject({
      authorName: '村委会',
      byOffice: true,
      officeRole: 'village_clerk',
    });
    expect(toCommentReplyDto(row({ office_role: 'township_reviewer' })).authorName).toBe('乡镇（街道）');
  });

  it('shows a resident under a masked name and carries no author id', () => {
    const dto = toCommentReplyDto(row({}));
    expect(dto).toEqual({
      id: 'c1',
      authorName: '王**',
      byOffice: false,
      officeRole: null,
      text: '回复',
      createdAt: '2026-11-10T08:00:00.000Z',
    });
  });
});
