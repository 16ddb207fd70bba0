// The exporter streams: the memory an export needs does not grow with the
// number of observations. Two cohorts, one five times the other, are
// exported from stores with the same bounded caches; the peak resident
// memory each export adds (VmHWM reset before it) must be about the same.
// Throughput at 1 M and 10 M observations is the benchmark's job.
#include <fstream>
#include <string>

#include "common/status_matchers.h"
#include "device_gateway/uploads.h"
#include "exports/exporter.h"
#include "gtest/gtest.h"
#include "outcomes/outcomes.h"
#include "records/records.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "storage/test_dir.h"

namespace tractus::exports {
namespace {

using ::tractus::testing::IsOk;

// kB from /proc/self/status.
int64_t ProcStatus(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

struct Exported {
  int64_t observations = 0;
  int64_t peak_growth_kb = 0;
};

// Loads `episodes` episodes of 180 observations each, then exports them.
Exported LoadAndExport(int episodes) {
  TestDir dir;
  storage::StoreOptions options;
  options.sync_writes = false;
  options.block_cache_bytes = 2 << 20;
  options.memtable_bytes = 1 << 20;
  auto store = storage::Store::Open(dir.path() + "/db", options);
  EXPECT_THAT(store, IsOk());
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2027, 2, 1, 12, 0, 0), absl::UTCTimeZone()));
  records::Records records(store->get(), &clock);
  device_gateway::Uploads uploads(store->get(), &clock, &records, {});
  outcomes::Outcomes outcomes(store->get(), &records, &uploads, &clock);
  const std::string clinic =
      records.CreateClinic(records::testing::ClinicRequest("mem"))->clinic().clinic_id();
  for (int e = 0; e < episodes; ++e) {
    const std::string tag = std::to_string(e);
    auto patient = records.CreatePatient(records::testing::PatientRequest(clinic, tag));
    EXPECT_THAT(patient, IsOk());
    auto episode = records.CreateEpisode(records::testing::EpisodeRequest(
        patient->patient().patient_id(), tag, v1::CONDITION_SCIATICA));
    EXPECT_THAT(episode, IsOk());
    v1::RecordObservationsRequest batch;
    batch.set_episode_id(episode->episode().episode_id());
    const absl::Time day0 =
        absl::FromCivil(absl::CivilSecond(2026, 11, 2, 18, 0, 0), absl::UTCTimeZone());
    for (int d = 0; d < 84; ++d) {
      for (auto [instrument, value] : {std::pair{v1::INSTRUMENT_NPRS, 6.0 - d / 20},
                                       std::pair{v1::INSTRUMENT_DAILY_STEPS, 4000.0 + 30 * d}}) {
        v1::ObservationInput* in = batch.add_observations();
        in->set_observation_id(absl::StrCat("o", d, "-", instrument));
        in->set_instrument(instrument);
        *in->mutable_effective_time() = records::ToProto(day0 + absl::Hours(24 * d));
        in->set_source(v1::SOURCE_HOME);
        in->set_value(value);
      }
    }
    for (int w = 0; w < 12; ++w) {
      v1::ObservationInput* in = batch.add_observations();
      in->set_observation_id(absl::StrCat("tug", w));
      in->set_instrument(v1::INSTRUMENT_TIMED_UP_AND_GO);
      *in->mutable_effective_time() = records::ToProto(day0 + absl::Hours(24 * 7 * w + 1));
      in->set_source(v1::SOURCE_CLINIC);
      in->set_value(12 - w * 0.3);
    }
    EXPECT_THAT(records.RecordObservations(batch), IsOk());
  }
  EXPECT_THAT((*store)->CompactAll(), IsOk());

  Exporter exporter(&records, &outcomes);
  ExportPlan plan;
  plan.format = v1::EXPORT_FORMAT_CSV;
  plan.k = 5;
  plan.subject_key = std::string(32, 'k');
  plan.dir = dir.path();
  std::ofstream("/proc/self/clear_refs") << "5";  // reset VmHWM to the current RSS
  const int64_t before = ProcStatus("VmRSS");
  auto manifest = exporter.Run(plan, [](int64_t, int64_t) { return true; });
  EXPECT_THAT(manifest, IsOk());
  Exported out;
  out.observations = manifest->observations_exported();
  out.peak_growth_kb = ProcStatus("VmHWM") - before;
  outcomes.Stop();
  return out;
}

TEST(ExporterMemoryTest, PeakMemoryDoesNotGrowWithTheCohort) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan's quarantine keeps freed memory resident: RSS then measures every
  // allocation ever made, not what is live. The release run checks this.
  GTEST_SKIP() << "peak RSS is not meaningful under AddressSanitizer";
#endif
  const Exported small = LoadAndExport(60);
  const Exported large = LoadAndExport(300);
  EXPECT_EQ(small.observations, 60 * 180);
  EXPECT_EQ(large.observations, 300 * 180);
  std::cout << "export peak RSS growth: " << small.observations << " observations "
            << small.peak_growth_kb << " kB; " << large.observations << " observations "
            << large.peak_growth_kb << " kB\n";
  // Five times the data, at most a few MB more (allocator and cache noise).
  EXPECT_LT(large.peak_growth_kb, small.peak_growth_kb + 8 * 1024);
  EXPECT_LT(large.peak_growth_kb, 32 * 1024);
}

}  // namespace
}  // namespace tractus::exports
