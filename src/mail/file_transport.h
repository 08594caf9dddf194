// FileTransport: keeps each mail as an .eml file (RFC 5322, CRLF line endings) in a directory
// under the data directory; the transport used when no SMTP server is configured. Any mail
// client opens the files, and the console shows them.
//
// A mail is stored as <dir>/<FileName(message_id)>: written to a hidden temporary file in the
// same directory, fsync'd, renamed into place, and the directory fsync'd, so a reader never
// sees a partial file and a stored mail survives a crash. Sending the same Message-ID again
// replaces the file (idempotent, so a retried delivery leaves one copy).
//
// Thread-safety: Send may be called concurrently from any thread and from several processes
// sharing the directory.
#pragma once

#include <string>
#include <string_view>

#include "mail/transport.h"

namespace atiende::mail {

class FileTransport final : public Transport {
 public:
  // `dir` is created (with parents) on the first Send when missing.
  explicit FileTransport(std::string dir) : dir_(std::move(dir)) {}

  // kInvalidArgument when m is invalid; kUnavailable when dir is empty or on any I/O error
  // (cannot create the directory, disk full, permission denied), with the path and errno text
  // in the message.
  Status Send(const Message& m, const std::string& rendered) override;
  std::string_view name() const override { return "file"; }

  const std::string& dir() const { return dir_; }

  // The file name for a Message-ID: the id without its angle brackets, every byte other than
  // letters, digits, '.', '-', '_', '@' and '+' replaced by '_', a leading '.' too, at most 200
  // bytes, plus ".eml". "<case-17.mail-3@atiende.example>" -> "case-17.mail-3@atiende.example.eml".
  static std::string FileName(std::string_view message_id);

 private:
  const std::string dir_;
};

}  // namespace atiende::mail
