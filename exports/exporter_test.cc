// The exporter's two passes agree: what pass 2 writes is exactly the
// k-anonymous classes pass 1 counted, whatever changes in between.
#include "exports/exporter.h"

#include <algorithm>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_matchers.h"
#include "device_gateway/uploads.h"
#include "exports/deid.h"
#include "gtest/gtest.h"
#include "outcomes/outcomes.h"
#include "records/records.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "storage/test_dir.h"

namespace tractus::exports {
namespace {

using ::tractus::testing::IsOk;

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(absl::StrSplit(line, ','));
  return rows;
}

// The index of the column `name` in a CSV's header row (fails if absent).
size_t ColumnIndex(const std::vector<std::vector<std::string>>& rows, const std::string& name) {
  const auto it = std::find(rows.at(0).begin(), rows.at(0).end(), name);
  EXPECT_NE(it, rows.at(0).end()) << name;
  return static_cast<size_t>(it - rows.at(0).begin());
}

// A store with the domain layers over it and one clinic.
class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        storage::Store::Open(dir_.path() + "/db", storage::StoreOptions{.sync_writes = false});
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    records_ = std::make_unique<records::Records>(store_.get(), &clock_);
    uploads_ = std::make_unique<device_gateway::Uploads>(store_.get(), &clock_, records_.get(),
                                                         device_gateway::UploadConfig{});
    outcomes_ =
        std::make_unique<outcomes::Outcomes>(store_.get(), records_.get(), uploads_.get(), &clock_);
    clinic_ = records_->CreateClinic(records::testing::ClinicRequest("c"))->clinic().clinic_id();
  }
  void TearDown() override {
    if (outcomes_) outcomes_->Stop();
  }

  // Exports everything with threshold `k` into dir_, under kSubjectKey.
  absl::StatusOr<v1::ExportManifest> Export(
      int k, const ProgressFn& progress = [](int64_t, int64_t) { return true; },
      const std::string& dir = "", v1::ExportFormat format = v1::EXPORT_FORMAT_CSV,
      const v1::ExportCoarsening& coarsening = {}) {
    Exporter exporter(records_.get(), outcomes_.get());
    ExportPlan plan;
    plan.coarsening = coarsening;
    plan.format = format;
    plan.k = k;
    plan.subject_key = kSubjectKey;
    plan.dir = dir.empty() ? dir_.path() : dir;
    return exporter.Run(plan, progress);
  }

  // A new patient of the clinic with one episode (day 0 2026-11-02) of
  // `condition`; the episode's id.
  std::string NewEpisode(const std::string& tag,
                         v1::Condition condition = v1::CONDITION_SCIATICA) {
    auto patient = records_->CreatePatient(records::testing::PatientRequest(clinic_, tag));
    EXPECT_THAT(patient, IsOk());
    auto episode = records_->CreateEpisode(
        records::testing::EpisodeRequest(patient->patient().patient_id(), tag, condition));
    EXPECT_THAT(episode, IsOk());
    return episode.ok() ? episode->episode().episode_id() : "";
  }

  // Home NPRS `value(day)` at 18:00 UTC on episode days 0..last_day.
  void HomePain(const std::string& episode_id, int last_day,
                const std::function<int(int)>& value) {
    v1::RecordObservationsRequest rec;
    rec.set_episode_id(episode_id);
    for (int day = 0; day <= last_day; ++day) {
      v1::ObservationInput* in = rec.add_observations();
      in->set_observation_id(absl::StrCat("o", day));
      in->set_instrument(v1::INSTRUMENT_NPRS);
      in->set_source(v1::SOURCE_HOME);
      in->set_value(value(day));
      *in->mutable_effective_time() = records::ToProto(
          absl::FromCivil(absl::CivilSecond(2026, 11, 2, 18, 0, 0), absl::UTCTimeZone()) +
          absl::Hours(24 * day));
    }
    ASSERT_THAT(records_->RecordObservations(rec), IsOk());
  }

  const std::string kSubjectKey = std::string(32, 'k');

  TestDir dir_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2027, 2, 1, 12, 0, 0), absl::UTCTimeZone())};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<records::Records> records_;
  std::unique_ptr<device_gateway::Uploads> uploads_;
  std::unique_ptr<outcomes::Outcomes> outcomes_;
  std::string clinic_;
};

