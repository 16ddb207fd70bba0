// Channels to tractusd: plaintext or TLS (optionally with a client
// certificate, for devices on an mTLS port), and a bearer secret (API key,
// token or device credential) sent as "authorization" metadata on every
// call made through the channel, streams included, with the routing clinic
// (`x-tractus-clinic`) beside it.
#ifndef TRACTUS_CLI_CHANNEL_H_
#define TRACTUS_CLI_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace tractus::cli {

struct ConnectOptions {
  // HOST:PORT.
  std::string target;
  // "tak1…", "tat1…" or "tdc1…"; empty: no authorization metadata.
  std::string bearer;
  // The clinic the calls concern, sent as `x-tractus-clinic` metadata: a
  // deployment sharded by clinic routes each call by it (nginx refuses calls
  // without it). Empty: not sent (one server needs none).
  std::string clinic;
  // PEM CA that signed the server's certificate; empty: plaintext.
  std::string tls_ca_file;
  // Client certificate and key (mTLS), PEM; both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// FAILED_PRECONDITION naming an unreadable file.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const ConnectOptions& options);

// The secret a CLI calls with: the first line of `key_file` when given,
// else $TRACTUS_API_KEY; FAILED_PRECONDITION when neither is there.
absl::StatusOr<std::string> BearerFrom(const std::string& key_file);

inline constexpr char kClinicHeader[] = "x-tractus-clinic";

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_CHANNEL_H_
