-- OAuth sign-in: the state and PKCE verifier of each authorization request (single use, short-lived),
-- and which provider identity belongs to which account.
CREATE TABLE oauth_states (
    state_hash bytea PRIMARY KEY,
    provider text NOT NULL,
    code_verifier text NOT NULL,
    redirect_uri text NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE oauth_links (
    provider text NOT NULL,
    subject text NOT NULL,
    user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject)
);
CREATE INDEX oauth_links_user ON oauth_links (user_id);
