-- ai-orchestrator: the model catalog (providers, deployments, aliases), budgets and their
-- per-period usage, the routing cache, and the history of classifications and calls.
-- API keys are never stored: a provider names the environment variable that holds its key.

-- An upstream account: where it is and which setting holds its key.
CREATE TABLE providers (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('openai_compatible', 'anthropic', 'local')),
    base_url text NOT NULL,
    -- The name of the environment variable holding the key, never the key itself.
    credential_setting text CHECK (credential_setting ~ '^[A-Z][A-Z0-9_]*$'),
    -- Azure OpenAI's api-version; set only for the Azure dialect of openai_compatible.
    api_version text,
    timeout_seconds integer NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 600),
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One model at one provider, with what it costs (micros per million tokens) and can do.
CREATE TABLE deployments (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    provider_id uuid NOT NULL REFERENCES providers ON DELETE RESTRICT,
    model text NOT NULL,
    context_window integer NOT NULL CHECK (context_window >= 1),
    max_output_tokens integer CHECK (max_output_tokens >= 1),
    input_micros_per_million bigint NOT NULL CHECK (input_micros_per_million >= 0),
    output_micros_per_million bigint NOT NULL CHECK (output_micros_per_million >= 0),
    currency text NOT NULL,
    capabilities text[] NOT NULL
        CHECK (cardinality(capabilities) >= 1 AND capabilities <@ ARRAY['chat', 'streaming', 'tools', 'embeddings']),
    tier text NOT NULL CHECK (tier IN ('small', 'medium', 'large')),
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deployments_provider ON deployments (provider_id);

-- A name clients use as `model`, mapped to weighted deployments (alias_targets), with
-- fallbacks tried in order. Fallbacks are deployment names; the store refuses unknown ones
-- and refuses to delete a deployment an alias still names.
CREATE TABLE aliases (
    name text PRIMARY KEY,
    strategy text NOT NULL CHECK (strategy IN ('weighted', 'least_busy', 'lowest_latency', 'lowest_cost', 'classified')),
    fallbacks text[] NOT NULL DEFAULT '{}',
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The targets of an alias; the foreign key keeps a deployment in use from being deleted.
CREATE TABLE alias_targets (
    alias_name text NOT NULL REFERENCES aliases ON DELETE CASCADE,
    deployment_id uuid NOT NULL REFERENCES deployments ON DELETE RESTRICT,
    weight integer NOT NULL CHECK (weight BETWEEN 1 AND 1000),
    position integer NOT NULL,
    PRIMARY KEY (alias_name, deployment_id)
);
CREATE INDEX alias_targets_deployment ON alias_targets (deployment_id);

-- Spend per period and rate limits per minute, for a user, a course or an organisation.
-- No row for a scope means no limit for it. A NULL limit_micros limits only the rates.
CREATE TABLE budgets (
    id uuid PRIMARY KEY,
    scope_kind text NOT NULL CHECK (scope_kind IN ('user', 'course', 'organization')),
    scope_id uuid NOT NULL,
    period text NOT NULL CHECK (period IN ('day', 'week', 'month')),
    limit_micros bigint CHECK (limit_micros >= 0),
    requests_per_minute integer CHECK (requests_per_minute >= 1),
    tokens_per_minute integer CHECK (tokens_per_minute >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (scope_kind, scope_id, period)
);

-- What a budget spent and holds in reserve during one period (window_start is the period's
-- start in UTC: date_trunc(period, now())). A reservation is one conditional upsert per row:
-- spent + reserved + estimate must stay within the limit, or nothing changes.
CREATE TABLE budget_usage (
    budget_id uuid NOT NULL REFERENCES budgets ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    spent_micros bigint NOT NULL DEFAULT 0 CHECK (spent_micros >= 0),
    reserved_micros bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
    requests bigint NOT NULL DEFAULT 0,
    tokens bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (budget_id, window_start)
);

-- One row per reservation and budget, so that settling is exact and a reservation whose call
-- never settled (a crash) is released by the sweep after a while.
CREATE TABLE budget_holds (
    reservation_id uuid NOT NULL,
    budget_id uuid NOT NULL,
    window_start timestamptz NOT NULL,
    amount_micros bigint NOT NULL CHECK (amount_micros >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (reservation_id, budget_id),
    FOREIGN KEY (budget_id, window_start) REFERENCES budget_usage ON DELETE CASCADE
);
CREATE INDEX budget_holds_age ON budget_holds (created_at);

-- How each classified query was judged, for routing by tier and for tuning the heuristic.
CREATE TABLE query_classifications (
    id uuid PRIMARY KEY,
    request_id text NOT NULL,
    user_id uuid,
    model text NOT NULL,
    task_class text NOT NULL,
    complexity text NOT NULL CHECK (complexity IN ('simple', 'moderate', 'complex')),
    tier text NOT NULL CHECK (tier IN ('small', 'medium', 'large')),
    classified_at timestamptz NOT NULL
);
CREATE INDEX query_classifications_at ON query_classifications (classified_at DESC, id DESC);
CREATE INDEX query_classifications_user ON query_classifications (user_id, classified_at DESC, id DESC);

-- One row per upstream call (or cache answer), for the history behind the live metrics.
CREATE TABLE routing_metrics (
    id uuid PRIMARY KEY,
    request_id text NOT NULL,
    user_id uuid,
    alias text,
    deployment text NOT NULL,
    provider text NOT NULL,
    stream boolean NOT NULL,
    outcome text NOT NULL,
    latency_ms double precision NOT NULL,
    ttft_ms double precision,
    prompt_tokens integer NOT NULL,
    completion_tokens integer NOT NULL,
    cost_micros bigint NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX routing_metrics_at ON routing_metrics (at);
CREATE INDEX routing_metrics_deployment_at ON routing_metrics (deployment, at);

-- Answers to repeatable requests (temperature 0), by a SHA-256 of the canonical request.
CREATE TABLE ai_routing_cache (
    key text PRIMARY KEY,
    model text NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    hits bigint NOT NULL DEFAULT 0
);
CREATE INDEX ai_routing_cache_expires ON ai_routing_cache (expires_at);
