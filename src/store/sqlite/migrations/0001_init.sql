-- Customers, users, credentials and the audit log.
CREATE TABLE customers (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused
  code             TEXT NOT NULL UNIQUE,
  legal_name       TEXT NOT NULL,
  name_key         TEXT NOT NULL,          -- FoldName(legal_name), for import matching
  group_name       TEXT NOT NULL DEFAULT '',
  criticality      TEXT,
  technology       TEXT NOT NULL DEFAULT '',
  tax_id           TEXT NOT NULL DEFAULT '',
  region           TEXT NOT NULL DEFAULT '',
  segment          TEXT NOT NULL DEFAULT '',
  blocks           TEXT NOT NULL DEFAULT '',  -- comma-separated block codes
  email            TEXT NOT NULL DEFAULT '',
  phone            TEXT NOT NULL DEFAULT '',
  service_manager  TEXT NOT NULL DEFAULT '{}', -- JSON
  services         TEXT NOT NULL DEFAULT '[]', -- JSON
  contacts         TEXT NOT NULL DEFAULT '[]', -- JSON
  version          INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,          -- microseconds since the Unix epoch, UTC
  updated_at       INTEGER NOT NULL
);
CREATE INDEX customers_name_key ON customers(name_key);
CREATE INDEX customers_tax_id ON customers(tax_id) WHERE tax_id <> '';

-- Folded copies for search (SQLite's tokenizers do not fold everything we need:
-- legal suffixes, dotted initials). rowid = customers.id.
CREATE VIRTUAL TABLE customer_search USING fts5(
  name, grp, keys, initials, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
CREATE VIRTUAL TABLE customer_search_vocab USING fts5vocab(customer_search, row);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  username       TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL,
  customer_id    INTEGER REFERENCES customers(id),
  password_hash  TEXT NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);

CREATE TABLE credentials (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  before     TEXT NOT NULL DEFAULT '',
  after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
