// The catalog of measures Tractus stores: units, plausible ranges, direction,
// codes and minimal clinically important differences (see ../shared/DESIGN.md
// "Measures"). Pure data; no I/O. Thread-safe (immutable).
#ifndef TRACTUS_ANALYTICS_INSTRUMENTS_H_
#define TRACTUS_ANALYTICS_INSTRUMENTS_H_

#include <optional>
#include <string_view>
#include <vector>

namespace tractus::analytics {

// Numeric values equal tractus.v1.Instrument (records/ static_asserts it).
// DO NOT CHANGE THESE VALUES: they are part of on-disk keys.
enum class Measure : int {
  kNprs = 1,
  kOdi = 2,
  kRmdq = 3,
  kPromisPi6a = 4,
  kPsfs = 5,
  kLumbarFlexion = 6,
  kLumbarExtension = 7,
  kStraightLegRaise = 8,
  kModifiedSchober = 9,
  kFingertipToFloor = 10,
  kTimedUpAndGo = 11,
  kSixMinuteWalk = 12,
  kWalkingTolerance = 13,
  kDailySteps = 14,
};

// How a measure is submitted.
enum class InputKind {
  kScalar,      // one number
  kOdi,         // ten sections 0..5
  kRmdq,        // 24 yes/no items
  kPromisPi6a,  // six items 1..5
  kPsfs,        // 3..5 activities 0..10
};

enum class Direction { kLowerIsBetter, kHigherIsBetter };

// What a measure's change threshold is (docs/outcomes.md, "Thresholds").
// DO NOT CHANGE THESE VALUES: they match tractus.v1.ThresholdKind.
enum class ThresholdKind {
  kNone = 1,   // no citable threshold: no responder rule
  kMcid = 2,   // minimal clinically important difference (anchor-based)
  kMdc95 = 3,  // minimal detectable change at 95 % confidence
  kSdc = 4,    // smallest detectable change
  kMic = 5,    // minimal important change
  kMdd = 6,    // minimal detectable difference
};

// How often a measure is assessed, which decides how a sustained response
// is read from it: daily measures (home pain, steps) by consecutive weekly
// medians, visit measures (questionnaires, exams) by consecutive
// assessment days.
enum class Cadence { kDaily, kVisit };

struct MeasureInfo {
  Measure measure;
  std::string_view name;          // stable snake_case name, e.g. "nprs"
  std::string_view display_name;  // e.g. "Pain (NPRS 0-10)"
  InputKind input;
  std::string_view ucum_unit;     // "{score}", "%", "deg", "cm", "s", "m", "min", "/d"
  double min_value;               // plausible range of the value or score
  double max_value;
  bool integer;                   // value must be a whole number
  Direction direction;
  std::string_view loinc;         // empty when LOINC has no code
  std::string_view local_code;    // Tractus local code system
  // Responder threshold: an improvement of at least `mcid_points` or of at
  // least `mcid_percent` % of baseline (0 = no percentage rule). Both 0
  // exactly when `threshold` is kNone.
  double mcid_points;
  double mcid_percent;
  ThresholdKind threshold;
  std::string_view threshold_source;  // the citation; empty for kNone
  Cadence cadence;
  bool patient_reported;          // a PRO (FHIR category "survey")
};

// Every measure, in Measure order.
const std::vector<MeasureInfo>& AllMeasures();

// The catalog entry for a tractus.v1.Instrument value, or nullptr.
const MeasureInfo* FindMeasure(int instrument_value);

// The code system of a measure's `loinc` code (`local_code` belongs to the
// export's measure code system: exports/terminology.h).
inline constexpr std::string_view kLoincSystem = "http://loinc.org";

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_INSTRUMENTS_H_
