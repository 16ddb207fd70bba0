// FHIR R4 NDJSON (tractus-fhir-r4/2), Bulk Data style, one resource type per
// file:
//   Patient.ndjson        one per subject: gender and ZIP3 postal code
//   EpisodeOfCare.ndjson  one per episode: status, patient, diagnosis, the
//                         age band at its day 0
//   Condition.ndjson      the episode's primary condition (SNOMED CT where
//                         verified, and the local condition code)
//   Observation.ndjson    every value (LOINC or local code, UCUM quantity,
//                         questionnaire items as components) and the
//                         episode's figures (baseline, weekly medians, change,
//                         responder, adherence, dose, ...: outcome codes)
//   Procedure.ndjson      one per finalized traction session, with its
//                         protocol, force and dose as extensions (none with
//                         count bands: the count would be exact)
//   CodeSystem.ndjson     the local code systems every code above comes from
// No dates: timing is an extension holding the offset from the episode's
// day 0 (left out when the export asked for weeks) and the episode week.
// Local code systems and extensions live under the configured base URL.
//
// Each file shows no more of the quasi-identifiers than k was checked over
// (age band, sex, ZIP3, primary condition, per episode): the age band is
// the episode's, so a patient whose episodes fall in two bands is never
// shown with one band for both.
#include <set>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/status_macros.h"
#include "exports/dataset.h"
#include "exports/episode_figures.h"
#include "exports/file_sink.h"
#include "exports/schema.h"
#include "exports/terminology.h"

namespace tractus::exports {
namespace {

constexpr char kUcum[] = "http://unitsofmeasure.org";
constexpr char kSessionDisplay[] = R"("Spinal decompression traction session")";
constexpr char kCategorySystem[] = "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr char kClinicalStatusSystem[] = "http://terminology.hl7.org/CodeSystem/condition-clinical";
constexpr char kConditionCategorySystem[] =
    "http://terminology.hl7.org/CodeSystem/condition-category";

// A JSON string literal (of a std::string, std::string_view or
// absl::string_view alike).
std::string JsonLiteral(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}
template <typename S>
std::string Json(const S& s) {
  return JsonLiteral(std::string_view(s.data(), s.size()));
}
std::string Json(const char* s) { return JsonLiteral(s); }

// A JSON number (FHIR decimal).
std::string Decimal(double v) { return absl::StrFormat("%.10g", v); }

// A FHIR id from a name: [A-Za-z0-9.-] only.
std::string Id(absl::string_view s) { return absl::StrReplaceAll(s, {{"_", "-"}}); }

std::string Category(const analytics::MeasureInfo* m) {
  if (m == nullptr) return "therapy";
  if (m->patient_reported) return "survey";
  if (m->measure == analytics::Measure::kDailySteps) return "activity";
  return "exam";
}

std::string CategoryJson(const analytics::MeasureInfo* m) {
  return absl::StrCat(R"(,"category":[{"coding":[{"system":")", kCategorySystem, R"(","code":")",
                      Category(m), R"("}]}])");
}

std::string Quantity(double v, absl::string_view unit) {
  return absl::StrCat(R"({"value":)", Decimal(v), R"(,"unit":)", Json(unit), R"(,"system":")",
                      kUcum, R"(","code":)", Json(unit), "}");
}

