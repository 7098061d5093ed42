-- The reference checks of 0002, made to cost what the statement writes, not what the table holds.
--
-- 0002 checked both references of a row in one condition (`NOT EXISTS … OR NOT EXISTS …`),
-- which the planner ran as subplans that hashed the whole referenced table. Worse, a trigger's
-- plan is made once per connection and kept: made while `transfers` was small, it went on
-- reading all of it for every group commit as the ledger grew (in `bench/ledger.sh` the checks'
-- share of PostgreSQL's time went from a third to a half over 20,000 transfers; by hand, one
-- statement of 20 entries took 98 ms against 100,000 transfers with a plan kept from an empty
-- table).
--
-- Each check below is an anti-join of the statement's new rows against the referenced table's
-- primary key, and the functions are planned with sequential scans, hash and merge joins off:
-- one index probe per new row, whatever the table's size when the plan was made (0.2 ms for
-- 20 entries, empty table or 100,000 transfers).

CREATE OR REPLACE FUNCTION check_transfer_references() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT debit_account_id AS id FROM new_transfers
                              UNION SELECT credit_account_id FROM new_transfers) AS named
               WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = named.id)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a transfer names an account that does not exist';
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION check_entry_references() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT account_id FROM new_entries) AS named
               WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = named.account_id))
       OR EXISTS (SELECT 1 FROM (SELECT DISTINCT transfer_id FROM new_entries) AS named
                  WHERE NOT EXISTS (SELECT 1 FROM transfers t WHERE t.id = named.transfer_id)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'an entry names an account or a transfer that does not exist';
    END IF;
    RETURN NULL;
END $$;
