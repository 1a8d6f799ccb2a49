;; The guest's realtime clock and random bytes, for --clock-start and --random-seed.
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; Whole seconds of the realtime clock (clock id 0).
  (func (export "realtime_s") (result i64)
    (if (call $clock (i32.const 0) (i64.const 0) (i32.const 0)) (then (unreachable)))
    (i64.div_u (i64.load (i32.const 0)) (i64.const 1000000000)))
  ;; The first 8 bytes random_get writes, then the next 8 from a second call.
  (func (export "random2") (result i64 i64)
    (if (call $random (i32.const 16) (i32.const 8)) (then (unreachable)))
    (if (call $random (i32.const 24) (i32.const 8)) (then (unreachable)))
    (i64.load (i32.const 16)) (i64.load (i32.const 24)))
)
