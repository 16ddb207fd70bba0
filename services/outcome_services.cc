#include "services/outcome_services.h"

#include "services/unary_handler.h"

namespace tractus::services {

grpc::Status OutcomeServiceImpl::GetEpisodeProgress(grpc::ServerContext* ctx,
                                                    const v1::GetEpisodeProgressRequest* req,
                                                    v1::GetEpisodeProgressResponse* resp) {
  return RunUnary(ctx, "tractus.v1.OutcomeService/GetEpisodeProgress", resp,
                  [&] { return outcomes_->GetEpisodeProgress(*req); });
}

grpc::Status OutcomeServiceImpl::ListClinicAlerts(grpc::ServerContext* ctx,
                                                  const v1::ListClinicAlertsRequest* req,
                                                  v1::ListClinicAlertsResponse* resp) {
  return RunUnary(ctx, "tractus.v1.OutcomeService/ListClinicAlerts", resp,
                  [&] { return outcomes_->ListClinicAlerts(*req); });
}

grpc::Status OutcomeServiceImpl::StreamClinicAlerts(
    grpc::ServerContext* ctx, const v1::StreamClinicAlertsRequest* req,
    grpc::ServerWriter<v1::StreamClinicAlertsResponse>* writer) {
  return RunStreaming("tractus.v1.OutcomeService/StreamClinicAlerts", [&] {
    return outcomes_->StreamClinicAlerts(
        *req, [ctx] { return ctx->IsCancelled(); },
        [writer](const v1::Alert& alert) {
          v1::StreamClinicAlertsResponse resp;
          *resp.mutable_alert() = alert;
          return writer->Write(resp);
        });
  });
}

grpc::Status OutcomeServiceImpl::GetCohortOutcomes(grpc::ServerContext* ctx,
                                                   const v1::GetCohortOutcomesRequest* req,
                                                   v1::GetCohortOutcomesResponse* resp) {
  return RunUnary(ctx, "tractus.v1.OutcomeService/GetCohortOutcomes", resp,
                  [&] { return outcomes_->GetCohortOutcomes(*req); });
}

}  // namespace tractus::services
