// Conversions between absl::Time and google.protobuf.Timestamp.
#ifndef TRACTUS_RECORDS_TIME_PROTO_H_
#define TRACTUS_RECORDS_TIME_PROTO_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace tractus::records {

inline google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t rem = nanos % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rem));
  return ts;
}

// True if `ts` is within the range google.protobuf.Timestamp allows
// (0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z, nanos 0..999999999).
inline bool IsValidTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= -62135596800 && ts.seconds() <= 253402300799 &&
         ts.nanos() >= 0 && ts.nanos() <= 999999999;
}

// REQUIRES: a valid Timestamp (TimeUtil::IsTimestampValid).
inline absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_TIME_PROTO_H_
