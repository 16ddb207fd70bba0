#include "records/observation_input.h"

#include <functional>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "records/time_proto.h"

namespace tractus::records {
namespace {

const absl::Time kStart = absl::FromCivil(absl::CivilSecond(2026, 9, 1, 5, 0, 0),
                                          absl::UTCTimeZone());
const absl::Time kNow = kStart + absl::Hours(24 * 30);
const ObservationContext kCtx{kStart, kNow, nullptr};

v1::ObservationInput Nprs(double value) {
  v1::ObservationInput in;
  in.set_observation_id("o-1");
  in.set_instrument(v1::INSTRUMENT_NPRS);
  *in.mutable_effective_time() = ToProto(kStart + absl::Hours(24 * 3));
  in.set_source(v1::SOURCE_HOME);
  in.set_value(value);
  return in;
}

v1::ObservationInput Odi() {
  v1::ObservationInput in = Nprs(0);
  in.set_instrument(v1::INSTRUMENT_ODI);
  v1::OdiAnswers* a = in.mutable_odi();
  a->set_pain_intensity(3);
  a->set_personal_care(2);
  a->set_lifting(2);
  a->set_walking(1);
  a->set_sitting(2);
  a->set_standing(1);
  a->set_sleeping(1);
  a->set_social_life(2);
  a->set_travelling(2);  // sex_life unanswered
  return in;
}

std::vector<std::string> Check(const v1::ObservationInput& in) {
  Violations v;
  CheckObservationInput("observations[4]", in, kCtx, v);
  std::vector<std::string> fields;
  for (const auto& fv : v.list()) fields.push_back(fv.field);
  return fields;
}

struct Case {
  const char* name;
  std::function<v1::ObservationInput()> make;
  std::vector<std::string> want;
};

TEST(ObservationInputTest, Table) {
  const std::string p = "observations[4]";
  const Case cases[] = {
      {"nprs ok", [] { return Nprs(7); }, {}},
      {"nprs 11", [] { return Nprs(11); }, {p + ".value"}},
      {"nprs -1", [] { return Nprs(-1); }, {p + ".value"}},
      {"nprs 6.5", [] { return Nprs(6.5); }, {p + ".value"}},
      {"nprs NaN", [] { return Nprs(NAN); }, {p + ".value"}},
      {"nprs inf", [] { return Nprs(INFINITY); }, {p + ".value"}},
      {"no id", [] { auto in = Nprs(3); in.clear_observation_id(); return in; },
       {p + ".observation_id"}},
      {"no instrument", [] { auto in = Nprs(3); in.clear_instrument(); return in; },
       {p + ".instrument"}},
      {"unknown instrument", [] { auto in = Nprs(3); in.set_instrument(static_cast<v1::Instrument>(99)); return in; },
       {p + ".instrument"}},
      {"no time", [] { auto in = Nprs(3); in.clear_effective_time(); return in; },
       {p + ".effective_time"}},
      {"future", [] { auto in = Nprs(3); *in.mutable_effective_time() = ToProto(kNow + absl::Minutes(6)); return in; },
       {p + ".effective_time"}},
      {"within clock tolerance", [] { auto in = Nprs(3); *in.mutable_effective_time() = ToProto(kNow + absl::Minutes(4)); return in; },
       {}},
      {"29 days before start", [] { auto in = Nprs(3); *in.mutable_effective_time() = ToProto(kStart - absl::Hours(24 * 29)); return in; },
       {p + ".effective_time"}},
      {"14 days before start (baseline)", [] { auto in = Nprs(3); *in.mutable_effective_time() = ToProto(kStart - absl::Hours(24 * 14)); return in; },
       {}},
      {"invalid timestamp", [] { auto in = Nprs(3); in.mutable_effective_time()->set_nanos(-5); return in; },
       {p + ".effective_time"}},
      {"no source", [] { auto in = Nprs(3); in.clear_source(); return in; }, {p + ".source"}},
      {"no value", [] { auto in = Nprs(3); in.clear_value(); return in; }, {p + ".value"}},
      {"wrong answer kind", [] { auto in = Nprs(3); in.mutable_rmdq(); return in; }, {p + ".rmdq"}},
      {"laterality on nprs", [] { auto in = Nprs(3); in.set_laterality(v1::LATERALITY_LEFT); return in; },
       {p + ".laterality"}},
      {"slr needs laterality", [] { auto in = Nprs(60); in.set_instrument(v1::INSTRUMENT_STRAIGHT_LEG_RAISE); return in; },
       {p + ".laterality"}},
      {"slr ok", [] { auto in = Nprs(60); in.set_instrument(v1::INSTRUMENT_STRAIGHT_LEG_RAISE); in.set_laterality(v1::LATERALITY_RIGHT); return in; },
       {}},
      {"flexion 130 deg", [] { auto in = Nprs(130); in.set_instrument(v1::INSTRUMENT_LUMBAR_FLEXION); return in; },
       {p + ".value"}},
      {"steps fractional", [] { auto in = Nprs(1000.5); in.set_instrument(v1::INSTRUMENT_DAILY_STEPS); return in; },
       {p + ".value"}},
      {"6mw 1200 m", [] { auto in = Nprs(1200); in.set_instrument(v1::INSTRUMENT_SIX_MINUTE_WALK); return in; },
       {p + ".value"}},
      {"tug 0.5 s", [] { auto in = Nprs(0.5); in.set_instrument(v1::INSTRUMENT_TIMED_UP_AND_GO); return in; },
       {p + ".value"}},
      {"fingertip -10 cm ok", [] { auto in = Nprs(-10); in.set_instrument(v1::INSTRUMENT_FINGERTIP_TO_FLOOR); return in; },
       {}},
      {"odi one missing ok", [] { return Odi(); }, {}},
      {"odi section 6", [] { auto in = Odi(); in.mutable_odi()->set_walking(6); return in; },
       {p + ".odi.walking"}},
      {"odi three missing", [] { auto in = Odi(); in.mutable_odi()->clear_lifting(); in.mutable_odi()->clear_sitting(); return in; },
       {p + ".odi"}},
      {"rmdq 23 items", [] { auto in = Nprs(0); in.set_instrument(v1::INSTRUMENT_RMDQ); for (int i = 0; i < 23; ++i) in.mutable_rmdq()->add_items(true); return in; },
       {p + ".rmdq.items"}},
      {"promis item 0", [] { auto in = Nprs(0); in.set_instrument(v1::INSTRUMENT_PROMIS_PI_6A); for (int i : {3, 0, 2, 2, 1, 5}) in.mutable_promis_pi_6a()->add_items(i); return in; },
       {p + ".promis_pi_6a.items[1]"}},
      {"psfs two activities", [] { auto in = Nprs(0); in.set_instrument(v1::INSTRUMENT_PSFS); for (int i = 0; i < 2; ++i) { auto* a = in.mutable_psfs()->add_activities(); a->set_activity("stairs"); a->set_score(4); } return in; },
       {p + ".psfs.activities"}},
      {"psfs score 11", [] { auto in = Nprs(0); in.set_instrument(v1::INSTRUMENT_PSFS); for (int i = 0; i < 3; ++i) { auto* a = in.mutable_psfs()->add_activities(); a->set_activity("stairs"); a->set_score(i == 2 ? 11 : 4); } return in; },
       {p + ".psfs.activities[2].score"}},
  };
  for (const Case& c : cases) EXPECT_EQ(Check(c.make()), c.want) << c.name;
}

TEST(ObservationInputTest, BuildScoresQuestionnaires) {
  v1::Episode episode;
  episode.set_episode_id("ep_x");
  episode.set_patient_id("pt_x");
  v1::Observation odi = BuildObservation(Odi(), episode, kCtx);
  EXPECT_NEAR(odi.value(), 100.0 * 16 / 45, 1e-9);  // 16 points, 9 sections
  EXPECT_EQ(odi.items_answered(), 9);
  EXPECT_EQ(odi.unit(), "%");
  EXPECT_TRUE(odi.has_odi());
  EXPECT_EQ(odi.patient_id(), "pt_x");
  EXPECT_EQ(FromProto(odi.record_time()), kNow);

  v1::ObservationInput promis = Nprs(0);
  promis.set_instrument(v1::INSTRUMENT_PROMIS_PI_6A);
  for (int i : {3, 4, 2, 5, 3, 4}) promis.mutable_promis_pi_6a()->add_items(i);
  v1::Observation raw_only = BuildObservation(promis, episode, kCtx);
  EXPECT_EQ(raw_only.value(), 21);
  EXPECT_FALSE(raw_only.has_t_score());  // no verified table installed

  analytics::TScoreTable table{"test-linear-1", "fixture, not clinical", {}};
  for (size_t i = 0; i < table.t_by_raw.size(); ++i) table.t_by_raw[i] = 40 + i;
  ObservationContext with_table = kCtx;
  with_table.tscore_table = &table;
  v1::Observation scored = BuildObservation(promis, episode, with_table);
  EXPECT_EQ(scored.t_score(), 40 + (21 - 6));
  EXPECT_EQ(scored.t_score_table(), "test-linear-1");
  EXPECT_TRUE(SameObservation(raw_only, scored));  // a replay, whatever the table

  v1::Observation nprs = BuildObservation(Nprs(7), episode, kCtx);
  EXPECT_EQ(nprs.value(), 7);
  EXPECT_EQ(nprs.unit(), "{score}");
  ObservationContext later = kCtx;
  later.now += absl::Hours(1);
  EXPECT_TRUE(SameObservation(nprs, BuildObservation(Nprs(7), episode, later)));
  EXPECT_FALSE(SameObservation(nprs, BuildObservation(Nprs(6), episode, kCtx)));
}

}  // namespace
}  // namespace tractus::records
