;; Decodes, but function 0 returns an i64 where i32 is declared: invalid.
;; Built with wat2wasm --no-check.
(module
  (func (export "f") (result i32) (i64.const 1)))
