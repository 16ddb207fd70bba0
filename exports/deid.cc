#include "exports/deid.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace tractus::exports {

std::string AgeBand(absl::CivilDay birth, absl::CivilDay day) {
  if (birth > day) return "unknown";
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() || (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  if (age >= 90) return "90+";
  const int low = age / 5 * 5;
  return absl::StrCat(low, "-", low + 4);
}

std::string Pseudonyms::SubjectId(absl::string_view patient_id) {
  return "S" +
         absl::BytesToHexString(hmac_.Digest(absl::StrCat("patient:", patient_id))).substr(0, 20);
}

std::string Pseudonyms::EpisodeRef(absl::string_view episode_id) {
  return "E" +
         absl::BytesToHexString(hmac_.Digest(absl::StrCat("episode:", episode_id))).substr(0, 20);
}

absl::string_view SexName(v1::Sex sex) {
  switch (sex) {
    case v1::SEX_FEMALE: return "female";
    case v1::SEX_MALE: return "male";
    case v1::SEX_OTHER: return "other";
    default: return "unknown";
  }
}

absl::string_view ConditionName(v1::Condition condition) {
  switch (condition) {
    case v1::CONDITION_HERNIATED_DISC: return "herniated_disc";
    case v1::CONDITION_DEGENERATIVE_DISC_DISEASE: return "degenerative_disc_disease";
    case v1::CONDITION_SCIATICA: return "sciatica";
    case v1::CONDITION_SPINAL_STENOSIS: return "spinal_stenosis";
    case v1::CONDITION_FACET_JOINT_SYNDROME: return "facet_joint_syndrome";
    case v1::CONDITION_CHRONIC_LOW_BACK_PAIN: return "chronic_low_back_pain";
    default: return "unspecified";
  }
}

std::string QuasiIdentifiers::ClassKey() const {
  return absl::StrCat(age_band, "|", sex, "|", zip3, "|", condition);
}

}  // namespace tractus::exports
