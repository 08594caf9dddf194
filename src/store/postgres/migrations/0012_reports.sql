-- The desk's figures (issue 18; mirrors sqlite/0012_reports.sql, which says
-- what each table is for).
CREATE TABLE report_tickets (
  desk_id         TEXT NOT NULL,
  opened_at       BIGINT NOT NULL,
  ticket_id       BIGINT NOT NULL,
  number          TEXT NOT NULL,
  kind            TEXT NOT NULL,
  category        TEXT NOT NULL,
  priority        INTEGER NOT NULL,
  critical        INTEGER NOT NULL,
  state           TEXT NOT NULL,
  response_due    BIGINT NOT NULL,
  resolution_due  BIGINT NOT NULL,
  responded_at    BIGINT,
  resolved_at     BIGINT,
  closed_at       BIGINT,
  reopens         INTEGER NOT NULL,
  calls           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (desk_id, opened_at, ticket_id)
);
CREATE UNIQUE INDEX report_tickets_number ON report_tickets(desk_id, number);
CREATE INDEX report_tickets_resolved ON report_tickets(desk_id, resolved_at)
  WHERE resolved_at IS NOT NULL;
CREATE INDEX report_tickets_cancelled ON report_tickets(desk_id, closed_at)
  WHERE state = 'cancelled' AND resolved_at IS NULL;
INSERT INTO report_tickets
  SELECT desk_id, (doc::jsonb->>'created_at')::bigint, id, number, kind,
         doc::jsonb->>'category', (doc::jsonb->>'priority')::int, critical::int, state,
         (doc::jsonb->>'response_due')::bigint, (doc::jsonb->>'resolution_due')::bigint,
         (doc::jsonb->>'responded_at')::bigint, (doc::jsonb->>'resolved_at')::bigint,
         (doc::jsonb->>'closed_at')::bigint, (doc::jsonb->>'reopen_count')::int, 0
  FROM tickets;
UPDATE report_tickets r SET calls = (
  SELECT COUNT(*) FROM interactions i
  WHERE i.desk_id = r.desk_id AND i.ticket_number = r.number
    AND (r.resolved_at IS NULL OR i.started_at < r.resolved_at));

CREATE TABLE report_calls_hourly (
  desk_id   TEXT NOT NULL,
  hour      BIGINT NOT NULL,
  type      TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  calls     BIGINT NOT NULL,
  handle_us BIGINT NOT NULL,
  PRIMARY KEY (desk_id, hour, type, outcome)
);
INSERT INTO report_calls_hourly
  SELECT desk_id, (started_at / 3600000000) * 3600000000, type, outcome, COUNT(*),
         SUM(ended_at - started_at)
  FROM interactions GROUP BY 1, 2, 3, 4;

ALTER TABLE telephony_calls ADD COLUMN answered_at BIGINT;
ALTER TABLE telephony_calls ADD COLUMN ended_at BIGINT;
UPDATE telephony_calls SET answered_at = (doc::jsonb->>'answered_at')::bigint,
                           ended_at = (doc::jsonb->>'ended_at')::bigint;
CREATE INDEX telephony_calls_ringing ON telephony_calls(desk_id, ringing_at);
