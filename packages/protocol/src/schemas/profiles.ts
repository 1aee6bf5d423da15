import { type Static, Type } from 'typebox';
import { Uid } from '../ids.js';

/** What a client may see of another user: enough to show a name and a picture instead of a uid. */
export const Profile = Type.Object(
  {
    uid: Uid,
    name: Type.String({ description: 'Empty when the app set none' }),
    avatar: Type.String({ description: 'A URL, or empty' }),
  },
  { title: 'Profile' },
);
export type Profile = Static<typeof Profile>;

export const ProfilesQuery = Type.Object(
  { uids: Type.Array(Uid, { minItems: 1, maxItems: 100, description: 'At most 100 per call' }) },
  { additionalProperties: false, title: 'ProfilesQuery' },
);
export type ProfilesQuery = Static<typeof ProfilesQuery>;

export const ProfilesResult = Type.Object(
  {
    users: Type.Array(Profile, {
      description:
        'In the order asked, only users you may see (PARLEY_PROFILES_VISIBLE): yourself, and by default those you share a 1:1 chat or a group with; others are left out',
    }),
  },
  { title: 'ProfilesResult' },
);
export type ProfilesResult = Static<typeof ProfilesResult>;
