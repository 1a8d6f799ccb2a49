;; Found by a unit test written for the rule (2026-12-03), not by the fuzzer, which then
;; compared only the fuel a returning call used: a br_if back to a loop whose charge
;; also paid the next turn's header in advance (jit_flow's LatchChecks::ahead) covered a
;; call, whose entry check saw the advance; given exactly the fuel it needed, the call
;; ran out when the loop left by that br_if. The harness now also gives machine code
;; exactly the fuel each call used and expects it to return.
(module
  (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func (export "advance_over_a_call") (result i32) (local i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get 0) (i32.const 9)))
        (local.set 0 (call $leaf (local.get 0)))
        (br_if $l (i32.and (local.get 0) (i32.const 3)))))
    local.get 0)
  (func (export "advance_over_a_loop") (result i32) (local i32 i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get 0) (i32.const 9)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (local.set 1 (i32.const 0))
        (loop $in
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $in (i32.lt_u (local.get 1) (i32.const 3))))
        (br_if $l (i32.and (local.get 0) (i32.const 3)))))
    local.get 0))
