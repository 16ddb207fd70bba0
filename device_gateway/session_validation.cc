#include "device_gateway/session_validation.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "records/time_proto.h"
#include "records/validation.h"

namespace tractus::device_gateway {
namespace {

void CheckRange(const char* field, double value, double lo, double hi, Violations& v) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    v.Add(field, absl::StrCat("must be ", lo, "..", hi, ", got ", value));
  }
}

}  // namespace

void CheckHeader(const v1::SessionHeader& h, double device_max_force_newtons, Violations& v) {
  records::CheckClientId("header.session_id", h.session_id(), v);
  records::CheckOpaqueId("header.episode_id", h.episode_id(), kEpisodeIdPrefix, v);
  if (!h.has_protocol()) {
    v.Add("header.protocol", "required");
  } else {
    const v1::TractionProtocol& p = h.protocol();
    if (p.mode() == v1::TRACTION_MODE_UNSPECIFIED || !v1::TractionMode_IsValid(p.mode())) {
      v.Add("header.protocol.mode", "must be static, intermittent or cyclic");
    }
    const double max = p.max_force_newtons();
    if (!std::isfinite(max) || max <= 0 || max > device_max_force_newtons) {
      v.Add("header.protocol.max_force_newtons",
            absl::StrCat("must be in (0, ", device_max_force_newtons, "] N, got ", max));
    }
    CheckRange("header.protocol.min_force_newtons", p.min_force_newtons(), 0,
               std::isfinite(max) && max > 0 ? max : 0, v);
    if (p.mode() == v1::TRACTION_MODE_INTERMITTENT || p.mode() == v1::TRACTION_MODE_CYCLIC) {
      CheckRange("header.protocol.hold_seconds", p.hold_seconds(), 1, 600, v);
      CheckRange("header.protocol.relax_seconds", p.relax_seconds(), 0, 600, v);
    }
    CheckRange("header.protocol.progressive_steps", p.progressive_steps(), 0, 10, v);
    CheckRange("header.protocol.regressive_steps", p.regressive_steps(), 0, 10, v);
    CheckRange("header.protocol.angle_degrees", p.angle_degrees(), 0, 30, v);
    CheckRange("header.protocol.planned_minutes", p.planned_minutes(), 5, 90, v);
  }
  if (!h.has_device_start_time() || !records::IsValidTimestamp(h.device_start_time())) {
    v.Add("header.device_start_time", "required, a valid timestamp");
  }
  if (!h.has_device_send_time() || !records::IsValidTimestamp(h.device_send_time())) {
    v.Add("header.device_send_time", "required, a valid timestamp");
  } else if (h.has_device_start_time() &&
             records::FromProto(h.device_send_time()) <
                 records::FromProto(h.device_start_time())) {
    v.Add("header.device_send_time", "must not be before device_start_time");
  }
}

void CheckProtocolAgainstPlan(const v1::TractionProtocol& protocol,
                              const v1::TreatmentPlan& plan, Violations& v) {
  const double ceiling = plan.target_max_force_newtons() * 1.10;
  if (protocol.max_force_newtons() > ceiling) {
    v.Add("header.protocol.max_force_newtons",
          absl::StrCat(protocol.max_force_newtons(), " N exceeds the episode plan's ",
                       plan.target_max_force_newtons(), " N by more than 10 %"));
  }
}

void CheckEnd(const v1::SessionEnd& end, Violations& v) {
  if (end.outcome() == v1::SESSION_OUTCOME_UNSPECIFIED ||
      !v1::SessionOutcome_IsValid(end.outcome())) {
    v.Add("end.outcome", "must be completed or aborted");
  }
  if (end.outcome() == v1::SESSION_OUTCOME_ABORTED &&
      (end.abort_reason().empty() || end.abort_reason().size() > 200)) {
    v.Add("end.abort_reason", "an aborted session needs a reason of 1..200 characters");
  }
  if (end.outcome() == v1::SESSION_OUTCOME_COMPLETED && !end.abort_reason().empty()) {
    v.Add("end.abort_reason", "must be empty for a completed session");
  }
  if (end.has_pre_session_pain() &&
      (end.pre_session_pain() < 0 || end.pre_session_pain() > 10)) {
    v.Add("end.pre_session_pain", absl::StrCat("must be 0..10, got ", end.pre_session_pain()));
  }
  if (end.has_post_session_pain() &&
      (end.post_session_pain() < 0 || end.post_session_pain() > 10)) {
    v.Add("end.post_session_pain", absl::StrCat("must be 0..10, got ", end.post_session_pain()));
  }
}

}  // namespace tractus::device_gateway
