// De-identification rules of HIPAA Safe Harbor (45 CFR 164.514(b)(2)) as
// pure functions: ZIP3 with the restricted prefixes, 5-year age bands with
// 90+, keyed subject ids, and the quasi-identifier class of a record.
#ifndef TRACTUS_EXPORTS_DEID_H_
#define TRACTUS_EXPORTS_DEID_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/secrets.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/patient.pb.h"

namespace tractus::exports {

// The version of the restricted ZIP3 list (zip3_restricted.cc).
absl::string_view Zip3ListVersion();

// The first three digits of a 5-digit US ZIP code, "000" for the restricted
// prefixes (populations of 20,000 or fewer) and for anything that is not a
// ZIP code.
std::string Zip3(absl::string_view zip);

// Age in whole years on `day` of someone born on `birth`, as a 5-year band
// ("40-44"); everyone 90 or older is "90+". "unknown" for a birth after
// `day`.
std::string AgeBand(absl::CivilDay birth, absl::CivilDay day);

// Pseudonyms under one export's key, which cannot be derived from the
// patient or episode without it. Stable for one key. Thread-compatible:
// one per thread.
class Pseudonyms {
 public:
  explicit Pseudonyms(absl::string_view key) : hmac_(key) {}

  // "S" + 20 hex digits of HMAC-SHA256(key, "patient:" + patient_id).
  std::string SubjectId(absl::string_view patient_id);

  // "E" + 20 hex digits of HMAC-SHA256(key, "episode:" + episode_id).
  std::string EpisodeRef(absl::string_view episode_id);

 private:
  KeyedHmacSha256 hmac_;
};

// "female", "male", "other", "unknown" (FHIR administrative gender).
absl::string_view SexName(v1::Sex sex);

// snake_case name of a condition, e.g. "herniated_disc".
absl::string_view ConditionName(v1::Condition condition);

// The quasi-identifiers of one exported episode; k-anonymity is checked
// over classes of equal ones.
struct QuasiIdentifiers {
  std::string age_band;
  std::string sex;
  std::string zip3;
  std::string condition;  // the episode's first (primary) condition

  std::string ClassKey() const;
};

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_DEID_H_
