;; A hostile plugin for the manager's tests: execute logs "spinning" (so the test knows
;; it is inside) and then never returns; only the deadline stops it. ABI v1 otherwise.
(module
  (import "midimon" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "{\"name\":\"spin\",\"version\":\"1.0.0\",\"description\":\"hostile test plugin\",\"author\":\"midimon tests\",\"license\":\"MIT\",\"type\":\"action\"}")
  (data (i32.const 512) "spinning")
  (func (export "init") (result i64) (i64.const 0x100000007e))  ;; ptr 16, len 126
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "execute") (param i32 i32) (result i32)
    (call $log (i32.const 2) (i32.const 512) (i32.const 8))
    (loop $forever (br $forever))
    (i32.const 0)))
