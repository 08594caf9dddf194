// The route table: every endpoint, its method, who may call it and its
// handler. "What serves PATCH /api/v1/customers/{id}?" is one grep away.
// Keep /api/v1/openapi.json in step: ApiTest.OpenApiDescribesEveryRoute
// (src/http/api_test.cc) and OpenApiTest in tests/lifecycle_test.py fail when
// a route is missing there.
#include "http/api.h"

namespace atiende::http {

namespace {
constexpr RoleSet kStaff = RoleSet::Staff();
constexpr RoleSet kAnyone = RoleSet::Any();
constexpr RoleSet kAdmin = {Role::kAdmin};
constexpr RoleSet kMasterEditors = {Role::kAdmin, Role::kSupervisor, Role::kBackOffice};
constexpr RoleSet kImporters = {Role::kAdmin, Role::kSupervisor};
constexpr RoleSet kMailReaders = {Role::kAdmin, Role::kSupervisor};
// Who takes calls and works tickets: everyone on the desk but dispatch, whose
// work is notices (the ZB procedures).
constexpr RoleSet kCallTakers = {Role::kAgent, Role::kSupervisor, Role::kBackOffice, Role::kAdmin};
// Who may close a resolved ticket and comment: the call takers, and customer
// users on their own company's tickets (the portal).
constexpr RoleSet kTicketParties = kCallTakers | RoleSet{Role::kCustomer};
// Who works dispatch notices (ZB): dispatch, supervisors and admins; agents
// and back office read them (ZB-2: does dispatch hold a notice?).
constexpr RoleSet kNoticeWriters = {Role::kDispatch, Role::kSupervisor, Role::kAdmin};
constexpr RoleSet kNoticeReaders = kNoticeWriters | RoleSet{Role::kAgent, Role::kBackOffice};
// A phone system's route (docs/telephony.md): no user role may call it; only
// a "pbx" token, which acts in its own desk (Route::phone_system).
constexpr RoleSet kPhoneSystem = {};
// The desk's figures and their exports (docs/reports.md): supervisors and
// admins, who answer for the desk's service. Agents, back office and dispatch
// see the wallboard, which shows the whole room the same counts on the wall.
constexpr RoleSet kReportReaders = {Role::kSupervisor, Role::kAdmin};
constexpr bool kByPhoneSystem = true;
constexpr bool kQuick = true;  // Route::quick: a point read, may run on the network thread
// Route::any_desk: about no one desk's records; every other route acts in one
// desk (`?desk=`, or the user's only one: docs/desks.md).
constexpr bool kAnyDesk = true;
constexpr size_t kSmall = 16 << 10;
constexpr size_t kImportLimit = 64u << 20;  // 64 MiB spreadsheet
}  // namespace

std::vector<Api::Route> Api::BuildRoutes(bool virtual_clock) {
  std::vector<Route> r = {
      {"GET", "/healthz", true, {}, &Api::Healthz, 1 << 20, kQuick},
      {"GET", "/metrics", true, {}, &Api::MetricsText},
      {"GET", "/api/v1/openapi.json", true, {}, &Api::OpenApi},
      // The console and the portal (handlers_web.cc): their files, and every
      // other path of one or two segments outside /api as a deep link into
      // them (/portal/… → the portal, the rest → the console).
      {"GET", "/", true, {}, &Api::WebPage},
      {"GET", "/{page}", true, {}, &Api::WebPage},
      {"GET", "/{page}/{item}", true, {}, &Api::WebPage},

      {"POST", "/api/v1/session", true, {}, &Api::Login, 16 << 10},
      {"GET", "/api/v1/session", false, kAnyone, &Api::WhoAmI, kSmall, false, kAnyDesk},
      {"DELETE", "/api/v1/session", false, kAnyone, &Api::Logout, kSmall, false, kAnyDesk},
      // Revocation (issue 19): one's own password change ends one's other
      // sessions; an admin disables a user (ending all their credentials)
      // and lists and revokes sessions and API tokens.
      {"POST", "/api/v1/session/password", false, kAnyone, &Api::ChangeOwnPasswordRoute, kSmall,
       false, kAnyDesk},

      {"GET", "/api/v1/users", false, kAdmin, &Api::ListUsers, kSmall, false, kAnyDesk},
      {"POST", "/api/v1/users", false, kAdmin, &Api::CreateUser, kSmall, false, kAnyDesk},
      {"POST", "/api/v1/users/{username}/disable", false, kAdmin, &Api::DisableUserRoute, kSmall,
       false, kAnyDesk},
      {"POST", "/api/v1/users/{username}/enable", false, kAdmin, &Api::EnableUserRoute, kSmall,
       false, kAnyDesk},
      {"GET", "/api/v1/tokens", false, kAdmin, &Api::ListCredentialsRoute, kSmall, false, kAnyDesk},
      {"POST", "/api/v1/tokens", false, kAdmin, &Api::CreateToken, kSmall, false, kAnyDesk},
      {"DELETE", "/api/v1/tokens/{id}", false, kAdmin, &Api::RevokeCredentialRoute, kSmall, false,
       kAnyDesk},

      // Desks (docs/desks.md): staff read the desks they work in; admins
      // create and change them.
      {"GET", "/api/v1/desks", false, kStaff, &Api::ListDesksRoute, kSmall, false, kAnyDesk},
      {"POST", "/api/v1/desks", false, kAdmin, &Api::CreateDeskRoute, 64 << 10, false, kAnyDesk},
      {"GET", "/api/v1/desks/{id}", false, kStaff, &Api::GetDeskRoute, kSmall, false, kAnyDesk},
      {"PATCH", "/api/v1/desks/{id}", false, kAdmin, &Api::PatchDeskRoute, 64 << 10, false,
       kAnyDesk},
      {"DELETE", "/api/v1/desks/{id}", false, kAdmin, &Api::DeleteDeskRoute, kSmall, false,
       kAnyDesk},

      {"GET", "/api/v1/customers", false, kStaff, &Api::SearchCustomers},
      {"POST", "/api/v1/customers", false, kMasterEditors, &Api::CreateCustomer},
      {"POST", "/api/v1/customers/import", false, kImporters, &Api::ImportCustomers, kImportLimit},
      {"GET", "/api/v1/customers/{id}", false, kAnyone, &Api::GetCustomer, 1 << 20, kQuick},
      {"PATCH", "/api/v1/customers/{id}", false, kMasterEditors, &Api::PatchCustomer},
      {"DELETE", "/api/v1/customers/{id}", false, kAdmin, &Api::DeleteCustomer},
      {"GET", "/api/v1/customers/{id}/history", false, kImporters, &Api::CustomerHistory},

      {"GET", "/api/v1/customers/{id}/timeline", false, kStaff, &Api::CustomerTimelineRoute},
      {"PUT", "/api/v1/customers/{id}/contacts", false, kCallTakers, &Api::PutContactsRoute},

      {"GET", "/api/v1/tickets", false, kAnyone, &Api::ListTickets},
      {"POST", "/api/v1/tickets", false, kCallTakers, &Api::OpenTicket, 64 << 10},
      {"GET", "/api/v1/tickets/{number}", false, kAnyone, &Api::GetTicket, 1 << 20, kQuick},
      {"PATCH", "/api/v1/tickets/{number}", false, kCallTakers, &Api::PatchTicket, 64 << 10},
      {"POST", "/api/v1/tickets/{number}/resolve", false, kCallTakers, &Api::ResolveTicketRoute,
       64 << 10},
      {"POST", "/api/v1/tickets/{number}/close", false, kTicketParties, &Api::CloseTicketRoute,
       4 << 10},
      {"POST", "/api/v1/tickets/{number}/reopen", false, kCallTakers, &Api::ReopenTicketRoute,
       64 << 10},
      {"POST", "/api/v1/tickets/{number}/comments", false, kTicketParties, &Api::CommentTicketRoute,
       64 << 10},
      {"GET", "/api/v1/tickets/{number}/history", false, kStaff, &Api::TicketHistoryRoute},

      // Live updates (Server-Sent Events): what changed, for each role what it may read.
      {"GET", "/api/v1/events", false, kAnyone, &Api::EventsRoute},

      {"GET", "/api/v1/interactions", false, kStaff, &Api::ListCallsRoute},
      {"POST", "/api/v1/interactions", false, kCallTakers, &Api::RecordCallRoute, 64 << 10},

      // Telephony (issue 17, docs/telephony.md): the phone system posts call
      // events with its desk's token; staff read calls and missed calls.
      {"POST", "/api/v1/telephony/events", false, kPhoneSystem, &Api::TelephonyEventsRoute, kSmall,
       false, false, kByPhoneSystem},
      {"POST", "/api/v1/telephony/tokens", false, kAdmin, &Api::CreatePhoneSystemTokenRoute, kSmall,
       false, kAnyDesk},
      {"GET", "/api/v1/telephony/missed", false, kCallTakers, &Api::ListMissedCallsRoute},
      {"GET", "/api/v1/telephony/calls/{id}", false, kCallTakers, &Api::GetTelephonyCallRoute},
      {"POST", "/api/v1/telephony/calls/{id}/handled", false, kCallTakers,
       &Api::MarkCallHandledRoute, kSmall},
      // Admins map the desk's extensions to users and set when the pop opens.
      {"GET", "/api/v1/telephony/extensions", false, kAdmin, &Api::ListExtensionsRoute},
      {"PUT", "/api/v1/telephony/extensions/{extension}", false, kAdmin, &Api::PutExtensionRoute,
       kSmall},
      {"DELETE", "/api/v1/telephony/extensions/{extension}", false, kAdmin,
       &Api::DeleteExtensionRoute, kSmall},
      {"GET", "/api/v1/telephony/settings", false, kAdmin, &Api::GetTelephonySettingsRoute},
      {"PATCH", "/api/v1/telephony/settings", false, kAdmin, &Api::PatchTelephonySettingsRoute,
       kSmall},
      // A number as the desk stores and shows it (libphonenumber).
      {"GET", "/api/v1/phones/format", false, kStaff, &Api::FormatPhoneRoute, kSmall, kQuick},

      {"GET", "/api/v1/notices", false, kNoticeReaders, &Api::ListNoticesRoute},
      {"POST", "/api/v1/notices", false, kNoticeWriters, &Api::CreateNoticeRoute, 64 << 10},
      {"GET", "/api/v1/notices/{number}", false, kNoticeReaders, &Api::GetNoticeRoute, 1 << 20,
       kQuick},
      {"PATCH", "/api/v1/notices/{number}", false, kNoticeWriters, &Api::PatchNoticeRoute,
       64 << 10},
      {"POST", "/api/v1/notices/{number}/close", false, kNoticeWriters, &Api::CloseNoticeRoute,
       64 << 10},

      // Cases of procedures (ZB): agents and supervisors open them from a call;
      // every staff role reads them and answers the steps meant for its role
      // (the procedure file names each step's role; checked by the use case).
      {"GET", "/api/v1/procedures", false, kStaff, &Api::ListProceduresRoute},
      {"GET", "/api/v1/cases", false, kStaff, &Api::ListCasesRoute},
      {"POST", "/api/v1/cases", false, kCallTakers, &Api::OpenCaseRoute, 16 << 10},
      {"GET", "/api/v1/cases/{number}", false, kStaff, &Api::GetCaseRoute},
      {"POST", "/api/v1/cases/{number}/steps/{step}", false, kStaff, &Api::SubmitCaseStepRoute,
       16 << 10},

      // The desk's figures (issue 18, docs/reports.md).
      {"GET", "/api/v1/reports", false, kReportReaders, &Api::ListReportsRoute},
      {"GET", "/api/v1/reports/wallboard", false, kStaff, &Api::WallboardRoute},
      {"GET", "/api/v1/reports/{name}", false, kReportReaders, &Api::GetReportRoute},
      {"GET", "/api/v1/reports/{name}/rows", false, kReportReaders, &Api::ReportRowsRoute},

      {"GET", "/api/v1/directory", false, kMailReaders, &Api::GetDirectory},
      {"PUT", "/api/v1/directory/{list}", false, kAdmin, &Api::PutDirectory, 64 << 10},
      {"POST", "/api/v1/directory/{list}/test", false, kAdmin, &Api::TestDirectory},
      {"GET", "/api/v1/mail", false, kMailReaders, &Api::ListMail},
      {"GET", "/api/v1/mail/{id}", false, kMailReaders, &Api::GetMail},
      {"GET", "/api/v1/mail/{id}/raw", false, kMailReaders, &Api::GetMailRaw},
      {"POST", "/api/v1/mail/{id}/retry", false, kMailReaders, &Api::RetryMailRoute},
  };
  if (virtual_clock) {
    // Training/test mode only: the clock everything time-based reads.
    r.push_back({"GET", "/api/v1/clock", false, kAnyone, &Api::GetClock, kSmall, false, kAnyDesk});
    r.push_back({"POST", "/api/v1/clock", false, kAdmin, &Api::SetClock, 4 << 10, false, kAnyDesk});
  }
  return r;
}

}  // namespace atiende::http
