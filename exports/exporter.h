// Exporter: runs one export job over the records in two streaming passes —
// (1) the quasi-identifier class of every episode in the filter, counted in
// distinct patients; (2) every episode of pass 1 whose class holds at least
// k patients, de-identified with pass 1's quasi-identifiers and written with
// its observations; the others counted as suppressed. Pass 2 reads and computes episodes on a few worker
// threads (one per core, at most 4) and writes them in scan order, so the
// files are the same whatever the threads. At most kEpisodesInFlight
// episodes' data are in memory at a time (plus the classes, each episode's
// class — about 30 bytes an episode — and for FHIR the set of pseudonyms
// written), so memory does not grow with the number of observations.
//
// Thread-safe (holds no state between runs).
#ifndef TRACTUS_EXPORTS_EXPORTER_H_
#define TRACTUS_EXPORTS_EXPORTER_H_

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "exports/dataset.h"
#include "exports/terminology.h"
#include "outcomes/outcomes.h"
#include "records/records.h"
#include "tractus/v1/export.pb.h"

namespace tractus::exports {

struct ExportPlan {
  v1::ExportFilter filter;  // clinic_ids resolved: empty means every clinic
  v1::ExportFormat format = v1::EXPORT_FORMAT_CSV;
  int k = 5;
  std::string subject_key;  // 32 bytes; never written anywhere
  std::string dir;          // existing, empty directory for the files
  v1::ExportCoarsening coarsening;
};

// Called with (episodes examined, episodes to examine) as work proceeds;
// returns false to stop (cancelled).
using ProgressFn = std::function<bool(int64_t done, int64_t total)>;

class Exporter {
 public:
  // The arguments must outlive this object. No clock: nothing exported
  // depends on when the export runs (each episode's figures are taken as
  // of its own latest data).
  // Local code systems and extensions are named under `fhir_base`
  // (tractusd --fhir_base_url).
  Exporter(records::Records* records, outcomes::Outcomes* outcomes,
           std::string fhir_base = std::string(kDefaultFhirBase))
      : records_(records), outcomes_(outcomes), fhir_base_(std::move(fhir_base)) {}

  // Writes the dataset into plan.dir and returns its manifest (files and
  // counts; manifest.json is added by the caller). CANCELLED if `progress`
  // returned false.
  absl::StatusOr<v1::ExportManifest> Run(const ExportPlan& plan, const ProgressFn& progress);

  // Pass 1 reads the identities of this many episodes' patients together.
  static constexpr size_t kCandidatesPerRead = 512;

 private:
  // Episodes read ahead of the writer in pass 2, in batches of
  // neighbouring episodes (one worker reads a batch through one
  // EpisodeReader, so the data blocks two neighbours share are read once).
  static constexpr int kEpisodesInFlight = 64;
  static constexpr int kEpisodesPerBatch = 16;
  struct Candidate;
  struct Task;
  struct Prepared;
  using Batch = std::vector<Task>;
  static int WorkerThreads();
  // The episodes of a batch, each as Prepare makes it (on a worker thread).
  absl::StatusOr<std::vector<Prepared>> PrepareBatch(const ExportPlan& plan,
                                                     const std::set<int>& instruments,
                                                     const DatasetWriter& writer,
                                                     Batch& batch) const;
  // One episode of pass 2, read through `reader`, de-identified with
  // `pseudonyms` (the plan's key) and its observation rows rendered by
  // `writer`.
  absl::StatusOr<Prepared> Prepare(const std::set<int>& instruments, const DatasetWriter& writer,
                                   Task& task,
                                   outcomes::Outcomes::EpisodeReader& reader,
                                   Pseudonyms& pseudonyms) const;
  // Calls `fn` for each episode in the filter with its quasi-identifiers.
  absl::Status ForEachCandidate(const ExportPlan& plan,
                                const std::function<absl::Status(const Candidate&)>& fn);

  records::Records* const records_;
  outcomes::Outcomes* const outcomes_;
  const std::string fhir_base_;
};

// The manifest as JSON (Bulk Data style "output" list plus the privacy
// figures). Pure.
std::string ManifestJson(const v1::ExportJob& job, const v1::ExportManifest& manifest);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_EXPORTER_H_
