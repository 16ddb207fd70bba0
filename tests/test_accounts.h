// Accounts for end-to-end tests: the bootstrap administrator, and one
// clinician who is granted every clinic created through CreateClinicFor().
#ifndef TRACTUS_TESTS_TEST_ACCOUNTS_H_
#define TRACTUS_TESTS_TEST_ACCOUNTS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tractus/v1/auth.pb.h"
#include "tractus/v1/clinic.pb.h"

namespace tractus::testing {

struct TestKeys {
  std::string admin;      // the bootstrap administrator's API key
  std::string clinician;  // API key of the test clinician
  std::string clinician_user_id;
};

// A plaintext channel to `address` sending `bearer` (none if empty) on every
// call.
std::shared_ptr<grpc::Channel> TestChannel(const std::string& address, const std::string& bearer);

// Reads the bootstrap key from `bootstrap_key_file` and creates the test
// clinician (no clinics yet) with a key.
absl::StatusOr<TestKeys> MakeTestKeys(const std::string& address,
                                      const std::string& bootstrap_key_file);

// Creates a clinic as the administrator and adds it to the test clinician's
// clinics.
absl::StatusOr<v1::CreateClinicResponse> CreateClinicFor(const std::string& address,
                                                         const TestKeys& keys,
                                                         const v1::CreateClinicRequest& req);

// Creates a user of `role` bound to `clinic_ids` / `patient_id` and returns
// an API key for it (the administrator acting).
absl::StatusOr<std::string> MakeUserKey(const std::string& address, const TestKeys& keys,
                                        v1::Role role, const std::vector<std::string>& clinic_ids,
                                        const std::string& patient_id = "");

}  // namespace tractus::testing

#endif  // TRACTUS_TESTS_TEST_ACCOUNTS_H_
