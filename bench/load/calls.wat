;; Call costs (bench/call_bench.cpp): an empty export for host -> wasm calls, and loops
;; that call a host function, a wasm function, or nothing, n times (wasm -> host).
(module
  (import "bench" "inc" (func $host_inc (param i32) (result i32)))
  (func (export "nop"))
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func $wasm_inc (param i32) (result i32)
    local.get 0 i32.const 1 i32.add)
  ;; Each loop returns n, so the benchmark can check that every call happened.
  (func (export "call_host") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        local.get $n i32.eqz br_if $done
        local.get $acc call $host_inc local.set $acc
        local.get $n i32.const 1 i32.sub local.set $n
        br $next))
    local.get $acc)
  (func (export "call_wasm") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        local.get $n i32.eqz br_if $done
        local.get $acc call $wasm_inc local.set $acc
        local.get $n i32.const 1 i32.sub local.set $n
        br $next))
    local.get $acc)
  (func (export "loop_only") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        local.get $n i32.eqz br_if $done
        local.get $acc i32.const 1 i32.add local.set $acc
        local.get $n i32.const 1 i32.sub local.set $n
        br $next))
    local.get $acc))
