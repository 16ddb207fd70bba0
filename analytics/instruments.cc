#include "analytics/instruments.h"

namespace tractus::analytics {

const std::vector<MeasureInfo>& AllMeasures() {
  using D = Direction;
  using I = InputKind;
  using M = Measure;
  // Ranges are plausibility limits for validation, not normal values.
  // Thresholds and their sources: docs/outcomes.md, "Thresholds".
  using T = ThresholdKind;
  constexpr Cadence kDaily = Cadence::kDaily;
  constexpr Cadence kVisit = Cadence::kVisit;
  constexpr std::string_view kOstelo =
      "Ostelo RW et al. Interpreting change scores for pain and functional status in low "
      "back pain. Spine 2008;33(1):90-94";
  constexpr std::string_view kEkedahl =
      "Ekedahl H, Jonsson B, Frobell RB. Fingertip-to-floor test and straight leg raising "
      "test. Arch Phys Med Rehabil 2012;93(12):2210-2215";
  static const std::vector<MeasureInfo>* const kAll = new std::vector<MeasureInfo>{
      {M::kNprs, "nprs", "Pain (NPRS 0-10)", I::kScalar, "{score}", 0, 10, true,
       D::kLowerIsBetter, "72514-3", "nprs", 2, 30, T::kMcid, kOstelo, kDaily, true},
      {M::kOdi, "odi", "Oswestry Disability Index (%)", I::kOdi, "%", 0, 100, false,
       D::kLowerIsBetter, "97909-6", "odi", 10, 30, T::kMcid, kOstelo, kVisit, true},
      {M::kRmdq, "rmdq", "Roland-Morris (0-24)", I::kRmdq, "{score}", 0, 24, true,
       D::kLowerIsBetter, "", "rmdq", 5, 30, T::kMcid, kOstelo, kVisit, true},
      // Raw scores: published MCIDs are in T-score points, and no citable
      // conversion table is installed.
      {M::kPromisPi6a, "promis_pi_6a", "PROMIS Pain Interference 6a (raw 6-30)",
       I::kPromisPi6a, "{score}", 6, 30, true, D::kLowerIsBetter, "90974-7",
       "promis_pi_6a_raw", 0, 0, T::kNone, "", kVisit, true},
      {M::kPsfs, "psfs", "Patient-Specific Functional Scale (0-10)", I::kPsfs,
       "{score}", 0, 10, false, D::kHigherIsBetter, "", "psfs", 2, 0, T::kMcid,
       "Stratford P et al. Assessing disability and change on individual patients: a "
       "report of a patient specific measure. Physiother Can 1995;47:258-263 (average score)",
       kVisit, true},
      // MDC95 = 1.96 x sqrt(2) x SEM (Weir JP, J Strength Cond Res 2005;19(1):231-240)
      // with the inclinometer SEM of 4.6 degrees that DESIGN.md gives: 12.75.
      {M::kLumbarFlexion, "lumbar_flexion", "Lumbar flexion (deg)", I::kScalar, "deg",
       0, 120, false, D::kHigherIsBetter, "", "lumbar_flexion", 12.75, 0, T::kMdc95,
       "MDC95 = 1.96 x sqrt(2) x SEM 4.6 deg (Weir JP. J Strength Cond Res "
       "2005;19(1):231-240); SEM as given in the Tractus design brief",
       kVisit, false},
      // No citable MDC for inclinometer extension: the flexion SEM does not
      // transfer (extension is measured far less reliably).
      {M::kLumbarExtension, "lumbar_extension", "Lumbar extension (deg)", I::kScalar,
       "deg", 0, 60, false, D::kHigherIsBetter, "", "lumbar_extension", 0, 0, T::kNone, "",
       kVisit, false},
      {M::kStraightLegRaise, "straight_leg_raise", "Straight leg raise (deg)",
       I::kScalar, "deg", 0, 110, false, D::kHigherIsBetter, "", "straight_leg_raise",
       5.7, 0, T::kMdc95, kEkedahl, kVisit, false},
      {M::kModifiedSchober, "modified_schober", "Modified Schober (cm)", I::kScalar,
       "cm", 0, 15, false, D::kHigherIsBetter, "", "modified_schober", 1.8, 0, T::kSdc,
       "Robinson HS, Mengshoel AM. Assessments of lumbar flexion range of motion. "
       "Spine 2014;39(4):E270-E275",
       kVisit, false},
      {M::kFingertipToFloor, "fingertip_to_floor", "Fingertip-to-floor (cm)",
       I::kScalar, "cm", -40, 80, false, D::kLowerIsBetter, "", "fingertip_to_floor",
       4.5, 0, T::kMdc95, kEkedahl, kVisit, false},
      {M::kTimedUpAndGo, "timed_up_and_go", "Timed up-and-go (s)", I::kScalar, "s",
       1, 300, false, D::kLowerIsBetter, "", "timed_up_and_go", 1.3, 0, T::kMic,
       "Jakobsson M et al. One-minute stair climbing, 50-foot walk, and timed up-and-go "
       "were responsive measures for patients with chronic low back pain. BMC "
       "Musculoskelet Disord 2019, doi:10.1186/s12891-019-2512-5",
       kVisit, false},
      {M::kSixMinuteWalk, "six_minute_walk", "6-minute walk (m)", I::kScalar, "m", 0,
       1000, false, D::kHigherIsBetter, "64098-7", "six_minute_walk", 86, 0, T::kMdd,
       "People at a persistent pain service can walk it but some struggle to talk about "
       "it: reliability, detectable difference and clinically important difference of "
       "the six-minute walk test (MDD 86.1 m)",
       kVisit, false},
      {M::kWalkingTolerance, "walking_tolerance", "Walking tolerance (min)",
       I::kScalar, "min", 0, 720, false, D::kHigherIsBetter, "", "walking_tolerance",
       0, 0, T::kNone, "", kVisit, true},
      {M::kDailySteps, "daily_steps", "Daily steps", I::kScalar, "/d", 0, 100000, true,
       D::kHigherIsBetter, "41950-7", "daily_steps", 0, 0, T::kNone, "", kDaily, false},
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
