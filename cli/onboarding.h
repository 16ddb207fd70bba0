// Onboarding helpers for the CLI, the demo and the simulator: the steps an
// administrator takes to let a clinician work in a clinic.
#ifndef TRACTUS_CLI_ONBOARDING_H_
#define TRACTUS_CLI_ONBOARDING_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cli/channel.h"
#include "cli/client.h"

namespace tractus::cli {

// Creates a clinician bound to `clinic_id` and an API key for it (through
// `admin`, an administrator's client); returns the key's secret.
absl::StatusOr<std::string> CreateClinicianKey(const Client& admin, const std::string& clinic_id,
                                               const std::string& display_name);

// A client acting as a clinician of `clinic_id`, connected like `connect`:
// `connect` itself when its key already is one; when it is an
// administrator's key, a clinician named `display_name` is created for the
// job (its key is stored in *created_key when not null).
absl::StatusOr<std::unique_ptr<Client>> ClinicianFor(const ConnectOptions& connect,
                                                     absl::Duration deadline,
                                                     const std::string& clinic_id,
                                                     const std::string& display_name,
                                                     std::string* created_key = nullptr);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_ONBOARDING_H_
