#include "tests/test_accounts.h"

#include "absl/time/time.h"
#include "cli/channel.h"
#include "cli/client.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace tractus::testing {

std::shared_ptr<grpc::Channel> TestChannel(const std::string& address,
                                           const std::string& bearer) {
  cli::ConnectOptions options;
  options.target = address;
  options.bearer = bearer;
  return *cli::Connect(options);  // plaintext with no files cannot fail
}

absl::StatusOr<std::string> MakeUserKey(const std::string& address, const TestKeys& keys,
                                        v1::Role role, const std::vector<std::string>& clinic_ids,
                                        const std::string& patient_id) {
  cli::Client admin(TestChannel(address, keys.admin), absl::Seconds(20));
  v1::CreateUserRequest user;
  user.mutable_user()->set_display_name(absl::StrCat("Test ", v1::Role_Name(role)));
  user.mutable_user()->set_role(role);
  for (const std::string& id : clinic_ids) user.mutable_user()->add_clinic_ids(id);
  user.mutable_user()->set_patient_id(patient_id);
  ASSIGN_OR_RETURN(auto created, admin.Call(&v1::AdminService::Stub::CreateUser, admin.admin(),
                                            user));
  v1::CreateApiKeyRequest key;
  key.set_user_id(created.user().user_id());
  ASSIGN_OR_RETURN(auto made, admin.Call(&v1::AdminService::Stub::CreateApiKey, admin.admin(),
                                         key));
  return made.secret();
}

absl::StatusOr<TestKeys> MakeTestKeys(const std::string& address,
                                      const std::string& bootstrap_key_file) {
  TestKeys keys;
  ASSIGN_OR_RETURN(keys.admin, ReadSecretFile(bootstrap_key_file));
  ASSIGN_OR_RETURN(keys.clinician, MakeUserKey(address, keys, v1::ROLE_CLINICIAN, {}));
  cli::Client clinician(TestChannel(address, keys.clinician), absl::Seconds(20));
  ASSIGN_OR_RETURN(auto who, clinician.Call(&v1::AuthService::Stub::WhoAmI, clinician.auth(),
                                            v1::WhoAmIRequest()));
  keys.clinician_user_id = who.principal_id();
  return keys;
}

absl::StatusOr<v1::CreateClinicResponse> CreateClinicFor(const std::string& address,
                                                         const TestKeys& keys,
                                                         const v1::CreateClinicRequest& req) {
  cli::Client admin(TestChannel(address, keys.admin), absl::Seconds(20));
  ASSIGN_OR_RETURN(auto clinic,
                   admin.Call(&v1::ClinicService::Stub::CreateClinic, admin.clinics(), req));
  v1::GetUserRequest get;
  get.set_user_id(keys.clinician_user_id);
  ASSIGN_OR_RETURN(auto user, admin.Call(&v1::AdminService::Stub::GetUser, admin.admin(), get));
  const auto& ids = user.user().clinic_ids();
  if (std::find(ids.begin(), ids.end(), clinic.clinic().clinic_id()) == ids.end()) {
    v1::UpdateUserRequest grant;
    *grant.mutable_user() = user.user();
    grant.mutable_user()->add_clinic_ids(clinic.clinic().clinic_id());
    grant.mutable_update_mask()->add_paths("clinic_ids");
    RETURN_IF_ERROR(
        admin.Call(&v1::AdminService::Stub::UpdateUser, admin.admin(), grant).status());
  }
  return clinic;
}

}  // namespace tractus::testing
