-- Incoming mail (issue 16; mirrors sqlite/0012_mail_in.sql). One row per message taken, written
-- with its raw bytes (zlib, base64) before anything else is done with it, then
-- filled in by the parse. `dedup_key` is the Message-ID, or "sha256:<hex>" of
-- the raw bytes when it has none: a message fetched or piped twice is taken
-- once. status: received (stored, not yet processed), unmatched (in the desk's
-- inbox), matched (on a ticket or case), machine (auto-reply, recorded only),
-- bounce, dropped (our own mail come back), discarded, quarantined (reason).
-- `attachments` is a JSON array [{part, filename, content_type, size}]; the
-- bytes stay in the raw message. Times in microseconds since the epoch.
CREATE TABLE mail_inbound (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  desk_id       TEXT NOT NULL REFERENCES desks(id),
  dedup_key     TEXT NOT NULL,
  message_id    TEXT NOT NULL DEFAULT '',
  source        TEXT NOT NULL,
  status        TEXT NOT NULL,
  reason        TEXT NOT NULL DEFAULT '',
  raw_size      BIGINT NOT NULL,
  raw           TEXT NOT NULL,
  from_addr     TEXT NOT NULL DEFAULT '',
  from_name     TEXT NOT NULL DEFAULT '',
  to_addrs      TEXT NOT NULL DEFAULT '[]',
  cc_addrs      TEXT NOT NULL DEFAULT '[]',
  subject       TEXT NOT NULL DEFAULT '',
  body_text     TEXT NOT NULL DEFAULT '',
  in_reply_to   TEXT NOT NULL DEFAULT '',
  refs          TEXT NOT NULL DEFAULT '',
  attachments   TEXT NOT NULL DEFAULT '[]',
  kind          TEXT NOT NULL DEFAULT '',
  thread_key    TEXT NOT NULL DEFAULT '',
  unread        INTEGER NOT NULL DEFAULT 1,
  sent_at       BIGINT,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  UNIQUE (desk_id, dedup_key)
);
CREATE INDEX mail_inbound_status ON mail_inbound(desk_id, status, id);
CREATE INDEX mail_inbound_thread ON mail_inbound(thread_key, id);
CREATE INDEX mail_inbound_message_id ON mail_inbound(message_id);

-- Addresses whose mail bounced permanently (a DSN with a 5.x.x status):
-- automatic mail to them stops until someone clears the mark. Installation-
-- wide: an address that does not exist does not exist for any desk.
CREATE TABLE mail_bounced_addresses (
  address     TEXT PRIMARY KEY,
  reason      TEXT NOT NULL,
  bounced_at  BIGINT NOT NULL
);
