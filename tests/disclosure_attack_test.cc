// The attack suite of docs/disclosure.md: a curious analyst (and a
// clinician) trying to read single patients out of the aggregates, over
// the public gRPC API of a real server with real RocksDB, on a seeded
// network. For each attack it prints the attacker's success and asserts
// that protection holds:
//
//  - responder status at week 8 guessed right in no more than 65 % of the
//    targets (chance is 50 %);
//  - week-8 pain guessed within one point in no more than 15 points above
//    what a guess from the cohort's own published distribution achieves;
//  - repeating a query gives the same answer, so averaging gains nothing.
//
// Attacks: one-patient window differencing (responders from rate x n, pain
// from mean x n), clinic-set differencing ({A} vs {A, B}, B a one-patient
// clinic), margin subtraction (Kaplan–Meier at-risk counts, week by week),
// repeated identical queries, and the similar-patients comparison (a
// clinician watching the reference move as another clinic's patient
// completes). Truth comes from the generator, never from the server.
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "records/civil_date.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "tests/gateway_client.h"
#include "tests/server_fixture.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::testing {
namespace {

const absl::CivilDay kToday(2026, 11, 27);
constexpr int kWeeks = 13;
constexpr int kBigClinics = 24;
constexpr int kPerBigClinic = 40;
// Patients before the first target of a big clinic: enough for figures.
constexpr int kLeadIn = 14;
constexpr int kSmallClinics = 600;

struct Patient {
  std::string clinic_id;
  std::string episode_id;
  absl::CivilDay start;
  int baseline = 0;
  std::array<int, kWeeks> weekly{};
  int response_week = -1;  // first week of the sustained response; -1: none

