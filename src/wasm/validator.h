// Validator: checks a decoded module against the spec's validation rules. Its own pass;
// the compiler runs only on modules it accepted.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "decoded_body.h"
#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

namespace validator_detail {
struct BodyScratch;
}

// Errors have kind Invalid, the spec's wording ("type mismatch", "unknown local",
// "constant expression required", ...), the byte offset, and `where` set to
// "function N" inside a body or the section name otherwise.
Result<void> validate_module(const ModuleInfo& module);

// The same checks in steps, for a loader that decodes each function body once for both
// the validator and the compiler (Module::compile): check_module() first, then
// check_body() for every defined function, in order.
class ModuleValidator {
 public:
  explicit ModuleValidator(const ModuleInfo& module);
  // Everything but the function bodies.
  Result<void> check_module();
  // The body of defined function `func_index` (module function index, imports first),
  // decoded by decode_body.
  Result<void> check_body(uint32_t func_index, const DecodedBody& body);

  ModuleValidator(const ModuleValidator&) = delete;
  ModuleValidator& operator=(const ModuleValidator&) = delete;
  ~ModuleValidator();

 private:
  const ModuleInfo& m_;
  std::vector<bool> declared_;  // C.refs: functions `ref.func` may name in a body
  std::unique_ptr<validator_detail::BodyScratch> scratch_;  // reused by every body
};

}  // namespace midimon::wasm
