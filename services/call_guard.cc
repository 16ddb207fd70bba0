#include "services/call_guard.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "services/call_log.h"

namespace tractus::services {
namespace {

// "ipv4:10.0.0.7:51234" -> "ipv4:10.0.0.7" (the rate-limit key of a peer).
std::string PeerHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

security::Principal DevicePrincipal(const v1::Device& device, security::AuthenticatedBy by) {
  security::Principal p;
  p.id = device.device_id();
  p.role = v1::ROLE_DEVICE;
  p.clinic_ids = {device.clinic_id()};
  p.authenticated_by = by;
  return p;
}

// Fills blanks of `owner` from the ids of the records in `response`'s
// top-level message fields (e.g. CreatePatientResponse.patient.patient_id).
void CompleteOwner(const google::protobuf::Message& response, security::Owner* owner) {
  const google::protobuf::Descriptor* d = response.GetDescriptor();
  const google::protobuf::Reflection* r = response.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->is_repeated() || f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE ||
        !r->HasField(response, f)) {
      continue;
    }
    const google::protobuf::Message& record = r->GetMessage(response, f);
    const google::protobuf::Descriptor* rd = record.GetDescriptor();
    for (auto [name, slot] : {std::pair{"clinic_id", &owner->clinic_id},
                              std::pair{"patient_id", &owner->patient_id},
                              std::pair{"episode_id", &owner->episode_id},
                              std::pair{"export_id", &owner->export_id}}) {
      const google::protobuf::FieldDescriptor* id = rd->FindFieldByName(name);
      if (slot->empty() && id != nullptr && !id->is_repeated() &&
          id->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        *slot = record.GetReflection()->GetString(record, id);
      }
    }
  }
}

}  // namespace

absl::StatusOr<security::Principal> CallGuard::Authenticate(const grpc::ServerContextBase& context,
                                                            v1::Device* device) const {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::vector<grpc::string_ref> names = auth->FindPropertyValues("x509_common_name");
    if (names.size() == 1) {
      const std::string device_id(names[0].data(), names[0].size());
      auto found = devices_->Get(device_id);
      if (!found.ok() || found->has_revoke_time()) {
        return absl::UnauthenticatedError(
            "the client certificate names no enrolled, unrevoked device");
      }
      *device = *found;
      return DevicePrincipal(*device, security::AuthenticatedBy::kClientCertificate);
    }
  }
  auto it = context.client_metadata().find("authorization");
  if (it == context.client_metadata().end()) {
    return absl::UnauthenticatedError("missing \"authorization: Bearer <secret>\" metadata");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ")) {
    return absl::UnauthenticatedError("authorization metadata must be \"Bearer <secret>\"");
  }
  if (absl::StartsWith(value, "tdc1.")) {
    if (options_.device_certificates_required) {
      return absl::UnauthenticatedError(
          "devices must present a client certificate (mTLS device port)");
    }
    ASSIGN_OR_RETURN(*device, devices_->Authenticate(value));
    return DevicePrincipal(*device, security::AuthenticatedBy::kDeviceCredential);
  }
  return accounts_->Authenticate(value);
}

absl::StatusOr<CallGuard::Admission> CallGuard::Admit(const grpc::ServerContextBase& context,
                                                      absl::string_view method,
                                                      const google::protobuf::Message& request) {
  Admission a;
  a.method = std::string(method);
  a.peer = context.peer();
  a.request = &request;
  a.rule = security::FindRule(method);
  if (a.rule == nullptr) {
    return absl::InternalError(absl::StrCat("no authorization rule for ", method));
  }
  if (a.rule->needs_deadline &&
      context.deadline() == std::chrono::system_clock::time_point::max()) {
    return InvalidField("grpc-timeout", "this call may run long: set a deadline");
  }
  if (a.rule->is_public) {
    RETURN_IF_ERROR(limiter_->Acquire(PeerHost(a.peer)));
    a.principal.id = "anonymous";
    return a;
  }
  // Taken before authenticating: a revocation racing with it is seen.
  const uint64_t devices_generation = devices_->Revocations();
  const uint64_t accounts_generation = accounts_->AccessChanges();
  auto principal = Authenticate(context, &a.device);
  if (!principal.ok()) {
    // Failed attempts are limited per address before they are audited, so
    // guessing keys can neither go fast nor flood the audit log.
    a.principal.id = "anonymous";
    RETURN_IF_ERROR(failures_->Acquire(PeerHost(a.peer)));
    RETURN_IF_ERROR(Audit(a, principal.status().code()));
    return principal.status();
  }
  a.principal = std::move(*principal);
  a.access_generation = a.principal.role == v1::ROLE_DEVICE ? devices_generation
                                                            : accounts_generation;
  RETURN_IF_ERROR(limiter_->Acquire(a.principal.id));
  auto decision = security::Authorize(a.principal, *a.rule, request, *owners_);
  if (!decision.ok()) {
    const absl::StatusCode code = decision.status().code();
    if (code == absl::StatusCode::kPermissionDenied || code == absl::StatusCode::kNotFound) {
      RETURN_IF_ERROR(Audit(a, code));
    }
    return decision.status();
  }
  a.owner = std::move(decision->owner);
  a.recheck = decision->target_missing;
  if (a.rule->long_stream) {
    ASSIGN_OR_RETURN(a.stream_slot, streams_->Acquire(a.principal.id));
    if (a.rule->audited) RETURN_IF_ERROR(Audit(a, absl::StatusCode::kOk));
  }
  return a;
}

