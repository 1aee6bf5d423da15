/**
 * The one shape of a push, as clients receive it: `{"event": …, "data": …}`. Frames cross the bus as
 * final text, so that no node serializes a push twice.
 */

/** A push whose data is already JSON text (a message rendered once for every recipient). */
export const pushFrameOf = (event: string, dataJson: string): string => `{"event":${JSON.stringify(event)},"data":${dataJson}}`;

/** A push of any JSON value. */
export const renderPush = (event: string, data: unknown): string => pushFrameOf(event, JSON.stringify(data));
