;; A hostile plugin for the manager's tests: init claims 4 GiB of metadata far outside
;; its one page of memory. Loading it must fail with a clear error, nothing allocated.
(module
  (memory (export "memory") 1)
  (func (export "init") (result i64) (i64.const 0x7fff0000ffffffff))
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "execute") (param i32 i32) (result i32) (i32.const 0)))
