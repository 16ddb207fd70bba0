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

// Creates the clinic, patients and episodes, submits home reports one by
// one and clinic measures in batches, then closes the episodes that end.
// Idempotent: loading the same DemoClinic again changes nothing. Progress
// goes to `log`.
absl::StatusOr<LoadedDemo> LoadDemo(const Client& client, const DemoClinic& demo,
                                    std::ostream& log);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_DEMO_H_
