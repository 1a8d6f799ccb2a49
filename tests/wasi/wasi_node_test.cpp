// The same C program under our host and under node's WASI (node:wasi, preview1) must
// print the same stdout and leave the same file behind.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/wasi/wasi_harness.h"

namespace midimon::wasi::test {
namespace {

std::string run_command(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  return out;
}

TEST(WasiNode, SameStdoutAndFilesAsNode) {
  const std::string node = MIDIMON_NODE;
  if (node.empty()) GTEST_SKIP() << "SKIPPED LOUDLY: node is not installed (optional package nodejs), so the comparison with node:wasi does not run";
  Sandbox ours, theirs;
  RunOut r = run_guest("workout", ours.config({"workout", "compare"}));
  ASSERT_TRUE(r.loaded) << r.trap;
  EXPECT_EQ(r.kind, wasm::TrapKind::None) << r.trap;

  const std::string script =
      "const {WASI}=require('node:wasi');const fs=require('fs');"
      "const w=new WASI({version:'preview1',args:['workout','compare'],env:{},"
      "preopens:{'/rw':process.argv[2],'/ro':process.argv[3]},returnOnExit:true});"
      "WebAssembly.instantiate(fs.readFileSync(process.argv[1]),w.getImportObject())"
      ".then(({instance})=>process.exit(w.start(instance)));";
  int status = 0;
  const std::string cmd = node + " --no-warnings --experimental-wasi-unstable-preview1 -e \"" + script + "\" " +
                          guest("workout") + " " + theirs.rw().string() + " " + theirs.ro().string();
  const std::string node_out = run_command(cmd, &status);
  ASSERT_EQ(status, 0) << node_out;
  EXPECT_EQ(r.out, node_out);
  EXPECT_NE(r.out.find("read /ro/input.txt: read-only input\n"), std::string::npos) << r.out;
  EXPECT_EQ(read_text(ours.rw() / "out.txt"), read_text(theirs.rw() / "out.txt"));
  EXPECT_EQ(read_text(ours.rw() / "out.txt"), "written by the guest\n");
}

}  // namespace
}  // namespace midimon::wasi::test
