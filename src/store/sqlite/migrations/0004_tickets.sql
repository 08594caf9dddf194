-- Tickets (NM-6), their number series and calls (NM-5). A ticket is kept as a
-- JSON document (json/ticket_json.h) with the columns queues and rules need.
CREATE TABLE number_series (
  series  TEXT PRIMARY KEY,      -- "CS", "REQ", "RITM"
  last    INTEGER NOT NULL       -- the last number handed out
) WITHOUT ROWID;

CREATE TABLE tickets (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  number             TEXT NOT NULL UNIQUE,   -- CS0000001 or REQ0000001
  kind               TEXT NOT NULL,
  state              TEXT NOT NULL,
  customer_id        INTEGER NOT NULL,
  service_id         TEXT NOT NULL DEFAULT '',
  critical           INTEGER NOT NULL,       -- 1 when the customer is Prioritario
  next_due           INTEGER NOT NULL,       -- Ticket::next_due(), µs UTC
  resolved_at        INTEGER,
  assigned_group     TEXT NOT NULL DEFAULT '',
  assigned_engineer  TEXT NOT NULL DEFAULT '',
  version            INTEGER NOT NULL,
  doc                TEXT NOT NULL
);
-- NM-10: one unclosed ticket per customer and service, enforced by the store.
CREATE UNIQUE INDEX tickets_unclosed_service ON tickets(customer_id, service_id)
  WHERE service_id <> '' AND state NOT IN ('closed', 'cancelled');
-- Queues (ReadTx::ListTickets): critical first, then by due time. The state-led
-- index serves the usual queue of a few states without walking closed tickets.
CREATE INDEX tickets_queue ON tickets(critical DESC, next_due, id);
CREATE INDEX tickets_state_queue ON tickets(state, critical DESC, next_due, id);
CREATE INDEX tickets_customer ON tickets(customer_id, id);
-- The auto-close sweep (ReadTx::ListResolvedBefore).
CREATE INDEX tickets_resolved ON tickets(state, resolved_at, id);

-- Every number a ticket answers to: its own and its items' (RITM).
CREATE TABLE ticket_numbers (
  number     TEXT PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id)
) WITHOUT ROWID;

CREATE TABLE interactions (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id    INTEGER,                  -- NULL: not in the master (Assurance)
  caller         TEXT NOT NULL,            -- JSON {name, phone, company, email}
  type           TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  notes          TEXT NOT NULL DEFAULT '',
  ticket_number  TEXT NOT NULL DEFAULT '',
  agent          TEXT NOT NULL,
  started_at     INTEGER NOT NULL,
  ended_at       INTEGER NOT NULL
);
-- Newest first (ReadTx::ListInteractions): each index ends with started_at, id.
CREATE INDEX interactions_customer ON interactions(customer_id, started_at, id);
CREATE INDEX interactions_ticket ON interactions(ticket_number, started_at, id)
  WHERE ticket_number <> '';
CREATE INDEX interactions_started ON interactions(started_at, id);
