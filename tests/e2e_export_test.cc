// Anonymized exports end to end, as an analyst over a real server: CSV and
// FHIR NDJSON files downloaded through ReadExportFile, scanned by a privacy
// checker for every identifying value in the source data; k-anonymity;
// intervals preserved; linkage keys; one job per analyst; cancel; restart.
#include <grpcpp/grpcpp.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/export_command.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"

namespace tractus::testing {
namespace {

struct SourcePatient {
  std::string given, family, mrn, zip, birth;  // birth: YYYY-MM-DD
  int birth_year;
  bool over_89;
  std::string episode_id;
};

class ExportE2eTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    auto clinic = CreateClinic(records::testing::ClinicRequest("export"));
    ASSERT_TRUE(clinic.ok());
    clinic_id_ = clinic->clinic().clinic_id();
    // Ten patients in one class (50-54, female, 606, sciatica) and two
    // who would stand out: a 93-year-old and a man from a restricted ZIP3.
    for (int i = 0; i < 10; ++i) {
      AddPatient({"Amelia" + std::string(1, static_cast<char>('A' + i)), "Quintero-Blake",
                  "MRN-EXP-" + std::to_string(1000 + i), "60614",
                  "1972-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10), 1972,
                  false, ""},
                 v1::SEX_FEMALE);
    }
    AddPatient({"Bartholomew", "Oldenburg", "MRN-EXP-OLD", "60615", "1933-03-04", 1933, true, ""},
               v1::SEX_FEMALE);
    AddPatient({"Cyrus", "Moosehead", "MRN-EXP-RARE", "03601", "1972-05-05", 1972, false, ""},
               v1::SEX_MALE);
    // A table with a serial number uploads a session for the first patient.
    GatewayClient gw(server_->address(), keys_);
    const std::string credential = gw.Enroll(clinic_id_, kSerial);
    ASSERT_TRUE(gw.UploadWholeSession(
                      credential,
                      GatewayClient::Header("s-export", patients_[0].episode_id, Day(2, 9),
                                            Day(2, 10)),
                      1)
                    .ok());

    analyst_key_ = *MakeUserKey(server_->address(), keys_, v1::ROLE_ANALYST, {clinic_id_});
    analyst_ = std::make_unique<cli::Client>(TestChannel(server_->address(), analyst_key_),
                                             absl::Seconds(20));
  }

  // Day `d` of the episodes (day 0 = 2026-11-02, Chicago) at `hour`.
  static absl::Time Day(int d, int hour) {
    absl::TimeZone chicago;
    absl::LoadTimeZone("America/Chicago", &chicago);
    return absl::FromCivil(absl::CivilSecond(2026, 11, 2 + d, hour, 0, 0), chicago);
  }

