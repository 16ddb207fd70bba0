// The cell-key method's properties, on its own and in the cohort figures.
// The utility test uses a cohort built to the DRX9000 case series (n = 94,
// NRS 6.05 -> 0.89; Macario et al. 2008), the reference the issue names.
#include "analytics/disclosure.h"

#include <algorithm>
#include <cstdio>
#include <array>
#include <random>
#include <set>

#include "analytics/cohort.h"
#include "gtest/gtest.h"

namespace tractus::analytics {
namespace {

std::vector<uint64_t> Keys(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> keys(n);
  for (uint64_t& k : keys) k = rng();
  return keys;
}

TEST(DisclosureTest, FactIdsAreFnv1a) {
  // FNV-1a 64 test vectors (Fowler, Noll, Vo: "" and "a").
  EXPECT_EQ(FactId(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(FactId("a"), 0xaf63dc4c8601ec8cULL);
}

// Shards add their records in another order than one server does.
TEST(DisclosureTest, CellKeyDoesNotDependOnOrder) {
  std::vector<uint64_t> keys = Keys(50, 1);
  CellKey a("responder@8"), b("responder@8");
  for (size_t i = 0; i < keys.size(); ++i) a.Add(keys[i], i % 3 == 0);
  std::vector<size_t> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(2));
  for (size_t i : order) b.Add(keys[i], i % 3 == 0);
  EXPECT_EQ(a.CountShift(), b.CountShift());
  EXPECT_EQ(a.Unit(), b.Unit());
}

// Over random populations the count shift takes -2..2 with probability
// 1/5 each and the unit noise is uniform on [-1, 1): chi-square against
// the uniform distribution (critical values from scipy.stats.chi2.ppf(0.999,
// 4) = 18.47 and (0.999, 9) = 27.88).
TEST(DisclosureTest, NoiseIsUniform) {
  constexpr int kTrials = 20000;
  std::array<int, 5> shifts{};
  std::array<int, 10> units{};
  std::mt19937_64 rng(3);
  for (int t = 0; t < kTrials; ++t) {
    CellKey key("valued@4");
    const int n = 11 + static_cast<int>(rng() % 80);
    for (int i = 0; i < n; ++i) key.Add(rng(), rng() % 2 == 0);
    ++shifts[key.CountShift() + 2];
    ASSERT_GE(key.Unit(), -1.0);
    ASSERT_LT(key.Unit(), 1.0);
    ++units[static_cast<int>((key.Unit() + 1) * 5)];
  }
  double chi5 = 0, chi10 = 0;
  for (int c : shifts) chi5 += (c - kTrials / 5.0) * (c - kTrials / 5.0) / (kTrials / 5.0);
  for (int c : units) chi10 += (c - kTrials / 10.0) * (c - kTrials / 10.0) / (kTrials / 10.0);
  EXPECT_LT(chi5, 18.47);
  EXPECT_LT(chi10, 27.88);
}

// Adding a record moves the cell key by that record's own contribution,
// whatever the rest of the population: the same shift in every pair of
// queries that differ by it, so pairs cannot be averaged.
TEST(DisclosureTest, OneRecordShiftsTheKeyByAFixedAmount) {
  const uint64_t target = 0x1234567890abcdefULL;
  std::set<int> shifts_mod5;
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 50; ++trial) {
    CellKey without("responder@8");
    const int n = 20 + trial;
    for (int i = 0; i < n; ++i) without.Add(rng(), rng() % 2 == 0);
    CellKey with = without;
    with.Add(target, true);
    shifts_mod5.insert(((with.CountShift() - without.CountShift()) % 5 + 5) % 5);
  }
  EXPECT_EQ(shifts_mod5.size(), 1u);
  // Members and non-members shift it differently (else a cell whose
  // members did not change would not move).
  CellKey member("responder@8"), non_member("responder@8");
  member.Add(target, true);
  non_member.Add(target, false);
  EXPECT_NE(member.Unit(), non_member.Unit());
}

TEST(DisclosureTest, NoCountOfOneToTenIsShown) {
  std::mt19937_64 rng(5);
  for (int count = 0; count <= 30; ++count) {
    for (int t = 0; t < 200; ++t) {
      CellKey key("episodes");
      for (int i = 0; i < count; ++i) key.Add(rng(), true);
      std::optional<int> shown = ProtectCount(count, key);
      if (shown) {
        EXPECT_GE(*shown, kMinCellPatients);
        EXPECT_LE(std::abs(*shown - count), kCountNoise);
      }
    }
  }
}

// The limit every bounded-noise method has (Dinur & Nissim, PODS 2003):
// many *different* pairs of populations that differ by the target each
// give its value plus a noise difference; with enough pairs the attacker
// reads the target's shift off their distribution. Printed for the docs
// (docs/disclosure.md, "What it does not promise"); one pair stays at the
// bound.
TEST(DisclosureTest, ManyDifferentPairsWearTheNoiseDown) {
  std::mt19937_64 rng(6);
  for (int pairs : {1, 4, 16, 64}) {
    int right = 0;
    constexpr int kTargets = 2000;
    for (int t = 0; t < kTargets; ++t) {
      const uint64_t target = rng();
      const bool responder = rng() % 2 == 0;
      double sum = 0;
      for (int p = 0; p < pairs; ++p) {
        CellKey without("responder@8");
        int count = 0;
        for (int i = 0; i < 30; ++i) {
          const bool holds = rng() % 2 == 0;
          count += holds;
          without.Add(rng(), holds);
        }
        CellKey with = without;
        with.Add(target, responder);
        const double a = count + responder + kRateNumeratorNoise * with.Unit();
        const double b = count + kRateNumeratorNoise * without.Unit();
        sum += a - b;
      }
      right += (sum / pairs > 0.5) == responder;
    }
    std::printf("responder status from %2d different query pairs: %.1f %% right\n", pairs,
                100.0 * right / kTargets);
    if (pairs == 1) {
      EXPECT_LE(right, 0.65 * kTargets);
    }
  }
}

// --- The cohort figures -----------------------------------------------

// A cohort like the DRX9000 series: 94 patients, NRS baseline mean 6.05
// (SD 2.3, 1..10), follow-up at week 12 mean 0.89.
std::vector<EpisodeSummary> Drx9000Like(uint64_t key_seed) {
  std::mt19937 rng(94);
  std::normal_distribution<double> baseline(6.05, 2.3);
  std::vector<EpisodeSummary> out;
  std::vector<uint64_t> keys = Keys(94, key_seed);
  for (int i = 0; i < 94; ++i) {
    EpisodeSummary s;
    s.baseline = std::clamp(std::round(baseline(rng) * 2) / 2, 1.0, 10.0);
    const double end = std::clamp(std::round(*s.baseline * 0.147 * 2 + (i % 5 - 2) * 0.5) / 2,
                                  0.0, 10.0);
    for (int w = 0; w < kEpisodeWeeks; ++w) {
      s.weekly[w] = std::round((*s.baseline + (end - *s.baseline) * std::min(1.0, w / 8.0)) * 2) / 2;
    }
    s.last_week = 12;
    if (end <= *s.baseline - 2) s.first_sustained_response_week = 2 + i % 5;
    s.today_day = 120;
    s.record_key = keys[i];
    out.push_back(s);
  }
  return out;
}

TEST(DisclosureTest, UtilityOnTheDrx9000Cohort) {
  const CohortResult exact = ComputeCohort(Drx9000Like(0), Protection::kNone);
  ASSERT_TRUE(exact.baseline && exact.weeks[12].mean && exact.responder_rates[2].per_protocol);
  // The series' published figures (6.05 -> 0.89), to the generator's
  // rounding.
  EXPECT_NEAR(exact.baseline->estimate, 6.05, 0.3);
  EXPECT_NEAR(exact.weeks[12].mean->estimate, 0.89, 0.3);
  double worst_baseline = 0, worst_follow_up = 0, worst_rate = 0;
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    const CohortResult p = ComputeCohort(Drx9000Like(seed));
    ASSERT_TRUE(p.baseline && p.weeks[12].mean && p.responder_rates[2].per_protocol);
    worst_baseline = std::max(worst_baseline,
                              std::fabs(p.baseline->estimate - exact.baseline->estimate));
    worst_follow_up = std::max(worst_follow_up, std::fabs(p.weeks[12].mean->estimate -
                                                          exact.weeks[12].mean->estimate));
    worst_rate = std::max(worst_rate, std::fabs(p.responder_rates[2].per_protocol->estimate -
                                                exact.responder_rates[2].per_protocol->estimate));
  }
  std::printf("DRX9000-like cohort (n = 94), worst of 500 key draws: baseline mean %.3f, "
              "week-12 mean %.3f points, responder rate %.2f pp\n",
              worst_baseline, worst_follow_up, 100 * worst_rate);
  EXPECT_LE(worst_baseline, 0.15);
  EXPECT_LE(worst_follow_up, 0.15);
  EXPECT_LE(worst_rate, 0.03);
  EXPECT_GT(worst_baseline, 0);  // the protection is on
}

// Every count the protected cohort shows is >= 11; the same episodes in any
// order (a merge of shards) give the same figures bit for bit.
TEST(DisclosureTest, ProtectedCohortShowsNoSmallCountAndIsOrderFree) {
  std::vector<EpisodeSummary> cohort = Drx9000Like(7);
  cohort.resize(30);
  for (int i = 0; i < 30; i += 3) cohort[i].weekly[8].reset();
  const CohortResult a = ComputeCohort(cohort);
  std::reverse(cohort.begin(), cohort.end());
  const CohortResult b = ComputeCohort(cohort);
  const auto big_or_withheld = [](std::optional<int> c) { return !c || *c >= kMinCellPatients; };
  EXPECT_TRUE(big_or_withheld(a.episodes) && big_or_withheld(a.analysed) &&
              big_or_withheld(a.dropped_out));
  for (const CohortWeekStats& w : a.weeks) EXPECT_TRUE(w.patients == 0 || w.patients >= 11);
  for (const ResponderRateAtWeek& r : a.responder_rates) {
    EXPECT_TRUE(r.per_protocol_patients == 0 || r.per_protocol_patients >= 11);
    EXPECT_TRUE(r.itt_patients == 0 || r.itt_patients >= 11);
  }
  for (const PublishedStep& s : a.time_to_response) {
    EXPECT_GE(s.step.at_risk, 11);
    EXPECT_TRUE(big_or_withheld(s.events) && big_or_withheld(s.censored));
  }
  EXPECT_EQ(a.withheld, b.withheld);
  ASSERT_TRUE(a.weeks[8].mean && b.weeks[8].mean);
  EXPECT_EQ(a.weeks[8].mean->estimate, b.weeks[8].mean->estimate);
  EXPECT_EQ(a.weeks[8].median->low, b.weeks[8].median->low);
  EXPECT_EQ(a.responder_rates[1].intention_to_treat->estimate,
            b.responder_rates[1].intention_to_treat->estimate);
  // Responses withheld as cells of 1..10 are named.
  EXPECT_FALSE(a.withheld.empty());
}

}  // namespace
}  // namespace tractus::analytics
