// Prints one patient's record as a clinician reads it: identity, each
// episode with its plan, and per measure the baseline, weekly medians over
// weeks 0..12, the latest value and the change from baseline. Everything is
// read back from tractusd over gRPC.
#ifndef TRACTUS_CLI_RECORD_VIEW_H_
#define TRACTUS_CLI_RECORD_VIEW_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cli/client.h"

namespace tractus::cli {

// `now` is used for the patient's age only.
absl::Status PrintPatientRecord(const Client& client, const std::string& patient_id,
                                absl::Time now, std::ostream& out);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_RECORD_VIEW_H_