TEST_F(ExporterTest, ChangesBetweenThePassesDoNotBreakTheClasses) {
  // Five patients of one class (female, 65-69, 606, sciatica): exactly k.
  std::vector<std::string> patients;
  const auto add_patient = [&](const std::string& tag) {
    auto patient = records_->CreatePatient(records::testing::PatientRequest(clinic_, tag));
    ASSERT_THAT(patient, IsOk());
    patients.push_back(patient->patient().patient_id());
    ASSERT_THAT(records_->CreateEpisode(
                    records::testing::EpisodeRequest(patients.back(), tag, v1::CONDITION_SCIATICA)),
                IsOk());
  };
  for (int i = 0; i < 5; ++i) add_patient(std::to_string(i));

  // Between the passes (progress reports 0 done once pass 1 is over): a
  // sixth patient of the class arrives, and one of the five is corrected
  // into another age band.
  bool changed = false;
  auto manifest = Export(5, [&](int64_t done, int64_t total) {
    if (done == 0 && !changed) {
      changed = true;
      EXPECT_EQ(total, 5);
      add_patient("late");
      v1::UpdatePatientRequest update;
      update.mutable_patient()->set_patient_id(patients[0]);
      update.mutable_patient()->mutable_identity()->mutable_birth_date()->set_year(1951);
      update.mutable_patient()->mutable_identity()->mutable_birth_date()->set_month(6);
      update.mutable_patient()->mutable_identity()->mutable_birth_date()->set_day(6);
      update.mutable_update_mask()->add_paths("identity.birth_date");
      EXPECT_THAT(records_->UpdatePatient(update), IsOk());
    }
    return true;
  });
  ASSERT_THAT(manifest, IsOk());
  ASSERT_TRUE(changed);
  // The five pass 1 counted, as it counted them: still one class of k.
  EXPECT_EQ(manifest->episodes_exported(), 5);
  EXPECT_EQ(manifest->classes(), 1);
  EXPECT_EQ(manifest->smallest_class(), 5);
  EXPECT_EQ(manifest->suppressed_size(), 0);
  const auto rows = ReadCsv(dir_.path() + "/episodes.csv");
  ASSERT_EQ(rows.size(), 6u);  // header and five episodes
  ASSERT_EQ(rows[0][2], "age_band");
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][2], "65-69") << i;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// No exported value is computed from the export's own time: export date
// minus days observed of an open episode gave its day 0, hence calendar
// dates for every value (a Safe Harbor date leak). The same data exported
// on three different days gives the same files, byte for byte.
TEST_F(ExporterTest, TheSameDataExportedOnDifferentDaysGivesTheSameFiles) {
  // Six open episodes (day 0 on 2026-11-02) with pain on days 0..3+i and
  // one closed early; the export runs 2027-02-01, then 3 and 40 days later.
  for (int i = 0; i < 6; ++i) {
    ASSERT_NO_FATAL_FAILURE(
        HomePain(NewEpisode(std::to_string(i)), 3 + i, [](int day) { return 7 - day % 4; }));
  }
  std::vector<std::string> dirs;
  for (int days_later : {0, 3, 40}) {
    clock_.Advance(absl::Hours(24) * days_later);
    dirs.push_back(absl::StrCat(dir_.path(), "/run", days_later));
    std::filesystem::create_directories(dirs.back());
    ASSERT_THAT(Export(5, [](int64_t, int64_t) { return true; }, dirs.back()), IsOk());
  }
  for (const char* file : {"episodes.csv", "observations.csv", "data_dictionary.csv"}) {
    const std::string first = Slurp(dirs[0] + "/" + file);
    ASSERT_FALSE(first.empty()) << file;
    EXPECT_EQ(Slurp(dirs[1] + "/" + file), first) << file;
    EXPECT_EQ(Slurp(dirs[2] + "/" + file), first) << file;
  }
  // Days observed: the episode day of the latest value (3 + i), not the
  // ~91 days to the export date.
  const auto rows = ReadCsv(dirs[0] + "/episodes.csv");
  const size_t days_observed = ColumnIndex(rows, "days_observed");
  std::multiset<std::string> observed;
  for (size_t i = 1; i < rows.size(); ++i) observed.insert(rows[i][days_observed]);
  EXPECT_EQ(observed, (std::multiset<std::string>{"3", "4", "5", "6", "7", "8"}));
}

