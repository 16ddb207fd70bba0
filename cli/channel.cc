#include "cli/channel.h"

#include <grpcpp/support/client_interceptor.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace tractus::cli {
namespace {

// Adds fixed metadata to every call.
class MetadataInterceptor final : public grpc::experimental::Interceptor {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  explicit MetadataInterceptor(const Headers* headers) : headers_(headers) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      for (const auto& [name, value] : *headers_) {
        methods->GetSendInitialMetadata()->emplace(name, value);
      }
    }
    methods->Proceed();
  }

 private:
  const Headers* headers_;
};

class MetadataInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit MetadataInterceptorFactory(MetadataInterceptor::Headers headers)
      : headers_(std::move(headers)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new MetadataInterceptor(&headers_);
  }

 private:
  const MetadataInterceptor::Headers headers_;  // lives as long as the channel
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

absl::StatusOr<std::string> BearerFrom(const std::string& key_file) {
  if (!key_file.empty()) return ReadSecretFile(key_file);
  if (const char* env = std::getenv("TRACTUS_API_KEY"); env != nullptr && *env) return env;
  return absl::FailedPreconditionError(
      "no credentials: give --key_file=FILE or set TRACTUS_API_KEY");
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const ConnectOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options.tls_ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options.tls_ca_file));
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
      return absl::FailedPreconditionError("a client certificate needs its key, and vice versa");
    }
    if (!options.tls_cert_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFile(options.tls_cert_file));
      ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFile(options.tls_key_file));
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  MetadataInterceptor::Headers headers;
  if (!options.bearer.empty()) headers.emplace_back("authorization", "Bearer " + options.bearer);
  if (!options.clinic.empty()) headers.emplace_back(kClinicHeader, options.clinic);
  if (!headers.empty()) {
    interceptors.push_back(std::make_unique<MetadataInterceptorFactory>(std::move(headers)));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      options.target, credentials, args, std::move(interceptors));
}

}  // namespace tractus::cli
