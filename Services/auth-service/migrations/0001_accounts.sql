-- Accounts: one row per person who can sign in. The email is kept as typed (trimmed) and
-- compared in lower case.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    password_hash text,                       -- NULL for accounts made through OAuth only
    email_verified boolean NOT NULL DEFAULT false,
    roles text[] NOT NULL DEFAULT '{student}',
    -- MFA: the TOTP secret sealed with KEY_ENCRYPTION_KEY; the pending one until a first code confirms it.
    mfa_secret bytea,
    mfa_pending_secret bytea,
    mfa_enabled boolean NOT NULL DEFAULT false,
    mfa_last_step bigint NOT NULL DEFAULT 0,  -- the last TOTP time step accepted; older or equal ones are refused
    -- Lockout: consecutive failures, and until when the account is locked.
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Single-use tokens sent by email (verification, password reset), stored as SHA-256 hashes.
CREATE TABLE email_tokens (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX email_tokens_user ON email_tokens (user_id);

-- A session is one login: the family of refresh tokens that rotate from it.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    method text NOT NULL,
    ip text,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz,
    end_reason text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;

-- Every refresh token ever issued, by hash. A used one presented again means it was stolen.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
    issued_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- The first step of an MFA login: proof the password was right, for a few minutes, once.
CREATE TABLE mfa_challenges (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    ip text,
    user_agent text,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE recovery_codes (
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Ed25519 keys that sign access tokens; private halves sealed with KEY_ENCRYPTION_KEY.
CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    sealed_private_key bytea NOT NULL,
    public_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

-- Mail waiting to be sent; a row stays until the mail server took it.
CREATE TABLE mail_jobs (
    id uuid PRIMARY KEY,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    sent_at timestamptz
);
CREATE INDEX mail_jobs_due ON mail_jobs (next_attempt_at) WHERE sent_at IS NULL;
