-- Courses, their outline (modules and lessons), cohorts, prerequisites, reviews, and the
-- learners course-service knows of from enrollment events.

-- Trigram matching for typo-tolerant search; the extension lives in `public` so every schema's
-- indexes can name its operator class. The deployment creates it (deploy/postgres/init.sql);
-- this covers a database without it. Two migrators creating it at once collide on the catalog's
-- unique index; the one that loses finds it made.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
EXCEPTION WHEN unique_violation THEN
    NULL;
END
$$;

CREATE TABLE courses (
    id               uuid PRIMARY KEY,
    instructor_id    uuid NOT NULL,
    title            text NOT NULL,
    subtitle         text NOT NULL DEFAULT '',
    description      text NOT NULL DEFAULT '',
    category         text NOT NULL,
    level            text NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced', 'all_levels')),
    language         text NOT NULL,
    tags             text[] NOT NULL DEFAULT '{}',
    price_amount     bigint NOT NULL CHECK (price_amount >= 0),
    price_currency   text NOT NULL,
    -- Seats in the whole course; NULL is unlimited.
    capacity         integer CHECK (capacity >= 1),
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    -- Why an administrator sent the course back to draft; cleared when it is submitted again.
    rejection_reason text,
    -- Kept current by every review change in the same transaction, so reads never aggregate.
    rating_sum       bigint NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
    rating_count     integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
    -- The average rounded to hundredths; 0 without reviews (answered as null).
    rating_average   numeric(3, 2) NOT NULL DEFAULT 0,
    -- Learners whose enrolment is active or completed, for the `popular` sort.
    learner_count    integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- The first publication; a course that has one can no longer be deleted, only archived.
    published_at     timestamptz,
    -- What `newest` sorts by: the first publication, or the creation of a course never published.
    listed_at        timestamptz GENERATED ALWAYS AS (coalesce(published_at, created_at)) STORED,
    -- Full-text document: title (A), subtitle and tags (B), description (C); set by the trigger below.
    search           tsvector NOT NULL DEFAULT ''
);
CREATE INDEX courses_newest ON courses (status, listed_at DESC, id DESC);
CREATE INDEX courses_rating ON courses (status, rating_average DESC, rating_count DESC, id DESC);
CREATE INDEX courses_price ON courses (status, price_amount, id);
CREATE INDEX courses_popular ON courses (status, learner_count DESC, id DESC);
CREATE INDEX courses_instructor ON courses (instructor_id);
CREATE INDEX courses_tags ON courses USING gin (tags);
CREATE INDEX courses_search ON courses USING gin (search);
CREATE INDEX courses_title_trgm ON courses USING gin (lower(title) public.gin_trgm_ops);

