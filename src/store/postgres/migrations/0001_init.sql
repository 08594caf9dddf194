-- Customers, users, credentials and the audit log (mirrors sqlite/0001_init.sql).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE customers (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code             TEXT NOT NULL UNIQUE,
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
  version          BIGINT NOT NULL,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  -- Folded copies for search, written by the application (text::FoldName and
  -- friends) so both backends fold exactly alike.
  search_name      TEXT NOT NULL DEFAULT '',
  search_group     TEXT NOT NULL DEFAULT '',
  search_keys      TEXT NOT NULL DEFAULT '',
  search_doc       TEXT NOT NULL DEFAULT ''   -- ' ' || name || ' ' || group || ' ' || keys || ' ' || initials
);
CREATE INDEX customers_name_key ON customers(name_key);
CREATE INDEX customers_tax_id ON customers(tax_id) WHERE tax_id <> '';
CREATE INDEX customers_search_trgm ON customers USING gin (search_doc gin_trgm_ops);

CREATE TABLE users (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL,
  customer_id    BIGINT REFERENCES customers(id),
  password_hash  TEXT NOT NULL,
  disabled       BOOLEAN NOT NULL DEFAULT false,
  created_at     BIGINT NOT NULL
);

CREATE TABLE credentials (
  token_hash  TEXT PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);

CREATE TABLE audit (
  id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         BIGINT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  before     TEXT NOT NULL DEFAULT '',
  after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
