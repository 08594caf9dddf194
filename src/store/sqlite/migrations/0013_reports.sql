-- The desk's figures (issue 18, docs/reports.md). Reports read narrow tables
-- kept in step with the records by the store, in the same transaction as each
-- write (store/sql/tickets.cc, telephony.cc), so a figure is never stale.

-- One row per ticket: what the figures need of it. WITHOUT ROWID, keyed by
-- the desk and the opening instant: a month of a desk is one range read.
-- `calls` counts the calls logged about the ticket before it was resolved
-- (first-contact resolution, docs/reports.md).
CREATE TABLE report_tickets (
  desk_id         TEXT NOT NULL,
  opened_at       INTEGER NOT NULL,   -- µs UTC (the ticket's created_at)
  ticket_id       INTEGER NOT NULL,
  number          TEXT NOT NULL,
  kind            TEXT NOT NULL,
  category        TEXT NOT NULL,
  priority        INTEGER NOT NULL,
  critical        INTEGER NOT NULL,
  state           TEXT NOT NULL,
  response_due    INTEGER NOT NULL,
  resolution_due  INTEGER NOT NULL,
  responded_at    INTEGER,
  resolved_at     INTEGER,
  closed_at       INTEGER,
  reopens         INTEGER NOT NULL,
  calls           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (desk_id, opened_at, ticket_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX report_tickets_number ON report_tickets(desk_id, number);
-- The backlog at a past instant counts by these two.
CREATE INDEX report_tickets_resolved ON report_tickets(desk_id, resolved_at)
  WHERE resolved_at IS NOT NULL;
CREATE INDEX report_tickets_cancelled ON report_tickets(desk_id, closed_at)
  WHERE state = 'cancelled' AND resolved_at IS NULL;
INSERT INTO report_tickets
  SELECT desk_id, json_extract(doc, '$.created_at'), id, number, kind,
         json_extract(doc, '$.category'), json_extract(doc, '$.priority'), critical, state,
         json_extract(doc, '$.response_due'), json_extract(doc, '$.resolution_due'),
         json_extract(doc, '$.responded_at'), json_extract(doc, '$.resolved_at'),
         json_extract(doc, '$.closed_at'), json_extract(doc, '$.reopen_count'), 0
  FROM tickets;
UPDATE report_tickets SET calls = (
  SELECT COUNT(*) FROM interactions i
  WHERE i.desk_id = report_tickets.desk_id AND i.ticket_number = report_tickets.number
    AND (report_tickets.resolved_at IS NULL OR i.started_at < report_tickets.resolved_at));

-- The logged calls by UTC hour, type and outcome (calls are never changed
-- once logged): a year of a desk is at most 8,760 hours of a few rows each.
-- Hours, not days, so any whole-hour time zone and the hour of day come out
-- of the same rows.
CREATE TABLE report_calls_hourly (
  desk_id   TEXT NOT NULL,
  hour      INTEGER NOT NULL,   -- µs UTC at the start of the hour
  type      TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  calls     INTEGER NOT NULL,
  handle_us INTEGER NOT NULL,   -- the sum of ended_at - started_at
  PRIMARY KEY (desk_id, hour, type, outcome)
) WITHOUT ROWID;
INSERT INTO report_calls_hourly
  SELECT desk_id, (started_at / 3600000000) * 3600000000, type, outcome, COUNT(*),
         SUM(ended_at - started_at)
  FROM interactions GROUP BY 1, 2, 3, 4;

-- The phone system's calls: their answer and end as columns, and a range
-- read by ringing time.
ALTER TABLE telephony_calls ADD COLUMN answered_at INTEGER;
ALTER TABLE telephony_calls ADD COLUMN ended_at INTEGER;
UPDATE telephony_calls SET answered_at = json_extract(doc, '$.answered_at'),
                           ended_at = json_extract(doc, '$.ended_at');
CREATE INDEX telephony_calls_ringing ON telephony_calls(desk_id, ringing_at);