  // The API's responder rule (>= 2 points or >= 30 % below baseline).
  bool RespondedAt(int week) const {
    const int drop = baseline - weekly[week];
    return drop >= 2 || drop >= 0.3 * baseline;
  }
};

struct Tally {
  int tries = 0;
  int hits = 0;
  void Add(bool hit) {
    ++tries;
    hits += hit ? 1 : 0;
  }
  double Rate() const { return tries == 0 ? 0 : static_cast<double>(hits) / tries; }
};

// A yes/no guess from a reading per target, the attacker's threshold
// calibrated on all of them: the median reading (about half the targets
// respond, and the cohort's rate says so). A fixed threshold would be
// thrown off by a shared offset (every clinic-set pair shares the {A}
// query's noise); calibrating removes it, as a careful attacker would.
struct CalibratedGuess {
  std::vector<std::pair<double, bool>> readings;  // reading, truth
  void Add(double reading, bool truth) { readings.emplace_back(reading, truth); }
  Tally Score() const {
    std::vector<double> sorted;
    for (const auto& [r, t] : readings) sorted.push_back(r);
    std::sort(sorted.begin(), sorted.end());
    const double threshold = sorted.empty() ? 0 : sorted[sorted.size() / 2];
    Tally tally;
    for (const auto& [r, t] : readings) tally.Add((r >= threshold) == t);
    return tally;
  }
};

class DisclosureAttackTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    absl::LoadTimeZone("America/Chicago", &chicago_);
    gw_ = std::make_unique<GatewayClient>(server_->address(), keys_);
    auto analyst = MakeUserKey(server_->address(), keys_, v1::ROLE_ANALYST, {});
    ASSERT_TRUE(analyst.ok()) << analyst.status();
    analyst_ = v1::OutcomeService::NewStub(TestChannel(server_->address(), *analyst));
    clinician_ = v1::OutcomeService::NewStub(TestChannel(server_->address(), keys_.clinician));
  }

  // A clinic granted to the test clinician (at most 64 of those).
  std::string NewClinic(const std::string& tag) {
    auto clinic = CreateClinicFor(server_->address(), keys_, records::testing::ClinicRequest(tag));
    EXPECT_TRUE(clinic.ok()) << clinic.status();
    return clinic.ok() ? clinic->clinic().clinic_id() : "";
  }

  // `n` clinics made by the administrator and a clinician of theirs.
  std::vector<std::string> NewClinics(const std::string& tag, int n,
                                      std::unique_ptr<cli::Client>* clinician) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto clinic = admin_->Call(&v1::ClinicService::Stub::CreateClinic, admin_->clinics(),
                                 records::testing::ClinicRequest(absl::StrCat(tag, i)));
      EXPECT_TRUE(clinic.ok()) << clinic.status();
      if (clinic.ok()) ids.push_back(clinic->clinic().clinic_id());
    }
    auto key = MakeUserKey(server_->address(), keys_, v1::ROLE_CLINICIAN, ids);
    EXPECT_TRUE(key.ok()) << key.status();
    *clinician = std::make_unique<cli::Client>(TestChannel(server_->address(), key.value_or("")),
                                               absl::Seconds(20));
    return ids;
  }

  // A sciatica episode whose day 0 is `start`, with home pain: the
  // baseline on day -1, then each week's value on two days of the week.
  void Enter(Patient& p, const std::string& tag, cli::Client& staff) {
    auto patient = staff.Call(&v1::PatientService::Stub::CreatePatient, staff.patients(),
                              records::testing::PatientRequest(p.clinic_id, tag));
    ASSERT_TRUE(patient.ok()) << patient.status();
    v1::CreateEpisodeRequest req = records::testing::EpisodeRequest(
        patient->patient().patient_id(), tag, v1::CONDITION_SCIATICA);
    *req.mutable_episode()->mutable_start_date() = records::FromCivilDay(p.start);
    auto episode = staff.Call(&v1::EpisodeService::Stub::CreateEpisode, staff.episodes(), req);
    ASSERT_TRUE(episode.ok()) << episode.status();
    p.episode_id = episode->episode().episode_id();
    v1::RecordObservationsRequest obs;
    obs.set_episode_id(p.episode_id);
    const auto add = [&](int day, int value) {
      v1::ObservationInput* in = obs.add_observations();
      in->set_observation_id(absl::StrCat("pain-", day));
      in->set_instrument(v1::INSTRUMENT_NPRS);
      *in->mutable_effective_time() = records::ToProto(
          absl::FromCivil(absl::CivilSecond(p.start + day) + 20 * 3600, chicago_));
      in->set_source(v1::SOURCE_HOME);
      in->set_value(value);
    };
    add(-1, p.baseline);
    for (int w = 0; w < kWeeks; ++w) {
      add(7 * w + 1, p.weekly[w]);
      add(7 * w + 4, p.weekly[w]);
    }
    auto recorded =
        staff.Call(&v1::ObservationService::Stub::RecordObservations, staff.observations(), obs);
    ASSERT_TRUE(recorded.ok()) << recorded.status();
  }

  // Half respond from a week in 1..6 on (3 or 4 points down, sustained);
  // the others stay within a point of their baseline.
  Patient Generate(const std::string& clinic_id, absl::CivilDay start) {
    Patient p;
    p.clinic_id = clinic_id;
    p.start = start;
    p.baseline = 4 + static_cast<int>(rng_() % 5);  // 4..8
    const bool responder = rng_() % 2 == 0;
    const int from = 1 + static_cast<int>(rng_() % 6);
    const int drop = 3 + static_cast<int>(rng_() % 2);
    for (int w = 0; w < kWeeks; ++w) {
      if (responder && w >= from) {
        p.weekly[w] = std::max(0, p.baseline - drop);
      } else {
        p.weekly[w] = std::clamp(p.baseline + static_cast<int>(rng_() % 3) - 1, 0, 10);
        if (p.RespondedAt(w)) p.weekly[w] = p.baseline;  // keep non-responders non-responding
      }
    }
    if (responder) p.response_week = from + 1;  // the second qualifying week confirms
    return p;
  }

  v1::CohortOutcomes Cohort(const std::vector<std::string>& clinics,
                            std::optional<absl::CivilDay> from, std::optional<absl::CivilDay> to) {
    v1::GetCohortOutcomesRequest req;
    req.set_condition(v1::CONDITION_SCIATICA);
    for (const std::string& c : clinics) req.add_clinic_ids(c);
    if (from) *req.mutable_start_from() = records::FromCivilDay(*from);
    if (to) *req.mutable_start_to() = records::FromCivilDay(*to);
    auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetCohortOutcomes, analyst_.get(),
                                    req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? resp->outcomes() : v1::CohortOutcomes();
  }

  v1::SimilarPatients Similar(const std::string& episode_id) {
    v1::GetEpisodeProgressRequest req;
    req.set_episode_id(episode_id);
    auto resp = gw_->records().Call(&v1::OutcomeService::Stub::GetEpisodeProgress,
                                    clinician_.get(), req);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? resp->progress().similar_patients() : v1::SimilarPatients();
  }

  void Close(const std::string& episode_id) {
    v1::CloseEpisodeRequest close;
    close.set_episode_id(episode_id);
    close.set_reason(v1::CLOSE_REASON_COMPLETED);
    auto closed = gw_->records().Call(&v1::EpisodeService::Stub::CloseEpisode,
                                      gw_->records().episodes(), close);
    ASSERT_TRUE(closed.ok()) << closed.status();
  }

  std::mt19937_64 rng_{20261207};
  absl::TimeZone chicago_;
  std::unique_ptr<GatewayClient> gw_;
  std::unique_ptr<v1::OutcomeService::Stub> analyst_;
  std::unique_ptr<v1::OutcomeService::Stub> clinician_;
};

