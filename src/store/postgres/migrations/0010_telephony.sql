-- Telephony (issue 17; mirrors sqlite/0011_telephony.sql). A phone system's
-- token is a credential of kind "pbx" bound to one desk and to no user: it
-- may post that desk's call events and nothing else. Other credentials keep
-- desk_id ''.
ALTER TABLE credentials ADD COLUMN desk_id TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ALTER COLUMN user_id DROP NOT NULL;

-- The calls the phone systems report, one row per (desk, phone system's call
-- id). Times in microseconds since the epoch; NULL while unknown.
CREATE TABLE telephony_calls (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  desk_id         TEXT NOT NULL REFERENCES desks(id),
  call_id         TEXT NOT NULL,
  state           TEXT NOT NULL,
  doc             TEXT NOT NULL,
  ringing_at      BIGINT,
  handled_at      BIGINT,
  updated_at      BIGINT NOT NULL,
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
  customer_id  BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  contact      TEXT NOT NULL
);
CREATE INDEX customer_phones_lookup ON customer_phones(desk_id, phone);
CREATE INDEX customer_phones_customer ON customer_phones(customer_id);
-- The customers written before this migration are indexed at the next start
-- (app/telephony.h IndexCallerPhones), which then deletes this row: SQL
-- alone cannot turn a national number into E.164.
CREATE TABLE customer_phones_pending (one INTEGER PRIMARY KEY);
INSERT INTO customer_phones_pending(one) VALUES (1);
