// gRPC services over records::Records: ClinicService, PatientService,
// EpisodeService, ObservationService and HomeReportService. Each handler is
// one RunUnary call. Thread-safe (Records is).
#ifndef TRACTUS_SERVICES_RECORD_SERVICES_H_
#define TRACTUS_SERVICES_RECORD_SERVICES_H_

#include "records/records.h"
#include "services/call_guard.h"
#include "tractus/v1/clinic.grpc.pb.h"
#include "tractus/v1/episode.grpc.pb.h"
#include "tractus/v1/home_report.grpc.pb.h"
#include "tractus/v1/observation.grpc.pb.h"
#include "tractus/v1/patient.grpc.pb.h"

namespace tractus::services {

class ClinicServiceImpl final : public v1::ClinicService::Service {
 public:
  ClinicServiceImpl(CallGuard* guard, records::Records* records) : guard_(guard), records_(records) {}
  grpc::Status CreateClinic(grpc::ServerContext* ctx, const v1::CreateClinicRequest* req,
                            v1::CreateClinicResponse* resp) override;
  grpc::Status GetClinic(grpc::ServerContext* ctx, const v1::GetClinicRequest* req,
                         v1::GetClinicResponse* resp) override;
  grpc::Status ListClinics(grpc::ServerContext* ctx, const v1::ListClinicsRequest* req,
                           v1::ListClinicsResponse* resp) override;

 private:
  CallGuard* const guard_;
  records::Records* const records_;
};

class PatientServiceImpl final : public v1::PatientService::Service {
 public:
  PatientServiceImpl(CallGuard* guard, records::Records* records) : guard_(guard), records_(records) {}
  grpc::Status CreatePatient(grpc::ServerContext* ctx, const v1::CreatePatientRequest* req,
                             v1::CreatePatientResponse* resp) override;
  grpc::Status GetPatient(grpc::ServerContext* ctx, const v1::GetPatientRequest* req,
                          v1::GetPatientResponse* resp) override;
  grpc::Status UpdatePatient(grpc::ServerContext* ctx, const v1::UpdatePatientRequest* req,
                             v1::UpdatePatientResponse* resp) override;
  grpc::Status ListPatients(grpc::ServerContext* ctx, const v1::ListPatientsRequest* req,
                            v1::ListPatientsResponse* resp) override;

 private:
  CallGuard* const guard_;
  records::Records* const records_;
};

class EpisodeServiceImpl final : public v1::EpisodeService::Service {
 public:
  EpisodeServiceImpl(CallGuard* guard, records::Records* records) : guard_(guard), records_(records) {}
  grpc::Status CreateEpisode(grpc::ServerContext* ctx, const v1::CreateEpisodeRequest* req,
                             v1::CreateEpisodeResponse* resp) override;
  grpc::Status GetEpisode(grpc::ServerContext* ctx, const v1::GetEpisodeRequest* req,
                          v1::GetEpisodeResponse* resp) override;
  grpc::Status ListEpisodes(grpc::ServerContext* ctx, const v1::ListEpisodesRequest* req,
                            v1::ListEpisodesResponse* resp) override;
  grpc::Status CloseEpisode(grpc::ServerContext* ctx, const v1::CloseEpisodeRequest* req,
                            v1::CloseEpisodeResponse* resp) override;

 private:
  CallGuard* const guard_;
  records::Records* const records_;
};

class ObservationServiceImpl final : public v1::ObservationService::Service {
 public:
  ObservationServiceImpl(CallGuard* guard, records::Records* records) : guard_(guard), records_(records) {}
  grpc::Status RecordObservations(grpc::ServerContext* ctx,
                                  const v1::RecordObservationsRequest* req,
                                  v1::RecordObservationsResponse* resp) override;
  grpc::Status ListObservations(grpc::ServerContext* ctx,
                                const v1::ListObservationsRequest* req,
                                v1::ListObservationsResponse* resp) override;

 private:
  CallGuard* const guard_;
  records::Records* const records_;
};

class HomeReportServiceImpl final : public v1::HomeReportService::Service {
 public:
  HomeReportServiceImpl(CallGuard* guard, records::Records* records) : guard_(guard), records_(records) {}
  grpc::Status SubmitHomeReport(grpc::ServerContext* ctx,
                                const v1::SubmitHomeReportRequest* req,
                                v1::SubmitHomeReportResponse* resp) override;

 private:
  CallGuard* const guard_;
  records::Records* const records_;
};

}  // namespace tractus::services

#endif  // TRACTUS_SERVICES_RECORD_SERVICES_H_
