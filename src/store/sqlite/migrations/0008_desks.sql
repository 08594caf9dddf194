-- atiende: rebuilds-tables (run with foreign keys off, checked before commit)
-- Desks (docs/desks.md): several client desks in one installation. Every
-- customer belongs to one desk, and so do its tickets, calls, notices, cases
-- and mails; numbers (CS…, ZB…, EME…) and list names are unique within a desk.
-- An upgraded database puts everything into the desk "main"; the first start
-- after the upgrade fills that desk's settings from the old configuration
-- (its doc says "from_settings").
CREATE TABLE desks (
  id          TEXT PRIMARY KEY,           -- "cirion-nm"
  doc         TEXT NOT NULL,              -- JSON (json/desk_json.h)
  version     INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO desks(id, doc, version, created_at, updated_at)
  VALUES ('main', '{"name":"Main desk","from_settings":true}', 1, 0, 0);

-- The desks a staff user works in (an admin with none works in every desk).
CREATE TABLE user_desks (
  user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  desk_id  TEXT NOT NULL REFERENCES desks(id),
  PRIMARY KEY (user_id, desk_id)
) WITHOUT ROWID;
INSERT INTO user_desks(user_id, desk_id)
  SELECT id, 'main' FROM users WHERE role NOT IN ('admin', 'customer');

-- SQLite cannot change a UNIQUE column in place: the tables whose keys become
-- per desk are copied into new ones (the documented ALTER TABLE procedure).
CREATE TABLE customers_new (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  desk_id          TEXT NOT NULL REFERENCES desks(id),
  code             TEXT NOT NULL,
  legal_name       TEXT NOT NULL,
  name_key         TEXT NOT NULL,
  group_name       TEXT NOT NULL DEFAULT '',
  criticality      TEXT,
  technology       TEXT NOT NULL DEFAULT '',
  tax_id           TEXT NOT NULL DEFAULT '',
  region           TEXT NOT NULL DEFAULT '',
  segment          TEXT NOT NULL DEFAULT '',
  blocks           TEXT NOT NULL DEFAULT '',
  email            TEXT NOT NULL DEFAULT '',
  phone            TEXT NOT NULL DEFAULT '',
  service_manager  TEXT NOT NULL DEFAULT '{}',
  services         TEXT NOT NULL DEFAULT '[]',
  contacts         TEXT NOT NULL DEFAULT '[]',
  version          INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (desk_id, code)
);
INSERT INTO customers_new
  SELECT id, 'main', code, legal_name, name_key, group_name, criticality, technology, tax_id,
         region, segment, blocks, email, phone, service_manager, services, contacts, version,
         created_at, updated_at FROM customers;
-- Keep AUTOINCREMENT's high-water mark: ids are never reused.
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'customers')
  WHERE name = 'customers_new';
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;
CREATE INDEX customers_name_key ON customers(desk_id, name_key);
CREATE INDEX customers_tax_id ON customers(desk_id, tax_id) WHERE tax_id <> '';
CREATE INDEX customers_desk ON customers(desk_id, id);

CREATE TABLE number_series_new (
  desk_id  TEXT NOT NULL,
  series   TEXT NOT NULL,
  last     INTEGER NOT NULL,
  PRIMARY KEY (desk_id, series)
) WITHOUT ROWID;
INSERT INTO number_series_new SELECT 'main', series, last FROM number_series;
DROP TABLE number_series;
ALTER TABLE number_series_new RENAME TO number_series;

CREATE TABLE tickets_new (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  desk_id            TEXT NOT NULL,
  number             TEXT NOT NULL,
  kind               TEXT NOT NULL,
  state              TEXT NOT NULL,
  customer_id        INTEGER NOT NULL,
  service_id         TEXT NOT NULL DEFAULT '',
  critical           INTEGER NOT NULL,
  next_due           INTEGER NOT NULL,
  resolved_at        INTEGER,
  assigned_group     TEXT NOT NULL DEFAULT '',
  assigned_engineer  TEXT NOT NULL DEFAULT '',
  version            INTEGER NOT NULL,
  doc                TEXT NOT NULL,
  UNIQUE (number, desk_id)
);
INSERT INTO tickets_new
  SELECT id, 'main', number, kind, state, customer_id, service_id, critical, next_due,
         resolved_at, assigned_group, assigned_engineer, version, doc FROM tickets;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'tickets')
  WHERE name = 'tickets_new';
DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;
CREATE UNIQUE INDEX tickets_unclosed_service ON tickets(customer_id, service_id)
  WHERE service_id <> '' AND state NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_queue ON tickets(critical DESC, next_due, id);
CREATE INDEX tickets_state_queue ON tickets(state, critical DESC, next_due, id);
CREATE INDEX tickets_customer ON tickets(customer_id, id);
CREATE INDEX tickets_resolved ON tickets(state, resolved_at, id);

CREATE TABLE ticket_numbers_new (
  number     TEXT NOT NULL,
  desk_id    TEXT NOT NULL,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  PRIMARY KEY (number, desk_id)
) WITHOUT ROWID;
INSERT INTO ticket_numbers_new SELECT number, 'main', ticket_id FROM ticket_numbers;
DROP TABLE ticket_numbers;
ALTER TABLE ticket_numbers_new RENAME TO ticket_numbers;

ALTER TABLE interactions ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
CREATE INDEX interactions_desk ON interactions(desk_id, started_at, id);

CREATE TABLE notices_new (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  desk_id      TEXT NOT NULL,
  number       TEXT NOT NULL,
  external_id  TEXT NOT NULL DEFAULT '',
  customer_id  INTEGER NOT NULL,
  state        TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  version      INTEGER NOT NULL,
  doc          TEXT NOT NULL,
  UNIQUE (number, desk_id)
);
INSERT INTO notices_new
  SELECT id, 'main', number, external_id, customer_id, state, updated_at, version, doc
  FROM notices;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'notices')
  WHERE name = 'notices_new';
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE UNIQUE INDEX notices_external_id ON notices(external_id, desk_id) WHERE external_id <> '';
CREATE INDEX notices_customer ON notices(customer_id, id);
CREATE INDEX notices_state ON notices(state, id);
CREATE INDEX notices_stale ON notices(state, updated_at, id);

CREATE TABLE cases_new (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  desk_id        TEXT NOT NULL,
  number         TEXT NOT NULL,
  procedure      TEXT NOT NULL,
  customer_id    INTEGER NOT NULL,
  state          TEXT NOT NULL,
  step_roles     TEXT NOT NULL DEFAULT '',
  notice_number  TEXT NOT NULL DEFAULT '',
  overdue_at     INTEGER,
  version        INTEGER NOT NULL,
  doc            TEXT NOT NULL,
  UNIQUE (number, desk_id)
);
INSERT INTO cases_new
  SELECT id, 'main', number, procedure, customer_id, state, step_roles, notice_number,
         overdue_at, version, doc FROM cases;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'cases')
  WHERE name = 'cases_new';
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE UNIQUE INDEX cases_one_open ON cases(procedure, customer_id) WHERE state = 'open';
CREATE INDEX cases_queue ON cases(state, procedure, overdue_at, id);
CREATE INDEX cases_customer ON cases(customer_id, id);
CREATE INDEX cases_notice ON cases(notice_number, desk_id) WHERE state = 'open' AND notice_number <> '';

CREATE TABLE directory_lists_new (
  desk_id     TEXT NOT NULL,
  name        TEXT NOT NULL,
  addresses   TEXT NOT NULL DEFAULT '[]',
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (desk_id, name)
) WITHOUT ROWID;
INSERT INTO directory_lists_new SELECT 'main', name, addresses, updated_at FROM directory_lists;
DROP TABLE directory_lists;
ALTER TABLE directory_lists_new RENAME TO directory_lists;

ALTER TABLE mail_outbox ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE audit ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';  -- '' for installation-wide rows (users, desks)
DROP INDEX audit_entity;
CREATE INDEX audit_entity ON audit(entity, entity_id, desk_id);
