import type { Message } from '@parley/protocol';
import type { LocalMessage } from '../store.js';
import { WKSendMsgResult } from './const.js';
import type { WKMessageContent } from './content.js';
import type { ContentRegistry } from './content-registry.js';
import type { LocalSeqs } from './local-seqs.js';
import { WKMentionInfo, WKMsg, WKMsgEntity, WKMsgExtra, WKMsgReaction, WKReply } from './msg.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** WuKongIM's status: the ack's reason code once answered (1 success), 2 when no ack came, 0 while sending. */
export function statusOf(m: Partial<Pick<LocalMessage, 'status' | 'reasonCode'>>): number {
  if (m.status === undefined || m.status === 'success') return WKSendMsgResult.sendSuccess;
  if (m.status === 'sending') return WKSendMsgResult.sendLoading;
  return (m.reasonCode ?? 0) > WKSendMsgResult.sendSuccess ? (m.reasonCode as number) : WKSendMsgResult.sendFail;
}

export interface MapperContext {
  seqs: LocalSeqs;
  contents: ContentRegistry;
  viewer: string;
}

/**
 * A Parley message (from the server, or one this device is sending) as WuKongIM's WKMsg. `own` is
 * the content object the app sent, kept as it was given (with its localPath), as WuKongIM keeps it.
 */
export function toWKMsg(m: Message | LocalMessage, ctx: MapperContext, own?: WKMessageContent): WKMsg {
  const msg = new WKMsg();
  const channel = `${m.channelType}:${m.channelId}`;
  msg.header.redDot = m.header.redDot;
  msg.header.noPersist = m.header.noPersist;
  msg.header.syncOnce = m.header.syncOnce;
  msg.setting.receipt = m.setting.receipt === true;
  // A topic is a name or a flag, and `stream` is kept only by servers that know it: either reads as a flag.
  msg.setting.topic = Boolean(m.setting.topic);
  msg.setting.stream = (m.setting as { stream?: unknown }).stream === true;
  msg.messageID = m.messageId === '0' ? '' : m.messageId;
  msg.messageSeq = m.messageSeq;
  msg.clientSeq = ctx.seqs.clientSeqOf(m.fromUid, m.clientMsgNo);
  msg.timestamp = seconds(m.timestamp);
  msg.clientMsgNO = m.clientMsgNo;
  msg.fromUID = m.fromUid;
  msg.channelID = m.channelId;
  msg.channelType = m.channelType;
  msg.contentType = m.contentType;
  // WuKongIM's content is what was sent; an edit is in wkMsgExtra.contentEdit.
  const payload = ((m as LocalMessage).originalPayload ?? m.payload) as Record<string, unknown>;
  msg.content = JSON.stringify(own ? { ...own.encodeJson(), type: m.contentType } : payload);
  msg.status = statusOf(m as Partial<LocalMessage>);
  msg.reasonCode = 'reasonCode' in m ? m.reasonCode : 1;
  msg.orderSeq = ctx.seqs.orderSeqOf(channel, m.messageSeq, m.clientMsgNo);
  msg.wkMsgExtra = extraOf(m, ctx);
  msg.reactionList = m.reactions.length
    ? m.reactions.flatMap((r) => r.uids.map((uid) => Object.assign(new WKMsgReaction(), { ...base(m), uid, emoji: r.emoji })))
    : null;
  msg.messageContent = own ?? ctx.contents.decode(m.contentType, payload);
  if (!own) decorate(msg.messageContent, m, ctx);
  return msg;
}

const base = (m: Message) => ({ messageID: m.messageId, channelID: m.channelId, channelType: m.channelType });

function extraOf(m: Message, ctx: MapperContext): WKMsgExtra {
  const e = m.extra;
  return Object.assign(new WKMsgExtra(), {
    ...base(m),
    readedCount: e.readCount,
    unreadCount: e.unreadCount,
    revoke: e.revoked ? 1 : 0,
    revoker: e.revoker ?? '',
    editedAt: e.editedAt ? seconds(e.editedAt) : 0,
    contentEdit: e.editedPayload ? JSON.stringify(e.editedPayload) : '',
    messageContent: e.editedPayload ? ctx.contents.decode(m.contentType, e.editedPayload as Record<string, unknown>) : null,
  });
}

/** Reply, mentions and entities travel beside the payload on Parley; WuKongIM keeps them on the content. */
function decorate(content: WKMessageContent, m: Message, ctx: MapperContext): void {
  if (m.reply) {
    content.reply = Object.assign(new WKReply(), {
      messageId: m.reply.messageId,
      messageSeq: m.reply.messageSeq,
      fromUID: m.reply.fromUid,
      payload: m.reply.preview ? ctx.contents.decode(1, { content: m.reply.preview }) : null,
    });
  }
  if (m.mentions) {
    const all = m.mentions.all === true;
    content.mentionInfo = Object.assign(new WKMentionInfo(), {
      mentionAll: all,
      uids: m.mentions.uids,
      isMentionMe: all || m.mentions.uids.includes(ctx.viewer),
    });
  }
  if (m.entities) content.entities = m.entities.map((e) => Object.assign(new WKMsgEntity(), { ...e, value: e.value ?? '' }));
}
