// The one-decode load pipeline (Module::compile / Module::validate: bodies delimited by
// the reader, decoded once for validation and compilation) must reject every module with
// exactly the error the staged pipeline gives (read_module decoding every body, then
// validate_module): a malformed body anywhere comes before anything invalid, a body's
// error before any error in a later part of the module, and "data count section
// required" after the count checks. Each module below has two or more errors, so only
// the right order passes. Hand-written bytes; offsets can be counted from the lists.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasm/binary_reader.h"
#include "wasm/engine.h"
#include "wasm/module.h"
#include "wasm/validator.h"

namespace midimon::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes module(std::initializer_list<Bytes> sections) {
  Bytes b = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) b.insert(b.end(), s.begin(), s.end());
  return b;
}

// One section with a one-byte size (every payload here is < 128 bytes).
Bytes sec(uint8_t id, const Bytes& payload) {
  Bytes b = {id, static_cast<uint8_t>(payload.size())};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// A code section of the given bodies, each given without its size byte.
Bytes code(std::initializer_list<Bytes> bodies) {
  Bytes payload = {static_cast<uint8_t>(bodies.size())};
  for (const Bytes& body : bodies) {
    payload.push_back(static_cast<uint8_t>(body.size()));
    payload.insert(payload.end(), body.begin(), body.end());
  }
  return sec(10, payload);
}

const Bytes kType0 = sec(1, {0x01, 0x60, 0x00, 0x00});  // type 0: [] -> []
Bytes funcs(uint8_t n) {
  Bytes payload = {n};
  for (uint8_t i = 0; i < n; ++i) payload.push_back(0x00);
  return sec(3, payload);
}
const Bytes kMemory = sec(5, {0x01, 0x00, 0x01});  // one memory, min 1 page

const Bytes kNop = {0x00, 0x0B};                      // no locals; end
const Bytes kInvalid = {0x00, 0x6A, 0x0B};            // i32.add on an empty stack
const Bytes kIllegalOpcode = {0x00, 0xFF, 0x0B};      // 0xff is no opcode
const Bytes kDataDrop = {0x00, 0xFC, 0x09, 0x00, 0x0B};  // data.drop 0

// The staged pipeline's verdict, the reference for the one-decode pipeline.
Error staged_error(const Bytes& b) {
  auto info = read_module(b, BodyDecoding::Eager);
  if (!info) return info.error();
  auto v = validate_module(*info);
  EXPECT_FALSE(v.ok()) << "the test module is valid";
  return v.error();
}

void expect_same_error(const Bytes& b, const char* message) {
  const Error want = staged_error(b);
  EXPECT_EQ(want.message, message) << want.to_string();
  for (bool lazy : {true, false}) {
    EngineConfig config;
    config.lazy_compilation = lazy;
    Engine engine(config);
    auto m = Module::compile(engine, b);
    ASSERT_FALSE(m.ok()) << "Module::compile accepted it";
    const Error& got = m.error();
    EXPECT_EQ(got.kind, want.kind) << got.to_string();
    EXPECT_EQ(got.message, want.message) << got.to_string();
    EXPECT_EQ(got.offset, want.offset) << got.to_string() << " vs " << want.to_string();
    EXPECT_EQ(got.where, want.where) << got.to_string() << " vs " << want.to_string();
  }
  auto v = Module::validate(b);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().to_string(), want.to_string());
}

TEST(LoadErrorOrder, MalformedBodyAfterAnInvalidOneWins) {
  expect_same_error(module({kType0, funcs(2), code({kInvalid, kIllegalOpcode})}),
                    "illegal opcode 0xff");
}

TEST(LoadErrorOrder, MalformedBodyBeforeAnInvalidExport) {
  // Export "f" twice: invalid ("duplicate export name"), found before any body is walked.
  const Bytes exports = sec(7, {0x02, 0x01, 'f', 0x00, 0x00, 0x01, 'f', 0x00, 0x00});
  expect_same_error(module({kType0, funcs(1), exports, code({kIllegalOpcode})}),
                    "illegal opcode 0xff");
}

