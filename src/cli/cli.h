// The command line (CLI11): serve, db migrate, import customers, user, token,
// demo seed, mail, ticket, procedure, version — one file per command
// (commands.h). Errors print one line on stderr and exit non-zero
// (exit_code.h).
#pragma once

namespace atiende::cli {
int Main(int argc, char** argv);
}  // namespace atiende::cli
