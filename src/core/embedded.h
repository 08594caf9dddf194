// Files compiled into the binary (cmake/embed.cmake): SQL migrations, the OpenAPI
// document, mail templates, procedures and holiday rules. Keys are paths
// relative to src/, e.g. "http/openapi.json", "../data/holidays/co.yaml".
// Thread-safety: read-only after static initialisation.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace atiende {
const std::map<std::string, std::string_view>& EmbeddedFiles();
}  // namespace atiende
