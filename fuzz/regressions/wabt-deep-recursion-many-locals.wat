;; fuzz_differential finding (2026-11-24, oom-45c92e…): unbounded recursion in a function
;; with many locals. Given a call stack deep enough to stay clear of its broken
;; exhaustion path, wabt 1.0.32 grew its value stack to gigabytes; the harness now stops
;; wabt between short slices once it is deeper than its frame or value cap.
(module
  (func $deep (export "deep") (result i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (i64.add (call $deep) (local.get 63))))
