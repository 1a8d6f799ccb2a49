;; Found by reading the compiler (2026-12-01), not by the fuzzer: in `X; Y; drop; use(X)`
;; the fusions of a consumer with the instruction just before saw only that the top of
;; the stack was a temp after the drop, and took the dropped Y for X (a store of a binop
;; or load result, a binop taking a load, a compare's br_if, a local.set retargeting its
;; producer). tests/unit/compiler_drop_fusion_test.cpp has the cases with their values.
(module
  (memory (export "mem") 1)
  (func $id (param i32) (result i32) local.get 0)
  (func (export "store_binop") (result i32)
    (call $id (i32.const 100))
    (call $id (i32.const 3))
    (call $id (i32.const 5))
    i32.mul
    (call $id (i32.const 3))
    (call $id (i32.const 5))
    i32.add
    drop
    i32.store
    (i32.load (i32.const 100)))
  (func (export "store_load") (result i32)
    (call $id (i32.const 104))
    (call $id (i32.const 7))
    (i32.load (call $id (i32.const 100)))
    drop
    i32.store
    (i32.load (i32.const 104)))
  (func (export "cmp_br_if") (result i32)
    block $b
      (call $id (i32.const 0))
      (call $id (i32.const 0))
      (call $id (i32.const 5))
      i32.lt_s
      drop
      br_if $b
      i32.const 1
      return
    end
    i32.const 2)
  (func (export "binop_load") (result i32)
    (call $id (i32.const 7))
    (call $id (i32.const 7))
    (i32.load (call $id (i32.const 100)))
    drop
    i32.add)
  (func (export "local_set") (result i32) (local $z i32)
    (call $id (i32.const 3))
    (call $id (i32.const 3))
    (call $id (i32.const 4))
    i32.add
    drop
    local.set $z
    local.get $z))
