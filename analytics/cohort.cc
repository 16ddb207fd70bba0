#include "analytics/cohort.h"

#include <algorithm>
#include <functional>

#include "analytics/disclosure.h"

namespace tractus::analytics {

EpisodeSummary SummarizeEpisode(const MeasureProgress& nprs, bool dropped_out,
                                const std::vector<CourseDose>& sessions) {
  EpisodeSummary s;
  s.baseline = nprs.baseline;
  for (const WeekStat& w : nprs.weeks) {
    if (w.week >= 0 && w.week < kEpisodeWeeks) s.weekly[w.week] = w.median;
    if (w.median) s.last_week = w.week;
  }
  s.first_sustained_response_week = nprs.first_sustained_response_week;
  s.dropped_out = dropped_out;
  for (const CourseDose& d : sessions) {
    const int w = std::max(0, WeekOfDay(d.day));
    if (w < kEpisodeWeeks) s.dose_through_week[w] += d.newton_seconds;
  }
  for (int w = 1; w < kEpisodeWeeks; ++w) s.dose_through_week[w] += s.dose_through_week[w - 1];
  return s;
}

bool ReachedWeek(const EpisodeSummary& e, int week) { return e.today_day >= 7 * (week + 1); }

std::string_view BaselineBand(double baseline) {
  if (baseline <= 3) return "mild";
  if (baseline <= 6) return "moderate";
  return "severe";
}

namespace {

using Population = std::vector<const EpisodeSummary*>;

std::string Piece(std::string_view s) { return std::string(s); }
std::string Piece(int i) { return std::to_string(i); }

// Cell and fact names: "responder@" + 8.
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  return (std::string() + ... + Piece(parts));
}

const MeasureInfo& Nprs() { return *FindMeasure(static_cast<int>(Measure::kNprs)); }

bool RespondedAt(const EpisodeSummary& e, int week) {
  return e.weekly[week] && MeetsResponderRule(Nprs(), *e.baseline, *e.weekly[week]).value_or(false);
}

Population Where(const Population& from, const std::function<bool(const EpisodeSummary&)>& keep) {
  Population out;
  for (const EpisodeSummary* e : from) {
    if (keep(*e)) out.push_back(e);
  }
  return out;
}

// Publishes the figures of one table: protected (cell-key method) or, for
// tests of the rules, exact. Records what it withholds.
class Publisher {
 public:
  Publisher(Protection protection, std::vector<std::string>* withheld)
      : protect_(protection == Protection::kCellKey), withheld_(withheld) {}

  // The cell key of `fact` over `population`.
  CellKey Key(std::string_view fact, const Population& population,
              const std::function<bool(const EpisodeSummary&)>& holds) const {
    CellKey key(fact);
    for (const EpisodeSummary* e : population) key.Add(e->record_key, holds(*e));
    return key;
  }

  // How many of `population` `fact` holds for, as published; `cell` names
  // it when withheld.
  std::optional<int> Count(std::string_view fact, const Population& population,
                           const std::function<bool(const EpisodeSummary&)>& holds,
                           std::string_view cell) {
    int count = 0;
    for (const EpisodeSummary* e : population) count += holds(*e) ? 1 : 0;
    std::optional<int> shown;
    if (protect_) {
      shown = ProtectCount(count, Key(fact, population, holds));
    } else if (count >= kMinCellPatients) {
      shown = count;
    }
    if (!shown) Withhold(cell);
    return shown;
  }

  // The share of `population` (>= 1 episode) `fact` holds for.
  Interval Rate(std::string_view fact, const Population& population,
                const std::function<bool(const EpisodeSummary&)>& holds) const {
    int count = 0;
    for (const EpisodeSummary* e : population) count += holds(*e) ? 1 : 0;
    const int n = static_cast<int>(population.size());
    if (!protect_) return WilsonInterval(count, n);
    return ProtectRate(count, n, Key(fact, population, holds));
  }

  // Mean and median of `value` over the members of `population` that have
  // one (>= 2). `quantity` names the value ("nprs@8").
  std::pair<Interval, Interval> MeanAndMedian(
      std::string_view quantity, const Population& population,
      const std::function<std::optional<double>(const EpisodeSummary&)>& value) const {
    std::vector<double> values;
    for (const EpisodeSummary* e : population) {
      if (std::optional<double> v = value(*e)) values.push_back(*v);
    }
    Interval mean = MeanInterval(values);
    Interval median = MedianInterval(values);
    if (!protect_) return {mean, median};
    const auto has = [&](const EpisodeSummary& e) { return value(e).has_value(); };
    const int n = static_cast<int>(values.size());
    mean = ProtectMean(mean, n, kPainSumNoise, Key(Cat(quantity, ".sum"), population, has),
                       Key(Cat(quantity, ".spread"), population, has));
    median = ProtectMedian(median, Key(Cat(quantity, ".median"), population, has));
    return {mean, median};
  }

