#include "cli/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/case_timers.h"
#include "app/change_feed.h"
#include "app/housekeeping.h"
#include "app/import_customers.h"
#include "app/mail_delivery.h"
#include "app/sessions.h"
#include "app/users.h"
#include "cli/demo.h"
#include "cli/exit_code.h"
#include "cli/procedure_cmd.h"
#include "cli/ticket_cmd.h"
#include "http/server.h"
#include "log/log.h"
#include "mail/templates.h"
#include "wiring.h"

namespace atiende::cli {

namespace {

struct Common {
  std::string config_file;
  std::string data_dir;
  std::string log_level;
};

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--config", c.config_file, "YAML config file (or ATIENDE_CONFIG)");
  cmd->add_option("--data-dir", c.data_dir, "data directory (or ATIENDE_DATA_DIR; default ./var)");
  cmd->add_option("--log-level", c.log_level, "debug, info, warn or error");
}

Result<Config> ConfigFrom(const Common& c) {
  std::string file = c.config_file;
  if (file.empty()) {
    if (const char* f = std::getenv("ATIENDE_CONFIG")) file = f;
  }
  ATIENDE_ASSIGN_OR_RETURN(Config cfg, LoadConfig(file));
  if (!c.data_dir.empty()) cfg.data_dir = c.data_dir;
  if (!c.log_level.empty()) cfg.log_level = c.log_level;
  ATIENDE_RETURN_IF_ERROR(ValidateConfig(cfg));
  return cfg;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> ReadPasswordStdin() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    return Status::InvalidArgument("no password on standard input", "password");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string NodeName() {
  char host[256] = "node";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

int Serve(const Common& common, const std::string& listen, bool virtual_clock,
          const std::string& clock_start) {
  auto cfg = ConfigFrom(common);
  if (!cfg.ok()) return Fail(cfg.status());
  if (!listen.empty()) cfg->listen = listen;
  if (virtual_clock) cfg->virtual_clock = true;
  if (!clock_start.empty()) cfg->virtual_clock_start = clock_start;
  auto rt = BuildRuntime(*cfg, /*serving=*/true);
  if (!rt.ok()) return Fail(rt.status());
  http::ApiOptions api_opt;
  api_opt.secure_cookies = cfg->secure_cookies;
  api_opt.virtual_clock = (*rt)->virtual_clock;
  api_opt.static_dir = cfg->web_dir;
  api_opt.stream_lifetime = std::chrono::seconds(cfg->live_stream_seconds);
  // Mail goes out after the transaction that queued it commits (G-2).
  MailDelivery delivery(*(*rt)->deps, *(*rt)->transport, NodeName());
  api_opt.on_mail_queued = [&delivery] { delivery.Wake(); };
  delivery.Start();
  Housekeeping housekeeping(*(*rt)->deps);
  // Cases' timers (ZB-7) fire from the database on the injected clock.
  CaseTimers timers(*(*rt)->deps, NodeName(), [&delivery] { delivery.Wake(); });
  api_opt.on_clock_changed = [&delivery, &housekeeping, &timers] {
    delivery.Wake();
    housekeeping.Wake();
    timers.Wake();
  };
  housekeeping.Start();
  timers.Start();
  // Live updates for the console (GET /api/v1/events), read from the audit log.
  ChangeFeed changes((*rt)->deps->store);
  api_opt.changes = &changes;
  changes.Start();
  http::Api api(*(*rt)->deps, api_opt);
  http::ServerOptions srv_opt;
  srv_opt.listen = cfg->listen;
  srv_opt.workers = cfg->workers;
  if ((*rt)->store->backend() == "postgresql") {
    // Handlers beyond the pool's connections only queue for one; in the ticket
    // benchmark 32 workers on a pool of 16 gave multi-second stalls and failed
    // connects at start-up, 16 none (docs/BENCHMARKS.md).
    srv_opt.workers = std::min(cfg->workers, cfg->database_pool);
  }
  srv_opt.io_threads = cfg->io_threads;
  srv_opt.quick_inline = (*rt)->store->backend() == "sqlite";
  http::Server server(api, srv_opt);
  if (Status s = server.Listen(); !s.ok()) return Fail(s);
  log::Info("http.listen", {{"addr", server.address()},
                            {"data_dir", cfg->data_dir},
                            {"backend", (*rt)->store->backend()},
                            {"virtual_clock", cfg->virtual_clock},
                            {"version", ATIENDE_VERSION}});
  server.Run();
  changes.Stop();
  timers.Stop();
  housekeeping.Stop();
  delivery.Stop();
  log::Info("shutdown.done");
  return 0;
}

int PrintReport(const ImportReport& r) {
  std::printf("%s%d rows: %d created, %d updated, %d unchanged, %zu rejected\n",
              r.dry_run ? "dry run (nothing changed): " : "", r.rows, r.created, r.updated,
              r.unchanged, r.rejected.size());
  for (const auto& x : r.rejected) {
    std::printf("  row %d: %s%s\n", x.row, x.field.empty() ? "" : (x.field + ": ").c_str(),
                x.reason.c_str());
  }
  return r.rejected.empty() ? 0 : 65;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"Atiende: contact-center cases, tickets and procedures"};
  app.require_subcommand(1);
  Common common;

  auto* serve = app.add_subcommand("serve", "Serve the API and the console");
  AddCommon(serve, common);
  std::string listen, clock_start;
  bool virtual_clock = false;
  serve->add_option("--listen", listen, "address:port (or ATIENDE_LISTEN; default 127.0.0.1:8080)");
  serve->add_flag("--virtual-clock", virtual_clock,
                  "run on a virtual clock moved by POST /api/v1/clock");
  serve->add_option("--virtual-clock-start", clock_start, "ISO-8601 start of the virtual clock");

  auto* db = app.add_subcommand("db", "Database maintenance");
  db->require_subcommand(1);
  auto* migrate = db->add_subcommand("migrate", "Apply pending migrations");
  AddCommon(migrate, common);

  auto* imp = app.add_subcommand("import", "Import data");
  imp->require_subcommand(1);
  auto* imp_customers =
      imp->add_subcommand("customers", "Import the customer master (TSV, CSV, XLSX)");
  AddCommon(imp_customers, common);
  std::string file;
  bool dry_run = false, strict = false;
  imp_customers->add_option("FILE", file, "the spreadsheet")->required();
  imp_customers->add_flag("--dry-run", dry_run, "report what would change; change nothing");
  imp_customers->add_flag("--strict", strict, "import nothing when any row is rejected");

  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a user");
  AddCommon(user_add, common);
  NewUser nu;
  bool password_stdin = false;
  user_add->add_option("NAME", nu.username, "username")->required();
  user_add
      ->add_option("--role", nu.role, "agent, supervisor, dispatch, back_office, admin, customer")
      ->required();
  user_add->add_option("--customer", nu.customer_code, "customer code (customer users)");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from standard input")
      ->required();
  auto* user_passwd = user->add_subcommand("passwd", "Set a user's password (from stdin)");
  AddCommon(user_passwd, common);
  std::string passwd_name;
  user_passwd->add_option("NAME", passwd_name, "username")->required();
  auto* user_list = user->add_subcommand("list", "List users");
  AddCommon(user_list, common);

  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token for a user");
  AddCommon(token_create, common);
  std::string token_user;
  int ttl_hours = 24 * 90;
  token_create->add_option("USER", token_user, "username")->required();
  token_create->add_option("--ttl-hours", ttl_hours, "lifetime in hours (default 2160)")
      ->check(CLI::Range(1, 24 * 366));

  auto* demo = app.add_subcommand("demo", "Demo data");
  demo->require_subcommand(1);
  auto* demo_seed = demo->add_subcommand("seed", "Load the demo customers and users (idempotent)");
  AddCommon(demo_seed, common);
  std::string demo_dir = "data/demo";
  demo_seed->add_option("--dir", demo_dir, "folder with the demo files (default data/demo)");

  auto* mail_cmd = app.add_subcommand("mail", "The mail outbox and templates");
  mail_cmd->require_subcommand(1);
  auto* mail_list = mail_cmd->add_subcommand("list", "List mails, newest first");
  AddCommon(mail_list, common);
  std::string mail_status;
  mail_list->add_option("--status", mail_status, "queued, sending, sent, failed or kept");
  auto* mail_show = mail_cmd->add_subcommand("show", "Print a mail as sent (RFC 5322)");
  AddCommon(mail_show, common);
  int64_t mail_id = 0;
  mail_show->add_option("ID", mail_id, "mail id")->required();
  auto* mail_retry = mail_cmd->add_subcommand("retry", "Schedule a failed mail again");
  AddCommon(mail_retry, common);
  mail_retry->add_option("ID", mail_id, "mail id")->required();
  auto* mail_check = mail_cmd->add_subcommand("check", "Check the mail templates");
  AddCommon(mail_check, common);
  std::string templates_dir;
  mail_check->add_option("--templates-dir", templates_dir, "override directory to check");

  TicketCommands tickets(app, [&common](CLI::App* c) { AddCommon(c, common); });
  ProcedureCommands procedures(app, [&common](CLI::App* c) { AddCommon(c, common); });

  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (app.got_subcommand("version")) {
    std::printf("atiende %s\n", ATIENDE_VERSION);
    return 0;
  }
  if (serve->parsed()) return Serve(common, listen, virtual_clock, clock_start);

  auto cfg = ConfigFrom(common);
  if (!cfg.ok()) return Fail(cfg.status());
  if (mail_check->parsed()) {
    if (templates_dir.empty()) templates_dir = cfg->templates_dir;
    auto set = mail::TemplateSet::Load(templates_dir);
    if (!set.ok()) return Fail(set.status());
    std::printf(
        "mail templates: all events have their subject and text in every language,"
        " and every variable is known\n");
    return 0;
  }
  if (procedures.parsed()) return procedures.Run(*cfg);
  if (cfg->log_level == "info") cfg->log_level = "warn";  // keep tool output clean
  auto rt = BuildRuntime(*cfg);
  if (!rt.ok()) return Fail(rt.status());
  Deps& deps = *(*rt)->deps;
  Principal system = SystemPrincipal();

  if (migrate->parsed()) {
    std::printf("database %s is up to date\n", cfg->database_path().c_str());
    return 0;
  }
  if (imp_customers->parsed()) {
    auto bytes = ReadFile(file);
    if (!bytes.ok()) return Fail(bytes.status());
    auto rep = ImportCustomers(deps, system, *bytes, {dry_run, strict});
    if (!rep.ok()) return Fail(rep.status());
    return PrintReport(*rep);
  }
  if (user_add->parsed()) {
    auto pw = ReadPasswordStdin();
    if (!pw.ok()) return Fail(pw.status());
    nu.password = *pw;
    auto u = AddUser(deps, system, nu);
    if (!u.ok()) return Fail(u.status());
    std::printf("user %s added (role %s)\n", u->username.c_str(),
                std::string(RoleName(u->role)).c_str());
    return 0;
  }
  if (user_passwd->parsed()) {
    auto pw = ReadPasswordStdin();
    if (!pw.ok()) return Fail(pw.status());
    if (Status s = SetPassword(deps, system, passwd_name, *pw); !s.ok()) return Fail(s);
    std::printf("password of %s changed\n", passwd_name.c_str());
    return 0;
  }
  if (user_list->parsed()) {
    auto users = ListUsers(deps);
    if (!users.ok()) return Fail(users.status());
    for (const auto& u : *users) {
      std::printf("%-24s %-12s%s\n", u.username.c_str(), std::string(RoleName(u.role)).c_str(),
                  u.disabled ? " (disabled)" : "");
    }
    return 0;
  }
  if (token_create->parsed()) {
    auto g = CreateApiToken(deps, system, token_user, std::chrono::hours(ttl_hours));
    if (!g.ok()) return Fail(g.status());
    std::printf("%s\n", g->token.c_str());
    return 0;
  }
  if (mail_list->parsed()) {
    std::vector<OutboxMail> mails;
    Status s = deps.store.Read([&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(mails, tx.mail().List({mail_status, "", 0, 200}));
      return Status::Ok();
    });
    if (!s.ok()) return Fail(s);
    for (const auto& m : mails) {
      std::string to;
      for (const auto& a : m.to) to += (to.empty() ? "" : ",") + a;
      std::printf("%6lld  %-7s  %-28s  %s  %s\n", static_cast<long long>(m.id), m.status.c_str(),
                  to.c_str(), m.subject.c_str(),
                  m.last_error.empty() ? "" : ("(" + m.last_error + ")").c_str());
    }
    return 0;
  }
  if (mail_show->parsed()) {
    Result<OutboxMail> m = Status::NotFound("");
    Status s = deps.store.Read([&](ReadTx& tx) {
      m = tx.mail().Get(mail_id);
      return m.status();
    });
    if (!s.ok()) return Fail(s);
    std::printf("Status: %s (attempts %d)%s\nTo: ", m->status.c_str(), m->attempts,
                m->last_error.empty() ? "" : ("\nLast error: " + m->last_error).c_str());
    for (const auto& a : m->to) std::printf("%s ", a.c_str());
    std::printf("\nCc: ");
    for (const auto& a : m->cc) std::printf("%s ", a.c_str());
    std::printf("\nSubject: %s\n\n%s\n", m->subject.c_str(), m->text.c_str());
    return 0;
  }
  if (mail_retry->parsed()) {
    if (Status s = RetryMail(deps, system, mail_id); !s.ok()) return Fail(s);
    std::printf("mail %lld queued again\n", static_cast<long long>(mail_id));
    return 0;
  }
  if (tickets.parsed()) return tickets.Run(deps);
  if (demo_seed->parsed()) {
    Status s = SeedDemo(deps, demo_dir);
    return s.ok() ? 0 : Fail(s);
  }
  return 64;
}

}  // namespace atiende::cli