  void AddPatient(SourcePatient p, v1::Sex sex) {
    auto req = records::testing::PatientRequest(clinic_id_, p.mrn);
    auto* id = req.mutable_patient()->mutable_identity();
    id->set_given_name(p.given);
    id->set_family_name(p.family);
    id->set_mrn(p.mrn);
    id->set_zip_code(p.zip);
    id->set_sex(sex);
    std::vector<std::string> ymd = absl::StrSplit(p.birth, '-');
    id->mutable_birth_date()->set_year(std::stoi(ymd[0]));
    id->mutable_birth_date()->set_month(std::stoi(ymd[1]));
    id->mutable_birth_date()->set_day(std::stoi(ymd[2]));
    auto patient = client_->Call(&v1::PatientService::Stub::CreatePatient, client_->patients(), req);
    ASSERT_TRUE(patient.ok()) << patient.status();
    auto episode = client_->Call(
        &v1::EpisodeService::Stub::CreateEpisode, client_->episodes(),
        records::testing::EpisodeRequest(patient->patient().patient_id(), p.mrn,
                                         v1::CONDITION_SCIATICA));
    ASSERT_TRUE(episode.ok()) << episode.status();
    p.episode_id = episode->episode().episode_id();
    // Pain at home on days 1, 3 and 8 at 18:00; a PSFS with free text.
    for (int d : {1, 3, 8}) {
      v1::SubmitHomeReportRequest r;
      r.set_episode_id(p.episode_id);
      r.set_report_id("pain-" + std::to_string(d));
      *r.mutable_effective_time() = records::ToProto(Day(d, 18));
      r.set_pain_nprs(7 - d / 3);
      ASSERT_TRUE(client_->Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                                client_->home_reports(), r).ok());
    }
    v1::SubmitHomeReportRequest psfs;
    psfs.set_episode_id(p.episode_id);
    psfs.set_report_id("psfs-0");
    *psfs.mutable_effective_time() = records::ToProto(Day(0, 10));
    for (const char* activity : {"gardening with grandchildren", "driving to Kenosha",
                                 "lifting the parrot cage"}) {
      auto* a = psfs.mutable_psfs()->add_activities();
      a->set_activity(activity);
      a->set_score(4);
    }
    ASSERT_TRUE(client_->Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                              client_->home_reports(), psfs).ok());
    patients_.push_back(p);
  }

  absl::StatusOr<v1::ExportJob> Export(v1::ExportFormat format, const std::string& linkage = "",
                                       const std::string& request_id = "") {
    v1::StartExportRequest req;
    req.set_request_id(request_id.empty() ? "exp-" + std::to_string(++exports_) : request_id);
    req.set_format(format);
    req.set_linkage_key(linkage);
    auto started = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
    if (!started.ok()) return started.status();
    server_->WaitForExports();
    v1::GetExportRequest get;
    get.set_export_id(started->job().export_id());
    auto job = analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get);
    if (!job.ok()) return job.status();
    return job->job();
  }

  // Every file of `job`, downloaded: name -> content.
  std::map<std::string, std::string> Download(const v1::ExportJob& job) {
    std::map<std::string, std::string> files;
    for (const v1::ExportFile& f : job.manifest().files()) {
      const std::string path = dir_.path() + "/" + job.export_id() + "-" + f.name();
      auto bytes = cli::DownloadExportFile(*analyst_, job.export_id(), f, path);
      EXPECT_TRUE(bytes.ok()) << bytes.status();
      std::ifstream in(path);
      std::stringstream content;
      content << in.rdbuf();
      files[f.name()] = content.str();
    }
    return files;
  }

  // Every file of `job`, downloaded into the folder dir_/`name` under its
  // own name (as an analyst keeps a release); the folder.
  std::string DownloadRelease(const v1::ExportJob& job, const std::string& name) {
    const std::string folder = dir_.path() + "/" + name;
    std::filesystem::create_directories(folder);
    for (const v1::ExportFile& f : job.manifest().files()) {
      auto bytes = cli::DownloadExportFile(*analyst_, job.export_id(), f, folder + "/" + f.name());
      EXPECT_TRUE(bytes.ok()) << bytes.status();
    }
    return folder;
  }

  // What clinics measure besides pain, for every patient, on days 0 and 22:
  // an ODI with one section unanswered, an RMDQ, a PROMIS PI 6a, both legs'
  // straight leg raise and a lumbar extension in fractions of a degree.
  void AddMeasures() {
    for (size_t i = 0; i < patients_.size(); ++i) {
      v1::RecordObservationsRequest rec;
      rec.set_episode_id(patients_[i].episode_id);
      for (int day : {0, 22}) {
        const auto add = [&](const std::string& id, v1::Instrument instrument) {
          v1::ObservationInput* in = rec.add_observations();
          in->set_observation_id(absl::StrCat(id, "-", day));
          in->set_instrument(instrument);
          in->set_source(v1::SOURCE_CLINIC);
          *in->mutable_effective_time() = records::ToProto(Day(day, 11));
          return in;
        };
        v1::OdiAnswers* odi = add("odi", v1::INSTRUMENT_ODI)->mutable_odi();
        odi->set_pain_intensity(day == 0 ? 4 : 2);
        odi->set_personal_care(1);
        odi->set_lifting(3);
        odi->set_walking(2);
        odi->set_sitting(3);
        odi->set_standing(2);
        odi->set_sleeping(1);
        odi->set_social_life(2);
        odi->set_travelling(2);  // sex_life unanswered
        v1::RmdqAnswers* rmdq = add("rmdq", v1::INSTRUMENT_RMDQ)->mutable_rmdq();
        for (int item = 0; item < 24; ++item) rmdq->add_items(item % (day == 0 ? 2 : 3) == 0);
        v1::PromisPi6aAnswers* promis =
            add("promis", v1::INSTRUMENT_PROMIS_PI_6A)->mutable_promis_pi_6a();
        for (int item : {3, 4, 2, 3, 3, 4}) promis->add_items(day == 0 ? item : item - 1);
        for (v1::Laterality side : {v1::LATERALITY_LEFT, v1::LATERALITY_RIGHT}) {
          v1::ObservationInput* slr =
              add(side == v1::LATERALITY_LEFT ? "slr-l" : "slr-r", v1::INSTRUMENT_STRAIGHT_LEG_RAISE);
          slr->set_laterality(side);
          slr->set_value(45.5 + day / 2.0 + static_cast<double>(i));
        }
        add("ext", v1::INSTRUMENT_LUMBAR_EXTENSION)->set_value(12.25 + day / 4.0);
      }
      const auto recorded = client_->Call(&v1::ObservationService::Stub::RecordObservations,
                                          client_->observations(), rec);
      ASSERT_TRUE(recorded.ok()) << recorded.status();
    }
  }

  // Whether `value` appears in `content` as a whole token (not inside a
  // longer run of letters, digits, '_' or '-'): the exports' random hex ids
  // may hold a zip code's digits by chance (one held "60615").
  static bool HoldsToken(const std::string& content, const std::string& value) {
    const auto token_char = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    };
    for (size_t at = content.find(value); at != std::string::npos;
         at = content.find(value, at + 1)) {
      const size_t end = at + value.size();
      if ((at == 0 || !token_char(content[at - 1])) &&
          (end == content.size() || !token_char(content[end]))) {
        return true;
      }
    }
    return false;
  }

  // The privacy checker: no identifying value of the source data anywhere.
  void ExpectNoIdentifiers(const std::map<std::string, std::string>& files) {
    std::vector<std::string> forbidden = {kSerial, "gardening", "Kenosha", "parrot",
                                          clinic_id_};
    for (const SourcePatient& p : patients_) {
      forbidden.insert(forbidden.end(), {p.given, p.family, p.mrn, p.zip, p.birth,
                                         p.episode_id});
    }
    const std::regex iso_date(R"(\b(19|20)\d\d-\d\d-\d\d\b)");
    for (const auto& [name, content] : files) {
      for (const std::string& value : forbidden) {
        EXPECT_FALSE(HoldsToken(content, value)) << name << " holds " << value;
      }
      EXPECT_FALSE(std::regex_search(content, iso_date)) << name << " holds a calendar date";
      // The manifest's sizes and counts are numbers that may equal a year
      // by chance (a file of 1933 bytes): its sizes are left out here.
      const std::string searched =
          name == "manifest.json"
              ? std::regex_replace(content, std::regex(R"re("(bytes|count)": \d+)re"), "")
              : content;
      for (const SourcePatient& p : patients_) {
        if (!p.over_89) continue;
        const std::regex year("\\b" + std::to_string(p.birth_year) + "\\b");
        EXPECT_FALSE(std::regex_search(searched, year))
            << name << " holds the birth year of someone over 89";
      }
      EXPECT_EQ(content.find("pt_"), std::string::npos) << name << " holds a patient id";
    }
  }

  static std::vector<std::vector<std::string>> Csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      rows.push_back(absl::StrSplit(line, ','));
    }
    return rows;
  }

  static constexpr char kSerial[] = "SN-TRACTION-77341";
  std::string clinic_id_;
  std::vector<SourcePatient> patients_;
  std::string analyst_key_;
  std::unique_ptr<cli::Client> analyst_;
  int exports_ = 0;
};

