// SmtpTransport against a real SMTP server on loopback: tests/smtp_sink.py (python3-aiosmtpd).
#include "mail/smtp_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/test_env.h"

namespace atiende::mail {
namespace smtp_transport_test {

using namespace std::chrono;

std::string SinkScript() {
  const char* src = std::getenv("ATIENDE_SOURCE");
  std::filesystem::path root =
      src != nullptr ? std::filesystem::path(src)
                     : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return (root / "tests" / "smtp_sink.py").string();
}

struct Record {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string data;
  int64_t connection = 0;
};

// A running tests/smtp_sink.py; stopped (SIGTERM, then SIGKILL after 5 s) on destruction.
class SmtpSink {
 public:
  explicit SmtpSink(std::vector<std::string> flags) : record_(dir_.file("mails.jsonl")) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    std::vector<std::string> args = {"/usr/bin/python3", SinkScript(), record_};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string line;  // the port, within 10 s
    auto deadline = steady_clock::now() + seconds(10);
    while (pid_ > 0 && line.find('\n') == std::string::npos && steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      int left = int(duration_cast<milliseconds>(deadline - steady_clock::now()).count());
      char buf[64];
      ssize_t n = ::poll(&p, 1, std::max(left, 1)) == 1 ? ::read(fds[0], buf, sizeof buf) : 0;
      if (n <= 0) break;
      line.append(buf, size_t(n));
    }
    ::close(fds[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0) ADD_FAILURE() << SinkScript() << " did not start (python3-aiosmtpd missing?)";
  }

