;; fuzz_differential finding (2026-11-24, crash-780b66…): a function calling itself
;; through a table. wabt 1.0.32's interpreter breaks when its call stack runs out inside
;; call_indirect (PopValues assertion, then a corrupted Thread); the harness now gives
;; wabt a call stack deeper than its step budget can reach.
(module
  (type $t (func (result i32)))
  (table 1 1 funcref)
  (elem (i32.const 0) $self)
  (func $self (export "self") (type $t)
    (call_indirect (type $t) (i32.const 0))))
