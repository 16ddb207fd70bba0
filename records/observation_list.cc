#include "records/observation_list.h"

namespace tractus::records {
namespace {

google::protobuf::ArenaOptions ListArenaOptions() {
  google::protobuf::ArenaOptions options;
  // A typical episode (~100-200 observations, ~300 bytes each parsed) in
  // a few blocks.
  options.start_block_size = 16 << 10;
  options.max_block_size = 64 << 10;
  return options;
}

}  // namespace

ObservationList::ObservationList()
    : arena_(std::make_unique<google::protobuf::Arena>(ListArenaOptions())),
      items_(google::protobuf::Arena::CreateMessage<
             google::protobuf::RepeatedPtrField<v1::Observation>>(arena_.get())) {}

}  // namespace tractus::records
