// --dir and --env syntax of `midimon wasm run`.
#include <gtest/gtest.h>

#include "tools/run_options.h"

namespace midimon::tools {
namespace {

TEST(DirOption, HostOnlyMapsToSamePath) {
  std::string err;
  auto p = parse_dir_option("/data", &err);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host_dir, "/data");
  EXPECT_EQ(p->guest_path, "/data");
  EXPECT_FALSE(p->read_only);
}

TEST(DirOption, HostGuestAndReadOnly) {
  std::string err;
  auto p = parse_dir_option("/srv/in::/in:ro", &err);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host_dir, "/srv/in");
  EXPECT_EQ(p->guest_path, "/in");
  EXPECT_TRUE(p->read_only);
  auto q = parse_dir_option("rel:ro", &err);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->host_dir, "rel");
  EXPECT_EQ(q->guest_path, "rel");
  EXPECT_TRUE(q->read_only);
}

TEST(DirOption, EmptyPartsRejected) {
  std::string err;
  EXPECT_FALSE(parse_dir_option("", &err));
  EXPECT_FALSE(parse_dir_option("::/x", &err));
  EXPECT_EQ(err, "--dir \"::/x\": expected HOST[::GUEST][:ro] with non-empty paths");
  EXPECT_FALSE(parse_dir_option("/x::", &err));
  EXPECT_FALSE(parse_dir_option("::/x:ro", &err));
}

TEST(EnvOption, KeyEqualsValue) {
  EXPECT_TRUE(valid_env_option("A=b"));
  EXPECT_TRUE(valid_env_option("A="));
  EXPECT_TRUE(valid_env_option("A=b=c"));
  EXPECT_FALSE(valid_env_option("A"));
  EXPECT_FALSE(valid_env_option("=b"));
}

}  // namespace
}  // namespace midimon::tools
