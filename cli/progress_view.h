// `tractus progress` and `tractus alerts`: the clinician's terminal views of
// OutcomeService, read over gRPC.
#ifndef TRACTUS_CLI_PROGRESS_VIEW_H_
#define TRACTUS_CLI_PROGRESS_VIEW_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "cli/client.h"

namespace tractus::cli {

// Prints the episode's progress; if `svg_path` is not empty, also writes
// the chart there.
absl::Status PrintProgress(const Client& client, const std::string& episode_id,
                           const std::string& svg_path, std::ostream& out);

// Prints a clinic's patients ranked by alert urgency (all pages).
absl::Status PrintClinicAlerts(const Client& client, const std::string& clinic_id,
                               std::ostream& out);

}  // namespace tractus::cli

#endif  // TRACTUS_CLI_PROGRESS_VIEW_H_
