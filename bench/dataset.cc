#include "bench/dataset.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "device_gateway/devices.h"
#include "device_gateway/test_chunks.h"
#include "device_gateway/uploads.h"
#include "records/records.h"
#include "records/time_proto.h"
#include "storage/store.h"
#include "tests/gateway_client.h"

namespace tractus::bench {
namespace {

constexpr int kDays = 84;
constexpr int kWeeks = 13;  // weeks 0..12

// A small deterministic hash: the same patient always gets the same data.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

absl::Time Day0() {
  return absl::FromCivil(absl::CivilSecond(2026, 8, 30, 0, 0, 0), absl::UTCTimeZone());
}

int Baseline(int index) { return 5 + static_cast<int>(Mix(index * 7 + 1) % 5); }  // 5..9

int OdiSectionOf(int index, int week) {
  return std::clamp(static_cast<int>(std::lround(PainOf(index, week * 7) / 2.0)), 0, 5);
}

double FlexionOf(int index, int week) {
  return 40 + static_cast<double>(Mix(index * 13 + 5) % 10) + week;
}

v1::ObservationInput Scalar(const std::string& id, v1::Instrument instrument, int day,
                            double value, v1::Source source) {
  v1::ObservationInput in;
  in.set_observation_id(id);
  in.set_instrument(instrument);
  *in.mutable_effective_time() = records::ToProto(Day0() + absl::Hours(24 * day + 19));
  in.set_source(source);
  in.set_value(value);
  return in;
}

v1::RecordObservationsRequest ObservationsOf(int index, const std::string& episode_id) {
  v1::RecordObservationsRequest req;
  req.set_episode_id(episode_id);
  for (int day = 0; day < kDays; ++day) {
    *req.add_observations() = Scalar(absl::StrCat("nprs.", day), v1::INSTRUMENT_NPRS, day,
                                     PainOf(index, day), v1::SOURCE_HOME);
  }
  for (int week = 0; week < kWeeks; ++week) {
    v1::ObservationInput in = Scalar(absl::StrCat("odi.", week), v1::INSTRUMENT_ODI,
                                     week * 7, 0, v1::SOURCE_CLINIC);
    const int v = OdiSectionOf(index, week);
    v1::OdiAnswers* a = in.mutable_odi();
    using Setter = void (v1::OdiAnswers::*)(int32_t);
    for (Setter set : {&v1::OdiAnswers::set_pain_intensity, &v1::OdiAnswers::set_personal_care,
                      &v1::OdiAnswers::set_lifting, &v1::OdiAnswers::set_walking,
                      &v1::OdiAnswers::set_sitting, &v1::OdiAnswers::set_standing,
                      &v1::OdiAnswers::set_sleeping, &v1::OdiAnswers::set_sex_life,
                      &v1::OdiAnswers::set_social_life, &v1::OdiAnswers::set_travelling}) {
      (a->*set)(v);
    }
    *req.add_observations() = std::move(in);
  }
  for (int week : {0, 6, 12}) {
    *req.add_observations() = Scalar(absl::StrCat("flex.", week), v1::INSTRUMENT_LUMBAR_FLEXION,
                                     week * 7, FlexionOf(index, week), v1::SOURCE_CLINIC);
  }
  return req;
}

v1::SessionHeader SessionHeaderOf(const std::string& episode_id, int index, int n) {
  const int day = (n / 2) * 7 + (n % 2 == 0 ? 1 : 4);  // twice a week
  const absl::Time start = Day0() + absl::Hours(24 * day + 10);
  return testing::GatewayClient::Header(absl::StrCat("b", index, "-", n), episode_id, start,
                                        start + absl::Seconds(1));
}

}  // namespace

int PainOf(int index, int day) {
  const int baseline = Baseline(index);
  // 60 % improve by 40-70 % of baseline over the 12 weeks, the rest by up
  // to 15 %; +-1 of day-to-day noise after day 0.
  const uint64_t h = Mix(index * 7 + 2);
  const double drop = (h % 100 < 60) ? baseline * (0.4 + (h >> 8) % 31 / 100.0)
                                     : baseline * ((h >> 8) % 16 / 100.0);
  const int noise = day == 0 ? 0 : static_cast<int>(Mix(index * 1000003ULL + day) % 3) - 1;
  return std::clamp(
      static_cast<int>(std::lround(baseline - drop * day / (kDays - 1.0))) + noise, 0, 10);
}

absl::StatusOr<Dataset> LoadDataset(const std::string& data_dir, const DatasetSpec& spec) {
  const absl::Time started = absl::Now();
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                   storage::Store::Open(data_dir, storage::StoreOptions{.sync_writes = false}));
  RealClock clock;
  records::Records records(store.get(), &clock);
  device_gateway::Devices devices(store.get(), &clock);
  device_gateway::Uploads uploads(store.get(), &clock, &records, device_gateway::UploadConfig{});

