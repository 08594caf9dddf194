-- Background work claimed by nodes with a lease (timers, mail delivery).
CREATE TABLE work_items (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind           TEXT NOT NULL,
  payload        TEXT NOT NULL DEFAULT '',
  due_at         BIGINT NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  claimed_by     TEXT,
  claimed_until  BIGINT,
  done_at        BIGINT
);
CREATE INDEX work_items_due ON work_items(kind, due_at) WHERE done_at IS NULL;
