// The query server's flags, shared by `timeline serve` and `timeline run --listen`:
// --listen, --tokens, --insecure-no-auth, --tls-cert, --tls-key, --dashboard, --chart-library,
// --peer.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "consumers/cli/common_options.h"
#include "consumers/http/query_server.h"

namespace timeline::cli {

struct ServeFlags {
  std::string listen;
  std::string tokens_path;
  bool insecure_no_auth = false;
  std::string tls_cert_path;
  std::string tls_key_path;
  DashboardFiles dashboard = DashboardFiles::Defaults();
  std::vector<std::string> peers;  // --peer URL, repeated
};

// Adds the flags to `command`; `listen_help` says what --listen means there.
void AddServeOptions(CLI::App* command, ServeFlags* flags, const std::string& listen_help);

// The server's options: the address, the tokens file loaded (InvalidArgument when neither
// --tokens nor --insecure-no-auth is given, or both), TLS, the broker for verify's pins, and
// the seal key when its file exists (the server never creates one).
Result<QueryServerOptions> MakeQueryServerOptions(const ServeFlags& flags,
                                                  const CommonOptions& common);

}  // namespace timeline::cli
