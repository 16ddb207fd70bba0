#include "records/observation_input.h"

#include <array>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "analytics/instruments.h"
#include "google/protobuf/util/time_util.h"
#include "records/time_proto.h"
#include "records/validation.h"

namespace tractus::records {
namespace {

using analytics::InputKind;
using analytics::MeasureInfo;
using google::protobuf::util::TimeUtil;

static_assert(static_cast<int>(analytics::Measure::kNprs) == v1::INSTRUMENT_NPRS);
static_assert(static_cast<int>(analytics::Measure::kDailySteps) ==
              v1::INSTRUMENT_DAILY_STEPS);
static_assert(v1::Instrument_MAX == v1::INSTRUMENT_DAILY_STEPS,
              "a new instrument needs an analytics::Measure catalog entry");

std::string Path(absl::string_view parent, absl::string_view child) {
  return absl::StrCat(parent, ".", child);
}

absl::Time ToTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::array<std::optional<int>, analytics::kOdiSections> OdiSections(
    const v1::OdiAnswers& a) {
  auto get = [](bool has, int value) {
    return has ? std::optional<int>(value) : std::nullopt;
  };
  return {get(a.has_pain_intensity(), a.pain_intensity()),
          get(a.has_personal_care(), a.personal_care()),
          get(a.has_lifting(), a.lifting()),
          get(a.has_walking(), a.walking()),
          get(a.has_sitting(), a.sitting()),
          get(a.has_standing(), a.standing()),
          get(a.has_sleeping(), a.sleeping()),
          get(a.has_sex_life(), a.sex_life()),
          get(a.has_social_life(), a.social_life()),
          get(a.has_travelling(), a.travelling())};
}

constexpr const char* kOdiSectionNames[analytics::kOdiSections] = {
    "pain_intensity", "personal_care", "lifting",  "walking",     "sitting",
    "standing",       "sleeping",      "sex_life", "social_life", "travelling"};

v1::ObservationInput::AnswerCase ExpectedAnswer(InputKind kind) {
  switch (kind) {
    case InputKind::kScalar: return v1::ObservationInput::kValue;
    case InputKind::kOdi: return v1::ObservationInput::kOdi;
    case InputKind::kRmdq: return v1::ObservationInput::kRmdq;
    case InputKind::kPromisPi6a: return v1::ObservationInput::kPromisPi6A;
    case InputKind::kPsfs: return v1::ObservationInput::kPsfs;
  }
  return v1::ObservationInput::ANSWER_NOT_SET;
}

const char* AnswerFieldName(v1::ObservationInput::AnswerCase c) {
  switch (c) {
    case v1::ObservationInput::kValue: return "value";
    case v1::ObservationInput::kOdi: return "odi";
    case v1::ObservationInput::kRmdq: return "rmdq";
    case v1::ObservationInput::kPromisPi6A: return "promis_pi_6a";
    case v1::ObservationInput::kPsfs: return "psfs";
    case v1::ObservationInput::ANSWER_NOT_SET: break;
  }
  return "answer";
}

void CheckScalar(const std::string& f, double value, const MeasureInfo& m, Violations& v) {
  if (!std::isfinite(value)) {
    v.Add(f, "must be a finite number");
  } else if (value < m.min_value || value > m.max_value) {
    v.Add(f, absl::StrCat("must be ", m.min_value, "..", m.max_value, " ", std::string(m.ucum_unit),
                          " for ", std::string(m.name), ", got ", value));
  } else if (m.integer && value != std::floor(value)) {
    v.Add(f, absl::StrCat("must be a whole number for ", std::string(m.name), ", got ", value));
  }
}

void CheckOdi(const std::string& f, const v1::OdiAnswers& a, Violations& v) {
  auto sections = OdiSections(a);
  int unanswered = 0;
  for (int i = 0; i < analytics::kOdiSections; ++i) {
    if (!sections[i].has_value()) {
      ++unanswered;
    } else if (*sections[i] < 0 || *sections[i] > 5) {
      v.Add(Path(f, kOdiSectionNames[i]), absl::StrCat("must be 0..5, got ", *sections[i]));
    }
  }
  if (unanswered > analytics::kOdiMaxUnanswered) {
    v.Add(f, absl::StrCat(unanswered, " of 10 sections unanswered; at most ",
                          analytics::kOdiMaxUnanswered, " may be missing to score the ODI"));
  }
}

void CheckAnswers(const std::string& f, const v1::ObservationInput& in,
                  const MeasureInfo& m, Violations& v) {
  switch (in.answer_case()) {
    case v1::ObservationInput::kValue:
      CheckScalar(Path(f, "value"), in.value(), m, v);
      break;
    case v1::ObservationInput::kOdi:
      CheckOdi(Path(f, "odi"), in.odi(), v);
      break;
    case v1::ObservationInput::kRmdq:
      if (in.rmdq().items_size() != analytics::kRmdqItems) {
        v.Add(Path(f, "rmdq.items"),
              absl::StrCat("must have exactly 24 answers, got ", in.rmdq().items_size()));
      }
      break;
    case v1::ObservationInput::kPromisPi6A: {
      const auto& items = in.promis_pi_6a().items();
      if (items.size() != analytics::kPromisPi6aItems) {
        v.Add(Path(f, "promis_pi_6a.items"),
              absl::StrCat("must have exactly 6 answers, got ", items.size()));
      }
      for (int i = 0; i < items.size(); ++i) {
        if (items[i] < 1 || items[i] > 5) {
          v.Add(absl::StrCat(f, ".promis_pi_6a.items[", i, "]"),
                absl::StrCat("must be 1..5, got ", items[i]));
        }
      }
      break;
    }
    case v1::ObservationInput::kPsfs: {
      const auto& acts = in.psfs().activities();
      if (acts.size() < analytics::kPsfsMinActivities ||
          acts.size() > analytics::kPsfsMaxActivities) {
        v.Add(Path(f, "psfs.activities"),
              absl::StrCat("must have 3..5 activities, got ", acts.size()));
      }
      for (int i = 0; i < acts.size(); ++i) {
        std::string a = absl::StrCat(f, ".psfs.activities[", i, "]");
        if (acts[i].activity().empty() || acts[i].activity().size() > 100) {
          v.Add(Path(a, "activity"), "must be 1..100 characters");
        }
        if (acts[i].score() < 0 || acts[i].score() > 10) {
          v.Add(Path(a, "score"), absl::StrCat("must be 0..10, got ", acts[i].score()));
        }
      }
      break;
    }
    case v1::ObservationInput::ANSWER_NOT_SET:
      break;
  }
}

}  // namespace

void CheckObservationInput(absl::string_view field, const v1::ObservationInput& in,
                           const ObservationContext& ctx, Violations& v) {
  const std::string f(field);
  CheckClientId(Path(f, "observation_id"), in.observation_id(), v);

  const MeasureInfo* m = analytics::FindMeasure(in.instrument());
  if (in.instrument() == v1::INSTRUMENT_UNSPECIFIED) {
    v.Add(Path(f, "instrument"), "required");
  } else if (m == nullptr) {
    v.Add(Path(f, "instrument"), absl::StrCat("unknown instrument ", in.instrument()));
  }

  const std::string when = Path(f, "effective_time");
  if (!in.has_effective_time()) {
    v.Add(when, "required");
  } else if (!IsValidTimestamp(in.effective_time())) {
    v.Add(when, "is not a valid timestamp");
  } else {
    absl::Time t = ToTime(in.effective_time());
    if (t > ctx.now + kFutureTolerance) {
      v.Add(when, "is in the future");
    } else if (t < ctx.episode_start - absl::Hours(24 * kMaxDaysBeforeEpisode)) {
      v.Add(when, absl::StrCat("is more than ", kMaxDaysBeforeEpisode,
                               " days before the episode start"));
    }
  }

  if (in.source() == v1::SOURCE_UNSPECIFIED) {
    v.Add(Path(f, "source"), "required");
  } else if (!v1::Source_IsValid(in.source())) {
    v.Add(Path(f, "source"), absl::StrCat("unknown source ", in.source()));
  }

  if (!v1::Laterality_IsValid(in.laterality())) {
    v.Add(Path(f, "laterality"), absl::StrCat("unknown laterality ", in.laterality()));
  }
  if (m == nullptr) return;  // the rest depends on the instrument

  if (m->measure == analytics::Measure::kStraightLegRaise) {
    if (in.laterality() == v1::LATERALITY_UNSPECIFIED) {
      v.Add(Path(f, "laterality"), "required for straight_leg_raise (left or right)");
    }
  } else if (in.laterality() != v1::LATERALITY_UNSPECIFIED) {
    v.Add(Path(f, "laterality"), absl::StrCat("must be unset for ", std::string(m->name)));
  }

  auto expected = ExpectedAnswer(m->input);
  if (in.answer_case() == v1::ObservationInput::ANSWER_NOT_SET) {
    v.Add(Path(f, AnswerFieldName(expected)), absl::StrCat("required for ", std::string(m->name)));
    return;
  }
  if (in.answer_case() != expected) {
    v.Add(Path(f, AnswerFieldName(in.answer_case())),
          absl::StrCat(std::string(m->name), " takes `", AnswerFieldName(expected), "`, not `",
                       AnswerFieldName(in.answer_case()), "`"));
    return;
  }
  CheckAnswers(f, in, *m, v);
}

v1::Observation BuildObservation(const v1::ObservationInput& in,
                                 const v1::Episode& episode,
                                 const ObservationContext& ctx) {
  const MeasureInfo& m = *analytics::FindMeasure(in.instrument());
  v1::Observation o;
  o.set_observation_id(in.observation_id());
  o.set_episode_id(episode.episode_id());
  o.set_patient_id(episode.patient_id());
  o.set_instrument(in.instrument());
  *o.mutable_effective_time() = in.effective_time();
  o.set_source(in.source());
  o.set_laterality(in.laterality());
  o.set_unit(std::string(m.ucum_unit));
  switch (in.answer_case()) {
    case v1::ObservationInput::kValue:
      o.set_value(in.value());
      break;
    case v1::ObservationInput::kOdi: {
      analytics::OdiScore s = analytics::ScoreOdi(OdiSections(in.odi()));
      o.set_value(s.percent);
      o.set_items_answered(s.answered);
      *o.mutable_odi() = in.odi();
      break;
    }
    case v1::ObservationInput::kRmdq: {
      std::vector<bool> items(in.rmdq().items().begin(), in.rmdq().items().end());
      o.set_value(analytics::ScoreRmdq(items));
      o.set_items_answered(static_cast<int>(items.size()));
      *o.mutable_rmdq() = in.rmdq();
      break;
    }
    case v1::ObservationInput::kPromisPi6A: {
      std::vector<int> items(in.promis_pi_6a().items().begin(),
                             in.promis_pi_6a().items().end());
      int raw = analytics::ScorePromisPi6aRaw(items);
      o.set_value(raw);
      o.set_items_answered(static_cast<int>(items.size()));
      if (auto t = analytics::PromisTScore(ctx.tscore_table, raw)) {
        o.set_t_score(*t);
        o.set_t_score_table(ctx.tscore_table->version);
      }
      *o.mutable_promis_pi_6a() = in.promis_pi_6a();
      break;
    }
    case v1::ObservationInput::kPsfs: {
      std::vector<int> scores;
      for (const auto& a : in.psfs().activities()) scores.push_back(a.score());
      o.set_value(analytics::ScorePsfs(scores));
      o.set_items_answered(static_cast<int>(scores.size()));
      *o.mutable_psfs() = in.psfs();
      break;
    }
    case v1::ObservationInput::ANSWER_NOT_SET:
      break;
  }
  *o.mutable_record_time() = TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(ctx.now));
  return o;
}

bool SameObservation(const v1::Observation& stored, const v1::Observation& built) {
  v1::Observation a = stored;
  v1::Observation b = built;
  a.clear_record_time();
  b.clear_record_time();
  // The T-score depends on the table installed when it was first stored;
  // a replay is the same observation whatever table is installed now.
  a.clear_t_score();
  a.clear_t_score_table();
  b.clear_t_score();
  b.clear_t_score_table();
  return a.SerializeAsString() == b.SerializeAsString();
}

}  // namespace tractus::records
