-- The price book, the rules that adjust prices, and the quotes built from them.
-- Prices are never edited: a new price row with a later effective_from replaces the old one,
-- so the history of every price stays readable. Amounts are whole minor units.

-- What can be sold: `course:<id>`, `bundle:<id>`, `tier:<name>`.
CREATE TABLE products (
    ref text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('course', 'bundle', 'tier')),
    title text NOT NULL,
    -- Used by coupon and promotion scopes ("all programming courses").
    category text,
    -- The instructor who may manage this product's prices, strategy and coupons.
    owner_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_owner ON products (owner_id) WHERE owner_id IS NOT NULL;

-- Base prices (country IS NULL) and regional price lists (country set), with history.
CREATE TABLE prices (
    id uuid PRIMARY KEY,
    product_ref text NOT NULL REFERENCES products,
    currency text NOT NULL,
    country text,
    amount bigint NOT NULL CHECK (amount >= 0),
    effective_from timestamptz NOT NULL,
    set_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prices_lookup ON prices (product_ref, currency, coalesce(country, ''), effective_from DESC);

-- Purchasing-power adjustment and fallback currency per country.
CREATE TABLE regions (
    country text PRIMARY KEY,
    -- The share of the base price a buyer in this country pays, in basis points (4000 = 40%).
    ppp_bps integer NOT NULL CHECK (ppp_bps BETWEEN 1 AND 100000),
    -- The currency quoted when a product has no price in the currency asked for.
    fallback_currency text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One dynamic pricing strategy per product, bounded by the owner's floor and ceiling
-- (basis points of the base price).
CREATE TABLE strategies (
    product_ref text PRIMARY KEY REFERENCES products,
    kind text NOT NULL CHECK (kind IN ('time', 'demand', 'capacity', 'experiment')),
    floor_bps integer NOT NULL CHECK (floor_bps >= 0),
    ceiling_bps integer NOT NULL CHECK (ceiling_bps >= floor_bps),
    params jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Enrolments and cancellations learnt from events: demand (velocity) and capacity (seats taken).
CREATE TABLE demand_signals (
    event_id uuid PRIMARY KEY,
    product_ref text NOT NULL,
    change integer NOT NULL CHECK (change IN (1, -1)),
    occurred_at timestamptz NOT NULL
);
CREATE INDEX demand_signals_product ON demand_signals (product_ref, occurred_at);

-- The variant each buyer was put in, recorded the first time they were quoted.
CREATE TABLE experiment_assignments (
    experiment_key text NOT NULL,
    user_id uuid NOT NULL,
    variant text NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (experiment_key, user_id)
);

CREATE TABLE coupons (
    id uuid PRIMARY KEY,
    code text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('percentage', 'fixed')),
    percent_bps integer CHECK (percent_bps BETWEEN 1 AND 10000),
    amount bigint CHECK (amount > 0),
    currency text,
    min_order_amount bigint CHECK (min_order_amount > 0),
    min_order_currency text,
    product_refs text[] NOT NULL DEFAULT '{}',
    categories text[] NOT NULL DEFAULT '{}',
    first_purchase_only boolean NOT NULL DEFAULT false,
    stackable boolean NOT NULL DEFAULT true,
    starts_at timestamptz,
    ends_at timestamptz,
    max_redemptions integer CHECK (max_redemptions > 0),
    max_per_user integer CHECK (max_per_user > 0),
    redemptions integer NOT NULL DEFAULT 0,
    active boolean NOT NULL DEFAULT true,
    -- The instructor who made it (limited to their own products); NULL for administrators.
    owner_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'percentage' AND percent_bps IS NOT NULL AND amount IS NULL)
        OR (kind = 'fixed' AND amount IS NOT NULL AND currency IS NOT NULL AND percent_bps IS NULL)),
    CHECK (max_redemptions IS NULL OR redemptions <= max_redemptions)
);

-- Uses per buyer, for per-user limits; a conditional upsert on this row makes the limit atomic.
CREATE TABLE coupon_user_redemptions (
    coupon_id uuid NOT NULL REFERENCES coupons,
    user_id uuid NOT NULL,
    uses integer NOT NULL CHECK (uses > 0),
    PRIMARY KEY (coupon_id, user_id)
);

-- Every use of a coupon, for its owner's reports.
CREATE TABLE coupon_redemptions (
    coupon_id uuid NOT NULL REFERENCES coupons,
    quote_id uuid NOT NULL,
    user_id uuid NOT NULL,
    discount bigint NOT NULL,
    currency text NOT NULL,
    redeemed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coupon_id, quote_id)
);

-- Automatic promotions: bundles, volume discounts, flash sales.
CREATE TABLE promotions (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('bundle', 'volume', 'flash_sale')),
    params jsonb NOT NULL,
    product_refs text[] NOT NULL DEFAULT '{}',
    categories text[] NOT NULL DEFAULT '{}',
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX promotions_live ON promotions (starts_at, ends_at);

-- Negotiated prices for an enterprise customer's members.
CREATE TABLE enterprise_prices (
    organization_id uuid NOT NULL,
    product_ref text NOT NULL REFERENCES products,
    currency text NOT NULL,
    amount bigint NOT NULL CHECK (amount >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, product_ref, currency)
);

-- How many paid quotes each buyer has: "first purchase only" coupons read and bump this row.
CREATE TABLE buyer_purchases (
    user_id uuid PRIMARY KEY,
    purchases integer NOT NULL CHECK (purchases > 0)
);

CREATE TABLE quotes (
    id uuid PRIMARY KEY,
    buyer_id uuid NOT NULL,
    currency text NOT NULL,
    total bigint NOT NULL CHECK (total >= 0),
    -- The whole quote as answered, lines and explanations included.
    document jsonb NOT NULL,
    coupon_ids uuid[] NOT NULL DEFAULT '{}',
    key_id text NOT NULL,
    signature text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'redeemed', 'refused')),
    redeemed_at timestamptz,
    payment_id text UNIQUE,
    refusal text
);
CREATE INDEX quotes_buyer ON quotes (buyer_id, created_at DESC);
