-- Local Supabase shim: LOCAL AND TEST DATABASES ONLY.
--
-- Hosted Supabase provides the roles, the `auth` schema and the `realtime` schema that our
-- migrations build on. Embedded PostgreSQL has none of them, so the launcher runs this file as the
-- cluster's superuser (`supabase_admin`, as on hosted) before `supabase/migrations/*`.
-- It lives outside `supabase/migrations/` so `supabase db push` never sends it, and it does
-- nothing on a Supabase-managed database (guard below). Every object is created only when missing,
-- so running it twice is harmless. Function bodies are copied from Supabase's own migrations:
-- supabase/auth 20220224000811 + 20220531120530, supabase/realtime tenant_schema/realtime/*.
-- Not emulated: realtime.messages is one table, not partitioned by day; supautils (which lets
-- `postgres` manage policies on Supabase's schemas) is replaced by ownership; Vault is absent.
do $shim$
begin
  -- 0. Guard: `supabase_auth_admin` exists on every Supabase-managed database and never here.
  if exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    raise notice 'local supabase shim: Supabase-managed database detected; skipping';
    return;
  end if;

  -- 1. Roles, as supabase/postgres creates them (postgres is NOT a superuser on hosted).
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  alter role anon inherit;
  alter role authenticated inherit;
  alter role service_role inherit;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  grant anon, authenticated, service_role to authenticator;
  alter role anon set statement_timeout = '3s';
  alter role authenticated set statement_timeout = '8s';
  alter role authenticator set statement_timeout = '8s';
  alter role authenticator set lock_timeout = '8s';
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres login nosuperuser createdb createrole replication bypassrls;
  end if;
  grant anon, authenticated, service_role to postgres;
  alter role postgres set search_path to "$user", public, extensions;
  execute format('grant all on database %I to postgres', current_database());

  -- 2. Schemas.
  create schema if not exists extensions;
  create schema if not exists auth;
  create schema if not exists realtime;
  grant all on schema public to postgres;
  grant usage on schema public to anon, authenticated, service_role;
  grant usage on schema extensions to postgres, anon, authenticated, service_role;
  grant usage on schema auth to postgres, anon, authenticated, service_role;
  grant usage on schema realtime to postgres, anon, authenticated, service_role;

  -- 3. Default privileges as on a project created after 2026-05-30: tables that postgres creates
  --    in public are NOT exposed to the API roles; migrations must grant explicitly.
  alter default privileges for role postgres in schema public
    revoke select, insert, update, delete on tables from anon, authenticated, service_role;
  alter default privileges for role postgres in schema public
    revoke usage, select on sequences from anon, authenticated, service_role;
  alter default privileges for role postgres in schema public
    revoke execute on functions from anon, authenticated, service_role;

  -- 4. auth helpers: the exact hosted bodies.
  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $f$;
  end if;
  if to_regprocedure('auth.role()') is null then
    create function auth.role() returns text language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $f$;
  end if;
  if to_regprocedure('auth.email()') is null then
    create function auth.email() returns text language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
      )::text
    $f$;
  end if;
  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
      )::jsonb
    $f$;
  end if;

  -- 5. The slice of GoTrue's tables that the local Auth stand-in uses, with GoTrue's column names.
  --    RLS on and no API grants, as on hosted.
  if to_regclass('auth.users') is null then
    create table auth.users (
      instance_id uuid,
      id uuid not null primary key,
      aud varchar(255),
      role varchar(255),
      email varchar(255),
      encrypted_password varchar(255),
      email_confirmed_at timestamptz,
      last_sign_in_at timestamptz,
      phone text unique default null,
      raw_app_meta_data jsonb,
      raw_user_meta_data jsonb,
      is_sso_user boolean not null default false,
      is_anonymous boolean not null default false,
      created_at timestamptz,
      updated_at timestamptz,
      deleted_at timestamptz
    );
    create unique index users_email_partial_key on auth.users (email) where is_sso_user = false;
    alter table auth.users enable row level security;
    grant all on auth.users to postgres;
  end if;
  if to_regclass('auth.sessions') is null then
    create table auth.sessions (
      id uuid not null primary key,
      user_id uuid not null references auth.users (id) on delete cascade,
      created_at timestamptz,
      updated_at timestamptz,
      refreshed_at timestamp,
      not_after timestamptz
    );
    create index sessions_user_id_idx on auth.sessions (user_id);
    alter table auth.sessions enable row level security;
    grant all on auth.sessions to postgres;
  end if;
  if to_regclass('auth.refresh_tokens') is null then
    create table auth.refresh_tokens (
      instance_id uuid,
      id bigserial primary key,
      token varchar(255) unique,
      user_id varchar(255),
      revoked boolean,
      created_at timestamptz,
      updated_at timestamptz,
      parent varchar(255),
      session_id uuid references auth.sessions (id) on delete cascade
    );
    create index refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
    create index refresh_tokens_parent_idx on auth.refresh_tokens (parent);
    alter table auth.refresh_tokens enable row level security;
    grant all on auth.refresh_tokens to postgres;
  end if;

  -- 6. Realtime. Hosted partitions realtime.messages by day; locally one table does.
  if to_regclass('realtime.messages') is null then
    create table realtime.messages (
      topic text not null,
      extension text not null,
      payload jsonb,
      event text,
      private boolean default false,
      updated_at timestamp not null default now(),
      inserted_at timestamp not null default now(),
      id uuid not null default gen_random_uuid(),
      binary_payload bytea,
      constraint messages_payload_exclusive check (payload is null or binary_payload is null),
      constraint messages_pkey primary key (id, inserted_at)
    );
    create index messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
      where extension = 'broadcast' and private is true;
    alter table realtime.messages enable row level security;
    grant insert, select, update on realtime.messages to anon, authenticated, service_role;
    -- Hosted lets postgres manage policies here through supautils; owning the table does it locally.
    alter table realtime.messages owner to postgres;
  end if;
  if to_regprocedure('realtime.topic()') is null then
    create function realtime.topic() returns text language sql stable as $f$
      select nullif(current_setting('realtime.topic', true), '')::text;
    $f$;
  end if;
  if to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null then
    create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
    returns void language plpgsql as $f$
    declare
      generated_id uuid;
      final_payload jsonb;
    begin
      begin
        generated_id := gen_random_uuid();
        if payload ? 'id' then
          final_payload := payload;
        else
          final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
        end if;
        execute format('SET LOCAL realtime.topic TO %L', topic);
        insert into realtime.messages (id, payload, event, topic, private, extension)
        values (generated_id, final_payload, event, topic, private, 'broadcast');
      exception when others then
        raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
      end;
    end;
    $f$;
  end if;
  if to_regprocedure('realtime.broadcast_changes(text,text,text,text,text,record,record,text)') is null then
    create function realtime.broadcast_changes(
      topic_name text, event_name text, operation text, table_name text, table_schema text,
      new record, old record, level text default 'ROW'
    ) returns void language plpgsql as $f$
    declare
      row_data jsonb := '{}'::jsonb;
    begin
      if level = 'STATEMENT' then
        raise exception 'function can only be triggered for each row, not for each statement';
      end if;
      if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
        row_data := jsonb_build_object('old_record', OLD, 'record', NEW, 'operation', operation,
                                       'table', table_name, 'schema', table_schema);
        perform realtime.send(row_data, event_name, topic_name);
      else
        raise exception 'Unexpected operation type: %', operation;
      end if;
    exception when others then
      raise exception 'Failed to process the row: %', sqlerrm;
    end;
    $f$;
  end if;

  -- 7. LOCAL ONLY: hosted Realtime reads realtime.messages through logical replication; the local
  --    Realtime stand-in is woken by this notification instead (delivered on commit, like the WAL).
  if to_regprocedure('realtime.local_notify_message()') is null then
    create function realtime.local_notify_message() returns trigger language plpgsql as $f$
    begin
      perform pg_notify('local_realtime_messages', json_build_object(
        'id', new.id, 'inserted_at', new.inserted_at, 'topic', new.topic,
        'event', new.event, 'private', new.private, 'extension', new.extension)::text);
      return null;
    end;
    $f$;
    create trigger local_notify_message after insert on realtime.messages
      for each row execute function realtime.local_notify_message();
  end if;

  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
  alter publication supabase_realtime owner to postgres;
end
$shim$;
