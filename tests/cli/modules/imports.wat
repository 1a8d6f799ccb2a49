;; Imports that `midimon wasm run` cannot provide (it provides only WASI).
(module
  (import "env" "print" (func (param i32)))
  (import "env" "mem" (memory 1))
  (func (export "f") (result i32) (i32.const 1)))