TEST(LoadErrorOrder, InvalidExportBeforeAnInvalidBody) {
  const Bytes exports = sec(7, {0x01, 0x01, 'f', 0x00, 0x05});  // function 5 does not exist
  expect_same_error(module({kType0, funcs(1), exports, code({kInvalid})}), "unknown function 5");
}

TEST(LoadErrorOrder, BodyErrorBeforeAMalformedDataSection) {
  const Bytes bad_data = sec(11, {0x01, 0x07});  // segment kind 7 does not exist
  expect_same_error(module({kType0, funcs(1), kMemory, code({kIllegalOpcode}), bad_data}),
                    "illegal opcode 0xff");
}

TEST(LoadErrorOrder, BodyErrorBeforeTheFunctionAndCodeCountMismatch) {
  expect_same_error(module({kType0, funcs(2), code({kIllegalOpcode})}), "illegal opcode 0xff");
}

TEST(LoadErrorOrder, BodyEndingAfterItsDeclaredSize) {
  // The first body's size says 2 bytes (no locals, nop); its end is the next byte, which
  // the reference decoder reads as an instruction before finding the mismatch.
  Bytes payload = {0x02, 0x02, 0x00, 0x01, 0x0B, 0x02, 0x00, 0x0B};
  expect_same_error(module({kType0, funcs(2), sec(10, payload)}), "section size mismatch");
}

TEST(LoadErrorOrder, LocalsRunningPastTheBodysEnd) {
  // Body size 1, but one local group (count 1, i32) follows: 3 bytes of locals.
  Bytes payload = {0x01, 0x01, 0x01, 0x01, 0x7F, 0x0B};
  expect_same_error(module({kType0, funcs(1), sec(10, payload)}), "section size mismatch");
}

TEST(LoadErrorOrder, DataCountRequiredBeforeAnInvalidBody) {
  const Bytes data = sec(11, {0x01, 0x01, 0x00});  // one passive, empty segment
  expect_same_error(module({kType0, funcs(2), kMemory, code({kInvalid, kDataDrop}), data}),
                    "data count section required");
}

TEST(LoadErrorOrder, MalformedBodyBeforeDataCountRequired) {
  const Bytes data = sec(11, {0x01, 0x01, 0x00});
  expect_same_error(module({kType0, funcs(2), kMemory, code({kDataDrop, kIllegalOpcode}), data}),
                    "illegal opcode 0xff");
}

TEST(LoadErrorOrder, InvalidBodyOfAFunctionNobodyCalls) {
  // Validation stays complete when compiling lazily: the module fails at load.
  expect_same_error(module({kType0, funcs(3), code({kNop, kNop, kInvalid})}), "type mismatch");
}

// Fuzz smoke-run findings (heap reads past the module's end under ASan): a function body
// whose declared size runs past the end of the module. Both are "unexpected end", and
// nothing reads beyond the bytes (the ASan build of these tests checks that).
TEST(LoadErrorOrder, BodyLongerThanTheModuleIsUnexpectedEnd) {
  // fuzz_read_validate crash-866ce711: a body of 16 bytes with 15 left, ending in a typed
  // select's type vector.
  const Bytes a = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x00,
                   0x02, 0x7f, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x12, 0x01, 0x10, 0x00, 0x41,
                   0x00, 0x41, 0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0x1c, 0x02, 0x7f, 0x7f, 0x0b};
  // fuzz_instantiate_run crash-5e24e042: a body of 7 bytes with 6 left.
  const Bytes b = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
                   0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x41,
                   0x00, 0x11, 0x00, 0x00};
  for (const Bytes& bytes : {a, b}) {
    Engine engine;
    auto m = Module::compile(engine, bytes);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("unexpected end"), std::string::npos) << m.error().to_string();
    auto v = Module::validate(bytes);
    EXPECT_FALSE(v.ok());
  }
}

}  // namespace
}  // namespace midimon::wasm
