#include "core/user.h"

namespace atiende {

Result<std::string> NormalizeUsername(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("must be 1 to 64 characters", "username");
  }
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '@' || c == '-';
    if (!ok)
      return Status::InvalidArgument("may hold only letters, digits and . _ @ -", "username");
    out += c;
  }
  return out;
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 8)
    return Status::InvalidArgument("must have at least 8 characters", "password");
  if (password.size() > 256)
    return Status::InvalidArgument("must have at most 256 bytes", "password");
  return Status::Ok();
}

}  // namespace atiende
