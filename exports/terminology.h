// The codes an export writes besides LOINC and UCUM: SNOMED CT codes for
// the conditions (only those checked against a published value set), the
// Tractus local code systems under a configurable base URL, and the items
// of a questionnaire's answers (never its free text). Pure.
#ifndef TRACTUS_EXPORTS_TERMINOLOGY_H_
#define TRACTUS_EXPORTS_TERMINOLOGY_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tractus/v1/observation.pb.h"

namespace tractus::exports {

inline constexpr absl::string_view kSnomedSystem = "http://snomed.info/sct";

// The base of the local code systems and extensions when the operator sets
// none (tractusd --fhir_base_url).
inline constexpr absl::string_view kDefaultFhirBase = "https://fhir.tractus.health";
// OK for an absolute http(s) URL without a trailing '/', query, fragment or
// whitespace; else INVALID_ARGUMENT naming what is wrong.
absl::Status ValidateFhirBase(absl::string_view base);

// The local code systems, each `<base>/CodeSystem/<name>`; every FHIR
// release carries their definitions (CodeSystem.ndjson).
inline constexpr absl::string_view kMeasureCodes = "measure";      // measures without LOINC
inline constexpr absl::string_view kConditionCodes = "condition";  // the six conditions
inline constexpr absl::string_view kItemCodes = "item";            // questionnaire items
inline constexpr absl::string_view kOutcomeCodes = "outcome";      // episode-level figures
inline constexpr absl::string_view kProcedureCodes = "procedure";  // a traction session

// A condition as exported: its snake_case name (the local code), a display,
// and its SNOMED CT concept when one was verified (else empty), with where
// it was checked.
struct ConditionCoding {
  absl::string_view name;
  absl::string_view display;
  absl::string_view snomed;
  absl::string_view snomed_display;
};
// The coding of a condition name ("sciatica"); the "unspecified" entry for
// an unknown name.
const ConditionCoding& CodingOfCondition(absl::string_view name);
const std::vector<ConditionCoding>& AllConditionCodings();
// Where the SNOMED CT codes above were checked.
inline constexpr absl::string_view kSnomedSource =
    "NLM VSAC value set 2.16.840.1.113762.1.4.1021.95 'Conditions associated with chronic "
    "pain' (SNOMED CT US Edition 2023-03-01) for 23056005, 76107001, 77547008; Synthea's "
    "US Core test data for 278860009";

// One answered item of a questionnaire: its local code ("odi.walking",
// "rmdq.7", "psfs.2"; static storage), its number in the form (1-based),
// and its value (ODI section 0..5; RMDQ 1 = yes, 0 = no; PROMIS 1..5; PSFS
// 0..10).
struct AnswerItem {
  absl::string_view code;
  int number = 0;
  int value = 0;
};
// Calls `fn` with each answered item of `o` in form order; never for a
// scalar measure. PSFS gives each activity's score only (the activity text
// is free text). Allocates nothing (an export's hot path).
void ForEachAnswerItem(const v1::Observation& o, absl::FunctionRef<void(const AnswerItem&)> fn);
// The same, collected.
std::vector<AnswerItem> AnswerItems(const v1::Observation& o);

// Every item code with its definition, in form order (the item code
// system's content).
struct ItemDefinition {
  std::string code;
  std::string display;
};
const std::vector<ItemDefinition>& AllItemDefinitions();

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_TERMINOLOGY_H_
