-- Enrollments, lesson progress, seat pools and waitlists. Course facts (status, price, capacity,
-- cohorts, lessons) belong to course-service and are asked for when needed; only what an
-- enrollment must remember (the title and price it was made at) and the seat limits last seen
-- are kept here.

-- One row per (course, cohort-or-none): the seat limit last read from course-service (NULL:
-- unlimited). The course's row (cohort_id NULL) always exists once anyone enrolled, and every
-- change to the course's seats locks it first (SELECT … FOR UPDATE), so seats are never
-- over-allocated however many learners race for the last one.
CREATE TABLE seat_pools (
    course_id uuid NOT NULL,
    cohort_id uuid,
    capacity integer CHECK (capacity >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (course_id, cohort_id)
);

CREATE TABLE enrollments (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    course_id uuid NOT NULL,
    cohort_id uuid,
    course_title text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending_payment', 'active', 'completed', 'cancelled', 'expired')),
    -- The course's price when the learner enrolled, in minor units.
    price_amount bigint NOT NULL CHECK (price_amount >= 0),
    price_currency text NOT NULL,
    payment_due_at timestamptz,
    payment_id text,
    paid_amount bigint,
    paid_currency text,
    activated_at timestamptz,
    completed_at timestamptz,
    -- Who completed it: the learner (`learner`, all required lessons done, or automatically) or
    -- the instructor or an administrator who forced it (their subject).
    completed_by text,
    cancelled_at timestamptz,
    expired_at timestamptz,
    access_expires_at timestamptz,
    -- The waitlist entry whose offer became this enrollment, if any.
    waitlist_entry_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK (status <> 'pending_payment' OR payment_due_at IS NOT NULL)
);
-- A learner holds at most one live enrollment per course.
CREATE UNIQUE INDEX enrollments_one_live ON enrollments (user_id, course_id)
    WHERE status IN ('pending_payment', 'active', 'completed');
CREATE INDEX enrollments_user ON enrollments (user_id, id DESC);
CREATE INDEX enrollments_course ON enrollments (course_id, status);
CREATE INDEX enrollments_payment_due ON enrollments (payment_due_at) WHERE status = 'pending_payment';
CREATE INDEX enrollments_access_expiry ON enrollments (access_expires_at)
    WHERE status = 'active' AND access_expires_at IS NOT NULL;

CREATE TABLE lesson_progress (
    enrollment_id uuid NOT NULL REFERENCES enrollments,
    lesson_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('in_progress', 'completed')),
    seconds_spent bigint NOT NULL DEFAULT 0 CHECK (seconds_spent >= 0),
    started_at timestamptz NOT NULL,
    completed_at timestamptz,
    last_activity_at timestamptz NOT NULL,
    PRIMARY KEY (enrollment_id, lesson_id)
);

-- A learner's place in a course's (or cohort's) queue. Order is FIFO by `seq`, taken while the
-- course's seat pool is locked, so positions follow the order in which learners joined.
CREATE TABLE waitlist_entries (
    id uuid PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    user_id uuid NOT NULL,
    course_id uuid NOT NULL,
    cohort_id uuid,
    status text NOT NULL CHECK (status IN ('waiting', 'offered', 'accepted', 'declined', 'offer_expired', 'left')),
    joined_at timestamptz NOT NULL,
    offered_at timestamptz,
    offer_expires_at timestamptz,
    ended_at timestamptz,
    enrollment_id uuid REFERENCES enrollments,
    CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL)
);
-- A learner waits at most once per course at a time.
CREATE UNIQUE INDEX waitlist_one_open ON waitlist_entries (user_id, course_id) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_queue ON waitlist_entries (course_id, seq) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_course ON waitlist_entries (course_id, seq);
CREATE INDEX waitlist_offer_expiry ON waitlist_entries (offer_expires_at) WHERE status = 'offered';
