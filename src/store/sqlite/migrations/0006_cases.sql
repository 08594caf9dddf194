-- Cases: running procedures (core/case.h; the ZB protocol is one). A case is
-- kept as a JSON document (json/case_json.h) with the columns queues and
-- lookups need. Case numbers come from number_series, one series per
-- procedure's prefix ("ZB"). Their timers are work items of kind "case.timer".
CREATE TABLE cases (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  number         TEXT NOT NULL UNIQUE,
  procedure      TEXT NOT NULL,
  customer_id    INTEGER NOT NULL,
  state          TEXT NOT NULL,             -- open, closed
  step_roles     TEXT NOT NULL DEFAULT '',  -- roles acting on the current step, comma-separated
  notice_number  TEXT NOT NULL DEFAULT '',
  overdue_at     INTEGER,                   -- µs UTC; the current step's first timer first due
  version        INTEGER NOT NULL,
  doc            TEXT NOT NULL
);
-- ZB-1: one open case per customer and procedure, enforced by the store.
CREATE UNIQUE INDEX cases_one_open ON cases(procedure, customer_id) WHERE state = 'open';
-- Queues: overdue first.
CREATE INDEX cases_queue ON cases(state, procedure, overdue_at, id);
CREATE INDEX cases_customer ON cases(customer_id, id);
-- Notice changes reach the cases that follow them.
CREATE INDEX cases_notice ON cases(notice_number) WHERE state = 'open' AND notice_number <> '';
