// Config: the settings of a node. Sources, later ones winning: defaults, the
// YAML file (--config FILE or ATIENDE_CONFIG), ATIENDE_* environment
// variables, command-line flags (applied by the CLI).
//
// YAML keys and variables:
//   listen          ATIENDE_LISTEN          default "127.0.0.1:8080"
//   data_dir        ATIENDE_DATA_DIR        default "./var"
//   log_level       ATIENDE_LOG_LEVEL       default "info" (debug|info|warn|error)
//   workers         ATIENDE_WORKERS         default 32 handler threads (PostgreSQL:
//                                           at most database_pool)
//   io_threads      ATIENDE_IO_THREADS      default 2 network threads
//   time_zone       ATIENDE_TIME_ZONE       default "America/Bogota" (the desk's)
//   language        ATIENDE_LANGUAGE        default "es" (es|en): the desk's language,
//                   that mails are written in
//   secure_cookies  ATIENDE_SECURE_COOKIES  default "auto": Secure cookies unless
//                   `listen` is a loopback address (true|false|auto; true behind TLS)
//   max_connections ATIENDE_MAX_CONNECTIONS default 0: from the descriptor limit
//                   (half of it up to 1,024, then all but 512)
//   idle_timeout_seconds ATIENDE_IDLE_TIMEOUT_SECONDS  default 30: keep-alive idle
//                   time; behind a load balancer, more than its idle timeout
//   header_timeout_seconds ATIENDE_HEADER_TIMEOUT_SECONDS  default 10: a new
//                   connection's time to send its request's headers
//   trusted_proxies ATIENDE_TRUSTED_PROXIES default "": comma-separated addresses or
//                   networks (10.0.0.0/8) whose X-Forwarded-For names the client
//   metrics_token   ATIENDE_METRICS_TOKEN   default "": /metrics on loopback only; set,
//                   also to clients sending it as a Bearer token; never logged
//   login_window_seconds ATIENDE_LOGIN_WINDOW_SECONDS  default 900: how long failed
//                   sign-ins count (5 per user and address refuse that pair; real time)
//   password_checks ATIENDE_PASSWORD_CHECKS default 2: sign-in password checks at once
//                   (64 MiB each); more wait briefly, then get 503
//   virtual_clock   ATIENDE_VIRTUAL_CLOCK   default false (training/test mode)
//   virtual_clock_start ATIENDE_VIRTUAL_CLOCK_START  default: the real time at start
//   database_url    ATIENDE_DATABASE_URL    default "" (SQLite in data_dir); a
//                   postgresql://user@host:port/db URL selects PostgreSQL
//   database_pool   ATIENDE_DATABASE_POOL   default 16 connections (PostgreSQL)
//   search_memory   ATIENDE_SEARCH_MEMORY   default true: a server answers customer
//                   searches from an in-memory index (store/memory_search.h) built at
//                   start; false: from the database's own index (FTS5, pg_trgm)
//   smtp_url        ATIENDE_SMTP_URL        default "" (no SMTP: mails kept as .eml files
//                   under data_dir/mail); smtp://host:587, smtps://host:465
//   smtp_starttls   ATIENDE_SMTP_STARTTLS   default "try" (none|try|required)
//   smtp_username   ATIENDE_SMTP_USERNAME   default "" (no AUTH)
//   smtp_password   ATIENDE_SMTP_PASSWORD   default ""; never logged
//   mail_from       ATIENDE_MAIL_FROM       default "Atiende <atiende@atiende.localhost>"
//   message_id_host ATIENDE_MESSAGE_ID_HOST default "": the domain of mail_from's address
//                   ("atiende.localhost" with the default mail_from); the right side
//                   of Message-IDs, a host name such as "desk.example.com"
//   mail_rate_cap   ATIENDE_MAIL_RATE_CAP   default 60 mails per address per hour
//   mail_lease_seconds ATIENDE_MAIL_LEASE_SECONDS  default 30 (1 to 3600): how long a
//                   node's claim on a mail lasts unless renewed (every third of it, while
//                   the node lives); how soon another node sends a dead node's mails
//   mail_max_mib    ATIENDE_MAIL_MAX_MIB    default 25 (1 to 200): the largest incoming
//                   message taken, in MiB; a bigger one is refused (docs/mail.md)
//   templates_dir   ATIENDE_TEMPLATES_DIR   default "" (the shipped templates);
//                   files <lang>/<event>.subject|txt|html there override them
//   procedures_dir  ATIENDE_PROCEDURES_DIR  default "" (the shipped procedures/);
//                   *.yaml there add procedures or replace shipped ones by id
//   directory_file  ATIENDE_DIRECTORY_FILE  default "": YAML `list: [addresses]`
//                   filling lists that have no addresses yet
//   live_stream_seconds ATIENDE_LIVE_STREAM_SECONDS  default 600: a live-updates
//                   stream (GET /api/v1/events) ends after this long; the browser
//                   reconnects at once, resumes, and its session is checked again
//   web_dir         ATIENDE_WEB_DIR         default "": the console and portal built into
//                   the binary; a directory (web/'s Vite output) serves those files
//                   instead, read on every request (development)
// Thread-safety: a value.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace atiende {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  std::string log_level = "info";
  int workers = 32;
  int io_threads = 2;
  std::string time_zone = "America/Bogota";
  std::string language = "es";
  std::string business_hours = "mon-fri 08:00-18:00";  // the desk's working hours (SLA)
  std::string holidays;                 // comma-separated local dates: "2026-12-25,2027-01-01"
  int autoclose_days = 7;               // resolved tickets close on their own after this many days
  std::string secure_cookies = "auto";  // true|false|auto (SecureCookies)
  int max_connections = 0;
  int idle_timeout_seconds = 30;
  int header_timeout_seconds = 10;
  std::string trusted_proxies;
  std::string metrics_token;
  int password_checks = 2;
  int login_window_seconds = 900;
  bool virtual_clock = false;
  std::string virtual_clock_start;
  std::string database_url;
  int database_pool = 16;
  bool search_memory = true;
  std::string smtp_url;
  std::string smtp_starttls = "try";
  std::string smtp_username;
  std::string smtp_password;
  std::string mail_from = "Atiende <atiende@atiende.localhost>";
  std::string message_id_host;  // "" = the domain of mail_from's address
  int mail_rate_cap = 60;
  int mail_lease_seconds = 30;
  int mail_max_mib = 25;
  std::string templates_dir;
  std::string procedures_dir;
  std::string directory_file;
  std::string web_dir;
  int live_stream_seconds = 600;

  std::string database_path() const { return data_dir + "/atiende.db"; }
};

// Reads the file (when non-empty) and the environment over the defaults.
// kInvalidArgument naming the key (or variable) for a bad value or an unknown
// key; kNotFound when the file does not exist.
Result<Config> LoadConfig(const std::string& file);

// Whether session cookies carry Secure: as set, or ("auto") unless the node
// listens on a loopback address only.
bool SecureCookies(const Config& c);

// The trusted_proxies setting as a list.
std::vector<std::string> TrustedProxyList(const Config& c);

// The holidays setting as a list of dates.
std::vector<std::string> HolidayList(const Config& c);

// Checks values that flags may also have set. kInvalidArgument naming the key.
Status ValidateConfig(const Config& c);

}  // namespace atiende
