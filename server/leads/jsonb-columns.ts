// The codec of leads.referral, the referral a lead came from (server/db/jsonb.ts says why every
// jsonb value goes through its column's codec).
import { StoredReferralSchema } from '../conversations/index.ts';
import { jsonbCodec } from '../db/jsonb.ts';

// The same stored shape as a message's referral (its provider data), which conversations owns.
export const leadReferralColumn = jsonbCodec('leads.referral', StoredReferralSchema);
