// Password hashing with argon2id (libsodium crypto_pwhash, "interactive"
// limits: 2 passes over 64 MiB). Hashes are self-describing encoded strings.
// Thread-safety: safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace atiende {

// kInternal when memory for the hash cannot be had.
Result<std::string> HashPassword(std::string_view password);
// Constant-time check; false for a malformed hash.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// 32 random bytes, base64url without padding (43 characters).
std::string NewSecretToken();
// Hex SHA-256 of a token: what the store keeps.
std::string HashToken(std::string_view token);

}  // namespace atiende
