// What an export writes, format-neutral: de-identified episodes and
// observations, and a DatasetWriter per format (CSV: csv_writer, FHIR R4
// NDJSON: fhir_writer) that streams them to files.
#ifndef TRACTUS_EXPORTS_DATASET_H_
#define TRACTUS_EXPORTS_DATASET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/instruments.h"
#include "exports/deid.h"
#include "tractus/v1/export.pb.h"
#include "tractus/v1/outcomes.pb.h"

namespace tractus::exports {

struct ExportedEpisode {
  std::string subject_id;
  std::string episode_ref;
  QuasiIdentifiers qi;
  std::vector<std::string> other_conditions;
  std::string state;         // "open" or the close reason, e.g. "completed"
  int today_day = 0;         // days since day 0 at export time (capped at 84)
  // Outcomes over the 12-week window (its episode and alerts are not used).
  const v1::EpisodeProgress* progress = nullptr;
};

struct ExportedObservation {
  std::string subject_id;
  std::string episode_ref;
  const analytics::MeasureInfo* measure = nullptr;
  // Minutes from day 0 00:00 (clinic time) of the episode; day = floor of
  // that / 1440. Negative before day 0 (baseline window).
  int64_t offset_minutes = 0;
  double value = 0;
  std::string source;  // "home", "clinic", "device"
};

class DatasetWriter {
 public:
  virtual ~DatasetWriter() = default;
  virtual absl::Status WriteEpisode(const ExportedEpisode& episode) = 0;
  virtual absl::Status WriteObservation(const ExportedObservation& observation) = 0;
  // Closes every file; describes them.
  virtual absl::StatusOr<std::vector<v1::ExportFile>> Finish() = 0;
};

// Writers into the directory `dir` (which must exist).
absl::StatusOr<std::unique_ptr<DatasetWriter>> NewCsvWriter(const std::string& dir);
absl::StatusOr<std::unique_ptr<DatasetWriter>> NewFhirWriter(const std::string& dir);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_DATASET_H_
