// Certificates made in memory for TLS tests (OpenSSL, P-256): a CA, a
// server certificate for localhost / 127.0.0.1, and client certificates
// with any common name and validity window — including expired ones, which
// the openssl command line of Debian 12 cannot make.
#ifndef TRACTUS_TESTS_TEST_CERTS_H_
#define TRACTUS_TESTS_TEST_CERTS_H_

#include <string>

#include "absl/time/time.h"

namespace tractus::testing {

struct PemPair {
  std::string cert;
  std::string key;
};

class TestCa {
 public:
  explicit TestCa(const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return ca_.cert; }
  // A server certificate for DNS:localhost and IP:127.0.0.1.
  PemPair Server() const;
  // A client certificate with common name `cn`, valid in [not_before,
  // not_after] relative to now.
  PemPair Client(const std::string& cn, absl::Duration not_before = -absl::Hours(1),
                 absl::Duration not_after = absl::Hours(24)) const;

 private:
  PemPair Issue(const std::string& cn, bool server, absl::Duration not_before,
                absl::Duration not_after) const;
  void* key_;  // EVP_PKEY*
  void* cert_;  // X509*
  PemPair ca_;
};

// Writes `text` to `path` (for server flags that take files).
void WriteFile(const std::string& path, const std::string& text);

}  // namespace tractus::testing

#endif  // TRACTUS_TESTS_TEST_CERTS_H_