// Every file of a release satisfies k over what that file shows, checked
// by tests/export_k_check.py (no code shared with the exporter). The case
// an outside test found: a patient aged 64 at one episode and 65 at the
// next completes a class of 65-69 (4 others + them = k), but a Patient
// resource with one age band showed them as 60-64, leaving 4 Patients in
// the 65-69 class of Patient.ndjson.
TEST_F(ExporterTest, EveryFileOfAReleaseHoldsKOverWhatItShows) {
  const auto patient = [&](const std::string& tag, int birth_year) {
    v1::CreatePatientRequest req = records::testing::PatientRequest(clinic_, tag);
    req.mutable_patient()->mutable_identity()->mutable_birth_date()->set_year(birth_year);
    req.mutable_patient()->mutable_identity()->mutable_birth_date()->set_month(1);
    req.mutable_patient()->mutable_identity()->mutable_birth_date()->set_day(15);
    auto created = records_->CreatePatient(req);
    EXPECT_THAT(created, IsOk());
    return created->patient().patient_id();
  };
  const auto episode = [&](const std::string& patient_id, const std::string& tag, int year,
                           int month) {
    v1::CreateEpisodeRequest req =
        records::testing::EpisodeRequest(patient_id, tag, v1::CONDITION_SCIATICA);
    req.mutable_episode()->mutable_start_date()->set_year(year);
    req.mutable_episode()->mutable_start_date()->set_month(month);
    auto created = records_->CreateEpisode(req);
    EXPECT_THAT(created, IsOk());
    return created->episode().episode_id();
  };
  // Four patients aged 65 (born 1961), five aged 64 (born 1962) at day 0
  // in Nov 2026; the first of the five returns for an episode in Feb 2027,
  // aged 65.
  for (int i = 0; i < 4; ++i) {
    episode(patient(absl::StrCat("old", i), 1961), absl::StrCat("old", i), 2026, 11);
  }
  std::string returning;
  for (int i = 0; i < 5; ++i) {
    const std::string id = patient(absl::StrCat("young", i), 1962);
    const std::string first = episode(id, absl::StrCat("young", i, "-1"), 2026, 11);
    if (i > 0) continue;
    returning = id;
    v1::CloseEpisodeRequest close;
    close.set_episode_id(first);
    close.set_reason(v1::CLOSE_REASON_COMPLETED);
    ASSERT_THAT(records_->CloseEpisode(close), IsOk());
    episode(id, "young0-2", 2027, 2);
  }
  for (const auto& [format, name] : {std::pair{v1::EXPORT_FORMAT_CSV, "csv"},
                                     std::pair{v1::EXPORT_FORMAT_FHIR_NDJSON, "fhir"}}) {
    const std::string dir = absl::StrCat(dir_.path(), "/", name);
    std::filesystem::create_directories(dir);
    auto manifest = Export(5, [](int64_t, int64_t) { return true; }, dir, format);
    ASSERT_THAT(manifest, IsOk());
    EXPECT_EQ(manifest->episodes_exported(), 10) << name;  // both classes hold exactly k
    EXPECT_EQ(manifest->smallest_class(), 5) << name;
    const std::string command = absl::StrCat("/usr/bin/python3 ", EXPORT_K_CHECK, " --dir=", dir,
                                             " --k=5 --format=", name);
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
  }
}

