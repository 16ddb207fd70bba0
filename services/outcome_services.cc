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

}  // namespace tractus::services
