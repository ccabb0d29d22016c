-- Failed sign-ins counted per account and per client address (server/auth/sign-in-throttle.ts),
-- in Postgres so that every app process counts together. The shape is the one
-- rate-limiter-flexible's Postgres limiter reads and writes: a key (a purpose prefix and a hash
-- of the email or address, never the value itself), the points used and when they expire
-- (milliseconds since the epoch). It is made here rather than by the library at run time, so the
-- app needs no right to create tables.
--
-- In `private`, which the Data API does not expose; no grant to anon or authenticated, and row
-- level security with no policy, so that even a grant added by mistake would show no row.
create table private.sign_in_attempts (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);

revoke all on table private.sign_in_attempts from public, anon, authenticated;
alter table private.sign_in_attempts enable row level security;
