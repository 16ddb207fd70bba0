// Listening addresses and server credentials: HOST:PORT parsing, loopback
// detection, TLS and mTLS credentials from PEM files.
#ifndef TRACTUS_SERVICES_TRANSPORT_H_
#define TRACTUS_SERVICES_TRANSPORT_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tractus::services {

struct HostPort {
  std::string host;
  int port = 0;
};

// Splits "HOST:PORT" (HOST may be "[::1]"); INVALID_ARGUMENT naming `flag`.
absl::StatusOr<HostPort> ParseListen(absl::string_view listen, absl::string_view flag);

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(absl::string_view host);

struct TlsFiles {
  std::string cert_file;       // PEM chain; empty with key_file: plaintext
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // PEM; set: clients must present a certificate it signed
};

// Credentials for a port: plaintext (refused on a non-loopback `host`
// unless `allow_plaintext_remote`), TLS, or mTLS. FAILED_PRECONDITION naming
// the flag for unreadable files or a refused plaintext address.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& tls, absl::string_view host, bool allow_plaintext_remote);

// The whole file; FAILED_PRECONDITION naming it if unreadable.
absl::StatusOr<std::string> ReadTextFile(const std::string& path);

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_TRANSPORT_H_
