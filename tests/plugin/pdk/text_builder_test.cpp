// The PDK's printf-free text helpers (midimon_text_* in include/midimon/pdk/plugin.h),
// compiled natively: appending, integers, and cutting off at the buffer's end without
// writing past it (ASan checks the exact-size buffers).
#define MIDIMON_PDK_ALLOW_HOST_BUILD 1
#include <midimon/pdk/plugin.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

namespace {

std::string text_of(const midimon_text& t) { return std::string(t.ptr, static_cast<size_t>(t.len)); }

TEST(PdkText, BuildsALineFromStringsBytesAndIntegers) {
  char buf[96];
  midimon_text t = midimon_text_on(buf, static_cast<int32_t>(sizeof buf));
  midimon_text_str(&t, "velocity=");
  midimon_text_int(&t, 100);
  midimon_text_str(&t, " mode=");
  midimon_text_int(&t, -1);
  midimon_text_bytes(&t, " name=Ada!", 9);
  midimon_text_str(&t, "\n");
  EXPECT_EQ(text_of(t), "velocity=100 mode=-1 name=Ada\n");
}

TEST(PdkText, FormatsTheWholeInt64Range) {
  char buf[64];
  midimon_text t = midimon_text_on(buf, static_cast<int32_t>(sizeof buf));
  midimon_text_int(&t, INT64_MIN);
  midimon_text_str(&t, " ");
  midimon_text_int(&t, INT64_MAX);
  midimon_text_str(&t, " ");
  midimon_text_int(&t, 0);
  EXPECT_EQ(text_of(t), "-9223372036854775808 9223372036854775807 0");
}

// Each piece is cut at the capacity; nothing is written past it, in place or through the
// digits buffer (an integer that does not fit whole).
TEST(PdkText, CutsOffAtTheCapacityWithoutWritingPastIt) {
  for (int32_t cap = 0; cap <= 24; ++cap) {
    std::unique_ptr<char[]> exact(new char[cap == 0 ? 1 : static_cast<size_t>(cap)]);
    midimon_text t = midimon_text_on(exact.get(), cap);
    midimon_text_str(&t, "n=");
    midimon_text_int(&t, -1234567890123);
    midimon_text_bytes(&t, "xyz", 3);
    midimon_text_str(&t, "!");
    const std::string want = std::string("n=-1234567890123xyz!").substr(0, static_cast<size_t>(cap));
    EXPECT_EQ(text_of(t), want) << "cap " << cap;
    EXPECT_LE(t.len, cap);
  }
  midimon_text none = midimon_text_on(nullptr, -5);
  midimon_text_str(&none, "x");
  midimon_text_int(&none, 7);
  EXPECT_EQ(none.len, 0);
  EXPECT_EQ(none.cap, 0);
}

}  // namespace
