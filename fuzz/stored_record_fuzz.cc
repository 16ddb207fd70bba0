// Stored records on arbitrary bytes: ParseRecord reports DATA_LOSS or a
// record that serializes and parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "storage/proto_io.h"
#include "tractus/internal/v1/device_records.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/observation.pb.h"
#include "tractus/v1/patient.pb.h"
#include "tractus/v1/session.pb.h"

namespace {

template <typename T>
void RoundTrip(const std::string& bytes) {
  auto record = tractus::storage::ParseRecord<T>(bytes, "fuzz");
  if (!record.ok()) {
    if (record.status().code() != absl::StatusCode::kDataLoss) std::abort();
    return;
  }
  auto again = tractus::storage::ParseRecord<T>(record->SerializeAsString(), "fuzz");
  if (!again.ok() || again->SerializeAsString() != record->SerializeAsString()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  RoundTrip<tractus::v1::Observation>(bytes);
  RoundTrip<tractus::v1::Episode>(bytes);
  RoundTrip<tractus::v1::Patient>(bytes);
  RoundTrip<tractus::v1::PatientIdentity>(bytes);
  RoundTrip<tractus::v1::Session>(bytes);
  RoundTrip<tractus::internal::v1::DeviceRecord>(bytes);
  return 0;
}
