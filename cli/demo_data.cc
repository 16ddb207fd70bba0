#include "cli/demo_data.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace tractus::cli {
namespace {

struct Person {
  const char* given;
  const char* family;
  v1::Sex sex;
  const char* zip;
};

constexpr Person kPeople[] = {
    {"Maria", "Lopez", v1::SEX_FEMALE, "60614"},
    {"James", "Okafor", v1::SEX_MALE, "60657"},
    {"Helen", "Brandt", v1::SEX_FEMALE, "60302"},
    {"Tomasz", "Nowak", v1::SEX_MALE, "60630"},
    {"Aiko", "Tanaka", v1::SEX_FEMALE, "60201"},
    {"Robert", "Hayes", v1::SEX_MALE, "60540"},
    {"Grace", "Mensah", v1::SEX_FEMALE, "60616"},
    {"Daniel", "Reyes", v1::SEX_MALE, "60585"},
};

constexpr v1::Condition kConditions[][2] = {
    {v1::CONDITION_HERNIATED_DISC, v1::CONDITION_SCIATICA},
    {v1::CONDITION_DEGENERATIVE_DISC_DISEASE, v1::CONDITION_CHRONIC_LOW_BACK_PAIN},
    {v1::CONDITION_SPINAL_STENOSIS, v1::CONDITION_UNSPECIFIED},
    {v1::CONDITION_FACET_JOINT_SYNDROME, v1::CONDITION_CHRONIC_LOW_BACK_PAIN},
};

google::protobuf::Timestamp At(absl::CivilDay day, int hour, int minute,
                               const absl::TimeZone& zone) {
  absl::Time t = absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(),
                                                   hour, minute, 0),
                                 zone);
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

bool After(const google::protobuf::Timestamp& ts, absl::Time now) {
  return absl::FromUnixSeconds(ts.seconds()) > now;
}

// Spreads `total` points over `n` items of 0..`max_each`, deterministically.
std::vector<int> Spread(int total, int n, int max_each, std::mt19937& rng) {
  std::vector<int> items(n, 0);
  total = std::clamp(total, 0, n * max_each);
  while (total > 0) {
    int i = static_cast<int>(rng() % n);
    if (items[i] < max_each) {
      ++items[i];
      --total;
    }
  }
  return items;
}

// The patient's pain level on `day`: responders improve roughly
// exponentially toward ~20 % of baseline by week 8; non-responders drift.
double PainLevel(double baseline, bool responder, int day) {
  if (day <= 0) return baseline;
  if (!responder) return baseline - 0.4 * std::min(day, 84) / 84.0;
  return baseline * (0.2 + 0.8 * std::exp(-day / 22.0));
}

}  // namespace

