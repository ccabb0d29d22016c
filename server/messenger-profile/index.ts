// The messenger-profile slice: an account's ice breakers and persistent menu, read from and
// published to Meta's Messenger Profile API. Other code imports only this file (see docs/architecture.md).
export {
  AccountInput,
  HeldProfileSchema,
  MessengerProfileSchema,
  StoredProfileSchema,
} from './messenger-profile.schemas.ts';
export { publishAccountProfile, readAccountProfile } from './messenger-profile.ts';