TEST_F(ExportE2eTest, CsvIsDeidentifiedKAnonymousAndKeepsIntervals) {
  auto job = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->state(), v1::EXPORT_STATE_SUCCEEDED) << job->failure();
  const v1::ExportManifest& m = job->manifest();
  EXPECT_EQ(m.episodes_exported(), 10);
  ASSERT_EQ(m.suppressed_size(), 1);
  EXPECT_EQ(m.suppressed(0).episodes(), 2);  // the 93-year-old and the rare ZIP3
  EXPECT_EQ(m.k(), 5);
  EXPECT_EQ(m.classes(), 1);
  EXPECT_EQ(m.smallest_class(), 10);
  EXPECT_DOUBLE_EQ(m.max_reidentification_risk(), 0.1);
  EXPECT_FALSE(m.zip3_list_version().empty());

  auto files = Download(*job);
  // episodes, observations, items, sessions; dictionary, schema, two load
  // scripts; manifest.
  ASSERT_EQ(files.size(), 9u);
  ExpectNoIdentifiers(files);

  // Every equivalence class holds at least k episodes.
  auto episodes = Csv(files.at("episodes.csv"));
  ASSERT_EQ(episodes.size(), 11u);  // header + 10
  std::map<std::string, int> classes;
  for (size_t i = 1; i < episodes.size(); ++i) {
    classes[episodes[i][2] + "|" + episodes[i][3] + "|" + episodes[i][4] + "|" + episodes[i][5]]++;
  }
  for (const auto& [key, n] : classes) EXPECT_GE(n, 5) << key;
  EXPECT_EQ(classes.begin()->first, "50-54|female|606|sciatica");

  // Intervals between a patient's observations are those of the source
  // (days 1, 3 and 8 at 18:00): offsets 2520, 5400, 12600 minutes.
  auto observations = Csv(files.at("observations.csv"));
  std::map<std::string, std::vector<int64_t>> pain_offsets;
  for (size_t i = 1; i < observations.size(); ++i) {
    if (observations[i][2] == "nprs" && observations[i][8] == "home") {
      pain_offsets[observations[i][0]].push_back(std::stoll(observations[i][6]));
    }
  }
  ASSERT_EQ(pain_offsets.size(), 10u);
  for (const auto& [subject, offsets] : pain_offsets) {
    EXPECT_EQ(offsets, (std::vector<int64_t>{2520, 5400, 12600})) << subject;
  }
  // The dictionary describes every column of every table, named by file,
  // with the days a weekly figure covers.
  const std::string dictionary = files.at("data_dictionary.csv");
  for (const char* table : {"episodes.csv", "observations.csv", "items.csv", "sessions.csv"}) {
    const auto rows = Csv(files.at(table));
    for (const std::string& column : rows.at(0)) {
      EXPECT_NE(dictionary.find(std::string(table) + "," + column + ","), std::string::npos)
          << table << " " << column;
    }
  }
  EXPECT_NE(dictionary.find("72514-3"), std::string::npos);
  EXPECT_NE(dictionary.find("median of the values of week 4 (episode days 28-34)"),
            std::string::npos);
}

