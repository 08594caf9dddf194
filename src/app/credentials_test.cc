// Revocation (issue 19): a password change, disabling a user and revoking a
// credential by id end what they say, and only that.
#include "app/credentials.h"

#include <gtest/gtest.h>

#include "app/sessions.h"
#include "app/users.h"
#include "testing/test_env.h"

namespace atiende {
namespace credentials_test {

using testing::Admin;
using Code = Status::Code;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(AddUser(*env.deps, Admin(), {"ana", "agent", "", "correct horse", {"main"}}).ok());
    ASSERT_TRUE(AddUser(*env.deps, Admin(), {"root", "admin", "", "root password", {}}).ok());
    env.deps->on_credentials_ended = [this] { ++ended_calls; };
  }
  std::string SignIn(const std::string& name = "ana", const std::string& pw = "correct horse") {
    auto g = Login(*env.deps, name, pw, "127.0.0.1");
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? g->token : "";
  }
  bool Works(const std::string& token) { return Authenticate(*env.deps, token).ok(); }
  Principal Self(const std::string& token) { return Authenticate(*env.deps, token).value(); }

  testing::TestEnv env;
  int ended_calls = 0;
};

TEST_F(CredentialsTest, SetPasswordEndsEverySessionButKeepsApiTokens) {
  std::string s1 = SignIn(), s2 = SignIn();
  std::string api = CreateApiToken(*env.deps, Admin(), "ana", std::chrono::hours(24))->token;
  auto ended = SetPassword(*env.deps, Admin(), "ana", "a new password");
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(Works(s1));
  EXPECT_FALSE(Works(s2));
  EXPECT_TRUE(Works(api));
  EXPECT_EQ(ended_calls, 1);
  EXPECT_FALSE(Login(*env.deps, "ana", "correct horse", "127.0.0.1").ok());
  EXPECT_TRUE(Login(*env.deps, "ana", "a new password", "127.0.0.1").ok());
}

TEST_F(CredentialsTest, OwnPasswordChangeKeepsThisSessionAndEndsTheOthers) {
  std::string mine = SignIn(), stolen = SignIn();
  auto ended =
      ChangeOwnPassword(*env.deps, Self(mine), mine, "correct horse", "a new password", "10.0.0.9");
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(*ended, 1);
  EXPECT_TRUE(Works(mine));
  EXPECT_FALSE(Works(stolen));
  EXPECT_EQ(ended_calls, 1);
  EXPECT_TRUE(Login(*env.deps, "ana", "a new password", "127.0.0.1").ok());
}