DemoClinic MakeDemoClinic(uint32_t seed, int patients, absl::Time now) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 0.7);
  absl::TimeZone zone;
  absl::LoadTimeZone(kDemoTimeZone, &zone);
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  const absl::CivilDay start = today - 84;
  const std::string tag =
      absl::StrCat("demo-", seed, "-", start.year(), "-", start.month(), "-", start.day());

  DemoClinic demo;
  demo.clinic.set_request_id(tag + "-clinic");
  demo.clinic.mutable_clinic()->set_display_name("Lakeview Spine & Decompression (demo)");
  demo.clinic.mutable_clinic()->set_time_zone(kDemoTimeZone);

  const int n = std::clamp(patients, 1, static_cast<int>(std::size(kPeople)));
  for (int i = 0; i < n; ++i) {
    const Person& person = kPeople[i];
    DemoPatient p;
    const std::string pid = absl::StrCat(tag, "-p", i);
    p.patient.set_request_id(pid);
    v1::PatientIdentity* id = p.patient.mutable_patient()->mutable_identity();
    id->set_given_name(person.given);
    id->set_family_name(person.family);
    const int age = 39 + static_cast<int>(rng() % 32);  // 39..70
    id->mutable_birth_date()->set_year(static_cast<int>(today.year()) - age);
    id->mutable_birth_date()->set_month(1 + static_cast<int>(rng() % 12));
    id->mutable_birth_date()->set_day(1 + static_cast<int>(rng() % 28));
    id->set_sex(person.sex);
    id->set_zip_code(person.zip);
    id->set_mrn(absl::StrCat("DEMO-", seed, "-", 1001 + i));
    if (i % 2 == 0) id->set_phone(absl::StrCat("+1312555", 1000 + i));

    // Plan: 24 sessions tapering from 5 a week to 1; force ~45 % of body
    // weight.
    const double body_kg = 62 + static_cast<int>(rng() % 35);
    v1::Episode* e = p.episode.mutable_episode();
    p.episode.set_request_id(pid + "-episode");
    for (v1::Condition c : kConditions[i % std::size(kConditions)]) {
      if (c != v1::CONDITION_UNSPECIFIED) e->add_conditions(c);
    }
    e->mutable_start_date()->set_year(static_cast<int>(start.year()));
    e->mutable_start_date()->set_month(start.month());
    e->mutable_start_date()->set_day(start.day());
    for (int week : {5, 5, 3, 3, 2, 2, 1, 1, 1, 1}) e->mutable_plan()->add_weekly_sessions(week);
    e->mutable_plan()->set_target_max_force_newtons(std::round(0.45 * body_kg * 9.81));
    e->mutable_plan()->set_session_minutes(30);

    // Patient 2 does not respond; patient 3 drops out after week 6.
    const bool responder = i != 2;
    const int last_day = i == 3 ? 41 : 84;
    if (i == 3) p.close_reason = v1::CLOSE_REASON_LOST_TO_FOLLOW_UP;
    if (i == 4) p.close_reason = v1::CLOSE_REASON_COMPLETED;
    const double baseline = std::clamp(6.1 + 1.3 * noise(rng) / 0.7, 4.0, 9.0);

    for (int day = -3; day <= last_day; ++day) {
      const absl::CivilDay civil = start + day;
      const double level = PainLevel(baseline, responder, day);
      // Daily pain at 20:00, missing about one day in ten.
      if (rng() % 10 != 0 || day == 0) {
        v1::SubmitHomeReportRequest r;
        r.set_report_id(absl::StrCat(pid, "-nprs-", day + 3));
        *r.mutable_effective_time() = At(civil, 20, 0, zone);
        r.set_pain_nprs(static_cast<int>(std::clamp(std::round(level + noise(rng)), 0.0, 10.0)));
        if (!After(r.effective_time(), now)) p.home_reports.push_back(r);
      }
      // Weekly questionnaires on days 0, 7, ..., 84 at 19:00.
      if (day >= 0 && day % 7 == 0) {
        const auto when = At(civil, 19, 0, zone);
        if (!After(when, now)) {
        v1::SubmitHomeReportRequest odi;
        odi.set_report_id(absl::StrCat(pid, "-odi-w", day / 7));
        *odi.mutable_effective_time() = when;
        std::vector<int> s = Spread(static_cast<int>(std::round(level * 3.4)), 10, 5, rng);
        v1::OdiAnswers* a = odi.mutable_odi();
        a->set_pain_intensity(s[0]); a->set_personal_care(s[1]); a->set_lifting(s[2]);
        a->set_walking(s[3]); a->set_sitting(s[4]); a->set_standing(s[5]);
        a->set_sleeping(s[6]);
        if (i % 2 == 1) a->set_sex_life(s[7]);  // some patients skip it
        a->set_social_life(s[8]); a->set_travelling(s[9]);
        p.home_reports.push_back(odi);

        v1::SubmitHomeReportRequest rmdq = odi;
        rmdq.set_report_id(absl::StrCat(pid, "-rmdq-w", day / 7));
        std::vector<int> yes = Spread(static_cast<int>(std::round(level * 2.0)), 24, 1, rng);
        for (int y : yes) rmdq.mutable_rmdq()->add_items(y == 1);
        p.home_reports.push_back(rmdq);

        v1::SubmitHomeReportRequest promis = odi;
        promis.set_report_id(absl::StrCat(pid, "-promis-w", day / 7));
        std::vector<int> extra = Spread(static_cast<int>(std::round(level * 2.3)), 6, 4, rng);
        for (int x : extra) promis.mutable_promis_pi_6a()->add_items(1 + x);
        p.home_reports.push_back(promis);
        }
      }
      // Wearable steps, synced daily.
      const auto noon = At(civil, 12, 0, zone);
      if (day >= 0 && !After(noon, now)) {
        v1::ObservationInput steps;
        steps.set_observation_id(absl::StrCat(pid, "-steps-", day));
        steps.set_instrument(v1::INSTRUMENT_DAILY_STEPS);
        *steps.mutable_effective_time() = noon;
        steps.set_source(v1::SOURCE_HOME);
        steps.set_value(std::round(std::max(500.0, 8500 - 650 * level + 900 * noise(rng))));
        p.measures.push_back(steps);
      }
    }

    // In-clinic exams at weeks 0, 4, 8 and 12, at 10:30.
    for (int week : {0, 4, 8, 12}) {
      const int day = week * 7;
      if (day > last_day) break;
      const auto when = At(start + day, 10, 30, zone);
      if (After(when, now)) break;
      const double level = PainLevel(baseline, responder, day);
      const double better = std::clamp((baseline - level) / baseline, 0.0, 1.0);
      auto exam = [&](v1::Instrument instrument, double value, const char* name) {
        v1::ObservationInput in;
        in.set_observation_id(absl::StrCat(pid, "-", name, "-w", week));
        in.set_instrument(instrument);
        *in.mutable_effective_time() = when;
        in.set_source(v1::SOURCE_CLINIC);
        in.set_value(value);
        if (instrument == v1::INSTRUMENT_STRAIGHT_LEG_RAISE) {
          in.set_laterality(v1::LATERALITY_LEFT);
        }
        p.measures.push_back(in);
      };
      exam(v1::INSTRUMENT_NPRS, std::round(level), "nprs");
      exam(v1::INSTRUMENT_LUMBAR_FLEXION, std::round(38 + 25 * better), "flexion");
      exam(v1::INSTRUMENT_STRAIGHT_LEG_RAISE, std::round(42 + 30 * better), "slr");
      exam(v1::INSTRUMENT_MODIFIED_SCHOBER, std::round(10 * (3.1 + 1.8 * better)) / 10, "schober");
      exam(v1::INSTRUMENT_FINGERTIP_TO_FLOOR, std::round(32 - 22 * better), "ftf");
      exam(v1::INSTRUMENT_TIMED_UP_AND_GO, std::round(10 * (12.5 - 4 * better)) / 10, "tug");
      exam(v1::INSTRUMENT_SIX_MINUTE_WALK, std::round(340 + 120 * better), "6mw");
      exam(v1::INSTRUMENT_WALKING_TOLERANCE, std::round(10 + 40 * better), "walk-tol");
      v1::ObservationInput psfs;
      psfs.set_observation_id(absl::StrCat(pid, "-psfs-w", week));
      psfs.set_instrument(v1::INSTRUMENT_PSFS);
      *psfs.mutable_effective_time() = when;
      psfs.set_source(v1::SOURCE_CLINIC);
      for (const char* activity : {"sitting through a meal", "putting on socks",
                                   "walking the dog"}) {
        v1::PsfsActivity* a = psfs.mutable_psfs()->add_activities();
        a->set_activity(activity);
        a->set_score(static_cast<int>(std::clamp(std::round(10 - level + noise(rng)), 0.0, 10.0)));
      }
      p.measures.push_back(psfs);
    }
    demo.patients.push_back(std::move(p));
  }
  return demo;
}

}  // namespace tractus::cli
