;; Found by the fuzz_differential smoke run in CI (a wasm-opt -ttf seed module): f32.mul
;; with an operand that is a NaN but not the canonical one. The spec (nans_N) allows any
;; arithmetic NaN as the result: x86 keeps the operand's payload (0xffffffa8 here), wabt
;; returns the canonical NaN. Stored unaligned, the two NaNs differ in whole bytes of
;; memory, and reinterpreted they differ as integers; both engines are right.
(module
  (memory (export "memory") 1 1)
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "run")
    (f32.store offset=22 align=1 (i32.const 0)
      (f32.mul (f32.const -0x1.bc497p+20) (f32.const -nan:0x7fffa8))))
  (func (export "reinterpret") (result i32)
    (i32.reinterpret_f32 (f32.mul (f32.const 2) (f32.const nan:0x200001))))
  (func (export "to_global")
    (global.set 0 (i32.load offset=22 align=1 (i32.const 0)))))
