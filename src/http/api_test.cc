// The API as plain functions: authentication, the role of every route, the
// problem+json shape, and the OpenAPI document's completeness.
#include "http/api.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "app/customers.h"
#include "app/sessions.h"
#include "app/users.h"
#include "core/embedded.h"
#include "json/customer_json.h"
#include "testing/test_env.h"

namespace atiende::http {
namespace api_test {

using testing::Admin;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Customer c;
    c.legal_name = "Scotiabank Colpatría S.A.";
    company_ = CreateCustomer(*env_.deps, Admin(), c).value().id;
    for (Role r : kAllRoles) {
      std::string name(RoleName(r));
      NewUser u{name,
                name,
                r == Role::kCustomer ? "C" + std::to_string(company_) : "",
                "password-" + name,
                {}};
      if (r != Role::kCustomer && r != Role::kAdmin) u.desks = {"main"};
      ASSERT_TRUE(AddUser(*env_.deps, Admin(), u).ok());
      tokens_[r] = CreateApiToken(*env_.deps, Admin(), name, std::chrono::hours(1)).value().token;
    }
    ApiOptions opt;
    opt.virtual_clock = &env_.clock;
    api_ = std::make_unique<Api>(*env_.deps, opt);
  }

  Response Call(std::string method, std::string path, std::optional<Role> as,
                std::string body = "") {
    Request req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.body = std::move(body);
    req.content_type = "application/json";
    if (as) req.authorization = "Bearer " + tokens_[*as];
    return api_->Handle(req);
  }

  std::string Concrete(const char* pattern) {
    std::string p = pattern;
    auto at = p.find("{id}");
    if (at != std::string::npos) p.replace(at, 4, std::to_string(company_));
    return p;
  }

  testing::TestEnv env_;
  int64_t company_ = 0;
  std::map<Role, std::string> tokens_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, EveryPrivateRouteNeedsCredentials) {
  for (const auto& r : api_->routes()) {
    if (r.is_public) continue;
    Response resp = Call(r.method, Concrete(r.pattern), std::nullopt);
    EXPECT_EQ(resp.status, 401) << r.method << " " << r.pattern;
    EXPECT_EQ(resp.content_type, "application/problem+json");
  }
}

TEST_F(ApiTest, EveryRouteChecksTheCallersRole) {
  for (const auto& r : api_->routes()) {
    if (r.is_public) continue;
    for (Role role : kAllRoles) {
      Response resp = Call(r.method, Concrete(r.pattern), role, "{}");
      if (resp.status == 204 && (std::string_view(r.pattern) == "/api/v1/session" ||
                                 std::string_view(r.pattern) == "/api/v1/tokens/{id}")) {
        // Signing out (or an admin revoking a token by id) ended a token:
        // take new ones for whoever lost theirs.
        for (Role who : kAllRoles) {
          if (Authenticate(*env_.deps, tokens_[who]).ok()) continue;
          tokens_[who] =
              CreateApiToken(*env_.deps, Admin(), std::string(RoleName(who)), std::chrono::hours(1))
                  .value()
                  .token;
        }
      }
      if (r.roles.Contains(role)) {
        EXPECT_NE(resp.status, 403) << RoleName(role) << " " << r.method << " " << r.pattern;
        EXPECT_NE(resp.status, 401) << RoleName(role) << " " << r.method << " " << r.pattern;
      } else {
        EXPECT_EQ(resp.status, 403) << RoleName(role) << " " << r.method << " " << r.pattern;
      }
    }
  }
}

TEST_F(ApiTest, GarbageTokensAreRejected) {
  Request req;
  req.method = "GET";
  req.path = "/api/v1/session";
  req.authorization = "Bearer not-a-token";
  EXPECT_EQ(api_->Handle(req).status, 401);
  req.authorization = "Basic YWRtaW46YWRtaW4=";
  EXPECT_EQ(api_->Handle(req).status, 401);
}

TEST_F(ApiTest, ProblemsCarryAStableCodeAndTheField) {
  auto unknown = Call("GET", "/api/v1/nothing-here", Role::kAdmin);
  EXPECT_EQ(unknown.status, 404);
  auto body = json::Parse(unknown.body).value().as_object();
  EXPECT_EQ(body.at("code").as_string(), "not_found");
  EXPECT_EQ(body.at("status").as_int64(), 404);

  EXPECT_EQ(Call("PUT", "/api/v1/customers", Role::kAdmin).status, 405);

  auto bad = Call("POST", "/api/v1/customers", Role::kAdmin, "{\"legal_name\": ");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json::Parse(bad.body).value().at("field").as_string(), "body");

  auto type = Call("POST", "/api/v1/customers", Role::kAdmin, "{\"legal_name\": 5}");
  EXPECT_EQ(json::Parse(type.body).value().at("field").as_string(), "legal_name");
  auto unknown_field = Call("POST", "/api/v1/customers", Role::kAdmin, "{\"colour\": \"x\"}");
  EXPECT_EQ(json::Parse(unknown_field.body).value().at("field").as_string(), "colour");
}

TEST_F(ApiTest, CustomerUsersSeeOnlyTheirCompany) {
  EXPECT_EQ(Call("GET", "/api/v1/customers/" + std::to_string(company_), Role::kCustomer).status,
            200);
  Customer other;
  other.legal_name = "COLFONDOS S.A.";
  int64_t id = CreateCustomer(*env_.deps, Admin(), other).value().id;
  EXPECT_EQ(Call("GET", "/api/v1/customers/" + std::to_string(id), Role::kCustomer).status, 404);
}

TEST_F(ApiTest, TheClockRouteExistsOnlyOnAVirtualClock) {
  auto moved = Call("POST", "/api/v1/clock", Role::kAdmin, "{\"advance\": \"PT72H\"}");
  EXPECT_EQ(moved.status, 200);
  EXPECT_EQ(json::Parse(moved.body).value().at("now").as_string(), "2026-11-27T12:00:00Z");
  Api real(*env_.deps, ApiOptions{});
  Request req;
  req.method = "POST";
  req.path = "/api/v1/clock";
  req.authorization = "Bearer " + tokens_[Role::kAdmin];
  req.body = "{\"advance\": \"PT72H\"}";
  EXPECT_EQ(real.Handle(req).status, 404);
}

TEST_F(ApiTest, OpenApiDescribesEveryRoute) {
  auto doc = json::Parse(EmbeddedFiles().at("http/openapi.json")).value();
  const auto& paths = doc.at("paths").as_object();
  for (const auto& r : api_->routes()) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    auto* path = paths.if_contains(r.pattern);
    ASSERT_NE(path, nullptr) << "openapi.json lacks path " << r.pattern;
    EXPECT_TRUE(path->as_object().contains(method))
        << "openapi.json lacks " << r.method << " " << r.pattern;
    if (!r.is_public) {
      auto roles = path->as_object().at(method).at("x-roles").as_array();
      for (Role role : kAllRoles) {
        bool listed = std::find(roles.begin(), roles.end(), boost::json::value(RoleName(role))) !=
                      roles.end();
        EXPECT_EQ(listed, r.roles.Contains(role))
            << "x-roles of " << r.method << " " << r.pattern << " and " << RoleName(role);
      }
    }
  }
}

TEST_F(ApiTest, BodyLimitsArePerRoute) {
  EXPECT_EQ(api_->BodyLimit("POST", "/api/v1/customers"), 1u << 20);
  EXPECT_EQ(api_->BodyLimit("POST", "/api/v1/customers/import"), 64u << 20);
}

}  // namespace api_test
}  // namespace atiende::http