  double Correlation(std::string_view fact, const Population& population, double exact) const {
    if (!protect_) return exact;
    return ProtectCorrelation(exact, Key(fact, population, [](const EpisodeSummary&) {
                                return true;
                              }));
  }

  void Withhold(std::string_view cell) { withheld_->emplace_back(cell); }

 private:
  const bool protect_;
  std::vector<std::string>* withheld_;
};

ResponderRateAtWeek RateAt(Publisher& publish, const Population& analysed, int week) {
  const std::string at = Cat("@", week);
  const std::string cell = Cat("responder_rates[week=", week, "]");
  const auto responded = [week](const EpisodeSummary& e) { return RespondedAt(e, week); };
  const auto valued = [week](const EpisodeSummary& e) { return e.weekly[week].has_value(); };
  ResponderRateAtWeek r{week, 0, std::nullopt, 0, std::nullopt};
  const Population itt = Where(analysed, [week](const EpisodeSummary& e) {
    return ReachedWeek(e, week);
  });
  const Population pp = Where(itt, valued);
  // The per-protocol n is the week's patient count (the same fact over the
  // same population: the same published number).
  if (auto n = publish.Count(Cat("valued", at), itt, valued,
                             Cat(cell, ".per_protocol"))) {
    r.per_protocol_patients = *n;
    r.per_protocol = publish.Rate(Cat("responder", at), pp, responded);
  }
  if (auto n = publish.Count(Cat("reached", at), analysed,
                             [week](const EpisodeSummary& e) { return ReachedWeek(e, week); },
                             Cat(cell, ".intention_to_treat"))) {
    r.itt_patients = *n;
    r.intention_to_treat = publish.Rate(Cat("responder", at), itt, responded);
  }
  return r;
}

// Week 12 when enough episodes have a value then; otherwise the latest week
// every analysed episode has reached (-1: none).
int DoseResponseWeek(const Population& analysed) {
  const int last = kEpisodeWeeks - 1;
  int at_last = 0;
  int common = last;
  for (const EpisodeSummary* e : analysed) {
    if (ReachedWeek(*e, last) && e->weekly[last]) ++at_last;
    common = std::min(common, e->today_day / 7 - 1);
  }
  return at_last >= kMinCellPatients ? last : common;
}

// Time to first sustained response (censored at the last week with data),
// on the fixed grid of weeks 0..12 so that a step's presence says nothing
// about whether anyone responded or left that week.
std::vector<PublishedStep> TimeToResponse(Publisher& publish, const Population& analysed,
                                          bool protect) {
  const auto time_of = [](const EpisodeSummary& e) {
    return e.first_sustained_response_week.value_or(e.last_week);
  };
  std::vector<KaplanMeierCounts> counts;
  std::vector<std::optional<int>> events_shown, censored_shown;
  std::vector<std::string> names;
  for (int t = 0; t < kEpisodeWeeks; ++t) {
    const std::string at = Cat("@", t);
    const auto at_risk = [&](const EpisodeSummary& e) { return time_of(e) >= t; };
    const auto event = [&](const EpisodeSummary& e) {
      return e.first_sustained_response_week == t;
    };
    const auto censored = [&](const EpisodeSummary& e) {
      return !e.first_sustained_response_week && e.last_week == t;
    };
    KaplanMeierCounts c{t, 0, 0, 0};
    for (const EpisodeSummary* e : analysed) {
      c.at_risk += at_risk(*e) ? 1 : 0;
      c.events += event(*e) ? 1 : 0;
      c.censored += censored(*e) ? 1 : 0;
    }
    std::optional<int> events_count = c.events >= kMinCellPatients ? std::optional(c.events)
                                                                   : std::nullopt;
    std::optional<int> censored_count = c.censored >= kMinCellPatients
                                            ? std::optional(c.censored)
                                            : std::nullopt;
    if (protect) {
      c.at_risk = std::max(0, c.at_risk + publish.Key(Cat("km.at_risk", at), analysed,
                                                      at_risk).CountShift());
      const CellKey event_key = publish.Key(Cat("km.event", at), analysed, event);
      const CellKey censored_key =
          publish.Key(Cat("km.censored", at), analysed, censored);
      events_count = ProtectCount(c.events, event_key);
      censored_count = ProtectCount(c.censored, censored_key);
      c.events = std::clamp(c.events + event_key.CountShift(), 0, c.at_risk);
      c.censored = std::max(0, c.censored + censored_key.CountShift());
    }
    counts.push_back(c);
    events_shown.push_back(events_count);
    censored_shown.push_back(censored_count);
  }
  std::vector<PublishedStep> out;
  const std::vector<KaplanMeierStep> steps = KaplanMeierFromCounts(counts);
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string cell = Cat("time_to_response[week=", steps[i].time, "]");
    if (steps[i].at_risk < kMinCellPatients) {
      publish.Withhold(cell);
      continue;
    }
    if (!events_shown[i]) publish.Withhold(Cat(cell, ".responded"));
    if (!censored_shown[i]) publish.Withhold(Cat(cell, ".censored"));
    out.push_back({steps[i], events_shown[i], censored_shown[i]});
  }
  return out;
}

}  // namespace