TEST_F(CredentialsTest, OwnPasswordChangeNeedsTheCurrentOneAndIsThrottled) {
  std::string mine = SignIn(), other = SignIn();
  Principal me = Self(mine);
  auto wrong = ChangeOwnPassword(*env.deps, me, mine, "guess", "a new password", "10.0.0.9");
  EXPECT_EQ(wrong.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(wrong.status().field(), "current_password");
  EXPECT_EQ(
      ChangeOwnPassword(*env.deps, me, mine, "correct horse", "short", "10.0.0.9").status().field(),
      "new_password");
  EXPECT_EQ(ChangeOwnPassword(*env.deps, me, mine, "correct horse", "correct horse", "10.0.0.9")
                .status()
                .field(),
            "new_password");
  EXPECT_TRUE(Works(other));  // nothing changed
  for (int i = 0; i < 5; ++i) {
    (void)ChangeOwnPassword(*env.deps, me, mine, "guess", "a new password", "10.0.0.9");
  }
  EXPECT_EQ(ChangeOwnPassword(*env.deps, me, mine, "correct horse", "a new password", "10.0.0.9")
                .status()
                .code(),
            Code::kTooManyRequests);
}

TEST_F(CredentialsTest, DisablingEndsEverythingAndEnablingLetsThemSignInAgain) {
  std::string s = SignIn();
  std::string api = CreateApiToken(*env.deps, Admin(), "ana", std::chrono::hours(24))->token;
  std::string root = SignIn("root", "root password");
  auto r = SetUserDisabled(*env.deps, Self(root), "ana", true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->user.disabled);
  EXPECT_EQ(r->credentials_ended, 2);
  EXPECT_FALSE(Works(s));
  EXPECT_FALSE(Works(api));
  EXPECT_TRUE(Works(root));
  EXPECT_EQ(ended_calls, 1);
  EXPECT_EQ(Login(*env.deps, "ana", "correct horse", "127.0.0.1").status().code(),
            Code::kUnauthenticated);
  ASSERT_TRUE(SetUserDisabled(*env.deps, Self(root), "ana", false).ok());
  EXPECT_TRUE(Login(*env.deps, "ana", "correct horse", "127.0.0.1").ok());
  EXPECT_FALSE(Works(api));  // nothing ended comes back
  EXPECT_EQ(SetUserDisabled(*env.deps, Self(root), "nobody", true).status().code(),
            Code::kNotFound);
}

TEST_F(CredentialsTest, AnAdminCannotDisableThemselves) {
  std::string root = SignIn("root", "root password");
  auto r = SetUserDisabled(*env.deps, Self(root), "root", true);
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(r.status().reason(), "cannot_disable_self");
  EXPECT_TRUE(Works(root));
}

TEST_F(CredentialsTest, AdminsListAndRevokeByIdWithoutSecrets) {
  std::string s = SignIn();
  std::string api = CreateApiToken(*env.deps, Admin(), "ana", std::chrono::hours(24))->token;
  SignIn("root", "root password");
  auto all = ListCredentials(*env.deps, "", "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  auto anas = ListCredentials(*env.deps, "ANA", "api");
  ASSERT_TRUE(anas.ok());
  ASSERT_EQ(anas->size(), 1u);
  EXPECT_EQ((*anas)[0].username, "ana");
  EXPECT_EQ((*anas)[0].kind, "api");
  EXPECT_EQ(ListCredentials(*env.deps, "nobody", "").status().code(), Code::kNotFound);
  EXPECT_EQ(ListCredentials(*env.deps, "", "cookie").status().field(), "kind");

  auto revoked = RevokeCredential(*env.deps, Admin(), (*anas)[0].id);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->username, "ana");
  EXPECT_FALSE(Works(api));
  EXPECT_TRUE(Works(s));
  EXPECT_EQ(ended_calls, 1);
  EXPECT_EQ(RevokeCredential(*env.deps, Admin(), (*anas)[0].id).status().code(), Code::kNotFound);
  EXPECT_EQ(ListCredentials(*env.deps, "", "")->size(), 2u);
}

TEST_F(CredentialsTest, EveryEndingIsAudited) {
  std::string root = SignIn("root", "root password");
  std::string mine = SignIn();
  ASSERT_TRUE(
      ChangeOwnPassword(*env.deps, Self(mine), mine, "correct horse", "a new password", "10.0.0.9")
          .ok());
  ASSERT_TRUE(SetPassword(*env.deps, Admin(), "ana", "another password").ok());
  ASSERT_TRUE(SetUserDisabled(*env.deps, Self(root), "ana", true).ok());
  ASSERT_TRUE(SetUserDisabled(*env.deps, Self(root), "ana", false).ok());
  std::string api = CreateApiToken(*env.deps, Admin(), "ana", std::chrono::hours(24))->token;
  ASSERT_TRUE(
      RevokeCredential(*env.deps, Self(root), ListCredentials(*env.deps, "ana", "api")->front().id)
          .ok());
  std::vector<std::string> actions;
  ASSERT_TRUE(env.store
                  ->Read(DeskScope::All(),
                         [&](ReadTx& tx) -> Status {
                           ATIENDE_ASSIGN_OR_RETURN(auto rows, tx.audit().List("user", "", 50));
                           for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
                             if (it->action.find("session.create") == 0) continue;
                             actions.push_back(it->actor + " " + it->action);
                           }
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(actions, (std::vector<std::string>{"tester user.create", "tester user.create",
                                               "ana user.password", "tester user.password",
                                               "root user.disable", "root user.enable",
                                               "tester api.create", "root api.revoke"}));
}

}  // namespace credentials_test
}  // namespace atiende
