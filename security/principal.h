// Principal: who is calling, as established by authentication (an API key,
// a token issued from one, a device credential or a client certificate).
#ifndef TRACTUS_SECURITY_PRINCIPAL_H_
#define TRACTUS_SECURITY_PRINCIPAL_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tractus/v1/auth.pb.h"

namespace tractus::security {

enum class AuthenticatedBy { kApiKey, kToken, kDeviceCredential, kClientCertificate };

absl::string_view AuthenticatedByName(AuthenticatedBy by);

struct Principal {
  // A user id ("us_…") or a device id ("dv_…").
  std::string id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // Clinicians and analysts: the bound clinics (empty analyst: every
  // clinic). Devices: their one clinic.
  std::vector<std::string> clinic_ids;
  // Patients: the patient this login belongs to.
  std::string patient_id;
  // Users: the API key the call came with (directly or through a token).
  std::string key_id;
  AuthenticatedBy authenticated_by = AuthenticatedBy::kApiKey;

  bool InClinic(absl::string_view clinic_id) const {
    return std::find(clinic_ids.begin(), clinic_ids.end(), clinic_id) != clinic_ids.end();
  }
};

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_PRINCIPAL_H_
