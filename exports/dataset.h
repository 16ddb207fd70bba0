// What an export writes, format-neutral: de-identified episodes, their
// observations and sessions, and a DatasetWriter per format (CSV:
// csv_writer, FHIR R4 NDJSON: fhir_writer) that streams them to files.
#ifndef TRACTUS_EXPORTS_DATASET_H_
#define TRACTUS_EXPORTS_DATASET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analytics/instruments.h"
#include "exports/deid.h"
#include "tractus/v1/export.pb.h"
#include "tractus/v1/observation.pb.h"
#include "tractus/v1/outcomes.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::exports {

struct ExportedEpisode {
  std::string subject_id;
  std::string episode_ref;
  QuasiIdentifiers qi;
  std::vector<std::string> other_conditions;
  std::string state;         // "open" or the close reason, e.g. "completed"
  // The episode day of its latest value or session (capped at 84): the
  // export's figures are taken at the end of that day, never at export time.
  int today_day = 0;
  // Outcomes over the 12-week window (its episode and alerts are not used).
  const v1::EpisodeProgress* progress = nullptr;
};

// The episode day of an offset in minutes from day 0 00:00 (floor), and the
// episode week of a day (floor; negative before day 0).
inline int64_t EpisodeDay(int64_t offset_minutes) {
  return offset_minutes >= 0 ? offset_minutes / 1440 : -((-offset_minutes + 1439) / 1440);
}
inline int64_t EpisodeWeek(int64_t day) { return day >= 0 ? day / 7 : -((-day + 6) / 7); }

// One value of an episode as exported (its pseudonyms are the episode's).
struct ObservationValue {
  const v1::Observation* record = nullptr;  // its answers (items), T-score
  const analytics::MeasureInfo* measure = nullptr;
  // Minutes from day 0 00:00 (clinic time) of the episode; day = floor of
  // that / 1440. Negative before day 0 (baseline window).
  int64_t offset_minutes = 0;
  double value = 0;
  const char* source = "";  // "home", "clinic", "device"
  const char* laterality = "";  // "left", "right", or "" (straight leg raise)
};

// "static", "intermittent", "cyclic", or "" (unset): how both formats name
// a session's traction mode.
inline const char* TractionModeName(v1::TractionMode m) {
  switch (m) {
    case v1::TRACTION_MODE_STATIC:
      return "static";
    case v1::TRACTION_MODE_INTERMITTENT:
      return "intermittent";
    case v1::TRACTION_MODE_CYCLIC:
      return "cyclic";
    default:
      return "";
  }
}

// A proto Duration in seconds.
inline double DurationSeconds(const google::protobuf::Duration& d) {
  return static_cast<double>(d.seconds()) + d.nanos() / 1e9;
}

// One finalized session of an episode as exported.
struct SessionValue {
  const v1::Session* session = nullptr;
  int64_t offset_minutes = 0;  // of its start, as ObservationValue's
};

// What a worker renders of one episode, as the files hold it: one part per
// file the writer appends to per episode (in the writer's own order), each
// whole lines and how many records they hold.
struct RenderedEpisode {
  struct Part {
    std::string text;
    int64_t records = 0;
  };
  std::vector<Part> parts;
};

class DatasetWriter {
 public:
  virtual ~DatasetWriter() = default;
  // Renders `episode` (whose progress is set), its values and finalized
  // sessions. Thread-safe and stateless: an export renders on its worker
  // threads, then writes in order.
  virtual void Render(const ExportedEpisode& episode, const std::vector<ObservationValue>& values,
                      const std::vector<SessionValue>& sessions, RenderedEpisode* out) const = 0;
  // Appends one rendered episode to the files (and, for FHIR, its
  // patient's Patient the first time the patient appears).
  virtual absl::Status Write(const ExportedEpisode& episode, const RenderedEpisode& rendered) = 0;
  // Closes every file; describes them.
  virtual absl::StatusOr<std::vector<v1::ExportFile>> Finish() = 0;
};

// Writers into the directory `dir` (which must exist), showing values as
// `coarsening` asks, with the local code systems under `fhir_base`.
absl::StatusOr<std::unique_ptr<DatasetWriter>> NewCsvWriter(const std::string& dir,
                                                            const v1::ExportCoarsening& coarsening,
                                                            absl::string_view fhir_base);
absl::StatusOr<std::unique_ptr<DatasetWriter>> NewFhirWriter(const std::string& dir,
                                                             const v1::ExportCoarsening& coarsening,
                                                             absl::string_view fhir_base);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_DATASET_H_
