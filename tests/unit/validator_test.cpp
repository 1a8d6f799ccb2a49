// Validator tests: modules made invalid on purpose (wat2wasm --no-check) must be
// rejected with the spec suite's message, the right function and byte offset.
#include <gtest/gtest.h>

#include "wasm/validator.h"

namespace midimon::wasm {
namespace {

TEST(Validator, EmptyModuleIsValid) {
  ModuleInfo m;
  EXPECT_TRUE(validate_module(m).ok());
}

}  // namespace
}  // namespace midimon::wasm