  Dataset out;
  std::vector<v1::Device> devices_of;
  for (int c = 0; c < spec.clinics; ++c) {
    v1::CreateClinicRequest req;
    req.set_request_id(absl::StrCat("bench-clinic-", c));
    req.mutable_clinic()->set_display_name(absl::StrCat("Bench clinic ", c));
    req.mutable_clinic()->set_time_zone("UTC");
    ASSIGN_OR_RETURN(v1::CreateClinicResponse clinic, records.CreateClinic(req));
    out.clinic_ids.push_back(clinic.clinic().clinic_id());
    v1::CreateEnrollmentTokenRequest token;
    token.set_clinic_id(out.clinic_ids.back());
    ASSIGN_OR_RETURN(v1::CreateEnrollmentTokenResponse t, devices.CreateEnrollmentToken(token));
    v1::EnrollRequest enroll;
    enroll.set_enrollment_token(t.enrollment_token());
    enroll.set_serial_number(absl::StrCat("BENCH-", c));
    enroll.set_model("DRX9000");
    enroll.set_firmware_version("4.2.1");
    ASSIGN_OR_RETURN(v1::EnrollResponse enrolled, devices.Enroll(enroll));
    devices_of.push_back(enrolled.device());
  }

  out.episode_ids.resize(spec.patients);
  const v1::TelemetryChunk chunk = device_gateway::TestChunk(0, 100, 390);
  auto load_one = [&](int i) -> absl::Status {
    const int c = i % spec.clinics;
    v1::CreatePatientRequest p;
    p.set_request_id(absl::StrCat("bench-patient-", i));
    p.mutable_patient()->set_clinic_id(out.clinic_ids[c]);
    v1::PatientIdentity* id = p.mutable_patient()->mutable_identity();
    id->set_given_name("Bench");
    id->set_family_name(absl::StrCat("Patient", i));
    // Few quasi-identifier classes, so k-anonymity keeps every row.
    id->mutable_birth_date()->set_year(1955 + (i % 4) * 10);
    id->mutable_birth_date()->set_month(6);
    id->mutable_birth_date()->set_day(15);
    id->set_sex(i % 2 ? v1::SEX_FEMALE : v1::SEX_MALE);
    id->set_zip_code("60614");
    id->set_mrn(absl::StrCat("B-", i));
    ASSIGN_OR_RETURN(v1::CreatePatientResponse patient, records.CreatePatient(p));
    v1::CreateEpisodeRequest e;
    e.set_request_id(absl::StrCat("bench-episode-", i));
    v1::Episode* ep = e.mutable_episode();
    ep->set_patient_id(patient.patient().patient_id());
    ep->add_conditions(v1::CONDITION_HERNIATED_DISC);
    ep->mutable_start_date()->set_year(2026);
    ep->mutable_start_date()->set_month(8);
    ep->mutable_start_date()->set_day(30);
    ep->mutable_plan()->set_sessions_planned(std::max(1, spec.sessions));
    ep->mutable_plan()->set_sessions_per_week(2);
    ep->mutable_plan()->set_target_max_force_newtons(400);
    ep->mutable_plan()->set_session_minutes(30);
    ASSIGN_OR_RETURN(v1::CreateEpisodeResponse episode, records.CreateEpisode(e));
    const std::string& episode_id = episode.episode().episode_id();
    out.episode_ids[i] = episode_id;
    RETURN_IF_ERROR(records.RecordObservations(ObservationsOf(i, episode_id)).status());
    for (int n = 0; n < spec.sessions; ++n) {
      ASSIGN_OR_RETURN(device_gateway::Uploads::Opened opened,
                       uploads.OpenSession(devices_of[c], SessionHeaderOf(episode_id, i, n)));
      ASSIGN_OR_RETURN(v1::UploadSessionResponse stored, uploads.StoreChunk(opened, chunk));
      if (!stored.has_chunk_ack()) return absl::InternalError(stored.DebugString());
      v1::SessionEnd end;
      end.set_chunk_count(1);
      end.set_outcome(v1::SESSION_OUTCOME_COMPLETED);
      RETURN_IF_ERROR(uploads.FinishSession(opened, end).status());
    }
    return absl::OkStatus();
  };
  std::vector<absl::Status> failures(spec.threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < spec.threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < spec.patients && failures[t].ok(); i += spec.threads) {
        failures[t] = load_one(i);
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const absl::Status& s : failures) RETURN_IF_ERROR(s);
  out.observations = int64_t{spec.patients} * kObservationsPerEpisode;
  out.sessions = int64_t{spec.patients} * spec.sessions;
  RETURN_IF_ERROR(store->Close());
  out.load_seconds = absl::ToDoubleSeconds(absl::Now() - started);
  return out;
}

absl::Status WriteObservationsCsv(const Dataset& dataset, const std::string& path) {
  std::ofstream csv(path);
  for (size_t i = 0; i < dataset.episode_ids.size(); ++i) {
    const int index = static_cast<int>(i);
    const std::string& e = dataset.episode_ids[i];
    for (int day = 0; day < kDays; ++day) {
      csv << e << "," << v1::INSTRUMENT_NPRS << "," << day << "," << PainOf(index, day) << "\n";
    }
    for (int week = 0; week < kWeeks; ++week) {
      csv << e << "," << v1::INSTRUMENT_ODI << "," << week * 7 << ","
          << OdiSectionOf(index, week) * 20 << "\n";
    }
    for (int week : {0, 6, 12}) {
      csv << e << "," << v1::INSTRUMENT_LUMBAR_FLEXION << "," << week * 7 << ","
          << FlexionOf(index, week) << "\n";
    }
  }
  csv.close();
  if (!csv) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace tractus::bench
