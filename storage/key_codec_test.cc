#include "storage/key_codec.h"

#include <random>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"

namespace tractus::storage {
namespace {

using testing::StatusIs;

std::string Hex(absl::string_view s) { return absl::BytesToHexString(s); }

TEST(KeyCodecTest, IntegersAreBigEndianFixedWidth) {
  EXPECT_EQ(Hex(KeyWriter().U8(0xab).key()), "ab");
  EXPECT_EQ(Hex(KeyWriter().U16(0x0102).key()), "0102");
  EXPECT_EQ(Hex(KeyWriter().U32(0x01020304).key()), "01020304");
  EXPECT_EQ(Hex(KeyWriter().U64(1).key()), "0000000000000001");
  EXPECT_EQ(Hex(KeyWriter().I64(0).key()), "8000000000000000");
  EXPECT_EQ(Hex(KeyWriter().I64(-1).key()), "7fffffffffffffff");
}

TEST(KeyCodecTest, StringsAreEscapedAndTerminated) {
  EXPECT_EQ(Hex(KeyWriter().Str("").key()), "0001");
  EXPECT_EQ(Hex(KeyWriter().Str("ab").key()), "61620001");
  EXPECT_EQ(Hex(KeyWriter().Str(std::string("a\0b", 3)).key()), "6100ff620001");
}

TEST(KeyCodecTest, RoundTripsEveryComponent) {
  const std::string nul_string("x\0\0y\xff", 5);
  std::string key = KeyWriter()
                        .U8(7)
                        .Str(nul_string)
                        .U16(65535)
                        .I64(-123456789)
                        .U32(42)
                        .U64(~uint64_t{0})
                        .Str("")
                        .Release();
  KeyReader r(key);
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  int64_t i64;
  std::string s1, s2;
  ASSERT_TRUE(r.U8(&u8) && r.Str(&s1) && r.U16(&u16) && r.I64(&i64) &&
              r.U32(&u32) && r.U64(&u64) && r.Str(&s2));
  EXPECT_TRUE(r.done());
  EXPECT_EQ(u8, 7);
  EXPECT_EQ(s1, nul_string);
  EXPECT_EQ(u16, 65535);
  EXPECT_EQ(i64, -123456789);
  EXPECT_EQ(u32, 42u);
  EXPECT_EQ(u64, ~uint64_t{0});
  EXPECT_EQ(s2, "");
}

TEST(KeyCodecTest, ReaderRejectsTruncatedAndMalformedInput) {
  std::string s;
  uint64_t u;
  EXPECT_FALSE(KeyReader("abc").Str(&s));                        // no terminator
  EXPECT_FALSE(KeyReader(std::string("a\0", 2)).Str(&s));        // cut escape
  EXPECT_FALSE(KeyReader(std::string("a\0\x05", 3)).Str(&s));    // bad escape
  EXPECT_FALSE(KeyReader(std::string(7, '\0')).U64(&u));         // too short
}

// Encoding must preserve the order of (string, int64, string) tuples.
TEST(KeyCodecTest, PreservesOrder) {
  std::mt19937_64 rng(20261127);
  const std::vector<std::string> alphabet = {"", std::string("\0", 1), "\x01",
                                             "a", "ab", std::string("a\0", 2),
                                             "\xff", "b"};
  using Tuple = std::tuple<std::string, int64_t, std::string>;
  std::vector<Tuple> tuples;
  for (int i = 0; i < 2000; ++i) {
    std::string a = alphabet[rng() % alphabet.size()] + alphabet[rng() % alphabet.size()];
    std::string b = alphabet[rng() % alphabet.size()];
    int64_t n = static_cast<int64_t>(rng()) >> (rng() % 64);
    tuples.emplace_back(a, n, b);
  }
  for (size_t i = 0; i + 1 < tuples.size(); ++i) {
    const Tuple& x = tuples[i];
    const Tuple& y = tuples[i + 1];
    std::string kx = KeyWriter().Str(std::get<0>(x)).I64(std::get<1>(x)).Str(std::get<2>(x)).Release();
    std::string ky = KeyWriter().Str(std::get<0>(y)).I64(std::get<1>(y)).Str(std::get<2>(y)).Release();
    EXPECT_EQ(x < y, kx < ky) << i;
    EXPECT_EQ(x == y, kx == ky) << i;
  }
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
  std::string prefix = ObservationEpisodePrefix("ep_1");
  std::string inside = ObservationKey({"ep_1", 65535, INT64_MAX, "\xff\xff"});
  EXPECT_LT(inside, PrefixSuccessor(prefix));
  EXPECT_GE(ObservationKey({"ep_10", 0, 0, ""}), PrefixSuccessor(prefix));
}

// Golden bytes: a change here is an on-disk format change and needs a schema
// version bump and a migration, never a silent edit.
TEST(KeyCodecTest, GoldenBytes) {
  EXPECT_EQ(Hex(ClinicKey("cl_1")), "636c5f310001");
  EXPECT_EQ(Hex(PatientKey("pt_1")), "70745f310001");
  EXPECT_EQ(Hex(EpisodeKey("ep_1")), "65705f310001");
  EXPECT_EQ(Hex(IdentityKey("pt_1")), "4970745f310001");
  EXPECT_EQ(Hex(MrnKey("cl_1", "M-7")), "4d636c5f3100014d2d370001");
  EXPECT_EQ(Hex(ObservationKey({"ep_1", 2, 1000000, "o1"})),
            "65705f310001" "0002" "80000000000f4240" "6f310001");
  EXPECT_EQ(Hex(PatientsByClinicKey("cl_1", "pt_1")),
            "50636c5f31000170745f310001");
  EXPECT_EQ(Hex(EpisodesByPatientKey("pt_1", 20000, "ep_1")),
            "4570745f310001" "8000000000004e20" "65705f310001");
  EXPECT_EQ(Hex(ObservationIdKey("ep_1", "o1")), "4f65705f3100016f310001");
  EXPECT_EQ(Hex(RequestKey(RequestKind::kCreatePatient, "r1")), "520272310001");
  EXPECT_EQ(Hex(SchemaVersionKey()), "00736368656d615f76657273696f6e0001");
  EXPECT_EQ(Hex(DeviceKey("dv_1")), "4464765f310001");
  EXPECT_EQ(Hex(UserKey("us_1")), "5575735f310001");
  EXPECT_EQ(Hex(ApiKeyKey("ak_1")), "4b616b5f310001");
  EXPECT_EQ(Hex(AuditKey(258)), "0000000000000102");
  EXPECT_EQ(Hex(ExportJobKey("ex_1")), "4a65785f310001");
  EXPECT_EQ(Hex(LinkageKeyKey("s")), "4c730001");
  EXPECT_EQ(Hex(AuditHeadKey()), "0061756469745f686561640001");
  EXPECT_EQ(Hex(EnrollmentTokenKey("t1")), "5474310001");
  EXPECT_EQ(Hex(DevicesByClinicKey("c", "d")), "5663000164" "0001");
  EXPECT_EQ(Hex(SessionKey("s1")), "73310001");
  EXPECT_EQ(Hex(SessionOfDeviceKey("d", "s1")), "55" "640001" "73310001");
  EXPECT_EQ(Hex(AlertStateKey("e")), "41650001");
  EXPECT_EQ(Hex(SessionsByEpisodeKey("e", 1, "s")), "5365000180000000000000017300" "01");
  EXPECT_EQ(Hex(TelemetryKey("s1", 258)), "73310001" "00000102");
  EXPECT_EQ(Hex(EncodeChunkValue(1, 2, 3, "xy")),
            "01" "8000000000000001" "8000000000000002" "00000003" "7879");
}

TEST(KeyCodecTest, RecordKeysDecode) {
  auto obs = DecodeObservationKey(ObservationKey({"ep_9", 14, -5, "x"}));
  ASSERT_TRUE(obs.ok());
  EXPECT_EQ(obs->episode_id, "ep_9");
  EXPECT_EQ(obs->instrument, 14);
  EXPECT_EQ(obs->effective_micros, -5);
  EXPECT_EQ(obs->observation_id, "x");
  EXPECT_EQ(*DecodePatientsByClinicKey(PatientsByClinicKey("c", "p")), "p");
  EXPECT_EQ(*DecodeEpisodesByPatientKey(EpisodesByPatientKey("p", 3, "e")), "e");
}

TEST(KeyCodecTest, RequestRecordRoundTripsAndIsPinned) {
  std::string bytes = EncodeRequestRecord({0x0102030405060708ull, "pt_1"});
  EXPECT_EQ(Hex(bytes), "0102030405060708" "70745f310001");
  auto back = DecodeRequestRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->fingerprint, 0x0102030405060708ull);
  EXPECT_EQ(back->resource_id, "pt_1");
  EXPECT_THAT(DecodeRequestRecord("short"), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(KeyCodecTest, DeviceAndTelemetryKeysDecode) {
  EXPECT_EQ(*DecodeDevicesByClinicKey(DevicesByClinicKey("c", "dv_9")), "dv_9");
  EXPECT_EQ(*DecodeSessionsByEpisodeKey(SessionsByEpisodeKey("e", -3, "s9")), "s9");
  EXPECT_EQ(*DecodeTelemetryKeySeq(TelemetryKey("s", 77)), 77u);
  const std::string encoded = EncodeChunkValue(-5, 900, 10, std::string("a\0b", 3));
  auto v = DecodeChunkValue(encoded);  // views into `encoded`
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->first_offset_ms, -5);
  EXPECT_EQ(v->last_offset_ms, 900);
  EXPECT_EQ(v->samples, 10u);
  EXPECT_EQ(v->chunk_bytes, std::string("a\0b", 3));
  EXPECT_THAT(DecodeChunkValue("short"), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeTelemetryKeySeq(SessionKey("s")), StatusIs(absl::StatusCode::kDataLoss));
  // Telemetry of one session sorts by seq and stays inside its prefix.
  EXPECT_LT(TelemetryKey("s", 1), TelemetryKey("s", 256));
  EXPECT_LT(TelemetryKey("s", 0xffffffff), PrefixSuccessor(TelemetryPrefix("s")));
}

TEST(KeyCodecTest, DecodeReportsDataLossOnGarbage) {
  EXPECT_THAT(DecodeObservationKey("garbage"), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeObservationKey(ObservationKey({"e", 1, 1, "o"}) + "x"),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodePatientsByClinicKey(EpisodesByPatientKey("p", 1, "e")),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeEpisodesByPatientKey(""), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace tractus::storage
