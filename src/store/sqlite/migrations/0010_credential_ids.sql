-- atiende: rebuilds-tables (run with foreign keys off, checked before commit)
-- Credentials get a public id (issue 19): an admin lists sessions and API
-- tokens and revokes one by it, without ever seeing its secret or its hash.
-- AUTOINCREMENT: an id is never reused, so "revoke 42" cannot reach a newer
-- credential. SQLite cannot add a key to a table in place: the table is
-- copied into a new one (the documented ALTER TABLE procedure).
CREATE TABLE credentials_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash  TEXT NOT NULL UNIQUE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
INSERT INTO credentials_new(token_hash, user_id, kind, created_at, expires_at)
  SELECT token_hash, user_id, kind, created_at, expires_at FROM credentials
  ORDER BY created_at, token_hash;
DROP TABLE credentials;
ALTER TABLE credentials_new RENAME TO credentials;
-- A user's credentials, ended together (a password change, a user disabled).
CREATE INDEX credentials_user ON credentials(user_id);