  ~SmtpSink() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    auto deadline = steady_clock::now() + seconds(5);
    while (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (steady_clock::now() > deadline) {
        ADD_FAILURE() << "smtp_sink.py ignored SIGTERM";
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
  }

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::vector<Record> Records() const {
    std::vector<Record> out;
    std::ifstream in(record_);
    for (std::string line; std::getline(in, line);) {
      const boost::json::object o = boost::json::parse(line).as_object();
      Record r{std::string(o.at("mail_from").as_string()),
               {},
               std::string(o.at("data").as_string()),
               o.at("connection").as_int64()};
      for (const auto& v : o.at("rcpt_tos").as_array()) r.rcpt_tos.emplace_back(v.as_string());
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  testing::TempDir dir_;
  std::string record_;
  pid_t pid_ = -1;
  int port_ = 0;
};

Message Sample(std::string id) {
  Message m;
  m.from = {"Atiende", "atiende@abastible.cl"};
  m.to = {{"Mesa de Clientes", "mesa@abastible.cl"}};
  m.cc = {{"Contact Center", "cc@abastible.cl"},
          {"Señora Núñez", "nunez@example.com"},
          {"Mesa", "MESA@abastible.cl"}};
  m.subject = "Aviso de emergencia — visita coordinada para mañana, señora Núñez";
  m.text = "Señora Núñez:\n.\nEl técnico visitará su instalación mañana.\n";
  m.message_id = "<" + id + "@atiende.example>";
  m.date = sys_days{year{2026} / November / 24} + hours{12};
  return m;
}

std::string DecodeQp(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else {
      out += char(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string HeaderValue(const std::string& msg, const std::string& name) {
  size_t at = msg.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 4, end = start;
  while ((end = msg.find("\r\n", end)) != std::string::npos && msg[end + 2] == ' ') end += 2;
  return msg.substr(start, end - start);
}

SmtpOptions Options(std::string url) {
  SmtpOptions options;
  options.url = std::move(url);
  return options;
}

Status SendTo(SmtpOptions options, const Message& m) {
  auto t = SmtpTransport::Create(options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return (*t)->Send(m, Render(m).value());
}

TEST(SmtpTransport, DeliversWithCcInEnvelopeAndEncodedSubject) {
  SmtpSink sink({});
  ASSERT_GT(sink.port(), 0);
  Message m = Sample("plain");
  SmtpOptions options = Options(sink.url());
  options.from_address = "bounces@atiende.example";
  Status s = SendTo(options, m);
  ASSERT_TRUE(s.ok()) << s.ToString();

  auto records = sink.Records();
  ASSERT_EQ(records.size(), 1u);
  const Record& r = records[0];
  EXPECT_EQ(r.mail_from, "bounces@atiende.example");
  EXPECT_EQ(r.rcpt_tos, (std::vector<std::string>{"mesa@abastible.cl", "cc@abastible.cl",
                                                  "nunez@example.com"}));
  EXPECT_EQ(r.data, Render(m).value()) << "bytes arrive unchanged (dot-stuffing undone)";
  EXPECT_EQ(DecodeHeaderWords(HeaderValue(r.data, "Subject")), m.subject);
  std::string body = DecodeQp(r.data.substr(r.data.find("\r\n\r\n") + 4));
  std::erase(body, '\r');
  EXPECT_EQ(body, m.text);

  m.message_id = "<no-from-address@atiende.example>";  // envelope sender defaults to From
  ASSERT_TRUE(SendTo(Options(sink.url()), m).ok());
  ASSERT_EQ(sink.Records().size(), 2u);
  EXPECT_EQ(sink.Records()[1].mail_from, "atiende@abastible.cl");
}

TEST(SmtpTransport, MailsInARowShareOneConnection) {
  SmtpSink sink({});
  ASSERT_GT(sink.port(), 0);
  auto t = SmtpTransport::Create(Options(sink.url()));
  ASSERT_TRUE(t.ok());
  for (const char* id : {"first", "second", "third"}) {
    Message m = Sample(id);
    Status s = (*t)->Send(m, Render(m).value());
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  auto records = sink.Records();
  ASSERT_EQ(records.size(), 3u);
  for (const Record& r : records) EXPECT_EQ(r.connection, 1) << "one SMTP connection";
}

TEST(SmtpTransport, RejectedRecipientFailsTheWholeMail) {
  SmtpSink sink({"--reject", "nunez@example.com"});
  ASSERT_GT(sink.port(), 0);
  auto t = SmtpTransport::Create(Options(sink.url()));
  ASSERT_TRUE(t.ok());
  Message m = Sample("rejected");
  Status s = (*t)->Send(m, Render(m).value());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("550"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no such user"), std::string::npos) << s.message();
  EXPECT_TRUE(sink.Records().empty()) << "no partial delivery";

  m = Sample("after-rejection");  // the same transport recovers
  m.cc.erase(m.cc.begin() + 1);
  s = (*t)->Send(m, Render(m).value());
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(sink.Records().size(), 1u);
}

TEST(SmtpTransport, AuthCredentialsUsedAndAuthFailuresAreTemporary) {
  SmtpSink sink({"--auth", "atiende:s3cret"});
  ASSERT_GT(sink.port(), 0);
  SmtpOptions options = Options(sink.url());
  options.username = "atiende";
  options.password = "s3cret";
  Status s = SendTo(options, Sample("auth-ok"));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(sink.Records().size(), 1u);

  options.password = "wrong-pass";
  s = SendTo(options, Sample("auth-wrong"));  // 535: fix the setup, the mail waits
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_EQ(s.message().find("wrong-pass"), std::string::npos) << "password never reported";
  s = SendTo(Options(sink.url()), Sample("auth-missing"));  // 530 authentication required
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("530"), std::string::npos) << s.message();
  EXPECT_EQ(sink.Records().size(), 1u);
}

TEST(SmtpTransport, ServerAnswering421IsUnavailable) {
  SmtpSink sink({"--down"});
  ASSERT_GT(sink.port(), 0);
  Status s = SendTo(Options(sink.url()), Sample("down"));
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("421"), std::string::npos) << s.message();
}

TEST(SmtpTransport, StartTlsRequiredWithoutServerSupportIsUnavailable) {
  SmtpSink sink({});
  ASSERT_GT(sink.port(), 0);
  SmtpOptions options = Options(sink.url());
  options.starttls = SmtpOptions::StartTls::kRequired;
  Status s = SendTo(options, Sample("tls"));
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_TRUE(sink.Records().empty());
}

TEST(SmtpTransport, ClosedPortIsUnavailableQuickly) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);  // bound, never listening: connections refused
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto start = steady_clock::now();
  Status s =
      SendTo(Options("smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))), Sample("closed"));
  EXPECT_LT(steady_clock::now() - start, seconds(5));
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  ::close(fd);
}

TEST(SmtpTransport, OptionsChecked) {
  EXPECT_EQ(SmtpTransport::Create(Options("http://x")).status().field(), "url");
  EXPECT_TRUE(SmtpTransport::Create(Options("smtps://mail.example.com")).ok());
  EXPECT_EQ(ParseStartTls("required").value(), SmtpOptions::StartTls::kRequired);
  EXPECT_FALSE(ParseStartTls("yes").ok());
  Message bad = Sample("bad");
  bad.subject = "x\r\nBcc: y@z.cl";
  auto t = SmtpTransport::Create(Options("smtp://127.0.0.1:9"));
  EXPECT_EQ((*t)->Send(bad, "").code(), Status::Code::kInvalidArgument);
}

}  // namespace smtp_transport_test
}  // namespace atiende::mail