// k counts people, not episodes: five more episodes of the 93-year-old do
// not make a class of one patient exportable.
TEST_F(ExportE2eTest, ADownloadThatDoesNotMatchTheManifestIsDataLoss) {
  auto job = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->state(), v1::EXPORT_STATE_SUCCEEDED) << job->failure();
  const v1::ExportFile* observations = nullptr;
  for (const v1::ExportFile& f : job->manifest().files()) {
    if (f.name() == "observations.csv") observations = &f;
  }
  ASSERT_NE(observations, nullptr);
  const std::string path = dir_.path() + "/checked.csv";
  auto bytes = cli::DownloadExportFile(*analyst_, job->export_id(), *observations, path);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, observations->bytes());
  EXPECT_EQ(std::filesystem::file_size(path), static_cast<uintmax_t>(observations->bytes()));
  // The same bytes against a manifest that says otherwise.
  v1::ExportFile tampered = *observations;
  tampered.set_sha256(std::string(64, '0'));
  EXPECT_EQ(cli::DownloadExportFile(*analyst_, job->export_id(), tampered, path).status().code(),
            absl::StatusCode::kDataLoss);
}

// Reading past the end of a file is OUT_OF_RANGE (the gRPC convention);
// at the end, an empty stream; a negative offset names the field.
TEST_F(ExportE2eTest, ReadingPastTheEndIsOutOfRange) {
  auto job = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(job.ok() && job->state() == v1::EXPORT_STATE_SUCCEEDED);
  const v1::ExportFile& file = job->manifest().files(0);
  const auto read = [&](int64_t offset, int* parts) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ReadExportFileRequest req;
    req.set_export_id(job->export_id());
    req.set_file_name(file.name());
    req.set_offset(offset);
    auto reader = analyst_->exports()->ReadExportFile(&ctx, req);
    v1::ReadExportFileResponse part;
    *parts = 0;
    while (reader->Read(&part)) ++*parts;
    return reader->Finish();
  };
  int parts = 0;
  EXPECT_EQ(read(file.bytes() + 1, &parts).error_code(), grpc::StatusCode::OUT_OF_RANGE);
  grpc::Status at_end = read(file.bytes(), &parts);
  EXPECT_TRUE(at_end.ok()) << at_end.error_message();
  EXPECT_EQ(parts, 0);
  grpc::Status negative = read(-1, &parts);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(negative.error_message().find("offset"), std::string::npos);
}