// What the attacker reads off a cohort answer (all from published fields).
struct Reading {
  double responders_itt = 0;  // rate x n
  double responders_pp = 0;
  double pain_sum = 0;  // mean x n at week 8
  std::vector<int> at_risk = std::vector<int>(kWeeks, 0);
  bool usable = false;
};

Reading Read(const v1::CohortOutcomes& c) {
  Reading r;
  for (const v1::ResponderRateAtWeek& rate : c.responder_rates()) {
    if (rate.week() != 8 || !rate.has_intention_to_treat() || !rate.has_per_protocol()) continue;
    r.responders_itt = rate.intention_to_treat().estimate() * rate.intention_to_treat_patients();
    r.responders_pp = rate.per_protocol().estimate() * rate.per_protocol_patients();
    r.usable = true;
  }
  if (c.weeks_size() > 8 && !c.weeks(8).suppressed()) {
    r.pain_sum = c.weeks(8).mean().estimate() * c.weeks(8).patients();
  } else {
    r.usable = false;
  }
  for (const v1::TimeToResponseStep& s : c.time_to_response()) r.at_risk[s.week()] = s.at_risk();
  return r;
}

int GuessPain(double value) { return std::clamp(static_cast<int>(std::lround(value)), 0, 10); }

void Print(const char* attack, const Tally& t) {
  std::printf("  %-58s %5.1f %% of %d\n", attack, 100 * t.Rate(), t.tries);
}

