// The query API over HTTPS (--tls-cert/--tls-key): a self-signed certificate made with the
// openssl command for 127.0.0.1, a client that trusts exactly that certificate.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "consumers/http/query_server.h"
#include "tests/consumers/http/api_fixture.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/api.pb.h"

namespace timeline {
namespace {

using testing::TempDir;
using testing::api::ApiFixture;
using testing::api::kJane;
using testing::api::kJohn;

// A throwaway P-256 key and a one-day certificate for 127.0.0.1, as PEM files in `dir`.
struct SelfSignedCertificate {
  explicit SelfSignedCertificate(const TempDir& dir)
      : cert(dir.Sub("cert.pem")), key(dir.Sub("key.pem")) {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert + " 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
  }
  std::string cert;
  std::string key;
};

QueryServerOptions TlsOptions(const SelfSignedCertificate& certificate) {
  QueryServerOptions options;
  options.tls_cert_path = certificate.cert;
  options.tls_key_path = certificate.key;
  return options;
}

TEST_CASE("with a certificate and key the API is served over HTTPS only", "[unit]") {
  TempDir dir;
  SelfSignedCertificate certificate(dir);
  ApiFixture api(/*with_tokens=*/true, TlsOptions(certificate));
  REQUIRE(api.server().url() == "https://127.0.0.1:" + std::to_string(api.server().port()));

  httplib::SSLClient client("127.0.0.1", api.server().port());
  client.set_ca_cert_path(certificate.cert.c_str());
  client.enable_server_certificate_verification(true);
  auto mine = client.Get("/api/accounts/acme", {{"Authorization", std::string("Bearer ") + kJane}});
  REQUIRE(mine);
  CHECK(mine->status == 200);
  auto state = ApiFixture::Parse<v1::AccountState>(mine->body);
  CHECK(state.account_id() == "acme");
  CHECK(state.version() == 7);

  // Access rules are the same over TLS.
  auto theirs =
      client.Get("/api/accounts/acme", {{"Authorization", std::string("Bearer ") + kJohn}});
  REQUIRE(theirs);
  CHECK(theirs->status == 403);

  // A plain-HTTP request gets no answer from the TLS listener.
  httplib::Client plain("127.0.0.1", api.server().port());
  plain.set_read_timeout(2, 0);
  auto refused =
      plain.Get("/api/accounts/acme", {{"Authorization", std::string("Bearer ") + kJane}});
  CHECK_FALSE(refused);
}

TEST_CASE("TLS flags that do not go together or do not load are refused by name", "[unit]") {
  TempDir dir;
  SelfSignedCertificate certificate(dir);

  QueryServerOptions cert_only;
  cert_only.port = 0;
  cert_only.tls_cert_path = certificate.cert;
  auto lone = QueryServer::Start(std::move(cert_only), nullptr, {});
  REQUIRE_FALSE(lone.ok());
  CHECK(lone.status().message() == "--tls-cert and --tls-key go together");

  QueryServerOptions swapped;
  swapped.port = 0;
  swapped.tls_cert_path = certificate.key;  // a key where the certificate belongs
  swapped.tls_key_path = certificate.cert;
  auto unloadable = QueryServer::Start(std::move(swapped), nullptr, {});
  REQUIRE_FALSE(unloadable.ok());
  CHECK(unloadable.status().message().find("do not load as a PEM certificate and key") !=
        std::string::npos);
}

}  // namespace
}  // namespace timeline
