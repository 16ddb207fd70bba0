#include "analytics/instruments.h"

namespace tractus::analytics {

const std::vector<MeasureInfo>& AllMeasures() {
  using D = Direction;
  using I = InputKind;
  using M = Measure;
  // Ranges are plausibility limits for validation, not normal values.
  // MCIDs: DESIGN.md (Ostelo 2008 for NPRS/ODI/RMDQ; MDC/SDC for mobility).
  static const std::vector<MeasureInfo>* const kAll = new std::vector<MeasureInfo>{
      {M::kNprs, "nprs", "Pain (NPRS 0-10)", I::kScalar, "{score}", 0, 10, true,
       D::kLowerIsBetter, "72514-3", "nprs", 2, 30, true},
      {M::kOdi, "odi", "Oswestry Disability Index (%)", I::kOdi, "%", 0, 100, false,
       D::kLowerIsBetter, "97909-6", "odi", 10, 30, true},
      {M::kRmdq, "rmdq", "Roland-Morris (0-24)", I::kRmdq, "{score}", 0, 24, true,
       D::kLowerIsBetter, "", "rmdq", 5, 30, true},
      {M::kPromisPi6a, "promis_pi_6a", "PROMIS Pain Interference 6a (raw 6-30)",
       I::kPromisPi6a, "{score}", 6, 30, true, D::kLowerIsBetter, "90974-7",
       "promis_pi_6a_raw", 0, 0, true},
      {M::kPsfs, "psfs", "Patient-Specific Functional Scale (0-10)", I::kPsfs,
       "{score}", 0, 10, false, D::kHigherIsBetter, "", "psfs", 2, 0, true},
      {M::kLumbarFlexion, "lumbar_flexion", "Lumbar flexion (deg)", I::kScalar, "deg",
       0, 120, false, D::kHigherIsBetter, "", "lumbar_flexion", 4.6, 0, false},
      {M::kLumbarExtension, "lumbar_extension", "Lumbar extension (deg)", I::kScalar,
       "deg", 0, 60, false, D::kHigherIsBetter, "", "lumbar_extension", 4.6, 0, false},
      {M::kStraightLegRaise, "straight_leg_raise", "Straight leg raise (deg)",
       I::kScalar, "deg", 0, 110, false, D::kHigherIsBetter, "", "straight_leg_raise",
       5.7, 0, false},
      {M::kModifiedSchober, "modified_schober", "Modified Schober (cm)", I::kScalar,
       "cm", 0, 15, false, D::kHigherIsBetter, "", "modified_schober", 1.8, 0, false},
      {M::kFingertipToFloor, "fingertip_to_floor", "Fingertip-to-floor (cm)",
       I::kScalar, "cm", -40, 80, false, D::kLowerIsBetter, "", "fingertip_to_floor",
       4.5, 0, false},
      {M::kTimedUpAndGo, "timed_up_and_go", "Timed up-and-go (s)", I::kScalar, "s",
       1, 300, false, D::kLowerIsBetter, "", "timed_up_and_go", 1.3, 0, false},
      {M::kSixMinuteWalk, "six_minute_walk", "6-minute walk (m)", I::kScalar, "m", 0,
       1000, false, D::kHigherIsBetter, "64098-7", "six_minute_walk", 86, 0, false},
      {M::kWalkingTolerance, "walking_tolerance", "Walking tolerance (min)",
       I::kScalar, "min", 0, 720, false, D::kHigherIsBetter, "", "walking_tolerance",
       0, 0, true},
      {M::kDailySteps, "daily_steps", "Daily steps", I::kScalar, "/d", 0, 100000, true,
       D::kHigherIsBetter, "41950-7", "daily_steps", 0, 0, false},
  };
  return *kAll;
}

const MeasureInfo* FindMeasure(int instrument_value) {
  const auto& all = AllMeasures();
  if (instrument_value < 1 || instrument_value > static_cast<int>(all.size())) {
    return nullptr;
  }
  return &all[instrument_value - 1];
}

}  // namespace tractus::analytics
