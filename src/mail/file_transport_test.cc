#include "mail/file_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/test_env.h"

namespace atiende::mail {
namespace file_transport_test {

using namespace std::chrono;
namespace fs = std::filesystem;

Message Sample() {
  Message m;
  m.from = {"Atiende", "atiende@abastible.cl"};
  m.to = {{"Mesa de Clientes", "mesa@abastible.cl"}};
  m.subject = "Desbloqueo Cliente 100234 con bloqueo ZB";
  m.text = "Se visitó al cliente; la instalación está apta.\n";
  m.message_id = "<case-17.mail-3@atiende.example>";
  m.date = sys_days{year{2026} / November / 24} + hours{12};
  return m;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FileTransport, WritesReadableEmlAtomically) {
  testing::TempDir tmp;
  const std::string dir = tmp.file("var/mail");  // created on demand, parents too
  FileTransport t(dir);
  Message m = Sample();
  const std::string rendered = Render(m).value();
  Status s = t.Send(m, rendered);
  ASSERT_TRUE(s.ok()) << s.ToString();

  const std::string path = dir + "/case-17.mail-3@atiende.example.eml";
  EXPECT_EQ(Slurp(path), rendered);
  EXPECT_NE(rendered.find("\r\nSubject: Desbloqueo Cliente 100234 con bloqueo ZB\r\n"),
            std::string::npos);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"case-17.mail-3@atiende.example.eml"})
      << "no temporary file left behind";

  m.text = "Segunda versión.\n";  // the same Message-ID replaces the file: one copy
  ASSERT_TRUE(t.Send(m, Render(m).value()).ok());
  EXPECT_EQ(Slurp(path), Render(m).value());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(FileTransport, FileNamesAreSanitised) {
  EXPECT_EQ(FileTransport::FileName("<a/../b c@x>"), "a_.._b_c@x.eml");
  EXPECT_EQ(FileTransport::FileName("<../../etc/passwd@x>"), "_._.._etc_passwd@x.eml");
  EXPECT_EQ(FileTransport::FileName("<>"), "message.eml");
  EXPECT_EQ(FileTransport::FileName("<" + std::string(300, 'a') + "@x>").size(), 204u);
}

TEST(FileTransport, BadDirectoryIsUnavailable) {
  testing::TempDir tmp;
  std::ofstream(tmp.file("plain-file")) << "x";
  FileTransport t(tmp.file("plain-file") + "/mail");  // a regular file is in the way
  Message m = Sample();
  Status s = t.Send(m, Render(m).value());
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("plain-file"), std::string::npos) << s.message();

  fs::create_directories(tmp.file("ro"));
  fs::permissions(tmp.file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() != 0) {  // root ignores permissions
    s = FileTransport(tmp.file("ro")).Send(m, Render(m).value());
    EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  }
  fs::permissions(tmp.file("ro"), fs::perms::owner_all);
}

TEST(FileTransport, InvalidMessageRefused) {
  testing::TempDir tmp;
  Message m = Sample();
  m.to.clear();
  EXPECT_EQ(FileTransport(tmp.path()).Send(m, "").code(), Status::Code::kInvalidArgument);
}

}  // namespace file_transport_test
}  // namespace atiende::mail
