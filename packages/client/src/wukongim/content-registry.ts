import { WKImageContent, type WKMessageContent, WKTextContent, WKUnknownContent } from './content.js';

export type ContentFactory = (data: Record<string, unknown>) => WKMessageContent;

/** Content types to classes: text and image built in, the app's own added with `registerMsgContent`. */
export class ContentRegistry {
  private readonly factories = new Map<number, ContentFactory>([
    [1, (data) => new WKTextContent().decodeJson(data)],
    [2, (data) => new WKImageContent().decodeJson(data)],
  ]);

  register(type: number, factory: ContentFactory): void {
    this.factories.set(type, factory);
  }

  decode(type: number, data: Record<string, unknown>): WKMessageContent {
    const factory = this.factories.get(type);
    return factory ? factory(data) : new WKUnknownContent();
  }
}

/** What goes on the wire: the content's JSON with `type`, without device-local paths (as WuKongIM strips them). */
export function payloadOf(content: WKMessageContent): Record<string, unknown> & { type: number } {
  const { localPath: _localPath, coverLocalPath: _coverLocalPath, ...json } = content.encodeJson();
  return { ...json, type: content.contentType };
}
