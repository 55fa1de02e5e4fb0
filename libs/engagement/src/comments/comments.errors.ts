import { defineErrors } from '@sunshine/core';

export enum CommentErrorCode {
  NotFound = 'COMMENT_NOT_FOUND',
  /** The disclosures context's code: an unknown or unpublished disclosure is the same problem wherever it is named. */
  DisclosureNotFound = 'DISCLOSURE_NOT_FOUND',
  DisclosureClosed = 'DISCLOSURE_CLOSED_FOR_COMMENTS',
  ReplyDepth = 'COMMENT_REPLY_DEPTH',
  NotVisible = 'COMMENT_NOT_VISIBLE',
  AlreadyReported = 'COMMENT_ALREADY_REPORTED',
  RateLimited = 'COMMENT_RATE_LIMITED',
  ModerationState = 'COMMENT_MODERATION_STATE',
}

export const commentError = defineErrors<CommentErrorCode>({
  [CommentErrorCode.NotFound]: { status: 404, title: 'Comment not found' },
  [CommentErrorCode.DisclosureNotFound]: { status: 404, title: 'Disclosure not found' },
  [CommentErrorCode.DisclosureClosed]: {
    status: 409,
    title: 'The disclosure has been withdrawn: it takes no more comments',
  },
  [CommentErrorCode.ReplyDepth]: { status: 409, title: 'Replies are one level deep: answer the comment itself' },
  [CommentErrorCode.NotVisible]: { status: 409, title: 'The comment is hidden or under review' },
  [CommentErrorCode.AlreadyReported]: { status: 409, title: 'You have already reported this comment' },
  [CommentErrorCode.RateLimited]: {
    status: 429,
    title: 'Too many comments: at most 5 in 10 minutes and 30 a day',
    retryAfter: 60,
  },
  [CommentErrorCode.ModerationState]: { status: 409, title: 'Not possible in the comment’s current state' },
});
