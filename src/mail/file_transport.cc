#include "mail/file_transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace atiende::mail {

namespace {

Status IoError(const std::string& what, const std::string& path, int err) {
  return Status::Unavailable("eml: cannot " + what + " " + path + ": " + std::strerror(err));
}

bool IsSafeByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '@' || c == '+';
}

// Writes all of `data` to `fd`, retrying short writes and EINTR. Returns 0 or an errno.
int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

int SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

std::string FileTransport::FileName(std::string_view message_id) {
  if (message_id.starts_with('<')) message_id.remove_prefix(1);
  if (message_id.ends_with('>')) message_id.remove_suffix(1);
  std::string name(message_id.substr(0, 200));
  for (char& c : name) {
    if (!IsSafeByte(c)) c = '_';
  }
  if (name.empty()) name = "message";
  if (name.front() == '.') name.front() = '_';
  return name + ".eml";
}

Status FileTransport::Send(const Message& m, const std::string& rendered) {
  ATIENDE_RETURN_IF_ERROR(Validate(m));
  if (dir_.empty()) return Status::Unavailable("eml: no mail directory configured");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return IoError("create directory", dir_, ec.value());

  static std::atomic<uint64_t> counter{0};
  const std::string name = FileName(m.message_id);
  const std::string path = dir_ + "/" + name;
  const std::string tmp = dir_ + "/." + name + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(counter.fetch_add(1));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return IoError("create", tmp, errno);
  const char* what = "write";
  int err = WriteAll(fd, rendered);
  auto step = [&](const char* op, bool ok) {
    if (err == 0 && !ok) {
      err = errno;
      what = op;
    }
  };
  step("fsync", err == 0 && ::fsync(fd) == 0);
  step("close", ::close(fd) == 0);
  step("rename", err == 0 && ::rename(tmp.c_str(), path.c_str()) == 0);
  if (err != 0) {
    ::unlink(tmp.c_str());
    return IoError(what, tmp, err);
  }
  if (int dir_err = SyncDir(dir_); dir_err != 0) return IoError("fsync directory", dir_, dir_err);
  return Status::Ok();
}

}  // namespace atiende::mail