CohortResult ComputeCohort(const std::vector<EpisodeSummary>& episodes, Protection protection) {
  CohortResult r;
  Publisher publish(protection, &r.withheld);
  const auto always = [](const EpisodeSummary&) { return true; };
  Population all;
  for (const EpisodeSummary& e : episodes) all.push_back(&e);
  const Population analysed = Where(all, [](const EpisodeSummary& e) {
    return e.baseline.has_value();
  });
  r.episodes = publish.Count("episodes", all, always, "episodes");
  r.analysed = publish.Count("analysed", all, [](const EpisodeSummary& e) {
    return e.baseline.has_value();
  }, "analysed");
  r.dropped_out = publish.Count("dropped_out", analysed, [](const EpisodeSummary& e) {
    return e.dropped_out;
  }, "dropped_out");
  if (r.analysed) {
    r.baseline = publish.MeanAndMedian("baseline", analysed, [](const EpisodeSummary& e) {
      return e.baseline;
    }).first;
  }

  for (int week : kResponderWeeks) r.responder_rates.push_back(RateAt(publish, analysed, week));

  for (int w = 0; w < kEpisodeWeeks; ++w) {
    const auto valued = [w](const EpisodeSummary& e) { return e.weekly[w].has_value(); };
    const Population reached = Where(analysed, [w](const EpisodeSummary& e) {
      return ReachedWeek(e, w);
    });
    CohortWeekStats stats{w, 0, true, std::nullopt, std::nullopt};
    if (auto n = publish.Count(Cat("valued@", w), reached, valued,
                               Cat("weeks[", w, "]"))) {
      stats.patients = *n;
      stats.suppressed = false;
      auto [mean, median] = publish.MeanAndMedian(
          Cat("nprs@", w), reached,
          [w](const EpisodeSummary& e) { return e.weekly[w]; });
      stats.mean = mean;
      stats.median = median;
    }
    r.weeks.push_back(stats);
  }

  r.time_to_response = TimeToResponse(publish, analysed, protection == Protection::kCellKey);

  r.dose_response_week = DoseResponseWeek(analysed);
  if (r.dose_response_week >= 0) {
    const int w = r.dose_response_week;
    const Population reached = Where(analysed, [w](const EpisodeSummary& e) {
      return ReachedWeek(e, w);
    });
    const Population pairs = Where(reached, [w](const EpisodeSummary& e) {
      return e.weekly[w].has_value();
    });
    if (auto n = publish.Count(Cat("valued@", w), reached,
                               [w](const EpisodeSummary& e) { return e.weekly[w].has_value(); },
                               "dose_response")) {
      std::vector<double> dose, improvement;
      for (const EpisodeSummary* e : pairs) {
        dose.push_back(e->dose_through_week[w]);
        improvement.push_back(*e->baseline - *e->weekly[w]);
      }
      if (std::optional<double> rho = Spearman(dose, improvement)) {
        r.dose_response = publish.Correlation(Cat("dose_response@", w), pairs, *rho);
        r.dose_response_patients = *n;
      }
    }
  } else {
    publish.Withhold("dose_response");
  }
  r.suppressed_cells = static_cast<int>(r.withheld.size());
  return r;
}

SimilarReference ExpectedTrajectory(const std::vector<EpisodeSummary>& similar,
                                    Protection protection) {
  SimilarReference out;
  std::vector<std::string> withheld;
  Publisher publish(protection, &withheld);
  Population all;
  for (const EpisodeSummary& e : similar) all.push_back(&e);
  out.episodes = publish.Count("similar", all, [](const EpisodeSummary&) { return true; },
                               "similar_episodes");
  if (!out.episodes) return out;
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    const auto valued = [w](const EpisodeSummary& e) { return e.weekly[w].has_value(); };
    auto n = publish.Count(Cat("similar.valued@", w), all, valued, "");
    if (!n) continue;
    const auto change = [w](const EpisodeSummary& e) -> std::optional<double> {
      if (!e.weekly[w]) return std::nullopt;
      return *e.weekly[w] - *e.baseline;
    };
    const Interval mean =
        publish.MeanAndMedian(Cat("similar.change@", w), all, change).first;
    out.expected.push_back({w, *n, mean.estimate});
  }
  return out;
}

}  // namespace tractus::analytics
