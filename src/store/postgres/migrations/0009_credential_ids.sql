-- Credentials get a public id (mirrors sqlite/0010_credential_ids.sql): an
-- admin lists sessions and API tokens and revokes one by it, without ever
-- seeing its secret or its hash. An identity column fills the rows there are
-- and never reuses an id.
ALTER TABLE credentials ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY;
ALTER TABLE credentials ADD CONSTRAINT credentials_id_key UNIQUE (id);
-- A user's credentials, ended together (a password change, a user disabled).
CREATE INDEX credentials_user ON credentials(user_id);
