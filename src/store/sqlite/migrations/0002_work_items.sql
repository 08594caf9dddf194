-- Background work claimed by nodes with a lease (timers, mail delivery).
CREATE TABLE work_items (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  kind           TEXT NOT NULL,
  payload        TEXT NOT NULL DEFAULT '',
  due_at         INTEGER NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  claimed_by     TEXT,
  claimed_until  INTEGER,
  done_at        INTEGER
);
CREATE INDEX work_items_due ON work_items(kind, due_at) WHERE done_at IS NULL;