// The manifest says how many subjects an acquaintance could single out on
// what they know (sessions, measures, days measured), and the coarsening
// options bring it down. Ten patients of one class report pain on days
// 0..i (i = 0..9): exact, each has a different number of days (10 of 10
// unique); in weeks, 7 have one week and 3 have two (none unique).
TEST_F(ExporterTest, ManifestGivesUniquenessBeforeAndAfterCoarsening) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_NO_FATAL_FAILURE(HomePain(NewEpisode(absl::StrCat("u", i)), i, [](int) { return 5; }));
  }
  const auto run = [&](const std::string& name, const v1::ExportCoarsening& coarsening) {
    const std::string dir = absl::StrCat(dir_.path(), "/", name);
    std::filesystem::create_directories(dir);
    auto manifest = Export(5, [](int64_t, int64_t) { return true; }, dir,
                           v1::EXPORT_FORMAT_CSV, coarsening);
    EXPECT_THAT(manifest, IsOk());
    return std::make_pair(*manifest, dir);
  };
  const auto [plain, plain_dir] = run("plain", {});
  ASSERT_EQ(plain.uniqueness_size(), 3);
  EXPECT_EQ(plain.uniqueness(0).known(), "sessions_done");
  EXPECT_EQ(plain.uniqueness(0).exact(), 0);  // no sessions: the class alone
  EXPECT_EQ(plain.uniqueness(1).exact(), 0);  // one measure each
  EXPECT_EQ(plain.uniqueness(2).known(), "sessions_done+measures+days_measured");
  EXPECT_EQ(plain.uniqueness(2).exact(), 1);
  EXPECT_EQ(plain.uniqueness(2).released(), 1);

  v1::ExportCoarsening both;
  both.set_count_bands(true);
  both.set_days_as_weeks(true);
  const auto [coarse, coarse_dir] = run("coarse", both);
  EXPECT_EQ(coarse.uniqueness(2).exact(), 1);
  EXPECT_EQ(coarse.uniqueness(2).released(), 0);
  EXPECT_TRUE(coarse.coarsening().days_as_weeks());
  // What the files show: bands instead of counts, weeks instead of days.
  const auto episodes = ReadCsv(coarse_dir + "/episodes.csv");
  const auto column = [&](const std::vector<std::vector<std::string>>& rows,
                          const std::string& name) {
    for (size_t c = 0; c < rows[0].size(); ++c) {
      if (rows[0][c] == name) return c;
    }
    ADD_FAILURE() << name;
    return size_t{0};
  };
  for (size_t i = 1; i < episodes.size(); ++i) {
    EXPECT_EQ(episodes[i][column(episodes, "sessions_done")], "");
    EXPECT_EQ(episodes[i][column(episodes, "sessions_done_band")], "0");
    EXPECT_EQ(episodes[i][column(episodes, "days_observed")], "");
  }
  const auto observations = ReadCsv(coarse_dir + "/observations.csv");
  std::set<std::string> weeks;
  for (size_t i = 1; i < observations.size(); ++i) {
    EXPECT_EQ(observations[i][column(observations, "day")], "");
    EXPECT_EQ(observations[i][column(observations, "offset_minutes")], "");
    weeks.insert(observations[i][column(observations, "week")]);
  }
  EXPECT_EQ(weeks, (std::set<std::string>{"0", "1"}));
  // Without coarsening the same columns hold exact values, and the band
  // columns are empty: the schema does not change with the options.
  const auto exact = ReadCsv(plain_dir + "/episodes.csv");
  EXPECT_EQ(exact[0], episodes[0]);
  EXPECT_EQ(exact[1][column(exact, "sessions_done")], "0");
  EXPECT_EQ(exact[1][column(exact, "sessions_done_band")], "");
}

// The straight leg raise keeps its side in both formats (it was dropped).
TEST_F(ExporterTest, StraightLegRaiseKeepsItsSide) {
  for (int i = 0; i < 5; ++i) {
    v1::RecordObservationsRequest rec;
    rec.set_episode_id(NewEpisode(absl::StrCat("slr", i)));
    v1::ObservationInput* in = rec.add_observations();
    in->set_observation_id("slr");
    in->set_instrument(v1::INSTRUMENT_STRAIGHT_LEG_RAISE);
    in->set_source(v1::SOURCE_CLINIC);
    in->set_value(40 + i);
    in->set_laterality(i % 2 == 0 ? v1::LATERALITY_LEFT : v1::LATERALITY_RIGHT);
    *in->mutable_effective_time() = records::ToProto(
        absl::FromCivil(absl::CivilSecond(2026, 11, 3, 10, 0, 0), absl::UTCTimeZone()));
    ASSERT_THAT(records_->RecordObservations(rec), IsOk());
  }
  const std::string csv_dir = dir_.path() + "/csv", fhir_dir = dir_.path() + "/fhir";
  std::filesystem::create_directories(csv_dir);
  std::filesystem::create_directories(fhir_dir);
  ASSERT_THAT(Export(5, [](int64_t, int64_t) { return true; }, csv_dir), IsOk());
  ASSERT_THAT(Export(5, [](int64_t, int64_t) { return true; }, fhir_dir,
                     v1::EXPORT_FORMAT_FHIR_NDJSON),
              IsOk());
  const auto rows = ReadCsv(csv_dir + "/observations.csv");
  ASSERT_EQ(rows.size(), 6u);
  const size_t laterality = ColumnIndex(rows, "laterality");
  std::multiset<std::string> sides;
  for (size_t i = 1; i < rows.size(); ++i) sides.insert(rows[i][laterality]);
  EXPECT_EQ(sides, (std::multiset<std::string>{"left", "left", "left", "right", "right"}));
  const std::string fhir = Slurp(fhir_dir + "/Observation.ndjson");
  size_t left = 0;
  for (size_t at = fhir.find(R"("bodySite":{"text":"left leg"})"); at != std::string::npos;
       at = fhir.find(R"("bodySite":{"text":"left leg"})", at + 1)) {
    ++left;
  }
  EXPECT_EQ(left, 3u);
}

