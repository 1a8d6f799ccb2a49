;; A WASI command that never ends (and imports one WASI function, to be a real one).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (br $l)))
)
