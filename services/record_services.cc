#include "services/record_services.h"

#include <algorithm>

#include "common/status_macros.h"
#include "services/unary_handler.h"

namespace tractus::services {

grpc::Status ClinicServiceImpl::CreateClinic(grpc::ServerContext* ctx,
    const v1::CreateClinicRequest* req, v1::CreateClinicResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ClinicService/CreateClinic", *req, resp,
                  [&] { return records_->CreateClinic(*req); });
}

grpc::Status ClinicServiceImpl::GetClinic(grpc::ServerContext* ctx,
    const v1::GetClinicRequest* req, v1::GetClinicResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ClinicService/GetClinic", *req, resp,
                  [&] { return records_->GetClinic(*req); });
}

grpc::Status ClinicServiceImpl::ListClinics(grpc::ServerContext* ctx,
    const v1::ListClinicsRequest* req, v1::ListClinicsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ClinicService/ListClinics", *req, resp,
                  [&](const CallGuard::Admission& call) -> absl::StatusOr<v1::ListClinicsResponse> {
                    ASSIGN_OR_RETURN(v1::ListClinicsResponse out, records_->ListClinics(*req));
                    const security::Principal& who = call.principal;
                    const bool sees_all = who.role == v1::ROLE_ADMINISTRATOR ||
                                          (who.role == v1::ROLE_ANALYST && who.clinic_ids.empty());
                    if (!sees_all) {
                      // Pages stay aligned with the unfiltered listing, so a
                      // page may hold fewer clinics than page_size.
                      auto* clinics = out.mutable_clinics();
                      clinics->erase(std::remove_if(clinics->begin(), clinics->end(),
                                                    [&](const v1::Clinic& c) {
                                                      return !who.InClinic(c.clinic_id());
                                                    }),
                                     clinics->end());
                    }
                    return out;
                  });
}

grpc::Status PatientServiceImpl::CreatePatient(grpc::ServerContext* ctx,
    const v1::CreatePatientRequest* req, v1::CreatePatientResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.PatientService/CreatePatient", *req, resp,
                  [&] { return records_->CreatePatient(*req); });
}

grpc::Status PatientServiceImpl::GetPatient(grpc::ServerContext* ctx,
    const v1::GetPatientRequest* req, v1::GetPatientResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.PatientService/GetPatient", *req, resp,
                  [&] { return records_->GetPatient(*req); });
}

grpc::Status PatientServiceImpl::UpdatePatient(grpc::ServerContext* ctx,
    const v1::UpdatePatientRequest* req, v1::UpdatePatientResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.PatientService/UpdatePatient", *req, resp,
                  [&] { return records_->UpdatePatient(*req); });
}

grpc::Status PatientServiceImpl::ListPatients(grpc::ServerContext* ctx,
    const v1::ListPatientsRequest* req, v1::ListPatientsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.PatientService/ListPatients", *req, resp,
                  [&] { return records_->ListPatients(*req); });
}

grpc::Status EpisodeServiceImpl::CreateEpisode(grpc::ServerContext* ctx,
    const v1::CreateEpisodeRequest* req, v1::CreateEpisodeResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.EpisodeService/CreateEpisode", *req, resp,
                  [&] { return records_->CreateEpisode(*req); });
}

grpc::Status EpisodeServiceImpl::GetEpisode(grpc::ServerContext* ctx,
    const v1::GetEpisodeRequest* req, v1::GetEpisodeResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.EpisodeService/GetEpisode", *req, resp,
                  [&] { return records_->GetEpisode(*req); });
}

grpc::Status EpisodeServiceImpl::ListEpisodes(grpc::ServerContext* ctx,
    const v1::ListEpisodesRequest* req, v1::ListEpisodesResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.EpisodeService/ListEpisodes", *req, resp,
                  [&] { return records_->ListEpisodes(*req); });
}

grpc::Status EpisodeServiceImpl::CloseEpisode(grpc::ServerContext* ctx,
    const v1::CloseEpisodeRequest* req, v1::CloseEpisodeResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.EpisodeService/CloseEpisode", *req, resp,
                  [&] { return records_->CloseEpisode(*req); });
}

grpc::Status ObservationServiceImpl::RecordObservations(grpc::ServerContext* ctx,
    const v1::RecordObservationsRequest* req, v1::RecordObservationsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ObservationService/RecordObservations", *req, resp,
                  [&] { return records_->RecordObservations(*req); });
}

grpc::Status ObservationServiceImpl::ListObservations(grpc::ServerContext* ctx,
    const v1::ListObservationsRequest* req, v1::ListObservationsResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.ObservationService/ListObservations", *req, resp,
                  [&] { return records_->ListObservations(*req); });
}

grpc::Status HomeReportServiceImpl::SubmitHomeReport(grpc::ServerContext* ctx,
    const v1::SubmitHomeReportRequest* req, v1::SubmitHomeReportResponse* resp) {
  return RunUnary(*guard_, ctx, "tractus.v1.HomeReportService/SubmitHomeReport", *req, resp,
                  [&] { return records_->SubmitHomeReport(*req); });
}

}  // namespace tractus::services