TEST_F(ExportE2eTest, ClassesCountDistinctPatients) {
  v1::ListPatientsRequest list;
  list.set_clinic_id(clinic_id_);
  list.set_page_size(100);
  auto patients = client_->Call(&v1::PatientService::Stub::ListPatients, client_->patients(), list);
  ASSERT_TRUE(patients.ok());
  std::string oldest;
  for (const auto& p : patients->patients()) {
    if (p.identity().mrn() == "MRN-EXP-OLD") oldest = p.patient_id();
  }
  ASSERT_FALSE(oldest.empty());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_->Call(&v1::EpisodeService::Stub::CreateEpisode, client_->episodes(),
                              records::testing::EpisodeRequest(oldest, "more-" + std::to_string(i),
                                                               v1::CONDITION_SCIATICA))
                    .ok());
  }
  auto job = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(job.ok() && job->state() == v1::EXPORT_STATE_SUCCEEDED);
  EXPECT_EQ(job->manifest().episodes_exported(), 10);
  EXPECT_EQ(job->manifest().suppressed(0).episodes(), 7);  // 6 of the oldest + the rare ZIP3
  ExpectNoIdentifiers(Download(*job));
}

TEST_F(ExportE2eTest, FhirNdjsonIsValidJsonWithOnlyAllowedFields) {
  auto job = Export(v1::EXPORT_FORMAT_FHIR_NDJSON);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->state(), v1::EXPORT_STATE_SUCCEEDED) << job->failure();
  auto files = Download(*job);
  ExpectNoIdentifiers(files);
  int patients = 0, observations = 0, outcomes = 0, episodes = 0, conditions = 0,
      procedures = 0, code_systems = 0;
  for (const auto& [name, content] : files) {
    if (name == "manifest.json") continue;
    for (absl::string_view line : absl::StrSplit(content, '\n', absl::SkipEmpty())) {
      google::protobuf::Struct resource;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &resource).ok())
          << line;
      const std::string type = resource.fields().at("resourceType").string_value();
      EXPECT_EQ(name, type + ".ndjson");  // one resource type per file
      if (type == "Patient") {
        ++patients;
        std::set<std::string> keys;
        for (const auto& [k, v] : resource.fields()) keys.insert(k);
        // The age band is the episode's (EpisodeOfCare), not the person's.
        EXPECT_EQ(keys, (std::set<std::string>{"resourceType", "id", "gender", "address"}));
      } else if (type == "EpisodeOfCare") {
        ++episodes;
        std::set<std::string> keys;
        for (const auto& [k, v] : resource.fields()) keys.insert(k);
        EXPECT_EQ(keys, (std::set<std::string>{"resourceType", "id", "status", "patient",
                                                 "diagnosis", "extension"}));
      } else if (type == "Condition") {
        ++conditions;
        EXPECT_EQ(resource.fields().count("onsetDateTime"), 0u);
        EXPECT_EQ(resource.fields().count("recordedDate"), 0u);
      } else if (type == "Observation") {
        // A value ("<episode>-<n>") or one of the episode's figures
        // ("<episode>-nprs-baseline", coded in the outcome code system).
        const std::string id = resource.fields().at("id").string_value();
        ++(std::isdigit(static_cast<unsigned char>(id.back())) &&
                   id.find("week") == std::string::npos
               ? observations
               : outcomes);
        EXPECT_EQ(resource.fields().count("effectiveDateTime"), 0u);
      } else if (type == "Procedure") {
        ++procedures;
        EXPECT_EQ(resource.fields().count("performedDateTime"), 0u);
        EXPECT_EQ(resource.fields().count("performedPeriod"), 0u);
      } else {
        ASSERT_EQ(type, "CodeSystem");
        ++code_systems;
        EXPECT_EQ(resource.fields().at("url").string_value().rfind(
                      "https://fhir.tractus.health/CodeSystem/", 0),
                  0u);
      }
    }
  }
  EXPECT_EQ(patients, 10);
  EXPECT_EQ(episodes, 10);
  EXPECT_EQ(conditions, 10);
  EXPECT_EQ(procedures, 1);  // the one session uploaded
  EXPECT_EQ(code_systems, 5);
  EXPECT_GE(outcomes, 10 * 3);  // at least NPRS baseline, change, responder
  // The manifest carries the Bulk Data fields a client reads (and says why
  // transactionTime is left out).
  google::protobuf::Struct manifest;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(files.at("manifest.json"), &manifest).ok());
  const auto& fields = manifest.fields();
  EXPECT_EQ(fields.count("transactionTime"), 0u);
  EXPECT_FALSE(fields.at("transactionTimeOmitted").string_value().empty());
  EXPECT_EQ(fields.at("request").string_value(),
            "tractus.v1.ExportService/StartExport?export_id=" + job->export_id());
  EXPECT_TRUE(fields.at("requiresAccessToken").bool_value());
  EXPECT_EQ(fields.at("error").list_value().values_size(), 0);
  std::set<std::string> types;
  for (const auto& entry : fields.at("output").list_value().values()) {
    const auto& f = entry.struct_value().fields();
    types.insert(f.at("type").string_value());
    EXPECT_EQ(f.at("url").string_value(), f.at("type").string_value() + ".ndjson");
    EXPECT_GT(f.at("count").number_value(), 0);
  }
  EXPECT_EQ(types, (std::set<std::string>{"Patient", "EpisodeOfCare", "Condition", "Observation",
                                          "Procedure", "CodeSystem"}));
  EXPECT_EQ(observations, 40);  // 10 patients x (3 pain reports + 1 PSFS)
  EXPECT_NE(files.at("Observation.ndjson").find("\"code\":\"72514-3\""), std::string::npos);
  EXPECT_NE(files.at("Observation.ndjson").find("\"system\":\"http://unitsofmeasure.org\""),
            std::string::npos);
}

