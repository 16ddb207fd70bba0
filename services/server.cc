#include "services/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace tractus::services {
namespace {

// Splits "HOST:PORT" (HOST may be "[::1]").
absl::Status ParseListen(const std::string& listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), port) || *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen must be HOST:PORT (port 0..65535), got \"", listen, "\""));
  }
  *host = listen.substr(0, colon);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerConfig& config,
                                                      const Clock* clock) {
  std::string host;
  int port = 0;
  RETURN_IF_ERROR(ParseListen(config.listen, &host, &port));

  std::unique_ptr<Server> server(new Server());
  ASSIGN_OR_RETURN(server->store_,
                   storage::Store::Open(config.data_dir,
                                        storage::StoreOptions{.sync_writes = config.sync_wal}));
  server->records_ = std::make_unique<records::Records>(server->store_.get(), clock);
  server->clinics_ = std::make_unique<ClinicServiceImpl>(server->records_.get());
  server->patients_ = std::make_unique<PatientServiceImpl>(server->records_.get());
  server->episodes_ = std::make_unique<EpisodeServiceImpl>(server->records_.get());
  server->observations_ = std::make_unique<ObservationServiceImpl>(server->records_.get());
  server->home_reports_ = std::make_unique<HomeReportServiceImpl>(server->records_.get());
  server->devices_ = std::make_unique<device_gateway::Devices>(server->store_.get(), clock);
  server->uploads_ = std::make_unique<device_gateway::Uploads>(
      server->store_.get(), clock, server->records_.get(), config.uploads);
  // Streams beyond the thread pool would queue unserved: keep headroom for
  // unary calls.
  server->stream_slots_ = std::make_unique<device_gateway::StreamSlots>(
      config.uploads.max_streams_per_device,
      std::min(config.uploads.max_streams_total, std::max(1, config.max_threads - 8)));
  server->device_admin_ = std::make_unique<DeviceAdminServiceImpl>(server->devices_.get());
  server->device_service_ = std::make_unique<DeviceServiceImpl>(
      server->devices_.get(), server->uploads_.get(), server->stream_slots_.get());
  server->sessions_ = std::make_unique<SessionServiceImpl>(server->uploads_.get());
  server->outcomes_ = std::make_unique<outcomes::Outcomes>(
      server->store_.get(), server->records_.get(), server->uploads_.get(), clock);
  server->records_->SetListener(server->outcomes_.get());
  server->outcome_service_ = std::make_unique<OutcomeServiceImpl>(server->outcomes_.get());
  server->admin_ = std::make_unique<AdminServiceImpl>(server->store_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(16 << 20);
  grpc::ResourceQuota quota("tractusd");
  quota.SetMaxThreads(config.max_threads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(server->clinics_.get());
  builder.RegisterService(server->patients_.get());
  builder.RegisterService(server->episodes_.get());
  builder.RegisterService(server->observations_.get());
  builder.RegisterService(server->home_reports_.get());
  builder.RegisterService(server->device_admin_.get());
  builder.RegisterService(server->device_service_.get());
  builder.RegisterService(server->sessions_.get());
  builder.RegisterService(server->outcome_service_.get());
  builder.RegisterService(server->admin_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen, " (address in use or invalid)"));
  }
  server->address_ = absl::StrCat(host, ":", bound_port);
  return server;
}

Server::~Server() { (void)Shutdown(absl::ZeroDuration()); }

absl::Status Server::Shutdown(absl::Duration grace) {
  if (shut_down_) return absl::OkStatus();
  shut_down_ = true;
  if (grpc_server_ != nullptr) {
    if (auto* health = grpc_server_->GetHealthCheckService()) {
      health->SetServingStatus(false);
    }
    // Long-lived alert streams end first so they do not hold the grace
    // period; then in-flight calls finish.
    if (outcomes_) outcomes_->Stop();
    grpc_server_->Shutdown(std::chrono::system_clock::now() +
                           absl::ToChronoMilliseconds(grace));
  }
  if (outcomes_) outcomes_->Stop();
  absl::Status closed = store_ ? store_->Close() : absl::OkStatus();
  if (!closed.ok()) spdlog::error("closing the store: {}", closed.ToString());
  return closed;
}

void Server::Wait() {
  if (grpc_server_ != nullptr) grpc_server_->Wait();
}

}  // namespace tractus::services
