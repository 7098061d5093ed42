-- The ledger's books. Transfers and entries are append-only: a correction is a new reversing
-- transfer, a pending transfer is resolved by a new post/void/expire transfer that names it.
-- The running totals on each account are a cache of its entries, kept in the same transaction
-- and checked against them by the integrity report.

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    currency text NOT NULL,
    type text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    owner_ref text,
    code text,
    metadata jsonb NOT NULL DEFAULT '{}',
    debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
    credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
    closed boolean NOT NULL DEFAULT false,
    debits_posted bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_posted bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    debits_pending bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_pending bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits))
);
-- One account per owner, code and currency, so "the wallet of user X in EUR" has one answer.
CREATE UNIQUE INDEX accounts_owner_code ON accounts (coalesce(owner_ref, ''), code, currency) WHERE code IS NOT NULL;
CREATE INDEX accounts_owner ON accounts (owner_ref, id);

CREATE TABLE transfers (
    id uuid PRIMARY KEY,
    -- single: posted at once; pending: reserves; post/void/expire: resolve the pending named.
    kind text NOT NULL CHECK (kind IN ('single', 'pending', 'post', 'void', 'expire')),
    debit_account_id uuid NOT NULL REFERENCES accounts,
    credit_account_id uuid NOT NULL REFERENCES accounts,
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL,
    code text,
    metadata jsonb NOT NULL DEFAULT '{}',
    pending_id uuid UNIQUE REFERENCES transfers,
    reversal_of uuid REFERENCES transfers,
    -- A pending transfer's timeout as asked for, and when it therefore expires.
    timeout_seconds integer CHECK (timeout_seconds > 0),
    timeout_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((kind IN ('post', 'void', 'expire')) = (pending_id IS NOT NULL))
);
CREATE INDEX transfers_expiring ON transfers (timeout_at) WHERE kind = 'pending' AND timeout_at IS NOT NULL;
CREATE INDEX transfers_reversal_of ON transfers (reversal_of) WHERE reversal_of IS NOT NULL;
CREATE INDEX transfers_created ON transfers (created_at, id);

-- What each transfer did to each of its two accounts: signed changes of the four totals.
CREATE TABLE entries (
    position bigserial PRIMARY KEY,
    transfer_id uuid NOT NULL REFERENCES transfers,
    account_id uuid NOT NULL REFERENCES accounts,
    debits_posted bigint NOT NULL,
    credits_posted bigint NOT NULL,
    debits_pending bigint NOT NULL,
    credits_pending bigint NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX entries_account ON entries (account_id, position);
CREATE INDEX entries_created ON entries (created_at);

-- Append-only, enforced by the database and not only by the code.
CREATE FUNCTION refuse_ledger_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger % are append-only: record a reversing transfer instead', TG_TABLE_NAME;
END $$;
CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_rewrite();
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_rewrite();
