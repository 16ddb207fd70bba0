#include "cli/onboarding.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace tractus::cli {

absl::StatusOr<std::string> CreateClinicianKey(const Client& admin, const std::string& clinic_id,
                                               const std::string& display_name) {
  v1::CreateUserRequest user;
  user.mutable_user()->set_display_name(display_name);
  user.mutable_user()->set_role(v1::ROLE_CLINICIAN);
  user.mutable_user()->add_clinic_ids(clinic_id);
  ASSIGN_OR_RETURN(auto created, admin.Call(&v1::AdminService::Stub::CreateUser, admin.admin(),
                                            user));
  v1::CreateApiKeyRequest key;
  key.set_user_id(created.user().user_id());
  key.set_description(display_name);
  ASSIGN_OR_RETURN(auto made, admin.Call(&v1::AdminService::Stub::CreateApiKey, admin.admin(),
                                         key));
  return made.secret();
}

absl::StatusOr<std::unique_ptr<Client>> ClinicianFor(const ConnectOptions& connect,
                                                     absl::Duration deadline,
                                                     const std::string& clinic_id,
                                                     const std::string& display_name,
                                                     std::string* created_key) {
  ASSIGN_OR_RETURN(auto channel, Connect(connect));
  auto client = std::make_unique<Client>(channel, deadline);
  ASSIGN_OR_RETURN(auto who, client->Call(&v1::AuthService::Stub::WhoAmI, client->auth(),
                                          v1::WhoAmIRequest()));
  if (who.role() == v1::ROLE_CLINICIAN &&
      std::find(who.clinic_ids().begin(), who.clinic_ids().end(), clinic_id) !=
          who.clinic_ids().end()) {
    return client;
  }
  if (who.role() != v1::ROLE_ADMINISTRATOR) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the key is neither a clinician of ", clinic_id, " nor an administrator's"));
  }
  ASSIGN_OR_RETURN(std::string key, CreateClinicianKey(*client, clinic_id, display_name));
  if (created_key != nullptr) *created_key = key;
  ConnectOptions as_clinician = connect;
  as_clinician.bearer = key;
  ASSIGN_OR_RETURN(auto clinician_channel, Connect(as_clinician));
  return std::make_unique<Client>(clinician_channel, deadline);
}

}  // namespace tractus::cli
