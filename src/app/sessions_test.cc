#include "app/sessions.h"

#include <gtest/gtest.h>

#include "app/users.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace sessions_test {

using testing::Admin;

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AddUser(*env.deps, Admin(), {"Ana", "agent", "", "correct horse", {"main"}}).ok());
  }
  testing::TestEnv env;
};

TEST_F(SessionsTest, LoginGivesATokenThatAuthenticates) {
  auto g = Login(*env.deps, "ana", "correct horse", "127.0.0.1");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->token.size(), 43u);
  auto p = Authenticate(*env.deps, g->token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->username, "ana");
  EXPECT_EQ(p->role, Role::kAgent);
}

TEST_F(SessionsTest, PasswordsAreStoredAsArgon2id) {
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [](ReadTx& tx) {
                           auto u = tx.users().GetByName("ana").value();
                           EXPECT_EQ(u.password_hash.rfind("$argon2id$", 0), 0u);
                           EXPECT_EQ(u.password_hash.find("correct horse"), std::string::npos);
                           return Status::Ok();
                         })
                  .ok());
}

TEST_F(SessionsTest, WrongPasswordAndUnknownUserLookAlike) {
  auto wrong = Login(*env.deps, "ana", "wrong", "10.0.0.1");
  auto unknown = Login(*env.deps, "nobody", "wrong", "10.0.0.1");
  EXPECT_EQ(wrong.status().code(), Status::Code::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(SessionsTest, RepeatedFailuresAreThrottledThenForgiven) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login(*env.deps, "ana", "wrong", "10.0.0.2").status().code(),
              Status::Code::kUnauthenticated);
  }
  // Even the right password is refused while locked out.
  EXPECT_EQ(Login(*env.deps, "ana", "correct horse", "10.0.0.2").status().code(),
            Status::Code::kTooManyRequests);
  env.clock.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(Login(*env.deps, "ana", "correct horse", "10.0.0.2").ok());
}

TEST_F(SessionsTest, SessionsExpireAndLogoutEndsThem) {
  auto g = Login(*env.deps, "ana", "correct horse", "127.0.0.1").value();
  env.clock.Advance(kSessionLifetime - std::chrono::minutes(1));
  EXPECT_TRUE(Authenticate(*env.deps, g.token).ok());
  env.clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(Authenticate(*env.deps, g.token).status().code(), Status::Code::kUnauthenticated);
  auto g2 = Login(*env.deps, "ana", "correct horse", "127.0.0.1").value();
  ASSERT_TRUE(Logout(*env.deps, g2.token).ok());
  EXPECT_FALSE(Authenticate(*env.deps, g2.token).ok());
}

TEST_F(SessionsTest, DisabledUsersCannotUseTheirSessions) {
  auto g = Login(*env.deps, "ana", "correct horse", "127.0.0.1").value();
  ASSERT_TRUE(env.store
                  ->Write(atiende::testing::MainDesk(),
                          [](WriteTx& tx) {
                            auto u = tx.users().GetByName("ana").value();
                            u.disabled = true;
                            return tx.users().Update(u);
                          })
                  .ok());
  EXPECT_FALSE(Authenticate(*env.deps, g.token).ok());
  EXPECT_FALSE(Login(*env.deps, "ana", "correct horse", "127.0.0.1").ok());
}

TEST_F(SessionsTest, ApiTokensLastTheirLifetime) {
  auto g = CreateApiToken(*env.deps, Admin(), "ana", std::chrono::hours(48)).value();
  env.clock.Advance(std::chrono::hours(47));
  EXPECT_TRUE(Authenticate(*env.deps, g.token).ok());
  env.clock.Advance(std::chrono::hours(2));
  EXPECT_FALSE(Authenticate(*env.deps, g.token).ok());
  EXPECT_EQ(CreateApiToken(*env.deps, Admin(), "nobody", std::chrono::hours(1)).status().code(),
            Status::Code::kNotFound);
}

TEST(Users, CustomerUsersNeedACustomerAndStaffMustNotHaveOne) {
  testing::TestEnv env;
  EXPECT_EQ(AddUser(*env.deps, Admin(), {"c", "customer", "", "12345678"}).status().field(),
            "customer");
  EXPECT_EQ(AddUser(*env.deps, Admin(), {"s", "agent", "C1", "12345678"}).status().field(),
            "customer");
  EXPECT_EQ(AddUser(*env.deps, Admin(), {"c", "customer", "C404", "12345678"}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(AddUser(*env.deps, Admin(), {"x", "wizard", "", "12345678"}).status().field(), "role");
  EXPECT_EQ(AddUser(*env.deps, Admin(), {"x", "agent", "", "short"}).status().field(), "password");
  EXPECT_EQ(AddUser(*env.deps, Admin(), {"bad name", "agent", "", "12345678"}).status().field(),
            "username");
}

}  // namespace sessions_test
}  // namespace atiende
