// atiende: one binary for the server and its command-line tools.
#include "cli/cli.h"

int main(int argc, char** argv) { return atiende::cli::Main(argc, argv); }
