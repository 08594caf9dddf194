-- atiende: rebuilds-tables (run with foreign keys off, checked before commit)
-- Telephony (issue 17, docs/telephony.md). A phone system's token is a
-- credential of kind "pbx" bound to one desk and to no user: it may post that
-- desk's call events and nothing else. Other credentials keep desk_id ''.
-- SQLite cannot drop NOT NULL in place: the table is copied into a new one
-- (the documented ALTER TABLE procedure), keeping every id.
CREATE TABLE credentials_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash  TEXT NOT NULL UNIQUE,
  user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  desk_id     TEXT NOT NULL DEFAULT ''
);
INSERT INTO credentials_new(id, token_hash, user_id, kind, created_at, expires_at)
  SELECT id, token_hash, user_id, kind, created_at, expires_at FROM credentials;
-- An id is never reused (0010): the new table goes on from the old one's
-- highest id ever given, not from its highest id still there.
INSERT INTO sqlite_sequence(name, seq)
  SELECT 'credentials_new', 0 WHERE NOT EXISTS
    (SELECT 1 FROM sqlite_sequence WHERE name = 'credentials_new');
UPDATE sqlite_sequence SET seq =
  (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('credentials', 'credentials_new'))
  WHERE name = 'credentials_new';
DROP TABLE credentials;
ALTER TABLE credentials_new RENAME TO credentials;
CREATE INDEX credentials_user ON credentials(user_id);

-- The calls the phone systems report, one row per (desk, phone system's call
-- id). Times in microseconds since the epoch; NULL while unknown. `seen` holds
-- the events applied (JSON array) so a repeat is recognised; `events` counts
-- every event taken, repeats too, to bound a flood.
CREATE TABLE telephony_calls (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  desk_id         TEXT NOT NULL REFERENCES desks(id),
  call_id         TEXT NOT NULL,
  state           TEXT NOT NULL,
  doc             TEXT NOT NULL,
  ringing_at      INTEGER,
  handled_at      INTEGER,
  updated_at      INTEGER NOT NULL,
  UNIQUE (desk_id, call_id)
);
-- The missed-call list: a desk's unhandled missed calls, oldest first.
CREATE INDEX telephony_calls_missed ON telephony_calls(desk_id, ringing_at)
  WHERE state = 'missed' AND handled_at IS NULL;

-- Caller identification (issue 17): every phone of a customer and of its
-- contacts in E.164, kept in step with the customer's writes (store/sql/
-- customers.cc), looked up by the calling number. `contact` is the contact's
-- name; '' for the customer's own phone.
CREATE TABLE customer_phones (
  desk_id      TEXT NOT NULL,
  phone        TEXT NOT NULL,
  customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  contact      TEXT NOT NULL
);
CREATE INDEX customer_phones_lookup ON customer_phones(desk_id, phone);
CREATE INDEX customer_phones_customer ON customer_phones(customer_id);
-- The customers written before this migration are indexed at the next start
-- (app/telephony.h IndexCallerPhones), which then deletes this row: SQL
-- alone cannot turn a national number into E.164.
CREATE TABLE customer_phones_pending (one INTEGER PRIMARY KEY);
INSERT INTO customer_phones_pending(one) VALUES (1);
