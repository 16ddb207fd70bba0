// Validation of user and API key requests (pure; the only producer of
// INVALID_ARGUMENT for the account RPCs). Whether named clinics and patients
// exist is checked by Accounts, which can read them.
#ifndef TRACTUS_SECURITY_USER_VALIDATION_H_
#define TRACTUS_SECURITY_USER_VALIDATION_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "tractus/v1/admin.pb.h"
#include "tractus/v1/auth.pb.h"

namespace tractus::security {

inline constexpr int kMaxUserClinics = 64;
inline constexpr int kMaxLabelLength = 100;

// The role-dependent shape of `user` (see tractus.v1.User), fields named
// under `field`.
void CheckUser(absl::string_view field, const v1::User& user, Violations& v);

// A CreateApiKeyRequest: user id shape, description, expiry after `now`.
void CheckCreateApiKey(const v1::CreateApiKeyRequest& req, absl::Time now, Violations& v);

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_USER_VALIDATION_H_