// Two releases of one study with different data — the first with pain and
// PSFS only (every other measure column empty, every value whole), the
// second with questionnaires, both legs and fractional degrees — load
// through their own load scripts into DuckDB and PostgreSQL 15 with the
// dictionary's types, hold the manifest's row counts and UNION ALL.
// Checked by tools/exportcheck, which shares no code with the exporter.
TEST_F(ExportE2eTest, ReleasesLoadThroughTheirSchemaIntoDuckDbAndPostgres) {
  auto first = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(first.ok() && first->state() == v1::EXPORT_STATE_SUCCEEDED);
  const std::string a = DownloadRelease(*first, "release-a");
  AddMeasures();
  auto second = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(second.ok() && second->state() == v1::EXPORT_STATE_SUCCEEDED);
  const std::string b = DownloadRelease(*second, "release-b");
  EXPECT_EQ(second->manifest().format_version(), "tractus-csv/2");

  // Nothing measured is dropped: every answered item (ODI 9 of 10
  // sections, RMDQ 24, PROMIS 6, PSFS 3 scores without their text), both
  // legs, the session.
  std::map<std::string, std::string> files;
  for (const char* name : {"items.csv", "observations.csv", "sessions.csv", "episodes.csv"}) {
    std::ifstream in(b + "/" + name);
    std::stringstream content;
    content << in.rdbuf();
    files[name] = content.str();
  }
  ExpectNoIdentifiers(files);
  const auto items = Csv(files.at("items.csv"));
  std::map<std::string, int> per_measure;
  for (size_t i = 1; i < items.size(); ++i) ++per_measure[items[i][3]];  // measure
  EXPECT_EQ(per_measure, (std::map<std::string, int>{
                             {"odi", 10 * 2 * 9}, {"rmdq", 10 * 2 * 24},
                             {"promis_pi_6a", 10 * 2 * 6}, {"psfs", 10 * 3}}));
  EXPECT_EQ(files.at("items.csv").find("odi.sex_life"), std::string::npos);
  EXPECT_EQ(Csv(files.at("sessions.csv")).size(), 2u);  // header + the one session
  EXPECT_NE(files.at("observations.csv").find(",right,"), std::string::npos);

  ASSERT_EQ(std::system(absl::StrCat(EXPORT_CHECK, " load ", a, " ", b).c_str()), 0);
}

// A FHIR release with every kind of data validates against the official
// R4 JSON schema, and carries what the schema leaves optional: status,
// code and subject on every clinical resource, references that resolve,
// every local code defined in the release's own CodeSystems
// (tools/exportcheck/validate_fhir.mjs, no code shared with the exporter).
TEST_F(ExportE2eTest, FhirReleaseValidatesAgainstTheR4SchemaAndResolves) {
  AddMeasures();
  auto job = Export(v1::EXPORT_FORMAT_FHIR_NDJSON);
  ASSERT_TRUE(job.ok() && job->state() == v1::EXPORT_STATE_SUCCEEDED);
  EXPECT_EQ(job->manifest().format_version(), "tractus-fhir-r4/2");
  const std::string dir = DownloadRelease(*job, "fhir");
  std::ifstream in(dir + "/Observation.ndjson");
  std::stringstream observations;
  observations << in.rdbuf();
  // Items as components, the condition's SNOMED CT code, outcomes.
  EXPECT_NE(observations.str().find(R"("code":"odi.walking"}]},"valueInteger":2)"),
            std::string::npos);
  EXPECT_NE(observations.str().find(R"("code":"nprs_baseline")"), std::string::npos);
  ASSERT_EQ(std::system(absl::StrCat(EXPORT_CHECK, " fhir ", dir).c_str()), 0);
}

