-- The directory of roles and distribution lists, and the mail outbox (G-2).
CREATE TABLE directory_lists (
  name        TEXT PRIMARY KEY,
  addresses   TEXT NOT NULL DEFAULT '[]',  -- JSON array of e-mail addresses
  updated_at  INTEGER NOT NULL
);

CREATE TABLE mail_outbox (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id   TEXT NOT NULL UNIQUE,
  event        TEXT NOT NULL,
  lang         TEXT NOT NULL,
  to_addrs     TEXT NOT NULL,            -- JSON array
  cc_addrs     TEXT NOT NULL,            -- JSON array
  subject      TEXT NOT NULL,
  body_text    TEXT NOT NULL,
  body_html    TEXT NOT NULL DEFAULT '',
  thread_key   TEXT NOT NULL DEFAULT '', -- e.g. "ticket:CS0000001", "case:7"
  in_reply_to  TEXT NOT NULL DEFAULT '',
  refs         TEXT NOT NULL DEFAULT '', -- space-separated Message-IDs
  status       TEXT NOT NULL,            -- queued, sending, sent, failed, kept
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  sent_at      INTEGER
);
CREATE INDEX mail_outbox_thread ON mail_outbox(thread_key, id);
CREATE INDEX mail_outbox_status ON mail_outbox(status, id);

CREATE TABLE mail_recipients (
  mail_id     INTEGER NOT NULL REFERENCES mail_outbox(id),
  address     TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX mail_recipients_address ON mail_recipients(address, created_at);
