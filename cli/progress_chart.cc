#include "cli/progress_chart.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "analytics/instruments.h"

namespace tractus::cli {
namespace {

constexpr double kWidth = 760;
constexpr double kPanelHeight = 220;
constexpr double kLeft = 60;
constexpr double kRight = 20;
constexpr double kTop = 40;
constexpr double kGap = 60;
constexpr int kDays = 84;

std::string Escape(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

struct Panel {
  double top;
  double min;
  double max;
  double X(double day) const { return kLeft + (kWidth - kLeft - kRight) * day / kDays; }
  double Y(double v) const { return top + kPanelHeight * (1 - (v - min) / (max - min)); }
};

void DrawPanel(const v1::MeasureProgress* m, const analytics::MeasureInfo& info,
               const Panel& p, const v1::EpisodeProgress& progress,
               const std::vector<int>& session_days, std::string& svg) {
  absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"%.0f\" class=\"title\">%s</text>\n", kLeft,
                        p.top - 10, Escape(std::string(info.display_name)));
  // Frame, week grid and the value axis.
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "class=\"frame\"/>\n",
                        kLeft, p.top, kWidth - kLeft - kRight, kPanelHeight);
  for (int w = 0; w <= 12; ++w) {
    const double x = p.X(w * 7);
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">w%d</text>\n",
                          x, p.top, x, p.top + kPanelHeight, x - 8, p.top + kPanelHeight + 14, w);
  }
  for (int i = 0; i <= 4; ++i) {
    const double v = p.min + (p.max - p.min) * i / 4;
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%g</text>\n",
                          kLeft - 30, p.Y(v) + 4, v);
  }
  // Sessions as ticks along the bottom.
  for (int day : session_days) {
    if (day < 0 || day > kDays) continue;
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "class=\"session\"/>\n",
                          p.X(day), p.top + kPanelHeight - 8, p.X(day), p.top + kPanelHeight);
  }
  if (m == nullptr) {
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">no data</text>\n",
                          kLeft + 20, p.top + kPanelHeight / 2);
    return;
  }
  if (m->has_baseline()) {
    // MCID band: from the baseline to the responder threshold.
    const double b = m->baseline();
    double threshold = b - info.mcid_points;
    if (info.mcid_percent > 0) threshold = std::max(threshold, b * (1 - info.mcid_percent / 100));
    absl::StrAppendFormat(&svg,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "class=\"mcid\"><title>MCID band: below %.1f is a response</title>"
                          "</rect>\n",
                          kLeft, p.Y(b), kWidth - kLeft - kRight, p.Y(threshold) - p.Y(b),
                          threshold);
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "class=\"baseline\"><title>baseline %.1f</title></line>\n",
                          kLeft, p.Y(b), kWidth - kRight, p.Y(b), b);
  }
  if (m->has_trend() && m->has_week12_projection()) {
    // The Theil-Sen line, drawn back from its week-12 projection.
    const double end = m->week12_projection();
    const double start = end - m->trend().theil_sen_per_week() * 12;
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"trend\">"
                          "<title>trend %.2f/week%s; week 12: %.1f "
                          "(95%% prediction %.1f..%.1f)</title></line>\n",
                          p.X(0), p.Y(std::clamp(start, p.min, p.max)), p.X(kDays), p.Y(end),
                          m->trend().theil_sen_per_week(),
                          m->trend().has_ci_low_per_week()
                              ? absl::StrFormat(" (95%% CI %.2f..%.2f)",
                                                m->trend().ci_low_per_week(),
                                                m->trend().ci_high_per_week())
                              : std::string(" (no interval under 5 points)"),
                          end, m->week12_low(), m->week12_high());
  }
  std::string path;
  for (const v1::WeekSummary& w : m->weeks()) {
    if (!w.has_median()) continue;
    // Mid-week, except week 12, which the window closes on day 84.
    const double x = p.X(std::min(w.week() * 7 + 3.5, static_cast<double>(kDays)));
    absl::StrAppendFormat(&path, "%s%.1f,%.1f", path.empty() ? "M" : " L", x, p.Y(w.median()));
    absl::StrAppendFormat(&svg,
                          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" class=\"median\">"
                          "<title>week %d median %.1f (n=%d)</title></circle>\n",
                          x, p.Y(w.median()), w.week(), w.median(), w.count());
  }
  if (!path.empty()) absl::StrAppendFormat(&svg, "<path d=\"%s\" class=\"medians\"/>\n", path);
  // Alerts raised in the window, as markers along the top.
  for (const v1::Alert& a : progress.alerts()) {
    int day = progress.today_day();
    for (const auto& e : a.evidence()) day = e.day() != 0 ? e.day() : day;
    if (day < 0 || day > kDays) continue;
    const double x = p.X(day);
    absl::StrAppendFormat(&svg,
                          "<path d=\"M%.1f,%.1f l6,10 l-12,0 z\" class=\"alert sev%d\">"
                          "<title>%s</title></path>\n",
                          x, p.top + 4, static_cast<int>(a.severity()), Escape(a.summary()));
  }
}

}  // namespace

