;; Modules for the sandbox-limit options of `midimon wasm run`.
(module
  (memory 1)
  (func (export "ok") (result i32) (i32.const 42))
  (func (export "spin") (loop $l (br $l)))
  (func $nop)
  (func (export "spin_calls") (loop $l (call $nop) (br $l)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func $rec (export "recurse") (call $rec))
  ;; Counts down from n: 4 instructions per iteration.
  (func (export "count") (param $n i32) (result i32)
    (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (local.get $n)))
