// What one clinician's view and one cohort cost in CPU, without gRPC or
// other processes: the synthetic network (dataset.h) is loaded into a store
// in a temporary directory, then, in this process and on one thread,
//   prepare   PrepareProgress: an episode's records -> the time-independent
//             view (what the progress cache keeps), per episode;
//   finish    FinishProgress: the view at a time (adherence, alerts), per
//             call — what every GetEpisodeProgress pays on a cache hit;
//   encode    serializing the finished view (the response's bytes);
//   cohort    GetCohortOutcomes over every episode with summaries cached
//             (median of --runs), and ComputeCohort alone over
//             --cohort_copies copies of the summaries.
// Each figure is the median of --runs passes. Complements outcomes_bench
// (end to end over gRPC, beside uploads), whose figures move with
// whatever else the machine runs.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/dataset.h"
#include "common/clock.h"
#include "device_gateway/uploads.h"
#include "outcomes/outcomes.h"
#include "records/records.h"
#include "storage/store.h"
#include "storage/test_dir.h"

ABSL_FLAG(int, patients, 2000, "patients (one episode each)");
ABSL_FLAG(int, runs, 5, "passes per figure (the median is printed)");
ABSL_FLAG(int, cohort_copies, 50, "copies of the summaries for ComputeCohort alone");

namespace tractus::bench {
namespace {

template <typename F>
double MedianSeconds(int runs, F&& f) {
  std::vector<double> s;
  for (int i = 0; i < runs; ++i) {
    const absl::Time start = absl::Now();
    f();
    s.push_back(absl::ToDoubleSeconds(absl::Now() - start));
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

void Die(const char* what, const absl::Status& s) {
  std::cerr << what << ": " << s << "\n";
  std::exit(1);
}

int Main() {
  spdlog::set_level(spdlog::level::err);
  const int runs = absl::GetFlag(FLAGS_runs);
  TestDir dir;
  DatasetSpec spec{.patients = absl::GetFlag(FLAGS_patients)};
  auto data = LoadDataset(dir.path() + "/data", spec);
  if (!data.ok()) Die("loading", data.status());
  auto store = storage::Store::Open(dir.path() + "/data", storage::StoreOptions{});
  if (!store.ok()) Die("opening", store.status());
  // The dataset's episodes start 2026-08-30; read them at day 70 (week 10).
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 11, 8, 15, 0, 0), absl::UTCTimeZone()));
  records::Records records(store->get(), &clock);
  device_gateway::Uploads uploads(store->get(), &clock, &records, device_gateway::UploadConfig{});
  outcomes::Outcomes outcomes(store->get(), &records, &uploads, &clock);

  std::vector<outcomes::Outcomes::EpisodeData> episodes;
  for (const std::string& id : data->episode_ids) {
    auto e = outcomes.LoadEpisode(id);
    if (!e.ok()) Die("episode", e.status());
    episodes.push_back(std::move(*e));
  }
  const double n = static_cast<double>(episodes.size());
  std::vector<outcomes::ProgressBasis> bases(episodes.size());
  const double prepare = MedianSeconds(runs, [&] {
    for (size_t i = 0; i < episodes.size(); ++i) bases[i] = outcomes::PrepareProgress(episodes[i]);
  });
  std::vector<v1::EpisodeProgress> views(episodes.size());
  const absl::Time now = clock.Now();
  const double finish = MedianSeconds(runs, [&] {
    for (size_t i = 0; i < bases.size(); ++i) views[i] = outcomes::FinishProgress(bases[i], now);
  });
  size_t bytes = 0;
  const double encode = MedianSeconds(runs, [&] {
    bytes = 0;
    for (const v1::EpisodeProgress& v : views) bytes += v.SerializeAsString().size();
  });
  size_t alerts = 0;
  std::map<std::string, int> kinds;
  for (const v1::EpisodeProgress& v : views) {
    alerts += static_cast<size_t>(v.alerts_size());
    for (const v1::Alert& a : v.alerts()) ++kinds[v1::AlertKind_Name(a.kind()).substr(11)];
  }

  v1::GetCohortOutcomesRequest req;
  req.set_condition(v1::CONDITION_HERNIATED_DISC);
  if (auto first = outcomes.GetCohortOutcomes(req); !first.ok()) Die("cohort", first.status());
  const double cohort = MedianSeconds(runs, [&] {
    if (auto c = outcomes.GetCohortOutcomes(req); !c.ok()) Die("cohort", c.status());
  });
  auto summaries = outcomes.CollectCohort(req);
  if (!summaries.ok()) Die("summaries", summaries.status());
  std::vector<analytics::EpisodeSummary> many;
  for (int c = 0; c < absl::GetFlag(FLAGS_cohort_copies); ++c) {
    many.insert(many.end(), summaries->begin(), summaries->end());
  }
  const double compute = MedianSeconds(runs, [&] { (void)analytics::ComputeCohort(many); });

  std::cout << absl::StrFormat(
      "progress_bench: %d episodes (%.0f observations, %.0f sessions each), median of %d\n"
      "  %-40s %8.1f us/episode\n"
      "  %-40s %8.1f us/call\n"
      "  %-40s %8.1f us/call (%.0f bytes, %.1f alerts per view)\n"
      "  %-40s %8.1f ms (%d episodes, summaries cached)\n"
      "  %-40s %8.1f ms (%zu summaries)\n",
      static_cast<int>(n), static_cast<double>(data->observations) / n,
      static_cast<double>(data->sessions) / n, runs, "prepare (records -> cached view)",
      prepare / n * 1e6, "finish (view at a time, with alerts)", finish / n * 1e6,
      "encode (serialize the view)", encode / n * 1e6, static_cast<double>(bytes) / n,
      static_cast<double>(alerts) / n, "cohort over every episode", cohort * 1e3,
      static_cast<int>(n), "ComputeCohort alone", compute * 1e3, many.size());
  std::cout << "  alerts:";
  for (const auto& [kind, count] : kinds) std::cout << " " << kind << " " << count;
  std::cout << "\n";
  return 0;
}

}  // namespace
}  // namespace tractus::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tractus::bench::Main();
}
