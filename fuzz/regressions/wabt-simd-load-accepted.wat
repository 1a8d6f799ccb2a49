;; fuzz_differential finding (2026-11-24, crash-e89b02…): a SIMD load in dead code.
;; Before the engine had SIMD it rejected every 0xfd opcode while wabt 1.0.32 accepted v128
;; loads with its SIMD feature off, and the harness had to skip such modules. Now both
;; sides have SIMD on: both must accept the module and agree on f's result.
(module
  (memory 1)
  (func (export "f") (result i32)
    (return (i32.const 1))
    (drop (v128.load8x8_s (i32.const 0)))))
