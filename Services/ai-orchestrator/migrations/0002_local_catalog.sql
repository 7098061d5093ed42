-- The local stack's catalog, so that /v1 works with no keys: the in-process `local` provider,
-- a small and a large local deployment, and the `tutor-default` alias routing between them by
-- the query's classification. Each row is added only when no row of its name exists, so rows an
-- operator made first are kept as they are (and the alias's targets are added only with it).

INSERT INTO providers (id, name, kind, base_url, credential_setting, api_version, timeout_seconds, enabled)
VALUES ('01970000-0000-7000-8000-000000000001', 'local', 'local', 'http://127.0.0.1', NULL, NULL, 30, true)
ON CONFLICT (name) DO NOTHING;

INSERT INTO deployments (id, name, provider_id, model, context_window, max_output_tokens, input_micros_per_million,
                         output_micros_per_million, currency, capabilities, tier, enabled)
SELECT d.id, d.name, p.id, d.model, d.context_window, d.max_output_tokens, d.input_price, d.output_price, 'USD',
       ARRAY['chat', 'streaming', 'embeddings'], d.tier, true
FROM (VALUES
        ('01970000-0000-7000-8000-000000000011'::uuid, 'local-small', 'local-small', 8192, 1024, 50000::bigint, 100000::bigint, 'small'),
        ('01970000-0000-7000-8000-000000000012'::uuid, 'local-large', 'local-large', 32768, 4096, 500000::bigint, 1500000::bigint, 'large')
     ) AS d (id, name, model, context_window, max_output_tokens, input_price, output_price, tier)
JOIN providers p ON p.name = 'local'
ON CONFLICT (name) DO NOTHING;

WITH created AS (
    INSERT INTO aliases (name, strategy, fallbacks, description)
    SELECT 'tutor-default', 'classified', '{}', 'The tutor''s model: small for simple questions, large for complex ones.'
    WHERE EXISTS (SELECT 1 FROM deployments WHERE name = 'local-small')
      AND EXISTS (SELECT 1 FROM deployments WHERE name = 'local-large')
    ON CONFLICT (name) DO NOTHING
    RETURNING name
)
INSERT INTO alias_targets (alias_name, deployment_id, weight, position)
SELECT created.name, d.id, 1, CASE d.name WHEN 'local-small' THEN 0 ELSE 1 END
FROM created JOIN deployments d ON d.name IN ('local-small', 'local-large');
