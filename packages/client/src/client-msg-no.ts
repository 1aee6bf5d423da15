const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** Random bytes drawn 1 KiB at a time: one call to the random source per 128 numbers. */
const pool = new Uint8Array(1024);
let used = pool.length;

const fillPool = (): void => {
  if (typeof crypto !== 'undefined' && 'getRandomValues' in crypto) crypto.getRandomValues(pool);
  else for (let i = 0; i < pool.length; i++) pool[i] = Math.floor(Math.random() * 256);
  used = 0;
};

/** 8 random bytes as 16 hex digits, the first two bits set to the variant (10). */
const randomTail = (): string => {
  if (used + 8 > pool.length) fillPool();
  let out = HEX[((pool[used] as number) & 0x3f) | 0x80] as string;
  for (let i = 1; i < 8; i++) out += HEX[pool[used + i] as number];
  used += 8;
  return out;
};

/**
 * A maker of clientMsgNos, each a UUID of version 7 (RFC 9562), whose first 48 bits are the time in ms and whose
 * next 12 count the numbers made in that ms, so one device's numbers sort in the order it made them;
 * the last 62 bits are random, so two devices of one user never make the same one. Whoever receives
 * the message can read from it when the sender's device made it.
 *
 * The server keeps every sender's numbers in one index, to refuse a second copy of a resend. A number
 * after the sender's last one goes into the index page written last; a random one (version 4) into any
 * page of that sender's part of it, which must be read and written again. SQLite's commit of batches
 * of 1,500 from 50 busy senders (`npm run bench -- --only commit --commit-pairs 50 --batch 1500
 * --client-msg-no counter,uuid4,uuid7`): 33,888 msgs/s with version 4 numbers, 71,921 with these.
 */
export function clientMsgNoMaker(): (now?: number) => string {
  let lastMs = -1;
  let counter = 0;
  return (now = Date.now()) => {
    // Whole ms within 48 bits, or the clock's.
    const ms = Number.isInteger(now) && now >= 0 && now < 2 ** 48 ? now : Math.trunc(Date.now());
    // A clock that moved back keeps the last ms: numbers still sort in the order they were made.
    if (ms > lastMs) {
      lastMs = ms;
      counter = 0;
    } else if (++counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    const time = lastMs.toString(16).padStart(12, '0');
    const rest = randomTail();
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${counter.toString(16).padStart(3, '0')}-${rest.slice(0, 4)}-${rest.slice(4)}`;
  };
}

/** The SDK's clientMsgNos: one maker for the whole app, so that they sort in the order they were made. */
export const newClientMsgNo: (now?: number) => string = clientMsgNoMaker();