absl::Status CallGuard::Recheck(Admission& a, const google::protobuf::Message& request) {
  if (!a.recheck) return absl::OkStatus();
  auto decision = security::Authorize(a.principal, *a.rule, request, *owners_);
  if (decision.ok() && !decision->target_missing) {
    a.owner = std::move(decision->owner);
    a.recheck = false;
    return absl::OkStatus();
  }
  // Out of scope now, or still missing although the call succeeded.
  return absl::NotFoundError("the requested record was not found");
}

absl::Status CallGuard::StillAdmitted(Admission& a) {
  if (a.rule->is_public) return absl::OkStatus();
  const bool device = a.principal.role == v1::ROLE_DEVICE;
  const uint64_t now = device ? devices_->Revocations() : accounts_->AccessChanges();
  if (now == a.access_generation) return absl::OkStatus();
  const absl::Status live = device ? devices_->CheckNotRevoked(a.principal.id)
                                   : accounts_->CheckStillValid(a.principal);
  if (live.ok()) {
    a.access_generation = now;
    return absl::OkStatus();
  }
  if (!absl::IsUnauthenticated(live) && !absl::IsNotFound(live)) return live;  // e.g. storage
  const absl::Status refused = absl::UnauthenticatedError(absl::StrCat(
      live.message(), " (this stream was opened before; it ends here)"));
  RETURN_IF_ERROR(Audit(a, refused.code()));
  return refused;
}

absl::Status CallGuard::Finish(Admission& a, absl::StatusCode outcome,
                              const google::protobuf::Message* response) {
  if (!a.rule->audited || a.rule->long_stream) return absl::OkStatus();
  if (response != nullptr && outcome == absl::StatusCode::kOk) CompleteOwner(*response, &a.owner);
  return Audit(a, outcome);
}

void CallGuard::Record(const char* method, grpc::StatusCode code,
                       std::chrono::steady_clock::duration latency) {
  LogCall(method, code, latency);
  if (metrics_ != nullptr) metrics_->ObserveCall(method, code, latency);
}

absl::Status CallGuard::Audit(const Admission& a, absl::StatusCode outcome) {
  v1::AuditEntry entry;
  entry.set_principal_id(a.principal.id);
  entry.set_role(a.principal.role);
  entry.set_method(a.method);
  // What the call touched; where that is unknown (a refused or failed
  // call), what the request named, so a probe shows under its target.
  // (Read from the request only here: most calls are never audited.)
  const security::Owner named =
      a.request != nullptr ? security::NamedIds(*a.request) : security::Owner();
  const auto pick = [](const std::string& owned, const std::string& named) {
    return owned.empty() ? named : owned;
  };
  entry.set_clinic_id(pick(a.owner.clinic_id, named.clinic_id));
  entry.set_patient_id(pick(a.owner.patient_id, named.patient_id));
  entry.set_episode_id(pick(a.owner.episode_id, named.episode_id));
  entry.set_export_id(pick(a.owner.export_id, named.export_id));
  entry.set_session_id(pick(a.owner.session_id, named.session_id));
  entry.set_device_id(pick(a.owner.device_id, named.device_id));
  entry.set_outcome(absl::StatusCodeToString(outcome));
  entry.set_peer(a.peer);
  absl::Status appended = audit_->Append(std::move(entry));
  if (!appended.ok()) {
    spdlog::error("audit log append failed for {}: {}", a.method, appended.ToString());
    return absl::UnavailableError("the audit log cannot be written; the call was not answered");
  }
  return absl::OkStatus();
}

}  // namespace tractus::services