class FhirWriter final : public DatasetWriter {
 public:
  FhirWriter(const v1::ExportCoarsening& coarsening, absl::string_view base)
      : coarsening_(coarsening),
        base_(base),
        extension_base_(absl::StrCat(base, "/StructureDefinition/")),
        episode_columns_(CsvTable(base, "episodes.csv").columns) {
    for (const Column& c : episode_columns_) {
      if (!c.outcome) continue;
      // The measure whose column this is: the longest name prefixing it.
      const analytics::MeasureInfo* measure = nullptr;
      for (const analytics::MeasureInfo& m : analytics::AllMeasures()) {
        if (absl::StartsWith(c.name, absl::StrCat(std::string(m.name), "_")) &&
            (measure == nullptr || m.name.size() > measure->name.size())) {
          measure = &m;
        }
      }
      outcomes_[c.name] =
          Outcome{Id(c.name), c.unit.empty() ? "1" : c.unit,
                  absl::StrCat(CategoryJson(measure), R"(,"code":{"coding":[{"system":")",
                               System(kOutcomeCodes), R"(","code":)", Json(c.name), R"(}],"text":)",
                               Json(c.definition), "}")};
    }
  }

  absl::Status Open(const std::string& dir) {
    ASSIGN_OR_RETURN(patients_, FileSink::Create(dir, "Patient.ndjson", "Patient"));
    for (const char* type : {"EpisodeOfCare", "Condition", "Observation", "Procedure"}) {
      ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink,
                       FileSink::Create(dir, absl::StrCat(type, ".ndjson"), type));
      sinks_.push_back(std::move(sink));
    }
    ASSIGN_OR_RETURN(code_systems_, FileSink::Create(dir, "CodeSystem.ndjson", "CodeSystem"));
    return WriteCodeSystems();
  }

  void Render(const ExportedEpisode& e, const std::vector<ObservationValue>& values,
              const std::vector<SessionValue>& sessions, RenderedEpisode* out) const override {
    out->parts.resize(kParts);
    RenderEpisode(e, out);
    RenderObservations(e, values, &out->parts[kObservation]);
    if (!coarsening_.count_bands()) RenderProcedures(e, sessions, &out->parts[kProcedure]);
  }

  absl::Status Write(const ExportedEpisode& e, const RenderedEpisode& r) override {
    // One Patient per subject (a patient with several episodes appears
    // once); the set holds pseudonyms only, one per exported patient.
    if (written_.insert(e.subject_id).second) {
      RETURN_IF_ERROR(patients_->Line(absl::StrCat(
          R"({"resourceType":"Patient","id":)", Json(e.subject_id), R"(,"gender":)", Json(e.qi.sex),
          R"(,"address":[{"postalCode":)", Json(e.qi.zip3), R"(,"country":"US"}]})")));
    }
    for (size_t i = 0; i < kParts; ++i) {
      RETURN_IF_ERROR(sinks_[i]->Lines(r.parts[i].text, r.parts[i].records));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::ExportFile>> Finish() override {
    std::vector<v1::ExportFile> files;
    ASSIGN_OR_RETURN(files.emplace_back(), patients_->Close());
    for (std::unique_ptr<FileSink>& sink : sinks_) {
      ASSIGN_OR_RETURN(files.emplace_back(), sink->Close());
    }
    ASSIGN_OR_RETURN(files.emplace_back(), code_systems_->Close());
    return files;
  }

 private:
  // The parts of a rendered episode, one per file after Patient.ndjson.
  enum PartIndex : size_t { kEpisodeOfCare, kCondition, kObservation, kProcedure, kParts };

  std::string System(absl::string_view name) const {
    return absl::StrCat(base_, "/CodeSystem/", name);
  }

  // `"url":"<base>/StructureDefinition/<name>",` — an extension's start.
  std::string Ext(absl::string_view name) const {
    return absl::StrCat(R"({"url":")", extension_base_, name, R"(",)");
  }

  // The extensions placing a record in its episode: the episode, the offset
  // (unless the export asked for weeks) and the week.
  std::string Timing(absl::string_view episode, int64_t offset_minutes) const {
    std::string out = absl::StrCat(Ext("episode"), R"("valueString":)", Json(episode), "}");
    if (!coarsening_.days_as_weeks()) {
      absl::StrAppend(&out, ",", Ext("offset-from-episode-start"), R"("valueDuration":{"value":)",
                      offset_minutes, R"(,"unit":"min","system":")", kUcum, R"(","code":"min"}})");
    }
    absl::StrAppend(&out, ",", Ext("episode-week"), R"("valueInteger":)",
                    EpisodeWeek(EpisodeDay(offset_minutes)), "}");
    return out;
  }

  void RenderEpisode(const ExportedEpisode& e, RenderedEpisode* out) const {
    const std::string patient = Json(absl::StrCat("Patient/", e.subject_id));
    const std::string condition_id = absl::StrCat(e.episode_ref, "-condition");
    const bool open = e.state == "open";
    const ConditionCoding& coding = CodingOfCondition(e.qi.condition);
    std::string codings;
    if (!coding.snomed.empty()) {
      codings = absl::StrCat(R"({"system":")", kSnomedSystem, R"(","code":")", coding.snomed,
                             R"(","display":)", Json(std::string(coding.snomed_display)), "},");
    }
    absl::StrAppend(&codings, R"({"system":")", System(kConditionCodes), R"(","code":)",
                    Json(std::string(coding.name)), R"(,"display":)",
                    Json(std::string(coding.display)), "}");
    RenderedEpisode::Part& conditions = out->parts[kCondition];
    absl::StrAppend(&conditions.text, R"({"resourceType":"Condition","id":)", Json(condition_id),
                    R"(,"clinicalStatus":{"coding":[{"system":")", kClinicalStatusSystem,
                    R"(","code":")", open ? "active" : "resolved", R"("}]})",
                    R"(,"category":[{"coding":[{"system":")", kConditionCategorySystem,
                    R"(","code":"encounter-diagnosis"}]}])", R"(,"code":{"coding":[)", codings,
                    R"(],"text":)", Json(std::string(coding.display)), "}",
                    R"(,"subject":{"reference":)", patient, "}}\n");
    conditions.records = 1;
    RenderedEpisode::Part& episodes = out->parts[kEpisodeOfCare];
    absl::StrAppend(&episodes.text, R"({"resourceType":"EpisodeOfCare","id":)", Json(e.episode_ref),
                    R"(,"status":")", open ? "active" : "finished", R"(")",
                    R"(,"patient":{"reference":)", patient, "}",
                    R"(,"diagnosis":[{"condition":{"reference":)",
                    Json(absl::StrCat("Condition/", condition_id)), R"(},"rank":1}])",
                    R"(,"extension":[)", Ext("age-band"), R"("valueString":)", Json(e.qi.age_band),
                    "},", Ext("episode-state"), R"("valueCode":)", Json(e.state), "}]}\n");
    episodes.records = 1;
    RenderOutcomes(e, patient, &out->parts[kObservation]);
  }

  // The episode's figures, an Observation each (NULL figures are left out;
  // a count shown as a band is its count's Observation, as a string).
  void RenderOutcomes(const ExportedEpisode& e, const std::string& patient,
                      RenderedEpisode::Part* out) const {
    const std::string episode = Json(e.episode_ref);
    for (const Figure& f : EpisodeFigures(e, coarsening_)) {
      const auto it =
          outcomes_.find(f.band.empty() ? f.column : f.column.substr(0, f.column.size() - 5));
      if (it == outcomes_.end()) continue;
      const Outcome& outcome = it->second;
      std::string value;
      if (f.flag.has_value()) {
        value = absl::StrCat(R"("valueBoolean":)", *f.flag ? "true" : "false");
      } else if (!f.band.empty()) {
        value = absl::StrCat(R"("valueString":)", Json(f.band));
      } else if (f.number.has_value()) {
        value = absl::StrCat(R"("valueQuantity":)", Quantity(*f.number, outcome.unit));
      } else {
        continue;
      }
      absl::StrAppend(&out->text, R"({"resourceType":"Observation","id":)",
                      Json(absl::StrCat(e.episode_ref, "-", outcome.id_suffix)),
                      R"(,"status":"final")", outcome.category_and_code,
                      R"(,"subject":{"reference":)", patient, "},", value, R"(,"extension":[)",
                      Ext("episode"), R"("valueString":)", episode, "}]}\n");
      ++out->records;
    }
  }

  // An Observation's id is its episode's reference and its place in the
  // episode (unique in the export, whatever thread renders it).
  void RenderObservations(const ExportedEpisode& e, const std::vector<ObservationValue>& values,
                          RenderedEpisode::Part* out) const {
    const std::string subject = Json(absl::StrCat("Patient/", e.subject_id));
    const std::string item_system = System(kItemCodes);
    for (size_t i = 0; i < values.size(); ++i) {
      const ObservationValue& o = values[i];
      const analytics::MeasureInfo& m = *o.measure;
      const bool loinc = !m.loinc.empty();
      absl::StrAppend(&out->text, R"({"resourceType":"Observation","id":)",
                      Json(absl::StrCat(e.episode_ref, "-", i + 1)), R"(,"status":"final")",
                      CategoryJson(&m), R"(,"code":{"coding":[{"system":)",
                      Json(loinc ? std::string(analytics::kLoincSystem) : System(kMeasureCodes)),
                      R"(,"code":)", Json(loinc ? m.loinc : m.local_code), R"(,"display":)",
                      Json(m.display_name), R"(}],"text":)", Json(m.display_name), "}",
                      R"(,"subject":{"reference":)", subject, "}");
      if (*o.laterality != '\0') {
        absl::StrAppend(&out->text, R"(,"bodySite":{"text":)",
                        Json(absl::StrCat(o.laterality, " leg")), "}");
      }
      absl::StrAppend(&out->text, R"(,"valueQuantity":)",
                      Quantity(o.value, std::string(m.ucum_unit)));
      if (o.record != nullptr) {
        std::vector<std::string> components;
        ForEachAnswerItem(*o.record, [&](const AnswerItem& item) {
          components.push_back(
              absl::StrCat(R"({"code":{"coding":[{"system":")", item_system, R"(","code":)",
                           Json(item.code), R"(}]},)",
                           m.measure == analytics::Measure::kRmdq
                               ? absl::StrCat(R"("valueBoolean":)", item.value ? "true" : "false")
                               : absl::StrCat(R"("valueInteger":)", item.value),
                           "}"));
        });
        if (o.record->has_t_score()) {
          components.push_back(absl::StrCat(R"({"code":{"coding":[{"system":")",
                                            std::string(analytics::kLoincSystem),
                                            R"(","code":"77865-4"}]},"valueQuantity":)",
                                            Quantity(o.record->t_score(), "{T-score}"), "}"));
        }
        if (!components.empty()) {
          absl::StrAppend(&out->text, R"(,"component":[)", absl::StrJoin(components, ","), "]");
        }
      }
      absl::StrAppend(&out->text, R"(,"extension":[)", Timing(e.episode_ref, o.offset_minutes), ",",
                      Ext("source"), R"("valueCode":)", Json(o.source), "}]}\n");
    }
    out->records += static_cast<int64_t>(values.size());
  }

  void RenderProcedures(const ExportedEpisode& e, const std::vector<SessionValue>& sessions,
                        RenderedEpisode::Part* out) const {
    const std::string subject = Json(absl::StrCat("Patient/", e.subject_id));
    for (size_t i = 0; i < sessions.size(); ++i) {
      const v1::Session& s = *sessions[i].session;
      const v1::TractionProtocol& p = s.protocol();
      const v1::SessionSummary& sum = s.summary();
      const bool aborted = s.outcome() == v1::SESSION_OUTCOME_ABORTED;
      const auto quantity = [&](absl::string_view name, double v, absl::string_view unit) {
        return absl::StrCat(",", Ext(name), R"("valueQuantity":)", Quantity(v, unit), "}");
      };
      const auto integer = [&](absl::string_view name, int64_t v) {
        return absl::StrCat(",", Ext(name), R"("valueInteger":)", v, "}");
      };
      std::string ext = absl::StrCat(
          Timing(e.episode_ref, sessions[i].offset_minutes), integer("session-number", i + 1), ",",
          Ext("traction-mode"), R"("valueCode":)",
          Json(TractionModeName(p.mode())),
          "}", quantity("protocol-max-force", p.max_force_newtons(), "N"),
          quantity("protocol-min-force", p.min_force_newtons(), "N"),
          quantity("protocol-hold", p.hold_seconds(), "s"),
          quantity("protocol-relax", p.relax_seconds(), "s"),
          quantity("protocol-angle", p.angle_degrees(), "deg"),
          quantity("protocol-planned-duration", p.planned_minutes(), "min"),
          quantity("duration", DurationSeconds(sum.duration()), "s"),
          quantity("time-at-target", DurationSeconds(sum.time_at_target()), "s"),
          quantity("peak-force", sum.peak_force_newtons(), "N"),
          quantity("mean-force", sum.mean_force_newtons(), "N"),
          integer("hold-cycles", sum.hold_cycles()), integer("patient-stops", sum.patient_stops()),
          integer("overshoots", sum.overshoots()),
          quantity("traction-dose", sum.traction_dose_newton_seconds(), "N.s"));
      if (s.has_pre_session_pain())
        absl::StrAppend(&ext, integer("pre-session-pain", s.pre_session_pain()));
      if (s.has_post_session_pain())
        absl::StrAppend(&ext, integer("post-session-pain", s.post_session_pain()));
      absl::StrAppend(&out->text, R"({"resourceType":"Procedure","id":)",
                      Json(absl::StrCat(e.episode_ref, "-s", i + 1)), R"(,"status":")",
                      aborted ? "stopped" : "completed", R"(")",
                      R"(,"code":{"coding":[{"system":")", System(kProcedureCodes),
                      R"(","code":"traction-session","display":)", kSessionDisplay, R"(}],"text":)",
                      kSessionDisplay, "}", R"(,"subject":{"reference":)", subject, "}",
                      R"(,"extension":[)", ext, "]}\n");
    }
    out->records = static_cast<int64_t>(sessions.size());
  }

  // The local code systems, with every code this writer can use.
  absl::Status WriteCodeSystems() {
    const auto concept_json = [](absl::string_view code, absl::string_view display,
                                 absl::string_view definition) {
      return absl::StrCat(R"({"code":)", Json(code), R"(,"display":)", Json(display),
                          R"(,"definition":)", Json(definition), "}");
    };
    const auto write = [&](absl::string_view name, absl::string_view title,
                           const std::vector<std::string>& concepts) {
      return code_systems_->Line(absl::StrCat(
          R"({"resourceType":"CodeSystem","id":)", Json(absl::StrCat("tractus-", name)),
          R"(,"url":)", Json(System(name)), R"(,"version":)", Json(std::string(kFhirFormatVersion)),
          R"(,"name":)", Json(absl::StrCat("Tractus", Id(name))), R"(,"title":)", Json(title),
          R"(,"status":"active","content":"complete","caseSensitive":true,"concept":[)",
          absl::StrJoin(concepts, ","), "]}"));
    };
    std::vector<std::string> measures, conditions, items, outcomes;
    for (const analytics::MeasureInfo& m : analytics::AllMeasures()) {
      measures.push_back(concept_json(
          std::string(m.local_code), std::string(m.display_name),
          absl::StrCat(std::string(m.display_name), ", in UCUM ", std::string(m.ucum_unit))));
    }
    for (const ConditionCoding& c : AllConditionCodings()) {
      conditions.push_back(
          concept_json(c.name, c.display,
                       c.snomed.empty() ? std::string(c.display)
                                        : absl::StrCat(c.display, " (SNOMED CT ", c.snomed, ")")));
    }
    for (const ItemDefinition& i : AllItemDefinitions()) {
      items.push_back(concept_json(i.code, i.code, i.display));
    }
    for (const Column& c : episode_columns_) {
      if (c.outcome) outcomes.push_back(concept_json(c.name, c.name, c.definition));
    }
    RETURN_IF_ERROR(write(kMeasureCodes, "Tractus measures", measures));
    RETURN_IF_ERROR(write(kConditionCodes, "Tractus conditions", conditions));
    RETURN_IF_ERROR(write(kItemCodes, "Tractus questionnaire items", items));
    RETURN_IF_ERROR(write(kOutcomeCodes, "Tractus episode outcomes", outcomes));
    return write(kProcedureCodes, "Tractus procedures",
                 {concept_json("traction-session", "Spinal decompression traction session",
                               "One session on a decompression table, as uploaded by the "
                               "table: protocol, force telemetry summary, patient stops")});
  }

  const v1::ExportCoarsening coarsening_;
  const std::string base_;
  const std::string extension_base_;
  const std::vector<Column> episode_columns_;
  // The outcome columns by name, with what their Observations repeat.
  struct Outcome {
    std::string id_suffix;          // the column name as a FHIR id
    std::string unit;               // UCUM ("1" for a pure number)
    std::string category_and_code;  // `,"category":[...],"code":{...}`
  };
  absl::flat_hash_map<std::string, Outcome> outcomes_;
  std::unique_ptr<FileSink> patients_, code_systems_;
  std::vector<std::unique_ptr<FileSink>> sinks_;  // in PartIndex order
  std::set<std::string> written_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DatasetWriter>> NewFhirWriter(const std::string& dir,
                                                             const v1::ExportCoarsening& coarsening,
                                                             absl::string_view fhir_base) {
  auto writer = std::make_unique<FhirWriter>(coarsening, fhir_base);
  RETURN_IF_ERROR(writer->Open(dir));
  return std::unique_ptr<DatasetWriter>(std::move(writer));
}

}  // namespace tractus::exports
