// CallGuard: the one place every RPC passes before its domain function runs
// and after it ends. In order:
//   1. the method's rule (security/policy.h) — a method without one is
//      refused (INTERNAL): nothing is served unguarded;
//   2. a deadline, where the rule asks for one (INVALID_ARGUMENT);
//   3. authentication: a verified client certificate (devices on the mTLS
//      port), else "authorization: Bearer <secret>" metadata — an API key,
//      token or device credential (UNAUTHENTICATED);
//   4. the rate limit of the principal; failed authentications have a
//      stricter limit per peer address (RESOURCE_EXHAUSTED, retry delay);
//   5. authorization: role, then scope (PERMISSION_DENIED / NOT_FOUND);
//   6. the stream cap for long-lived streams (RESOURCE_EXHAUSTED).
// Authorization failures are audited at once; audited calls are audited
// when they end (long-lived streams when admitted), and a call whose audit
// entry cannot be written fails with UNAVAILABLE instead of answering.
//
// Thread-safe.
#ifndef TRACTUS_SERVICES_CALL_GUARD_H_
#define TRACTUS_SERVICES_CALL_GUARD_H_

#include <grpcpp/server_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "device_gateway/devices.h"
#include "device_gateway/stream_slots.h"
#include "google/protobuf/message.h"
#include "security/accounts.h"
#include "security/audit_log.h"
#include "security/authorizer.h"
#include "security/policy.h"
#include "security/rate_limiter.h"
#include "services/metrics.h"

namespace tractus::services {

struct GuardOptions {
  // Devices must present a client certificate (mTLS); device credentials
  // alone are refused.
  bool device_certificates_required = false;
};

class CallGuard {
 public:
  // Everything must outlive the guard.
  CallGuard(security::Accounts* accounts, const device_gateway::Devices* devices,
            const security::OwnerLookup* owners, security::AuditLog* audit,
            security::RateLimiter* limiter, security::RateLimiter* failures,
            device_gateway::StreamSlots* streams, GuardOptions options,
            Metrics* metrics = nullptr)
      : accounts_(accounts), devices_(devices), owners_(owners), audit_(audit),
        limiter_(limiter), failures_(failures), streams_(streams), options_(options),
        metrics_(metrics) {}

  // An admitted call: who, what it touches, and its stream slot if any.
  struct Admission {
    const security::Rule* rule = nullptr;
    std::string method;
    std::string peer;
    security::Principal principal;
    // Set for device principals.
    v1::Device device;
    // The records the call touches (a handler may fill it in later, e.g. an
    // upload once its header names the episode).
    security::Owner owner;
    // The request (outlives the call): its ids (security::NamedIds) are
    // audited where `owner` is unknown, e.g. for a refused call.
    const google::protobuf::Message* request = nullptr;
    // The target did not exist when admitted: Recheck() before answering
    // (RunUnary does; a streaming body must before its first write).
    bool recheck = false;
    // Devices' revocations or accounts' access changes when admitted
    // (StillAdmitted looks again only when it moved).
    uint64_t access_generation = 0;
    std::unique_ptr<device_gateway::StreamSlots::Slot> stream_slot;
  };

  absl::StatusOr<Admission> Admit(const grpc::ServerContextBase& context, absl::string_view method,
                                  const google::protobuf::Message& request);

  // For an admission with `recheck`: authorizes the call again now that the
  // domain function has run (NOT_FOUND, audited, if its target turns out to
  // be outside the caller's scope). OK otherwise.
  absl::Status Recheck(Admission& admission, const google::protobuf::Message& request);

  // For long-lived streams, before each message they accept or send: OK
  // while the caller's credential is live and its access unchanged;
  // UNAUTHENTICATED (audited) once the device is revoked, the API key (or
  // the key behind a token) revoked, or the user disabled or rescoped —
  // the stream must then end with that status. An atomic load unless a
  // revocation or access change happened since admission.
  absl::Status StillAdmitted(Admission& admission);

  // Logs a finished call (method, code, latency; never content) and counts
  // it in the metrics.
  void Record(const char* method, grpc::StatusCode code,
              std::chrono::steady_clock::duration latency);

  // Audits the end of an admitted call whose rule says so. `response` (may
  // be null) names what a create made: its patient and episode ids complete
  // the audit entry.
  absl::Status Finish(Admission& admission, absl::StatusCode outcome,
                      const google::protobuf::Message* response = nullptr);

 private:
  absl::StatusOr<security::Principal> Authenticate(const grpc::ServerContextBase& context,
                                                   v1::Device* device) const;
  absl::Status Audit(const Admission& admission, absl::StatusCode outcome);

  security::Accounts* const accounts_;
  const device_gateway::Devices* const devices_;
  const security::OwnerLookup* const owners_;
  security::AuditLog* const audit_;
  security::RateLimiter* const limiter_;   // per principal (or peer, public calls)
  security::RateLimiter* const failures_;  // failed authentications per peer
  device_gateway::StreamSlots* const streams_;
  const GuardOptions options_;
  Metrics* const metrics_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_CALL_GUARD_H_
