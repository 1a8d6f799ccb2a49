;; Self-test of the spec runner: a small script with both passing commands and
;; DELIBERATE failures, so the runner can be shown to count and report failures.
;; tests/spec/CMakeLists.txt expects exactly: 22 passed, 6 failed, 1 n/a.
;; Each deliberate failure is marked "DELIBERATE FAILURE".

(module $M
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (global (export "g") i32 (i32.const 42))
  (global $counter (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "bump") (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "counter") (result i32) (global.get $counter))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "canon") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "arith") (result f64) (f64.add (f64.const nan:0x4000000000001) (f64.const 1)))
  (func (export "neg0") (result f32) (f32.const -0))
  (func (export "id-ext") (param externref) (result externref) (local.get 0))
  (func (export "null-func") (result funcref) (ref.null func))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const -1))
  (func $rec (export "rec") (call $rec))
  (func (export "print") (call $print_i32 (i32.const 1)))

)

(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (get "g") (i32.const 42))
(invoke "bump")
(assert_return (invoke "counter") (i32.const 1))
(assert_return (invoke "canon") (f32.const nan:canonical))
(assert_return (invoke "arith") (f64.const nan:arithmetic))
(assert_return (invoke "neg0") (f32.const -0))
(assert_return (invoke "id-ext" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "id-ext" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null-func") (ref.null func))
(assert_return (invoke "two") (i32.const 1) (i64.const -1))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke "rec") "call stack exhausted")
(invoke "print")
(register "M" $M)

(module $N
  (import "M" "add" (func $add (param i32 i32) (result i32)))
  (import "spectest" "global_i32" (global $g666 i32))
  (func (export "add666") (param i32) (result i32)
    (call $add (local.get 0) (global.get $g666))))
(assert_return (invoke $N "add666" (i32.const 1)) (i32.const 667))

(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module quote "(func (i32.const") "unexpected token")
(assert_unlinkable (module (import "M" "nope" (func))) "unknown import")
(assert_trap (module (func $start unreachable) (start $start)) "unreachable")

;; DELIBERATE FAILURE 1: wrong value.
(assert_return (invoke $M "add" (i32.const 2) (i32.const 2)) (i32.const 5))
;; DELIBERATE FAILURE 2: -0 is not +0 (bits are compared exactly).
(assert_return (invoke $M "neg0") (f32.const 0))
;; DELIBERATE FAILURE 3: wrong trap message.
(assert_trap (invoke $M "div" (i32.const 1) (i32.const 0)) "integer overflow")
;; DELIBERATE FAILURE 4: no trap at all.
(assert_trap (invoke $M "add" (i32.const 1) (i32.const 1)) "unreachable")
;; DELIBERATE FAILURE 5: a valid module asserted invalid.
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
;; DELIBERATE FAILURE 6: the wrong externref comes back.
(assert_return (invoke $M "id-ext" (ref.extern 1)) (ref.extern 2))

;; This passes again: failures do not disturb later commands.
(assert_return (invoke $M "counter") (i32.const 1))
