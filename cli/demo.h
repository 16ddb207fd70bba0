// Loads a DemoClinic into tractusd through the public gRPC API, the way a
// clinic, its clinicians and the patient app would.
#ifndef TRACTUS_CLI_DEMO_H_
#define TRACTUS_CLI_DEMO_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/client.h"
#include "cli/demo_data.h"

namespace tractus::cli {

struct LoadedDemo {
  std::string clinic_id;
  std::vector<std::string> patient_ids;
  int observations = 0;  // stored (new or replayed)
  int replayed = 0;      // of which were already stored
};

// Creates the demo's clinic through `admin` (an administrator's client);
// idempotent. Returns the clinic id and logs it to `log`.
absl::StatusOr<std::string> CreateDemoClinic(const Client& admin, const DemoClinic& demo,
                                             std::ostream& log);

// Through `clinician` (a clinician of `clinic_id`): creates the patients and
// episodes, submits home reports one by one and clinic measures in batches,
// then closes the episodes that end. Idempotent: loading the same DemoClinic
// again changes nothing. Progress goes to `log`.
absl::StatusOr<LoadedDemo> LoadDemo(const Client& clinician, const DemoClinic& demo,
                                    const std::string& clinic_id, std::ostream& log);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_DEMO_H_