-- A generated column cannot hold the document: array_to_string is not immutable.
CREATE FUNCTION courses_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search :=
        setweight(to_tsvector('english', NEW.title), 'A') ||
        setweight(to_tsvector('english', NEW.subtitle || ' ' || array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(to_tsvector('english', NEW.description), 'C');
    RETURN NEW;
END
$$;
CREATE TRIGGER courses_search_document BEFORE INSERT OR UPDATE OF title, subtitle, tags, description ON courses
    FOR EACH ROW EXECUTE FUNCTION courses_search_document();

-- Whether a title word is the query word with a typo or two: the optimal string alignment
-- distance (an insertion, deletion, substitution or swap of neighbours is one edit) is at most
-- 1 for words of 3 to 5 characters and 2 for longer ones, as search engines' "auto" fuzziness
-- allows. Trigrams alone cannot tell "swfit" → "swift" from "swfit" → "swimming".
CREATE FUNCTION within_typos(query text, word text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    m int := length(query);
    n int := length(word);
    allowed int := CASE WHEN length(query) <= 2 THEN 0 WHEN length(query) <= 5 THEN 1 ELSE 2 END;
    before int[];
    previous int[];
    current int[];
    best int;
    cost int;
BEGIN
    IF query = word THEN RETURN true; END IF;
    IF allowed = 0 OR abs(m - n) > allowed THEN RETURN false; END IF;
    previous := array_fill(0, ARRAY[n + 1], ARRAY[0]);
    FOR j IN 0..n LOOP previous[j] := j; END LOOP;
    FOR i IN 1..m LOOP
        current := array_fill(0, ARRAY[n + 1], ARRAY[0]);
        current[0] := i;
        best := i;
        FOR j IN 1..n LOOP
            cost := CASE WHEN substr(query, i, 1) = substr(word, j, 1) THEN 0 ELSE 1 END;
            current[j] := least(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
            IF i > 1 AND j > 1 AND substr(query, i, 1) = substr(word, j - 1, 1) AND substr(query, i - 1, 1) = substr(word, j, 1) THEN
                current[j] := least(current[j], before[j - 2] + 1);
            END IF;
            best := least(best, current[j]);
        END LOOP;
        IF best > allowed THEN RETURN false; END IF;
        before := previous;
        previous := current;
    END LOOP;
    RETURN previous[n] <= allowed;
END
$$;

-- Positions are 1, 2, 3… within their parent. The uniqueness is checked at commit so that a
-- reorder can move every row in one transaction.
CREATE TABLE course_modules (
    id         uuid PRIMARY KEY,
    course_id  uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
    title      text NOT NULL,
    position   integer NOT NULL CHECK (position >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT course_modules_position UNIQUE (course_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE lessons (
    id               uuid PRIMARY KEY,
    course_id        uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
    module_id        uuid NOT NULL REFERENCES course_modules ON DELETE CASCADE,
    title            text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('video', 'text', 'quiz', 'assignment')),
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 0 AND 10000),
    -- Whether completing the course needs this lesson (enrollment-service reads it).
    required         boolean NOT NULL DEFAULT true,
    position         integer NOT NULL CHECK (position >= 1),
    -- The content of its kind: exactly one is set.
    video_url        text,
    body             text,
    quiz_id          uuid,
    instructions     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lessons_position UNIQUE (module_id, position) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT lessons_content CHECK (
        (kind = 'video' AND video_url IS NOT NULL AND body IS NULL AND quiz_id IS NULL AND instructions IS NULL) OR
        (kind = 'text' AND body IS NOT NULL AND video_url IS NULL AND quiz_id IS NULL AND instructions IS NULL) OR
        (kind = 'quiz' AND quiz_id IS NOT NULL AND video_url IS NULL AND body IS NULL AND instructions IS NULL) OR
        (kind = 'assignment' AND instructions IS NOT NULL AND video_url IS NULL AND body IS NULL AND quiz_id IS NULL))
);
CREATE INDEX lessons_course ON lessons (course_id);

-- Groups of learners who take the course together, each with an optional seat limit.
CREATE TABLE cohorts (
    id         uuid PRIMARY KEY,
    course_id  uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
    name       text NOT NULL,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    capacity   integer CHECK (capacity >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX cohorts_course ON cohorts (course_id, starts_at, id);

-- Courses a learner must have completed first. A course that others require cannot be deleted.
CREATE TABLE course_prerequisites (
    course_id          uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
    required_course_id uuid NOT NULL REFERENCES courses,
    position           integer NOT NULL,
    PRIMARY KEY (course_id, required_course_id),
    CHECK (course_id <> required_course_id)
);
CREATE INDEX course_prerequisites_required ON course_prerequisites (required_course_id);

-- One review per learner per course.
CREATE TABLE reviews (
    id         uuid PRIMARY KEY,
    course_id  uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
    user_id    uuid NOT NULL,
    rating     smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    text       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (course_id, user_id)
);
CREATE INDEX reviews_course ON reviews (course_id, id DESC);

-- Each learner's latest enrolment state per course, from enrollment-service's events (newest
-- `occurredAt` wins, so redelivered and out-of-order events leave the right state). No foreign
-- key: an event may name a course deleted since.
CREATE TABLE course_learners (
    course_id     uuid NOT NULL,
    user_id       uuid NOT NULL,
    enrollment_id uuid NOT NULL,
    status        text NOT NULL CHECK (status IN ('active', 'completed', 'cancelled', 'expired')),
    occurred_at   timestamptz NOT NULL,
    event_id      uuid NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
