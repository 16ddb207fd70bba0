// Validation of upload session headers and end messages: pure functions
// adding field violations (paths under "header." / "end.").
#ifndef TRACTUS_DEVICE_GATEWAY_SESSION_VALIDATION_H_
#define TRACTUS_DEVICE_GATEWAY_SESSION_VALIDATION_H_

#include "common/errors.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::device_gateway {

// Ranges of the header and its protocol. `device_max_force_newtons` is the
// server's ceiling for any table.
void CheckHeader(const v1::SessionHeader& header, double device_max_force_newtons,
                 Violations& v);

// The protocol's maximum may exceed the episode plan's by at most 10 %.
void CheckProtocolAgainstPlan(const v1::TractionProtocol& protocol,
                              const v1::TreatmentPlan& plan, Violations& v);

void CheckEnd(const v1::SessionEnd& end, Violations& v);

}  // namespace tractus::device_gateway

#endif  // TRACTUS_DEVICE_GATEWAY_SESSION_VALIDATION_H_
