-- Desks (mirrors sqlite/0008_desks.sql): every customer belongs to one desk,
-- and so do its tickets, calls, notices, cases and mails; numbers and list
-- names are unique within a desk. An upgraded database puts everything into
-- the desk "main", whose settings the first start fills from the old
-- configuration.
CREATE TABLE desks (
  id          TEXT PRIMARY KEY,
  doc         TEXT NOT NULL,
  version     BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
INSERT INTO desks(id, doc, version, created_at, updated_at)
  VALUES ('main', '{"name":"Main desk","from_settings":true}', 1, 0, 0);

CREATE TABLE user_desks (
  user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  desk_id  TEXT NOT NULL REFERENCES desks(id),
  PRIMARY KEY (user_id, desk_id)
);
INSERT INTO user_desks(user_id, desk_id)
  SELECT id, 'main' FROM users WHERE role NOT IN ('admin', 'customer');

ALTER TABLE customers ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main' REFERENCES desks(id);
ALTER TABLE customers ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE customers DROP CONSTRAINT customers_code_key;
ALTER TABLE customers ADD CONSTRAINT customers_desk_code_key UNIQUE (desk_id, code);
DROP INDEX customers_name_key;
CREATE INDEX customers_name_key ON customers(desk_id, name_key);
DROP INDEX customers_tax_id;
CREATE INDEX customers_tax_id ON customers(desk_id, tax_id) WHERE tax_id <> '';
CREATE INDEX customers_desk ON customers(desk_id, id);

ALTER TABLE number_series ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE number_series ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE number_series DROP CONSTRAINT number_series_pkey;
ALTER TABLE number_series ADD PRIMARY KEY (desk_id, series);

ALTER TABLE tickets ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE tickets ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE tickets DROP CONSTRAINT tickets_number_key;
ALTER TABLE tickets ADD CONSTRAINT tickets_number_desk_key UNIQUE (number, desk_id);

ALTER TABLE ticket_numbers ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE ticket_numbers ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE ticket_numbers DROP CONSTRAINT ticket_numbers_pkey;
ALTER TABLE ticket_numbers ADD PRIMARY KEY (number, desk_id);

ALTER TABLE interactions ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE interactions ALTER COLUMN desk_id DROP DEFAULT;
CREATE INDEX interactions_desk ON interactions(desk_id, started_at, id);

ALTER TABLE notices ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE notices ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE notices DROP CONSTRAINT notices_number_key;
ALTER TABLE notices ADD CONSTRAINT notices_number_desk_key UNIQUE (number, desk_id);
DROP INDEX notices_external_id;
CREATE UNIQUE INDEX notices_external_id ON notices(external_id, desk_id) WHERE external_id <> '';

ALTER TABLE cases ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE cases ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE cases DROP CONSTRAINT cases_number_key;
ALTER TABLE cases ADD CONSTRAINT cases_number_desk_key UNIQUE (number, desk_id);
DROP INDEX cases_notice;
CREATE INDEX cases_notice ON cases(notice_number, desk_id) WHERE state = 'open' AND notice_number <> '';

ALTER TABLE directory_lists ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE directory_lists ALTER COLUMN desk_id DROP DEFAULT;
ALTER TABLE directory_lists DROP CONSTRAINT directory_lists_pkey;
ALTER TABLE directory_lists ADD PRIMARY KEY (desk_id, name);

ALTER TABLE mail_outbox ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE mail_outbox ALTER COLUMN desk_id DROP DEFAULT;
-- '' for installation-wide rows (users, desks).
ALTER TABLE audit ADD COLUMN desk_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE audit ALTER COLUMN desk_id SET DEFAULT '';
DROP INDEX audit_entity;
CREATE INDEX audit_entity ON audit(entity, entity_id, desk_id);
-- The upgrade adds desk_id to every row without touching them, so autovacuum
-- would not analyze it: the planner's first guesses would scan the desk indexes.
ANALYZE;