// A request id is one request: its replay returns the first job, the same
// id with other content (k = 7 after k = 5) is ALREADY_EXISTS with the
// words every other request id answers with.
TEST_F(ExportE2eTest, ARequestIdReusedForOtherContentIsAlreadyExists) {
  v1::StartExportRequest req;
  req.set_request_id("study-7-release-1");
  req.set_format(v1::EXPORT_FORMAT_CSV);
  req.set_k(5);
  auto first = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  ASSERT_TRUE(first.ok()) << first.status();
  server_->WaitForExports();
  auto replay = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->job().export_id(), first->job().export_id());
  req.set_k(7);
  auto other = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  EXPECT_TRUE(absl::IsAlreadyExists(other.status())) << other.status();
  EXPECT_EQ(other.status().message(),
            "request_id study-7-release-1 was already used for a different request; choose a "
            "new request_id");
}

TEST_F(ExportE2eTest, LinkageKeysMakeSubjectIdsLinkableOrNot) {
  auto subjects = [&](const std::string& linkage) {
    auto job = Export(v1::EXPORT_FORMAT_CSV, linkage);
    EXPECT_TRUE(job.ok() && job->state() == v1::EXPORT_STATE_SUCCEEDED);
    std::set<std::string> ids;
    auto rows = Csv(Download(*job).at("episodes.csv"));
    for (size_t i = 1; i < rows.size(); ++i) ids.insert(rows[i][0]);
    return ids;
  };
  const auto a1 = subjects("study-a"), a2 = subjects("study-a");
  const auto b = subjects("study-b"), random1 = subjects(""), random2 = subjects("");
  EXPECT_EQ(a1.size(), 10u);
  EXPECT_EQ(a1, a2);
  for (const auto* other : {&b, &random1, &random2}) {
    std::vector<std::string> common;
    std::set_intersection(a1.begin(), a1.end(), other->begin(), other->end(),
                          std::back_inserter(common));
    EXPECT_TRUE(common.empty());
  }
  EXPECT_NE(random1, random2);
}

TEST_F(ExportE2eTest, OneJobPerAnalystCancelAndRestart) {
  server_->PauseExports(true);
  v1::StartExportRequest req;
  req.set_request_id("held");
  req.set_format(v1::EXPORT_FORMAT_CSV);
  auto held = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  ASSERT_TRUE(held.ok()) << held.status();
  // A replay returns the same job; a second job waits its turn.
  auto replay = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->job().export_id(), held->job().export_id());
  auto stub = v1::ExportService::NewStub(TestChannel(server_->address(), analyst_key_));
  {
    grpc::ClientContext ctx;
    v1::StartExportRequest second = req;
    second.set_request_id("second");
    v1::StartExportResponse resp;
    grpc::Status s = stub->StartExport(&ctx, second, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_TRUE(cli::RetryDelayOf(s).has_value());
  }
  // Cancel: the job ends CANCELLED with no files.
  v1::CancelExportRequest cancel;
  cancel.set_export_id(held->job().export_id());
  auto cancelled = analyst_->Call(&v1::ExportService::Stub::CancelExport, analyst_->exports(),
                                  cancel);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  server_->PauseExports(false);
  server_->WaitForExports();
  v1::GetExportRequest get;
  get.set_export_id(held->job().export_id());
  EXPECT_EQ(analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get)
                ->job()
                .state(),
            v1::EXPORT_STATE_CANCELLED);

  // A job running when the server stops resumes when it starts again.
  server_->PauseExports(true);
  req.set_request_id("across-restart");
  auto running = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  ASSERT_TRUE(running.ok()) << running.status();
  bool was_running = false;
  get.set_export_id(running->job().export_id());
  for (int i = 0; i < 250 && !was_running; ++i) {
    was_running = analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get)
                      ->job()
                      .state() == v1::EXPORT_STATE_RUNNING;
    if (!was_running) absl::SleepFor(absl::Milliseconds(20));
  }
  // The precondition: the job is running (not pending) when the server
  // stops, else this would test a pending job's start instead of a resume.
  ASSERT_TRUE(was_running) << "the job never reached RUNNING before the restart";
  Restart();
  analyst_ = std::make_unique<cli::Client>(TestChannel(server_->address(), analyst_key_),
                                           absl::Seconds(20));
  server_->WaitForExports();
  auto after = analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->job().state(), v1::EXPORT_STATE_SUCCEEDED) << after->job().failure();
  EXPECT_EQ(after->job().restarts(), 1);
  EXPECT_EQ(after->job().manifest().episodes_exported(), 10);

  // Downloads and the start were audited with the export id.
  v1::QueryAuditLogRequest q;
  q.set_page_size(1000);
  auto audit = admin_->Call(&v1::AdminService::Stub::QueryAuditLog, admin_->admin(), q);
  ASSERT_TRUE(audit.ok());
  int starts = 0;
  for (const auto& e : audit->entries()) {
    if (e.method() == "tractus.v1.ExportService/StartExport" && e.outcome() == "OK") {
      EXPECT_FALSE(e.export_id().empty());
      ++starts;
    }
  }
  EXPECT_GE(starts, 2);
}

