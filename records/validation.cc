#include "records/validation.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/ids.h"
#include "records/civil_date.h"

namespace tractus::records {
namespace {

std::string Path(absl::string_view parent, absl::string_view child) {
  return parent.empty() ? std::string(child) : absl::StrCat(parent, ".", child);
}

void CheckText(absl::string_view field, absl::string_view text, size_t max_len,
               bool required, Violations& v) {
  if (text.empty()) {
    if (required) v.Add(std::string(field), "required");
    return;
  }
  if (text.size() > max_len) {
    v.Add(std::string(field), absl::StrCat("must be at most ", max_len, " characters"));
    return;
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      v.Add(std::string(field), "must not contain control characters");
      return;
    }
  }
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

bool IsZip(absl::string_view zip) {
  if (zip.size() == 5) return AllDigits(zip);
  return zip.size() == 10 && zip[5] == '-' && AllDigits(zip.substr(0, 5)) &&
         AllDigits(zip.substr(6));
}

bool IsMrn(absl::string_view mrn) {
  if (mrn.empty() || mrn.size() > 64) return false;
  for (char c : mrn) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

bool IsPhone(absl::string_view phone) {
  return phone.size() >= 8 && phone.size() <= 16 && phone[0] == '+' &&
         AllDigits(phone.substr(1));
}

bool IsEmail(absl::string_view email) {
  if (email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || at != email.rfind('@')) return false;
  absl::string_view domain = email.substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == absl::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : email) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

absl::CivilDay Today(absl::Time now) {
  return absl::ToCivilDay(now, absl::UTCTimeZone());
}

}  // namespace

void CheckClientId(absl::string_view field, absl::string_view id, Violations& v) {
  if (id.empty()) {
    v.Add(std::string(field), "required");
  } else if (!IsClientId(id)) {
    v.Add(std::string(field), "must be 1..128 characters of [A-Za-z0-9._:-]");
  }
}

void CheckOpaqueId(absl::string_view field, absl::string_view id,
                   absl::string_view prefix, Violations& v) {
  if (id.empty()) {
    v.Add(std::string(field), "required");
  } else if (!IsOpaqueId(id, prefix)) {
    v.Add(std::string(field), absl::StrCat("is not a valid id (expected \"", prefix,
                                           "\" and 32 hex digits)"));
  }
}

void CheckClinic(absl::string_view field, const v1::Clinic& clinic, Violations& v) {
  CheckText(Path(field, "display_name"), clinic.display_name(), 200, true, v);
  absl::TimeZone zone;
  if (clinic.time_zone().empty()) {
    v.Add(Path(field, "time_zone"), "required");
  } else if (clinic.time_zone().size() > 64 ||
             !absl::LoadTimeZone(clinic.time_zone(), &zone)) {
    v.Add(Path(field, "time_zone"),
          "must be an IANA time zone name, e.g. \"America/Chicago\"");
  }
}

void CheckIdentity(absl::string_view field, const v1::PatientIdentity& id,
                   absl::Time now, Violations& v) {
  CheckText(Path(field, "given_name"), id.given_name(), 100, true, v);
  CheckText(Path(field, "family_name"), id.family_name(), 100, true, v);
  const std::string birth = Path(field, "birth_date");
  if (!id.has_birth_date()) {
    v.Add(birth, "required");
  } else if (!IsValidDate(id.birth_date())) {
    v.Add(birth, "is not a calendar date in 1900..2200");
  } else if (ToCivilDay(id.birth_date()) > Today(now)) {
    v.Add(birth, "must not be in the future");
  }
  if (id.sex() == v1::SEX_UNSPECIFIED) {
    v.Add(Path(field, "sex"), "required");
  } else if (!v1::Sex_IsValid(id.sex())) {
    v.Add(Path(field, "sex"), absl::StrCat("unknown value ", id.sex()));
  }
  if (id.zip_code().empty()) {
    v.Add(Path(field, "zip_code"), "required");
  } else if (!IsZip(id.zip_code())) {
    v.Add(Path(field, "zip_code"), "must be a US ZIP code: 5 digits, optionally -4 more");
  }
  if (id.mrn().empty()) {
    v.Add(Path(field, "mrn"), "required");
  } else if (!IsMrn(id.mrn())) {
    v.Add(Path(field, "mrn"), "must be 1..64 characters of [A-Za-z0-9-]");
  }
  if (!id.phone().empty() && !IsPhone(id.phone())) {
    v.Add(Path(field, "phone"), "must be \"+\" followed by 7..15 digits");
  }
  if (!id.email().empty() && !IsEmail(id.email())) {
    v.Add(Path(field, "email"), "is not a valid e-mail address");
  }
}

namespace {

// A week-by-week plan: 1..13 weeks of 0..7 sessions, 1..60 in all;
// sessions_planned and sessions_per_week unset or equal to what the weeks
// say.
void CheckWeeklySchedule(const std::string& plan, const v1::TreatmentPlan& p, Violations& v) {
  const std::string weeks = Path(plan, "weekly_sessions");
  if (p.weekly_sessions_size() > kPlanWeeks) {
    v.Add(weeks, absl::StrCat("at most ", kPlanWeeks, " weeks (episode weeks 0..12), got ",
                              p.weekly_sessions_size()));
    return;
  }
  int total = 0, largest = 0;
  for (int i = 0; i < p.weekly_sessions_size(); ++i) {
    const int n = p.weekly_sessions(i);
    if (n < 0 || n > 7) {
      v.Add(absl::StrCat(weeks, "[", i, "]"), absl::StrCat("must be 0..7, got ", n));
      continue;
    }
    total += n;
    largest = std::max(largest, n);
  }
  if (total < 1 || total > 60) {
    v.Add(weeks, absl::StrCat("must plan 1..60 sessions in all, got ", total));
  }
  if (p.sessions_planned() != 0 && p.sessions_planned() != total) {
    v.Add(Path(plan, "sessions_planned"),
          absl::StrCat("must be 0 or the sum of weekly_sessions (", total, "), got ",
                       p.sessions_planned()));
  }
  if (p.sessions_per_week() != 0 && p.sessions_per_week() != largest) {
    v.Add(Path(plan, "sessions_per_week"),
          absl::StrCat("must be 0 or the largest of weekly_sessions (", largest, "), got ",
                       p.sessions_per_week()));
  }
}

}  // namespace

v1::TreatmentPlan NormalizedPlan(v1::TreatmentPlan plan) {
  if (plan.weekly_sessions().empty()) return plan;
  int total = 0, largest = 0;
  for (int n : plan.weekly_sessions()) {
    total += n;
    largest = std::max(largest, n);
  }
  plan.set_sessions_planned(total);
  plan.set_sessions_per_week(largest);
  return plan;
}

void CheckEpisode(absl::string_view field, const v1::Episode& episode,
                  absl::Time now, Violations& v) {
  const std::string conditions = Path(field, "conditions");
  if (episode.conditions().empty()) v.Add(conditions, "at least one condition is required");
  std::set<int> seen;
  for (int i = 0; i < episode.conditions_size(); ++i) {
    int c = episode.conditions(i);
    std::string f = absl::StrCat(conditions, "[", i, "]");
    if (c == v1::CONDITION_UNSPECIFIED || !v1::Condition_IsValid(c)) {
      v.Add(f, absl::StrCat("unknown condition ", c));
    } else if (!seen.insert(c).second) {
      v.Add(f, "is listed twice");
    }
  }
  const std::string start = Path(field, "start_date");
  if (!episode.has_start_date()) {
    v.Add(start, "required");
  } else if (!IsValidDate(episode.start_date())) {
    v.Add(start, "is not a calendar date in 1900..2200");
  } else {
    absl::CivilDay day = ToCivilDay(episode.start_date());
    absl::CivilDay today = Today(now);
    if (day < today - 5 * 366) v.Add(start, "must be within the last 5 years");
    if (day > today + 366) v.Add(start, "must be within the next year");
  }
  const std::string plan = Path(field, "plan");
  if (!episode.has_plan()) {
    v.Add(plan, "required");
    return;
  }
  const v1::TreatmentPlan& p = episode.plan();
  if (p.weekly_sessions().empty()) {
    if (p.sessions_planned() < 1 || p.sessions_planned() > 60) {
      v.Add(Path(plan, "sessions_planned"),
            absl::StrCat("must be 1..60, got ", p.sessions_planned()));
    }
    if (p.sessions_per_week() < 1 || p.sessions_per_week() > 7) {
      v.Add(Path(plan, "sessions_per_week"),
            absl::StrCat("must be 1..7, got ", p.sessions_per_week()));
    }
  } else {
    CheckWeeklySchedule(plan, p, v);
  }
  double force = p.target_max_force_newtons();
  if (!(force > 0 && force <= 1400)) {
    v.Add(Path(plan, "target_max_force_newtons"),
          absl::StrCat("must be in (0, 1400] newtons, got ", force));
  }
  if (p.session_minutes() < 5 || p.session_minutes() > 90) {
    v.Add(Path(plan, "session_minutes"),
          absl::StrCat("must be 5..90, got ", p.session_minutes()));
  }
}

bool IsIdentityMaskPath(absl::string_view path) {
  static const std::set<absl::string_view> kPaths = {
      "given_name", "family_name", "birth_date", "sex",
      "zip_code",   "mrn",         "phone",      "email"};
  return kPaths.count(path) > 0;
}

}  // namespace tractus::records
