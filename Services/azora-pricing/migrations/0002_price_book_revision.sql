-- What a quote costs PostgreSQL, cut without letting a quote price from a stale price book.
--
-- The service keeps the parts of the price book a quote reads (products, their strategies and
-- prices, regions, promotions) in memory. Every change to those tables moves one revision
-- number on, in the change's own transaction, and every quote reads the revision in the same
-- statement as the buyer's own rows: when it has moved, the service reads the book afresh. A
-- quote therefore prices from the book as committed when it was asked for, as before.
CREATE TABLE price_book_revision (
    single boolean PRIMARY KEY DEFAULT true CHECK (single),
    revision bigint NOT NULL
);
INSERT INTO price_book_revision (revision) VALUES (1);

CREATE FUNCTION next_price_book_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE price_book_revision SET revision = revision + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER products_revise AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION next_price_book_revision();
CREATE TRIGGER prices_revise AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prices
    FOR EACH STATEMENT EXECUTE FUNCTION next_price_book_revision();
CREATE TRIGGER strategies_revise AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON strategies
    FOR EACH STATEMENT EXECUTE FUNCTION next_price_book_revision();
CREATE TRIGGER regions_revise AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION next_price_book_revision();
CREATE TRIGGER promotions_revise AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON promotions
    FOR EACH STATEMENT EXECUTE FUNCTION next_price_book_revision();

-- A quote's document is written once by the service and read back whole, never searched:
-- `json` only checks the text and keeps it as written, where jsonb built a tree from it, and lz4
-- compresses the 15 kB of a large cart several times faster than the default pglz. Building
-- the jsonb and compressing it were together about a quarter of the PostgreSQL time of a quote.
ALTER TABLE quotes ALTER COLUMN document TYPE json USING document::json;
ALTER TABLE quotes ALTER COLUMN document SET COMPRESSION lz4;
