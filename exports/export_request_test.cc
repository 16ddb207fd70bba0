#include "exports/export_request.h"

#include "gtest/gtest.h"

namespace tractus::exports {
namespace {

v1::StartExportRequest Valid() {
  v1::StartExportRequest r;
  r.set_request_id("exp-1");
  r.set_format(v1::EXPORT_FORMAT_CSV);
  return r;
}

std::string FirstBadField(const v1::StartExportRequest& r) {
  Violations v;
  CheckStartExport(r, v);
  return v.empty() ? "" : v.list()[0].field;
}

TEST(ExportRequestTest, Table) {
  EXPECT_EQ(FirstBadField(Valid()), "");
  auto r = Valid();
  r.clear_request_id();
  EXPECT_EQ(FirstBadField(r), "request_id");
  r = Valid();
  r.set_format(v1::EXPORT_FORMAT_UNSPECIFIED);
  EXPECT_EQ(FirstBadField(r), "format");
  r = Valid();
  r.set_k(1);
  EXPECT_EQ(FirstBadField(r), "k");
  r.set_k(101);
  EXPECT_EQ(FirstBadField(r), "k");
  r.set_k(2);
  EXPECT_EQ(FirstBadField(r), "");
  r = Valid();
  r.set_linkage_key("Study 2026");
  EXPECT_EQ(FirstBadField(r), "linkage_key");
  r = Valid();
  r.mutable_filter()->add_clinic_ids("clinic-7");
  EXPECT_EQ(FirstBadField(r), "filter.clinic_ids[0]");
  r = Valid();
  r.mutable_filter()->add_conditions(static_cast<v1::Condition>(42));
  EXPECT_EQ(FirstBadField(r), "filter.conditions[0]");
  r = Valid();
  r.mutable_filter()->add_instruments(static_cast<v1::Instrument>(999));
  EXPECT_EQ(FirstBadField(r), "filter.instruments[0]");
  r = Valid();
  r.mutable_filter()->mutable_start_from()->set_year(2026);
  r.mutable_filter()->mutable_start_from()->set_month(2);
  r.mutable_filter()->mutable_start_from()->set_day(30);
  EXPECT_EQ(FirstBadField(r), "filter.start_from");
  r = Valid();
  *r.mutable_filter()->mutable_start_from() = [] {
    v1::Date d;
    d.set_year(2026);
    d.set_month(6);
    d.set_day(1);
    return d;
  }();
  *r.mutable_filter()->mutable_start_to() = r.filter().start_from();
  r.mutable_filter()->mutable_start_to()->set_month(5);
  EXPECT_EQ(FirstBadField(r), "filter.start_to");
}

}  // namespace
}  // namespace tractus::exports
