#include "security/principal.h"

namespace tractus::security {

absl::string_view AuthenticatedByName(AuthenticatedBy by) {
  switch (by) {
    case AuthenticatedBy::kApiKey: return "api_key";
    case AuthenticatedBy::kToken: return "token";
    case AuthenticatedBy::kDeviceCredential: return "device_credential";
    case AuthenticatedBy::kClientCertificate: return "client_certificate";
  }
  return "unknown";
}

}  // namespace tractus::security