TEST_F(DisclosureAttackTest, DifferencingAttacksLearnNothingUseful) {
  // The network: 24 clinics of 40 patients, day 0 one day apart (so a
  // window can add exactly one patient), and 600 one-patient clinics; every
  // episode started 100-150 days ago and has reached week 12.
  std::vector<std::vector<Patient>> big(kBigClinics);
  for (int c = 0; c < kBigClinics; ++c) {
    const std::string clinic = NewClinic(absl::StrCat("big", c));
    for (int j = 0; j < kPerBigClinic; ++j) {
      big[c].push_back(Generate(clinic, kToday - 150 + j));
      ASSERT_NO_FATAL_FAILURE(Enter(big[c].back(), absl::StrCat("b", c, "-", j), gw_->records()));
    }
  }
  std::vector<Patient> small;
  for (int batch = 0; batch < kSmallClinics / 50; ++batch) {
    std::unique_ptr<cli::Client> staff;
    for (const std::string& clinic : NewClinics(absl::StrCat("small", batch, "-"), 50, &staff)) {
      small.push_back(Generate(clinic, kToday - 120));
      ASSERT_NO_FATAL_FAILURE(Enter(small.back(), absl::StrCat("s", small.size()), *staff));
    }
  }

  CalibratedGuess window_reading, clinic_reading;
  Tally window_pain, window_pain_prior, clinic_pain, clinic_pain_prior, margin_responder,
      similar_responder, similar_pain, similar_pain_prior;

  // 1. One-patient window differencing: [first day, target's day] against
  // [first day, the day before].
  for (int c = 0; c < kBigClinics; ++c) {
    for (int j = kLeadIn; j < kPerBigClinic; ++j) {
      const Patient& target = big[c][j];
      const v1::CohortOutcomes with = Cohort({target.clinic_id}, big[c][0].start, target.start);
      const v1::CohortOutcomes without =
          Cohort({target.clinic_id}, big[c][0].start, target.start - 1);
      const Reading a = Read(with), b = Read(without);
      if (!a.usable || !b.usable) continue;
      const double responder =
          ((a.responders_itt - b.responders_itt) + (a.responders_pp - b.responders_pp)) / 2;
      window_reading.Add(responder, target.RespondedAt(8));
      window_pain.Add(std::abs(GuessPain(a.pain_sum - b.pain_sum) - target.weekly[8]) <= 1);
      window_pain_prior.Add(
          std::abs(GuessPain(with.weeks(8).median().estimate()) - target.weekly[8]) <= 1);
      // 3. Margin subtraction: the weeks the target is at risk (the at-risk
      // counts' difference); leaving before week 12 means a response.
      int weeks_at_risk = 0;
      for (int w = 0; w < kWeeks; ++w) weeks_at_risk += (a.at_risk[w] - b.at_risk[w]) >= 1 ? 1 : 0;
      margin_responder.Add((weeks_at_risk < kWeeks - 1) == (target.response_week >= 0));
    }
  }

  // 2. Clinic-set differencing: {A} against {A, B}, B a one-patient clinic.
  const std::string a_clinic = big[0][0].clinic_id;
  const v1::CohortOutcomes base = Cohort({a_clinic}, std::nullopt, std::nullopt);
  const Reading base_reading = Read(base);
  ASSERT_TRUE(base_reading.usable);
  for (const Patient& target : small) {
    const v1::CohortOutcomes with = Cohort({a_clinic, target.clinic_id}, std::nullopt, std::nullopt);
    const Reading a = Read(with);
    if (!a.usable) continue;
    const double responder = ((a.responders_itt - base_reading.responders_itt) +
                              (a.responders_pp - base_reading.responders_pp)) / 2;
    clinic_reading.Add(responder, target.RespondedAt(8));
    clinic_pain.Add(std::abs(GuessPain(a.pain_sum - base_reading.pain_sum) - target.weekly[8]) <=
                    1);
    clinic_pain_prior.Add(std::abs(GuessPain(base.weeks(8).median().estimate()) -
                                   target.weekly[8]) <= 1);
  }

  // 4. Repeated identical queries: the same answer every time, so their
  // average is the answer.
  int repeats_differing = 0;
  for (int c = 0; c < kBigClinics; ++c) {
    const Patient& target = big[c][kLeadIn + c];
    const std::string first =
        Cohort({target.clinic_id}, big[c][0].start, target.start).SerializeAsString();
    for (int i = 0; i < 5; ++i) {
      repeats_differing +=
          Cohort({target.clinic_id}, big[c][0].start, target.start).SerializeAsString() != first;
    }
  }
  EXPECT_EQ(repeats_differing, 0);

  // 5. Similar patients: a clinician of clinic A watches the reference of
  // its own open patients (one per baseline band, from A's lead-in) while
  // the targets complete, one at a time. The other lead-in patients
  // complete first so the reference exists.
  std::map<std::string, std::string> observer;  // band -> an open episode of clinic A
  for (int j = 0; j < kLeadIn; ++j) {
    observer.emplace(big[0][j].baseline <= 6 ? "moderate" : "severe", big[0][j].episode_id);
  }
  ASSERT_EQ(observer.size(), 2u);
  for (int c = 1; c < kBigClinics; ++c) {
    for (int j = 0; j < kLeadIn; ++j) ASSERT_NO_FATAL_FAILURE(Close(big[c][j].episode_id));
  }
  const auto week8 = [](const v1::SimilarPatients& s) -> const v1::ExpectedChange* {
    for (const v1::ExpectedChange& e : s.expected()) {
      if (e.week() == 8) return &e;
    }
    return nullptr;
  };
  for (int c = 0; c < kBigClinics; ++c) {
    for (int j = kLeadIn; j < kPerBigClinic; ++j) {
      const Patient& target = big[c][j];
      const std::string& watch = observer.at(target.baseline <= 6 ? "moderate" : "severe");
      const v1::SimilarPatients before = Similar(watch);
      ASSERT_NO_FATAL_FAILURE(Close(target.episode_id));
      const v1::SimilarPatients after = Similar(watch);
      // Only similar figures of >= 11 patients are shown.
      EXPECT_TRUE(after.similar_episodes() == 0 || after.similar_episodes() >= 11);
      for (const v1::ExpectedChange& e : after.expected()) EXPECT_GE(e.patients(), 11);
      const v1::ExpectedChange* e0 = week8(before);
      const v1::ExpectedChange* e1 = week8(after);
      if (e0 == nullptr || e1 == nullptr) continue;
      // The target's week-8 change, to the attacker: sum after - sum before.
      const double change = e1->mean_change() * e1->patients() - e0->mean_change() * e0->patients();
      const int pain = GuessPain(target.baseline + change);
      similar_pain.Add(std::abs(pain - target.weekly[8]) <= 1);
      const double mean_pain = target.baseline + e1->mean_change();
      similar_pain_prior.Add(std::abs(GuessPain(mean_pain) - target.weekly[8]) <= 1);
      similar_responder.Add((change <= -2 || change <= -0.3 * target.baseline) ==
                            target.RespondedAt(8));
    }
  }

  std::printf("attacker success (responder status: chance 50 %%, bound 65 %%; pain within 1 "
              "point: bound the cohort-distribution guess + 15 points)\n");
  const Tally window_responder = window_reading.Score();
  const Tally clinic_responder = clinic_reading.Score();
  Print("window differencing, responder status (rate x n)", window_responder);
  Print("window differencing, week-8 pain (mean x n)", window_pain);
  Print("  guess from the cohort's distribution", window_pain_prior);
  Print("clinic-set differencing, responder status", clinic_responder);
  Print("clinic-set differencing, week-8 pain", clinic_pain);
  Print("  guess from the cohort's distribution", clinic_pain_prior);
  Print("margin subtraction (KM at-risk), responded by week 12", margin_responder);
  Print("similar patients, responder status", similar_responder);
  Print("similar patients, week-8 pain", similar_pain);
  Print("  guess from the reference's mean", similar_pain_prior);

  // Enough targets per attack for the bounds to mean something.
  for (const Tally* t : std::initializer_list<const Tally*>{&window_responder, &clinic_responder, &margin_responder,
                         &similar_responder}) {
    EXPECT_GE(t->tries, 600);
  }
  EXPECT_LE(window_responder.Rate(), 0.65);
  EXPECT_LE(clinic_responder.Rate(), 0.65);
  EXPECT_LE(margin_responder.Rate(), 0.65);
  EXPECT_LE(similar_responder.Rate(), 0.65);
  EXPECT_LE(window_pain.Rate(), window_pain_prior.Rate() + 0.15);
  EXPECT_LE(clinic_pain.Rate(), clinic_pain_prior.Rate() + 0.15);
  EXPECT_LE(similar_pain.Rate(), similar_pain_prior.Rate() + 0.15);
}

}  // namespace
}  // namespace tractus::testing
