;; A WASI command that exits with the file type fd_fdstat_get reports for its stdout
;; (fd 1): 2 = character device (a terminal), 4 = regular file, 0 = unknown (a pipe).
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (if (call $fdstat (i32.const 1) (i32.const 0)) (then (call $exit (i32.const 99))))
    (call $exit (i32.load8_u (i32.const 0)))
    (unreachable))
)
