#include "consumers/cli/serve_options.h"

#include <filesystem>

#include "consumers/processes/data_directory.h"

namespace timeline::cli {

void AddServeOptions(CLI::App* command, ServeFlags* flags, const std::string& listen_help) {
  command->add_option("--listen", flags->listen, listen_help);
  command->add_option("--tokens", flags->tokens_path,
                      "the tokens file (one ApiToken JSON line each; `timeline token new` "
                      "writes it): who may read which accounts");
  command->add_flag("--insecure-no-auth", flags->insecure_no_auth,
                    "serve without --tokens: EVERY account to ANYONE who can connect (local "
                    "experiments only)");
  command->add_option("--tls-cert", flags->tls_cert_path, "PEM certificate: serve HTTPS");
  command->add_option("--tls-key", flags->tls_key_path, "PEM private key of --tls-cert");
  command->add_option("--peer", flags->peers,
                      "another server's URL (http://HOST:PORT), repeated: an account whose "
                      "partition another worker folds is answered by the peer reading that "
                      "worker's views");
  command
      ->add_option("--dashboard", flags->dashboard.page_dir,
                   "the dashboard's folder (index.html, assets/), served at /")
      ->capture_default_str();
  command
      ->add_option("--chart-library", flags->dashboard.chart_library_dir,
                   "the folder holding Chart.js's chart.umd.js (deploy/setup.sh installs it)")
      ->capture_default_str();
}

Result<QueryServerOptions> MakeQueryServerOptions(const ServeFlags& flags,
                                                  const CommonOptions& common) {
  QueryServerOptions options;
  TIMELINE_RETURN_IF_ERROR(ParseListenAddress(flags.listen, &options));
  if (flags.tokens_path.empty() && !flags.insecure_no_auth) {
    return Status::InvalidArgument(
        "--tokens FILE is required: the server will not start without access control (create "
        "tokens with `timeline token new`), unless --insecure-no-auth says to serve every "
        "account to anyone who can connect");
  }
  if (!flags.tokens_path.empty() && flags.insecure_no_auth) {
    return Status::InvalidArgument("give --tokens or --insecure-no-auth, not both");
  }
  if (!flags.tokens_path.empty()) {
    auto tokens = TokenStore::Follow(flags.tokens_path);
    if (!tokens.ok()) return tokens.status();
    options.tokens = std::move(tokens).value();
  }
  options.tls_cert_path = flags.tls_cert_path;
  options.tls_key_path = flags.tls_key_path;
  options.dashboard = flags.dashboard;
  options.peers = flags.peers;
  options.kafka = common.Kafka();
  auto key = ExistingSealKey(common);
  if (!key.ok()) return key.status();
  options.seal_key = std::move(*key);
  return options;
}

}  // namespace timeline::cli