TEST_F(ExportE2eTest, GetExportLongPollsUntilTheJobEnds) {
  server_->PauseExports(true);
  v1::StartExportRequest req;
  req.set_request_id("long-poll");
  req.set_format(v1::EXPORT_FORMAT_CSV);
  auto started = analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req);
  ASSERT_TRUE(started.ok()) << started.status();
  v1::GetExportRequest get;
  get.set_export_id(started->job().export_id());
  // Unfinished: the answer comes when the wait passes.
  get.mutable_wait()->set_nanos(200'000'000);
  absl::Time asked = absl::Now();
  auto waited = analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get);
  ASSERT_TRUE(waited.ok()) << waited.status();
  EXPECT_GE(absl::Now() - asked, absl::Milliseconds(190));
  EXPECT_FALSE(waited->job().state() == v1::EXPORT_STATE_CANCELLED);
  // Ended while a long poll waits: the answer comes at once.
  get.mutable_wait()->set_seconds(8);
  get.mutable_wait()->set_nanos(0);
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(300));
    v1::CancelExportRequest cancel;
    cancel.set_export_id(started->job().export_id());
    EXPECT_TRUE(
        analyst_->Call(&v1::ExportService::Stub::CancelExport, analyst_->exports(), cancel).ok());
  });
  asked = absl::Now();
  auto ended = analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get);
  const absl::Duration took = absl::Now() - asked;
  canceller.join();
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->job().state(), v1::EXPORT_STATE_CANCELLED);
  EXPECT_LT(took, absl::Seconds(4));
  // A finished job is answered at once; a negative wait names the field.
  asked = absl::Now();
  ASSERT_TRUE(analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get).ok());
  EXPECT_LT(absl::Now() - asked, absl::Seconds(4));
  get.mutable_wait()->set_seconds(-1);
  auto negative = analyst_->Call(&v1::ExportService::Stub::GetExport, analyst_->exports(), get);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(negative.status().message()).find("wait"), std::string::npos);
  server_->PauseExports(false);
}

TEST_F(ExportE2eTest, OtherAnalystsAndClinicsAreOutOfScope) {
  auto job = Export(v1::EXPORT_FORMAT_CSV);
  ASSERT_TRUE(job.ok());
  auto other_key = MakeUserKey(server_->address(), keys_, v1::ROLE_ANALYST, {});
  cli::Client other(TestChannel(server_->address(), *other_key), absl::Seconds(5));
  v1::GetExportRequest get;
  get.set_export_id(job->export_id());
  EXPECT_TRUE(absl::IsNotFound(
      other.Call(&v1::ExportService::Stub::GetExport, other.exports(), get).status()));
  // A clinician may not export at all.
  v1::StartExportRequest req;
  req.set_request_id("clinician");
  req.set_format(v1::EXPORT_FORMAT_CSV);
  EXPECT_TRUE(absl::IsPermissionDenied(
      client_->Call(&v1::ExportService::Stub::StartExport, client_->exports(), req).status()));
  // An analyst bound to this clinic may not name another.
  auto elsewhere = CreateClinic(records::testing::ClinicRequest("elsewhere"));
  req.set_request_id("elsewhere");
  req.mutable_filter()->add_clinic_ids(elsewhere->clinic().clinic_id());
  EXPECT_TRUE(absl::IsNotFound(
      analyst_->Call(&v1::ExportService::Stub::StartExport, analyst_->exports(), req).status()));
}

}  // namespace
}  // namespace tractus::testing
