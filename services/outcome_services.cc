#include "services/outcome_services.h"

#include "common/status_macros.h"
#include "services/unary_handler.h"

namespace tractus::services {
namespace {

// Clinic-bound callers asking for "all clinics" get theirs (an unbound
// analyst's empty list means every clinic).
absl::StatusOr<v1::GetCohortOutcomesRequest> ScopedCohort(const v1::GetCohortOutcomesRequest& req,
                                                          const security::Principal& who) {
  v1::GetCohortOutcomesRequest scoped = req;
  if (scoped.clinic_ids().empty() && who.role == v1::ROLE_CLINICIAN && who.clinic_ids.empty()) {
    return absl::PermissionDeniedError("no clinic is assigned to this user");
  }
  if (scoped.clinic_ids().empty()) {
    for (const std::string& id : who.clinic_ids) scoped.add_clinic_ids(id);
  }
  return scoped;
}

}  // namespace

grpc::Status OutcomeServiceImpl::GetEpisodeProgress(grpc::ServerContext* ctx,
                                                    const v1::GetEpisodeProgressRequest* req,
                                                    v1::GetEpisodeProgressResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/GetEpisodeProgress", *req, resp,
                  [&] { return outcomes_->GetEpisodeProgress(*req); });
}

grpc::Status OutcomeServiceImpl::ListClinicAlerts(grpc::ServerContext* ctx,
                                                  const v1::ListClinicAlertsRequest* req,
                                                  v1::ListClinicAlertsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/ListClinicAlerts", *req, resp,
                  [&] { return outcomes_->ListClinicAlerts(*req); });
}

grpc::Status OutcomeServiceImpl::StreamClinicAlerts(
    grpc::ServerContext* ctx, const v1::StreamClinicAlertsRequest* req,
    grpc::ServerWriter<v1::StreamClinicAlertsResponse>* writer) {
  return RunStreaming(*guard_, ctx, "tractus.v1.OutcomeService/StreamClinicAlerts", *req,
                      [&](CallGuard::Admission& call) -> absl::Status {
    // Looked at on every poll (each 200 ms) and before every alert: a
    // revoked key or disabled user ends the stream within one poll.
    absl::Status revoked;
    const auto stop = [&] {
      if (revoked.ok()) revoked = guard_->StillAdmitted(call);
      return !revoked.ok() || ctx->IsCancelled();
    };
    absl::Status streamed = outcomes_->StreamClinicAlerts(
        *req, stop,
        [&](const v1::Alert& alert) {
          if (stop()) return false;
          v1::StreamClinicAlertsResponse resp;
          *resp.mutable_alert() = alert;
          return writer->Write(resp);
        },
        // The subscription acknowledgement: initial metadata once every
        // later alert will reach this stream (a client waits for it).
        [writer] { writer->SendInitialMetadata(); });
    return revoked.ok() ? streamed : revoked;
  });
}

grpc::Status OutcomeServiceImpl::GetCohortOutcomes(grpc::ServerContext* ctx,
                                                   const v1::GetCohortOutcomesRequest* req,
                                                   v1::GetCohortOutcomesResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/GetCohortOutcomes", *req, resp,
                  [&](const CallGuard::Admission& call)
                      -> absl::StatusOr<v1::GetCohortOutcomesResponse> {
                    ASSIGN_OR_RETURN(auto scoped, ScopedCohort(*req, call.principal));
                    return outcomes_->GetCohortOutcomes(scoped);
                  });
}

grpc::Status OutcomeServiceImpl::GetCohortPartial(grpc::ServerContext* ctx,
                                                  const v1::GetCohortPartialRequest* req,
                                                  v1::GetCohortPartialResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/GetCohortPartial", *req, resp,
                  [&](const CallGuard::Admission& call)
                      -> absl::StatusOr<v1::GetCohortPartialResponse> {
                    ASSIGN_OR_RETURN(auto scoped, ScopedCohort(req->cohort(), call.principal));
                    return outcomes_->GetCohortPartial(*req, scoped);
                  });
}

grpc::Status OutcomeServiceImpl::MergeCohortPartials(grpc::ServerContext* ctx,
                                                     const v1::MergeCohortPartialsRequest* req,
                                                     v1::MergeCohortPartialsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.OutcomeService/MergeCohortPartials", *req, resp,
                  [&] { return outcomes_->MergeCohortPartials(*req); });
}

}  // namespace tractus::services
