/** WuKongIM's constants, same names and numbers as its SDKs. */

/**
 * Channel types. Parley's own: 1 person, 2 group, 3 super group, 4 system notices; so WuKongIM's
 * `customerService` (3) addresses a Parley super group here, and 4 and 5 have no community to address.
 */
export const WKChannelType = { personal: 1, group: 2, customerService: 3, community: 4, communityTopic: 5 } as const;

/** Content types; Parley stores 1-6 as its own types (3 is a file there) and takes 1000+ as custom content. */
export const WkMessageContentType = {
  unknown: -1,
  text: 1,
  image: 2,
  gif: 3,
  voice: 4,
  video: 5,
  location: 6,
  card: 7,
  file: 8,
  contentFormatError: 97,
  insideMsg: 99,
} as const;

/**
 * `WKMsg.status`. As in WuKongIM, an answered send takes the ack's reason code as its status (1
 * success, 3 not a member, 4 blacklisted, 13 not whitelisted, ... 22 rate limit, 23 bad channel
 * type); 2 is a send that got no ack (or a refusal with reason 0, which would read as "sending").
 */
export const WKSendMsgResult = { sendLoading: 0, sendSuccess: 1, sendFail: 2, noRelation: 3, blackList: 4, notOnWhiteList: 13 } as const;

export const WKConnectStatus = { fail: 0, success: 1, kicked: 2, syncMsg: 3, connecting: 4, noNetwork: 5, syncCompleted: 6 } as const;

/** `orderSeq` = `messageSeq` × this for stored messages; a message still sending sits just after the newest one. */
export const wkOrderSeqFactor = 1000;
