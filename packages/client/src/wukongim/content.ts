import { WkMessageContentType } from './const.js';
import type { WKMentionInfo, WKMsgEntity, WKReply } from './msg.js';

/** A content's fields as JSON. */
export type WKContentJson = Record<string, unknown>;

/**
 * A message's content, as in WuKongIM: subclass it for your own content with its own
 * `contentType` (1000 and above on Parley), `encodeJson` and `decodeJson`, then
 * `messageManager.registerMsgContent(type, (data) => new MyContent().decodeJson(data))`.
 */
export class WKMessageContent {
  contentType = 0;
  content = '';
  topicId = '';
  reply: WKReply | null = null;
  entities: WKMsgEntity[] | null = null;
  mentionInfo: WKMentionInfo | null = null;

  /** The content's fields; the SDK adds `type`. */
  encodeJson(): WKContentJson {
    return {};
  }

  decodeJson(_json: WKContentJson): this {
    return this;
  }

  displayText(): string {
    return this.content;
  }

  searchableWord(): string {
    return this.content;
  }

  readInt(json: WKContentJson, key: string): number {
    const v = json[key];
    return typeof v === 'number' ? v : 0;
  }

  readString(json: WKContentJson, key: string): string {
    const v = json[key];
    return v === null || v === undefined ? '' : String(v);
  }
}

/** Content with a file: `url` once uploaded (`client.upload`), `localPath` on this device only (never sent). */
export class WKMediaMessageContent extends WKMessageContent {
  url = '';
  localPath = '';
}

export class WKTextContent extends WKMessageContent {
  constructor(content = '') {
    super();
    this.contentType = WkMessageContentType.text;
    this.content = content;
  }

  override encodeJson(): WKContentJson {
    return { content: this.content };
  }

  override decodeJson(json: WKContentJson): this {
    this.content = this.readString(json, 'content');
    return this;
  }
}

export class WKImageContent extends WKMediaMessageContent {
  constructor(
    public width = 0,
    public height = 0,
  ) {
    super();
    this.contentType = WkMessageContentType.image;
  }

  override encodeJson(): WKContentJson {
    return { width: this.width, height: this.height, url: this.url, localPath: this.localPath };
  }

  override decodeJson(json: WKContentJson): this {
    this.width = this.readInt(json, 'width');
    this.height = this.readInt(json, 'height');
    this.url = this.readString(json, 'url');
    this.localPath = this.readString(json, 'localPath');
    return this;
  }

  override displayText(): string {
    return '[图片]';
  }

  override searchableWord(): string {
    return '[图片]';
  }
}

/** A content type nobody registered. */
export class WKUnknownContent extends WKMessageContent {
  constructor() {
    super();
    this.contentType = WkMessageContentType.unknown;
  }

  override displayText(): string {
    return '[未知消息]';
  }
}
