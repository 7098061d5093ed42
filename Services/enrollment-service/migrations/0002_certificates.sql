-- Certificates of completion and the learners' names they carry.

-- Learners' display names, kept from user.registered and user.profile_updated, because a
-- certificate names its holder and no service reads another's tables.
CREATE TABLE learners (
    user_id     uuid PRIMARY KEY,
    name        text NOT NULL,
    -- The newest event wins; a late redelivery of an older one changes nothing.
    updated_at  timestamptz NOT NULL
);

-- One certificate per completed enrollment. The signed credential is stored exactly as issued,
-- so what a learner downloads today is what verifies tomorrow; the PDF is drawn from these
-- columns on demand.
CREATE TABLE certificates (
    id                uuid PRIMARY KEY,
    enrollment_id     uuid NOT NULL UNIQUE,
    user_id           uuid NOT NULL,
    course_id         uuid NOT NULL,
    learner_name      text NOT NULL,
    course_title      text NOT NULL,
    completed_at      timestamptz NOT NULL,
    issued_at         timestamptz NOT NULL,
    key_id            text NOT NULL,
    credential        text NOT NULL,
    revoked_at        timestamptz,
    revocation_reason text,
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX certificates_by_user ON certificates (user_id, issued_at DESC, id DESC);
