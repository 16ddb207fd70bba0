// A synthetic clinic network for the outcome benchmarks, generated
// deterministically from the patient index, loaded through the domain
// layer (the same validation and keys as over gRPC) and written as CSV for
// the PostgreSQL side-by-side.
//
// Each patient has one open episode (herniated disc, day 0 = 2026-08-30,
// UTC clinics) with 100 observations — daily pain (NPRS) on days 0..83,
// a weekly ODI on weeks 0..12, lumbar flexion on weeks 0, 6 and 12 — and
// `sessions` treatment sessions (twice a week) with a short telemetry
// chunk each. About 60 % of patients improve enough to be responders.
#ifndef TRACTUS_BENCH_DATASET_H_
#define TRACTUS_BENCH_DATASET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tractus::bench {

inline constexpr int kObservationsPerEpisode = 100;

struct DatasetSpec {
  int patients = 10000;
  int clinics = 10;
  int sessions = 24;  // per episode
  int threads = 2;
};

struct Dataset {
  std::vector<std::string> clinic_ids;
  std::vector<std::string> episode_ids;  // index = patient index
  int64_t observations = 0;
  int64_t sessions = 0;
  double load_seconds = 0;
};

// Creates the dataset in a new data directory `data_dir` (unsynced writes;
// the store is flushed and closed before returning).
absl::StatusOr<Dataset> LoadDataset(const std::string& data_dir, const DatasetSpec& spec);

// The daily pain of patient `index` on `day` (the value loaded).
int PainOf(int index, int day);

// Writes observations.csv (episode_id,instrument,day,value) with the
// observations LoadDataset stored, for `dataset`'s episodes.
absl::Status WriteObservationsCsv(const Dataset& dataset, const std::string& path);

}  // namespace tractus::bench

#endif  // TRACTUS_BENCH_DATASET_H_
