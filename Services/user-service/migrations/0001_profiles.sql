-- Trigram matching for typo-tolerant search; the extension lives in `public` so every schema's
-- indexes can name its operator class. The deployment creates it (deploy/postgres/init.sql);
-- this covers a database without it. Two migrators creating it at once collide on the catalog's
-- unique index; the one that loses finds it made.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
EXCEPTION WHEN unique_violation THEN
    NULL;
END
$$;

-- A profile per account, created when auth-service announces the registration.
CREATE TABLE profiles (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL,
    name                text NOT NULL,
    headline            text NOT NULL DEFAULT '',
    bio                 text NOT NULL DEFAULT '',
    location            text NOT NULL DEFAULT '',
    website             text NOT NULL DEFAULT '',
    roles               text[] NOT NULL DEFAULT '{student}',
    email_verified      boolean NOT NULL DEFAULT false,
    mfa_enabled         boolean NOT NULL DEFAULT false,
    avatar_key          text,
    avatar_content_type text,
    avatar_updated_at   timestamptz,
    last_login_at       timestamptz,
    login_count         integer NOT NULL DEFAULT 0,
    registered_at       timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search              tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', name || ' ' || email || ' ' || headline || ' ' || bio)) STORED
);
CREATE INDEX profiles_search ON profiles USING gin (search);
CREATE INDEX profiles_name_trgm ON profiles USING gin (lower(name) public.gin_trgm_ops);
CREATE INDEX profiles_email_trgm ON profiles USING gin (email public.gin_trgm_ops);
CREATE INDEX profiles_roles ON profiles USING gin (roles);

-- Deleted accounts, so a late or redelivered `user.registered` cannot bring a profile back.
CREATE TABLE deleted_profiles (
    id         uuid PRIMARY KEY,
    deleted_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE preferences (
    user_id             uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    language            text NOT NULL DEFAULT 'en',
    timezone            text NOT NULL DEFAULT 'UTC',
    theme               text NOT NULL DEFAULT 'system',
    email_notifications boolean NOT NULL DEFAULT true,
    marketing_emails    boolean NOT NULL DEFAULT false,
    weekly_digest       boolean NOT NULL DEFAULT true,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- What happened to a user, newest first, fed by events from across the fleet.
CREATE TABLE activity (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    event_id    uuid NOT NULL UNIQUE,
    type        text NOT NULL,
    source      text NOT NULL,
    details     jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL
);
CREATE INDEX activity_by_user ON activity (user_id, occurred_at DESC, id DESC);

-- Stored objects to remove (replaced or erased avatars). Written in the transaction that drops
-- the reference, removed once the store confirms, so no object outlives its profile.
CREATE TABLE object_deletions (
    key        text PRIMARY KEY,
    queued_at  timestamptz NOT NULL DEFAULT now()
);