std::string RenderProgressSvg(const v1::EpisodeProgress& progress,
                              const std::vector<int>& session_days) {
  const double height = kTop + 2 * kPanelHeight + kGap + 70;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
      "<style>.frame{fill:#fff;stroke:#999}.grid{stroke:#eee}.tick{font-size:11px;fill:#555}"
      ".title{font-size:14px;font-weight:bold}.mcid{fill:#2a9d8f;opacity:.15}"
      ".baseline{stroke:#264653;stroke-dasharray:6 4}.trend{stroke:#e76f51;stroke-width:2}"
      ".median{fill:#264653}.medians{fill:none;stroke:#264653;stroke-width:1.5}"
      ".session{stroke:#8ab17d;stroke-width:2}.alert{fill:#f4a261}.sev3{fill:#d62828}"
      "</style>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fafafa\"/>\n",
      kWidth, height, kWidth, height);
  absl::StrAppendFormat(
      &svg, "<text x=\"%.0f\" y=\"20\" class=\"title\">Episode %s - day %d (week %d)</text>\n",
      kLeft, Escape(progress.episode().episode_id()), progress.today_day(),
      progress.current_week());
  const v1::MeasureProgress* pain = nullptr;
  const v1::MeasureProgress* odi = nullptr;
  for (const v1::MeasureProgress& m : progress.measures()) {
    if (m.instrument() == v1::INSTRUMENT_NPRS) pain = &m;
    if (m.instrument() == v1::INSTRUMENT_ODI) odi = &m;
  }
  DrawPanel(pain, *analytics::FindMeasure(v1::INSTRUMENT_NPRS), Panel{kTop + 20, 0, 10},
            progress, session_days, svg);
  DrawPanel(odi, *analytics::FindMeasure(v1::INSTRUMENT_ODI),
            Panel{kTop + 20 + kPanelHeight + kGap, 0, 100}, progress, session_days, svg);
  const double legend_y = kTop + 20 + 2 * kPanelHeight + kGap + 30;
  absl::StrAppendFormat(
      &svg,
      "<g class=\"tick\"><circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" class=\"median\"/>"
      "<text x=\"%.0f\" y=\"%.0f\">weekly median</text>"
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" class=\"trend\"/>"
      "<text x=\"%.0f\" y=\"%.0f\">trend (Theil-Sen) to week 12</text>"
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" class=\"baseline\"/>"
      "<text x=\"%.0f\" y=\"%.0f\">baseline</text>"
      "<rect x=\"%.0f\" y=\"%.0f\" width=\"16\" height=\"10\" class=\"mcid\"/>"
      "<text x=\"%.0f\" y=\"%.0f\">MCID band</text>"
      "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" class=\"session\"/>"
      "<text x=\"%.0f\" y=\"%.0f\">session</text>"
      "<path d=\"M%.0f,%.0f l6,10 l-12,0 z\" class=\"alert\"/>"
      "<text x=\"%.0f\" y=\"%.0f\">alert</text></g>\n",
      kLeft + 5, legend_y - 4, kLeft + 14, legend_y, kLeft + 110, legend_y - 4, kLeft + 130,
      legend_y - 4, kLeft + 136, legend_y, kLeft + 315, legend_y - 4, kLeft + 335, legend_y - 4,
      kLeft + 341, legend_y, kLeft + 400, legend_y - 10, kLeft + 420, legend_y, kLeft + 495,
      legend_y - 10, kLeft + 495, legend_y, kLeft + 502, legend_y, kLeft + 560, legend_y - 10,
      kLeft + 570, legend_y);
  svg += "</svg>\n";
  return svg;
}

}  // namespace tractus::cli