// Pass 1 reads patients' identities for many episodes at once: each
// episode's quasi-identifiers are its own patient's, across reads.
TEST_F(ExporterTest, QuasiIdentifiersAreEachEpisodesOwnAcrossIdentityReads) {
  constexpr int kEpisodes = 2 * static_cast<int>(Exporter::kCandidatesPerRead) + 37;
  std::map<std::string, std::pair<std::string, std::string>> expected;  // subject: sex, zip3
  Pseudonyms pseudonyms(kSubjectKey);
  for (int i = 0; i < kEpisodes; ++i) {
    const std::string tag = std::to_string(i);
    v1::CreatePatientRequest req = records::testing::PatientRequest(clinic_, tag);
    v1::PatientIdentity* id = req.mutable_patient()->mutable_identity();
    id->set_sex(i % 2 == 0 ? v1::SEX_FEMALE : v1::SEX_MALE);
    id->set_zip_code(i % 3 == 0 ? "60614" : i % 3 == 1 ? "10001" : "94110");
    auto patient = records_->CreatePatient(req);
    ASSERT_THAT(patient, IsOk());
    const std::string& patient_id = patient->patient().patient_id();
    ASSERT_THAT(records_->CreateEpisode(
                    records::testing::EpisodeRequest(patient_id, tag, v1::CONDITION_SCIATICA)),
                IsOk());
    expected[pseudonyms.SubjectId(patient_id)] = {i % 2 == 0 ? "female" : "male",
                                                  id->zip_code().substr(0, 3)};
  }
  auto manifest = Export(5);
  ASSERT_THAT(manifest, IsOk());
  EXPECT_EQ(manifest->episodes_exported(), kEpisodes);
  EXPECT_EQ(manifest->classes(), 6);
  const auto rows = ReadCsv(dir_.path() + "/episodes.csv");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kEpisodes) + 1);
  ASSERT_EQ(rows[0][3], "sex");
  ASSERT_EQ(rows[0][4], "zip3");
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto it = expected.find(rows[i][0]);
    ASSERT_NE(it, expected.end()) << rows[i][0];
    EXPECT_EQ(rows[i][3], it->second.first) << i;
    EXPECT_EQ(rows[i][4], it->second.second) << i;
  }
}

// Pass 2 reads neighbouring episodes in batches: every episode is written
// or counted as suppressed exactly once, with all of its observations,
// across batch boundaries and whatever the mix.
TEST_F(ExporterTest, EveryEpisodeIsWrittenOrSuppressedOnceAcrossBatches) {
  // 45 episodes: 38 with sciatica (one class, kept), 7 with stenosis (a
  // class of 7 < k, suppressed), interleaved; episode i has i % 6 + 1
  // observations.
  int64_t kept_observations = 0, suppressed_observations = 0;
  for (int i = 0; i < 45; ++i) {
    const bool kept = i % 6 != 5;
    const std::string episode = NewEpisode(
        std::to_string(i), kept ? v1::CONDITION_SCIATICA : v1::CONDITION_SPINAL_STENOSIS);
    ASSERT_NO_FATAL_FAILURE(HomePain(episode, i % 6, [](int day) { return day % 10; }));
    (kept ? kept_observations : suppressed_observations) += i % 6 + 1;
  }

  auto manifest = Export(8);
  ASSERT_THAT(manifest, IsOk());
  EXPECT_EQ(manifest->episodes_exported(), 38);
  EXPECT_EQ(manifest->observations_exported(), kept_observations);
  ASSERT_EQ(manifest->suppressed_size(), 1);
  EXPECT_EQ(manifest->suppressed(0).episodes(), 7);
  EXPECT_EQ(manifest->suppressed(0).observations(), suppressed_observations);
  const auto episodes = ReadCsv(dir_.path() + "/episodes.csv");
  const auto observations = ReadCsv(dir_.path() + "/observations.csv");
  ASSERT_EQ(episodes.size(), 39u);
  ASSERT_EQ(static_cast<int64_t>(observations.size()), kept_observations + 1);
  // Each episode once, and its rows right after the previous episode's.
  std::set<std::string> refs;
  for (size_t i = 1; i < episodes.size(); ++i) refs.insert(episodes[i][1]);
  EXPECT_EQ(refs.size(), 38u);
  std::vector<std::string> order;
  for (size_t i = 1; i < observations.size(); ++i) {
    if (order.empty() || order.back() != observations[i][1]) order.push_back(observations[i][1]);
  }
  EXPECT_EQ(order.size(), 38u);
}

}  // namespace
}  // namespace tractus::exports
