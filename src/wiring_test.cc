// BuildRuntime: settings reach the use cases' Deps.
#include "wiring.h"

#include <gtest/gtest.h>

#include "app/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace wiring_test {

Config InTempDir(const testing::TempDir& dir) {
  Config c;
  c.data_dir = dir.path();
  c.log_level = "error";
  return c;
}

TEST(BuildRuntime, DefaultsAreSpanishAndMessageIdsOnTheHostOfMailFrom) {
  testing::TempDir dir;
  auto rt = BuildRuntime(InTempDir(dir));
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  const Deps& d = *(*rt)->deps;
  // A fresh database's one desk, from the settings.
  const Desk& main = d.desks->For(kMainDesk).desk;
  EXPECT_TRUE(d.desks->Has(kMainDesk));
  EXPECT_EQ(main.language, "es");
  EXPECT_EQ(main.time_zone, "America/Bogota");
  EXPECT_EQ(main.autoclose_days, 7);
  EXPECT_FALSE(main.from_settings);
  EXPECT_EQ(d.mail.from, "Atiende <atiende@atiende.localhost>");
  EXPECT_EQ(d.mail.message_id_host, "atiende.localhost");
  EXPECT_EQ(d.mail.rate_cap_per_hour, 60);
  // A dead node's mails wait for this, not five minutes (issue 19).
  EXPECT_EQ(d.mail.delivery_lease, std::chrono::seconds(30));

  EXPECT_NE(d.procedures, nullptr);
}

TEST(BuildRuntime, LanguageAndMessageIdHostComeFromTheSettings) {
  testing::TempDir dir;
  Config c = InTempDir(dir);
  c.language = "en";
  c.mail_from = "Mesa <mesa@desk.example.com>";
  auto rt = BuildRuntime(c);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  EXPECT_EQ((*rt)->deps->desks->For(kMainDesk).desk.language, "en");
  EXPECT_EQ((*rt)->deps->mail.message_id_host, "desk.example.com");
  rt->reset();
  c.message_id_host = "ids.example.org";
  rt = BuildRuntime(c);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  EXPECT_EQ((*rt)->deps->mail.message_id_host, "ids.example.org");
}

TEST(BuildRuntime, TheMailLeaseComesFromTheSettings) {
  testing::TempDir dir;
  Config c = InTempDir(dir);
  c.mail_lease_seconds = 3;
  auto rt = BuildRuntime(c);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  EXPECT_EQ((*rt)->deps->mail.delivery_lease, std::chrono::seconds(3));
}

}  // namespace wiring_test
}  // namespace atiende
